// Keeps the statistics' aggregates current as events happen. CONTRACT (wired in src/main.ts): keep these
// signatures.
//
// A pass finds the cases with case events since its watermark, recomputes their facts (facts.ts) and, in
// one transaction per batch, takes each case's stored facts out of the aggregates and puts its new ones
// in (additive upserts into stats_breakdown and stats_month), storing the new facts in case_facts.
// Recomputing a case is idempotent, which is what makes the rest simple:
// - Event ids come from a sequence, so a transaction may commit an event with a lower id after a pass has
//   read higher ones. A pass reads the events above the highest id the last pass read, and notes the ids
//   in that range it did not find (stats_progress 'gaps': ranges of ids, each with the time it was seen
//   missing): an id taken by a transaction still in flight, or by one that rolled back. The next passes
//   look those ids up again, until WINDOW_MS after they were seen missing. So a pass reads what is new
//   and a handful of ids, not the last minutes of events again (which cost as much PostgreSQL as the
//   creations themselves under a steady load: docs/PERFORMANCE.md, session 8). The watermark
//   (stats_progress 'events'.last_event_id: every id up to it is final) still follows the passes made at
//   least WINDOW_MS ago (`recent`); without a 'gaps' row (a rebuild, or progress from before the gaps)
//   a pass reads everything above it once. A case is recomputed only when its events are not the ones
//   its stored facts counted (their number and highest id), so reading one again costs little.
// - A clock that is missed because its due date passes changes the facts without any event. The SLA
//   scheduler writes an `escalated` event at the breach of the clock that runs, but not for the others
//   (the first-response and resolution due dates of a case not yet acknowledged pass silently). So facts
//   keep the earliest such due date (`due`), stats_progress 'due' the earliest of all, and a pass after
//   that instant recomputes the cases whose `due` has come.
// - Batches lock the 'events' row, so two passes at once never subtract the same old facts twice; a lease
//   (stats_progress 'lease', on the database's clock) keeps a second process from doing the work twice.
// - stats_progress 'layout' holds FACTS_VERSION; a pass that finds another (or no progress at all, or a
//   rebuild that did not finish) rebuilds everything first.
import { sql } from "drizzle-orm";
import type { WorkingCalendar } from "../calendar/calendar.ts";
import type { Db } from "../db/client.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import {
  Aggregates,
  type BreakdownRow,
  type CaseInput,
  type DepartmentMonthRow,
  type EventInput,
  FACTS_VERSION,
  type Facts,
  factsOf,
  isCurrentFacts,
  type MonthRow,
} from "./facts.ts";

export interface StatsPassResult {
  /** Cases whose facts were recomputed. */
  cases: number;
  /** Case events the pass read to find them (new ones and those that had been missing); 0 for a rebuild. */
  eventsRead?: number;
}

export interface StatsPassOptions {
  /** Cases per transaction. */
  batchSize?: number;
  /** Where a case that cannot be computed is reported (it is tried again at the next pass). */
  log?: (err: unknown) => void;
  /** Ends the pass (or rebuild) between two batches; the work not done is done by the next pass. */
  signal?: AbortSignal;
}

/** How long after a pass its events are read again: longer than any transaction that writes a case event. */
export const WINDOW_MS = 5 * 60_000;
const LEASE = "interval '60 seconds'";
const PASS_BATCH = 500;
const REBUILD_BATCH = 5_000;
const WRITE_CHUNK = 5_000;

type Exec = Pick<Db, "execute">;
const rowsOf = async <T>(query: Promise<unknown>): Promise<T[]> => ((await query) as { rows: T[] }).rows;
const json = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
const idArray = (ids: readonly number[]) => sql`${`{${ids.join(",")}}`}::bigint[]`;

