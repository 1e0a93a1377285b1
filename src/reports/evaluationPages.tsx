// The pilot evaluation's pages: the ministry's list and form (/ministry/evaluations), the public list of the
// published ones (/evaluations), and the evaluation itself (/evaluations/:id), public once published.

import { formatDateTime } from "../cases/web/casePages.tsx";
import type { LocalizedText } from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";
import { htmlLang, localized, localizedLanguage } from "../kernel/localized.ts";
import { ChartFigure, chartFormat, periodText, TableView } from "../stats/web/statsPages.tsx";
import { Loc } from "../web/components/Loc.tsx";
import { ScrollTable } from "../web/components/ScrollTable.tsx";
import type { PageContext } from "../web/context.ts";
import {
  Button,
  ErrorSummary,
  Field,
  type FieldErrors,
  formTitle,
  PostForm,
  TextAreaField,
} from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { EVALUATION_FIELDS, type EvaluationValues } from "./evaluationForm.ts";
import {
  EVALUATION_SECTIONS,
  type EvaluationCsvTable,
  type EvaluationReport,
  figureDefinition,
  figureLabel,
  figureLink,
  monthLabels,
  periodOf,
  sectionTable,
  usageTable,
} from "./evaluationReport.ts";
import type { EvaluationRow } from "./evaluations.ts";
import { CheckboxesField, K } from "./ui.tsx";

const E = `${K}.evaluations`;

export const evaluationPath = (id: number) => `/evaluations/${id}`;
export const editPath = (id: number) => `/ministry/evaluations/${id}/edit`;
/** One of the evaluation's CSV files (the figures are the default: no `table`). */
export const evaluationCsvPath = (id: number, table: EvaluationCsvTable) =>
  `${evaluationPath(id)}?format=csv${table === "figures" ? "" : `&table=${table}`}`;

/** Text with its paragraphs (blank lines) kept. */
function Paragraphs({ text, lang }: { text: LocalizedText; lang: Language }) {
  const shown = localizedLanguage(text, lang);
  return (
    <div lang={shown === lang ? undefined : htmlLang(shown)}>
      {localized(text, lang)
        .split(/\n\s*\n/)
        .map((p) => (
          <p safe>{p.trim()}</p>
        ))}
    </div>
  );
}

/** Draft, or published on a day: in words, never by colour alone. */
function StateText({ ctx, row }: { ctx: PageContext; row: EvaluationRow }) {
  return row.publishedAt ? (
    <span safe>{ctx.t(`${E}.published`, { time: formatDateTime(ctx, row.publishedAt) })}</span>
  ) : (
    <strong class="status-tag" safe>
      {ctx.t(`${E}.draft`)}
    </strong>
  );
}

