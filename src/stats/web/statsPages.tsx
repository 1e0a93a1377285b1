// The statistics pages: a municipality's or the nation's indicators for a period, trends by month and
// breakdowns (each chart with its data as a table and as CSV), all municipalities side by side, and how the
// indicators are counted. Every figure is one of the data tables built here, which the routes also write
// as CSV, so a page and its downloads can never disagree. The reports (src/reports) show their figures
// through the same cells, tables and charts (valueCell, TableView, ChartFigure).
import { formatDateTime } from "../../cases/web/casePages.tsx";
import type { Language } from "../../kernel/i18n.ts";
import { htmlLang } from "../../kernel/localized.ts";
import type { ConsultationFigures } from "../../participation/consultations/figures.ts";
import { ScrollTable } from "../../web/components/ScrollTable.tsx";
import type { PageContext } from "../../web/context.ts";
import { ErrorSummary, Field, type FieldErrors, formTitle } from "../../web/forms.tsx";
import { Layout } from "../../web/layout.tsx";
import { type ChartSpec, renderChart } from "../charts.ts";
import {
  type BreakdownBy,
  type BreakdownRow,
  type Indicators,
  isSmall,
  type Period,
  SMALL_COUNT as SMALL_LIMIT,
} from "../query.ts";
import { PERIOD_FIELDS, type PeriodValues, type SortDir } from "./period.ts";

// ---------------------------------------------------------------------------------------------------------
// Numbers and months in the page's language.

interface Formats {
  count: Intl.NumberFormat;
  share: Intl.NumberFormat;
  decimal: Intl.NumberFormat;
  monthLong: Intl.DateTimeFormat;
  monthShort: Intl.DateTimeFormat;
  collator: Intl.Collator;
}

// One set per language: building Intl formatters costs more than the rest of the page.
const formatsByLang = new Map<Language, Formats>();
export function formatsOf(lang: Language): Formats {
  let f = formatsByLang.get(lang);
  if (!f) {
    const locale = htmlLang(lang);
    f = {
      count: new Intl.NumberFormat(locale),
      share: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }),
      decimal: new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }),
      // Months are calendar months, not instants: formatted at UTC so no zone moves them.
      monthLong: new Intl.DateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }),
      monthShort: new Intl.DateTimeFormat(locale, { month: "short", year: "2-digit", timeZone: "UTC" }),
      collator: new Intl.Collator(locale),
    };
    formatsByLang.set(lang, f);
  }
  return f;
}

/** A "YYYY-MM" month as an instant at UTC, for the month formats (which format at UTC). */
export const monthDate = (month: string) =>
  new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1));

/** Months as a chart's axis labels: "Nov 26". */
export const chartMonthLabels = (lang: Language, months: readonly string[]) =>
  months.map((month) => formatsOf(lang).monthShort.format(monthDate(month)));

/** "November 2026" in the language's words. */
export const monthName = (lang: Language, month: string) =>
  formatsOf(lang).monthLong.format(monthDate(month));

/** "December 2025 – November 2026" (one month: "November 2026"). */
export function periodText(ctx: PageContext, period: Period): string {
  const from = monthName(ctx.lang, period.from);
  if (period.from === period.to) return from;
  return ctx.t("stats.period.range", { from, to: monthName(ctx.lang, period.to) });
}

// ---------------------------------------------------------------------------------------------------------
// Data tables: what a page shows and a CSV gives.

export interface Column {
  /** The CSV header: stable, the same in every language. */
  key: string;
  /** The header on the page. */
  label: string;
  numeric?: boolean;
  /** Only in the CSV (a code beside the name shown). */
  csvOnly?: boolean;
}

export interface Cell {
  /** As shown on the page ("<5", "85,7%"); empty with `none` for no value. */
  text: string;
  /** As written to CSV (a plain number with a dot, "<5", or empty). */
  raw: string;
  href?: string;
  none?: boolean;
}

export interface DataTable {
  name: string;
  caption: string;
  columns: Column[];
  /** The first shown cell of a row is its header. */
  rows: Cell[][];
}

/** A count of 1 to 4 where the small-count rule applies. */
export const SUPPRESSED = "<5";
/** A group hidden so that a small one cannot be worked out (protectSmall). */
export const HIDDEN = "…";
/** A cell without a value: the page shows a dash, the CSV nothing. */
export const NO_VALUE: Cell = { text: "", raw: "", none: true };

