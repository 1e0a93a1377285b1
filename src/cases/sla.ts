// Response standards turned into deadlines, clock readings and the standard that applies to a case.
// Pure: the time received, the pauses, the instant read and the calendar all come from the caller.
import {
  addWorkingDays,
  addWorkingTime,
  isWorkingDay,
  type WorkingCalendar,
  wholeWorkingDaysBetween,
  workingDaysBetween,
} from "../calendar/calendar.ts";
import { addDays, localDateOf, startOfLocalDay } from "../calendar/zone.ts";

export type SlaUnit = "working_days" | "calendar_days" | "hours";

export interface Standard {
  unit: SlaUnit;
  ackWithin: number;
  firstResponseWithin: number;
  resolutionWithin: number;
  /**
   * Only on a case's own standard (cases.sla_standard), after a change of priority: the clocks already met
   * or breached then, each with the terms it had, so that its due date stays what it was judged by
   * (statistics read it) while the clocks still running take the new figures (slaTracking.ts
   * standardAfterPriority). Absent: every clock runs under the four figures.
   */
  kept?: Partial<Record<ClockName, ClockTerms>> | undefined;
}

/** What one clock is given: an amount of a unit from receipt. */
export interface ClockTerms {
  unit: SlaUnit;
  within: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The deadline `amount` units after `from`: working days by the calendar, calendar days to the end of the day, hours exactly. */
export function dueAt(from: Date, amount: number, unit: SlaUnit, calendar: WorkingCalendar): Date {
  switch (unit) {
    case "working_days":
      return addWorkingDays(from, amount, calendar);
    case "calendar_days": {
      const day = addDays(localDateOf(from, calendar.timeZone), amount);
      return startOfLocalDay(addDays(day, 1), calendar.timeZone);
    }
    case "hours":
      return new Date(from.getTime() + amount * HOUR_MS);
  }
}

/** The three clocks of a case received at `receivedAt` under a standard. */
export function deadlines(receivedAt: Date, standard: Standard, calendar: WorkingCalendar) {
  return {
    ackDueAt: dueAt(receivedAt, standard.ackWithin, standard.unit, calendar),
    responseDueAt: dueAt(receivedAt, standard.firstResponseWithin, standard.unit, calendar),
    resolutionDueAt: dueAt(receivedAt, standard.resolutionWithin, standard.unit, calendar),
  };
}

// ---------------------------------------------------------------------------------------------
// Pauses (awaiting the citizen)

/** A time the case awaited the citizen; `to` undefined: still awaiting. */
export interface Pause {
  from: Date;
  to?: Date | undefined;
}

/**
 * Pauses give back the time they took, counted in the clock's own terms:
 * - hours: the exact time paused is added to the deadline.
 * - working and calendar days: days are whole, as in the deadline rule (only the local day of an
 *   instant matters, and the day of receipt never counts). A resumption is treated like a receipt:
 *   the days still owed when the pause began are counted again from the day the clock resumes,
 *   which does not count itself. Days used before the pause are the (working) days after the
 *   (re)start day that ended before the pause began. So any pause of positive length gives back
 *   every day it touches, including the partly paused first and last ones: a pause within one
 *   working day gives back one working day. A pause of zero length is no pause.
 * - A pause that begins at or after the deadline (as it stands then) changes nothing: a breach is
 *   not undone by asking the citizen afterwards.
 * While an effective pause is open the deadline is undefined: it depends on when the citizen answers.
 */
export function dueAfterPauses(
  receivedAt: Date,
  amount: number,
  unit: SlaUnit,
  pauses: readonly Pause[],
  calendar: WorkingCalendar,
): Date | undefined {
  return runClock(receivedAt, amount, unit, pauses, calendar).dueAt;
}

/** The three deadlines of a case with its pauses; each undefined while that clock is paused. */
export function deadlinesWithPauses(
  receivedAt: Date,
  standard: Standard,
  pauses: readonly Pause[],
  calendar: WorkingCalendar,
): { ackDueAt: Date | undefined; responseDueAt: Date | undefined; resolutionDueAt: Date | undefined } {
  const due = (amount: number) => dueAfterPauses(receivedAt, amount, standard.unit, pauses, calendar);
  return {
    ackDueAt: due(standard.ackWithin),
    responseDueAt: due(standard.firstResponseWithin),
    resolutionDueAt: due(standard.resolutionWithin),
  };
}

interface Interval {
  from: number;
  to: number; // Infinity while open
}

const NO_INTERVALS: readonly Interval[] = Object.freeze([]);

/** Pauses clipped to after receipt, sorted, overlapping or touching ones merged, empty ones dropped. */
function normalise(receivedAt: Date, pauses: readonly Pause[]): readonly Interval[] {
  // Most cases never paused: nothing to allocate (the review of every open case runs this for each).
  if (pauses.length === 0) return NO_INTERVALS;
  const start = receivedAt.getTime();
  const list = pauses
    .map((p) => ({ from: Math.max(p.from.getTime(), start), to: p.to ? p.to.getTime() : Infinity }))
    .filter((p) => p.to > p.from)
    .sort((a, b) => a.from - b.from);
  const merged: Interval[] = [];
  for (const p of list) {
    const last = merged.at(-1);
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
}

interface Run {
  /** The deadline; undefined while an effective pause is open. */
  dueAt: Date | undefined;
  /** The deadline before any open pause: what the clock had been given when it stopped. */
  lastDue: Date;
  /** The pauses that took effect, each with the whole days still owed when it began (day units). */
  pauses: (Interval & { daysLeft: number })[];
}

function runClock(
  receivedAt: Date,
  amount: number,
  unit: SlaUnit,
  pauses: readonly Pause[],
  cal: WorkingCalendar,
): Run {
  const effective: Run["pauses"] = [];
  let start = receivedAt;
  let left = amount;
  let due = dueAt(start, left, unit, cal);
  for (const p of normalise(receivedAt, pauses)) {
    if (p.from >= due.getTime()) break;
    if (unit !== "hours") left -= daysCounted(start, new Date(p.from), unit, cal);
    effective.push({ ...p, daysLeft: left });
    if (p.to === Infinity) return { dueAt: undefined, lastDue: due, pauses: effective };
    if (unit === "hours") {
      due = new Date(due.getTime() + (p.to - p.from));
    } else {
      start = new Date(p.to);
      due = dueAt(start, left, unit, cal);
    }
  }
  return { dueAt: due, lastDue: due, pauses: effective };
}

/** Whole days the day rule counts between a (re)start and an instant: see `wholeWorkingDaysBetween`. */
function daysCounted(from: Date, to: Date, unit: "working_days" | "calendar_days", cal: WorkingCalendar) {
  if (unit === "working_days") return wholeWorkingDaysBetween(from, to, cal);
  const first = Date.parse(localDateOf(from, cal.timeZone));
  const last = Date.parse(localDateOf(to, cal.timeZone));
  return Math.max(0, Math.round((last - first) / DAY_MS) - 1);
}

// ---------------------------------------------------------------------------------------------
// Reading a clock

export type ClockState = "on_track" | "due_soon" | "warning_90" | "overdue" | "paused" | "met" | "missed";

/** The shares of the allowed time at which a clock is due soon and at which the last warning goes out. */
export const DUE_SOON_SHARE = 0.75;
export const WARNING_90_SHARE = 0.9;

export interface Clock {
  receivedAt: Date;
  amount: number;
  unit: SlaUnit;
  pauses: readonly Pause[];
  /** When this clock's obligation was fulfilled (acknowledged, first answer, resolved). */
  answeredAt?: Date | undefined;
}

export interface ClockReading {
  state: ClockState;
  /** The deadline as it stands at the instant read; undefined while paused. */
  dueAt: Date | undefined;
  /** Running time used / running time allowed (working time for working days); 1 at the deadline, more after. */
  fraction: number;
  /** Until the deadline (negative once passed); undefined while paused. */
  msLeft: number | undefined;
  /**
   * Working-day clocks only: working days after today up to the deadline (0 = due by the end of
   * today); while paused, the days owed when the clock resumes; once passed, minus the working days
   * begun since the deadline.
   */
  workingDaysLeft: number | undefined;
}

/**
 * The state of one clock at `at`. `pauses` and `answeredAt` are the case's record: an answer after
 * `at` is not yet given, and the reading of an answered clock (met or missed) is frozen at the answer.
 * For one record the fraction never decreases as `at` moves on (it stands still while paused).
 */
export function readClock(clock: Clock, at: Date, cal: WorkingCalendar): ClockReading {
  const prepared = prepareClock(clock, cal);
  const { run } = prepared;
  const answered = clock.answeredAt && clock.answeredAt <= at ? clock.answeredAt : undefined;
  const t = (answered ?? at).getTime();
  const pause = run.pauses.find((p) => p.from <= t && t < p.to);
  const used = runningTime(clock.receivedAt.getTime(), t, run.pauses, clock.unit, cal);
  const due = pause ? undefined : run.lastDue;
  const reading = {
    dueAt: due,
    fraction: prepared.allowed() > 0 ? used / prepared.allowed() : t >= run.lastDue.getTime() ? 1 : 0,
    msLeft: due && due.getTime() - t,
    workingDaysLeft:
      clock.unit !== "working_days" ? undefined : pause ? pause.daysLeft : daysLeft(t, run.lastDue, cal),
  };
  if (answered) return { state: !due || t < due.getTime() ? "met" : "missed", ...reading };
  return { ...reading, state: prepared.stateAt(at).state };
}

/**
 * One clock not yet answered, run once: its deadline, the instants of its warnings (computed when first
 * asked for) and its state at any instant, as readClock and clockMarks give them. For callers that need
 * several of these (the SLA scheduler and its review, once per open case), so the deadline is not worked
 * out again for each.
 */
export function prepareClock(clock: Clock, cal: WorkingCalendar): PreparedClock {
  return new PreparedClock(clock, cal);
}

type Marks = { dueSoonAt: Date | undefined; warning90At: Date | undefined; dueAt: Date | undefined };

// A class, not closures: the review builds one per open case, and functions made per call cost more than
// the arithmetic (each is also named at run time by the TypeScript loader).
export class PreparedClock {
  readonly run: Run;
  // Worked out only when asked for: a clock long overdue (most of a backlog) needs neither.
  #allowed: number | undefined;
  #marks: Marks | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly cal: WorkingCalendar,
  ) {
    this.run = runClock(clock.receivedAt, clock.amount, clock.unit, clock.pauses, cal);
  }

  /** The running time allowed (working days of working time, or milliseconds). */
  allowed(): number {
    if (this.#allowed === undefined) {
      const { clock, run } = this;
      const closed = run.pauses.length === 0 ? run.pauses : run.pauses.filter((p) => p.to !== Infinity);
      this.#allowed = runningTime(
        clock.receivedAt.getTime(),
        run.lastDue.getTime(),
        closed,
        clock.unit,
        this.cal,
      );
    }
    return this.#allowed;
  }

