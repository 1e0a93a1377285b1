/**
 * Working-day calendar for SLA deadlines ("answer within n working days") and for reporting
 * elapsed time in working days (e.g. median time to acknowledge).
 *
 * Pure: no clock reads, no I/O. Every instant is passed in, and the public holidays are DATA
 * passed to `buildCalendar`, not computed here. We do not use the `date-holidays` package: for
 * Kosovo it misses 2 January, the Catholic and Orthodox Easter Mondays and the weekend carry-over,
 * and Bajram dates are only announced each year. So the rows (with their observed days) come from
 * the municipality's data, and `observedDate` computes the carry-over for admin-entered rows.
 * Nothing here is Kosovo-specific: time zone, weekend and holidays are all parameters.
 */
import {
  addDays,
  dayOfWeek,
  isValidLocalDate,
  type LocalDate,
  localDateOf,
  startOfLocalDay,
} from "./zone.ts";

export type { LocalDate } from "./zone.ts";

export interface Holiday {
  /** The day the holiday falls on. */
  date: LocalDate;
  /** The day off actually given (after weekend / collision carry-over); often equal to `date`. */
  observed: LocalDate;
  name: { en: string; sq: string; sr?: string };
  rule: "fixed" | "easter" | "announced";
  status: "law" | "check" | "provisional" | "confirmed";
}

export interface WorkingCalendar {
  timeZone: string;
  /** Days of the week that are never working days (0 = Sunday ... 6 = Saturday). */
  weekend: readonly number[];
  /** Holidays keyed by their OBSERVED day. */
  holidays: ReadonlyMap<LocalDate, Holiday[]>;
  /** The years the holiday data covers; asking about a day in any other year is a RangeError. */
  years: readonly number[];
}

export interface CalendarInput {
  timeZone: string;
  weekend?: readonly number[];
  holidays: readonly Holiday[];
  /** Years the data covers. Default: every year in which some holiday's `date` falls. */
  years?: readonly number[];
}

export function buildCalendar({
  timeZone,
  weekend = [0, 6],
  holidays,
  years,
}: CalendarInput): WorkingCalendar {
  localDateOf(new Date(0), timeZone); // fail fast on an unknown time zone
  for (const d of weekend) {
    if (!Number.isInteger(d) || d < 0 || d > 6) throw new RangeError(`Bad weekend day: ${d}`);
  }
  const byObserved = new Map<LocalDate, Holiday[]>();
  for (const h of holidays) {
    if (!isValidLocalDate(h.date) || !isValidLocalDate(h.observed) || h.observed < h.date) {
      throw new RangeError(`Bad holiday dates: ${h.date} observed ${h.observed} (${h.name.en})`);
    }
    const list = byObserved.get(h.observed) ?? [];
    list.push(h);
    byObserved.set(h.observed, list);
  }
  const covered = years ?? holidays.map((h) => Number(h.date.slice(0, 4)));
  return {
    timeZone,
    weekend: [...new Set(weekend)].sort((a, b) => a - b),
    holidays: byObserved,
    years: [...new Set(covered)].sort((a, b) => a - b),
  };
}

/**
 * The carry-over rule: a holiday stays on its own day unless that day is a weekend day or is
 * already taken by another holiday's observance; then it moves to the next day that is neither.
 * E.g. 2027-05-01 (Saturday) with 2027-05-03 taken by Orthodox Easter Monday -> 2027-05-04.
 */
export function observedDate(
  date: LocalDate,
  occupied: ReadonlySet<LocalDate>,
  weekend: readonly number[] = [0, 6],
): LocalDate {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid YYYY-MM-DD date: ${date}`);
  if (new Set(weekend).size >= 7) throw new RangeError("Every day is a weekend day");
  let d = date;
  while (weekend.includes(dayOfWeek(d)) || occupied.has(d)) d = addDays(d, 1);
  return d;
}

/** Whether `date` is a working day. RangeError if the calendar has no data for its year. */
export function isWorkingDay(date: LocalDate, cal: WorkingCalendar): boolean {
  // Asked thousands of times per scheduler pass about the same few hundred days: kept per calendar.
  let known = workingDays.get(cal);
  if (!known) {
    known = new Map();
    workingDays.set(cal, known);
  }
  const kept = known.get(date);
  if (kept !== undefined) return kept;
  const answer = decideWorkingDay(date, cal);
  if (known.size >= 20_000) known.clear();
  known.set(date, answer);
  return answer;
}
const workingDays = new WeakMap<WorkingCalendar, Map<LocalDate, boolean>>();

function decideWorkingDay(date: LocalDate, cal: WorkingCalendar): boolean {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid YYYY-MM-DD date: ${date}`);
  const year = Number(date.slice(0, 4));
  if (!cal.years.includes(year)) {
    throw new RangeError(
      `No holiday data for ${year} (calendar covers ${cal.years.join(", ") || "no years"})`,
    );
  }
  return !cal.weekend.includes(dayOfWeek(date)) && !cal.holidays.has(date);
}

