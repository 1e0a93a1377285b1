// The statistics query string: the period a page shows (its default, what a visitor may type) and every
// way of asking for a period that cannot be, each told at its field; the sort and the CSV table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addMonths, defaultPeriod, monthCount, monthsOf, parseStatsQuery, type RawQuery } from "./period.ts";

const TZ = "Europe/Belgrade";
// 30 November 2026, 23:30 in Prishtina: already 1 December there.
const LATE = new Date("2026-11-30T23:30:00Z");
const NOW = new Date("2026-11-26T10:00:00Z");
const TABLES = ["indicators", "received", "category"];

const parse = (raw: RawQuery, now = NOW) => parseStatsQuery(raw, { now, timeZone: TZ, tables: TABLES });

describe("the default period", () => {
  it("is the last twelve months ending with this month, in the calendar's time zone", () => {
    expect(defaultPeriod(NOW, TZ)).toEqual({ from: "2025-12", to: "2026-11" });
    expect(defaultPeriod(LATE, TZ)).toEqual({ from: "2026-01", to: "2026-12" });
    expect(parse({})).toMatchObject({ ok: true, period: { from: "2025-12", to: "2026-11" } });
  });

  it("fills a missing end from the other: twelve months, never past this month", () => {
    expect(parse({ from: "2024-03" })).toMatchObject({
      ok: true,
      period: { from: "2024-03", to: "2025-02" },
    });
    expect(parse({ from: "2026-06" })).toMatchObject({
      ok: true,
      period: { from: "2026-06", to: "2026-11" },
    });
    expect(parse({ to: "2025-06" })).toMatchObject({ ok: true, period: { from: "2024-07", to: "2025-06" } });
    // Twelve months back from early 2000 would start before statistics do.
    expect(parse({ to: "2000-03" })).toMatchObject({ ok: true, period: { from: "2000-01", to: "2000-03" } });
  });

  it("shows back the period it used, so the form says what the page shows", () => {
    expect(parse({ from: "2026-02" })).toMatchObject({ values: { from: "2026-02", to: "2026-11" } });
  });
});

