// The statistics' aggregates as open data: stats_month (municipality × month, whole counts) and
// stats_breakdown (× type × category × channel × department, small counts hidden: protectMonth). Each counter
// of src/stats/counters.ts becomes a column with a name a reader can use; docs/INDICATORS.md defines them.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { departments } from "../db/schema.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { COUNTERS, type CounterName } from "../stats/counters.ts";
import { isSmall, SMALL_COUNT } from "../stats/query.ts";
import { rowsOf } from "./caseExport.ts";
import type { DatasetField } from "./datasets.ts";

/** Rows per query of an aggregate table. */
export const STATS_BATCH_SIZE = 5_000;

/**
 * The published column of each counter. A record over every counter: a counter added to counters.ts does
 * not compile here until it has a public name (and a description in the catalogs, openData.fields).
 */
export const COUNTER_COLUMNS: Record<CounterName, string> = {
  received: "received",
  acknowledged: "acknowledged",
  ack_decided: "acknowledgement_decided",
  ack_met: "acknowledged_on_time",
  responded: "responded",
  response_decided: "response_decided",
  response_met: "responded_on_time",
  resolved: "resolved",
  resolution_decided: "resolution_decided",
  resolution_met: "resolved_on_time",
  finished: "finished",
  merged: "merged",
  resolved_ever: "resolved_ever",
  reopened: "reopened",
  escalated: "escalated",
  escalations: "escalations",
  satisfaction_sum: "satisfaction_sum",
  satisfaction_count: "satisfaction_ratings",
  overdue: "overdue_now",
};

const COUNTER_FIELDS = COUNTERS.map((c) => COUNTER_COLUMNS[c]);

export const MONTHLY_FIELDS = ["municipality", "month", ...COUNTER_FIELDS, "finished_in_month"] as const;
export const BREAKDOWN_FIELDS = [
  "municipality",
  "month",
  "type",
  "category",
  "channel",
  "department",
  ...COUNTER_FIELDS,
] as const;

/** The Table Schema type of an aggregate's column: the keys are text, the month a yearmonth, counts integers. */
export function STATS_FIELD_TYPES(name: string): Omit<DatasetField, "name"> {
  if (name === "month") return { type: "yearmonth", constraints: { required: true } };
  if (name === "municipality" || name === "type" || name === "category" || name === "channel")
    return { type: "string", constraints: { required: true } };
  // The department: its code within the municipality; empty for cases no department had.
  if (name === "department") return { type: "string" };
  return { type: "integer" };
}

type Cell = string | number | null;
export type StatsRecord = Record<string, Cell>;

interface MonthRow {
  municipality_id: number;
  month: string;
  counters: number[];
  finished_in_month: number;
}

interface BreakdownRow {
  municipality_id: number;
  month: string;
  type: string;
  category_id: number;
  channel: string;
  department_id: number;
  counters: number[];
}

const countersOf = (values: readonly number[]): Record<string, number> =>
  Object.fromEntries(COUNTERS.map((c, i) => [COUNTER_COLUMNS[c], values[i] ?? 0]));

/** stats_month in (municipality, month) order, a batch at a time; whole counts (no suppression). */
export async function* monthlyBatches(
  db: Db,
  options: { now: Date; batchSize?: number },
): AsyncGenerator<StatsRecord[]> {
  const size = options.batchSize ?? STATS_BATCH_SIZE;
  const ref = await referenceData(db, options.now.getTime());
  let after: { m: number; month: string } = { m: -1, month: "0001-01-01" };
  for (;;) {
    const rows = await rowsOf<MonthRow>(
      db.execute(sql`
        select municipality_id, to_char(month, 'YYYY-MM') as month, counters, finished_in_month
        from stats_month
        where (municipality_id, month) > (${after.m}::int, ${after.month}::date)
        order by municipality_id, month
        limit ${size}::int`),
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      municipality: ref.municipalityById(r.municipality_id)?.slug ?? "",
      month: r.month,
      ...countersOf(r.counters),
      finished_in_month: r.finished_in_month,
    }));
    if (rows.length < size) return;
    const last = rows[rows.length - 1]!;
    after = { m: last.municipality_id, month: `${last.month}-01` };
  }
}

/** A breakdown count hidden beside a lone "<5", so that the month's total less the others does not tell it. */
export const HIDDEN = "…";

/**
 * The small-count rule over one municipality's month of the breakdown: the rows whose counts the monthly
 * file's whole totals add up. Column by column, as the statistics pages apply it to a breakdown
 * (protectSmall, docs/INDICATORS.md): a count from 1 to 4 is "<5"; where a column hides one, its zeros are
 * "<5" too (else "<5" beside zeros and the total tell it), and where it would hide one row only, the next
 * smallest is hidden with it ("…"; else the total less the others tells it). The sum of ratings goes with
 * their count: a sum over one to four ratings tells how each one rated.
 */