/**
 * THE DEADLINE RULE. Let D be the local day (in `cal.timeZone`) on which `start` falls.
 * - n >= 1: day 1 is the first working day strictly after D, day 2 the next working day, ...;
 *   the deadline is the END of day n, i.e. the instant of local midnight starting the following
 *   day. Friday 2026-11-27 15:00 local, n = 1 -> end of Monday 2026-11-30 = 2026-11-30T23:00Z.
 * - n = 0: the end of D if D is a working day, otherwise the end of the next working day.
 * The time of day of `start` never matters, only its local day.
 * RangeError if n is not a non-negative integer, or if a day that must be examined lies in a year
 * the calendar does not cover (missing data is loud). Only examined days count, so a deadline that
 * ends on 31 December of the last covered year (= 00:00 on 1 January of the year after) is fine.
 */
export function addWorkingDays(start: Date, n: number, cal: WorkingCalendar): Date {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const fast = indexOf(cal)?.addWorkingDays(start.getTime(), n);
  return fast !== undefined ? new Date(fast) : reference.addWorkingDays(start, n, cal);
}

function addWorkingDaysByDay(start: Date, n: number, cal: WorkingCalendar): Date {
  const startDay = localDateOf(start, cal.timeZone);
  // Only the local day counts, so the answer is kept per calendar, day and n: every case created on one
  // day asks the same few questions (docs/PERFORMANCE.md).
  let kept = deadlinesByDay.get(cal);
  if (!kept) {
    kept = new Map();
    deadlinesByDay.set(cal, kept);
  }
  const key = `${startDay} ${n}`;
  const known = kept.get(key);
  if (known !== undefined) return new Date(known);
  const due = countWorkingDays(startDay, n, cal);
  if (kept.size >= 10_000) kept.clear();
  kept.set(key, due.getTime());
  return due;
}
const deadlinesByDay = new WeakMap<WorkingCalendar, Map<string, number>>();

function countWorkingDays(startDay: LocalDate, n: number, cal: WorkingCalendar): Date {
  let day = n === 0 ? startDay : addDays(startDay, 1);
  let remaining = Math.max(n, 1);
  for (;;) {
    if (isWorkingDay(day, cal)) {
      remaining -= 1;
      if (remaining === 0) break;
    }
    day = addDays(day, 1);
  }
  return startOfLocalDay(addDays(day, 1), cal.timeZone);
}

/**
 * Elapsed working time from `from` to `to`, in working days (a decimal). Each local day that
 * overlaps [from, to] contributes the fraction of that day (23, 24 or 25 hours long) lying inside
 * the interval if it is a working day, and nothing otherwise. 0 when `to <= from`.
 *
 * Relationship with the deadline rule, for a start t whose local day D is a working day:
 *   workingDaysBetween(t, addWorkingDays(t, n)) = n + r,  r = (end of D - t) / length of D,
 * with r in (0, 1], so the result lies in (n, n + 1]. If D is not a working day it is exactly
 * max(n, 1) (n = 0 then means "by the end of the next working day").
 */
export function workingDaysBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError("Invalid Date");
  if (b <= a) return 0;
  return indexOf(cal)?.workingDaysBetween(a, b) ?? reference.workingDaysBetween(from, to, cal);
}

function workingDaysBetweenByDay(from: Date, to: Date, cal: WorkingCalendar): number {
  const a = from.getTime();
  const b = to.getTime();
  if (b <= a) return 0;
  const tz = cal.timeZone;
  // Fraction of local day `day` inside [a, b], counted only if it is a working day.
  const part = (day: LocalDate): number => {
    const dayStart = startOfLocalDay(day, tz).getTime();
    const dayEnd = startOfLocalDay(addDays(day, 1), tz).getTime();
    const overlap = Math.min(b, dayEnd) - Math.max(a, dayStart);
    return overlap > 0 && isWorkingDay(day, cal) ? overlap / (dayEnd - dayStart) : 0;
  };
  const first = localDateOf(from, tz);
  const last = localDateOf(to, tz);
  if (first === last) return part(first);
  let total = part(first) + part(last);
  for (let d = addDays(first, 1); d < last; d = addDays(d, 1)) {
    if (isWorkingDay(d, cal)) total += 1; // whole days in between, whatever their length
  }
  return total;
}

