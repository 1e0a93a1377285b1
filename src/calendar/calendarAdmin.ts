// The ministry's changes to the working-day calendar (issue 5): add a holiday (a Bajram date once it is
// announced, say), change its names, remove it. Every change carries a reason and writes the holidays and
// one audit entry (who, when, before and after, why) in one transaction. The days observed are recomputed
// for the whole calendar by the weekend carry-over rule, so a change that moves another holiday's day off
// (a new holiday on the Monday a weekend holiday was carried to) is written and recorded with it.
// The audit entries of a year are its history: subject "calendar", id "<calendar>:<year>" (an indexed
// lookup in a log that also holds every case decision).
import { and, desc, eq, sql } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import type { Db } from "../db/client.ts";
import { auditLog, holidays, type LocalizedText, users } from "../db/schema.ts";
import { subjectOf } from "../standards/model.ts";
import { recordAppliedChange } from "../standards/recordChange.ts";
import { forgetCalendarAnswers, type LocalDate, observedDate, type WorkingCalendar } from "./calendar.ts";
import { dayOfWeek, isValidLocalDate } from "./zone.ts";

export const HOLIDAY_KINDS = ["fixed", "movable"] as const;
export type HolidayKind = (typeof HOLIDAY_KINDS)[number];
/** How a kind is stored: a movable holiday is one whose date is announced each year (the Bajrams). */
const RULE_OF: Record<HolidayKind, string> = { fixed: "fixed", movable: "announced" };

export type HolidayRow = typeof holidays.$inferSelect;
export type HolidayNames = { sq: string; sr: string; en: string };

/** A holiday whose day off moved because of a change. */
export interface MovedDayOff {
  date: LocalDate;
  name: LocalizedText;
  from: LocalDate;
  to: LocalDate;
}

export interface CalendarChangeDeps {
  db: Db;
  now: Date;
  /** The profile's calendar: its code (holidays.calendar) and weekend. */
  calendar: { code: string; weekend: readonly number[] };
  actorId: string;
  ip?: string | undefined;
  /** The country's time zone: the national standards' history dates the change by its local day. */
  timeZone?: string | undefined;
}

export type CalendarChangeResult =
  | { ok: true; holiday: HolidayRow; moved: MovedDayOff[] }
  | {
      ok: false;
      reason:
        | "invalid_date"
        | "outside_years"
        | "date_taken"
        | "not_found"
        | "names_unchanged"
        | "last_of_year";
    };

/**
 * The day off of each holiday (in the order given) by the carry-over rule: a holiday on a working day
 * keeps its day; one on a weekend day, or on a day another holiday already has, moves to the next day
 * that is neither, the earlier holiday first. A holiday on its own day goes before a carried one, as
 * on 4 May 2027: Labour Day (Saturday) passes Orthodox Easter Monday (3 May) and is observed on the 4th.
 */
export function observedDays(list: readonly { date: LocalDate }[], weekend: readonly number[]): LocalDate[] {
  const order = list.map((h, i) => ({ date: h.date, i })).sort((a, b) => a.date.localeCompare(b.date));
  const occupied = new Set<LocalDate>();
  const out: LocalDate[] = new Array(list.length);
  const carried: typeof order = [];
  for (const h of order) {
    if (weekend.includes(dayOfWeek(h.date)) || occupied.has(h.date)) carried.push(h);
    else {
      occupied.add(h.date);
      out[h.i] = h.date;
    }
  }
  for (const h of carried) {
    const day = observedDate(h.date, occupied, weekend);
    occupied.add(day);
    out[h.i] = day;
  }
  return out;
}

/** A holiday's stable key within its calendar, from its English name as the profile makes them. */
export function holidayCode(englishName: string): string {
  const code = englishName
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // accents off: "Día" -> "dia"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60)
    .replace(/-$/, "");
  return code || "holiday";
}

const yearOf = (date: LocalDate) => Number(date.slice(0, 4));
const sameNames = (a: LocalizedText, b: LocalizedText) => a.sq === b.sq && a.sr === b.sr && a.en === b.en;
/** What an audit entry keeps of a holiday. */
const described = (h: Pick<HolidayRow, "date" | "observed" | "name" | "rule" | "status">) => ({
  date: h.date,
  observed: h.observed,
  name: h.name,
  rule: h.rule,
  status: h.status,
});

type NewHoliday = Omit<HolidayRow, "id">;
type Decision =
  | { ok: false; reason: Extract<CalendarChangeResult, { ok: false }>["reason"] }
  | {
      ok: true;
      action: "holiday.added" | "holiday.renamed" | "holiday.removed";
      /** The calendar's holidays after the change, their observed days not yet recomputed. */
      after: (HolidayRow | NewHoliday)[];
      /** The added or renamed holiday, as it is in `after`; none for a removal. */
      changed?: HolidayRow | NewHoliday;
      /** The holiday before the change; none for an addition. */
      before?: HolidayRow;
    };

/**
 * One change in one transaction: the calendar's holidays are read under a lock held to the commit (two
 * ministry officials adding the same date queue, and the second is refused), `decide` says what changes,
 * the observed days are recomputed for them all, and the rows and the audit entry are written.
 */
