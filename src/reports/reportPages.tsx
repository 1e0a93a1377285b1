// The periodic report's pages: choosing one (/reports, a GET form), and the report itself, made to be read
// on screen, printed or saved as PDF from the browser (the site's header, footer and forms are left out of
// print by app.css), with its figures as CSV.
import { formatDateTime } from "../cases/web/casePages.tsx";
import { ChartFigure, chartFormat, periodText, TableView } from "../stats/web/statsPages.tsx";
import type { PageContext } from "../web/context.ts";
import { ErrorSummary, Field, type FieldErrors, formTitle, SelectField } from "../web/forms.tsx";
import { Layout } from "../web/layout.tsx";
import { type PeriodicReport, reportPeriodLabel, reportTables, trendLabels } from "./periodicReport.ts";
import { type ReportKind, recentPeriods } from "./reportPeriod.ts";
import { K } from "./ui.tsx";

/** The address of a report: /reports/national/2026, /reports/m/prishtine/2026-q3. */
export function reportPath(slug: string | undefined, key: string): string {
  return slug ? `/reports/m/${slug}/${key}` : `/reports/national/${key}`;
}

export const CHOOSER_FIELDS = ["scope", "period"] as const;

export interface ChooserProps {
  ctx: PageContext;
  /** What the person may choose: the nation (the ministry) and municipalities. */
  scopes: { value: string; label: string }[];
  values: { scope: string; period: string };
  errors: FieldErrors;
  currentMonth: string;
  /** Links for the ministry's other report pages. */
  ministry: boolean;
}

