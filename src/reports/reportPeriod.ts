// A report's period as its address names it: a year ("2026"), a quarter ("2026-q3") or a month ("2026-09").
// Pure: the current month is passed in. Anything that is not a period that has begun is a message (a catalog
// key under reports.errors) for a 400 page in the page's language, never a 500.
import type { Period } from "../stats/query.ts";
import { addMonths, EARLIEST_MONTH } from "../stats/web/period.ts";

export const REPORT_KINDS = ["year", "quarter", "month"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export interface ReportPeriod {
  kind: ReportKind;
  /** As written in addresses: "2026", "2026-q3", "2026-09". */
  key: string;
  /** The months it covers, both ends included. */
  period: Period;
  /** The period of the same length just before it: what the report compares with. */
  previous: { key: string; period: Period };
  /** It includes the current month: its figures are still moving. */
  inProgress: boolean;
  /** Its last month that has begun: the period's end, or the current month while it runs. */
  through: string;
}

export type PeriodProblem = "format" | "noSuchMonth" | "noSuchQuarter" | "tooEarly" | "future";

const YEAR = /^(\d{4})$/;
const QUARTER = /^(\d{4})-[qQ](\d)$/;
const MONTH = /^(\d{4})-(\d{2})$/;

const pad = (n: number) => String(n).padStart(2, "0");

function keyOf(kind: ReportKind, from: string): string {
  if (kind === "year") return from.slice(0, 4);
  if (kind === "month") return from;
  return `${from.slice(0, 4)}-q${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}`;
}

const LENGTH: Record<ReportKind, number> = { year: 12, quarter: 3, month: 1 };

/** The period of a kind starting at a month. */
function periodAt(kind: ReportKind, from: string): { key: string; period: Period } {
  return { key: keyOf(kind, from), period: { from, to: addMonths(from, LENGTH[kind] - 1) } };
}

/** Reads a period from its address form; `currentMonth` ("YYYY-MM") is the month it is now. */
export function parseReportPeriod(
  text: string,
  currentMonth: string,
): { ok: true; value: ReportPeriod } | { ok: false; problem: PeriodProblem } {
  const s = text.trim();
  const year = YEAR.exec(s);
  const quarter = QUARTER.exec(s);
  const month = MONTH.exec(s);
  let kind: ReportKind;
  let from: string;
  if (year) {
    kind = "year";
    from = `${year[1]}-01`;
  } else if (quarter) {
    const q = Number(quarter[2]);
    if (q < 1 || q > 4) return { ok: false, problem: "noSuchQuarter" };
    kind = "quarter";
    from = `${quarter[1]}-${pad((q - 1) * 3 + 1)}`;
  } else if (month) {
    const m = Number(month[2]);
    if (m < 1 || m > 12) return { ok: false, problem: "noSuchMonth" };
    kind = "month";
    from = s;
  } else return { ok: false, problem: "format" };
  if (from < EARLIEST_MONTH) return { ok: false, problem: "tooEarly" };
  // A period that has not begun has no figures at all: it is refused rather than shown empty.
  if (from > currentMonth) return { ok: false, problem: "future" };
  const { key, period } = periodAt(kind, from);
  const before = addMonths(from, -LENGTH[kind]);
  return {
    ok: true,
    value: {
      kind,
      key,
      period,
      // The period before the earliest has no figures either; it is still named, and reads as zeros.
      previous: periodAt(kind, before),
      inProgress: period.to >= currentMonth,
      through: period.to > currentMonth ? currentMonth : period.to,
    },
  };
}

/**
 * The months a report's trend shows: the twelve ending with the period's last month (a year: itself), or
 * with the current month while the period runs (the months to come have nothing to show).
 */
export function trendPeriod(p: ReportPeriod): Period {
  const from = addMonths(p.through, -11);
  // Months compare as text ("YYYY-MM"): no earlier than the first month statistics know.
  if (from < EARLIEST_MONTH) return { from: EARLIEST_MONTH, to: p.through };
  return { from, to: p.through };
}

/** The periods a chooser offers: the current and the previous ones of each kind, newest first. */
export function recentPeriods(currentMonth: string): Record<ReportKind, string[]> {
  const year = Number(currentMonth.slice(0, 4));
  const quarterStart = addMonths(currentMonth, -((Number(currentMonth.slice(5, 7)) - 1) % 3));
  return {
    year: [0, 1, 2].map((i) => String(year - i)).filter((y) => `${y}-01` >= EARLIEST_MONTH),
    quarter: [0, 1, 2, 3]
      .map((i) => keyOf("quarter", addMonths(quarterStart, -3 * i)))
      .filter((k) => k >= EARLIEST_MONTH.slice(0, 4)),
    month: [0, 1, 2].map((i) => addMonths(currentMonth, -i)).filter((k) => k >= EARLIEST_MONTH),
  };
}
