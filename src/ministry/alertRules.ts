// The rules that turn monthly figures into alerts on systematic lateness (issue 9): an on-time share below
// the ministry's level for months running, a backlog that grew in each of the last months (of a
// municipality, or of a department's cases), and cases escalated to the ministry that the municipality has
// left untouched. Pure: the figures, the levels, the instant and the calendar are passed in; the pass
// (alerts.ts) reads the figures from the aggregates and the untouched cases up to untouchedCutoff.
import { type WorkingCalendar, workingDaysBetween } from "../calendar/calendar.ts";
import { SMALL_COUNT } from "../stats/query.ts";

export const ALERT_KINDS = ["on_time_low", "backlog_growing", "escalations_untouched"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const isAlertKind = (v: unknown): v is AlertKind =>
  typeof v === "string" && (ALERT_KINDS as readonly string[]).includes(v);

/** The levels of oversight_settings: when lateness becomes an alert. */
export interface OversightLevels {
  onTimeMinPercent: number;
  onTimeMonths: number;
  backlogMonths: number;
  untouchedWorkingDays: number;
}

/** The migration's defaults, for a database whose settings row is missing. */
export const DEFAULT_LEVELS: OversightLevels = {
  onTimeMinPercent: 80,
  onTimeMonths: 2,
  backlogMonths: 3,
  untouchedWorkingDays: 5,
};

/** What the settings form accepts: a level outside these means nothing (0 %, a 20-year run). */
export const LEVEL_LIMITS: Record<keyof OversightLevels, { min: number; max: number }> = {
  onTimeMinPercent: { min: 1, max: 100 },
  onTimeMonths: { min: 1, max: 12 },
  backlogMonths: { min: 1, max: 12 },
  untouchedWorkingDays: { min: 1, max: 60 },
};

/**
 * A month whose share rests on fewer first-response clocks decided than this says nothing either way: one
 * late answer of two is not systematic lateness. The same limit as the small-count rule.
 */
export const MIN_DECIDED = SMALL_COUNT;

/** A month's first-response clocks of the cases received in it: decided, and of those met in time. */
export interface OnTimeMonth {
  month: string;
  decided: number;
  met: number;
}

export interface OnTimeEvidence {
  levelPercent: number;
  months: OnTimeMonth[];
}

/**
 * An on-time alert when each of the last `onTimeMonths` months (oldest first, consecutive, ending with the
 * last complete month; a month without figures is given as zeros) had enough clocks decided and a share
 * answered within the standard below the level. Compared in whole numbers: 79.99 % is below 80.
 */
export function onTimeLow(
  months: readonly OnTimeMonth[],
  levels: OversightLevels,
): OnTimeEvidence | undefined {
  const n = levels.onTimeMonths;
  if (n < 1 || months.length < n) return undefined;
  const run = months.slice(-n);
  const low = run.every((m) => m.decided >= MIN_DECIDED && m.met * 100 < levels.onTimeMinPercent * m.decided);
  return low ? { levelPercent: levels.onTimeMinPercent, months: run.map((m) => ({ ...m })) } : undefined;
}

/** The cases open at the end of a month. */
export interface BacklogMonth {
  month: string;
  backlog: number;
}

export interface BacklogEvidence {
  /** The month before the run, then each month of it: every one higher than the one before. */
  months: BacklogMonth[];
}

/**
 * A backlog alert when the backlog at the end of each of the last `backlogMonths` months (the last complete
 * month last) was higher than at the end of the month before. `months` are consecutive, oldest first, and
 * reach one month further back than the run.
 */
export function backlogGrowing(
  months: readonly BacklogMonth[],
  levels: OversightLevels,
): BacklogEvidence | undefined {
  const n = levels.backlogMonths;
  if (n < 1 || months.length < n + 1) return undefined;
  const run = months.slice(-(n + 1));
  for (let i = 1; i < run.length; i++) if (run[i]!.backlog <= run[i - 1]!.backlog) return undefined;
  return { months: run.map((m) => ({ ...m })) };
}

/** An open case escalated to the ministry, with when the municipality last acted on it. */
export interface EscalatedCase {
  code: string;
  municipalityId: number;
  departmentId: number | null;
  escalatedAt: Date;
  /** The last event on it by the municipality's staff (the ministry's own reminders and notes do not count). */
  lastActionAt: Date | null;
}

export interface UntouchedCase {
  code: string;
  departmentId: number | null;
  escalatedAt: string;
  lastActionAt: string | null;
  /** Whole working days since the escalation or the last action after it. */
  workingDays: number;
}

export interface UntouchedEvidence {
  days: number;
  /** The longest escalated first, at most UNTOUCHED_LISTED of them. */
  cases: UntouchedCase[];
  /** How many cases were untouched in all (absent in alerts raised before the list was cut: `cases.length`). */
  total?: number;
}

/**
 * How many untouched cases an alert names; the escalation queue lists them all. A municipality that leaves
 * thousands untouched has one problem, and a page of thousands of lines would hide it.
 */
export const UNTOUCHED_LISTED = 20;

/**
 * Whether the municipality has left the case untouched for `untouchedWorkingDays` working days: no action
 * of its staff since the escalation (or since its last action, when that came later), in working time as
 * the statistics measure it (workingDaysBetween). Throws a RangeError for a year the calendar does not cover.
 */
export function untouchedFor(
  c: EscalatedCase,
  now: Date,
  levels: OversightLevels,
  cal: WorkingCalendar,
): UntouchedCase | undefined {
  const since =
    c.lastActionAt && c.lastActionAt.getTime() > c.escalatedAt.getTime() ? c.lastActionAt : c.escalatedAt;
  const days = workingDaysBetween(since, now, cal);
  if (days < levels.untouchedWorkingDays) return undefined;
  return {
    code: c.code,
    departmentId: c.departmentId,
    escalatedAt: c.escalatedAt.toISOString(),
    lastActionAt: c.lastActionAt ? c.lastActionAt.toISOString() : null,
    workingDays: Math.floor(days),
  };
}

const DAY_MS = 86_400_000;

/**
 * The latest instant from which `untouchedWorkingDays` working days have passed by `now`: a case is untouched
 * exactly when neither its escalation nor the municipality's last action on it came after this instant
 * (untouchedFor measures the same way). So the pass asks the database for the cases before it instead of
 * measuring every escalated case. Throws a RangeError for a year the calendar does not cover.
 */
export function untouchedCutoff(now: Date, levels: OversightLevels, cal: WorkingCalendar): Date {
  const n = levels.untouchedWorkingDays;
  const t = now.getTime();
  const enough = (since: number) => workingDaysBetween(new Date(since), now, cal) >= n;
  // Far enough back: n working days lie within 2n + 14 calendar days unless holidays crowd them, and then
  // twice as far, until the calendar runs out (its RangeError).
  let span = (2 * n + 14) * DAY_MS;
  while (!enough(t - span)) span *= 2;
  // The time measured falls as the start moves towards `now`: the last start still far enough, to the
  // millisecond.
  let lo = t - span;
  let hi = t;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (enough(mid)) lo = mid;
    else hi = mid;
  }
  return new Date(lo);
}

