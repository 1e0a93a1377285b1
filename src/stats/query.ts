// The statistics' reading side: indicators for a municipality or the nation over a period of months,
// read from the aggregates (stats_month, stats_breakdown) that src/stats/aggregator.ts keeps current.
// Each indicator is defined once in docs/INDICATORS.md. CONTRACT for the pages (src/stats/web) and open
// data: keep these signatures.
import type { Db } from "../db/client.ts";

/** Months, inclusive, as "YYYY-MM" (local months of the calendar's time zone). */
export interface Period {
  from: string;
  to: string;
}

/** A share is 0..1; null where nothing was counted (no case decided). Times in working days. */
export interface Indicators {
  received: number;
  acknowledged: number;
  ackWithinShare: number | null;
  ackMedianDays: number | null;
  ackP90Days: number | null;
  firstResponseMedianDays: number | null;
  firstResponseP90Days: number | null;
  answeredWithinShare: number | null;
  resolutionMedianDays: number | null;
  resolutionP90Days: number | null;
  resolutionWithinShare: number | null;
  resolutionRate: number | null;
  /** Open at the end of the period (received up to then, not finished by then). */
  backlog: number;
  /** Open and past the running clock's due date now (a live count). */
  overdue: number;
  reopenRate: number | null;
  satisfactionAverage: number | null;
  satisfactionCount: number;
  escalations: number;
}

export type Scope = { municipalityId: number } | { national: true };

export type BreakdownBy = "type" | "category" | "channel" | "department";

export interface BreakdownRow {
  /** The type or channel code, or the category's or department's id. */
  key: string | number;
  received: number;
  answeredWithinShare: number | null;
  resolutionRate: number | null;
}

export async function indicators(_db: Db, _scope: Scope, _period: Period): Promise<Indicators> {
  throw new Error("not built yet");
}

/** All municipalities side by side, ordered by id. */
export async function comparison(
  _db: Db,
  _period: Period,
): Promise<Array<{ municipalityId: number } & Indicators>> {
  throw new Error("not built yet");
}

/** One row per month of the period, oldest first (months without cases included, with zeros). */
export async function monthly(
  _db: Db,
  _scope: Scope,
  _period: Period,
): Promise<Array<{ month: string } & Indicators>> {
  throw new Error("not built yet");
}

/** Counts per type, category, channel or department (the small-count rule is the caller's: see suppress). */
export async function breakdown(
  _db: Db,
  _scope: Scope,
  _period: Period,
  _by: BreakdownBy,
): Promise<BreakdownRow[]> {
  throw new Error("not built yet");
}

/** Counts from 1 to 4 in any breakdown finer than municipality × month are shown as "<5" (docs/INDICATORS.md). */
export const SMALL_COUNT = 5;
export const isSmall = (n: number): boolean => n > 0 && n < SMALL_COUNT;
