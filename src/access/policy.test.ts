/**
 * The policy table (policy.ts) checked against the hand-written grid (policy-grid.md): every action ×
 * every role × a set of subject situations. The grid is the independent statement of the product decision;
 * a difference in any cell, in either file, fails with a readable list of what differs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ACTIONS,
  type Action,
  type Actor,
  allowedActions,
  authorize,
  can,
  DESCRIPTIONS,
  NotAllowedError,
  type RoleAssignment,
  type Subject,
} from "./policy.ts";
import { ROLE_SCOPE, type Role, STAFF_ROLES, type StaffRole } from "./roles.ts";

const ROLES: readonly Role[] = ["visitor", "citizen", ...STAFF_ROLES];
const CODES = [
  "-",
  "all",
  "muni",
  "dept",
  "dept+assigned",
  "own",
  "public",
  "own+public",
  "link",
  "onboarding",
] as const;
type Code = (typeof CODES)[number];
type Grid = Map<string, Record<Role, Code>>;

const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);
const isCode = (s: string): s is Code => (CODES as readonly string[]).includes(s);

/**
 * Reads every Markdown table of the grid file (header, separator, rows). Each table's header is `action`
 * followed by role columns; each row is an action and one code per role. Throws on anything unexpected.
 */
function parseGrid(markdown: string, actions: readonly string[]): Grid {
  const grid: Grid = new Map();
  const lines = markdown.split("\n").map((text, i) => ({ text: text.trim(), line: i + 1 }));
  const cellsOf = (text: string, line: number) => {
    if (!text.endsWith("|")) throw new Error(`policy-grid.md:${line}: a table line must end with "|"`);
    return text
      .slice(1, -1)
      .split("|")
      .map((c) => c.trim().replace(/^`(.*)`$/, "$1"));
  };
  let i = 0;
  while (i < lines.length) {
    if (!lines[i]!.text.startsWith("|")) {
      i++;
      continue;
    }
    const header = lines[i]!;
    const columns = cellsOf(header.text, header.line);
    if (columns[0] !== "action") {
      throw new Error(
        `policy-grid.md:${header.line}: the first column must be "action", not "${columns[0]}"`,
      );
    }
    const roles = columns.slice(1);
    for (const col of roles) {
      if (!isRole(col)) throw new Error(`policy-grid.md:${header.line}: unknown role column "${col}"`);
    }
    for (const role of ROLES) {
      const n = roles.filter((c) => c === role).length;
      if (n !== 1) throw new Error(`policy-grid.md:${header.line}: role column "${role}" appears ${n} times`);
    }
    const separator = lines[i + 1];
    if (!separator || !/^\|(\s*:?-+:?\s*\|)+$/.test(separator.text)) {
      throw new Error(`policy-grid.md:${header.line + 1}: expected the separator line under the header`);
    }
    i += 2;
    for (; i < lines.length && lines[i]!.text.startsWith("|"); i++) {
      const { text, line } = lines[i]!;
      const [action = "", ...cells] = cellsOf(text, line);
      if (cells.length !== roles.length) {
        throw new Error(
          `policy-grid.md:${line}: "${action}" has ${cells.length} cells, expected ${roles.length}`,
        );
      }
      if (!actions.includes(action))
        throw new Error(`policy-grid.md:${line}: extra row, unknown action "${action}"`);
      if (grid.has(action)) throw new Error(`policy-grid.md:${line}: duplicate row for "${action}"`);
      const row: Partial<Record<Role, Code>> = {};
      cells.forEach((cell, k) => {
        const role = roles[k] as Role;
        if (!isCode(cell)) {
          throw new Error(
            `policy-grid.md:${line}: unknown code "${cell}" for ${action} × ${role} (known: ${CODES.join(" ")})`,
          );
        }
        row[role] = cell;
      });
      grid.set(action, row as Record<Role, Code>);
    }
  }
  const missing = actions.filter((a) => !grid.has(a));
  if (missing.length > 0) throw new Error(`policy-grid.md: missing rows for ${missing.join(", ")}`);
  return grid;
}

