// The statistics' reading side: indicators for a municipality, a set of municipalities (a pilot
// evaluation's) or the nation over a period of months, and for a department or a category of a municipality
// (the ministry's drill-down), read from the aggregates (stats_month, stats_breakdown) that
// src/stats/aggregator.ts keeps current.
// Each indicator is defined once in docs/INDICATORS.md. CONTRACT for the pages (src/stats/web) and open
// data: keep these signatures.
//
// Nothing here reads a case: the overdue count too comes from the facts. Sums of months are made here,
// from the rows of the period: a municipality has twelve a year, the nation 456. A set and the nation are
// sums like any period: their medians and percentiles come from the summed histograms, never averaged.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import { BUCKET_COUNT, emptyHistogram, percentile } from "./buckets.ts";
import { addInto, C, COUNTER_COUNT, emptyCounters, sqlIndex } from "./counters.ts";

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

/** One municipality, several together (each counted once, however often listed), or all of them. */
export type Scope = { municipalityId: number } | { municipalityIds: readonly number[] } | { national: true };

export type BreakdownBy = "type" | "category" | "channel" | "department";

export interface BreakdownRow {
  /** The type or channel code, or the category's or department's id (0: no department, the coordinator's). */
  key: string | number;
  received: number;
  answeredWithinShare: number | null;
  resolutionRate: number | null;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Whether a period is two real months, the first not after the second. */
export function isValidPeriod(period: Period): boolean {
  return MONTH.test(period.from) && MONTH.test(period.to) && period.from <= period.to;
}

function checked(period: Period): { from: string; to: string } {
  if (!isValidPeriod(period)) throw new RangeError(`Not a period of months: ${JSON.stringify(period)}`);
  return { from: `${period.from}-01`, to: `${period.to}-01` };
}

/**
 * Which rows a scope reads: the condition on municipality_id, and the shape's name. Each shape is its own
 * named statement (src/db/named.ts); a set's ids are one array parameter, so its text is the same for any set.
 */
interface Target {
  shape: "one" | "set" | "all";
  where: SQL;
}

function targetOf(scope: Scope): Target {
  if ("national" in scope) return { shape: "all", where: sql.raw("true") };
  if ("municipalityIds" in scope) {
    const ids = scope.municipalityIds;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isSafeInteger(id)))
      throw new RangeError("Not a set of municipality ids");
    // An empty set reads no rows: every count 0, every share and time empty.
    return { shape: "set", where: sql`municipality_id = any(${`{${ids.join(",")}}`}::int[])` };
  }
  if (!Number.isSafeInteger(scope.municipalityId)) throw new RangeError("Not a municipality id");
  return { shape: "one", where: sql`municipality_id = ${scope.municipalityId}::int` };
}

/** The sums of stats_month rows: counters, finishes and the three histograms. */
interface Sums {
  counters: number[];
  finished: number;
  ack: number[];
  response: number[];
  resolution: number[];
}

interface MonthRowData {
  municipality_id: number;
  month: string;
  counters: string;
  finished_in_month: number;
  ack_hist: string;
  response_hist: string;
  resolution_hist: string;
}

const emptySums = (): Sums => ({
  counters: emptyCounters(),
  finished: 0,
  ack: emptyHistogram(),
  response: emptyHistogram(),
  resolution: emptyHistogram(),
});

function addRow(s: Sums, r: MonthRowData) {
  addInto(s.counters, ints(r.counters));
  s.finished += r.finished_in_month;
  addInto(s.ack, ints(r.ack_hist).slice(0, BUCKET_COUNT));
  addInto(s.response, ints(r.response_hist).slice(0, BUCKET_COUNT));
  addInto(s.resolution, ints(r.resolution_hist).slice(0, BUCKET_COUNT));
}

/** The sums kept under a key, made empty the first time. */
function entry<K>(map: Map<K, Sums>, key: K): Sums {
  let s = map.get(key);
  if (!s) {
    s = emptySums();
    map.set(key, s);
  }
  return s;
}

/**
 * The indicators that counters alone give: all but the times (kept in stats_month's histograms only) and the
 * backlog (its finishes by month, likewise). What a breakdown's group or a slice of a municipality has.
 */
export type CountedIndicators = Pick<
  Indicators,
  | "received"
  | "acknowledged"
  | "ackWithinShare"
  | "answeredWithinShare"
  | "resolutionWithinShare"
  | "resolutionRate"
  | "overdue"
  | "reopenRate"
  | "satisfactionAverage"
  | "satisfactionCount"
  | "escalations"
>;

