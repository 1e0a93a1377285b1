// What the statistics know of one case — its facts — and what those facts add to the aggregates. Pure:
// the case, its events, the calendar and the instant come from the caller (aggregator.ts). The aggregates
// are kept current by subtracting a case's stored facts and adding its new ones, so the facts carry
// everything they add (the aggregate keys included) and are stored as they were counted (case_facts).
// Every definition here is written once in docs/INDICATORS.md; change both together.
import { type WorkingCalendar, workingDaysBetween } from "../calendar/calendar.ts";
import { localDateOf } from "../calendar/zone.ts";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import { bucketOf, emptyHistogram } from "./buckets.ts";
import { addInto, C, emptyCounters, isZero } from "./counters.ts";

/**
 * The layout of facts and aggregates (counters.ts, buckets.ts, the fields below). Raising it makes the
 * next statistics pass rebuild everything (aggregator.ts), as stored facts of another layout cannot be
 * subtracted from the new aggregates. Also raised when what facts say changes (2: pauses other than
 * awaiting the citizen hold the clocks) or an aggregate is added (3: stats_department_month, which the
 * stored facts' contributions are not yet in).
 */
export const FACTS_VERSION = 3;

type Instant = Date | number | null | undefined;

/** The columns of a case the facts are computed from (Dates, or epoch milliseconds for bulk reads). */
export interface CaseInput {
  municipalityId: number;
  type: string;
  categoryId: number;
  channel: string;
  departmentId: number | null;
  status: string;
  receivedAt: Date | number;
  acknowledgedAt: Instant;
  firstResponseAt: Instant;
  resolvedAt: Instant;
  closedAt: Instant;
  ackDueAt: Instant;
  responseDueAt: Instant;
  resolutionDueAt: Instant;
  /** As stored in cases.sla_pauses: the times the case awaited the citizen. */
  slaPauses: readonly { from: string; to?: string | undefined }[];
  satisfaction: number | null;
}

/** The parts of a case event the facts read. */
export interface EventInput {
  id: number;
  type: string;
  toStatus: string | null;
  at: Date | number;
}

/** The clocks' times, in working days (4 decimals); null where the clock was not fulfilled or not measurable. */
export interface ClockTimes {
  ack: number | null;
  response: number | null;
  resolution: number | null;
}

/** One case's facts, JSON-safe, as stored in case_facts. */
export interface Facts extends ClockTimes {
  v: number;
  /** Events the facts were computed from, and the highest event id among them (aggregator.ts re-reads). */
  n: number;
  e: number;
  /** The aggregate keys: municipality, month received (local, first day), type, category, channel, department (0 none). */
  m: number;
  month: string;
  type: string;
  cat: number;
  ch: string;
  dep: number;
  /** The counters (counters.ts order) the case adds to its month's rows. */
  c: number[];
  /** Cases finished, net of reopenings, by the (local) month it happened in: the backlog's trend. */
  fin: Record<string, number>;
  /** The earliest instant (ISO) at which a clock still undecided becomes missed; absent when none waits. */
  due?: string;
}

const OPEN = new Set<string>(OPEN_STATUSES);
const RESOLVING = new Set<string>(["answered", "resolved"]);
const ms = (v: Instant): number | null => (v === null || v === undefined ? null : +v);

/** The first day of the local month an instant falls in, "YYYY-MM-01". */
export function monthOf(instant: number, timeZone: string): string {
  return `${localDateOf(new Date(instant), timeZone).slice(0, 7)}-01`;
}