  /** The instants a scheduler warns at, and the deadline (clockMarks). */
  marks(): Marks {
    if (this.#marks === undefined) {
      const { clock, run, cal } = this;
      const allowed = this.allowed();
      this.#marks = {
        dueSoonAt: instantOfRunningTime(clock, run, DUE_SOON_SHARE * allowed, cal),
        warning90At: instantOfRunningTime(clock, run, WARNING_90_SHARE * allowed, cal),
        dueAt: run.dueAt,
      };
    }
    return this.#marks;
  }

  /** The state at `at` of the clock still running then, and its deadline as it stands (undefined while paused). */
  stateAt(at: Date): { state: Exclude<ClockState, "met" | "missed">; dueAt: Date | undefined } {
    const t = at.getTime();
    const { run } = this;
    for (const p of run.pauses) if (p.from <= t && t < p.to) return { state: "paused", dueAt: undefined };
    if (t >= run.lastDue.getTime()) return { state: "overdue", dueAt: run.lastDue };
    // The warnings follow the same instants the scheduler is given (`clockMarks`), not a rounded share.
    const m = this.marks();
    const state =
      m.warning90At !== undefined && t >= m.warning90At.getTime()
        ? "warning_90"
        : m.dueSoonAt !== undefined && t >= m.dueSoonAt.getTime()
          ? "due_soon"
          : "on_track";
    return { state, dueAt: run.lastDue };
  }
}

