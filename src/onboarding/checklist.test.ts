import { describe, expect, it } from "vitest";
import { checklistOf, type MunicipalSetup, missingOf, progressOf } from "./checklist.ts";

const dept = (id: number, heads: number, officers: number) => ({
  id,
  code: `d${id}`,
  name: { sq: `D${id}`, sr: `D${id}` },
  heads,
  officers,
});
const bare: MunicipalSetup = {
  municipalityId: 1,
  languages: ["sq", "sr", "en"],
  requiredLanguages: ["sq", "sr"],
  departments: [],
  coordinators: 0,
  admins: 0,
  pendingInvitations: 0,
  enabledByType: { issue_report: 20, request: 4, feedback: 3, proposal: 4 },
  unrouted: [{ id: 7, code: "potholes", type: "issue_report", name: { sq: "Gropa", sr: "Rupe" } }],
};

describe("the onboarding checklist", () => {
  it("names what a bare municipality lacks: departments, their staff, a coordinator, an admin, routing", () => {
    const items = checklistOf(bare);
    expect(missingOf(items)).toEqual(["departments", "departmentStaff", "coordinator", "admin", "routing"]);
    expect(progressOf(items)).toEqual({ done: 2, total: 7 });
  });

  it("names each department without a head or without an officer", () => {
    const item = checklistOf({ ...bare, departments: [dept(1, 1, 2), dept(2, 0, 1), dept(3, 1, 0)] })[1]!;
    expect(item).toMatchObject({ id: "departmentStaff", done: false });
    if (item.id !== "departmentStaff") throw new Error("order");
    expect(item.withoutHead.map((d) => d.code)).toEqual(["d2"]);
    expect(item.withoutOfficer.map((d) => d.code)).toEqual(["d3"]);
  });

  it("counts routing done once a coordinator receives what no rule routes", () => {
    const items = checklistOf({ ...bare, departments: [dept(1, 1, 1)], coordinators: 1, admins: 1 });
    expect(missingOf(items)).toEqual([]);
    expect(items.find((i) => i.id === "routing")).toMatchObject({
      done: true,
      unrouted: [{ code: "potholes" }],
    });
  });

  it("wants a category of each of issue reports, requests and feedback, but not of proposals", () => {
    const items = checklistOf({
      ...bare,
      enabledByType: { issue_report: 3, request: 0, feedback: 0, proposal: 0 },
    });
    expect(items.find((i) => i.id === "categories")).toEqual({
      id: "categories",
      done: false,
      missingTypes: ["request", "feedback"],
    });
  });
});
