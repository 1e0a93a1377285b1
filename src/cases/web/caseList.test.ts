import { describe, expect, it } from "vitest";
import { pageWindow } from "../../web/components/Pagination.tsx";
import { caseListHref, parseCaseListQuery } from "./caseListQuery.ts";

const known = { municipalities: new Set(["prishtine", "prizren"]), categories: new Set(["noise", "waste"]) };

describe("parseCaseListQuery", () => {
  it("reads every filter, trimming and dropping empty ones", () => {
    const parsed = parseCaseListQuery(
      {
        q: "  rruga   b ",
        municipality: "prishtine",
        type: "",
        category: "noise",
        status: ["submitted", "closed", "submitted", ""],
        from: "2026-11-01",
        to: "",
        page: "3",
      },
      known,
    );
    expect(parsed).toEqual({
      ok: true,
      page: 3,
      values: {
        q: "rruga   b",
        municipality: "prishtine",
        type: "",
        category: "noise",
        status: ["submitted", "closed"],
        from: "2026-11-01",
        to: "",
      },
      filters: {
        q: "rruga b",
        municipality: "prishtine",
        type: undefined,
        category: "noise",
        statuses: ["submitted", "closed"],
        from: "2026-11-01",
        to: undefined,
      },
    });
  });

  it("names the field of each problem, keeping what was asked", () => {
    const parsed = parseCaseListQuery(
      { municipality: "atlantis", status: "lost", from: "2026-11-02", to: "2026-11-01", page: "501" },
      known,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      municipality: "caseList.errors.municipality",
      status: "caseList.errors.status",
      to: "caseList.errors.toBeforeFrom",
      form: ["caseList.errors.pageTooFar", { max: 500 }],
    });
    expect(parsed.values.municipality).toBe("atlantis");
  });

  it("counts the length of a search in characters, not UTF-16 units", () => {
    expect(parseCaseListQuery({ q: "ë".repeat(200) }, known).ok).toBe(true);
    expect(parseCaseListQuery({ q: "𝔸".repeat(200) }, known).ok).toBe(true);
    expect(parseCaseListQuery({ q: "𝔸".repeat(201) }, known).ok).toBe(false);
    expect(parseCaseListQuery({ q: "a".repeat(201) }, known).ok).toBe(false);
  });

  it("asks for words when a search has no letter or digit", () => {
    const parsed = parseCaseListQuery({ q: "😀 !!" }, known);
    expect(parsed.ok ? undefined : parsed.errors).toEqual({ q: "caseList.errors.qNoWords" });
  });
});

describe("caseListHref", () => {
  it("keeps the filters in form order, repeats statuses, and leaves page 1 out", () => {
    const values = {
      q: "a&b",
      municipality: "",
      type: "",
      category: "",
      status: ["x", "y"],
      from: "",
      to: "",
    };
    expect(caseListHref(values, 1)).toBe("/cases?q=a%26b&status=x&status=y");
    expect(caseListHref(values, 2)).toBe("/cases?q=a%26b&status=x&status=y&page=2");
    expect(caseListHref({ ...values, q: "", status: [] }, 1)).toBe("/cases");
  });
});

describe("pageWindow", () => {
  it("offers the first, the last and two either side, with gaps", () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(2, 3)).toEqual([1, 2, 3]);
    expect(pageWindow(1, 10)).toEqual([1, 2, 3, "gap", 10]);
    expect(pageWindow(5, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, "gap", 10]);
    expect(pageWindow(6, 10)).toEqual([1, "gap", 4, 5, 6, 7, 8, 9, 10]);
    expect(pageWindow(250, 500)).toEqual([1, "gap", 248, 249, 250, 251, 252, "gap", 500]);
  });
});
