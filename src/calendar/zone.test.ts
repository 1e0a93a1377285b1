/**
 * Behaviour of the Intl-only time-zone helpers: local days, local midnight across DST, and
 * zone-free day arithmetic. Europe/Belgrade is UTC+1 in winter and UTC+2 in summer (switches on
 * the last Sunday of March and of October).
 */
import { describe, expect, it } from "vitest";
import { addDays, dayOfWeek, isValidLocalDate, localDateOf, startOfLocalDay } from "./zone.ts";

const TZ = "Europe/Belgrade";

describe("localDateOf", () => {
  it("gives the local day, which is already the next day shortly after local midnight", () => {
    expect(localDateOf(new Date("2026-11-27T22:30:00Z"), TZ)).toBe("2026-11-27"); // 23:30 local
    expect(localDateOf(new Date("2026-11-27T23:30:00Z"), TZ)).toBe("2026-11-28"); // 00:30 local
    expect(localDateOf(new Date("2026-07-01T22:00:00Z"), TZ)).toBe("2026-07-02"); // 00:00 summer
    expect(localDateOf(new Date("2026-07-01T21:59:59.999Z"), TZ)).toBe("2026-07-01");
  });

  it("rejects an invalid Date and an unknown time zone", () => {
    expect(() => localDateOf(new Date(Number.NaN), TZ)).toThrow(RangeError);
    expect(() => localDateOf(new Date(0), "Mars/Olympus_Mons")).toThrow(RangeError);
  });
});