/**
 * The instants a scheduler warns at (75% and 90% of the allowed running time) and the deadline.
 * A mark is undefined if the clock is paused (open pause) before reaching it.
 */
export function clockMarks(
  clock: Clock,
  cal: WorkingCalendar,
): { dueSoonAt: Date | undefined; warning90At: Date | undefined; dueAt: Date | undefined } {
  return prepareClock(clock, cal).marks();
}

/** The running segments between receipt and `end`: the time outside the pauses. */
function segments(start: number, end: number, pauses: readonly Interval[]): [number, number][] {
  const out: [number, number][] = [];
  let from = start;
  for (const p of pauses) {
    if (p.from >= end) break;
    if (p.from > from) out.push([from, p.from]);
    from = Math.max(from, p.to);
  }
  if (end > from) out.push([from, end]);
  return out;
}

/** Running time from `start` to `end`: working days of working time, or milliseconds. */
function runningTime(
  start: number,
  end: number,
  pauses: readonly Interval[],
  unit: SlaUnit,
  cal: WorkingCalendar,
) {
  let total = 0;
  for (const [a, b] of segments(start, end, pauses)) {
    total += unit === "working_days" ? workingDaysBetween(new Date(a), new Date(b), cal) : b - a;
  }
  return total;
}

/** The first instant at which the running time reaches `target`; undefined if an open pause comes first. */
function instantOfRunningTime(
  clock: Clock,
  run: Run,
  target: number,
  cal: WorkingCalendar,
): Date | undefined {
  let left = target;
  for (const [a, b] of segments(clock.receivedAt.getTime(), Infinity, run.pauses)) {
    if (clock.unit !== "working_days") {
      if (a + left <= b) return new Date(Math.ceil(a + left));
      left -= b - a;
      continue;
    }
    const reached = addWorkingTime(new Date(a), left, cal);
    if (reached.getTime() <= b) return reached;
    left -= workingDaysBetween(new Date(a), new Date(b), cal);
  }
  return undefined;
}