/**
 * The indicators of summed counters, each computed the one way docs/INDICATORS.md defines it. `finer`: the
 * counters are a group finer than municipality × month, whose shares and average of 1 to 4 cases are not
 * given (1 of 1 answered late names the case). `overdue` is the counters' own: of the cases counted, those
 * overdue now.
 */
function countedOf(c: readonly number[], finer: boolean): CountedIndicators {
  const n = (i: number) => c[i] ?? 0;
  const share = (part: number, whole: number) =>
    whole > 0 && !(finer && isSmall(whole)) ? part / whole : null;
  return {
    received: n(C.received),
    acknowledged: n(C.acknowledged),
    ackWithinShare: share(n(C.ack_met), n(C.ack_decided)),
    answeredWithinShare: share(n(C.response_met), n(C.response_decided)),
    resolutionWithinShare: share(n(C.resolution_met), n(C.resolution_decided)),
    resolutionRate: share(n(C.resolved), n(C.received) - n(C.merged)),
    overdue: n(C.overdue),
    reopenRate: share(n(C.reopened), n(C.resolved_ever)),
    satisfactionAverage: share(n(C.satisfaction_sum), n(C.satisfaction_count)),
    satisfactionCount: n(C.satisfaction_count),
    escalations: n(C.escalations),
  };
}

/** The indicators of summed rows (docs/INDICATORS.md), with the backlog and overdue counts given. */
function indicatorsOf(s: Sums, backlog: number, overdue: number): Indicators {
  return {
    ...countedOf(s.counters, false),
    ackMedianDays: percentile(s.ack, 0.5),
    ackP90Days: percentile(s.ack, 0.9),
    firstResponseMedianDays: percentile(s.response, 0.5),
    firstResponseP90Days: percentile(s.response, 0.9),
    resolutionMedianDays: percentile(s.resolution, 0.5),
    resolutionP90Days: percentile(s.resolution, 0.9),
    backlog,
    overdue,
  };
}

// The arrays come as text and are split here: node-postgres's array parser took three times as long as the
// query itself for the nation's 456 rows (bench/stats.ts).
const ROW_COLUMNS = sql.raw(
  "municipality_id, to_char(month, 'YYYY-MM') as month, counters::text as counters, finished_in_month, " +
    "ack_hist::text as ack_hist, response_hist::text as response_hist, resolution_hist::text as resolution_hist",
);

/** A PostgreSQL integer array's text, "{1,0,2}", as numbers. */
function ints(text: string): number[] {
  const inner = text.slice(1, -1);
  return inner === "" ? [] : inner.split(",").map(Number);
}
// Received minus finished, over every month up to the end of the period: the cases open then.
const BACKLOG = sql.raw("(coalesce(sum(counters[1]), 0) - coalesce(sum(finished_in_month), 0))::int");

/** The period's stats_month rows of the scope. */
function periodRows(db: Db, target: Target, from: string, to: string) {
  return executeNamed<MonthRowData>(
    db,
    `stats_period_rows_${target.shape}`,
    sql`select ${ROW_COLUMNS} from stats_month
      where ${target.where} and month between ${from}::date and ${to}::date`,
  );
}