/** The facts of a case at `now`, from the case as it stands and its events (in any order). */
export function factsOf(
  kase: CaseInput,
  events: readonly EventInput[],
  calendar: WorkingCalendar,
  now: Date,
): Facts {
  const tz = calendar.timeZone;
  const t = now.getTime();
  const received = +kase.receivedAt;
  const month = monthOf(received, tz);
  const sorted = [...events].sort((a, b) => +a.at - +b.at || a.id - b.id);
  const c = emptyCounters();
  c[C.received] = 1;

  // The finishes and reopenings, month by month, from the status changes: the case is open from receipt.
  const fin: Record<string, number> = {};
  const flow = (at: number, delta: number) => {
    let key = monthOf(at, tz);
    if (key < month) key = month; // never before the month it counts in
    fin[key] = (fin[key] ?? 0) + delta;
  };
  let open = true;
  let finishedAt: number | null = null;
  let everResolved = false;
  let reopened = false;
  let escalations = 0;
  for (const e of sorted) {
    if (e.type === "escalated") escalations++;
    if (e.type !== "status_changed" || !e.toStatus) continue;
    if (RESOLVING.has(e.toStatus)) everResolved = true;
    if (e.toStatus === "reopened") reopened = true;
    const nowOpen = OPEN.has(e.toStatus);
    if (open && !nowOpen) {
      flow(+e.at, 1);
      finishedAt = +e.at;
    } else if (!open && nowOpen) {
      flow(+e.at, -1);
      finishedAt = null;
    }
    open = nowOpen;
  }
  // The case's own status is the truth: events written by other means (an import) may not say it all.
  const isOpen = OPEN.has(kase.status);
  if (open !== isOpen) {
    const last = ms(kase.closedAt) ?? ms(kase.resolvedAt) ?? (sorted.length ? +sorted.at(-1)!.at : received);
    flow(last, isOpen ? -1 : 1);
    finishedAt = isOpen ? null : last;
  }
  for (const [k, v] of Object.entries(fin)) if (v === 0) delete fin[k];

  const pauses = intervals(kase.slaPauses, received);
  // Paused while a stored pause runs (awaiting the citizen; a proposal collecting support) or the case
  // awaits the citizen. A pause without its stored start (an import) began when the case last went to
  // awaiting the citizen: a fixed instant, so the facts do not move with the clock.
  const openPause = pauses.find((p) => p.to === Infinity);
  const lastAwaiting = sorted.findLast(
    (e) => e.type === "status_changed" && e.toStatus === "awaiting_citizen",
  );
  const pausedSince = openPause
    ? openPause.from
    : kase.status === "awaiting_citizen"
      ? lastAwaiting
        ? +lastAwaiting.at
        : received
      : null;
  const state: ClockState = { open: isOpen, pausedSince, finishedAt, now: t };

  const ackAt = ms(kase.acknowledgedAt);
  const responseAt = ms(kase.firstResponseAt);
  // The resolution that stands: a reopening clears it (applyTransition), and the clock runs again.
  const resolvedAt = isOpen ? null : ms(kase.resolvedAt);
  const clocks = [
    { at: ackAt, due: ms(kase.ackDueAt), decided: C.ack_decided, met: C.ack_met },
    { at: responseAt, due: ms(kase.responseDueAt), decided: C.response_decided, met: C.response_met },
    { at: resolvedAt, due: ms(kase.resolutionDueAt), decided: C.resolution_decided, met: C.resolution_met },
  ];
  let pending = Infinity;
  for (const k of clocks) {
    const r = readClock(k.at, k.due, state);
    if (r.decided) c[k.decided] = 1;
    if (r.met) c[k.met] = 1;
    if (r.pending !== undefined) pending = Math.min(pending, r.pending);
  }
  // The clock that runs (slaTracking.ts runningClock): overdue once its due date has passed.
  const running = !isOpen ? undefined : clocks.find((k) => k.at === null);
  if (running && pausedSince === null && running.due !== null && running.due <= t) c[C.overdue] = 1;

  if (ackAt !== null) c[C.acknowledged] = 1;
  if (responseAt !== null) c[C.responded] = 1;
  if (resolvedAt !== null) c[C.resolved] = 1;
  if (!isOpen) c[C.finished] = 1;
  if (kase.status === "merged") c[C.merged] = 1;
  if (everResolved || ms(kase.resolvedAt) !== null) c[C.resolved_ever] = 1;
  if (reopened) c[C.reopened] = 1;
  if (escalations > 0) c[C.escalated] = 1;
  c[C.escalations] = escalations;
  if (kase.satisfaction !== null && kase.satisfaction >= 1 && kase.satisfaction <= 5) {
    c[C.satisfaction_sum] = kase.satisfaction;
    c[C.satisfaction_count] = 1;
  }

  const time = (at: number | null) => (at === null ? null : workingTime(received, at, pauses, calendar));
  let last = 0;
  for (const e of events) last = Math.max(last, e.id);
  return {
    v: FACTS_VERSION,
    n: events.length,
    e: last,
    m: kase.municipalityId,
    month,
    type: kase.type,
    cat: kase.categoryId,
    ch: kase.channel,
    dep: kase.departmentId ?? 0,
    c,
    ack: time(ackAt),
    response: time(responseAt),
    resolution: time(resolvedAt),
    fin,
    ...(pending !== Infinity ? { due: new Date(pending).toISOString() } : {}),
  };
}