// ── The situations: what a subject is, as seen by an actor "me" holding its role in municipality 1
// (and department 10 for department-scoped roles). The facts are stated by hand for each situation.
const ME = "u-me";
const SOMEONE = "u-someone";
interface Facts {
  muni: boolean; // the subject belongs to municipality 1
  dept: boolean; // the subject is a case of department 10 in municipality 1
  assigned: boolean; // the subject's assignee is me
  own: boolean; // the subject's owner is me
  public: boolean; // the subject is public
  link: boolean; // the request carries the subject's tracking link
  notLive: boolean; // the subject's municipality is said not to be live yet
}
const NO: Facts = {
  muni: false,
  dept: false,
  assigned: false,
  own: false,
  public: false,
  link: false,
  notLive: false,
};
const SITUATIONS: readonly { name: string; subject: Subject | undefined; facts: Facts }[] = [
  {
    name: "own municipality, own department",
    subject: { municipalityId: 1, departmentId: 10, ownerId: SOMEONE, assigneeId: SOMEONE, isPublic: false },
    facts: { ...NO, muni: true, dept: true },
  },
  {
    name: "own municipality, other department",
    subject: { municipalityId: 1, departmentId: 20, ownerId: SOMEONE, assigneeId: SOMEONE, isPublic: false },
    facts: { ...NO, muni: true },
  },
  {
    name: "own municipality, unassigned case",
    subject: { municipalityId: 1, departmentId: null, ownerId: SOMEONE, assigneeId: null, isPublic: false },
    facts: { ...NO, muni: true },
  },
  {
    name: "own municipality, other department, assigned to the actor",
    subject: { municipalityId: 1, departmentId: 20, ownerId: SOMEONE, assigneeId: ME, isPublic: false },
    facts: { ...NO, muni: true, assigned: true },
  },
  {
    name: "other municipality, a department with the same id",
    subject: { municipalityId: 2, departmentId: 10, ownerId: SOMEONE, assigneeId: SOMEONE, isPublic: false },
    facts: NO,
  },
  {
    name: "other municipality, assigned to the actor",
    subject: { municipalityId: 2, departmentId: 20, ownerId: SOMEONE, assigneeId: ME, isPublic: false },
    facts: { ...NO, assigned: true },
  },
  {
    name: "own item, private, own municipality",
    subject: { municipalityId: 1, departmentId: 20, ownerId: ME, assigneeId: SOMEONE, isPublic: false },
    facts: { ...NO, muni: true, own: true },
  },
  {
    name: "own item, private, other municipality",
    subject: { municipalityId: 2, departmentId: 20, ownerId: ME, assigneeId: SOMEONE, isPublic: false },
    facts: { ...NO, own: true },
  },
  {
    name: "own item, public, other municipality",
    subject: { municipalityId: 2, departmentId: 20, ownerId: ME, assigneeId: SOMEONE, isPublic: true },
    facts: { ...NO, own: true, public: true },
  },
  {
    name: "someone else's item, public, own municipality",
    subject: { municipalityId: 1, departmentId: 20, ownerId: SOMEONE, assigneeId: SOMEONE, isPublic: true },
    facts: { ...NO, muni: true, public: true },
  },
  {
    name: "someone else's item, public, other municipality",
    subject: { municipalityId: 2, departmentId: 20, ownerId: SOMEONE, assigneeId: SOMEONE, isPublic: true },
    facts: { ...NO, public: true },
  },
  {
    name: "someone else's item, private, no municipality",
    subject: { ownerId: SOMEONE, isPublic: false },
    facts: NO,
  },
  {
    name: "someone else's private case, tracking link held, own municipality",
    subject: {
      municipalityId: 1,
      departmentId: 20,
      ownerId: null,
      assigneeId: SOMEONE,
      isPublic: false,
      trackingLinkHeld: true,
    },
    facts: { ...NO, muni: true, link: true },
  },
  { name: "own account", subject: { ownerId: ME }, facts: { ...NO, own: true } },
  { name: "own municipality (itself)", subject: { municipalityId: 1 }, facts: { ...NO, muni: true } },
  { name: "other municipality (itself)", subject: { municipalityId: 2 }, facts: NO },
  {
    name: "own municipality (itself), not yet live",
    subject: { municipalityId: 1, municipalityLive: false },
    facts: { ...NO, muni: true, notLive: true },
  },
  {
    name: "other municipality (itself), not yet live",
    subject: { municipalityId: 2, municipalityLive: false },
    facts: { ...NO, notLive: true },
  },
  {
    name: "own municipality (itself), live",
    subject: { municipalityId: 1, municipalityLive: true },
    facts: { ...NO, muni: true },
  },
  {
    name: "other municipality (itself), live",
    subject: { municipalityId: 2, municipalityLive: true },
    facts: NO,
  },
  { name: "no subject", subject: undefined, facts: NO },
];