/** How a figure is written: a count, a share (0..1), working days, or a rating out of 5. */
export type ValueKind = "count" | "share" | "days" | "rating";

/** How each indicator is written. */
export const INDICATOR_KINDS = {
  received: "count",
  acknowledged: "count",
  ackWithinShare: "share",
  ackMedianDays: "days",
  ackP90Days: "days",
  firstResponseMedianDays: "days",
  firstResponseP90Days: "days",
  answeredWithinShare: "share",
  resolutionMedianDays: "days",
  resolutionP90Days: "days",
  resolutionWithinShare: "share",
  resolutionRate: "share",
  backlog: "count",
  overdue: "count",
  reopenRate: "share",
  satisfactionAverage: "rating",
  satisfactionCount: "count",
  escalations: "count",
} as const satisfies Record<keyof Indicators, ValueKind>;

export type IndicatorKey = keyof typeof INDICATOR_KINDS;
export const INDICATOR_KEYS = Object.keys(INDICATOR_KINDS) as IndicatorKey[];

/** The columns of the side-by-side table (its CSV has every indicator). */
export const COMPARISON_COLUMNS = [
  "received",
  "ackWithinShare",
  "firstResponseMedianDays",
  "answeredWithinShare",
  "resolutionMedianDays",
  "resolutionRate",
  "backlog",
  "overdue",
  "reopenRate",
  "satisfactionAverage",
  "escalations",
] as const satisfies readonly IndicatorKey[];

/** CSV headers and codes are snake_case: the usual form for data files. */
export const csvKey = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** A value as a cell; null (or absent) is "no value". Raw shares keep four decimals, days and ratings two. */
export function valueCell(lang: Language, kind: ValueKind, v: number | null | undefined): Cell {
  if (v === null || v === undefined || !Number.isFinite(v)) return NO_VALUE;
  const f = formatsOf(lang);
  switch (kind) {
    case "count":
      return { text: f.count.format(v), raw: String(v) };
    case "share":
      return { text: f.share.format(v), raw: String(Math.round(v * 10_000) / 10_000) };
    default:
      return { text: f.decimal.format(v), raw: String(Math.round(v * 100) / 100) };
  }
}

/** A "YYYY-MM" month as a row's first cell: its name on the page, the month itself in the CSV. */
export const monthCell = (lang: Language, month: string): Cell => ({
  text: monthName(lang, month),
  raw: month,
});

/** Indicators of one row as cells, each written as its kind is. */
export function indicatorCells<K extends IndicatorKey>(
  lang: Language,
  keys: readonly K[],
  row: Readonly<Record<K, number | null>>,
): Cell[] {
  return keys.map((key) => valueCell(lang, INDICATOR_KINDS[key], row[key]));
}

/** How a chart writes its values and ticks in the page's language. */
export function chartFormat(lang: Language, kind: ValueKind): (v: number) => string {
  const f = formatsOf(lang);
  return (v: number) =>
    kind === "count" ? f.count.format(v) : kind === "share" ? f.share.format(v) : f.decimal.format(v);
}

/** An indicator's header, with its unit where it has one. */
export function indicatorLabel(ctx: PageContext, key: IndicatorKey): string {
  const label = ctx.t(`stats.indicator.${key}`);
  const kind = INDICATOR_KINDS[key];
  return kind === "days" || kind === "rating" ? `${label} (${ctx.t(`stats.unit.${kind}`)})` : label;
}

export function indicatorsTable(ctx: PageContext, period: Period, ind: Indicators): DataTable {
  return {
    name: "indicators",
    caption: ctx.t("stats.indicatorsCaption", { period: periodText(ctx, period) }),
    columns: [
      { key: "indicator", label: "", csvOnly: true },
      { key: "name", label: ctx.t("stats.column.indicator") },
      { key: "value", label: ctx.t("stats.column.value"), numeric: true },
    ],
    rows: INDICATOR_KEYS.map((key) => [
      { text: key, raw: csvKey(key) },
      { text: indicatorLabel(ctx, key), raw: ctx.t(`stats.indicator.${key}`) },
      valueCell(ctx.lang, INDICATOR_KINDS[key], ind[key]),
    ]),
  };
}