/**
 * Whole working days the deadline rule has counted between two instants: the working days after
 * `from`'s local day that have ended by `to` (i.e. lie strictly between the two local days). So for
 * n >= 1, `addWorkingDays(t, n)` is the first instant at which this reaches n; like the rule, the
 * time of day only matters through the local day. 0 when `to`'s day is not after `from`'s.
 */
export function wholeWorkingDaysBetween(from: Date, to: Date, cal: WorkingCalendar): number {
  const fast = indexOf(cal)?.wholeWorkingDaysBetween(from.getTime(), to.getTime());
  return fast ?? reference.wholeWorkingDaysBetween(from, to, cal);
}

function wholeWorkingDaysBetweenByDay(from: Date, to: Date, cal: WorkingCalendar): number {
  const first = localDateOf(from, cal.timeZone);
  const last = localDateOf(to, cal.timeZone);
  let count = 0;
  for (let d = addDays(first, 1); d < last; d = addDays(d, 1)) {
    if (isWorkingDay(d, cal)) count += 1;
  }
  return count;
}

/**
 * The first instant at which `amount` working days of working time (as `workingDaysBetween`
 * measures it: each working day's share, by its own 23-, 24- or 25-hour length) have elapsed since
 * `from`; `from` itself for 0. Used to place the 75% and 90% marks of a working-day clock.
 * RangeError for a negative or non-finite amount, or a day in a year the calendar does not cover.
 */
export function addWorkingTime(from: Date, amount: number, cal: WorkingCalendar): Date {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`Bad working time: ${amount}`);
  if (!Number.isFinite(from.getTime())) throw new RangeError("Invalid Date");
  const fast = indexOf(cal)?.addWorkingTime(from.getTime(), amount);
  return fast !== undefined ? new Date(fast) : reference.addWorkingTime(from, amount, cal);
}

function addWorkingTimeByDay(from: Date, amount: number, cal: WorkingCalendar): Date {
  const tz = cal.timeZone;
  let cursor = from.getTime();
  let left = amount;
  for (let day = localDateOf(from, tz); ; day = addDays(day, 1)) {
    const dayStart = startOfLocalDay(day, tz).getTime();
    const dayEnd = startOfLocalDay(addDays(day, 1), tz).getTime();
    const length = dayEnd - dayStart;
    if (left === 0) return new Date(cursor);
    if (isWorkingDay(day, cal)) {
      const part = (dayEnd - cursor) / length;
      // Round up to the millisecond so the working time really has elapsed at the returned instant.
      if (part >= left) return new Date(Math.min(dayEnd, cursor + Math.ceil(left * length)));
      left -= part;
    }
    cursor = dayEnd;
  }
}

/**
 * Forgets every answer kept for the calendar (working days, deadlines, the day index): for a calendar
 * object changed in place, as when the ministry edits the holidays of the running server.
 */
export function forgetCalendarAnswers(cal: WorkingCalendar): void {
  workingDays.delete(cal);
  deadlinesByDay.delete(cal);
  indexes.delete(cal);
}

/**
 * The day-by-day definitions above, kept as the reference: the indexed versions must answer exactly as
 * they do (calendar.property.test.ts checks it on random instants), and they answer whatever the index
 * cannot: a day outside the years the calendar covers (a RangeError, as it must be), or a calendar whose
 * years have a gap.
 */
export const reference = {
  addWorkingDays: addWorkingDaysByDay,
  workingDaysBetween: workingDaysBetweenByDay,
  wholeWorkingDaysBetween: wholeWorkingDaysBetweenByDay,
  addWorkingTime: addWorkingTimeByDay,
};

// ---------------------------------------------------------------------------------------------
// The index: the covered years as numbered local days, with the instant each day starts, whether it is
// a working day and how many working days come before it. A deadline becomes an array lookup instead of
// a walk over dates as strings — the SLA scheduler asks millions of these per full pass (docs/PERFORMANCE.md).
// Every answer is the same as the day-by-day definition's; anything the index does not cover returns
// undefined and the definition answers.

const DAY_MS = 86_400_000;

interface DayIndex {
  addWorkingDays(start: number, n: number): number | undefined;
  workingDaysBetween(a: number, b: number): number | undefined;
  wholeWorkingDaysBetween(a: number, b: number): number | undefined;
  addWorkingTime(from: number, amount: number): number | undefined;
}