/** One pass: the cases with events since the last pass get their facts recomputed and the aggregates adjusted. */
export async function runStatsPass(
  db: Db,
  calendar: WorkingCalendar,
  now: Date,
  options: StatsPassOptions = {},
): Promise<StatsPassResult> {
  const lease = await takeLease(db);
  if (!lease) return { cases: 0 };
  try {
    const progress = await readProgress(db);
    if (!progress.events || progress.layout !== FACTS_VERSION) {
      return await rebuildHeld(db, calendar, now, lease, progress, options);
    }
    // Read before the cases are looked for: every id up to it was committed or in flight by then.
    const last = await maxEventId(db);
    const gaps = readFrom(progress);
    const found = await newEvents(db, gaps, last, now);
    const ids = new Set(await changedCases(db, found.caseIds));
    const sweep = progress.due !== null && progress.due <= now.getTime();
    if (sweep) for (const id of await dueCases(db, now)) ids.add(id);
    const all = [...ids].sort((a, b) => a - b);
    const size = options.batchSize ?? PASS_BATCH;
    let cases = 0;
    for (let i = 0; i < all.length; i += size) {
      if (options.signal?.aborted) return { cases, eventsRead: found.eventsRead };
      cases += await recompute(db, all.slice(i, i + size), calendar, now, options.log);
      await lease.renew();
    }
    if (sweep) await resetDue(db, now);
    await advance(db, progress.events, last, now);
    await writeGaps(db, last, found.gaps);
    return { cases, eventsRead: found.eventsRead };
  } finally {
    await lease.release();
  }
}

/** Every case's facts and every aggregate computed anew (`ekomuna stats rebuild`). */
export async function rebuildStats(
  db: Db,
  calendar: WorkingCalendar,
  now: Date,
  options: StatsPassOptions = {},
): Promise<StatsPassResult> {
  // A pass in another process holds the lease for a moment: wait for it, as long as a lease lasts.
  const giveUp = Date.now() + 120_000;
  let lease = await takeLease(db);
  while (!lease) {
    if (Date.now() > giveUp)
      throw new Error("Another process keeps the statistics busy (stats_progress 'lease').");
    await new Promise((r) => setTimeout(r, 250));
    lease = await takeLease(db);
  }
  try {
    return await rebuildHeld(db, calendar, now, lease, await readProgress(db), options);
  } finally {
    await lease.release();
  }
}