/** The consultation figures, in the order the pages list them. */
export const CONSULTATION_FIGURES = [
  "held",
  "comments",
  "withDisposition",
  "reportsPublished",
  "reportsOverdue",
] as const satisfies readonly (keyof ConsultationFigures)[];

/** Consultations in the period: held, comments and their dispositions, reports published and overdue. */
export function consultationsTable(ctx: PageContext, period: Period, f: ConsultationFigures): DataTable {
  return {
    name: "consultations",
    caption: ctx.t("stats.consultations.caption", { period: periodText(ctx, period) }),
    columns: [
      { key: "figure", label: "", csvOnly: true },
      { key: "name", label: ctx.t("stats.column.indicator") },
      { key: "value", label: ctx.t("stats.column.value"), numeric: true },
    ],
    rows: CONSULTATION_FIGURES.map((key) => [
      { text: key, raw: csvKey(key) },
      { text: ctx.t(`stats.consultations.${key}`), raw: ctx.t(`stats.consultations.${key}`) },
      valueCell(ctx.lang, "count", f[key]),
    ]),
  };
}

export type MonthlyRow = { month: string } & Indicators;

/** The trends the pages chart, each one indicator per month. */
export const TRENDS = [
  { name: "received", indicator: "received", kind: "columns" },
  { name: "answered", indicator: "answeredWithinShare", kind: "line" },
  { name: "first-response", indicator: "firstResponseMedianDays", kind: "line" },
] as const satisfies readonly { name: string; indicator: IndicatorKey; kind: ChartSpec["kind"] }[];

/** Indicators month by month: a month a row, an indicator a column (`label` overrides a column's header). */
export function monthlyTable<K extends IndicatorKey>(
  ctx: PageContext,
  table: { name: string; caption: string },
  keys: readonly K[],
  months: readonly ({ month: string } & Readonly<Record<K, number | null>>)[],
  label: (key: K) => string = (key) => indicatorLabel(ctx, key),
): DataTable {
  return {
    ...table,
    columns: [
      { key: "month", label: ctx.t("stats.column.month") },
      ...keys.map((key) => ({ key: csvKey(key), label: label(key), numeric: true })),
    ],
    rows: months.map((m) => [monthCell(ctx.lang, m.month), ...indicatorCells(ctx.lang, keys, m)]),
  };
}

export function trendTable(
  ctx: PageContext,
  period: Period,
  trend: (typeof TRENDS)[number],
  monthly: MonthlyRow[],
): DataTable {
  const caption = ctx.t("stats.captioned", {
    title: ctx.t(`stats.chart.${trend.name}`),
    period: periodText(ctx, period),
  });
  return monthlyTable(ctx, { name: trend.name, caption }, [trend.indicator], monthly);
}

/**
 * A breakdown row with the code and the name of what it counts, and whether its figures are hidden:
 * "small" (from 0 to 4, shown "<5"), or "secondary" (hidden, though not small, so that the one small group
 * of a breakdown cannot be worked out from the total less the others).
 */
export type NamedRow = BreakdownRow & {
  code: string;
  name: string;
  /** Where the name leads (the ministry's drill-down). */
  href?: string;
  hidden?: "small" | "secondary";
};

/**
 * The small-count rule of a breakdown (docs/INDICATORS.md): a group of 1 to 4 is hidden; when one is, a
 * group of 0 is hidden too (else "<5" beside zeros and the total tells the number); and when only one group
 * is hidden, the next smallest is hidden with it (else the total less the others tells it).
 */
export function protectSmall(rows: NamedRow[]): NamedRow[] {
  if (!rows.some((r) => isSmall(r.received))) return rows.map(({ hidden: _, ...r }) => r);
  const out: NamedRow[] = rows.map((r) => ({
    ...r,
    hidden: r.received < SMALL_LIMIT ? ("small" as const) : undefined,
  }));
  if (out.filter((r) => r.hidden).length === 1) {
    const next = out
      .filter((r) => !r.hidden)
      .sort((a, b) => a.received - b.received || a.name.localeCompare(b.name))[0];
    if (next) next.hidden = "secondary";
  }
  return out;
}

/**
 * Biggest groups first; groups under the small-count limit after them in name order, so their order tells
 * nothing of their sizes.
 */