describe("a period a visitor asks for", () => {
  it("takes any real months in order, one month up to ten years", () => {
    expect(parse({ from: "2026-11", to: "2026-11" })).toMatchObject({ ok: true });
    expect(parse({ from: "2016-12", to: "2026-11" })).toMatchObject({
      ok: true,
      period: { from: "2016-12", to: "2026-11" },
    });
    expect(parse({ from: " 2026-01 ", to: "2026-03\n" })).toMatchObject({
      ok: true,
      period: { from: "2026-01", to: "2026-03" },
    });
  });

  it.each([
    [{ from: "2026-1" }, "from", "stats.errors.fromFormat"],
    [{ from: "january" }, "from", "stats.errors.fromFormat"],
    [{ to: "2026-01-15" }, "to", "stats.errors.toFormat"],
    [{ from: "2026-13" }, "from", "stats.errors.fromNoSuchMonth"],
    [{ to: "2026-00" }, "to", "stats.errors.toNoSuchMonth"],
  ])("refuses %j: %s gets %s", (raw, field, key) => {
    const q = parse(raw);
    expect(q.ok).toBe(false);
    expect(q.ok ? undefined : q.errors[field]).toBe(key);
  });

  it("refuses a month before 2000 and a month after this one", () => {
    expect(parse({ from: "1999-12", to: "2000-06" })).toMatchObject({
      ok: false,
      errors: { from: ["stats.errors.fromTooEarly", { month: "2000-01" }] },
    });
    expect(parse({ from: "1990-01", to: "1995-01" })).toMatchObject({
      ok: false,
      errors: { to: ["stats.errors.toTooEarly", { month: "2000-01" }] },
    });
    expect(parse({ to: "2026-12" })).toMatchObject({
      ok: false,
      errors: { to: ["stats.errors.toFuture", { month: "2026-11" }] },
    });
    expect(parse({ from: "2027-01" })).toMatchObject({
      ok: false,
      errors: { from: ["stats.errors.fromFuture", { month: "2026-11" }] },
    });
    // Late on the last evening of November it is already December in Prishtina.
    expect(parse({ to: "2026-12" }, LATE)).toMatchObject({ ok: true });
  });

  it("refuses a period that ends before it starts, or lasts more than ten years", () => {
    expect(parse({ from: "2026-05", to: "2025-05" })).toMatchObject({
      ok: false,
      errors: { to: "stats.errors.order" },
    });
    expect(parse({ from: "2016-11", to: "2026-11" })).toMatchObject({
      ok: false,
      errors: { to: ["stats.errors.tooLong", { years: 10 }] },
    });
  });

  it("shows back what was typed when it is wrong, cut short and without control characters", () => {
    const q = parse({ from: `20\u000026-13${"x".repeat(100)}`, to: "" });
    expect(q.ok).toBe(false);
    expect(q.values.from).toBe(`20 26-13${"x".repeat(32)}`);
    expect(q.values.to).toBe("");
  });

  it("reads the first of repeated parameters", () => {
    expect(parse({ from: ["2026-01", "2026-02"], to: "2026-03" })).toMatchObject({
      ok: true,
      period: { from: "2026-01", to: "2026-03" },
    });
  });

  it("never throws, whatever the query string, and a period it accepts is real, ordered and at most ten years", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc
        .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99 }))
        .map(([y, m]) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`),
    );
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), (from, to) => {
        const q = parse({ from, to });
        if (!q.ok) return Object.keys(q.errors).length > 0;
        const { period } = q;
        return (
          /^\d{4}-(0[1-9]|1[0-2])$/.test(period.from) &&
          /^\d{4}-(0[1-9]|1[0-2])$/.test(period.to) &&
          period.from >= "2000-01" &&
          period.to <= "2026-11" &&
          period.from <= period.to &&
          monthCount(period) <= 120
        );
      }),
    );
  });
});

describe("the sort and the CSV table", () => {
  const sorted = (raw: RawQuery) =>
    parseStatsQuery(raw, {
      now: NOW,
      timeZone: TZ,
      tables: ["municipalities"],
      sorts: ["name", "received"],
      defaultSort: { sort: "name", dir: "asc" },
    });

  it("sorts by name A–Z unless asked; a column alone sorts ascending", () => {
    expect(sorted({}).sort).toEqual({ sort: "name", dir: "asc" });
    expect(sorted({ sort: "received", dir: "desc" }).sort).toEqual({ sort: "received", dir: "desc" });
    expect(sorted({ sort: "received" }).sort).toEqual({ sort: "received", dir: "asc" });
  });

  it("refuses an unknown column or direction with a message at the top of the form", () => {
    expect(sorted({ sort: "password" })).toMatchObject({ ok: false, errors: { form: "stats.errors.sort" } });
    expect(sorted({ sort: "received", dir: "up" })).toMatchObject({
      ok: false,
      errors: { form: "stats.errors.sort" },
    });
  });

  it("gives the table asked for as CSV, the page's first by default, and refuses others", () => {
    expect(parse({ format: "csv", table: "category" })).toMatchObject({ ok: true, csv: "category" });
    expect(parse({ format: "csv" })).toMatchObject({ ok: true, csv: "indicators" });
    expect(parse({})).toMatchObject({ ok: true, csv: undefined });
    expect(parse({ format: "csv", table: "department" })).toMatchObject({
      ok: false,
      errors: { form: "stats.errors.table" },
    });
    expect(parse({ format: "pdf" })).toMatchObject({ ok: false, errors: { form: "stats.errors.format" } });
  });
});

describe("month arithmetic", () => {
  it("crosses years both ways and lists a period's months oldest first", () => {
    expect(addMonths("2025-12", 1)).toBe("2026-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(addMonths("2026-11", -11)).toBe("2025-12");
    expect(monthsOf({ from: "2025-11", to: "2026-02" })).toEqual([
      "2025-11",
      "2025-12",
      "2026-01",
      "2026-02",
    ]);
    expect(monthCount({ from: "2016-12", to: "2026-11" })).toBe(120);
  });
});