/** What a cell's code means in a situation. */
function holds(code: Code, f: Facts): boolean {
  switch (code) {
    case "-":
      return false;
    case "all":
      return true;
    case "muni":
      return f.muni;
    case "dept":
      return f.dept;
    case "dept+assigned":
      return f.dept || (f.assigned && f.muni);
    case "own":
      return f.own;
    case "public":
      return f.public;
    case "own+public":
      return f.own || f.public;
    case "link":
      return f.link;
    case "onboarding":
      return f.notLive;
  }
}

/** The columns an actor holding only `role` gets: everyone is a visitor, every account a citizen. */
const columnsOf = (role: Role): Role[] =>
  role === "visitor"
    ? ["visitor"]
    : role === "citizen"
      ? ["visitor", "citizen"]
      : ["visitor", "citizen", role];

function assignmentFor(role: StaffRole): RoleAssignment {
  switch (ROLE_SCOPE[role]) {
    case "department":
      return { role, municipalityId: 1, departmentId: 10 };
    case "municipality":
      return { role, municipalityId: 1, departmentId: null };
    case "national":
      return { role, municipalityId: null, departmentId: null };
  }
}

function actorFor(role: Role): Actor {
  if (role === "visitor") return { kind: "visitor" };
  const roles = role === "citizen" ? [] : [assignmentFor(role)];
  return { kind: "user", userId: ME, identityLevel: "basic", roles };
}

const GRID_TEXT = readFileSync(new URL("./policy-grid.md", import.meta.url), "utf8");
const GRID = parseGrid(GRID_TEXT, ACTIONS);

/** Every action × role × situation where can() differs from the grid, as readable lines; and the count checked. */
function differences(grid: Grid): { checked: number; lines: string[] } {
  const lines: string[] = [];
  let checked = 0;
  for (const action of ACTIONS) {
    const row = grid.get(action)!;
    for (const role of ROLES) {
      const columns = columnsOf(role);
      const actor = actorFor(role);
      for (const { name, subject, facts } of SITUATIONS) {
        checked++;
        const expected = columns.some((c) => holds(row[c], facts));
        const actual = can(actor, action, subject);
        if (actual !== expected) {
          const inherited = columns
            .filter((c) => c !== role && row[c] !== "-")
            .map((c) => ` (+ ${c} ${row[c]})`)
            .join("");
          lines.push(
            `${action} × ${role} × ${name}: table says ${row[role]}${inherited}, can() says ${actual}`,
          );
        }
      }
    }
  }
  return { checked, lines };
}

/**
 * Cells (or halves of an `own+public` cell) that add nothing to the visitor and citizen columns the role
 * already has: such a cell could be changed with no effect, and the matrix check could not notice.
 */
function redundancies(grid: Grid): string[] {
  const found: string[] = [];
  for (const action of ACTIONS) {
    const row = grid.get(action)!;
    for (const role of ROLES) {
      const inherited = columnsOf(role).filter((c) => c !== role);
      const parts: Code[] = row[role] === "own+public" ? ["own", "public"] : [row[role]];
      for (const part of parts) {
        if (part === "-") continue;
        const adds = SITUATIONS.some(
          ({ facts }) => holds(part, facts) && !inherited.some((c) => holds(row[c], facts)),
        );
        if (!adds) found.push(`${action} × ${role}: "${part}" adds nothing to ${inherited.join(", ")}`);
      }
    }
  }
  return found;
}