export function orderBreakdown(lang: Language, rows: NamedRow[]): NamedRow[] {
  const { collator } = formatsOf(lang);
  const small = (r: NamedRow) => r.hidden !== undefined;
  return protectSmall(rows).sort(
    (a, b) =>
      Number(small(a)) - Number(small(b)) ||
      (small(a) ? 0 : b.received - a.received) ||
      collator.compare(a.name, b.name),
  );
}

/**
 * A breakdown as a table. `smallCounts: "shown"` is for internal statistics (statistics.view_internal: the
 * ministry, which sees the cases themselves one click further): counts of 1 to 4 as they are; the shares
 * keep breakdown()'s rule.
 */
export function breakdownTable(
  ctx: PageContext,
  period: Period,
  by: BreakdownBy,
  rows: NamedRow[],
  options: { smallCounts?: "hidden" | "shown" } = {},
): DataTable {
  const cells = (r: NamedRow): Cell[] => {
    // A small group's count is "<5" and its shares are not shown: 1 of 1 answered late names a case.
    if (r.hidden === "small") return [{ text: SUPPRESSED, raw: SUPPRESSED }, NO_VALUE, NO_VALUE];
    if (r.hidden === "secondary") return [{ text: HIDDEN, raw: HIDDEN }, NO_VALUE, NO_VALUE];
    return [
      valueCell(ctx.lang, "count", r.received),
      valueCell(ctx.lang, "share", r.answeredWithinShare),
      valueCell(ctx.lang, "share", r.resolutionRate),
    ];
  };
  return {
    name: by,
    caption: ctx.t("stats.captioned", { title: ctx.t(`stats.chart.${by}`), period: periodText(ctx, period) }),
    columns: [
      { key: "code", label: "", csvOnly: true },
      { key: "name", label: ctx.t(`stats.column.${by}`) },
      { key: "received", label: ctx.t("stats.indicator.received"), numeric: true },
      { key: "answered_within_share", label: ctx.t("stats.indicator.answeredWithinShare"), numeric: true },
      { key: "resolution_rate", label: ctx.t("stats.indicator.resolutionRate"), numeric: true },
    ],
    rows: (options.smallCounts === "shown" ? rows.map(({ hidden: _, ...r }) => r) : protectSmall(rows)).map(
      (r) => [
        { text: r.code, raw: r.code },
        { text: r.name, raw: r.name, ...(r.href ? { href: r.href } : {}) },
        ...cells(r),
      ],
    ),
  };
}

export interface ComparisonRow extends Indicators {
  slug: string;
  name: string;
}

/** The side-by-side rows in the asked order: by name, or by an indicator with the rows without one last. */
export function sortComparison(
  lang: Language,
  rows: ComparisonRow[],
  sort: { sort: string; dir: SortDir },
): ComparisonRow[] {
  const { collator } = formatsOf(lang);
  const sign = sort.dir === "asc" ? 1 : -1;
  const key = sort.sort as IndicatorKey | "name";
  return [...rows].sort((a, b) => {
    if (key === "name") return sign * collator.compare(a.name, b.name);
    const x = a[key];
    const y = b[key];
    if (x === null || y === null)
      return (x === null ? 1 : 0) - (y === null ? 1 : 0) || collator.compare(a.name, b.name);
    return sign * (x - y) || collator.compare(a.name, b.name);
  });
}

