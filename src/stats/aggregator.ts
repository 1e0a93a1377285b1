// Keeps the statistics' aggregates current as events happen. CONTRACT (wired in src/main.ts): keep these
// signatures.
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";

export interface StatsPassResult {
  /** Cases whose facts were recomputed. */
  cases: number;
}

/** One pass: the cases with events since the last pass get their facts recomputed and the aggregates adjusted. */
export async function runStatsPass(
  _db: Db,
  _calendar: WorkingCalendar,
  _now: Date,
): Promise<StatsPassResult> {
  return { cases: 0 };
}

/** Every case's facts and every aggregate computed anew (`ekomuna stats rebuild`). */
export async function rebuildStats(
  _db: Db,
  _calendar: WorkingCalendar,
  _now: Date,
): Promise<StatsPassResult> {
  return { cases: 0 };
}

/** Runs a pass every few seconds until stopped; several processes on one PostgreSQL take turns. */
export function startStatsAggregator(
  _db: Db,
  _calendar: WorkingCalendar,
  _options: { intervalMs?: number; log: (err: unknown) => void },
): { stop(): Promise<void> } {
  return { async stop() {} };
}
