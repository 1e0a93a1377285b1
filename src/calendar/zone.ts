/**
 * Time-zone helpers for the working-day calendar.
 *
 * Why: SLA deadlines are counted in the municipality's LOCAL days (Europe/Belgrade for Kosovo),
 * not in UTC days, and "end of day" must be local midnight even on the 23- and 25-hour days
 * around the DST switches. These helpers use only `Intl.DateTimeFormat` (bundled tz data, no
 * libraries) and never read the clock: every instant is passed in.
 *
 * A `LocalDate` is a calendar day with no time zone attached, written `YYYY-MM-DD`. Pure date
 * arithmetic on it (`addDays`, `dayOfWeek`) is done in UTC so it is independent of any zone.
 */

/** A calendar day in `YYYY-MM-DD` form, with no time zone attached. */
export type LocalDate = string;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per zone; `Intl` throws a RangeError for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClockOf(instant: Date, timeZone: string): WallClock {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("Invalid Date");
  const out: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof WallClock] = Number(part.value);
  }
  return out;
}

/** UTC offset (ms, east positive) of `timeZone` at the given epoch milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClockOf(new Date(ms), timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

function parse(date: LocalDate): [number, number, number] {
  if (!isValidLocalDate(date)) throw new RangeError(`Not a valid YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function format(ms: number): LocalDate {
  const d = new Date(ms);
  const y = String(d.getUTCFullYear()).padStart(4, "0");
  const m = String(d.getUTCMonth() + 1).padStart(2, "0");
  const day = String(d.getUTCDate()).padStart(2, "0");
  return `${y}-${m}-${day}`;
}

/** True for a real calendar day written `YYYY-MM-DD` (rejects 2026-02-30, 2026-1-5, ...). */
export function isValidLocalDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return format(ms) === s;
}

// Asking Intl for an offset (formatToParts) costs microseconds, and a deadline asks dozens of times; a
// case creation spent more time here than in its database statement. An offset is therefore kept per
// zone and quarter of an hour — but only for a quarter whose first and last second have the same offset,
// so a quarter with a DST switch inside it is always asked exactly (zones switch at most once in one).
const QUARTER_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/** UTC offset (ms, east positive) of `timeZone` at epoch milliseconds `ms`, kept per quarter hour. */
export function offsetOf(ms: number, timeZone: string): number {
  const quarter = Math.floor(ms / QUARTER_MS);
  const key = `${timeZone} ${quarter}`;
  const kept = offsets.get(key);
  if (kept !== undefined) return kept;
  const first = offsetAt(quarter * QUARTER_MS, timeZone);
  if (first !== offsetAt((quarter + 1) * QUARTER_MS - 1000, timeZone)) return offsetAt(ms, timeZone);
  if (offsets.size >= 100_000) offsets.clear();
  offsets.set(key, first);
  return first;
}

/** The local calendar day on which `instant` falls in `timeZone`. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const ms = instant.getTime();
  if (!Number.isFinite(ms)) throw new RangeError("Invalid Date");
  // The wall clock is the instant (to the second, as Intl shows it) moved by the zone's offset.
  return format(Math.floor(ms / 1000) * 1000 + offsetOf(ms, timeZone));
}

/**
 * The first instant of local day `date` in `timeZone` (normally local 00:00).
 *
 * Each offset seen near that day yields one candidate `wall-clock midnight - offset`; the earliest
 * candidate that really falls on `date` is the start of the day. This is right on DST days
 * (Europe/Belgrade switches at 02:00/03:00, so midnight itself always exists) and also in zones
 * where midnight is skipped, where the day starts at the first instant after the jump.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  const key = `${timeZone} ${date}`;
  const kept = dayStarts.get(key);
  if (kept !== undefined) return new Date(kept);
  const start = findStartOfLocalDay(date, timeZone);
  if (dayStarts.size >= 20_000) dayStarts.clear();
  dayStarts.set(key, start.getTime());
  return start;
}
/** Day starts already found, by zone and day: pure, so kept (see offsetOf above for why). */
const dayStarts = new Map<string, number>();

function findStartOfLocalDay(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = parse(date);
  const wall = Date.UTC(y, m - 1, d);
  const offsets = new Set<number>();
  for (const probe of [wall - 14 * HOUR_MS, wall, wall + 12 * HOUR_MS]) {
    const o = offsetAt(probe, timeZone);
    offsets.add(o);
    offsets.add(offsetAt(wall - o, timeZone));
  }
  let best: number | undefined;
  for (const o of offsets) {
    const candidate = wall - o;
    if (localDateOf(new Date(candidate), timeZone) === date && (best === undefined || candidate < best)) {
      best = candidate;
    }
  }
  if (best === undefined) throw new RangeError(`Local day ${date} does not exist in ${timeZone}`);
  return new Date(best);
}

/** The day `n` calendar days after `date` (n may be negative). */
export function addDays(date: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`addDays needs an integer, got ${n}`);
  // Deadline arithmetic steps day by day through the same days over and over: the answers are kept.
  const key = `${date} ${n}`;
  const kept = dayShifts.get(key);
  if (kept !== undefined) return kept;
  const [y, m, d] = parse(date);
  const answer = format(Date.UTC(y, m - 1, d) + n * DAY_MS);
  if (dayShifts.size >= 50_000) dayShifts.clear();
  dayShifts.set(key, answer);
  return answer;
}
const dayShifts = new Map<string, LocalDate>();

/** Day of the week of `date`: 0 = Sunday ... 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  const [y, m, d] = parse(date);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * The instant of a local wall-clock time ("HH:MM") on a local day, e.g. the moment a letter was
 * received at the counter. In the hour skipped by a DST change the later offset applies; in the hour
 * repeated, the first occurrence.
 */
export function localDateTime(date: LocalDate, time: string, timeZone: string): Date {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match || !isValidLocalDate(date)) throw new RangeError(`Not a local date and time: ${date} ${time}`);
  const [h, min] = [Number(match[1]), Number(match[2])];
  if (h > 23 || min > 59) throw new RangeError(`Not a time of day: ${time}`);
  const [y, m, d] = parse(date);
  const wall = Date.UTC(y, m - 1, d, h, min);
  const candidates = [
    ...new Set([offsetAt(wall - 14 * HOUR_MS, timeZone), offsetAt(wall + 14 * HOUR_MS, timeZone)]),
  ]
    .map((o) => wall - o)
    .filter((t) => wall - offsetAt(t, timeZone) === t)
    .sort((a, b) => a - b);
  return new Date(candidates[0] ?? wall - offsetAt(wall, timeZone));
}