describe("the policy table against policy-grid.md", () => {
  it("gives every action × role × situation the answer the grid states", () => {
    const { checked, lines } = differences(GRID);
    expect(checked).toBe(ACTIONS.length * ROLES.length * SITUATIONS.length);
    if (lines.length > 0) {
      expect.fail(`${lines.length} differences between policy-grid.md and can():\n${lines.join("\n")}`);
    }
  });

  it("has no cell that merely repeats what the visitor or citizen column already grants", () => {
    expect(redundancies(GRID)).toEqual([]);
  });

  it("has a description and a grid row for every action, and nothing else", () => {
    expect(ACTIONS.length).toBeGreaterThan(0);
    expect(new Set(ACTIONS).size).toBe(ACTIONS.length);
    for (const action of ACTIONS) {
      expect(DESCRIPTIONS[action].length, action).toBeGreaterThan(10);
      expect(GRID.has(action), action).toBe(true);
    }
    expect([...GRID.keys()].sort()).toEqual([...ACTIONS].sort());
  });
});

describe("parseGrid fails clearly", () => {
  const HEAD = `| action | ${ROLES.join(" | ")} |\n|---|${ROLES.map(() => "---").join("|")}|\n`;
  const row = (action: string, cells: string[]) => `| ${action} | ${cells.join(" | ")} |\n`;
  const dashes = ROLES.map(() => "-");

  it("accepts a well-formed grid", () => {
    const grid = parseGrid(HEAD + row("a.one", ["public", ...dashes.slice(1)]) + row("a.two", dashes), [
      "a.one",
      "a.two",
    ]);
    expect(grid.get("a.one")?.visitor).toBe("public");
    expect(grid.get("a.two")?.platform_operator).toBe("-");
  });
  it("on an unknown code", () => {
    expect(() => parseGrid(HEAD + row("a.one", ["maybe", ...dashes.slice(1)]), ["a.one"])).toThrow(
      /unknown code "maybe" for a\.one × visitor/,
    );
  });
  it("on a missing action row", () => {
    expect(() => parseGrid(HEAD + row("a.one", dashes), ["a.one", "a.two"])).toThrow(
      /missing rows for a\.two/,
    );
  });
  it("on an extra row", () => {
    expect(() => parseGrid(HEAD + row("a.one", dashes) + row("a.zzz", dashes), ["a.one"])).toThrow(
      /extra row, unknown action "a\.zzz"/,
    );
  });
  it("on a duplicate row", () => {
    expect(() => parseGrid(HEAD + row("a.one", dashes) + row("a.one", dashes), ["a.one"])).toThrow(
      /duplicate row for "a\.one"/,
    );
  });
  it("on an unknown or a missing role column", () => {
    const unknown = HEAD.replace("| officer |", "| clerk |");
    expect(() => parseGrid(unknown + row("a.one", dashes), ["a.one"])).toThrow(/unknown role column "clerk"/);
    const missing = `| action | visitor |\n|---|---|\n| a.one | - |\n`;
    expect(() => parseGrid(missing, ["a.one"])).toThrow(/role column "citizen" appears 0 times/);
  });
  it("on a row with the wrong number of cells", () => {
    expect(() => parseGrid(HEAD + row("a.one", ["-"]), ["a.one"])).toThrow(/has 1 cells, expected 8/);
  });
});

