// The response standards the guidance shows: worked out by the same rule as a case's (sla.ts resolveStandard),
// for the nation or one municipality, with its tightenings marked and the priorities that shorten them.
import { describe, expect, it } from "vitest";
import type { Standard } from "../cases/sla.ts";
import { type GuideCategory, type GuideRule, standardLines } from "./standardsGuide.ts";

const days = (ack: number, first: number, resolution: number): Standard => ({
  unit: "working_days",
  ackWithin: ack,
  firstResponseWithin: first,
  resolutionWithin: resolution,
});

const category = (
  id: number,
  code: string,
  type: string,
  standard: Standard,
  more: Partial<GuideCategory> = {},
) =>
  ({
    id,
    code,
    type,
    name: { sq: code },
    municipalityId: null,
    active: true,
    standard,
    ...more,
  }) as GuideCategory;

const POTHOLES = category(1, "potholes", "issue_report", days(2, 5, 20));
const WASTE = category(2, "waste", "issue_report", days(1, 3, 7));
const DOCUMENTS = category(3, "access-to-documents", "request", {
  unit: "calendar_days",
  ackWithin: 1,
  firstResponseWithin: 7,
  resolutionWithin: 7,
});
const IDEA = category(4, "idea", "proposal", days(5, 30, 60));
const URGENT_DOCUMENTS: GuideRule = {
  municipalityId: null,
  type: "request",
  categoryId: 3,
  priority: "urgent",
  standard: { unit: "hours", ackWithin: 24, firstResponseWithin: 48, resolutionWithin: 48 },
};
const HOME = 7;

describe("standardLines", () => {
  it("gives every active national category its standard, by type, marking nothing as tightened", () => {
    const lines = standardLines({
      categories: [IDEA, POTHOLES, DOCUMENTS, { ...WASTE, active: false }],
      rules: [],
    });
    expect(lines.map((l) => l.category.code)).toEqual(["potholes", "access-to-documents", "idea"]);
    expect(lines[0]).toMatchObject({ standard: days(2, 5, 20), national: days(2, 5, 20), tightened: false });
  });

  it("lists the priorities whose cases get a shorter standard", () => {
    const [documents] = standardLines({ categories: [DOCUMENTS], rules: [URGENT_DOCUMENTS] });
    expect(documents!.priorities).toEqual([{ priority: "urgent", standard: URGENT_DOCUMENTS.standard }]);
  });

  it("ignores a priority row that would lengthen the category's standard, as the cases do", () => {
    const looser: GuideRule = {
      ...URGENT_DOCUMENTS,
      standard: { ...DOCUMENTS.standard, resolutionWithin: 30 },
    };
    const [documents] = standardLines({ categories: [DOCUMENTS], rules: [looser] });
    expect(documents!.priorities).toEqual([]);
  });

  it("applies a municipality's tighter standard on its version only, and marks it", () => {
    const tighter: GuideRule = {
      municipalityId: HOME,
      type: "issue_report",
      categoryId: 2,
      priority: null,
      standard: days(1, 2, 4),
    };
    const own = standardLines({ categories: [POTHOLES, WASTE], rules: [tighter], municipalityId: HOME });
    expect(own.find((l) => l.category.code === "waste")).toMatchObject({
      standard: days(1, 2, 4),
      national: days(1, 3, 7),
      tightened: true,
    });
    expect(own.find((l) => l.category.code === "potholes")?.tightened).toBe(false);
    const elsewhere = standardLines({ categories: [WASTE], rules: [tighter], municipalityId: HOME + 1 });
    expect(elsewhere[0]).toMatchObject({ standard: days(1, 3, 7), tightened: false });
  });

  it("ignores a municipal row looser than the national standard", () => {
    const looser: GuideRule = {
      municipalityId: HOME,
      type: "issue_report",
      categoryId: 2,
      priority: null,
      standard: days(2, 5, 30),
    };
    const [waste] = standardLines({ categories: [WASTE], rules: [looser], municipalityId: HOME });
    expect(waste).toMatchObject({ standard: days(1, 3, 7), tightened: false });
  });

  it("leaves out what the municipality switched off, and puts its own category in place of a national one", () => {
    const ownWaste = category(9, "waste", "issue_report", days(1, 1, 3), { municipalityId: HOME });
    const lines = standardLines({
      categories: [POTHOLES, WASTE, ownWaste],
      rules: [],
      municipalityId: HOME,
      switchedOff: new Set([1]),
    });
    expect(lines.map((l) => [l.category.id, l.own, l.national])).toEqual([[9, true, undefined]]);
    // Another municipality's own category is not offered here.
    const other = standardLines({ categories: [WASTE, ownWaste], rules: [], municipalityId: HOME + 1 });
    expect(other.map((l) => l.category.id)).toEqual([2]);
  });

  it("does not read a row for a category it was not given as a row for the whole type", () => {
    const forInactive: GuideRule = {
      municipalityId: null,
      type: "issue_report",
      categoryId: 99,
      priority: "urgent",
      standard: days(0, 1, 1),
    };
    const [potholes] = standardLines({ categories: [POTHOLES], rules: [forInactive] });
    expect(potholes!.priorities).toEqual([]);
  });
});