export function comparisonTable(
  ctx: PageContext,
  period: Period,
  rows: ComparisonRow[],
  total: Indicators | undefined,
  query: string,
  columns: readonly IndicatorKey[],
): DataTable {
  const line = (r: Indicators, first: Cell[]) => [...first, ...indicatorCells(ctx.lang, columns, r)];
  return {
    name: "municipalities",
    caption: ctx.t("stats.compare.caption", { period: periodText(ctx, period) }),
    columns: [
      { key: "municipality", label: "", csvOnly: true },
      { key: "name", label: ctx.t("stats.column.municipality") },
      ...columns.map((key) => ({ key: csvKey(key), label: indicatorLabel(ctx, key), numeric: true })),
    ],
    rows: [
      ...rows.map((r) =>
        line(r, [
          { text: r.slug, raw: r.slug },
          { text: r.name, raw: r.name, href: `/m/${r.slug}/statistics${query}` },
        ]),
      ),
      ...(total
        ? [
            line(total, [
              { text: "", raw: "" },
              { text: ctx.t("stats.compare.total"), raw: ctx.t("stats.compare.total") },
            ]),
          ]
        : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------
// Page parts.

/**
 * A cell; an empty one shows a dash and says "no data" to a screen reader. Not through .visually-hidden:
 * its absolute position escapes the table's scrolling box and would widen a 320 px page.
 */
function CellView({ cell, header, noData }: { cell: Cell; header?: boolean; noData: string }) {
  const content = cell.none ? (
    <span role="img" aria-label={noData}>
      –
    </span>
  ) : cell.href ? (
    <a href={cell.href} safe>
      {cell.text}
    </a>
  ) : (
    <span safe>{cell.text}</span>
  );
  return header ? <th scope="row">{content}</th> : <td class="number">{content}</td>;
}

/** The cells of a row the page shows (the CSV-only ones left out). */
const shown = (table: DataTable, row: Cell[]) => row.filter((_, i) => !table.columns[i]?.csvOnly);

function Rows({ ctx, table }: { ctx: PageContext; table: DataTable }) {
  const noData = ctx.t("stats.noData");
  return (
    <>
      {table.rows.map((row) => (
        <tr>
          {shown(table, row).map((cell, i) => (
            <CellView cell={cell} header={i === 0} noData={noData} />
          ))}
        </tr>
      ))}
    </>
  );
}

/** A data table as the page shows it: its CSV-only columns left out, the first cell of a row its header. */
export function TableView({
  ctx,
  table,
  labelledBy,
}: {
  ctx: PageContext;
  table: DataTable;
  labelledBy: string;
}) {
  const columns = table.columns.filter((c) => !c.csvOnly);
  return (
    <ScrollTable labelledBy={labelledBy} caption={table.caption} head={columns.map((c) => c.label)}>
      <Rows ctx={ctx} table={table} />
    </ScrollTable>
  );
}

export function CsvLink({ ctx, href, label }: { ctx: PageContext; href: string; label?: string }) {
  return (
    <p class="stats-download">
      <a href={href} safe>
        {label ?? ctx.t("stats.csv")}
      </a>
    </p>
  );
}

/**
 * A chart drawn on the server, titled, with its data as a table beneath it and a link to that table's CSV.
 * Without a table of its own, the page's table next to it holds the data (a report's trend: one table for
 * two charts).
 */
export async function ChartFigure(p: {
  ctx: PageContext;
  id: string;
  title: string;
  chart: Omit<ChartSpec, "id" | "label">;
  /** The months charted, which its spoken label names. */
  period: Period;
  table?: DataTable;
  csvHref?: string;
  /** The data table folded under a summary (a long month-by-month list). */
  folded?: boolean;
}) {
  const { ctx } = p;
  const headingId = `${p.id}-heading`;
  const label = ctx.t("stats.chartLabel", {
    kind: ctx.t(`stats.chartKind.${p.chart.kind}`),
    title: p.title,
    period: periodText(ctx, p.period),
  });
  // Nothing to draw (no value in any month, every group suppressed): an empty frame would say nothing.
  const empty = p.chart.values.every((v) => v === null);
  // The chart's markup comes from ECharts with every text escaped (charts.ts): it is inserted as it is.
  const safeSvg = empty ? "" : await renderChart({ ...p.chart, id: p.id, label });
  const safeTable = p.table ? <TableView ctx={ctx} table={p.table} labelledBy={headingId} /> : null;
  return (
    <figure class="stats-chart" id={p.id}>
      <figcaption>
        <h3 id={headingId} safe>
          {p.title}
        </h3>
      </figcaption>
      {empty ? <p safe>{ctx.t("stats.chartEmpty")}</p> : safeSvg}
      {safeTable && p.folded ? (
        <details class="stats-chart__data">
          <summary safe>{ctx.t("stats.chartData")}</summary>
          {safeTable}
        </details>
      ) : (
        safeTable
      )}
      {p.csvHref ? <CsvLink ctx={ctx} href={p.csvHref} /> : null}
    </figure>
  );
}

/** The period asked for, as a GET form; `keep` carries the page's other parameters (the sort). */
export function PeriodForm(p: {
  ctx: PageContext;
  action: string;
  values: PeriodValues;
  errors: FieldErrors;
  keep?: Record<string, string>;
}) {
  const { t } = p.ctx;
  return (
    <form method="get" action={p.action} class="stats-period" aria-labelledby="period-heading">
      <h2 id="period-heading" safe>
        {t("stats.period.heading")}
      </h2>
      {/* Text, not type=month: browsers without a month picker, and a wrong value, show as typed. */}
      {PERIOD_FIELDS.map((name) => (
        <Field
          t={t}
          name={name}
          label={t(`stats.period.${name}`)}
          hint={t("stats.period.hint")}
          errors={p.errors}
          value={p.values[name]}
          width="medium"
          autocomplete="off"
        />
      ))}
      {Object.entries(p.keep ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <div class="case-filters__actions">
        <button type="submit" class="button button--primary" safe>
          {t("stats.period.show")}
        </button>
        <a href={p.action} safe>
          {t("stats.period.reset")}
        </a>
      </div>
    </form>
  );
}

/**
 * A data table whose column headers sort it through links (no JavaScript): ScrollTable's markup, with
 * aria-sort on the sorted column. `sortKeys` are the shown columns' sort keys, in order; `href` the address
 * of the table sorted by one.
 */
export function SortableTable(p: {
  ctx: PageContext;
  table: DataTable;
  labelledBy: string;
  sortKeys: readonly string[];
  sort: { sort: string; dir: SortDir };
  href: (sort: string, dir: SortDir) => string;
}) {
  const { sort } = p;
  return (
    <section class="table-wrap" aria-labelledby={p.labelledBy} tabindex="0">
      <table>
        <caption safe>{p.table.caption}</caption>
        <thead>
          <tr>
            {p.table.columns
              .filter((c) => !c.csvOnly)
              .map((c, i) => {
                const key = p.sortKeys[i]!;
                const current = sort.sort === key;
                // A click on the sorted column turns it round; on another, names A–Z, numbers high–low.
                const next: SortDir = current
                  ? sort.dir === "asc"
                    ? "desc"
                    : "asc"
                  : key === "name"
                    ? "asc"
                    : "desc";
                return (
                  <th
                    scope="col"
                    class={c.numeric ? "number" : undefined}
                    aria-sort={current ? (sort.dir === "asc" ? "ascending" : "descending") : undefined}
                  >
                    <a href={p.href(key, next)}>
                      <span safe>{c.label}</span>
                      {/* The order is told by aria-sort (no hidden text: see CellView); the arrow shows it. */}
                      {current ? <span aria-hidden="true">{sort.dir === "asc" ? " ▲" : " ▼"}</span> : null}
                    </a>
                  </th>
                );
              })}
          </tr>
        </thead>
        <tbody>
          <Rows ctx={p.ctx} table={p.table} />
        </tbody>
      </table>
    </section>
  );
}

function StatsNav({ ctx, links }: { ctx: PageContext; links: { href: string; key: string }[] }) {
  return (
    <nav aria-label={ctx.t("stats.nav.label")}>
      <ul class="link-list">
        {links.map((l) => (
          <li>
            <a href={l.href} safe>
              {ctx.t(l.key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The sentence on the small-count rule, with a link to the definitions. */
function SmallCountsNote({ ctx }: { ctx: PageContext }) {
  return (
    <p>
      <span safe>{ctx.t("stats.smallCounts")}</span>{" "}
      <a href="/statistics/indicators#small-counts" safe>
        {ctx.t("stats.definitionsLink")}
      </a>
    </p>
  );
}

// ---------------------------------------------------------------------------------------------------------
// The pages.

export interface ScopeData {
  period: Period;
  indicators: Indicators;
  monthly: MonthlyRow[];
  breakdowns: { by: BreakdownBy; rows: NamedRow[] }[];
  /** When the aggregates last took in the cases' events (null before the first pass). */
  updatedAt: Date | null;
  /** Public consultations in the period (src/participation/consultations/figures.ts). */
  consultations: ConsultationFigures;
}

export interface ScopePageProps {
  ctx: PageContext;
  /** A municipality's page, or the national one (absent). */
  municipality?: { slug: string; name: string };
  /** The page's path without a query string. */
  path: string;
  values: PeriodValues;
  errors: FieldErrors;
  /** Absent when the period could not be read. */
  data?: ScopeData;
}

/** The address of one of a page's CSV tables, for the period shown. */
export function csvHref(path: string, period: Period, table: string): string {
  return `${path}?${new URLSearchParams({ from: period.from, to: period.to, format: "csv", table })}`;
}

/** Every table of a municipality's or the national page, by name: the page shows them, the CSV gives one. */
export function scopeTables(ctx: PageContext, data: ScopeData): Map<string, DataTable> {
  const tables = [
    indicatorsTable(ctx, data.period, data.indicators),
    ...TRENDS.map((trend) => trendTable(ctx, data.period, trend, data.monthly)),
    ...data.breakdowns.map((b) => breakdownTable(ctx, data.period, b.by, b.rows)),
    consultationsTable(ctx, data.period, data.consultations),
  ];
  return new Map(tables.map((table) => [table.name, table]));
}

export function ScopePage(p: ScopePageProps) {
  const { ctx, data, errors } = p;
  const { t } = ctx;
  const heading = p.municipality
    ? t("stats.municipalityTitle", { municipality: p.municipality.name })
    : t("stats.nationalTitle");
  const tables = data ? scopeTables(ctx, data) : undefined;
  const monthLabels = data
    ? chartMonthLabels(
        ctx.lang,
        data.monthly.map((m) => m.month),
      )
    : undefined;
  return (
    <Layout ctx={ctx} title={formTitle(t, heading, errors)} municipality={p.municipality}>
      <ErrorSummary t={t} errors={errors} order={PERIOD_FIELDS} />
      <h1 safe>{heading}</h1>
      <p class="lead" safe>
        {p.municipality
          ? t("stats.municipalityLead", { municipality: p.municipality.name })
          : t("stats.nationalLead")}
      </p>
      <StatsNav
        ctx={ctx}
        links={[
          ...(p.municipality ? [{ href: "/statistics", key: "stats.nav.national" }] : []),
          { href: "/statistics/municipalities", key: "stats.nav.compare" },
          { href: "/statistics/indicators", key: "stats.nav.indicators" },
        ]}
      />
      <PeriodForm ctx={ctx} action={p.path} values={p.values} errors={errors} />
      {data && tables && monthLabels ? (
        <>
          <section aria-labelledby="indicators-heading">
            <h2 id="indicators-heading" safe>
              {t("stats.indicatorsHeading", { period: periodText(ctx, data.period) })}
            </h2>
            {data.updatedAt ? (
              <p class="hint" safe>
                {t("stats.updatedAt", { time: formatDateTime(ctx, data.updatedAt) })}
              </p>
            ) : null}
            <TableView ctx={ctx} table={tables.get("indicators")!} labelledBy="indicators-heading" />
            <CsvLink ctx={ctx} href={csvHref(p.path, data.period, "indicators")} />
          </section>
          <section aria-labelledby="trends-heading">
            <h2 id="trends-heading" safe>
              {t("stats.trendsHeading")}
            </h2>
            {TRENDS.map((trend) => (
              <ChartFigure
                ctx={ctx}
                id={`chart-${trend.name}`}
                title={t(`stats.chart.${trend.name}`)}
                period={data.period}
                chart={{
                  kind: trend.kind,
                  categories: monthLabels,
                  values: data.monthly.map((m) => m[trend.indicator]),
                  format: chartFormat(ctx.lang, INDICATOR_KINDS[trend.indicator]),
                  ...(INDICATOR_KINDS[trend.indicator] === "share" ? { max: 1 } : {}),
                }}
                table={tables.get(trend.name)!}
                csvHref={csvHref(p.path, data.period, trend.name)}
                folded
              />
            ))}
          </section>
          <section aria-labelledby="breakdowns-heading">
            <h2 id="breakdowns-heading" safe>
              {t(p.municipality ? "stats.breakdownsHeading" : "stats.breakdownsHeadingNational")}
            </h2>
            <SmallCountsNote ctx={ctx} />
            {data.breakdowns.map((b) => (
              <ChartFigure
                ctx={ctx}
                id={`chart-${b.by}`}
                title={t(`stats.chart.${b.by}`)}
                period={data.period}
                chart={{
                  kind: "bars",
                  // A suppressed group keeps its place, marked "<5", with no bar.
                  categories: b.rows.map((r) =>
                    r.hidden ? `${r.name} (${r.hidden === "small" ? SUPPRESSED : HIDDEN})` : r.name,
                  ),
                  values: b.rows.map((r) => (r.hidden ? null : r.received)),
                  format: chartFormat(ctx.lang, "count"),
                }}
                table={tables.get(b.by)!}
                csvHref={csvHref(p.path, data.period, b.by)}
              />
            ))}
          </section>
          <section aria-labelledby="consultations-heading">
            <h2 id="consultations-heading" safe>
              {t("stats.consultations.heading")}
            </h2>
            <TableView ctx={ctx} table={tables.get("consultations")!} labelledBy="consultations-heading" />
            <CsvLink ctx={ctx} href={csvHref(p.path, data.period, "consultations")} />
          </section>
        </>
      ) : null}
    </Layout>
  );
}

export interface ComparisonPageProps {
  ctx: PageContext;
  values: PeriodValues;
  errors: FieldErrors;
  sort: { sort: string; dir: SortDir };
  data?: { period: Period; table: DataTable };
}

/** The address of the side-by-side table sorted by a column (the period kept). */
function sortHref(period: Period, sort: string, dir: SortDir): string {
  return `/statistics/municipalities?${new URLSearchParams({ from: period.from, to: period.to, sort, dir })}`;
}

export function ComparisonPage(p: ComparisonPageProps) {
  const { ctx, data, errors, sort } = p;
  const { t } = ctx;
  const title = t("stats.compare.title");
  const sortKeys = ["name", ...COMPARISON_COLUMNS];
  return (
    <Layout ctx={ctx} title={formTitle(t, title, errors)}>
      <ErrorSummary t={t} errors={errors} order={PERIOD_FIELDS} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>
        {t("stats.compare.lead")}
      </p>
      <StatsNav
        ctx={ctx}
        links={[
          { href: "/statistics", key: "stats.nav.national" },
          { href: "/statistics/indicators", key: "stats.nav.indicators" },
        ]}
      />
      <PeriodForm
        ctx={ctx}
        action="/statistics/municipalities"
        values={p.values}
        errors={errors}
        keep={{ sort: sort.sort, dir: sort.dir }}
      />
      {data ? (
        <section aria-labelledby="compare-heading">
          <h2 id="compare-heading" safe>
            {t("stats.compare.heading", { period: periodText(ctx, data.period) })}
          </h2>
          <p class="hint" safe>
            {t("stats.compare.sortHint")}
          </p>
          <SortableTable
            ctx={ctx}
            table={data.table}
            labelledBy="compare-heading"
            sortKeys={sortKeys}
            sort={sort}
            href={(key, dir) => sortHref(data.period, key, dir)}
          />
          <CsvLink
            ctx={ctx}
            href={`/statistics/municipalities?${new URLSearchParams({ from: data.period.from, to: data.period.to, format: "csv" })}`}
          />
        </section>
      ) : null}
    </Layout>
  );
}

export function IndicatorsPage({ ctx }: { ctx: PageContext }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("stats.definitions.title")}>
      <h1 safe>{t("stats.definitions.title")}</h1>
      <p class="lead" safe>
        {t("stats.definitions.lead")}
      </p>
      <StatsNav
        ctx={ctx}
        links={[
          { href: "/statistics", key: "stats.nav.national" },
          { href: "/statistics/municipalities", key: "stats.nav.compare" },
        ]}
      />
      <h2 safe>{t("stats.definitions.indicatorsHeading")}</h2>
      <dl class="summary-list">
        {INDICATOR_KEYS.map((key) => (
          <div id={`indicator-${key}`}>
            <dt safe>{indicatorLabel(ctx, key)}</dt>
            <dd safe>{t(`stats.definition.${key}`)}</dd>
          </div>
        ))}
      </dl>
      <h2 id="small-counts" safe>
        {t("stats.definitions.smallCountsHeading")}
      </h2>
      <p safe>{t("stats.definitions.smallCountsText")}</p>
      <h2 safe>{t("stats.definitions.periodHeading")}</h2>
      <p safe>{t("stats.definitions.periodText")}</p>
      <h2 safe>{t("stats.definitions.dataHeading")}</h2>
      <p safe>{t("stats.definitions.dataText")}</p>
    </Layout>
  );
}
