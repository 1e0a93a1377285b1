// The procedures page's reading of the policy table: asked through can(), it must give back exactly the
// hand-written grid (src/access/policy-grid.md), cell by cell, so what staff read is what the system does.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACTIONS } from "../access/policy.ts";
import { STAFF_ROLES } from "../access/roles.ts";
import { LIFECYCLE_ACTIONS } from "../cases/lifecycle.ts";
import { readCatalog } from "../kernel/i18n.ts";
import {
  ALL_ROLES,
  type Condition,
  conditionsOf,
  lifecycleSteps,
  rolePermissions,
  SLA_MARKS,
} from "./procedures.ts";

const CODE_OF: Record<string, Condition[]> = {
  "-": [],
  all: ["anywhere"],
  muni: ["municipality"],
  dept: ["department"],
  "dept+assigned": ["department", "assigned"],
  own: ["own"],
  public: ["public"],
  "own+public": ["own", "public"],
  link: ["link"],
  onboarding: ["onboarding"],
};

/** The grid's cells: action → role → code. */
function grid(): Map<string, Map<string, string>> {
  const text = readFileSync(new URL("../access/policy-grid.md", import.meta.url), "utf8");
  const out = new Map<string, Map<string, string>>();
  let roles: string[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line.startsWith("|")) continue;
    const cells = line
      .slice(1, -1)
      .split("|")
      .map((c) => c.trim().replace(/^`(.*)`$/, "$1"));
    if (cells[0] === "action") roles = cells.slice(1);
    else if (!/^-+$/.test(cells[0]!.replace(/:/g, "")))
      out.set(cells[0]!, new Map(roles.map((r, i) => [r, cells[i + 1]!])));
  }
  return out;
}

describe("who may do what, read from the policy table", () => {
  it("gives back every cell of the hand-written grid", () => {
    const cells = grid();
    const differences: string[] = [];
    for (const action of ACTIONS) {
      for (const role of ALL_ROLES) {
        const code = cells.get(action)?.get(role);
        const expected = code === undefined ? undefined : CODE_OF[code];
        const found = conditionsOf(role, action);
        if (JSON.stringify(found) !== JSON.stringify(expected))
          differences.push(`${action} × ${role}: grid ${code}, read ${found.join("+") || "-"}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("lists every role, staff roles with where they are held", () => {
    const list = rolePermissions();
    expect(list.map((r) => r.role)).toEqual(["visitor", "citizen", ...STAFF_ROLES]);
    expect(list.find((r) => r.role === "officer")?.scope).toBe("department");
    expect(list.find((r) => r.role === "ministry_monitor")?.actions.map((a) => a.action)).toContain(
      "ministry.reports",
    );
  });
});

describe("the lifecycle, read from its table", () => {
  it("says who may take each step, and which steps need a reason code", () => {
    const steps = lifecycleSteps();
    expect(steps.map((s) => s.action)).toEqual([...LIFECYCLE_ACTIONS]);
    const reject = steps.find((s) => s.action === "reject")!;
    expect(reject).toMatchObject({ to: "rejected", reason: "rejected", reasonRequired: true });
    expect(reject.who.map((w) => w.role)).toEqual([
      "officer",
      "department_head",
      "participation_coordinator",
    ]);
    const reopen = steps.find((s) => s.action === "reopen")!;
    expect(reopen.who).toEqual([
      { role: "visitor", conditions: ["link"] },
      { role: "citizen", conditions: ["own"] },
    ]);
  });

  it("takes the warning marks and the escalation ladder from the SLA code", () => {
    expect(SLA_MARKS.dueSoonPercent).toBe(75);
    expect(SLA_MARKS.warningPercent).toBe(90);
    expect(SLA_MARKS.ladder.map((r) => r.to)).toEqual([
      "department_head",
      "participation_coordinator",
      "ministry_monitor",
    ]);
  });
});

describe("the procedures' words", () => {
  it("has every action of the policy table and every lifecycle step in each language", () => {
    for (const lang of ["sq", "sr", "en"] as const) {
      const procedures = (readCatalog(lang).reports as Record<string, Record<string, Record<string, string>>>)
        .procedures!;
      expect(Object.keys(procedures.actions!).sort(), lang).toEqual([...ACTIONS].sort());
      expect(Object.keys(procedures.steps!).sort(), lang).toEqual([...LIFECYCLE_ACTIONS].sort());
    }
  });
});