/** Runs a pass every few seconds until stopped; several processes on one PostgreSQL take turns. */
export function startStatsAggregator(
  db: Db,
  calendar: WorkingCalendar,
  options: { intervalMs?: number; log: (err: unknown) => void; clock?: Clock },
): { stop(): Promise<void>; runNow(): Promise<void> } {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 5_000;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    if (stopping.signal.aborted) return Promise.resolve();
    if (running) return running;
    clearTimeout(timer);
    running = runStatsPass(db, calendar, clock.now(), { log: options.log, signal: stopping.signal })
      .then(
        () => {},
        (e) => options.log(e),
      )
      .finally(() => {
        running = undefined;
        if (!stopping.signal.aborted) {
          // Never overlapping: the next pass is timed from the end of this one.
          timer = setTimeout(run, interval);
          timer.unref();
        }
      });
    return running;
  };
  timer = setTimeout(run, 0);
  timer.unref();
  return {
    /** A pass now, or the one already running. */
    runNow: run,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Progress and the lease

interface Progress {
  events: { base: number; recent: { at: string; lastEventId: number }[]; updatedAt: number } | undefined;
  layout: number | undefined;
  /** The earliest instant a stored fact waits for (ms); null: none. */
  due: number | null;
  /** The highest id the last pass read, and the id ranges it found missing (newEvents). */
  gaps: { readTo: number; gaps: Gap[] } | undefined;
}

async function readProgress(db: Exec): Promise<Progress> {
  const rows = await rowsOf<{
    name: string;
    last_event_id: string | number;
    recent: { at: string; lastEventId: number; to?: number }[];
    updated_ms: number;
  }>(
    db.execute(sql`
      select name, last_event_id, recent, (extract(epoch from updated_at) * 1000)::float8 as updated_ms
      from stats_progress where name in ('events', 'layout', 'due', 'gaps')`),
  );
  const row = (name: string) => rows.find((r) => r.name === name);
  const events = row("events");
  const due = row("due")?.recent[0]?.at;
  return {
    events: events && {
      base: Number(events.last_event_id),
      recent: events.recent,
      updatedAt: Number(events.updated_ms),
    },
    layout: row("layout") ? Number(row("layout")!.last_event_id) : undefined,
    due: due ? Date.parse(due) : null,
    gaps: row("gaps") && {
      readTo: Number(row("gaps")!.last_event_id),
      gaps: row("gaps")!.recent.map((g) => ({ from: g.lastEventId, to: g.to ?? g.lastEventId, at: g.at })),
    },
  };
}

interface Lease {
  /** Extends the lease; throws if another process took it meanwhile (it had expired). */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/**
 * The lease that keeps passes of several processes from doing the same work: stats_progress 'lease', its
 * holder's token in last_event_id and its expiry in updated_at, on the database's clock (the one all
 * processes share, whatever clock the passes are given).
 */
async function takeLease(db: Exec): Promise<Lease | undefined> {
  const token = 1 + Math.floor(Math.random() * 2 ** 52);
  const take = async () =>
    (
      await rowsOf(
        db.execute(sql`
          insert into stats_progress (name, last_event_id, recent, updated_at)
          values ('lease', ${token}, '[]'::jsonb, clock_timestamp() + ${sql.raw(LEASE)})
          on conflict (name) do update set last_event_id = excluded.last_event_id, updated_at = excluded.updated_at
          where stats_progress.updated_at < clock_timestamp() or stats_progress.last_event_id = ${token}
          returning name`),
      )
    ).length > 0;
  if (!(await take())) return undefined;
  return {
    async renew() {
      if (!(await take())) throw new Error("The statistics lease was lost (a batch took over a minute).");
    },
    async release() {
      await db.execute(sql`
        update stats_progress set updated_at = to_timestamp(0)
        where name = 'lease' and last_event_id = ${token}`);
    },
  };
}

async function maxEventId(db: Exec): Promise<number> {
  const [row] = await rowsOf<{ id: string | number | null }>(
    db.execute(sql`select max(id) as id from case_events`),
  );
  return Number(row?.id ?? 0);
}

/** Ids a pass did not find, from..to, and when it first saw them missing. */
interface Gap {
  from: number;
  to: number;
  at: string;
}

/**
 * Where this pass starts: the highest id the last pass read and the ids it had not found, or — with no
 * 'gaps' row, or one behind the watermark (a rebuild reset the progress) — the watermark and no gaps.
 */
function readFrom(progress: Progress): { readTo: number; gaps: Gap[] } {
  const events = progress.events!;
  if (!progress.gaps || progress.gaps.readTo < events.base) return { readTo: events.base, gaps: [] };
  return progress.gaps;
}

/**
 * The cases of the events that are new to this pass: those above the last pass's highest id (up to
 * `last`), and those that have committed since in an id range a pass had found missing. Returns the
 * gaps to remember: the ones still within WINDOW_MS of being seen missing, and this pass's own.
 */
async function newEvents(
  db: Exec,
  from: { readTo: number; gaps: Gap[] },
  last: number,
  now: Date,
): Promise<{ caseIds: number[]; gaps: Gap[]; eventsRead: number }> {
  const kept = from.gaps.filter((g) => Date.parse(g.at) > now.getTime() - WINDOW_MS);
  const rows = await rowsOf<{ id: string | number; case_id: string | number }>(
    db.execute(sql`
      select id, case_id from case_events where id > ${from.readTo} and id <= ${last}
      union all
      select e.id, e.case_id
      from unnest(${idArray(kept.map((g) => g.from))}, ${idArray(kept.map((g) => g.to))}) as g(f, t)
      join case_events e on e.id between g.f and g.t
      order by id`),
  );
  const caseIds = new Set<number>();
  const gaps = [...kept];
  let expected = from.readTo + 1;
  for (const r of rows) {
    const id = Number(r.id);
    caseIds.add(Number(r.case_id));
    if (id <= from.readTo) continue; // one that had been missing
    if (id > expected) gaps.push({ from: expected, to: id - 1, at: now.toISOString() });
    expected = id + 1;
  }
  if (last >= expected) gaps.push({ from: expected, to: last, at: now.toISOString() });
  return { caseIds: [...caseIds], gaps, eventsRead: rows.length };
}

async function writeGaps(db: Exec, readTo: number, gaps: Gap[]) {
  const recent = gaps.map((g) => ({ at: g.at, lastEventId: g.from, to: g.to }));
  await db.execute(sql`
    insert into stats_progress (name, last_event_id, recent, updated_at)
    values ('gaps', ${readTo}, ${json(recent)}, now())
    on conflict (name) do update set last_event_id = excluded.last_event_id, recent = excluded.recent,
      updated_at = excluded.updated_at`);
}

/**
 * Of the given cases, those whose stored facts did not count exactly their events now (none stored,
 * another number, another highest id, another layout): a look at each case's events through
 * case_events_case.
 */
async function changedCases(db: Exec, caseIds: readonly number[]): Promise<number[]> {
  if (caseIds.length === 0) return [];
  const rows = await rowsOf<{ id: string | number }>(
    db.execute(sql`
      select t.case_id as id
      from unnest(${idArray(caseIds)}) as t(case_id)
      left join case_facts f on f.case_id = t.case_id
      cross join lateral (
        select count(*)::int as n, max(e.id) as e from case_events e where e.case_id = t.case_id
      ) s
      where f.case_id is null
        or (f.facts->>'v')::int is distinct from ${FACTS_VERSION}
        or (f.facts->>'n')::int is distinct from s.n
        or (f.facts->>'e')::bigint is distinct from s.e`),
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The cases whose facts wait for a due date that has come. A scan of case_facts, made only after the
 * earliest due date stored has passed — about once a day for working-day and calendar-day clocks (their
 * due dates are local midnights), at each due hour for the few hour clocks. (An index on the due date
 * would make it a range read: docs/INDICATORS.md.)
 */
async function dueCases(db: Exec, now: Date): Promise<number[]> {
  const rows = await rowsOf<{ id: string | number }>(
    db.execute(sql`
      select case_id as id from case_facts
      where facts ? 'due' and (facts->>'due') collate "C" <= ${now.toISOString()}`),
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The earliest due date any stored fact waits for, after a sweep has recomputed those that had come. One
 * that could not be recomputed (reported) is left to the passes that follow its next event, not swept
 * again at every pass.
 */
async function resetDue(db: Exec, now: Date): Promise<void> {
  const [row] = await rowsOf<{ due: string | null }>(
    db.execute(sql`
      select min((facts->>'due') collate "C") as due from case_facts
      where facts ? 'due' and (facts->>'due') collate "C" > ${now.toISOString()}`),
  );
  await setDue(db, row?.due ?? null);
}

const setDue = (db: Exec, due: string | null) =>
  db.execute(sql`
    insert into stats_progress (name, last_event_id, recent, updated_at)
    values ('due', 0, ${json(due ? [{ at: due, lastEventId: 0 }] : [])}, now())
    on conflict (name) do update set recent = excluded.recent, updated_at = excluded.updated_at`);

/**
 * Moves the watermark: this pass joins `recent`, and the passes made more than WINDOW_MS ago leave it,
 * raising the watermark to the highest id they had seen (every event up to it has committed since, and
 * a pass has read it).
 */
async function advance(db: Exec, events: NonNullable<Progress["events"]>, last: number, now: Date) {
  const recent = [...events.recent];
  if (last > (recent.at(-1)?.lastEventId ?? events.base))
    recent.push({ at: now.toISOString(), lastEventId: last });
  let base = events.base;
  const keep = recent.filter((r) => {
    if (Date.parse(r.at) > now.getTime() - WINDOW_MS) return true;
    base = Math.max(base, r.lastEventId);
    return false;
  });
  await db.execute(sql`
    update stats_progress set last_event_id = ${base}, recent = ${json(keep)}, updated_at = ${now.toISOString()}
    where name = 'events'`);
}

// ---------------------------------------------------------------------------------------------
// Reading cases and events

interface CaseRow {
  id: string | number;
  municipality_id: number;
  type: string;
  category_id: number;
  channel: string;
  department_id: number | null;
  status: string;
  received_at: number;
  acknowledged_at: number | null;
  first_response_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
  ack_due_at: number | null;
  response_due_at: number | null;
  resolution_due_at: number | null;
  sla_pauses: { from: string; to?: string }[];
  satisfaction: number | null;
}

interface EventRow {
  case_id: string | number;
  id: string | number;
  type: string;
  to_status: string | null;
  at: number;
}

// Timestamps as numbers: parsing dates costs more than the facts (slaScheduler.ts reviewOpenCases).
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8 as ${column}`);
const CASE_COLUMNS = sql`id, municipality_id, type, category_id, channel, department_id, status,
  ${ms("received_at")}, ${ms("acknowledged_at")}, ${ms("first_response_at")}, ${ms("resolved_at")},
  ${ms("closed_at")}, ${ms("ack_due_at")}, ${ms("response_due_at")}, ${ms("resolution_due_at")},
  sla_pauses, satisfaction`;
const EVENT_COLUMNS = sql`case_id, id, type, to_status, ${ms("at")}`;

const caseInput = (r: CaseRow): CaseInput => ({
  municipalityId: r.municipality_id,
  type: r.type,
  categoryId: r.category_id,
  channel: r.channel,
  departmentId: r.department_id,
  status: r.status,
  receivedAt: Number(r.received_at),
  acknowledgedAt: r.acknowledged_at,
  firstResponseAt: r.first_response_at,
  resolvedAt: r.resolved_at,
  closedAt: r.closed_at,
  ackDueAt: r.ack_due_at,
  responseDueAt: r.response_due_at,
  resolutionDueAt: r.resolution_due_at,
  slaPauses: r.sla_pauses,
  satisfaction: r.satisfaction,
});

function eventsByCase(rows: EventRow[]): Map<number, EventInput[]> {
  const byCase = new Map<number, EventInput[]>();
  for (const e of rows) {
    const id = Number(e.case_id);
    const list = byCase.get(id) ?? [];
    if (list.length === 0) byCase.set(id, list);
    list.push({ id: Number(e.id), type: e.type, toStatus: e.to_status, at: Number(e.at) });
  }
  return byCase;
}

// ---------------------------------------------------------------------------------------------
// A pass's batch

/** Recomputes a batch of cases in one transaction; answers how many got new facts. */
async function recompute(
  db: Db,
  ids: number[],
  calendar: WorkingCalendar,
  now: Date,
  log: ((err: unknown) => void) | undefined,
): Promise<number> {
  return db.transaction(async (tx) => {
    // Taken first, so that the stored facts read below are the ones the aggregates hold.
    await tx.execute(sql`select 1 from stats_progress where name = 'events' for update`);
    const stored = await rowsOf<{ case_id: string | number; facts: unknown }>(
      tx.execute(sql`select case_id, facts from case_facts where case_id = any(${idArray(ids)})`),
    );
    const kases = await rowsOf<CaseRow>(
      tx.execute(sql`select ${CASE_COLUMNS} from cases where id = any(${idArray(ids)})`),
    );
    const events = eventsByCase(
      await rowsOf<EventRow>(
        tx.execute(sql`select ${EVENT_COLUMNS} from case_events where case_id = any(${idArray(ids)})`),
      ),
    );
    const old = new Map(stored.map((r) => [Number(r.case_id), r.facts]));
    const delta = new Aggregates();
    const written: { case_id: number; facts: Facts }[] = [];
    let due: string | undefined;
    for (const k of kases) {
      const id = Number(k.id);
      let facts: Facts;
      try {
        facts = factsOf(caseInput(k), events.get(id) ?? [], calendar, now);
      } catch (e) {
        log?.(new Error(`Statistics of case ${id} could not be computed`, { cause: e }));
        continue;
      }
      const before = old.get(id);
      if (before !== undefined) {
        if (!isCurrentFacts(before)) throw new Error(`Case ${id} has statistics facts of another layout.`);
        delta.add(before, -1);
      }
      delta.add(facts);
      written.push({ case_id: id, facts });
      if (facts.due && (!due || facts.due < due)) due = facts.due;
    }
    await applyDelta(tx, delta);
    await storeFacts(tx, written, now);
    if (due) {
      await tx.execute(sql`
        update stats_progress set recent = ${json([{ at: due, lastEventId: 0 }])}
        where name = 'due' and (recent = '[]'::jsonb or (recent->0->>'at') collate "C" > ${due})`);
    }
    return written.length;
  });
}

const storeFacts = async (db: Exec, list: { case_id: number; facts: Facts }[], now: Date) => {
  for (let i = 0; i < list.length; i += WRITE_CHUNK) {
    await db.execute(sql`
      insert into case_facts (case_id, facts, created_at)
      select x.case_id, x.facts, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json(list.slice(i, i + WRITE_CHUNK))}) as x(case_id bigint, facts jsonb)
      on conflict (case_id) do update set facts = excluded.facts, created_at = excluded.created_at`);
  }
};

const BREAKDOWN_RECORD = sql.raw(
  "x(municipality_id int, month date, type text, category_id int, channel text, department_id int, counters int[])",
);
const MONTH_RECORD = sql.raw(
  "x(municipality_id int, month date, counters int[], finished_in_month int, ack_hist int[], response_hist int[], resolution_hist int[])",
);
/**
 * Element-wise sum of the stored array and the delta's (a shorter one counts as zeros), without trailing
 * zeros. Arrays are stored so (trimmed()): a histogram mostly ends long before its last bucket, and the
 * readers of a period's rows fetch and add up fewer numbers. A reader reads a missing element as 0.
 */
const plus = (column: string) =>
  sql.raw(
    `array(select v from (select coalesce(a, 0) + coalesce(b, 0) as v, i,
        max(case when coalesce(a, 0) + coalesce(b, 0) <> 0 then i end) over () as last
      from unnest(s.${column}, excluded.${column}) with ordinality as u(a, b, i)) t
      where i <= coalesce(last, 0) order by i)`,
  );
/** An array without its trailing zeros. */
function trimmed(values: readonly number[]): number[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end--;
  return values.slice(0, end);
}
const allZero = (column: string) => sql.raw(`not exists (select 1 from unnest(s.${column}) v where v <> 0)`);

const breakdownJson = (rows: BreakdownRow[]) =>
  json(
    rows.map((r) => ({
      municipality_id: r.municipalityId,
      month: r.month,
      type: r.type,
      category_id: r.categoryId,
      channel: r.channel,
      department_id: r.departmentId,
      counters: trimmed(r.counters),
    })),
  );
const monthJson = (rows: MonthRow[]) =>
  json(
    rows.map((r) => ({
      municipality_id: r.municipalityId,
      month: r.month,
      counters: trimmed(r.counters),
      finished_in_month: r.finishedInMonth,
      ack_hist: trimmed(r.ackHist),
      response_hist: trimmed(r.responseHist),
      resolution_hist: trimmed(r.resolutionHist),
    })),
  );

const DEPARTMENT_MONTH_RECORD = sql.raw(
  "x(municipality_id int, department_id int, month date, received int, finished int)",
);
const departmentMonthJson = (rows: DepartmentMonthRow[]) =>
  json(
    rows.map((r) => ({
      municipality_id: r.municipalityId,
      department_id: r.departmentId,
      month: r.month,
      received: r.received,
      finished: r.finished,
    })),
  );

/** Adds a batch's deltas to the aggregate rows, and drops the rows they bring to nothing. */
async function applyDelta(tx: Exec, delta: Aggregates) {
  const { breakdown, months, departmentMonths } = delta.rows();
  if (breakdown.length > 0) {
    const input = breakdownJson(breakdown);
    await tx.execute(sql`
      insert into stats_breakdown as s (municipality_id, month, type, category_id, channel, department_id, counters)
      select * from jsonb_to_recordset(${input}) as ${BREAKDOWN_RECORD}
      on conflict (municipality_id, month, type, category_id, channel, department_id)
      do update set counters = ${plus("counters")}`);
    await tx.execute(sql`
      delete from stats_breakdown s using jsonb_to_recordset(${input}) as ${BREAKDOWN_RECORD}
      where s.municipality_id = x.municipality_id and s.month = x.month and s.type = x.type
        and s.category_id = x.category_id and s.channel = x.channel and s.department_id = x.department_id
        and ${allZero("counters")}`);
  }
  if (months.length > 0) {
    const input = monthJson(months);
    await tx.execute(sql`
      insert into stats_month as s (municipality_id, month, counters, finished_in_month, ack_hist, response_hist,
        resolution_hist)
      select * from jsonb_to_recordset(${input}) as ${MONTH_RECORD}
      on conflict (municipality_id, month) do update set counters = ${plus("counters")},
        finished_in_month = s.finished_in_month + excluded.finished_in_month, ack_hist = ${plus("ack_hist")},
        response_hist = ${plus("response_hist")}, resolution_hist = ${plus("resolution_hist")}`);
    await tx.execute(sql`
      delete from stats_month s using jsonb_to_recordset(${input}) as ${MONTH_RECORD}
      where s.municipality_id = x.municipality_id and s.month = x.month and s.finished_in_month = 0
        and ${allZero("counters")} and ${allZero("ack_hist")} and ${allZero("response_hist")}
        and ${allZero("resolution_hist")}`);
  }
  if (departmentMonths.length > 0) {
    const input = departmentMonthJson(departmentMonths);
    await tx.execute(sql`
      insert into stats_department_month as s (municipality_id, department_id, month, received, finished)
      select * from jsonb_to_recordset(${input}) as ${DEPARTMENT_MONTH_RECORD}
      on conflict (municipality_id, department_id, month)
      do update set received = s.received + excluded.received, finished = s.finished + excluded.finished`);
    await tx.execute(sql`
      delete from stats_department_month s using jsonb_to_recordset(${input}) as ${DEPARTMENT_MONTH_RECORD}
      where s.municipality_id = x.municipality_id and s.department_id = x.department_id and s.month = x.month
        and s.received = 0 and s.finished = 0`);
  }
}

// ---------------------------------------------------------------------------------------------
// The rebuild

/**
 * Everything anew, the lease held: facts written batch by batch (nothing reads them but the passes, which
 * the lease keeps out), the aggregates summed in memory and written once, in one transaction with the
 * progress, so readers see the old aggregates until the new ones are whole. The progress rows are deleted
 * first: a rebuild that does not finish leaves none, and the next pass rebuilds.
 */
async function rebuildHeld(
  db: Db,
  calendar: WorkingCalendar,
  now: Date,
  lease: Lease,
  before: Progress,
  options: StatsPassOptions,
): Promise<StatsPassResult> {
  const last = await maxEventId(db);
  // Events that committed late around the rebuild's start are read again by the passes after it, from
  // the watermark the passes before it had reached (if they ran lately), else from where the rebuild began.
  const recentPasses = before.events && before.events.updatedAt > now.getTime() - WINDOW_MS;
  const base = recentPasses ? Math.min(before.events!.base, last) : last;
  await db.execute(sql`delete from stats_progress where name in ('events', 'layout', 'gaps')`);
  await db.execute(sql`truncate case_facts`);
  const size = options.batchSize ?? REBUILD_BATCH;
  const all = new Aggregates();
  let cases = 0;
  let due: string | undefined;
  const read = async (after: number) => {
    const kases = await rowsOf<CaseRow>(
      db.execute(sql`select ${CASE_COLUMNS} from cases where id > ${after} order by id limit ${size}`),
    );
    if (kases.length === 0) return { kases, events: new Map<number, EventInput[]>() };
    const first = Number(kases[0]!.id);
    const lastId = Number(kases.at(-1)!.id);
    const events = await rowsOf<EventRow>(
      db.execute(sql`select ${EVENT_COLUMNS} from case_events where case_id between ${first} and ${lastId}`),
    );
    return { kases, events: eventsByCase(events) };
  };
  let next = read(0);
  next.catch(() => undefined);
  // The facts of one batch are written while the next is read and computed: at most one write at a time.
  let writing: Promise<unknown> = Promise.resolve();
  try {
    for (;;) {
      const batch = await next;
      if (batch.kases.length === 0) break;
      next = read(Number(batch.kases.at(-1)!.id));
      // Awaited later: marked handled now, so a failure meanwhile is not an unhandled rejection.
      next.catch(() => undefined);
      const written: { case_id: number; facts: Facts }[] = [];
      for (const k of batch.kases) {
        const id = Number(k.id);
        try {
          const facts = factsOf(caseInput(k), batch.events.get(id) ?? [], calendar, now);
          all.add(facts);
          written.push({ case_id: id, facts });
          if (facts.due && (!due || facts.due < due)) due = facts.due;
        } catch (e) {
          // Left without facts: the next pass tries it again (and reports it again).
          options.log?.(new Error(`Statistics of case ${id} could not be computed`, { cause: e }));
        }
      }
      await writing;
      writing = storeFacts(db, written, now);
      writing.catch(() => undefined);
      cases += written.length;
      await lease.renew();
      if (options.signal?.aborted) return { cases };
    }
    await writing;
  } finally {
    // A read or write still under way when the loop ends early must not be left to fail unheard.
    await next.catch(() => undefined);
    await writing.catch(() => undefined);
  }
  const { breakdown, months, departmentMonths } = all.rows();
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from stats_breakdown`);
    await tx.execute(sql`delete from stats_month`);
    await tx.execute(sql`delete from stats_department_month`);
    for (let i = 0; i < breakdown.length; i += WRITE_CHUNK) {
      await tx.execute(sql`
        insert into stats_breakdown (municipality_id, month, type, category_id, channel, department_id, counters)
        select * from jsonb_to_recordset(${breakdownJson(breakdown.slice(i, i + WRITE_CHUNK))}) as ${BREAKDOWN_RECORD}`);
    }
    for (let i = 0; i < months.length; i += WRITE_CHUNK) {
      await tx.execute(sql`
        insert into stats_month (municipality_id, month, counters, finished_in_month, ack_hist, response_hist,
          resolution_hist)
        select * from jsonb_to_recordset(${monthJson(months.slice(i, i + WRITE_CHUNK))}) as ${MONTH_RECORD}`);
    }
    for (let i = 0; i < departmentMonths.length; i += WRITE_CHUNK) {
      await tx.execute(sql`
        insert into stats_department_month (municipality_id, department_id, month, received, finished)
        select * from jsonb_to_recordset(${departmentMonthJson(departmentMonths.slice(i, i + WRITE_CHUNK))})
          as ${DEPARTMENT_MONTH_RECORD}`);
    }
    await setDue(tx, due ?? null);
    await tx.execute(sql`
      insert into stats_progress (name, last_event_id, recent, updated_at) values
        ('layout', ${FACTS_VERSION}, '[]'::jsonb, now()),
        ('events', ${base}, ${json([{ at: now.toISOString(), lastEventId: last }])}, ${now.toISOString()})
      on conflict (name) do update set last_event_id = excluded.last_event_id, recent = excluded.recent,
        updated_at = excluded.updated_at`);
  });
  return { cases };
}