const indexes = new WeakMap<WorkingCalendar, DayIndex | null>();

function indexOf(cal: WorkingCalendar): DayIndex | undefined {
  let index = indexes.get(cal);
  if (index === undefined) {
    index = buildIndex(cal);
    indexes.set(cal, index);
  }
  return index ?? undefined;
}

function buildIndex(cal: WorkingCalendar): DayIndex | null {
  const years = cal.years;
  if (years.length === 0) return null;
  const firstYear = years[0]!;
  const lastYear = years[years.length - 1]!;
  // A gap in the years would need a covered-day check on every answer: the definitions answer instead.
  if (lastYear - firstYear + 1 !== years.length) return null;
  const tz = cal.timeZone;
  const days: LocalDate[] = [];
  for (let d = `${firstYear}-01-01`; Number(d.slice(0, 4)) <= lastYear; d = addDays(d, 1)) days.push(d);
  const n = days.length;
  // startMs[i]: the instant local day i starts; startMs[n] the day after the last (an end, never examined).
  const startMs = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) startMs[i] = startOfLocalDay(days[i]!, tz).getTime();
  startMs[n] = startOfLocalDay(addDays(days[n - 1]!, 1), tz).getTime();
  const working = new Uint8Array(n);
  const before = new Int32Array(n + 1); // working days among days 0 … i-1
  const list: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = !cal.weekend.includes(dayOfWeek(days[i]!)) && !cal.holidays.has(days[i]!);
    working[i] = w ? 1 : 0;
    before[i + 1] = before[i]! + working[i]!;
    if (w) list.push(i);
  }
  const first = startMs[0]!;
  const last = startMs[n]!;
  /** The local day of an instant, or -1 outside the covered days. */
  const dayOf = (ms: number): number => {
    if (!(ms >= first && ms < last)) return -1;
    let i = Math.min(n - 1, Math.floor((ms - first) / DAY_MS));
    while (i + 1 < n && startMs[i + 1]! <= ms) i++;
    while (i > 0 && startMs[i]! > ms) i--;
    return i;
  };
  const length = (i: number) => startMs[i + 1]! - startMs[i]!;
  /** The k-th working day (0-based) from day `from` on, or -1 beyond the covered days. */
  const nthWorkingFrom = (from: number, k: number): number => {
    const at = before[from]! + k;
    return at < list.length ? list[at]! : -1;
  };
  return {
    addWorkingDays(start, k) {
      const d = dayOf(start);
      if (d < 0) return undefined;
      // n = 0: the end of D if it works, else of the next working day; n >= 1: the n-th working day after D.
      const due = k === 0 ? nthWorkingFrom(d, 0) : d + 1 < n ? nthWorkingFrom(d + 1, k - 1) : -1;
      return due < 0 ? undefined : startMs[due + 1];
    },
    workingDaysBetween(a, b) {
      const f = dayOf(a);
      const l = dayOf(b);
      if (f < 0 || l < 0) return undefined;
      const part = (i: number) => {
        const overlap = Math.min(b, startMs[i + 1]!) - Math.max(a, startMs[i]!);
        return overlap > 0 && working[i] ? overlap / length(i) : 0;
      };
      if (f === l) return part(f);
      // Summed in the definition's order (first, last, then each day between), so that the floating-point
      // result is the same to the last bit.
      let total = part(f) + part(l);
      for (let i = f + 1; i < l; i++) if (working[i]) total += 1;
      return total;
    },
    wholeWorkingDaysBetween(a, b) {
      const f = dayOf(a);
      const l = dayOf(b);
      if (f < 0 || l < 0) return undefined;
      return l > f + 1 ? before[l]! - before[f + 1]! : 0;
    },
    addWorkingTime(from, amount) {
      const d = dayOf(from);
      if (d < 0) return undefined;
      if (amount === 0) return from;
      let left = amount;
      if (working[d]) {
        const part = (startMs[d + 1]! - from) / length(d);
        if (part >= left) return Math.min(startMs[d + 1]!, from + Math.ceil(left * length(d)));
        left -= part;
      }
      if (d + 1 >= n) return undefined;
      // Whole working days count 1 each (the subtractions are exact): skip all but the one the time ends in.
      const skip = Math.max(0, Math.ceil(left - 1));
      const w = nthWorkingFrom(d + 1, skip);
      if (w < 0) return undefined;
      left -= skip;
      return Math.min(startMs[w + 1]!, startMs[w]! + Math.ceil(left * length(w)));
    },
  };
}
