import { describe, expect, it } from "vitest";
import { caseFileName, filterQuery, parseCaseFilter } from "./filters.ts";

const known = new Map([["gjilan", { id: 7, slug: "gjilan" }]]);
const parse = (query: Record<string, unknown>, now = new Date("2026-11-26T10:00:00Z")) =>
  parseCaseFilter(query, { municipalityBySlug: (s) => known.get(s), timeZone: "Europe/Belgrade", now });

describe("the case export's filters", () => {
  it("are optional, and empty means all", () => {
    expect(parse({})).toEqual({ ok: true, filter: {}, values: { municipality: "", year: "" } });
    expect(parse({ municipality: "", year: " " })).toMatchObject({ ok: true, filter: {} });
  });

  it("read a known municipality and a year as its local bounds", () => {
    const parsed = parse({ municipality: "gjilan", year: "2025" });
    expect(parsed).toMatchObject({
      ok: true,
      filter: {
        municipality: { id: 7, slug: "gjilan" },
        year: 2025,
        // Local midnight in Europe/Belgrade (UTC+1 in winter).
        receivedFrom: new Date("2024-12-31T23:00:00Z"),
        receivedBefore: new Date("2025-12-31T23:00:00Z"),
      },
    });
  });

  it.each([
    [{ municipality: "atlantis" }, "municipality"],
    [{ municipality: ["gjilan", "gjilan"] }, "municipality"],
    [{ year: "20x6" }, "year"],
    [{ year: "1999" }, "year"],
    [{ year: "2028" }, "year"],
    [{ year: "02026" }, "year"],
    [{ year: ["2025", "2026"] }, "year"],
  ])("refuse %j at its field", (query, field) => {
    const parsed = parse(query);
    expect(parsed.ok).toBe(false);
    expect(Object.keys(parsed.ok ? {} : parsed.errors)).toEqual([field]);
  });

  it("accept next year (a counter's clock may run ahead) but no later", () => {
    expect(parse({ year: "2027" }).ok).toBe(true);
  });

  it("name the file and the links after what they select", () => {
    const parsed = parse({ municipality: "gjilan", year: "2025" });
    if (!parsed.ok) throw new Error("expected a filter");
    expect(filterQuery(parsed.filter)).toBe("?municipality=gjilan&year=2025");
    expect(caseFileName(parsed.filter, "csv")).toBe("ekomuna-cases-gjilan-2025.csv");
    expect(filterQuery({})).toBe("");
    expect(caseFileName({}, "json")).toBe("ekomuna-cases.json");
  });
});