/** Cases open at the end of the month `to` (or, with `before`, at the start of that month). */
async function backlogAt(db: Db, target: Target, month: string, before = false): Promise<number> {
  const op = sql.raw(before ? "<" : "<=");
  const rows = await executeNamed<{ n: number }>(
    db,
    `stats_backlog_${target.shape}_${before ? "before" : "to"}`,
    sql`select ${BACKLOG} as n from stats_month where ${target.where} and month ${op} ${month}::date`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Open cases past the running clock's due date now, as the facts say (each case's facts are computed again
 * when its due instant passes, so the count is as current as the aggregator): the sum over every month
 * received, of one municipality or all. Reading the cases' SLA state instead counted 312,000 index entries
 * on 1,000,000 cases, most of a comparison's time.
 */
const OVERDUE = sql.raw(`coalesce(sum(counters[${sqlIndex("overdue")}]), 0)::int`);

async function overdueNow(db: Db, target: Target): Promise<number> {
  const rows = await executeNamed<{ n: number }>(
    db,
    `stats_overdue_${target.shape}`,
    sql`select ${OVERDUE} as n from stats_month where ${target.where}`,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function indicators(db: Db, scope: Scope, period: Period): Promise<Indicators> {
  const { from, to } = checked(period);
  const target = targetOf(scope);
  const [rows, backlog, overdue] = await Promise.all([
    periodRows(db, target, from, to),
    backlogAt(db, target, to),
    overdueNow(db, target),
  ]);
  const sums = emptySums();
  for (const r of rows) addRow(sums, r);
  return indicatorsOf(sums, backlog, overdue);
}

/** All municipalities side by side, ordered by id. */
export async function comparison(
  db: Db,
  period: Period,
): Promise<Array<{ municipalityId: number } & Indicators>> {
  const { from, to } = checked(period);
  const [rows, each] = await Promise.all([
    periodRows(db, targetOf({ national: true }), from, to),
    executeNamed<{ id: number; backlog: number; overdue: number }>(
      db,
      "stats_comparison_each",
      sql`select m.id,
            (select ${BACKLOG} from stats_month s where s.municipality_id = m.id and s.month <= ${to}::date) as backlog,
            (select ${OVERDUE} from stats_month s where s.municipality_id = m.id) as overdue
          from municipalities m order by m.id`,
    ),
  ]);
  const sums = new Map<number, Sums>();
  for (const r of rows) {
    addRow(entry(sums, r.municipality_id), r);
  }
  return each.map((m) => ({
    municipalityId: m.id,
    ...indicatorsOf(sums.get(m.id) ?? emptySums(), Number(m.backlog ?? 0), Number(m.overdue ?? 0)),
  }));
}

/**
 * One row per month of the period, oldest first (months without cases included, with zeros). Each month
 * counts the cases received in it; its backlog is the cases open at its end; its `overdue` is how many of
 * the cases received in it are overdue now (counted by the facts, not the live count).
 */
export async function monthly(
  db: Db,
  scope: Scope,
  period: Period,
): Promise<Array<{ month: string } & Indicators>> {
  const { from, to } = checked(period);
  const target = targetOf(scope);
  const [rows, openBefore] = await Promise.all([
    periodRows(db, target, from, to),
    backlogAt(db, target, from, true),
  ]);
  const byMonth = new Map<string, Sums>();
  for (const r of rows) {
    addRow(entry(byMonth, r.month), r);
  }
  const out: Array<{ month: string } & Indicators> = [];
  let backlog = openBefore;
  for (let month = period.from; month <= period.to; month = nextMonth(month)) {
    const s = byMonth.get(month) ?? emptySums();
    backlog += (s.counters[C.received] ?? 0) - s.finished;
    out.push({ month, ...indicatorsOf(s, backlog, s.counters[C.overdue] ?? 0) });
  }
  return out;
}

function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12
    ? `${String(y + 1).padStart(4, "0")}-01`
    : `${month.slice(0, 4)}-${String(m + 1).padStart(2, "0")}`;
}

const BREAKDOWN_KEY: Record<BreakdownBy, SQL> = {
  type: sql.raw("type"),
  category: sql.raw("category_id"),
  channel: sql.raw("channel"),
  department: sql.raw("department_id"),
};

/**
 * Counts per type, category, channel or department, most received first, with no share of 1 to 4 cases;
 * hiding the small counts themselves is the caller's (protectSmall in src/stats/web/statsPages.tsx).
 */
export async function breakdown(
  db: Db,
  scope: Scope,
  period: Period,
  by: BreakdownBy,
): Promise<BreakdownRow[]> {
  const { from, to } = checked(period);
  const target = targetOf(scope);
  const key = BREAKDOWN_KEY[by];
  if (!key) throw new RangeError(`Not a breakdown: ${String(by)}`);
  // An element past a stored array's end (trailing zeros are not stored) reads as null: summed as 0.
  const sum = (name: Parameters<typeof sqlIndex>[0]) =>
    sql.raw(`coalesce(sum(counters[${sqlIndex(name)}]), 0)::int`);
  const rows = await executeNamed<{
    key: string | number;
    received: number;
    decided: number;
    met: number;
    resolved: number;
    merged: number;
  }>(
    db,
    `stats_breakdown_${by}_${target.shape}`,
    sql`select ${key} as key, ${sum("received")} as received, ${sum("response_decided")} as decided,
          ${sum("response_met")} as met, ${sum("resolved")} as resolved, ${sum("merged")} as merged
        from stats_breakdown where ${target.where} and month between ${from}::date and ${to}::date
        group by 1 order by 2 desc, 1`,
  );
  return rows
    .filter((r) => r.received > 0)
    .map((r) => {
      // Only the counters these figures need are read; the others stay 0.
      const c = emptyCounters();
      c[C.received] = r.received;
      c[C.response_decided] = r.decided;
      c[C.response_met] = r.met;
      c[C.resolved] = r.resolved;
      c[C.merged] = r.merged;
      const { received, answeredWithinShare, resolutionRate } = countedOf(c, true);
      return { key: r.key, received, answeredWithinShare, resolutionRate };
    });
}

/**
 * A department (0: none, the participation coordinator's), a category, or a category within a department,
 * of one municipality: one group of its breakdowns, followed month by month.
 */
export type Slice = { municipalityId: number } & (
  | { departmentId: number; categoryId?: undefined }
  | { departmentId?: undefined; categoryId: number }
  | { departmentId: number; categoryId: number }
);

// Every counter summed, as fixed text (executeNamed: one plan per connection). An element past a stored
// array's end (trailing zeros are not stored) reads as null: summed as 0.
const COUNTER_SUMS = sql.raw(
  Array.from({ length: COUNTER_COUNT }, (_, i) => `coalesce(sum(counters[${i + 1}]), 0)::int as c${i}`).join(
    ", ",
  ),
);

/**
 * A slice month by month over the period, oldest first (months without cases as zeros), and the period's
 * total: read from stats_breakdown, with the definitions and the small-count rule of breakdown() (no share
 * or average of 1 to 4 cases). No times and no backlog: those are kept per municipality only. `categories`
 * is the slice by category as breakdown() gives a municipality's (a department's next step down): read
 * from the same rows, so its counts add up to the total.
 */
export async function sliceMonthly(
  db: Db,
  slice: Slice,
  period: Period,
): Promise<{
  months: Array<{ month: string } & CountedIndicators>;
  total: CountedIndicators;
  categories: BreakdownRow[];
}> {
  const { from, to } = checked(period);
  const { municipalityId, departmentId, categoryId } = slice;
  if (
    !Number.isSafeInteger(municipalityId) ||
    (departmentId === undefined && categoryId === undefined) ||
    (departmentId !== undefined && !Number.isSafeInteger(departmentId)) ||
    (categoryId !== undefined && !Number.isSafeInteger(categoryId))
  )
    throw new RangeError("Not a municipality's department or category");
  // One statement per shape: a condition left out, not a parameter that matches anything.
  const shape = [departmentId === undefined ? "" : "department", categoryId === undefined ? "" : "category"]
    .filter(Boolean)
    .join("_");
  const department = departmentId === undefined ? sql`` : sql` and department_id = ${departmentId}::int`;
  const category = categoryId === undefined ? sql`` : sql` and category_id = ${categoryId}::int`;
  const rows = await executeNamed<{ month: string; category: number } & Record<string, number>>(
    db,
    `stats_slice_${shape}`,
    sql`select to_char(month, 'YYYY-MM') as month, category_id as category, ${COUNTER_SUMS}
        from stats_breakdown
        where municipality_id = ${municipalityId}::int${department}${category}
          and month between ${from}::date and ${to}::date
        group by month, category_id`,
  );
  const byMonth = new Map<string, number[]>();
  const byCategory = new Map<number, number[]>();
  const addTo = <K>(map: Map<K, number[]>, key: K, c: readonly number[]) => {
    const sum = map.get(key) ?? emptyCounters();
    addInto(sum, c);
    map.set(key, sum);
  };
  for (const r of rows) {
    const c = Array.from({ length: COUNTER_COUNT }, (_, i) => Number(r[`c${i}`] ?? 0));
    addTo(byMonth, r.month, c);
    addTo(byCategory, Number(r.category), c);
  }
  const total = emptyCounters();
  const months: Array<{ month: string } & CountedIndicators> = [];
  for (let month = period.from; month <= period.to; month = nextMonth(month)) {
    const c = byMonth.get(month) ?? emptyCounters();
    addInto(total, c);
    months.push({ month, ...countedOf(c, true) });
  }
  // As breakdown(): most received first, then by key; a group with nothing received is not one.
  const categories = [...byCategory]
    .map(([key, c]): BreakdownRow => {
      const { received, answeredWithinShare, resolutionRate } = countedOf(c, true);
      return { key, received, answeredWithinShare, resolutionRate };
    })
    .filter((r) => r.received > 0)
    .sort((a, b) => b.received - a.received || Number(a.key) - Number(b.key));
  return { months, total: countedOf(total, true), categories };
}

/** When the last statistics pass ended (the aggregates are that fresh); null before the first. */
export async function statsUpdatedAt(db: Db): Promise<Date | null> {
  const rows = await executeNamed<{ at: string | null }>(
    db,
    "stats_updated_at",
    sql`select to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from stats_progress where name = 'events'`,
  );
  return rows[0]?.at ? new Date(rows[0].at) : null;
}

/** Counts from 1 to 4 in any breakdown finer than municipality × month are shown as "<5" (docs/INDICATORS.md). */
export const SMALL_COUNT = 5;
export const isSmall = (n: number): boolean => n > 0 && n < SMALL_COUNT;
