// The positions of the `counters int[]` arrays of stats_breakdown and stats_month: what one case adds to
// the row of the month it was received in. Each counter's meaning is in docs/INDICATORS.md. The order is
// part of the stored data: changing it (or buckets.ts) means raising FACTS_VERSION, which makes the next
// statistics pass rebuild every aggregate (aggregator.ts).

export const COUNTERS = [
  /** 1 for every case. */
  "received",
  /** Acknowledged (cases.acknowledged_at set). */
  "acknowledged",
  "ack_decided",
  "ack_met",
  /** Given a first substantive response (cases.first_response_at set). */
  "responded",
  "response_decided",
  "response_met",
  /** Resolved or answered, and not reopened since (cases.resolved_at set, the case not open). */
  "resolved",
  "resolution_decided",
  "resolution_met",
  /** Not open now: answered, resolved, closed, rejected, referred or merged. */
  "finished",
  /** Merged into another case as its duplicate. */
  "merged",
  /** Answered or resolved at least once (reopened since or not): the reopen rate's denominator. */
  "resolved_ever",
  /** Reopened by the citizen at least once. */
  "reopened",
  /** Escalated at least once. */
  "escalated",
  /** Escalation events (each step of the ladder counts). */
  "escalations",
  "satisfaction_sum",
  "satisfaction_count",
  /** Open, not awaiting the citizen, and past the running clock's due date now. */
  "overdue",
] as const;

export type CounterName = (typeof COUNTERS)[number];

export const COUNTER_COUNT = COUNTERS.length;

/** A counter's position (0-based) in the arrays. */
export const C = Object.fromEntries(COUNTERS.map((name, i) => [name, i])) as Record<CounterName, number>;

/** A counter's subscript in SQL (`counters[n]`, 1-based), for the statements that sum one counter. */
export const sqlIndex = (name: CounterName): number => C[name] + 1;

export const emptyCounters = (): number[] => new Array<number>(COUNTER_COUNT).fill(0);

/** Adds `source` times `sign` into `target`, element by element (a shorter source counts as zeros). */
export function addInto(target: number[], source: readonly number[], sign = 1): void {
  for (let i = 0; i < source.length; i++) target[i] = (target[i] ?? 0) + sign * source[i]!;
}

export const isZero = (values: readonly number[]): boolean => values.every((v) => v === 0);
