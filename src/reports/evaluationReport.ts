// A pilot evaluation's figures for its municipalities and months, together and each: usage and adoption over
// time (inputs, distinct participants, channels), response times, resolution, satisfaction, escalations and
// consultations. Tables are built here for the page; each figure names the indicator of docs/INDICATORS.md it
// is, so the page can give its definition. Channels by month are finer than a municipality and a month: the
// small-count rule applies (protectSmall, as the statistics pages apply it). The page shows these tables and
// the CSV writes them (evaluationCsvTables), so the two cannot disagree.
import { startOfLocalDay } from "../calendar/zone.ts";
import { CHANNELS } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { localized } from "../kernel/localized.ts";
import { type ConsultationFigures, consultationFigures } from "../participation/consultations/figures.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { type Indicators, type Period, statsUpdatedAt } from "../stats/query.ts";
import { addMonths } from "../stats/web/period.ts";
import {
  type Cell,
  CONSULTATION_FIGURES,
  chartMonthLabels,
  csvKey,
  type DataTable,
  formatsOf,
  HIDDEN,
  INDICATOR_KINDS,
  type IndicatorKey,
  indicatorLabel,
  monthDate,
  type NamedRow,
  periodText,
  protectSmall,
  SUPPRESSED,
  type ValueKind,
  valueCell,
} from "../stats/web/statsPages.tsx";
import type { PageContext } from "../web/context.ts";
import type { EvaluationRow } from "./evaluations.ts";
import {
  type Counted,
  channelsByMonth,
  type Participation,
  participants,
  type SetIndicators,
  setIndicators,
} from "./figures.ts";
import { K } from "./ui.tsx";

export interface EvaluationMunicipality {
  id: number;
  slug: string;
  name: string;
}

export interface EvaluationReport {
  evaluation: EvaluationRow;
  period: Period;
  /** The chosen municipalities, by name in the page's language. */
  municipalities: EvaluationMunicipality[];
  indicators: SetIndicators;
  participation: Participation;
  channels: Awaited<ReturnType<typeof channelsByMonth>>;
  consultations: { together: ConsultationFigures; each: Map<number, ConsultationFigures> };
  updatedAt: Date | null;
}

export const periodOf = (e: EvaluationRow): Period => ({
  from: e.fromMonth.slice(0, 7),
  to: e.toMonth.slice(0, 7),
});

