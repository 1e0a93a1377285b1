// The periodic performance report (issue 9) of a municipality or the nation for a year, a quarter or a month:
// its indicators beside the previous period's and the national ones, the twelve months' trend, consultations
// held and reported, and proposals answered. Everything is read from the statistics' aggregates
// (src/stats/query.ts) and the participation tables' own counts, never from the cases. Every figure is one of
// the data tables built here, which the page shows and the CSV writes, so the two cannot disagree.
import { startOfLocalDay } from "../calendar/zone.ts";
import type { Db } from "../db/client.ts";
import { type ConsultationFigures, consultationFigures } from "../participation/consultations/figures.ts";
import { DECISIONS } from "../participation/proposals/proposalRules.ts";
import {
  type Indicators,
  indicators,
  monthly,
  type Period,
  type Scope,
  statsUpdatedAt,
} from "../stats/query.ts";
import { addMonths, monthsOf } from "../stats/web/period.ts";
import {
  type Cell,
  CONSULTATION_FIGURES,
  type Column,
  chartMonthLabels,
  csvKey,
  type DataTable,
  formatsOf,
  INDICATOR_KEYS,
  INDICATOR_KINDS,
  type IndicatorKey,
  indicatorLabel,
  monthDate,
  NO_VALUE,
  periodText,
  type ValueKind,
  valueCell,
} from "../stats/web/statsPages.tsx";
import type { PageContext } from "../web/context.ts";
import { proposalsDecided } from "./figures.ts";
import { type ReportPeriod, trendPeriod } from "./reportPeriod.ts";
import { changeCell, K } from "./ui.tsx";

export interface ReportScope {
  /** Absent: the national report. */
  municipality?: { id: number; slug: string; name: string };
}

/** The figures of one period and scope. */
export interface PeriodFigures {
  indicators: Indicators;
  consultations: ConsultationFigures;
  /** Proposals decided in the period, by decision. */
  proposals: Record<string, number>;
}

export interface PeriodicReport {
  scope: ReportScope;
  report: ReportPeriod;
  current: PeriodFigures;
  previous: PeriodFigures;
  /** The nation's figures for the same period (a municipality's report; the national one: its own). */
  national: PeriodFigures;
  trend: { period: Period; months: ({ month: string } & Indicators)[] };
  /** When the aggregates last took in the cases' events. */
  updatedAt: Date | null;
}

/** The months of a period as instants: from its first local day to the first of the month after. */
function range(period: Period, timeZone: string) {
  return {
    from: startOfLocalDay(`${period.from}-01`, timeZone),
    to: startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone),
  };
}

/** A report is of one municipality or of the nation. */
type OwnScope = Extract<Scope, { municipalityId: number } | { national: true }>;

async function periodFigures(
  db: Db,
  scope: OwnScope,
  period: Period,
  timeZone: string,
): Promise<PeriodFigures> {
  const [ind, consultations, proposals] = await Promise.all([
    indicators(db, scope, period),
    consultationFigures(db, {
      ...("municipalityId" in scope ? { municipalityId: scope.municipalityId } : {}),
      ...range(period, timeZone),
      timeZone,
    }),
    proposalsDecided(db, scope, period, timeZone),
  ]);
  return { indicators: ind, consultations, proposals };
}

