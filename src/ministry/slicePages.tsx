// One department, category, or a department's category of a municipality (/ministry/m/:slug/departments/
// :code, …/categories/:code, …/departments/:code/categories/:category): where it sits (nation → municipality
// → department → category), its figures month by month from the aggregates, a department's categories each
// leading further, then its cases received in the period, anonymised — the tracking code leads to the staff
// case page, the title is the public one (private cases show none), and nothing names or locates a person.
import { formatDay } from "../cases/web/casePages.tsx";
import type { Period } from "../stats/query.ts";
import { type DataTable, PeriodForm, periodText, TableView } from "../stats/web/statsPages.tsx";
import { Breadcrumbs } from "../web/components/Breadcrumbs.tsx";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import { ErrorSummary, type FieldErrors, formTitle } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { K, Pagination, periodQuery } from "./ui.tsx";

/** A case as the list shows it: its title only where the public view gives one. */
export interface ListedCase {
  code: string;
  /** The staff case page. */
  href: string;
  /** The public title; undefined for a private case. */
  title: string | undefined;
  status: string;
  receivedAt: Date;
  slaState: string;
  slaDueAt: Date | null;
}

export interface SlicePageProps {
  ctx: PageContext;
  municipality: { slug: string; name: string };
  /** A category within a department names the department too, the step above it. */
  slice: {
    kind: "department" | "category" | "departmentCategory";
    name: string;
    path: string;
    department?: { name: string; path: string };
  };
  values: { from: string; to: string };
  errors: FieldErrors;
  data?: {
    period: Period;
    months: DataTable;
    /** A department's cases by category, each leading to that category within it. */
    categories?: DataTable;
    cases: ListedCase[];
    page: number;
    pageCount: number;
    received: number;
  };
}

export function CaseTable({
  ctx,
  cases,
  caption,
  labelledBy,
}: {
  ctx: PageContext;
  cases: ListedCase[];
  caption: string;
  labelledBy: string;
}) {
  const { t } = ctx;
  return (
    <ScrollTable
      labelledBy={labelledBy}
      caption={caption}
      head={[
        t(`${K}.cases.code`),
        t(`${K}.cases.title`),
        t(`${K}.cases.status`),
        t(`${K}.cases.received`),
        t(`${K}.cases.due`),
        t(`${K}.cases.sla`),
      ]}
    >
      {cases.map((c) => (
        <tr>
          <th scope="row">
            <a href={c.href} safe>
              {c.code}
            </a>
          </th>
          <td>
            {c.title === undefined ? <em safe>{t(`${K}.cases.private`)}</em> : <span safe>{c.title}</span>}
          </td>
          <td safe>{t(`status.${c.status}`)}</td>
          <td safe>{formatDay(ctx, c.receivedAt)}</td>
          <td safe>{c.slaDueAt ? formatDay(ctx, c.slaDueAt, true) : t(`${K}.cases.noDue`)}</td>
          <td safe>{t(`inbox.slaState.${c.slaState}`, { defaultValue: c.slaState })}</td>
        </tr>
      ))}
    </ScrollTable>
  );
}

export function SlicePage(p: SlicePageProps) {
  const { ctx, data, errors } = p;
  const { t } = ctx;
  const title = t(`${K}.slice.title.${p.slice.kind}`, {
    name: p.slice.name,
    department: p.slice.department?.name,
    municipality: p.municipality.name,
  });
  const q = data ? periodQuery(data.period) : "";
  const crumbs = [
    { label: t(`${K}.dashboard.title`), href: `/ministry${q}` },
    { label: p.municipality.name, href: `/ministry/m/${p.municipality.slug}${q}` },
    ...(p.slice.department
      ? [{ label: p.slice.department.name, href: `${p.slice.department.path}${q}` }]
      : []),
    { label: p.slice.name },
  ];
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={["from", "to", "page"]} />
      <Breadcrumbs label={t("components.breadcrumbs.label")} crumbs={crumbs} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.slice.lead`)}
      </p>
      <PeriodForm ctx={ctx} action={p.slice.path} values={p.values} errors={errors} />
      {data ? (
        <>
          <section aria-labelledby="months-heading">
            <h2 id="months-heading" safe>
              {t(`${K}.slice.monthsHeading`, { period: periodText(ctx, data.period) })}
            </h2>
            <p class="hint" safe>
              {t(`${K}.slice.monthsHint`)}
            </p>
            <TableView ctx={ctx} table={data.months} labelledBy="months-heading" />
          </section>
          {data.categories ? (
            <section aria-labelledby="categories-heading">
              <h2 id="categories-heading" safe>
                {t(`${K}.slice.categoriesHeading`)}
              </h2>
              {data.categories.rows.length === 0 ? (
                <p safe>{t(`${K}.slice.noCategories`)}</p>
              ) : (
                <TableView ctx={ctx} table={data.categories} labelledBy="categories-heading" />
              )}
            </section>
          ) : null}
          <section aria-labelledby="cases-heading">
            <h2 id="cases-heading" safe>
              {t(`${K}.slice.casesHeading`, { count: data.received })}
            </h2>
            <p class="hint" safe>
              {t(`${K}.slice.casesHint`)}
            </p>
            {data.cases.length === 0 ? (
              <p safe>{t(`${K}.slice.noCases`)}</p>
            ) : (
              <CaseTable
                ctx={ctx}
                cases={data.cases}
                labelledBy="cases-heading"
                caption={t(`${K}.slice.casesCaption`, { page: data.page, pages: data.pageCount })}
              />
            )}
            <Pagination
              ctx={ctx}
              page={data.page}
              pageCount={data.pageCount}
              href={(n) => `${p.slice.path}${periodQuery(data.period, { page: String(n) })}#cases-heading`}
            />
          </section>
        </>
      ) : null}
    </Layout>
  );
}
