// The national dashboard (/ministry): every municipality side by side on every indicator for a period,
// sortable by any column through links, the national row, the open alerts and the escalation queue at the
// top; and one municipality's page (/ministry/m/:slug): its indicators, its months, and its departments and
// categories, each leading further down.
import type { AnnouncedGap } from "../calendar/calendarAdmin.ts";
import { calendarPath } from "../calendar/web/calendarPages.tsx";
import { formatDateTime } from "../cases/web/casePages.tsx";
import { localized } from "../kernel/localized.ts";
import type { Period } from "../stats/query.ts";
import { PERIOD_FIELDS, type SortDir } from "../stats/web/period.ts";
import {
  ChartFigure,
  CsvLink,
  chartFormat,
  chartMonthLabels,
  type DataTable,
  PeriodForm,
  periodText,
  SortableTable,
  TableView,
} from "../stats/web/statsPages.tsx";
import type { PageContext } from "../web/context.ts";
import { ErrorSummary, type FieldErrors, formTitle } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { K, MinistryNav, periodQuery } from "./ui.tsx";

export interface DashboardPageProps {
  ctx: PageContext;
  values: { from: string; to: string };
  errors: FieldErrors;
  sort: { sort: string; dir: SortDir };
  /** The column keys the table can be sorted by, in the order of its shown columns. */
  sortKeys: readonly string[];
  openAlerts: number;
  queue: number;
  /** This year and the next (calendarAdmin.ts yearsWatched) when the calendar lacks a Bajram's date. */
  calendarGaps: AnnouncedGap[];
  data?: { period: Period; table: DataTable; updatedAt: Date | null };
}

function Figures(p: Pick<DashboardPageProps, "ctx" | "openAlerts" | "queue" | "calendarGaps">) {
  const { t, lang } = p.ctx;
  return (
    <section aria-labelledby="attention-heading" class="panel">
      <h2 id="attention-heading" safe>
        {t(`${K}.dashboard.attentionHeading`)}
      </h2>
      <ul class="link-list">
        <li>
          <a href="/ministry/alerts" safe>
            {t(`${K}.dashboard.openAlerts`, { count: p.openAlerts })}
          </a>
        </li>
        <li>
          <a href="/ministry/escalations" safe>
            {t(`${K}.dashboard.queue`, { count: p.queue })}
          </a>
        </li>
        {p.calendarGaps.map((g) => (
          <li>
            <a href={calendarPath(g.year)} class="warning-text" safe>
              {t(`${K}.dashboard.calendarGap`, {
                year: g.year,
                names: g.missing.map((h) => localized(h.name, lang)).join(", "),
              })}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function DashboardPage(p: DashboardPageProps) {
  const { ctx, data, errors, sort } = p;
  const { t } = ctx;
  const title = t(`${K}.dashboard.title`);
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={PERIOD_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.dashboard.lead`)}
      </p>
      <MinistryNav ctx={ctx} current="/ministry" />
      <Figures ctx={ctx} openAlerts={p.openAlerts} queue={p.queue} calendarGaps={p.calendarGaps} />
      <PeriodForm
        ctx={ctx}
        action="/ministry"
        values={p.values}
        errors={errors}
        keep={{ sort: sort.sort, dir: sort.dir }}
      />
      {data ? (
        <section aria-labelledby="compare-heading">
          <h2 id="compare-heading" safe>
            {t(`${K}.dashboard.heading`, { period: periodText(ctx, data.period) })}
          </h2>
          {data.updatedAt ? (
            <p class="hint" safe>
              {t("stats.updatedAt", { time: formatDateTime(ctx, data.updatedAt) })}
            </p>
          ) : null}
          <p class="hint" safe>
            {t(`${K}.dashboard.sortHint`)}
          </p>
          <SortableTable
            ctx={ctx}
            table={data.table}
            labelledBy="compare-heading"
            sortKeys={p.sortKeys}
            sort={sort}
            href={(key, dir) => `/ministry${periodQuery(data.period, { sort: key, dir })}`}
          />
          <CsvLink ctx={ctx} href={`/ministry${periodQuery(data.period, { format: "csv" })}`} />
        </section>
      ) : null}
    </Layout>
  );
}

// ── One municipality.

export interface MunicipalityPageProps {
  ctx: PageContext;
  municipality: { slug: string; name: string };
  values: { from: string; to: string };
  errors: FieldErrors;
  data?: {
    period: Period;
    indicators: DataTable;
    months: DataTable;
    /** The share answered within the standard, month by month (null: nothing decided). */
    onTime: { month: string; value: number | null }[];
    departments: DataTable;
    categories: DataTable;
    alerts: { id: number; title: string }[];
    queue: number;
  };
}

export function MunicipalityPage(p: MunicipalityPageProps) {
  const { ctx, data, errors } = p;
  const { t } = ctx;
  const title = t(`${K}.municipality.title`, { municipality: p.municipality.name });
  const path = `/ministry/m/${p.municipality.slug}`;
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={PERIOD_FIELDS} />
      <p>
        <a href={data ? `/ministry${periodQuery(data.period)}` : "/ministry"} safe>
          {t(`${K}.municipality.back`)}
        </a>
      </p>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.municipality.lead`, { municipality: p.municipality.name })}
      </p>
      <PeriodForm ctx={ctx} action={path} values={p.values} errors={errors} />
      {data ? (
        <>
          <section aria-labelledby="attention-heading" class="panel">
            <h2 id="attention-heading" safe>
              {t(`${K}.dashboard.attentionHeading`)}
            </h2>
            {data.alerts.length === 0 ? (
              <p safe>{t(`${K}.municipality.noAlerts`)}</p>
            ) : (
              <ul class="link-list">
                {data.alerts.map((a) => (
                  <li>
                    <a href={`/ministry/alerts/${a.id}`} safe>
                      {a.title}
                    </a>
                  </li>
                ))}
              </ul>
            )}
            <p>
              <a href="/ministry/escalations" safe>
                {t(`${K}.municipality.queue`, { count: data.queue })}
              </a>
            </p>
          </section>
          <section aria-labelledby="indicators-heading">
            <h2 id="indicators-heading" safe>
              {t("stats.indicatorsHeading", { period: periodText(ctx, data.period) })}
            </h2>
            <TableView ctx={ctx} table={data.indicators} labelledBy="indicators-heading" />
          </section>
          <section aria-labelledby="months-heading">
            <h2 id="months-heading" safe>
              {t(`${K}.municipality.monthsHeading`)}
            </h2>
            {/* The month table below holds the chart's data. */}
            <ChartFigure
              ctx={ctx}
              id="chart-on-time"
              title={t("stats.indicator.answeredWithinShare")}
              period={data.period}
              chart={{
                kind: "line",
                categories: chartMonthLabels(
                  ctx.lang,
                  data.onTime.map((m) => m.month),
                ),
                values: data.onTime.map((m) => m.value),
                format: chartFormat(ctx.lang, "share"),
                max: 1,
              }}
            />
            <TableView ctx={ctx} table={data.months} labelledBy="months-heading" />
          </section>
          <section aria-labelledby="departments-heading">
            <h2 id="departments-heading" safe>
              {t(`${K}.municipality.departmentsHeading`)}
            </h2>
            <TableView ctx={ctx} table={data.departments} labelledBy="departments-heading" />
          </section>
          <section aria-labelledby="categories-heading">
            <h2 id="categories-heading" safe>
              {t(`${K}.municipality.categoriesHeading`)}
            </h2>
            <TableView ctx={ctx} table={data.categories} labelledBy="categories-heading" />
          </section>
        </>
      ) : null}
    </Layout>
  );
}