/** The untouched escalated cases of a municipality as the pass reads them: the first listed, and how many. */
export interface UntouchedCases {
  /** The longest escalated first (at most UNTOUCHED_LISTED). */
  cases: readonly EscalatedCase[];
  total: number;
}

/** The untouched escalated cases as the pass reads them: per municipality, and per department within one. */
export interface UntouchedFigures {
  municipalities: ReadonlyMap<number, UntouchedCases>;
  /** Per department (with its municipality): cases with no department are the municipality's alone. */
  departments: ReadonlyMap<number, UntouchedCases & { municipalityId: number }>;
}

/** An alert the pass may raise: one per kind, place and month (the table's unique key). */
export interface AlertCandidate {
  kind: AlertKind;
  municipalityId: number;
  /** Null: the municipality as a whole. */
  departmentId: number | null;
  /** "YYYY-MM": the last month the evidence covers. */
  month: string;
  evidence: OnTimeEvidence | BacklogEvidence | UntouchedEvidence;
}

/** The figures a pass reads, by place: municipalities, and departments within them. */
export interface OversightFigures {
  /** Per municipality: its months, oldest first, ending with the last complete month. */
  municipalityOnTime: ReadonlyMap<number, readonly OnTimeMonth[]>;
  /** Per department (with its municipality). */
  departmentOnTime: ReadonlyMap<number, { municipalityId: number; months: readonly OnTimeMonth[] }>;
  municipalityBacklog: ReadonlyMap<number, readonly BacklogMonth[]>;
  /** Per department (with its municipality): the backlog of the cases it has now, month by month. */
  departmentBacklog: ReadonlyMap<number, { municipalityId: number; months: readonly BacklogMonth[] }>;
  /** Per municipality and department with any: escalated cases untouched since the cutoff (untouchedCutoff). */
  untouched: UntouchedFigures;
}

