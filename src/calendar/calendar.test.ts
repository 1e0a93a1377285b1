/**
 * Behaviour of the working-day calendar and the SLA deadline rule, on real Kosovo holiday data
 * for 2026-27 (Europe/Belgrade). The rows below are copied verbatim from the municipal data,
 * including the observed (carried-over) day; the last column (Albanian name) is added for `Holiday`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addWorkingDays,
  buildCalendar,
  type Holiday,
  isWorkingDay,
  observedDate,
  workingDaysBetween,
} from "./calendar.ts";
import { addDays, localDateOf, startOfLocalDay } from "./zone.ts";

const TZ = "Europe/Belgrade";
type Rule = Holiday["rule"];
type Row = [date: string, observed: string, en: string, rule: Rule, status: Holiday["status"], sq: string];
const ROWS: Row[] = [
  ["2025-12-25", "2025-12-25", "Catholic Christmas", "fixed", "law", "Krishtlindjet Katolike"],
  ["2026-01-01", "2026-01-01", "New Year", "fixed", "law", "Viti i Ri"],
  ["2026-01-02", "2026-01-02", "New Year (second day)", "fixed", "law", "Viti i Ri (dita e dytë)"],
  ["2026-01-07", "2026-01-07", "Orthodox Christmas", "fixed", "law", "Krishtlindjet Ortodokse"],
  ["2026-02-17", "2026-02-17", "Independence Day", "fixed", "law", "Dita e Pavarësisë"],
  ["2026-03-20", "2026-03-20", "Eid al-Fitr", "announced", "check", "Fitër Bajrami"],
  ["2026-04-06", "2026-04-06", "Catholic Easter Monday", "easter", "law", "E hëna e Pashkëve Katolike"],
  ["2026-04-09", "2026-04-09", "Constitution Day", "fixed", "law", "Dita e Kushtetutës"],
  ["2026-04-13", "2026-04-13", "Orthodox Easter Monday", "easter", "law", "E hëna e Pashkëve Ortodokse"],
  ["2026-05-01", "2026-05-01", "Labour Day", "fixed", "law", "Dita Ndërkombëtare e Punës"],
  ["2026-05-09", "2026-05-11", "Europe Day", "fixed", "law", "Dita e Evropës"],
  ["2026-05-27", "2026-05-27", "Eid al-Adha", "announced", "check", "Kurban Bajrami"],
  ["2026-12-25", "2026-12-25", "Catholic Christmas", "fixed", "law", "Krishtlindjet Katolike"],
  ["2027-01-01", "2027-01-01", "New Year", "fixed", "law", "Viti i Ri"],
  ["2027-01-02", "2027-01-04", "New Year (second day)", "fixed", "law", "Viti i Ri (dita e dytë)"],
  ["2027-05-01", "2027-05-04", "Labour Day", "fixed", "law", "Dita Ndërkombëtare e Punës"],
  ["2027-05-03", "2027-05-03", "Orthodox Easter Monday", "easter", "law", "E hëna e Pashkëve Ortodokse"],
  ["2027-05-09", "2027-05-10", "Europe Day", "fixed", "law", "Dita e Evropës"],
  ["2027-12-25", "2027-12-27", "Catholic Christmas", "fixed", "law", "Krishtlindjet Katolike"],
];
const HOLIDAYS = ROWS.map(([date, observed, en, rule, status, sq]): Holiday => {
  return { date, observed, name: { en, sq }, rule, status };
});
const cal = buildCalendar({ timeZone: TZ, holidays: HOLIDAYS });
const due = (startIso: string, n: number) => addWorkingDays(new Date(startIso), n, cal).toISOString();

describe("building the calendar", () => {
  it("indexes holidays by observed day and derives the covered years from the data", () => {
    expect(cal.years).toEqual([2025, 2026, 2027]);
    expect(cal.weekend).toEqual([0, 6]);
    expect(cal.holidays.get("2026-05-11")?.map((h) => h.name.en)).toEqual(["Europe Day"]);
    expect(cal.holidays.has("2026-05-09")).toBe(false);
    const explicit = buildCalendar({ timeZone: TZ, holidays: HOLIDAYS, years: [2027, 2026] });
    expect(explicit.years).toEqual([2026, 2027]);
  });

  it("rejects malformed holiday dates and unknown time zones", () => {
    const bad = { ...HOLIDAYS[0]!, observed: "2025-12-32" };
    expect(() => buildCalendar({ timeZone: TZ, holidays: [bad] })).toThrow(RangeError);
    expect(() => buildCalendar({ timeZone: "Europe/Prishtina_Nowhere", holidays: [] })).toThrow(RangeError);
  });
});

describe("observed day (weekend and collision carry-over)", () => {
  it("reproduces every row's observed day from the other rows' observances", () => {
    for (const [i, h] of HOLIDAYS.entries()) {
      const others = new Set(HOLIDAYS.filter((_, j) => j !== i).map((o) => o.observed));
      expect(observedDate(h.date, others, [0, 6]), h.date).toBe(h.observed);
    }
  });

  it("moves 2027 Labour Day past Orthodox Easter Monday to Tuesday 4 May", () => {
    expect(observedDate("2027-05-01", new Set(["2027-05-03"]), [0, 6])).toBe("2027-05-04");
    expect(observedDate("2027-05-01", new Set(), [0, 6])).toBe("2027-05-03");
    expect(observedDate("2026-05-09", new Set())).toBe("2026-05-11"); // Europe Day 2026
    expect(observedDate("2026-05-08", new Set(), [5, 6])).toBe("2026-05-10"); // Fri/Sat weekend
  });
});

describe("working days", () => {
  it("treats weekends and observed holidays as non-working, the weekday after carry-over too", () => {
    expect(isWorkingDay("2026-11-27", cal)).toBe(true);
    expect(isWorkingDay("2026-11-28", cal)).toBe(false);
    expect(isWorkingDay("2026-05-11", cal)).toBe(false); // Europe Day carried to Monday
    expect(isWorkingDay("2027-05-04", cal)).toBe(false); // Labour Day carried past Easter Monday
    expect(isWorkingDay("2027-01-04", cal)).toBe(false);
  });

  it("is loud about a year with no data", () => {
    expect(() => isWorkingDay("2028-03-01", cal)).toThrow(/No holiday data for 2028/);
  });
});

describe("addWorkingDays (deadline = end of the n-th working day after the start's local day)", () => {
  it("makes a Friday-afternoon submission with n=1 due at the end of Monday", () => {
    expect(due("2026-11-27T14:00:00Z", 1)).toBe("2026-11-30T23:00:00.000Z"); // Fri 15:00 local
  });

  it("jumps over Christmas and the weekend: 24 Dec 2026 + 3 is due at the end of 30 Dec", () => {
    expect(due("2026-12-24T09:00:00Z", 3)).toBe("2026-12-30T23:00:00.000Z");
  });

  it("jumps over New Year 2027 including the second day carried to Monday 4 January", () => {
    expect(due("2026-12-30T09:00:00Z", 3)).toBe("2027-01-06T23:00:00.000Z"); // 31 Dec, 5 Jan, 6 Jan
  });

  it("skips Europe Day 2026, carried to Monday 11 May", () => {
    expect(due("2026-05-08T08:00:00Z", 1)).toBe("2026-05-12T22:00:00.000Z");
  });

  it("skips both 3 and 4 May 2027 (Orthodox Easter Monday and carried Labour Day)", () => {
    expect(due("2027-04-30T08:00:00Z", 1)).toBe("2027-05-05T22:00:00.000Z");
  });

  it("ends at local midnight across the March 2026 DST switch (23:00Z winter, 22:00Z summer)", () => {
    expect(due("2026-03-27T09:00:00Z", 0)).toBe("2026-03-27T23:00:00.000Z");
    expect(due("2026-03-27T09:00:00Z", 1)).toBe("2026-03-30T22:00:00.000Z");
    expect(due("2026-10-23T09:00:00Z", 1)).toBe("2026-10-26T23:00:00.000Z"); // and back in October
  });

  it("counts the local day, not the UTC day, for late-evening and just-after-midnight submissions", () => {
    expect(due("2026-11-26T22:30:00Z", 1)).toBe("2026-11-27T23:00:00.000Z"); // Thu 23:30 local
    expect(due("2026-11-27T22:30:00Z", 0)).toBe("2026-11-27T23:00:00.000Z"); // Fri 23:30 local
    expect(due("2026-11-27T23:30:00Z", 0)).toBe("2026-11-30T23:00:00.000Z"); // Sat 00:30 local
  });

  it("with n=0 ends the start's own working day, or else the next working day", () => {
    expect(due("2026-11-30T07:00:00Z", 0)).toBe("2026-11-30T23:00:00.000Z");
    expect(due("2026-12-25T10:00:00Z", 0)).toBe("2026-12-28T23:00:00.000Z");
  });

  it("throws RangeError for negative or fractional n", () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => due("2026-11-27T14:00:00Z", n)).toThrow(RangeError);
    }
  });

  it("throws RangeError once the search reaches a year without data, but not before", () => {
    expect(due("2027-12-29T09:00:00Z", 2)).toBe("2027-12-31T23:00:00.000Z"); // ends 00:00 1 Jan 2028
    expect(() => due("2027-12-29T09:00:00Z", 3)).toThrow(/No holiday data for 2028/);
    expect(() => due("2024-06-03T09:00:00Z", 0)).toThrow(RangeError);
  });
});

describe("workingDaysBetween", () => {
  const between = (a: string, b: string, c = cal) => workingDaysBetween(new Date(a), new Date(b), c);

  it("is 0 when to <= from, and counts only working-day time", () => {
    expect(between("2026-11-27T12:00:00Z", "2026-11-27T12:00:00Z")).toBe(0);
    expect(between("2026-11-27T12:00:00Z", "2026-11-26T12:00:00Z")).toBe(0);
    expect(between("2026-11-27T11:00:00Z", "2026-11-30T11:00:00Z")).toBe(1); // Fri noon -> Mon noon
    expect(between("2026-11-28T11:00:00Z", "2026-11-29T20:00:00Z")).toBe(0); // weekend only
    expect(between("2026-12-24T11:00:00Z", "2026-12-28T23:00:00Z")).toBe(1.5); // half 24th + 28th
  });

  it("measures a DST day by its own 23-hour length", () => {
    const sundayWork = buildCalendar({ timeZone: TZ, weekend: [5, 6], holidays: HOLIDAYS });
    // 00:00 -> 12:00 local on 29 Mar 2026 is 11 real hours of a 23-hour day.
    expect(between("2026-03-28T23:00:00Z", "2026-03-29T10:00:00Z", sundayWork)).toBeCloseTo(11 / 23, 12);
  });
});

describe("properties over every start instant in 2026 and n in 0..30", () => {
  const start = fc.date({
    min: new Date("2025-12-31T23:00:00Z"),
    max: new Date("2026-12-31T22:59:59.999Z"),
    noInvalidDate: true,
  });
  const n = fc.integer({ min: 0, max: 30 });

  it("lands on a local midnight right after a working day, later than the start", () => {
    fc.assert(
      fc.property(start, n, (t, k) => {
        const r = addWorkingDays(t, k, cal);
        const day = localDateOf(r, TZ);
        expect(startOfLocalDay(day, TZ).getTime()).toBe(r.getTime());
        expect(isWorkingDay(addDays(day, -1), cal)).toBe(true);
        expect(r.getTime()).toBeGreaterThan(t.getTime());
      }),
    );
  });

  it("is monotonic in n (strictly from n=1 on) and in the start", () => {
    fc.assert(
      fc.property(start, start, n, (t1, t2, k) => {
        const [a, b] = t1 <= t2 ? [t1, t2] : [t2, t1];
        expect(addWorkingDays(a, k, cal).getTime()).toBeLessThanOrEqual(addWorkingDays(b, k, cal).getTime());
        const r = addWorkingDays(a, k, cal).getTime();
        const r1 = addWorkingDays(a, k + 1, cal).getTime();
        if (k >= 1) expect(r1).toBeGreaterThan(r);
        else expect(r1).toBeGreaterThanOrEqual(r);
      }),
    );
  });

  it("measures exactly n + the rest of the start day (working start) or max(n, 1) (non-working start)", () => {
    fc.assert(
      fc.property(start, n, (t, k) => {
        const day = localDateOf(t, TZ);
        const dayStart = startOfLocalDay(day, TZ).getTime();
        const dayEnd = startOfLocalDay(addDays(day, 1), TZ).getTime();
        const elapsed = workingDaysBetween(t, addWorkingDays(t, k, cal), cal);
        if (isWorkingDay(day, cal)) {
          const rest = (dayEnd - t.getTime()) / (dayEnd - dayStart);
          expect(elapsed).toBeCloseTo(k + rest, 9);
          expect(elapsed).toBeGreaterThan(k);
          expect(elapsed).toBeLessThanOrEqual(k + 1);
        } else {
          expect(elapsed).toBe(Math.max(k, 1));
        }
      }),
    );
  });
});