describe("can, authorize, allowedActions", () => {
  const user = (roles: RoleAssignment[]): Actor => ({
    kind: "user",
    userId: ME,
    identityLevel: "verified",
    roles,
  });

  it("gives a user with several assignments the union, each in its own municipality", () => {
    const actor = user([
      { role: "officer", municipalityId: 1, departmentId: 10 },
      { role: "participation_coordinator", municipalityId: 2, departmentId: null },
    ]);
    expect(can(actor, "case.assign", { municipalityId: 2, departmentId: 30 })).toBe(true);
    expect(can(actor, "case.assign", { municipalityId: 1, departmentId: 10 })).toBe(false);
    expect(can(actor, "case.answer", { municipalityId: 1, departmentId: 10 })).toBe(true);
    expect(can(actor, "case.answer", { municipalityId: 1, departmentId: 20 })).toBe(false);
    expect(can(actor, "case.set_visibility", { municipalityId: 2 })).toBe(true);
    expect(can(actor, "case.set_visibility", { municipalityId: 1 })).toBe(false);
    expect(can(actor, "proposal.submit")).toBe(true); // still a citizen
  });

  it("puts an unassigned case in no department, but in the coordinator's municipality", () => {
    const unassigned: Subject = { municipalityId: 1, departmentId: null, assigneeId: null };
    const head = user([{ role: "department_head", municipalityId: 1, departmentId: 10 }]);
    const officer = user([{ role: "officer", municipalityId: 1, departmentId: 10 }]);
    const coordinator = user([{ role: "participation_coordinator", municipalityId: 1, departmentId: null }]);
    expect(can(head, "case.assign", unassigned)).toBe(false);
    expect(can(head, "case.view_staff", unassigned)).toBe(false);
    expect(can(officer, "case.answer", unassigned)).toBe(false);
    expect(can(coordinator, "case.assign", unassigned)).toBe(true);
    expect(can(coordinator, "case.view_staff", unassigned)).toBe(true);
  });

  it("authorize returns for an allowance and throws NotAllowedError for a refusal", () => {
    const officer = user([{ role: "officer", municipalityId: 1, departmentId: 10 }]);
    const ownCase: Subject = { municipalityId: 1, departmentId: 10 };
    expect(authorize(officer, "case.answer", ownCase)).toBeUndefined();
    let error: unknown;
    try {
      authorize(officer, "case.assign", ownCase);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotAllowedError);
    expect((error as NotAllowedError).action).toBe("case.assign");
    expect(() => authorize({ kind: "visitor" }, "proposal.submit")).toThrow(NotAllowedError);
  });

  it("allowedActions keeps only the allowed actions, in the order given", () => {
    const head = user([{ role: "department_head", municipalityId: 1, departmentId: 10 }]);
    const buttons: Action[] = ["case.set_visibility", "case.answer", "case.assign", "case.export_personal"];
    expect(allowedActions(head, buttons, { municipalityId: 1, departmentId: 10 })).toEqual([
      "case.answer",
      "case.assign",
    ]);
    expect(allowedActions({ kind: "visitor" }, buttons, { municipalityId: 1, departmentId: 10 })).toEqual([]);
  });

  it("lets the ministry and the operator invite staff only into a municipality not yet live, its admins always", () => {
    const ministry = user([{ role: "ministry_monitor", municipalityId: null, departmentId: null }]);
    const operator = user([{ role: "platform_operator", municipalityId: null, departmentId: null }]);
    const admin = user([{ role: "municipal_admin", municipalityId: 1, departmentId: null }]);
    const onboarding: Subject = { municipalityId: 1, municipalityLive: false };
    const live: Subject = { municipalityId: 1, municipalityLive: true };
    for (const national of [ministry, operator]) {
      expect(can(national, "staff.invite", onboarding)).toBe(true);
      expect(can(national, "staff.invite", live)).toBe(false);
      // A caller that does not say whether the municipality is live gets no.
      expect(can(national, "staff.invite", { municipalityId: 1 })).toBe(false);
    }
    expect(can(admin, "staff.invite", onboarding)).toBe(true);
    expect(can(admin, "staff.invite", live)).toBe(true);
    expect(can(admin, "staff.invite", { municipalityId: 2, municipalityLive: false })).toBe(false);
    expect(can(ministry, "staff.manage_roles", onboarding)).toBe(false);
  });

  it("refuses an action it does not know", () => {
    const operator = user([{ role: "platform_operator", municipalityId: null, departmentId: null }]);
    expect(can(operator, "case.delete_everything" as Action)).toBe(false);
  });
});
