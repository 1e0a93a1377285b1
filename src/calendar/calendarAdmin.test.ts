// The pure parts of the ministry's calendar changes: the days observed after a change (the weekend
// carry-over over the whole calendar), holiday codes, and refreshing the calendar the process holds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadProfile } from "../reference/profile.ts";
import { addWorkingDays, buildCalendar, type Holiday, isWorkingDay } from "./calendar.ts";
import { holidayCode, observedDays, refreshCalendar, yearsWatched } from "./calendarAdmin.ts";
import { addDays, dayOfWeek } from "./zone.ts";

const WEEKEND = [0, 6];
const days = (...dates: string[]) =>
  observedDays(
    dates.map((date) => ({ date })),
    WEEKEND,
  );

describe("the days observed after a change", () => {
  it("gives back every observed day of the Kosovo profile, 2025 to 2027", () => {
    const { holidays } = loadProfile();
    expect(observedDays(holidays, WEEKEND)).toEqual(holidays.map((h) => h.observed));
  });

  it("keeps a holiday on a working day, moves a weekend one to the next free working day", () => {
    // Friday 20 March 2026 stays; Saturday 9 May 2026 goes to Monday 11 May.
    expect(days("2026-03-20", "2026-05-09")).toEqual(["2026-03-20", "2026-05-11"]);
  });

  it("lets a holiday on its own day keep it, whatever the order given: 1 May 2027 passes 3 May to the 4th", () => {
    expect(days("2027-05-03", "2027-05-01")).toEqual(["2027-05-03", "2027-05-04"]);
    expect(days("2027-05-01", "2027-05-03")).toEqual(["2027-05-04", "2027-05-03"]);
  });

  it("moves a carried day off when a new holiday takes that Monday, and back when it is removed", () => {
    // Europe Day 2026 (Saturday) is observed on Monday 11 May; a holiday added on the 11th pushes it to the 12th.
    expect(days("2026-05-09", "2026-05-11")).toEqual(["2026-05-12", "2026-05-11"]);
    expect(days("2026-05-09")).toEqual(["2026-05-11"]);
  });

  it("never gives a weekend day, never one before the holiday, never one day to two holidays", () => {
    const date = fc.integer({ min: 0, max: 3 * 365 }).map((n) => addDays("2025-01-01", n));
    fc.assert(
      fc.property(fc.uniqueArray(date, { maxLength: 40 }), (dates) => {
        const observed = observedDays(
          dates.map((d) => ({ date: d })),
          WEEKEND,
        );
        expect(new Set(observed).size).toBe(dates.length);
        observed.forEach((o, i) => {
          expect(WEEKEND).not.toContain(dayOfWeek(o));
          expect(o >= dates[i]!).toBe(true);
          // A holiday on a working day is observed on its own day.
          if (!WEEKEND.includes(dayOfWeek(dates[i]!))) expect(o).toBe(dates[i]);
        });
      }),
    );
  });
});

describe("holiday codes", () => {
  it("are made from the English name as the profile makes them", () => {
    expect(holidayCode("Eid al-Fitr")).toBe("eid-al-fitr");
    expect(holidayCode("New Year (second day)")).toBe("new-year-second-day");
    expect(holidayCode("Día de Europa")).toBe("dia-de-europa");
    expect(holidayCode("!!!")).toBe("holiday");
    expect(holidayCode("x".repeat(100))).toHaveLength(60);
  });
});

describe("refreshing the calendar the process holds", () => {
  const TZ = "Europe/Belgrade";
  const holiday = (date: string, observed = date): Holiday => ({
    date,
    observed,
    name: { en: date, sq: date },
    rule: "fixed",
    status: "law",
  });
  const before = [holiday("2026-01-01"), holiday("2026-05-09", "2026-05-11")];

  it("makes the same object answer by the new holidays, even about days it was asked before", () => {
    const held = buildCalendar({ timeZone: TZ, holidays: before });
    // Asked before the change: Tuesday 12 May 2026 is a working day; one working day after Friday 8 May ends on the 12th.
    expect(isWorkingDay("2026-05-12", held)).toBe(true);
    expect(addWorkingDays(new Date("2026-05-08T10:00:00Z"), 1, held).toISOString()).toBe(
      "2026-05-12T22:00:00.000Z",
    );
    // A holiday added on Monday 11 May pushes Europe Day's day off to the 12th.
    const fresh = buildCalendar({
      timeZone: TZ,
      holidays: [holiday("2026-01-01"), holiday("2026-05-09", "2026-05-12"), holiday("2026-05-11")],
    });
    refreshCalendar(held, fresh);
    expect(isWorkingDay("2026-05-12", held)).toBe(false);
    expect(addWorkingDays(new Date("2026-05-08T10:00:00Z"), 1, held).toISOString()).toBe(
      "2026-05-13T22:00:00.000Z",
    );
    expect(held.timeZone).toBe(TZ);
  });

  it("takes the years the fresh data covers", () => {
    const held = buildCalendar({ timeZone: TZ, holidays: before });
    refreshCalendar(held, buildCalendar({ timeZone: TZ, holidays: [...before, holiday("2027-01-01")] }));
    expect(held.years).toEqual([2026, 2027]);
    expect(isWorkingDay("2027-01-01", held)).toBe(false);
  });
});

describe("the years whose missing Bajrams are flagged beyond their own page", () => {
  it("is this year, and the next once it has any holiday or from 1 October", () => {
    expect(yearsWatched("2026-09-30", [2025, 2026])).toEqual([2026]);
    expect(yearsWatched("2026-10-01", [2025, 2026])).toEqual([2026, 2027]);
    expect(yearsWatched("2026-12-31", [2026])).toEqual([2026, 2027]);
    expect(yearsWatched("2026-02-01", [2026, 2027])).toEqual([2026, 2027]);
    // A year the calendar has not begun is still this year's: it lacks every date.
    expect(yearsWatched("2028-03-01", [2026, 2027])).toEqual([2028]);
  });
});