/** Whole working days left at `t` before `due` (the end of a working day), or minus those begun since. */
function daysLeft(t: number, due: Date, cal: WorkingCalendar): number {
  const now = new Date(t);
  if (t < due.getTime()) return wholeWorkingDaysBetween(now, due, cal);
  const late =
    wholeWorkingDaysBetween(new Date(due.getTime() - 1), now, cal) +
    (isWorkingDay(localDateOf(now, cal.timeZone), cal) ? 1 : 0);
  return late === 0 ? 0 : -late;
}

/** The three clocks of a case at `at`, with the instants each was fulfilled. */
export function readCaseClocks(
  input: {
    receivedAt: Date;
    standard: Standard;
    pauses: readonly Pause[];
    acknowledgedAt?: Date | undefined;
    firstRespondedAt?: Date | undefined;
    resolvedAt?: Date | undefined;
  },
  at: Date,
  cal: WorkingCalendar,
): Record<ClockName, ClockReading> {
  const { receivedAt, standard, pauses } = input;
  const read = (clock: ClockName, answeredAt: Date | undefined) => {
    const { unit, within } = termsOf(standard, clock);
    return readClock({ receivedAt, amount: within, unit, pauses, answeredAt }, at, cal);
  };
  return {
    ack: read("ack", input.acknowledgedAt),
    firstResponse: read("firstResponse", input.firstRespondedAt),
    resolution: read("resolution", input.resolvedAt),
  };
}

// ---------------------------------------------------------------------------------------------
// Which standard applies

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CLOCKS = ["ack", "firstResponse", "resolution"] as const;
export type ClockName = (typeof CLOCKS)[number];

const AMOUNT_OF: Record<ClockName, "ackWithin" | "firstResponseWithin" | "resolutionWithin"> = {
  ack: "ackWithin",
  firstResponse: "firstResponseWithin",
  resolution: "resolutionWithin",
};

/** The terms one clock of a case runs under: the ones it kept at a change of priority, or the standard's. */
export function termsOf(standard: Standard, clock: ClockName): ClockTerms {
  return standard.kept?.[clock] ?? { unit: standard.unit, within: standard[AMOUNT_OF[clock]] };
}

/** One row of a standards table (national or municipal); the most specific matching row applies. */
export interface StandardRule {
  type: string;
  /** A category code; none: every category of the type. */
  category?: string | undefined;
  /** Only for cases of this priority; none: every priority. */
  priority?: Priority | undefined;
  standard: Standard;
}

export type Tightening =
  | { ok: true; standard: Standard }
  | { ok: false; reason: "looser_than_national" | "invalid_amount"; clock: ClockName };

/**
 * Whether `candidate` never gives a later deadline than `national`, clock by clock, for any time of
 * receipt. Across units, nominally (a day is 24 hours; the 23-hour spring DST day is not held against
 * the candidate):
 * - hours h vs n calendar or working days: h <= 24n (n days end at least 24n hours after receipt);
 * - calendar days c vs n working days: c <= n (the n-th working day after a day is at least n days on);
 * - calendar days c vs h hours: 24(c + 1) <= h (c days may end up to 24(c + 1) hours after receipt);
 * - working days vs calendar days or hours: refused, holidays can stretch a working-day deadline
 *   past any calendar bound.
 * Used for municipal overrides and for a national row of a priority refining the row without one.
 */