/**
 * Every alert the figures call for at `now`. The on-time and backlog alerts are dated with the last
 * complete month; the untouched-escalations alert, one per municipality and one per department with any,
 * listing its longest escalated cases and how many there are, with the month of `now`. A listed case whose time cannot be measured (a
 * year without calendar data) goes to `skipped`.
 */
export function alertCandidates(
  figures: OversightFigures,
  levels: OversightLevels,
  at: { now: Date; lastCompleteMonth: string; currentMonth: string; calendar: WorkingCalendar },
): { candidates: AlertCandidate[]; skipped: { code: string; error: unknown }[] } {
  const candidates: AlertCandidate[] = [];
  const month = at.lastCompleteMonth;
  for (const [municipalityId, months] of figures.municipalityOnTime) {
    const evidence = onTimeLow(months, levels);
    if (evidence)
      candidates.push({ kind: "on_time_low", municipalityId, departmentId: null, month, evidence });
  }
  for (const [departmentId, d] of figures.departmentOnTime) {
    const evidence = onTimeLow(d.months, levels);
    if (evidence)
      candidates.push({
        kind: "on_time_low",
        municipalityId: d.municipalityId,
        departmentId,
        month,
        evidence,
      });
  }
  for (const [municipalityId, months] of figures.municipalityBacklog) {
    const evidence = backlogGrowing(months, levels);
    if (evidence)
      candidates.push({ kind: "backlog_growing", municipalityId, departmentId: null, month, evidence });
  }
  for (const [departmentId, d] of figures.departmentBacklog) {
    const evidence = backlogGrowing(d.months, levels);
    if (evidence)
      candidates.push({
        kind: "backlog_growing",
        municipalityId: d.municipalityId,
        departmentId,
        month,
        evidence,
      });
  }
  const skipped: { code: string; error: unknown }[] = [];
  const untouched = (municipalityId: number, departmentId: number | null, found: UntouchedCases) => {
    const list: UntouchedCase[] = [];
    for (const c of found.cases.slice(0, UNTOUCHED_LISTED)) {
      try {
        const one = untouchedFor(c, at.now, levels, at.calendar);
        if (one) list.push(one);
      } catch (error) {
        // A case of a department is also its municipality's: said once.
        if (departmentId === null) skipped.push({ code: c.code, error });
      }
    }
    if (found.total === 0) return;
    candidates.push({
      kind: "escalations_untouched",
      municipalityId,
      departmentId,
      month: at.currentMonth,
      evidence: {
        days: levels.untouchedWorkingDays,
        cases: list.toSorted(
          (a, b) => a.escalatedAt.localeCompare(b.escalatedAt) || a.code.localeCompare(b.code),
        ),
        total: found.total,
      },
    });
  };
  for (const [municipalityId, found] of figures.untouched.municipalities)
    untouched(municipalityId, null, found);
  for (const [departmentId, found] of figures.untouched.departments)
    untouched(found.municipalityId, departmentId, found);
  return { candidates, skipped };
}