export function protectMonth(group: readonly Record<string, number>[]): Record<string, number | string>[] {
  const out: Record<string, number | string>[] = group.map((r) => ({ ...r }));
  const ratings = COUNTER_COLUMNS.satisfaction_count;
  const sum = COUNTER_COLUMNS.satisfaction_sum;
  for (const column of COUNTER_FIELDS) {
    if (column === sum) continue;
    const values = group.map((r) => r[column] ?? 0);
    if (!values.some(isSmall)) continue;
    const hidden = values.flatMap((v, i) => (v < SMALL_COUNT ? [i] : []));
    for (const i of hidden) out[i]![column] = "<5";
    if (hidden.length === 1) {
      const next = values
        .map((v, i) => ({ v, i }))
        .filter(({ v }) => v >= SMALL_COUNT)
        .sort((a, b) => a.v - b.v || a.i - b.i)[0];
      if (next) out[next.i]![column] = HIDDEN;
    }
  }
  for (const row of out) if (typeof row[ratings] === "string") row[sum] = row[ratings];
  return out;
}

/**
 * stats_breakdown in key order, a batch at a time, with the small-count rule applied to each municipality's
 * month (protectMonth): the rows are in that order, so a month is held only until its last row is read.
 */
export async function* breakdownBatches(
  db: Db,
  options: { now: Date; batchSize?: number },
): AsyncGenerator<StatsRecord[]> {
  const size = options.batchSize ?? STATS_BATCH_SIZE;
  const ref = await referenceData(db, options.now.getTime());
  const departmentCode = new Map(
    (await db.select({ id: departments.id, code: departments.code }).from(departments)).map((d) => [
      d.id,
      d.code,
    ]),
  );
  // The month being read: its key, and its rows' keys and counts.
  let month = { key: "", keys: [] as StatsRecord[], counts: [] as Record<string, number>[] };
  const protectedMonth = (): StatsRecord[] =>
    protectMonth(month.counts).map((counts, i) => ({ ...month.keys[i], ...counts }));
  let after = { m: -1, month: "0001-01-01", type: "", category: -1, channel: "", department: -1 };
  for (;;) {
    const rows = await rowsOf<BreakdownRow>(
      db.execute(sql`
        select municipality_id, to_char(month, 'YYYY-MM') as month, type, category_id, channel,
          department_id, counters
        from stats_breakdown
        where (municipality_id, month, type, category_id, channel, department_id)
          > (${after.m}::int, ${after.month}::date, ${after.type}::text, ${after.category}::int,
             ${after.channel}::text, ${after.department}::int)
        order by municipality_id, month, type, category_id, channel, department_id
        limit ${size}::int`),
    );
    const done: StatsRecord[] = [];
    for (const r of rows) {
      const key = `${r.municipality_id}|${r.month}`;
      if (key !== month.key) {
        done.push(...protectedMonth());
        month = { key, keys: [], counts: [] };
      }
      month.keys.push({
        municipality: ref.municipalityById(r.municipality_id)?.slug ?? "",
        month: r.month,
        type: r.type,
        category: ref.category(r.category_id)?.code ?? "",
        channel: r.channel,
        department: r.department_id === 0 ? null : (departmentCode.get(r.department_id) ?? null),
      });
      month.counts.push(countersOf(r.counters));
    }
    if (rows.length < size) {
      done.push(...protectedMonth());
      if (done.length > 0) yield done;
      return;
    }
    if (done.length > 0) yield done;
    const last = rows[rows.length - 1]!;
    after = {
      m: last.municipality_id,
      month: `${last.month}-01`,
      type: last.type,
      category: last.category_id,
      channel: last.channel,
      department: last.department_id,
    };
  }
}

/** Rows in each aggregate table (the page's size hint). */
export async function countStats(db: Db): Promise<{ monthly: number; breakdown: number }> {
  const [row] = await rowsOf<{ monthly: number; breakdown: number }>(
    db.execute(sql`
    select (select count(*)::int from stats_month) as monthly,
           (select count(*)::int from stats_breakdown) as breakdown`),
  );
  return { monthly: Number(row?.monthly ?? 0), breakdown: Number(row?.breakdown ?? 0) };
}

/**
 * When the aggregates last changed: the statistics passes' progress (a weak validator and Last-Modified).
 * Not the 'lease' row: it holds a process's token and a time in the future, not a change (aggregator.ts).
 */
export async function statsVersion(db: Db): Promise<{ etag: string; lastModified: Date | undefined }> {
  const [row] = await rowsOf<{ last: string | null; at: string | Date | null }>(
    db.execute(sql`
      select max(last_event_id) filter (where name = 'events')::text as last, max(updated_at) as at
      from stats_progress where name <> 'lease'`),
  );
  const at = row?.at ? new Date(row.at) : undefined;
  return { etag: `${row?.last ?? 0}-${at?.getTime() ?? 0}`, lastModified: at };
}
