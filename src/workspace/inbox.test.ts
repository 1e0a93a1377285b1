// The inbox's pure parts: its scope written as SQL matches the policy table, the query string reads as a
// person means it, the time left counts working days, and CSV cells stay data.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Actor, can, type RoleAssignment } from "../access/policy.ts";
import { STAFF_ROLES } from "../access/roles.ts";
import { buildCalendar } from "../calendar/calendar.ts";
import { csvLine } from "../kernel/csv.ts";
import { timeLeft } from "./inboxPages.tsx";
import { type InboxKnown, inboxQueryString, inboxScope, inScope, parseInboxQuery } from "./inboxQuery.ts";

describe("the inbox's scope", () => {
  const USER = "00000000-0000-4000-8000-000000000001";
  const OTHER = "00000000-0000-4000-8000-000000000002";
  const municipality = fc.constantFrom(1, 2);
  const department = fc.option(fc.constantFrom(10, 11, 20), { nil: null });
  const assignment: fc.Arbitrary<RoleAssignment> = fc.record({
    role: fc.constantFrom(...STAFF_ROLES),
    municipalityId: fc.option(municipality, { nil: null }),
    departmentId: department,
  });
  const actor: fc.Arbitrary<Actor> = fc.oneof(
    fc.constant<Actor>({ kind: "visitor" }),
    fc
      .array(assignment, { maxLength: 3 })
      .map((roles): Actor => ({ kind: "user", userId: USER, identityLevel: "basic", roles })),
  );
  const kase = fc.record({
    municipalityId: municipality,
    departmentId: department,
    assigneeId: fc.constantFrom(null, USER, OTHER),
  });

  it("lists exactly the cases the policy lets the actor view as staff, where the workspace is theirs", () => {
    fc.assert(
      fc.property(actor, municipality, kase, (a, m, c) => {
        const scope = inboxScope(a, m);
        expect(scope !== undefined).toBe(can(a, "workspace.view", { municipalityId: m }));
        if (!scope) return;
        const subject = { ...c, ownerId: null, isPublic: true };
        expect(inScope(scope, c)).toBe(c.municipalityId === m && can(a, "case.view_staff", subject));
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the query string", () => {
  const known: InboxKnown = {
    categories: new Map([["potholes", [5, 50]]]),
    departments: new Set([10]),
    assignees: new Set(["00000000-0000-4000-8000-000000000009"]),
    userId: "00000000-0000-4000-8000-000000000001",
  };

  it("reads filters as a person means them", () => {
    const parsed = parseInboxQuery(
      {
        status: ["submitted", "submitted", "assigned"],
        category: "potholes",
        department: "unassigned",
        assignee: "me",
        sla: "overdue",
        from: "2026-11-01",
        sort: "due",
        page: "2",
        notice: "view_saved",
      },
      known,
    );
    expect(parsed).toMatchObject({
      ok: true,
      page: 2,
      sort: "due",
      filters: {
        statuses: ["submitted", "assigned"],
        categoryIds: [5, 50],
        department: "unassigned",
        assignee: known.userId,
        sla: "overdue",
        from: "2026-11-01",
      },
    });
    if (!parsed.ok) return;
    // The view's own address: the filters as asked, without the page or anything else.
    expect(inboxQueryString(parsed.values)).toBe(
      "status=submitted&status=assigned&category=potholes&department=unassigned&assignee=me&sla=overdue&from=2026-11-01&sort=due",
    );
  });

  it("puts each value it cannot mean at its field", () => {
    const parsed = parseInboxQuery(
      { status: "lost", department: "11", assignee: "nobody", channel: "fax", to: "2026-02-30", page: "-1" },
      known,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      status: "inbox.errors.status",
      department: "inbox.errors.department",
      assignee: "inbox.errors.assignee",
      channel: "inbox.errors.channel",
      to: "inbox.errors.to",
      form: "inbox.errors.page",
    });
    expect(parsed.values.to).toBe("2026-02-30");
  });
});

describe("time left", () => {
  // November 2026 has no holiday in Kosovo; 28 and 29 November are a weekend.
  const cal = buildCalendar({ timeZone: "Europe/Belgrade", holidays: [], years: [2026] });
  const now = new Date("2026-11-26T10:00:00Z"); // Thursday, 11:00 local
  const endOf = (day: string) => new Date(`${day}T23:00:00Z`); // local midnight after `day`

  it("counts the working days still to come until the day the deadline ends", () => {
    expect(timeLeft(endOf("2026-11-26"), now, cal)).toEqual({ kind: "due_today" });
    expect(timeLeft(endOf("2026-11-27"), now, cal)).toEqual({ kind: "due_in", workingDays: 1 });
    expect(timeLeft(endOf("2026-11-30"), now, cal)).toEqual({ kind: "due_in", workingDays: 2 });
  });

  it("counts the calendar days since a deadline passed", () => {
    expect(timeLeft(endOf("2026-11-23"), now, cal)).toEqual({ kind: "overdue", days: 3 });
    expect(timeLeft(new Date("2026-11-26T08:00:00Z"), now, cal)).toEqual({ kind: "overdue_today" });
  });

  it("gives the date of a deadline it cannot count in working days", () => {
    const friday = new Date("2026-11-27T10:00:00Z");
    const saturday = new Date("2026-11-28T12:00:00Z"); // an hours deadline on the weekend
    expect(timeLeft(saturday, now, cal)).toEqual({ kind: "due_in", workingDays: 1 });
    expect(timeLeft(saturday, friday, cal)).toEqual({ kind: "due_on", date: saturday });
    const nextYear = endOf("2027-01-15"); // no holiday data for 2027 here
    expect(timeLeft(nextYear, now, cal)).toEqual({ kind: "due_on", date: nextYear });
  });
});

describe("CSV lines", () => {
  it("quotes what needs quoting", () => {
    expect(csvLine(["a", 'say "hi"', "x,y", "two\nlines", null])).toBe(
      'a,"say ""hi""","x,y","two\nlines",\r\n',
    );
  });

  it("keeps what a spreadsheet would run as a formula as text, but not a phone number", () => {
    expect(csvLine(["=1+1", "@SUM(A1)", "-2+cmd", "+383 44 123 456", "-12.5"])).toBe(
      "'=1+1,'@SUM(A1),'-2+cmd,+383 44 123 456,-12.5\r\n",
    );
  });
});