/** Reads everything a report shows: a few statements on the aggregates, whatever the number of cases. */
export async function loadPeriodicReport(
  db: Db,
  scope: ReportScope,
  report: ReportPeriod,
  timeZone: string,
): Promise<PeriodicReport> {
  const own: OwnScope = scope.municipality ? { municipalityId: scope.municipality.id } : { national: true };
  const trend = trendPeriod(report);
  const [current, previous, national, months, updatedAt] = await Promise.all([
    periodFigures(db, own, report.period, timeZone),
    periodFigures(db, own, report.previous.period, timeZone),
    scope.municipality ? periodFigures(db, { national: true }, report.period, timeZone) : undefined,
    monthly(db, own, trend),
    statsUpdatedAt(db),
  ]);
  return {
    scope,
    report,
    current,
    previous,
    national: national ?? current,
    trend: { period: trend, months },
    updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Words and tables.

/** "2026", "Q3 2026", "September 2026", in the page's language. */
export function reportPeriodLabel(ctx: PageContext, report: Pick<ReportPeriod, "kind" | "key" | "period">) {
  if (report.kind === "year") return report.key;
  if (report.kind === "quarter")
    return ctx.t(`${K}.period.quarter`, { quarter: report.key.slice(-1), year: report.key.slice(0, 4) });
  return formatsOf(ctx.lang).monthLong.format(monthDate(report.period.from));
}

/** The columns every figures table has; the national one is the CSV's only, on the national report. */
function figureColumns(ctx: PageContext, r: PeriodicReport): Column[] {
  const national = !r.scope.municipality;
  return [
    { key: "indicator", label: "", csvOnly: true },
    { key: "name", label: ctx.t("stats.column.indicator") },
    { key: "value", label: reportPeriodLabel(ctx, r.report), numeric: true },
    {
      key: "previous",
      label: reportPeriodLabel(ctx, { ...r.report, ...r.report.previous }),
      numeric: true,
    },
    { key: "change", label: ctx.t(`${K}.column.change`), numeric: true },
    {
      key: "national",
      label: ctx.t(`${K}.column.national`),
      numeric: true,
      ...(national ? { csvOnly: true } : {}),
    },
  ];
}

interface Figure {
  code: string;
  name: string;
  kind: ValueKind;
  pick: (f: PeriodFigures) => number | null;
  /** A count of now, the same for any period (the overdue count): no previous value, no change. */
  live?: boolean;
}

function figureRows(ctx: PageContext, r: PeriodicReport, figures: Figure[]): Cell[][] {
  return figures.map((f) => {
    const now = f.pick(r.current);
    const before = f.live ? null : f.pick(r.previous);
    return [
      { text: f.code, raw: f.code },
      { text: f.name, raw: f.name },
      valueCell(ctx.lang, f.kind, now),
      f.live ? NO_VALUE : valueCell(ctx.lang, f.kind, before),
      f.live ? NO_VALUE : changeCell(ctx, f.kind, now, before),
      valueCell(ctx.lang, f.kind, f.pick(r.national)),
    ];
  });
}

export interface ReportTables {
  indicators: DataTable;
  consultations: DataTable;
  proposals: DataTable;
  trend: DataTable;
}

export function reportTables(ctx: PageContext, r: PeriodicReport): ReportTables {
  const { t } = ctx;
  const columns = figureColumns(ctx, r);
  const label = reportPeriodLabel(ctx, r.report);
  const decided = (f: PeriodFigures) => DECISIONS.reduce((sum, d) => sum + (f.proposals[d] ?? 0), 0);
  const f = formatsOf(ctx.lang);
  return {
    indicators: {
      name: "indicators",
      caption: t(`${K}.report.indicatorsCaption`, { period: label }),
      columns,
      rows: figureRows(
        ctx,
        r,
        INDICATOR_KEYS.map((key) => ({
          code: csvKey(key),
          name: indicatorLabel(ctx, key),
          kind: INDICATOR_KINDS[key],
          pick: (p) => p.indicators[key],
          ...(key === "overdue" ? { live: true } : {}),
        })),
      ),
    },
    consultations: {
      name: "consultations",
      caption: t(`${K}.report.consultationsCaption`, { period: label }),
      columns,
      rows: figureRows(
        ctx,
        r,
        CONSULTATION_FIGURES.map((key) => ({
          code: `consultations_${csvKey(key)}`,
          name: t(`stats.consultations.${key}`),
          kind: "count",
          pick: (p) => p.consultations[key],
        })),
      ),
    },
    proposals: {
      name: "proposals",
      caption: t(`${K}.report.proposalsCaption`, { period: label }),
      columns,
      rows: figureRows(ctx, r, [
        { code: "proposals_decided", name: t(`${K}.report.proposalsDecided`), kind: "count", pick: decided },
        ...DECISIONS.map((d) => ({
          code: `proposals_${d}`,
          name: t(`${K}.report.decision.${d}`),
          kind: "count" as const,
          pick: (p: PeriodFigures) => p.proposals[d] ?? 0,
        })),
      ]),
    },
    trend: {
      name: "trend",
      caption: t(`${K}.report.trendCaption`, { period: periodText(ctx, r.trend.period) }),
      columns: [
        { key: "month", label: t("stats.column.month") },
        ...TREND_INDICATORS.map((key) => ({
          key: csvKey(key),
          label: indicatorLabel(ctx, key),
          numeric: true,
        })),
      ],
      rows: r.trend.months.map((m) => [
        { text: f.monthLong.format(monthDate(m.month)), raw: m.month },
        ...TREND_INDICATORS.map((key) => valueCell(ctx.lang, INDICATOR_KINDS[key], m[key])),
      ]),
    },
  };
}

/** The trend's columns, month by month. */
export const TREND_INDICATORS = [
  "received",
  "answeredWithinShare",
  "firstResponseMedianDays",
  "resolutionRate",
  "satisfactionAverage",
  "escalations",
] as const satisfies readonly IndicatorKey[];

/** The months of a report's trend, as the chart labels them. */
export function trendLabels(ctx: PageContext, r: PeriodicReport): string[] {
  return chartMonthLabels(ctx.lang, monthsOf(r.trend.period));
}