export function EvaluationListPage(p: { ctx: PageContext; rows: EvaluationRow[]; notice?: string }) {
  const { ctx, rows } = p;
  const { t } = ctx;
  const title = t(`${E}.listTitle`);
  return (
    <Layout ctx={ctx} title={title}>
      <p class="back-link">
        <a href="/reports" safe>
          {t(`${K}.report.back`)}
        </a>
      </p>
      {p.notice ? (
        <p class="notice" role="status" safe>
          {p.notice}
        </p>
      ) : null}
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${E}.listLead`)}
      </p>
      <p>
        <a class="button button--primary" href="/ministry/evaluations/new" safe>
          {t(`${E}.new`)}
        </a>
      </p>
      {rows.length === 0 ? (
        <p safe>{t(`${E}.empty`)}</p>
      ) : (
        <>
          <h2 id="list-heading" safe>
            {t(`${E}.listHeading`)}
          </h2>
          <ScrollTable
            labelledBy="list-heading"
            caption={t(`${E}.listCaption`)}
            head={[
              t(`${E}.column.title`),
              t(`${E}.column.period`),
              t(`${E}.column.municipalities`),
              t(`${E}.column.state`),
            ]}
          >
            {rows.map((row) => (
              <tr>
                <th scope="row">
                  <a href={editPath(row.id)}>
                    <Loc text={row.title} lang={ctx.lang} />
                  </a>
                </th>
                <td safe>{periodText(ctx, periodOf(row))}</td>
                <td class="number" safe>
                  {String(row.municipalityIds.length)}
                </td>
                <td>
                  <StateText ctx={ctx} row={row} />
                </td>
              </tr>
            ))}
          </ScrollTable>
        </>
      )}
    </Layout>
  );
}

export interface EvaluationFormProps {
  ctx: PageContext;
  /** The evaluation being edited; absent: a new one. */
  row?: EvaluationRow;
  values: EvaluationValues;
  errors: FieldErrors;
  municipalities: { id: number; name: string }[];
  notice?: string;
}

export function EvaluationFormPage(p: EvaluationFormProps) {
  const { ctx, row, errors, values } = p;
  const { t } = ctx;
  const title = row ? t(`${E}.editTitle`) : t(`${E}.newTitle`);
  const text = (name: string) => values.text[name] ?? "";
  const action = row ? editPath(row.id) : "/ministry/evaluations/new";
  const langs = [
    ["Sq", "sq"],
    ["Sr", "sr-Latn"],
    ["En", "en"],
  ] as const;
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <p class="back-link">
        <a href="/ministry/evaluations" safe>
          {t(`${E}.back`)}
        </a>
      </p>
      <ErrorSummary t={t} errors={errors} order={EVALUATION_FIELDS} />
      {p.notice ? (
        <p class="notice" role="status" safe>
          {p.notice}
        </p>
      ) : null}
      <h1 safe>{title}</h1>
      {row ? (
        <p>
          <StateText ctx={ctx} row={row} />{" "}
          <a href={evaluationPath(row.id)} safe>
            {t(row.publishedAt ? `${E}.view` : `${E}.preview`)}
          </a>
        </p>
      ) : (
        <p class="lead" safe>
          {t(`${E}.newLead`)}
        </p>
      )}
      <PostForm action={action} csrf={ctx.csrf}>
        {langs.map(([suffix, lang]) => (
          <Field
            t={t}
            name={`title${suffix}`}
            label={t(`${E}.field.title${suffix}`)}
            {...(suffix === "En" ? { hint: t(`${E}.field.optional`) } : {})}
            value={text(`title${suffix}`)}
            lang={lang}
            errors={errors}
          />
        ))}
        {langs.map(([suffix, lang]) => (
          <TextAreaField
            t={t}
            name={`summary${suffix}`}
            label={t(`${E}.field.summary${suffix}`)}
            hint={t(suffix === "En" ? `${E}.field.optional` : `${E}.field.summaryHint`)}
            value={text(`summary${suffix}`)}
            lang={lang}
            rows={6}
            errors={errors}
          />
        ))}
        <CheckboxesField
          ctx={ctx}
          name="municipalities"
          legend={t(`${E}.field.municipalities`)}
          hint={t(`${E}.field.municipalitiesHint`)}
          options={p.municipalities.map((m) => ({ value: String(m.id), label: m.name }))}
          checked={values.municipalities}
          errors={errors}
        />
        <Field
          t={t}
          name="from"
          label={t(`${E}.field.from`)}
          hint={t(`${E}.field.monthHint`)}
          value={text("from")}
          width="short"
          autocomplete="off"
          errors={errors}
        />
        <Field
          t={t}
          name="to"
          label={t(`${E}.field.to`)}
          hint={t(`${E}.field.monthHint`)}
          value={text("to")}
          width="short"
          autocomplete="off"
          errors={errors}
        />
        <Button label={t(row ? `${E}.save` : `${E}.create`)} />
      </PostForm>
      {row ? (
        <section aria-labelledby="publish-heading">
          <h2 id="publish-heading" safe>
            {t(`${E}.publishHeading`)}
          </h2>
          <p safe>{t(row.publishedAt ? `${E}.unpublishLead` : `${E}.publishLead`)}</p>
          <PostForm action={`/ministry/evaluations/${row.id}/publish`} csrf={ctx.csrf}>
            <input type="hidden" name="publish" value={row.publishedAt ? "no" : "yes"} />
            <Button
              label={t(row.publishedAt ? `${E}.unpublish` : `${E}.publish`)}
              variant={row.publishedAt ? "warning" : "primary"}
            />
          </PostForm>
        </section>
      ) : null}
    </Layout>
  );
}

export function PublicEvaluationsPage({ ctx, rows }: { ctx: PageContext; rows: EvaluationRow[] }) {
  const { t } = ctx;
  const title = t(`${E}.publicTitle`);
  return (
    <Layout ctx={ctx} title={title}>
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${E}.publicLead`)}
      </p>
      {rows.length === 0 ? (
        <p safe>{t(`${E}.publicEmpty`)}</p>
      ) : (
        <ul class="link-list">
          {rows.map((row) => (
            <li>
              <a href={evaluationPath(row.id)}>
                <Loc text={row.title} lang={ctx.lang} />
              </a>{" "}
              <span class="hint" safe>
                {periodText(ctx, periodOf(row))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** One section of the evaluation: its table, then what each of its figures means. */
function Section({ ctx, r, name }: { ctx: PageContext; r: EvaluationReport; name: string }) {
  const { t } = ctx;
  const section = EVALUATION_SECTIONS.find((s) => s.name === name)!;
  const headingId = `${name}-heading`;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId} safe>
        {t(`${K}.evaluation.section.${name}`)}
      </h2>
      <TableView ctx={ctx} table={sectionTable(ctx, r, name)} labelledBy={headingId} />
      <h3 safe>{t(`${K}.evaluation.definitionsHeading`)}</h3>
      <dl class="summary-list">
        {section.figures.map((f) => (
          <div>
            <dt safe>{figureLabel(ctx, f)}</dt>
            <dd>
              <span safe>{figureDefinition(ctx, f)}</span>{" "}
              <a href={figureLink(f)}>
                <span safe>{t(`${K}.evaluation.moreAbout`)}</span>
                {/* Said after the visible words, so each link's name is its own among the many alike. */}
                <span class="visually-hidden" safe>
                  {`: ${figureLabel(ctx, f)}`}
                </span>
              </a>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export async function EvaluationPage({
  ctx,
  report: r,
  canEdit,
}: {
  ctx: PageContext;
  report: EvaluationReport;
  canEdit: boolean;
}) {
  const { t } = ctx;
  const e = r.evaluation;
  const title = localized(e.title, ctx.lang);
  const labels = monthLabels(ctx, r);
  const usage = usageTable(ctx, r);
  return (
    <Layout ctx={ctx} title={title}>
      {canEdit ? (
        <p class="back-link">
          <a href={editPath(e.id)} safe>
            {t(`${E}.backToEdit`)}
          </a>
        </p>
      ) : (
        <p class="back-link">
          <a href="/evaluations" safe>
            {t(`${E}.backToPublic`)}
          </a>
        </p>
      )}
      {e.publishedAt ? null : (
        <p class="notice" safe>
          {t(`${E}.draftNotice`)}
        </p>
      )}
      <h1>
        <Loc text={e.title} lang={ctx.lang} />
      </h1>
      {e.summary ? <Paragraphs text={e.summary} lang={ctx.lang} /> : null}
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.evaluation.periodLabel`)}</dt>
          <dd safe>{periodText(ctx, r.period)}</dd>
        </div>
        <div>
          <dt safe>{t(`${K}.evaluation.municipalitiesLabel`, { count: r.municipalities.length })}</dt>
          <dd safe>{r.municipalities.map((m) => m.name).join(", ")}</dd>
        </div>
        {e.publishedAt ? (
          <div>
            <dt safe>{t(`${K}.evaluation.publishedLabel`)}</dt>
            <dd safe>{formatDateTime(ctx, e.publishedAt)}</dd>
          </div>
        ) : null}
        {r.updatedAt ? (
          <div>
            <dt safe>{t(`${K}.report.figuresAsOf`)}</dt>
            <dd safe>{formatDateTime(ctx, r.updatedAt)}</dd>
          </div>
        ) : null}
      </dl>
      <p>
        <span safe>{t(`${K}.evaluation.howToRead`)}</span>{" "}
        <a href="/statistics/indicators" safe>
          {t("stats.definitionsLink")}
        </a>
      </p>
      <p class="hint report-print-hint" safe>
        {t(`${K}.report.printHint`)}
      </p>
      <p class="stats-download">
        <a href={evaluationCsvPath(e.id, "figures")} safe>
          {t(`${K}.report.csv`)}
        </a>
      </p>

      <section aria-labelledby="adoption-heading">
        <h2 id="adoption-heading" safe>
          {t(`${K}.evaluation.section.adoption`)}
        </h2>
        <p safe>{t(`${K}.evaluation.adoptionLead`)}</p>
        <p>
          <span safe>{t("stats.smallCounts")}</span>{" "}
          <a href="/statistics/indicators#small-counts" safe>
            {t("stats.definitionsLink")}
          </a>
        </p>
        <ChartFigure
          ctx={ctx}
          id="chart-inputs"
          title={t(`${K}.evaluation.chart.inputs`)}
          period={r.period}
          chart={{
            kind: "columns",
            categories: labels,
            values: r.indicators.monthlyTogether.map((m) => m.received),
            format: chartFormat(ctx.lang, "count"),
          }}
        />
        <ChartFigure
          ctx={ctx}
          id="chart-participants"
          title={t(`${K}.evaluation.chart.participants`)}
          period={r.period}
          chart={{
            kind: "columns",
            categories: labels,
            values: r.participation.byMonth.map((c) => c.together),
            format: chartFormat(ctx.lang, "count"),
          }}
        />
        <ChartFigure
          ctx={ctx}
          id="chart-first-response"
          title={t(`${K}.evaluation.chart.firstResponse`)}
          period={r.period}
          chart={{
            kind: "line",
            categories: labels,
            values: r.indicators.monthlyTogether.map((m) => m.firstResponseMedianDays),
            format: chartFormat(ctx.lang, "days"),
          }}
        />
        <TableView ctx={ctx} table={usage} labelledBy="adoption-heading" />
        {/* Each municipality's months in the open, not folded: the evaluation is printed too. */}
        {r.municipalities.length > 1
          ? r.municipalities.map((m) => (
              <>
                <h3 id={`usage-${m.id}`} safe>
                  {t(`${K}.evaluation.usageOne`, { municipality: m.name })}
                </h3>
                <TableView ctx={ctx} table={usageTable(ctx, r, m.id)} labelledBy={`usage-${m.id}`} />
              </>
            ))
          : null}
        <p class="stats-download">
          <a href={evaluationCsvPath(e.id, "months")} safe>
            {t(`${K}.report.trendCsv`)}
          </a>
        </p>
      </section>

      {EVALUATION_SECTIONS.map((s) => (
        <Section ctx={ctx} r={r} name={s.name} />
      ))}
    </Layout>
  );
}
