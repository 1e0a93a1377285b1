/**
 * Properties of the working-day arithmetic that deadlines rest on, on the real Kosovo holiday data for
 * 2026-27 (Europe/Belgrade), built the same way as in calendar.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  addWorkingTime,
  buildCalendar,
  type Holiday,
  isWorkingDay,
  reference,
  wholeWorkingDaysBetween,
  workingDaysBetween,
} from "./calendar.ts";
import { addDays, localDateOf, startOfLocalDay } from "./zone.ts";

const TZ = "Europe/Belgrade";
type Row = [date: string, observed: string, en: string, rule: Holiday["rule"], status: Holiday["status"]];
const ROWS: Row[] = [
  ["2025-12-25", "2025-12-25", "Catholic Christmas", "fixed", "law"],
  ["2026-01-01", "2026-01-01", "New Year", "fixed", "law"],
  ["2026-01-02", "2026-01-02", "New Year (second day)", "fixed", "law"],
  ["2026-01-07", "2026-01-07", "Orthodox Christmas", "fixed", "law"],
  ["2026-02-17", "2026-02-17", "Independence Day", "fixed", "law"],
  ["2026-03-20", "2026-03-20", "Eid al-Fitr", "announced", "check"],
  ["2026-04-06", "2026-04-06", "Catholic Easter Monday", "easter", "law"],
  ["2026-04-09", "2026-04-09", "Constitution Day", "fixed", "law"],
  ["2026-04-13", "2026-04-13", "Orthodox Easter Monday", "easter", "law"],
  ["2026-05-01", "2026-05-01", "Labour Day", "fixed", "law"],
  ["2026-05-09", "2026-05-11", "Europe Day", "fixed", "law"],
  ["2026-05-27", "2026-05-27", "Eid al-Adha", "announced", "check"],
  ["2026-12-25", "2026-12-25", "Catholic Christmas", "fixed", "law"],
  ["2027-01-01", "2027-01-01", "New Year", "fixed", "law"],
  ["2027-01-02", "2027-01-04", "New Year (second day)", "fixed", "law"],
  ["2027-05-01", "2027-05-04", "Labour Day", "fixed", "law"],
  ["2027-05-03", "2027-05-03", "Orthodox Easter Monday", "easter", "law"],
  ["2027-05-09", "2027-05-10", "Europe Day", "fixed", "law"],
  ["2027-12-25", "2027-12-27", "Catholic Christmas", "fixed", "law"],
];
const cal = buildCalendar({
  timeZone: TZ,
  holidays: ROWS.map(([date, observed, en, rule, status]) => ({
    date,
    observed,
    name: { en, sq: en },
    rule,
    status,
  })),
});

// Starts from New Year 2026 to the end of September 2027, so that 60 working days stay inside the data.
const start = fc.date({
  min: new Date("2025-12-31T23:00:00Z"),
  max: new Date("2027-09-30T21:59:59.999Z"),
  noInvalidDate: true,
});
const days = fc.integer({ min: 0, max: 60 });
const lastDayOf = (deadline: Date) => localDateOf(new Date(deadline.getTime() - 1), TZ);

describe("a working-days deadline", () => {
  it("ends at local midnight after a working day: the due date is never a non-working day", () => {
    fc.assert(
      fc.property(start, days, (t, n) => {
        const due = addWorkingDays(t, n, cal);
        expect(isWorkingDay(lastDayOf(due), cal)).toBe(true);
        expect(startOfLocalDay(localDateOf(due, TZ), TZ).getTime()).toBe(due.getTime());
      }),
    );
  });

  it("is never earlier for more working days", () => {
    fc.assert(
      fc.property(start, days, days, (t, a, b) => {
        const [few, more] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays(t, few, cal).getTime()).toBeLessThanOrEqual(
          addWorkingDays(t, more, cal).getTime(),
        );
      }),
    );
  });

  it("is the first instant at which n whole working days have been counted", () => {
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 60 }), (t, n) => {
        const due = addWorkingDays(t, n, cal);
        expect(wholeWorkingDaysBetween(t, due, cal)).toBe(n);
        expect(wholeWorkingDaysBetween(t, new Date(due.getTime() - 1), cal)).toBe(n - 1);
      }),
    );
  });
});

describe("wholeWorkingDaysBetween", () => {
  it("never decreases as the end moves on, and counts only working days after the start's day", () => {
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 0, max: 86_400_000 }),
        (t, d, e) => {
          const to = new Date(t.getTime() + d);
          const later = new Date(to.getTime() + e);
          const counted = wholeWorkingDaysBetween(t, to, cal);
          expect(wholeWorkingDaysBetween(t, later, cal)).toBeGreaterThanOrEqual(counted);
          let expected = 0;
          for (let day = addDays(localDateOf(t, TZ), 1); day < localDateOf(to, TZ); day = addDays(day, 1)) {
            if (isWorkingDay(day, cal)) expected += 1;
          }
          expect(counted).toBe(expected);
        },
      ),
    );
  });

  it("counts across a carried-over holiday weekend: Thursday 7 May 2026 to Wednesday 13 May is 2", () => {
    // Friday 8 and Tuesday 12; Europe Day (Saturday 9 May) is observed on Monday 11.
    expect(
      wholeWorkingDaysBetween(new Date("2026-05-07T08:00:00Z"), new Date("2026-05-13T08:00:00Z"), cal),
    ).toBe(2);
  });
});

describe("addWorkingTime (the inverse of workingDaysBetween)", () => {
  const amount = fc.double({ min: 0, max: 40, noNaN: true });

  it("reaches the working time asked for, and not (beyond rounding to the millisecond) earlier", () => {
    fc.assert(
      fc.property(start, amount, (t, x) => {
        const reached = addWorkingTime(t, x, cal);
        expect(workingDaysBetween(t, reached, cal)).toBeGreaterThanOrEqual(x - 1e-9);
        expect(workingDaysBetween(t, reached, cal)).toBeLessThan(x + 1e-7); // a millisecond is 1.2e-8 days
        if (reached.getTime() - 2 > t.getTime()) {
          expect(workingDaysBetween(t, new Date(reached.getTime() - 2), cal)).toBeLessThan(x);
        }
      }),
    );
  });

  it("never lands inside a non-working day", () => {
    fc.assert(
      fc.property(
        start,
        amount.filter((x) => x > 0),
        (t, x) => {
          const reached = addWorkingTime(t, x, cal);
          expect(isWorkingDay(lastDayOf(reached), cal)).toBe(true);
        },
      ),
    );
  });

  it("skips the weekend of the spring DST switch: half a working day after Friday is Monday noon, summer time", () => {
    // Friday 27 March 2026 ends 23:00Z (winter); Monday 30 starts at 22:00Z on the 29th (summer).
    expect(addWorkingTime(new Date("2026-03-27T23:00:00Z"), 0.5, cal).toISOString()).toBe(
      "2026-03-30T10:00:00.000Z",
    );
    expect(() => addWorkingTime(new Date("2026-03-27T23:00:00Z"), -1, cal)).toThrow(RangeError);
  });
});

describe("the day index answers exactly as the day-by-day definitions", () => {
  // Any instant in and around the covered years (2025–2027 here), so that answers needing a day outside
  // them are compared too: both must then throw the same RangeError.
  const anywhere = fc.date({
    min: new Date("2024-12-20T00:00:00Z"),
    max: new Date("2028-01-10T00:00:00Z"),
    noInvalidDate: true,
  });
  const outcome = (f: () => Date | number) => {
    try {
      const v = f();
      return { value: v instanceof Date ? v.getTime() : v };
    } catch (e) {
      return { error: (e as Error).constructor.name };
    }
  };
  // Instants at local midnight and just before it, where a day index could be off by one.
  const edgy = fc.oneof(
    anywhere,
    anywhere.map((d) => startOfLocalDay(localDateOf(d, TZ), TZ)),
    anywhere.map((d) => new Date(startOfLocalDay(localDateOf(d, TZ), TZ).getTime() - 1)),
  );

  it("for deadlines in working days", () => {
    fc.assert(
      fc.property(edgy, fc.integer({ min: 0, max: 400 }), (t, n) => {
        expect(outcome(() => addWorkingDays(t, n, cal))).toEqual(
          outcome(() => reference.addWorkingDays(t, n, cal)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("for working time elapsed and whole working days counted", () => {
    fc.assert(
      fc.property(edgy, edgy, (a, b) => {
        expect(outcome(() => workingDaysBetween(a, b, cal))).toEqual(
          outcome(() => reference.workingDaysBetween(a, b, cal)),
        );
        expect(outcome(() => wholeWorkingDaysBetween(a, b, cal))).toEqual(
          outcome(() => reference.wholeWorkingDaysBetween(a, b, cal)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("for the instant a working time is reached", () => {
    fc.assert(
      fc.property(
        edgy,
        fc.oneof(fc.double({ min: 0, max: 300, noNaN: true }), fc.integer({ min: 0, max: 60 })),
        (t, x) => {
          expect(outcome(() => addWorkingTime(t, x, cal))).toEqual(
            outcome(() => reference.addWorkingTime(t, x, cal)),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("leaves a calendar whose years have a gap to the definitions, which refuse the missing year", () => {
    const gap = buildCalendar({ timeZone: TZ, holidays: [], years: [2025, 2027] });
    expect(() => addWorkingDays(new Date("2026-03-02T10:00:00Z"), 3, gap)).toThrow(RangeError);
    expect(addWorkingDays(new Date("2027-03-01T10:00:00Z"), 1, gap).toISOString()).toBe(
      "2027-03-02T23:00:00.000Z",
    );
  });
});