interface ClockState {
  open: boolean;
  /** When the pause now running began (the case awaits the citizen); null when it does not. */
  pausedSince: number | null;
  /** When the case last stopped being open; null while it is open. */
  finishedAt: number | null;
  now: number;
}

/**
 * One clock: decided when it was fulfilled (met if before its due instant, as the SLA engine reads it), or
 * when its due date passed while it was still owed (missed). Owed: the case open and not awaiting the
 * citizen, or awaiting since after the due date (a pause after a breach undoes nothing). A clock the case
 * was finished without, before its due date, is never decided. `pending`: the due date an undecided clock
 * still waits for, at which the facts change without any event.
 */
function readClock(
  at: number | null,
  due: number | null,
  s: ClockState,
): { decided: boolean; met: boolean; pending?: number } {
  const undecided = { decided: false, met: false };
  if (due === null) return undecided;
  if (at !== null) return { decided: true, met: at < due };
  const missed = { decided: true, met: false };
  if (!s.open) return s.finishedAt !== null && due <= Math.min(s.finishedAt, s.now) ? missed : undecided;
  if (s.pausedSince !== null) {
    if (due > s.pausedSince) return undecided;
    return due <= s.now ? missed : { ...undecided, pending: due };
  }
  return due <= s.now ? missed : { ...undecided, pending: due };
}

interface Interval {
  from: number;
  to: number;
}

