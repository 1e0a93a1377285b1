// A report's period as its address names it: what each form covers, what it is compared with, and every
// impossible one refused with its reason (never an exception).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { monthCount } from "../stats/web/period.ts";
import { parseReportPeriod, recentPeriods, trendPeriod } from "./reportPeriod.ts";

const NOW = "2026-11";
const parse = (s: string) => parseReportPeriod(s, NOW);

describe("a report's period", () => {
  it("reads a year, a quarter and a month, each with the period of the same length before it", () => {
    expect(parse("2025")).toEqual({
      ok: true,
      value: {
        kind: "year",
        key: "2025",
        period: { from: "2025-01", to: "2025-12" },
        previous: { key: "2024", period: { from: "2024-01", to: "2024-12" } },
        inProgress: false,
        through: "2025-12",
      },
    });
    expect(parse("2026-Q1")).toMatchObject({
      ok: true,
      value: {
        kind: "quarter",
        key: "2026-q1",
        period: { from: "2026-01", to: "2026-03" },
        previous: { key: "2025-q4", period: { from: "2025-10", to: "2025-12" } },
      },
    });
    expect(parse("2026-01")).toMatchObject({
      ok: true,
      value: { kind: "month", key: "2026-01", previous: { key: "2025-12" } },
    });
  });

  it("says when the period is still running", () => {
    expect(parse("2026")).toMatchObject({ ok: true, value: { inProgress: true } });
    expect(parse("2026-q4")).toMatchObject({ ok: true, value: { inProgress: true } });
    expect(parse("2026-10")).toMatchObject({ ok: true, value: { inProgress: false } });
  });

  it("refuses what is not a period, with the reason", () => {
    expect(parse("2026-q5")).toEqual({ ok: false, problem: "noSuchQuarter" });
    expect(parse("2026-q0")).toEqual({ ok: false, problem: "noSuchQuarter" });
    expect(parse("2026-13")).toEqual({ ok: false, problem: "noSuchMonth" });
    expect(parse("2026-00")).toEqual({ ok: false, problem: "noSuchMonth" });
    expect(parse("1999")).toEqual({ ok: false, problem: "tooEarly" });
    expect(parse("2026-12")).toEqual({ ok: false, problem: "future" });
    expect(parse("2027")).toEqual({ ok: false, problem: "future" });
    for (const s of ["", "26", "2026-9", "2026-h1", "2026/09", "last year", "2026-q3x"])
      expect(parse(s), s).toEqual({ ok: false, problem: "format" });
  });

  it("gives, for any text, a refusal or a period of 1, 3 or 12 whole months that has begun", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{4}(-([qQ]\d|\d{2}))?$/)), (s) => {
        const r = parse(s);
        if (!r.ok) return true;
        const { period, previous } = r.value;
        return (
          [1, 3, 12].includes(monthCount(period)) &&
          monthCount(previous.period) === monthCount(period) &&
          previous.period.to < period.from &&
          period.from <= NOW
        );
      }),
    );
  });

  it("shows a trend of the twelve months up to the period's end", () => {
    const month = parse("2026-03");
    if (!month.ok) throw new Error("no period");
    expect(trendPeriod(month.value)).toEqual({ from: "2025-04", to: "2026-03" });
    const early = parseReportPeriod("2000-02", NOW);
    if (!early.ok) throw new Error("no period");
    expect(trendPeriod(early.value)).toEqual({ from: "2000-01", to: "2000-02" });
    // A quarter still running ends its trend with this month, not with months to come.
    const running = parse("2026-q4");
    if (!running.ok) throw new Error("no period");
    expect(trendPeriod(running.value)).toEqual({ from: "2025-12", to: "2026-11" });
  });

  it("offers the current and previous years, quarters and months", () => {
    expect(recentPeriods(NOW)).toEqual({
      year: ["2026", "2025", "2024"],
      quarter: ["2026-q4", "2026-q3", "2026-q2", "2026-q1"],
      month: ["2026-11", "2026-10", "2026-09"],
    });
  });
});