describe("startOfLocalDay", () => {
  it("is 23:00Z in winter time and 22:00Z in summer time", () => {
    expect(startOfLocalDay("2026-01-15", TZ).toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfLocalDay("2026-07-15", TZ).toISOString()).toBe("2026-07-14T22:00:00.000Z");
  });

  it("makes the March switch day 23 hours long and the October switch day 25 hours long", () => {
    const hours = (d: string) =>
      (startOfLocalDay(addDays(d, 1), TZ).getTime() - startOfLocalDay(d, TZ).getTime()) / 3_600_000;
    expect(startOfLocalDay("2026-03-29", TZ).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfLocalDay("2026-03-30", TZ).toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(hours("2026-03-29")).toBe(23);
    expect(startOfLocalDay("2026-10-25", TZ).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(startOfLocalDay("2026-10-26", TZ).toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect(hours("2026-10-25")).toBe(25);
    expect(hours("2026-06-10")).toBe(24);
  });

  it("round-trips with localDateOf for every day of 2026", () => {
    for (let d = "2026-01-01"; d <= "2026-12-31"; d = addDays(d, 1)) {
      const start = startOfLocalDay(d, TZ);
      expect(localDateOf(start, TZ)).toBe(d);
      expect(localDateOf(new Date(start.getTime() - 1), TZ)).toBe(addDays(d, -1));
    }
  });

  it("works in other zones, including one where local midnight is skipped by DST", () => {
    expect(startOfLocalDay("2026-07-04", "America/New_York").toISOString()).toBe("2026-07-04T04:00:00.000Z");
    expect(startOfLocalDay("2026-07-04", "UTC").toISOString()).toBe("2026-07-04T00:00:00.000Z");
    // Chile springs forward from 24:00 to 01:00: 6 Sep 2026 starts at 01:00 local (-03).
    expect(startOfLocalDay("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });
});

describe("day arithmetic", () => {
  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-03-28", 2)).toBe("2026-03-30"); // unaffected by DST
    expect(() => addDays("2026-01-01", 0.5)).toThrow(RangeError);
  });

  it("numbers the days of the week from Sunday = 0", () => {
    expect(dayOfWeek("2026-11-27")).toBe(5); // Friday
    expect(dayOfWeek("2026-05-09")).toBe(6); // Saturday
    expect(dayOfWeek("2026-03-29")).toBe(0); // Sunday
    expect(dayOfWeek("2026-11-30")).toBe(1); // Monday
  });

  it("accepts only real days written YYYY-MM-DD", () => {
    expect(isValidLocalDate("2026-02-28")).toBe(true);
    expect(isValidLocalDate("2028-02-29")).toBe(true);
    for (const bad of ["2026-02-29", "2026-13-01", "2026-1-05", "2026-01-05T00:00", "", "05/01/2026"]) {
      expect(isValidLocalDate(bad)).toBe(false);
    }
    expect(() => dayOfWeek("2026-02-30")).toThrow(RangeError);
  });
});

describe("localDateTime", () => {
  it("turns a Kosovo wall-clock time into the right instant in winter and summer", async () => {
    const { localDateTime } = await import("./zone.ts");
    expect(localDateTime("2026-11-20", "09:30", "Europe/Belgrade").toISOString()).toBe(
      "2026-11-20T08:30:00.000Z",
    );
    expect(localDateTime("2026-07-01", "09:30", "Europe/Belgrade").toISOString()).toBe(
      "2026-07-01T07:30:00.000Z",
    );
    // 29 March 2026: 02:00 jumps to 03:00; 25 October 2026: 02:00–03:00 happens twice.
    expect(localDateTime("2026-03-29", "03:30", "Europe/Belgrade").toISOString()).toBe(
      "2026-03-29T01:30:00.000Z",
    );
    expect(localDateTime("2026-10-25", "02:30", "Europe/Belgrade").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
  });

  it("refuses what is not a date and time", async () => {
    const { localDateTime } = await import("./zone.ts");
    expect(() => localDateTime("2026-02-30", "10:00", "Europe/Belgrade")).toThrow(RangeError);
    expect(() => localDateTime("2026-02-10", "24:00", "Europe/Belgrade")).toThrow(RangeError);
    expect(() => localDateTime("2026-02-10", "9:00", "Europe/Belgrade")).toThrow(RangeError);
  });
});

describe("the kept offsets and day starts", () => {
  // localDateOf and startOfLocalDay keep what Intl told them (per quarter of an hour, per day); what they
  // answer must stay what Intl says, most of all in the hours around a DST switch and in zones whose
  // switches are not on the hour.
  // Santiago, Havana and Beirut switch at local midnight, where the day itself moves.
  const ZONES = [TZ, "America/Santiago", "America/Havana", "Asia/Beirut", "Australia/Lord_Howe", "UTC"];
  const intlFormats = new Map(
    ZONES.map((timeZone) => [
      timeZone,
      new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }),
    ]),
  );
  const intlDay = (instant: Date, timeZone: string) => intlFormats.get(timeZone)?.format(instant);

  it("gives Intl's local day for every 7 minutes across the switch weeks of 2026, twice over", () => {
    for (const zone of ZONES) {
      for (const [from, to] of [
        ["2026-03-26T00:00:00Z", "2026-04-08T00:00:00Z"],
        ["2026-10-01T00:00:00Z", "2026-11-05T00:00:00Z"],
      ] as const) {
        for (let pass = 0; pass < 2; pass++) {
          for (let ms = Date.parse(from) + pass * 61_000; ms < Date.parse(to); ms += 7 * 60_000) {
            const instant = new Date(ms);
            expect(localDateOf(instant, zone), `${zone} ${instant.toISOString()}`).toBe(
              intlDay(instant, zone),
            );
          }
        }
      }
    }
  });

  it("gives the same day start when asked again", () => {
    for (const day of ["2026-03-29", "2026-10-25", "2026-11-27"]) {
      const first = startOfLocalDay(day, TZ);
      expect(startOfLocalDay(day, TZ).getTime()).toBe(first.getTime());
      expect(localDateOf(first, TZ)).toBe(day);
      expect(localDateOf(new Date(first.getTime() - 1000), TZ)).toBe(addDays(day, -1));
    }
  });
});