/** The stored pauses as sorted, merged intervals after receipt (an open one runs to Infinity). */
function intervals(stored: CaseInput["slaPauses"], received: number): Interval[] {
  const list = stored
    .map((p) => ({ from: Math.max(Date.parse(p.from), received), to: p.to ? Date.parse(p.to) : Infinity }))
    .filter((p) => Number.isFinite(p.from) && p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const p of list) {
    const last = merged.at(-1);
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
}

/**
 * Working days from `from` to `to` (calendar.ts workingDaysBetween: each working day's share), leaving out
 * the time the case awaited the citizen; 4 decimals. Null where the calendar has no data for a day in
 * between (the statistics count the clock, but cannot place its time).
 */
export function workingTime(
  from: number,
  to: number,
  pauses: readonly Interval[],
  calendar: WorkingCalendar,
): number | null {
  if (to <= from) return 0;
  try {
    let total = 0;
    let cursor = from;
    for (const p of pauses) {
      if (p.from >= to) break;
      if (p.to <= cursor) continue;
      if (p.from > cursor) total += workingDaysBetween(new Date(cursor), new Date(p.from), calendar);
      cursor = Math.max(cursor, p.to);
      if (cursor >= to) break;
    }
    if (to > cursor) total += workingDaysBetween(new Date(cursor), new Date(to), calendar);
    return Math.round(total * 10_000) / 10_000;
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Contributions: what facts add to the aggregate rows

export interface BreakdownKey {
  municipalityId: number;
  month: string;
  type: string;
  categoryId: number;
  channel: string;
  departmentId: number;
}

export interface BreakdownRow extends BreakdownKey {
  counters: number[];
}

export interface MonthRow {
  municipalityId: number;
  month: string;
  counters: number[];
  finishedInMonth: number;
  ackHist: number[];
  responseHist: number[];
  resolutionHist: number[];
}

/**
 * Per municipality, department (0: none) and month: the cases received in the month and the cases finished
 * in it, net of reopenings (`fin`), of the cases the department has now. Summed up to a month, their
 * difference is the department's backlog at its end, as stats_month gives the municipality's.
 */
export interface DepartmentMonthRow {
  municipalityId: number;
  departmentId: number;
  month: string;
  received: number;
  finished: number;
}

/**
 * Sums of contributions by aggregate row: the deltas a batch of recomputed cases makes (−old +new), or
 * every aggregate at once (a rebuild). Rows that come to all zeros are still listed (a delta of zero);
 * `rows()` leaves them out.
 */
export class Aggregates {
  readonly breakdown = new Map<string, BreakdownRow>();
  readonly months = new Map<string, MonthRow>();
  readonly departmentMonths = new Map<string, DepartmentMonthRow>();

  /** Adds the facts' contributions, times `sign` (−1 takes back what they added). */
  add(f: Facts, sign: 1 | -1 = 1): this {
    const bkey = `${f.m}|${f.month}|${f.type}|${f.cat}|${f.ch}|${f.dep}`;
    let b = this.breakdown.get(bkey);
    if (!b) {
      b = {
        municipalityId: f.m,
        month: f.month,
        type: f.type,
        categoryId: f.cat,
        channel: f.ch,
        departmentId: f.dep,
        counters: emptyCounters(),
      };
      this.breakdown.set(bkey, b);
    }
    addInto(b.counters, f.c, sign);
    const row = this.month(f.m, f.month);
    addInto(row.counters, f.c, sign);
    if (f.ack !== null) row.ackHist[bucketOf(f.ack)]! += sign;
    if (f.response !== null) row.responseHist[bucketOf(f.response)]! += sign;
    if (f.resolution !== null) row.resolutionHist[bucketOf(f.resolution)]! += sign;
    for (const [m, n] of Object.entries(f.fin)) this.month(f.m, m).finishedInMonth += sign * n;
    this.departmentMonth(f.m, f.dep, f.month).received += sign * (f.c[C.received] ?? 0);
    for (const [m, n] of Object.entries(f.fin)) this.departmentMonth(f.m, f.dep, m).finished += sign * n;
    return this;
  }

  private departmentMonth(municipalityId: number, departmentId: number, month: string): DepartmentMonthRow {
    const key = `${municipalityId}|${departmentId}|${month}`;
    let row = this.departmentMonths.get(key);
    if (!row) {
      row = { municipalityId, departmentId, month, received: 0, finished: 0 };
      this.departmentMonths.set(key, row);
    }
    return row;
  }

  private month(municipalityId: number, month: string): MonthRow {
    const key = `${municipalityId}|${month}`;
    let row = this.months.get(key);
    if (!row) {
      row = {
        municipalityId,
        month,
        counters: emptyCounters(),
        finishedInMonth: 0,
        ackHist: emptyHistogram(),
        responseHist: emptyHistogram(),
        resolutionHist: emptyHistogram(),
      };
      this.months.set(key, row);
    }
    return row;
  }

  /** The rows with anything in them, in a stable order (by key). */
  rows(): { breakdown: BreakdownRow[]; months: MonthRow[]; departmentMonths: DepartmentMonthRow[] } {
    const sorted = <T>(m: Map<string, T>) =>
      [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      breakdown: sorted(this.breakdown)
        .map(([, r]) => r)
        .filter((r) => !isZero(r.counters)),
      months: sorted(this.months)
        .map(([, r]) => r)
        .filter((r) => !monthIsZero(r)),
      departmentMonths: sorted(this.departmentMonths)
        .map(([, r]) => r)
        .filter((r) => r.received !== 0 || r.finished !== 0),
    };
  }
}

export const monthIsZero = (r: MonthRow): boolean =>
  r.finishedInMonth === 0 &&
  isZero(r.counters) &&
  isZero(r.ackHist) &&
  isZero(r.responseHist) &&
  isZero(r.resolutionHist);

/** What one case's facts add to the aggregates. */
export function contributions(facts: Facts): Aggregates {
  return new Aggregates().add(facts);
}

/** Whether stored JSON is facts of the current layout (anything else needs a rebuild). */
export function isCurrentFacts(value: unknown): value is Facts {
  return typeof value === "object" && value !== null && (value as { v?: unknown }).v === FACTS_VERSION;
}