export async function loadEvaluationReport(
  db: Db,
  evaluation: EvaluationRow,
  lang: PageContext["lang"],
  timeZone: string,
): Promise<EvaluationReport> {
  const period = periodOf(evaluation);
  const reference = await referenceData(db);
  const { collator } = formatsOf(lang);
  const municipalities = evaluation.municipalityIds
    .flatMap((id) => {
      const m = reference.municipalityById(id);
      return m ? [{ id: m.id, slug: m.slug, name: localized(m.name, lang) }] : [];
    })
    .sort((a, b) => collator.compare(a.name, b.name));
  const ids = municipalities.map((m) => m.id);
  const range = {
    from: startOfLocalDay(`${period.from}-01`, timeZone),
    to: startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone),
  };
  const [ind, participation, channels, perMunicipality, updatedAt] = await Promise.all([
    setIndicators(db, ids, period),
    participants(db, ids, period, timeZone),
    channelsByMonth(db, ids, period),
    Promise.all(ids.map((municipalityId) => consultationFigures(db, { municipalityId, ...range, timeZone }))),
    statsUpdatedAt(db),
  ]);
  const each = new Map(ids.map((id, i) => [id, perMunicipality[i]!]));
  // Counts of separate municipalities' consultations: their sum is the set's.
  const together = Object.fromEntries(
    CONSULTATION_FIGURES.map((key) => [key, perMunicipality.reduce((sum, f) => sum + f[key], 0)]),
  ) as unknown as ConsultationFigures;
  return {
    evaluation,
    period,
    municipalities,
    indicators: ind,
    participation,
    channels,
    consultations: { together, each },
    updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Tables.

/** A figure of the evaluation: an indicator of docs/INDICATORS.md, distinct participants, or a consultation count. */
export type EvaluationFigure =
  | { source: "indicator"; key: IndicatorKey }
  | { source: "participants" }
  | { source: "consultations"; key: (typeof CONSULTATION_FIGURES)[number] };

/** The sections of the evaluation, in the order of the issue: each a table of figures, together and each. */
export const EVALUATION_SECTIONS: { name: string; figures: EvaluationFigure[] }[] = [
  {
    name: "usage",
    figures: [
      { source: "indicator", key: "received" },
      { source: "participants" },
      { source: "indicator", key: "acknowledged" },
    ],
  },
  {
    name: "times",
    figures: (
      [
        "ackMedianDays",
        "ackP90Days",
        "firstResponseMedianDays",
        "firstResponseP90Days",
        "resolutionMedianDays",
        "resolutionP90Days",
      ] as const
    ).map((key) => ({ source: "indicator", key })),
  },
  {
    name: "resolution",
    figures: (
      [
        "ackWithinShare",
        "answeredWithinShare",
        "resolutionWithinShare",
        "resolutionRate",
        "reopenRate",
      ] as const
    ).map((key) => ({ source: "indicator", key })),
  },
  {
    name: "satisfaction",
    figures: (["satisfactionAverage", "satisfactionCount"] as const).map((key) => ({
      source: "indicator",
      key,
    })),
  },
  { name: "escalations", figures: [{ source: "indicator", key: "escalations" }] },
  {
    name: "consultations",
    figures: CONSULTATION_FIGURES.map((key) => ({ source: "consultations", key })),
  },
];

/** A figure's name on the page. */
export function figureLabel(ctx: PageContext, f: EvaluationFigure): string {
  if (f.source === "indicator") return indicatorLabel(ctx, f.key);
  if (f.source === "participants") return ctx.t(`${K}.evaluation.participants`);
  return ctx.t(`stats.consultations.${f.key}`);
}

/** A figure's code in the CSV, stable in every language (the periodic report's codes for the same figures). */
export function figureCode(f: EvaluationFigure): string {
  if (f.source === "indicator") return csvKey(f.key);
  if (f.source === "participants") return "participants";
  return `consultations_${csvKey(f.key)}`;
}

/** A figure's definition, in the page's language (the statistics' own for the indicators). */
export function figureDefinition(ctx: PageContext, f: EvaluationFigure): string {
  if (f.source === "indicator") return ctx.t(`stats.definition.${f.key}`);
  if (f.source === "participants") return ctx.t(`${K}.evaluation.definition.participants`);
  return ctx.t(`${K}.evaluation.definition.consultations.${f.key}`);
}

/** Where a figure is defined: the indicators page's entry, or its consultations part. */
export function figureLink(f: EvaluationFigure): string {
  return f.source === "indicator" ? `/statistics/indicators#indicator-${f.key}` : "/statistics/indicators";
}

function figureValue(
  r: EvaluationReport,
  f: EvaluationFigure,
  who: number | "together",
): { kind: ValueKind; value: number | null } {
  if (f.source === "indicator") {
    const ind: Indicators | undefined =
      who === "together" ? r.indicators.together : r.indicators.each.get(who);
    return { kind: INDICATOR_KINDS[f.key], value: ind ? ind[f.key] : null };
  }
  if (f.source === "participants") {
    const c = r.participation.period;
    return { kind: "count", value: who === "together" ? c.together : (c.each.get(who) ?? 0) };
  }
  const c = who === "together" ? r.consultations.together : r.consultations.each.get(who);
  return { kind: "count", value: c ? c[f.key] : null };
}

/** A section's table: a row per figure, a column for the set together and one per municipality. */
export function sectionTable(ctx: PageContext, r: EvaluationReport, name: string): DataTable {
  const section = EVALUATION_SECTIONS.find((s) => s.name === name)!;
  const whole = r.municipalities.length > 1;
  const cell = (f: EvaluationFigure, who: number | "together") => {
    const { kind, value } = figureValue(r, f, who);
    return valueCell(ctx.lang, kind, value);
  };
  return {
    name,
    caption: ctx.t(`${K}.evaluation.sectionCaption.${name}`, { period: periodText(ctx, r.period) }),
    columns: [
      { key: "figure", label: "", csvOnly: true },
      { key: "name", label: ctx.t("stats.column.indicator") },
      ...(whole ? [{ key: "together", label: ctx.t(`${K}.evaluation.together`), numeric: true }] : []),
      ...r.municipalities.map((m) => ({ key: m.slug, label: m.name, numeric: true })),
    ],
    rows: section.figures.map((f) => [
      { text: figureCode(f), raw: figureCode(f) },
      { text: figureLabel(ctx, f), raw: figureLabel(ctx, f) },
      ...(whole ? [cell(f, "together")] : []),
      ...r.municipalities.map((m) => cell(f, m.id)),
    ]),
  };
}

/** A month's channels with the small-count rule applied: "<5", or "…" for the one hidden with a lone small one. */
function channelCells(ctx: PageContext, byChannel: Map<string, number> | undefined): Cell[] {
  const rows: NamedRow[] = CHANNELS.map((code) => ({
    key: code,
    code,
    name: code,
    received: byChannel?.get(code) ?? 0,
    answeredWithinShare: null,
    resolutionRate: null,
  }));
  return protectSmall(rows).map((row) =>
    row.hidden === "small"
      ? { text: SUPPRESSED, raw: SUPPRESSED }
      : row.hidden === "secondary"
        ? { text: HIDDEN, raw: HIDDEN }
        : valueCell(ctx.lang, "count", row.received),
  );
}

/**
 * Usage and adoption month by month, for the set together (no id) or one municipality: inputs, distinct
 * participants, inputs by channel, and the month's first-response median and share answered on time.
 */
export function usageTable(ctx: PageContext, r: EvaluationReport, id?: number): DataTable {
  const f = formatsOf(ctx.lang);
  const monthly = id === undefined ? r.indicators.monthlyTogether : (r.indicators.monthlyEach.get(id) ?? []);
  const channels = id === undefined ? r.channels.together : (r.channels.each.get(id) ?? new Map());
  const people = (c: Counted) => (id === undefined ? c.together : (c.each.get(id) ?? 0));
  const one = id === undefined ? undefined : r.municipalities.find((m) => m.id === id);
  const name = one?.name;
  // The CSV's rows say whose they are: a municipality's slug, or the set's ("together"; a set of one is
  // that municipality).
  const whose = one?.slug ?? (r.municipalities.length === 1 ? r.municipalities[0]!.slug : "together");
  return {
    name: id === undefined ? "usage-together" : `usage-${id}`,
    caption: name
      ? ctx.t(`${K}.evaluation.usageCaptionOne`, { municipality: name, period: periodText(ctx, r.period) })
      : ctx.t(`${K}.evaluation.usageCaption`, { period: periodText(ctx, r.period) }),
    columns: [
      { key: "municipality", label: "", csvOnly: true },
      { key: "month", label: ctx.t("stats.column.month") },
      { key: "received", label: ctx.t("stats.indicator.received"), numeric: true },
      { key: "participants", label: ctx.t(`${K}.evaluation.participants`), numeric: true },
      ...CHANNELS.map((c) => ({ key: `channel_${c}`, label: ctx.t(`inbox.channels.${c}`), numeric: true })),
      {
        key: "first_response_median_days",
        label: indicatorLabel(ctx, "firstResponseMedianDays"),
        numeric: true,
      },
      { key: "answered_within_share", label: ctx.t("stats.indicator.answeredWithinShare"), numeric: true },
    ],
    rows: r.indicators.months.map((month, i) => {
      const ind = monthly[i];
      return [
        { text: whose, raw: whose },
        { text: f.monthLong.format(monthDate(month)), raw: month },
        valueCell(ctx.lang, "count", ind?.received ?? 0),
        valueCell(ctx.lang, "count", people(r.participation.byMonth[i]!)),
        ...channelCells(ctx, channels.get(month)),
        valueCell(ctx.lang, "days", ind?.firstResponseMedianDays),
        valueCell(ctx.lang, "share", ind?.answeredWithinShare),
      ];
    }),
  };
}

/** The chart labels of the evaluation's months. */
export function monthLabels(ctx: PageContext, r: EvaluationReport): string[] {
  return chartMonthLabels(ctx.lang, r.indicators.months);
}

/** The tables an evaluation gives as CSV (`?format=csv&table=…`); the first is the default. */
export const EVALUATION_CSV_TABLES = ["figures", "months"] as const;
export type EvaluationCsvTable = (typeof EVALUATION_CSV_TABLES)[number];

/**
 * What a CSV of the evaluation holds, as the page shows it: `figures`, every section's table (one row per
 * figure, a column for the set and one per municipality); `months`, usage month by month, the set's rows
 * then, where there are several, each municipality's.
 */
export function evaluationCsvTables(ctx: PageContext, r: EvaluationReport, table: EvaluationCsvTable) {
  if (table === "figures") return EVALUATION_SECTIONS.map((s) => sectionTable(ctx, r, s.name));
  return [
    usageTable(ctx, r),
    ...(r.municipalities.length > 1 ? r.municipalities.map((m) => usageTable(ctx, r, m.id)) : []),
  ];
}