export function checkTighter(national: Standard, candidate: Standard): Tightening {
  for (const clock of CLOCKS) {
    const c = candidate[AMOUNT_OF[clock]];
    if (!Number.isInteger(c) || c < 0) return { ok: false, reason: "invalid_amount", clock };
    if (!notLater(c, candidate.unit, national[AMOUNT_OF[clock]], national.unit)) {
      return { ok: false, reason: "looser_than_national", clock };
    }
  }
  return { ok: true, standard: candidate };
}

function notLater(c: number, cu: SlaUnit, n: number, nu: SlaUnit): boolean {
  if (cu === nu) return c <= n;
  if (cu === "hours") return c <= 24 * n;
  if (cu === "calendar_days") return nu === "working_days" ? c <= n : 24 * (c + 1) <= n;
  return false;
}

/** The most specific rule for a case: a category beats its type, and a priority beats none. */
export function ruleFor(
  rules: readonly StandardRule[],
  key: { type: string; category: string; priority: Priority },
): StandardRule | undefined {
  let best: StandardRule | undefined;
  let bestScore = -1;
  for (const r of rules) {
    if (r.type !== key.type) continue;
    if (r.category !== undefined && r.category !== key.category) continue;
    if (r.priority !== undefined && r.priority !== key.priority) continue;
    const score = (r.category !== undefined ? 2 : 0) + (r.priority !== undefined ? 1 : 0);
    if (score > bestScore) [best, bestScore] = [r, score];
  }
  return best;
}

/**
 * The standard for a case. A national row for a priority applies only if it is no looser than the
 * national row without it (priority may shorten, never lengthen); a municipal row only if it is no
 * looser than the national standard so found, so a later national tightening always prevails.
 * Undefined when no national row matches.
 */
export function resolveStandard(
  tables: { national: readonly StandardRule[]; municipal?: readonly StandardRule[] | undefined },
  key: { type: string; category: string; priority: Priority },
): { standard: Standard; source: "national" | "municipal" } | undefined {
  const base = ruleFor(
    tables.national.filter((r) => r.priority === undefined),
    key,
  );
  const specific = ruleFor(tables.national, key);
  const national =
    base && specific && specific !== base && !checkTighter(base.standard, specific.standard).ok
      ? base
      : specific;
  if (!national) return undefined;
  const local = ruleFor(tables.municipal ?? [], key);
  if (local && checkTighter(national.standard, local.standard).ok) {
    return { standard: local.standard, source: "municipal" };
  }
  return { standard: national.standard, source: "national" };
}

/**
 * Law No. 06/L-081 on Access to Public Documents (see /work/shared/reference/kosovo-context.md,
 * "Access to public documents"): the institution issues a decision (access granted, or reasons for
 * refusal) within 7 days of registering the request, and within 48 hours when the document is needed
 * to protect someone's life or liberty. The law counts days, not working days, so the preset counts
 * calendar days, from the day the request is registered. The decision is both the first answer and
 * the resolution. The law sets no acknowledgement; we ask for one within a day (24 hours when urgent).
 */
export const ACCESS_TO_DOCUMENTS: Standard = {
  unit: "calendar_days",
  ackWithin: 1,
  firstResponseWithin: 7,
  resolutionWithin: 7,
};
export const ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY: Standard = {
  unit: "hours",
  ackWithin: 24,
  firstResponseWithin: 48,
  resolutionWithin: 48,
};

/**
 * The national category for these requests (profiles/xk/categories.csv). The seed gives it the preset as
 * its own standard and writes accessToDocumentsRules as national rows, noting the law (seedReference.ts).
 */
export const ACCESS_TO_DOCUMENTS_CATEGORY = "access-to-documents";
export const ACCESS_TO_DOCUMENTS_LAW = "Law No. 06/L-081 on Access to Public Documents";

/**
 * National rows for the access-to-documents category. Life or liberty at stake is marked by the priority
 * "urgent": the officer who registers the request sets it (the law gives no other sign), and the case's
 * deadlines become 48 hours from receipt. Any other priority keeps the 7 days: priority may only shorten.
 */
export function accessToDocumentsRules(category = ACCESS_TO_DOCUMENTS_CATEGORY): StandardRule[] {
  return [
    { type: "request", category, standard: ACCESS_TO_DOCUMENTS },
    { type: "request", category, priority: "urgent", standard: ACCESS_TO_DOCUMENTS_LIFE_OR_LIBERTY },
  ];
}