export function ChooserPage(p: ChooserProps) {
  const { ctx, errors } = p;
  const { t } = ctx;
  const title = t(`${K}.choose.title`);
  const recent = recentPeriods(p.currentMonth);
  const first = p.scopes[0];
  const slug = first && first.value !== "national" ? first.value : undefined;
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={CHOOSER_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t(`${K}.choose.lead`)}
      </p>
      <form method="get" action="/reports" novalidate>
        <SelectField
          t={t}
          name="scope"
          label={t(`${K}.choose.scopeLabel`)}
          value={p.values.scope}
          options={p.scopes}
          errors={errors}
        />
        <Field
          t={t}
          name="period"
          label={t(`${K}.choose.periodLabel`)}
          hint={t(`${K}.choose.periodHint`)}
          value={p.values.period}
          width="medium"
          autocomplete="off"
          spellcheck={false}
          errors={errors}
        />
        <button type="submit" class="button button--primary" safe>
          {t(`${K}.choose.show`)}
        </button>
      </form>
      {first ? (
        <section aria-labelledby="recent-heading">
          <h2 id="recent-heading" safe>
            {t(`${K}.choose.recentHeading`, { scope: first.label })}
          </h2>
          {(["year", "quarter", "month"] as ReportKind[]).map((kind) => (
            <>
              <h3 safe>{t(`${K}.choose.kind.${kind}`)}</h3>
              <ul class="link-list">
                {recent[kind].map((key) => (
                  <li>
                    <a href={reportPath(slug, key)} safe>
                      {reportPeriodLabel(ctx, {
                        kind,
                        key,
                        period: { from: kind === "month" ? key : `${key.slice(0, 4)}-01`, to: key },
                      })}
                    </a>
                  </li>
                ))}
              </ul>
            </>
          ))}
        </section>
      ) : null}
      <h2 safe>{t(`${K}.choose.moreHeading`)}</h2>
      <ul class="link-list">
        {p.ministry ? (
          <li>
            <a href="/ministry/evaluations" safe>
              {t(`${K}.evaluations.listTitle`)}
            </a>
          </li>
        ) : null}
        <li>
          <a href="/procedures" safe>
            {t(`${K}.procedures.title`)}
          </a>
        </li>
        <li>
          <a href="/statistics/indicators" safe>
            {t("stats.definitions.title")}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

/** A report's address with the CSV asked for. */
const csvHref = (path: string, table?: string) =>
  `${path}?${new URLSearchParams({ format: "csv", ...(table ? { table } : {}) })}`;

export async function ReportPage({
  ctx,
  report: r,
  canNational,
}: {
  ctx: PageContext;
  report: PeriodicReport;
  /** Whether the reader may open the national report (the ministry). */
  canNational: boolean;
}) {
  const { t } = ctx;
  const m = r.scope.municipality;
  const label = reportPeriodLabel(ctx, r.report);
  const title = m
    ? t(`${K}.report.municipalityTitle`, { municipality: m.name, period: label })
    : t(`${K}.report.nationalTitle`, { period: label });
  const path = reportPath(m?.slug, r.report.key);
  const tables = reportTables(ctx, r);
  const labels = trendLabels(ctx, r);
  return (
    <Layout ctx={ctx} title={title} {...(m ? { municipality: { name: m.name, slug: m.slug } } : {})}>
      <p class="back-link">
        <a href="/reports" safe>
          {t(`${K}.report.back`)}
        </a>
      </p>
      <h1 safe>{title}</h1>
      <dl class="summary-list">
        <div>
          <dt safe>{t(`${K}.report.periodLabel`)}</dt>
          <dd safe>{periodText(ctx, r.report.period)}</dd>
        </div>
        <div>
          <dt safe>{t(`${K}.report.comparedWith`)}</dt>
          <dd safe>{periodText(ctx, r.report.previous.period)}</dd>
        </div>
        {r.updatedAt ? (
          <div>
            <dt safe>{t(`${K}.report.figuresAsOf`)}</dt>
            <dd safe>{formatDateTime(ctx, r.updatedAt)}</dd>
          </div>
        ) : null}
      </dl>
      {r.report.inProgress ? (
        <p class="notice" safe>
          {t(`${K}.report.inProgress`)}
        </p>
      ) : null}
      <p class="hint report-print-hint" safe>
        {t(`${K}.report.printHint`)}
      </p>
      <p class="stats-download">
        <a href={csvHref(path)} safe>
          {t(`${K}.report.csv`)}
        </a>
      </p>
      <p>
        <span safe>{t(`${K}.report.definitions`)}</span>{" "}
        <a href="/statistics/indicators" safe>
          {t("stats.definitionsLink")}
        </a>
      </p>

      <section aria-labelledby="indicators-heading">
        <h2 id="indicators-heading" safe>
          {t(`${K}.report.indicatorsHeading`)}
        </h2>
        {m ? <p safe>{t(`${K}.report.nationalNote`)}</p> : null}
        <TableView ctx={ctx} table={tables.indicators} labelledBy="indicators-heading" />
      </section>

      <section aria-labelledby="trend-heading">
        <h2 id="trend-heading" safe>
          {t(`${K}.report.trendHeading`)}
        </h2>
        <p safe>{t(`${K}.report.trendNote`)}</p>
        <ChartFigure
          ctx={ctx}
          id="chart-received"
          title={t(`${K}.report.chart.received`)}
          period={r.trend.period}
          chart={{
            kind: "columns",
            categories: labels,
            values: r.trend.months.map((x) => x.received),
            format: chartFormat(ctx.lang, "count"),
          }}
        />
        <ChartFigure
          ctx={ctx}
          id="chart-answered"
          title={t(`${K}.report.chart.answered`)}
          period={r.trend.period}
          chart={{
            kind: "line",
            categories: labels,
            values: r.trend.months.map((x) => x.answeredWithinShare),
            format: chartFormat(ctx.lang, "share"),
            max: 1,
          }}
        />
        <TableView ctx={ctx} table={tables.trend} labelledBy="trend-heading" />
        <p class="stats-download">
          <a href={csvHref(path, "trend")} safe>
            {t(`${K}.report.trendCsv`)}
          </a>
        </p>
      </section>

      <section aria-labelledby="consultations-heading">
        <h2 id="consultations-heading" safe>
          {t(`${K}.report.consultationsHeading`)}
        </h2>
        <TableView ctx={ctx} table={tables.consultations} labelledBy="consultations-heading" />
      </section>

      <section aria-labelledby="proposals-heading">
        <h2 id="proposals-heading" safe>
          {t(`${K}.report.proposalsHeading`)}
        </h2>
        <p safe>{t(`${K}.report.proposalsNote`)}</p>
        <TableView ctx={ctx} table={tables.proposals} labelledBy="proposals-heading" />
      </section>

      <nav aria-label={t(`${K}.report.otherPeriods`)}>
        <ul class="link-list">
          <li>
            <a href={reportPath(m?.slug, r.report.previous.key)} safe>
              {t(`${K}.report.previousLink`, {
                period: reportPeriodLabel(ctx, { ...r.report, ...r.report.previous }),
              })}
            </a>
          </li>
          {m && canNational ? (
            <li>
              <a href={reportPath(undefined, r.report.key)} safe>
                {t(`${K}.report.nationalLink`, { period: label })}
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
    </Layout>
  );
}