async function change(
  deps: CalendarChangeDeps,
  reason: string,
  decide: (rows: HolidayRow[]) => Decision,
): Promise<CalendarChangeResult> {
  const { code, weekend } = deps.calendar;
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`holidays:${code}`}))`);
    const decision = decide(await tx.select().from(holidays).where(eq(holidays.calendar, code)));
    if (!decision.ok) return decision;
    const days = observedDays(decision.after, weekend);
    const moved: MovedDayOff[] = [];
    let holiday = decision.before;
    for (const [i, h] of decision.after.entries()) {
      const observed = days[i]!;
      if (h === decision.changed) {
        const [row] =
          "id" in h
            ? await tx
                .update(holidays)
                .set({ name: h.name, observed })
                .where(eq(holidays.id, h.id))
                .returning()
            : await tx
                .insert(holidays)
                .values({ ...h, observed })
                .returning();
        holiday = row;
      } else if ("id" in h && observed !== h.observed) {
        moved.push({ date: h.date, name: h.name, from: h.observed, to: observed });
        await tx.update(holidays).set({ observed }).where(eq(holidays.id, h.id));
      }
    }
    if (!decision.changed && decision.before) {
      await tx.delete(holidays).where(eq(holidays.id, decision.before.id));
    }
    const changed = holiday!;
    await appendAudit(tx, {
      at: deps.now,
      actorId: deps.actorId,
      action: decision.action,
      subjectType: "calendar",
      subjectId: `${code}:${yearOf(changed.date)}`,
      ip: deps.ip ?? null,
      data: {
        calendar: code,
        holiday: { id: changed.id, code: changed.code },
        before: decision.before ? described(decision.before) : null,
        after: decision.changed ? described(changed) : null,
        reason,
        moved,
      },
    });
    // The national standards' history (src/standards, issue 9) lists the calendar's changes with the others.
    await recordAppliedChange(tx, {
      kind: "calendar",
      subject: subjectOf.calendar(code, changed.date),
      before: decision.before ? described(decision.before) : null,
      after: decision.changed ? described(changed) : null,
      reason,
      now: deps.now,
      timeZone: deps.timeZone,
      actorId: deps.actorId,
    });
    return { ok: true as const, holiday: changed, moved };
  });
}

/** The holiday on a day (the first, should the profile's data hold two). */
const onDay = (rows: HolidayRow[], date: LocalDate) =>
  rows.filter((r) => r.date === date).sort((a, b) => a.id - b.id)[0];

/** Adds a holiday on a day of a year the calendar covers where it has none. Ministry-entered: confirmed. */
export function addHoliday(
  deps: CalendarChangeDeps,
  input: { date: LocalDate; names: HolidayNames; kind: HolidayKind; reason: string },
): Promise<CalendarChangeResult> {
  if (!isValidLocalDate(input.date)) return Promise.resolve({ ok: false, reason: "invalid_date" });
  return change(deps, input.reason, (rows) => {
    if (!rows.some((r) => yearOf(r.date) === yearOf(input.date)))
      return { ok: false, reason: "outside_years" };
    if (onDay(rows, input.date)) return { ok: false, reason: "date_taken" };
    const added = {
      calendar: deps.calendar.code,
      code: holidayCode(input.names.en),
      date: input.date,
      observed: input.date,
      name: { ...input.names },
      rule: RULE_OF[input.kind],
      status: "confirmed",
    };
    return { ok: true, action: "holiday.added", after: [...rows, added], changed: added };
  });
}

/** Changes the names of the holiday on a day; the same names again are refused (nothing would change). */
export function renameHoliday(
  deps: CalendarChangeDeps,
  input: { date: LocalDate; names: HolidayNames; reason: string },
): Promise<CalendarChangeResult> {
  return change(deps, input.reason, (rows) => {
    const found = onDay(rows, input.date);
    if (!found) return { ok: false, reason: "not_found" };
    if (sameNames(found.name, input.names)) return { ok: false, reason: "names_unchanged" };
    const renamed = { ...found, name: { ...input.names } };
    return {
      ok: true,
      action: "holiday.renamed",
      after: rows.map((r) => (r === found ? renamed : r)),
      changed: renamed,
      before: found,
    };
  });
}

/**
 * Removes the holiday on a day. The last holiday of a year is kept: a year without holidays is a year the
 * calendar does not cover, and every deadline running into it would fail.
 */
export function removeHoliday(
  deps: CalendarChangeDeps,
  input: { date: LocalDate; reason: string },
): Promise<CalendarChangeResult> {
  return change(deps, input.reason, (rows) => {
    const found = onDay(rows, input.date);
    if (!found) return { ok: false, reason: "not_found" };
    const after = rows.filter((r) => r !== found);
    if (!after.some((r) => yearOf(r.date) === yearOf(found.date)))
      return { ok: false, reason: "last_of_year" };
    return { ok: true, action: "holiday.removed", after, before: found };
  });
}

// ---------------------------------------------------------------------------------------------
// Reading

/** The holidays of a calendar in a year, by date. */
export async function holidaysOf(db: Db, calendar: string, year: number): Promise<HolidayRow[]> {
  const rows = await db.select().from(holidays).where(eq(holidays.calendar, calendar));
  return rows
    .filter((r) => yearOf(r.date) === year)
    .sort((a, b) => a.date.localeCompare(b.date) || a.id - b.id);
}

/**
 * The holidays whose date is announced each year (the Bajrams) that a year of the calendar does not have
 * yet: those announced in another year of it and missing from this one. Until a date is added, that day
 * counts as a working day, so the calendar page flags the year with exactly what is missing (issue 9).
 */
export async function missingAnnounced(db: Db, calendar: string, year: number): Promise<HolidayRow[]> {
  return missingIn(await announcedOf(db, calendar), year);
}

const announcedOf = (db: Db, calendar: string) =>
  db
    .select()
    .from(holidays)
    .where(and(eq(holidays.calendar, calendar), eq(holidays.rule, RULE_OF.movable)));

/** Of the announced holidays of every year, those a year lacks: each by its latest known date. */
function missingIn(rows: readonly HolidayRow[], year: number): HolidayRow[] {
  const present = new Set(rows.filter((r) => yearOf(r.date) === year).map((r) => r.code));
  const missing = new Map<string, HolidayRow>();
  for (const r of [...rows].sort((a, b) => b.date.localeCompare(a.date)))
    if (!present.has(r.code) && !missing.has(r.code)) missing.set(r.code, r);
  return [...missing.values()];
}

/** From this day of the year the next year is watched even before it has any holiday: see yearsWatched. */
export const NEXT_YEAR_WATCHED_FROM = "10-01";

/**
 * The years whose missing Bajrams the ministry is warned of wherever it looks (its dashboard, every
 * calendar page), not only on that year's page: this year, and the next once the calendar has any holiday
 * in it or from 1 October. Deadlines counted in the autumn already reach into January (30 working days
 * from late November do), and the dates are usually announced in the autumn; earlier, a warning about a
 * year nobody has begun would be noise. Pure.
 */
export function yearsWatched(today: LocalDate, years: readonly number[]): number[] {
  const year = yearOf(today);
  const next = years.includes(year + 1) || today.slice(5) >= NEXT_YEAR_WATCHED_FROM;
  return next ? [year, year + 1] : [year];
}

export interface AnnouncedGap {
  year: number;
  missing: HolidayRow[];
}

/** The watched years (yearsWatched) that lack an announced holiday, each with what it lacks: two reads. */
export async function announcedGaps(db: Db, calendar: string, today: LocalDate): Promise<AnnouncedGap[]> {
  const [rows, years] = await Promise.all([announcedOf(db, calendar), yearsOf(db, calendar)]);
  return yearsWatched(today, years)
    .map((year) => ({ year, missing: missingIn(rows, year) }))
    .filter((g) => g.missing.length > 0);
}

/** The years a calendar covers: those in which it has a holiday (as buildCalendar counts them). */
export async function yearsOf(db: Db, calendar: string): Promise<number[]> {
  const rows = await db
    .selectDistinct({ date: holidays.date })
    .from(holidays)
    .where(eq(holidays.calendar, calendar));
  return [...new Set(rows.map((r) => yearOf(r.date)))].sort((a, b) => a - b);
}

export interface CalendarChangeEntry {
  at: Date;
  action: "holiday.added" | "holiday.renamed" | "holiday.removed";
  /** Who made it; null when the account is gone. */
  by: string | null;
  before: ReturnType<typeof described> | null;
  after: ReturnType<typeof described> | null;
  reason: string;
  moved: MovedDayOff[];
}

/** The changes made to a calendar's year, newest first, from the audit log. */
export async function calendarHistory(
  db: Db,
  calendar: string,
  year: number,
): Promise<CalendarChangeEntry[]> {
  const rows = await db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      data: auditLog.data,
      name: users.name,
      gone: users.deletedAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(and(eq(auditLog.subjectType, "calendar"), eq(auditLog.subjectId, `${calendar}:${year}`)))
    .orderBy(desc(auditLog.at), desc(auditLog.id));
  return rows.map((r) => {
    const data = (r.data ?? {}) as Partial<Omit<CalendarChangeEntry, "at" | "action" | "by">>;
    return {
      at: r.at,
      action: r.action as CalendarChangeEntry["action"],
      by: r.gone ? null : r.name,
      before: data.before ?? null,
      after: data.after ?? null,
      reason: data.reason ?? "",
      moved: data.moved ?? [],
    };
  });
}

// ---------------------------------------------------------------------------------------------
// The calendar the running process computes with

/**
 * Puts a freshly loaded calendar's holidays into the one the process holds (app.deps.calendar, shared
 * with the SLA scheduler and captured by every route), so deadlines computed from now on follow the
 * change without a restart; then has calendar.ts forget what it kept about the old holidays.
 */
export function refreshCalendar(target: WorkingCalendar, fresh: WorkingCalendar): void {
  target.holidays = fresh.holidays;
  target.years = fresh.years;
  // calendar.ts keeps answers per calendar object: they were about the old holidays.
  forgetCalendarAnswers(target);
}
