// The SLA scheduler on a real database, with the real working-day calendar and a fixed clock: warnings at
// 75 % and 90 %, the escalation ladder after a breach, each made once (also when passes repeat or run at the
// same moment on two connections), each with its event, audit entry and emails in the recipient's language;
// each case under the standard it was received under.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildCalendar, type WorkingCalendar } from "../../src/calendar/calendar.ts";
import { reopenCase } from "../../src/cases/commands/reopenCase.ts";
import { actOnCase } from "../../src/cases/commands/staffAction.ts";
import type { Standard } from "../../src/cases/sla.ts";
import { reviewOpenCases, runSlaPass, startSlaScheduler } from "../../src/cases/slaScheduler.ts";
import { slaColumns } from "../../src/cases/slaTracking.ts";
import type { CaseStatus } from "../../src/cases/statuses.ts";
import { type Database, openDatabase } from "../../src/db/client.ts";
import {
  auditLog,
  caseEvents,
  cases,
  categories,
  departments,
  digestItems,
  municipalities,
  notificationPreferences,
  notifications,
  outbox,
  roleAssignments,
  slaStandards,
  users,
  webhookEndpoints,
} from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { fixedClock } from "../../src/kernel/clock.ts";
import type { MailMessage } from "../../src/notifications/mailer.ts";
import { loadCalendar } from "../../src/reference/loadCalendar.ts";
import { loadProfile } from "../../src/reference/profile.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";

const BASE = "https://ekomuna.test";
let t: TestDatabase;
let calendar: WorkingCalendar;
const db = () => t.database.db;
const ids = {} as Record<"prishtine" | "prizren" | "gracanice" | "dumping" | "department", number>;
const staff = {} as Record<
  "assignee" | "officer" | "head" | "coordinator" | "otherCoordinator" | "ministry",
  string
>;

async function person(local: string, language: string, role: string, scope: { m?: number; d?: number }) {
  const [u] = await db()
    .insert(users)
    .values({ email: `${local}@komuna.test`, name: local, language })
    .returning({ id: users.id });
  await db()
    .insert(roleAssignments)
    .values({ userId: u!.id, role, municipalityId: scope.m ?? null, departmentId: scope.d ?? null });
  return u!.id;
}

beforeAll(async () => {
  t = await createTestDatabase();
  calendar = await loadCalendar(db(), loadProfile());
  const ms = await db().select({ id: municipalities.id, slug: municipalities.slug }).from(municipalities);
  for (const slug of ["prishtine", "prizren", "gracanice"] as const)
    ids[slug] = ms.find((m) => m.slug === slug)!.id;
  const [cat] = await db().select().from(categories).where(eq(categories.code, "illegal-dumping"));
  // The national standard this suite counts on: acknowledge in 2, answer in 5, resolve in 20 working days.
  expect(cat).toMatchObject({
    slaUnit: "working_days",
    ackWithin: 2,
    firstResponseWithin: 5,
    resolutionWithin: 20,
  });
  ids.dumping = cat!.id;
  const [d] = await db()
    .insert(departments)
    .values({
      municipalityId: ids.prishtine,
      code: "public-services",
      name: { sq: "Shërbime", sr: "Usluge" },
    })
    .returning();
  ids.department = d!.id;
  const m = ids.prishtine;
  staff.assignee = await person("assignee", "sr", "officer", { m, d: d!.id });
  staff.officer = await person("officer", "en", "officer", { m, d: d!.id });
  staff.head = await person("head", "sq", "department_head", { m, d: d!.id });
  staff.coordinator = await person("coordinator", "en", "participation_coordinator", { m });
  staff.otherCoordinator = await person("other", "sq", "participation_coordinator", { m: ids.gracanice });
  staff.ministry = await person("ministry", "sr", "ministry_monitor", {});
});
afterAll(() => t.drop());
beforeEach(async () => {
  // Each test looks only at its own cases: those of earlier tests are due no check.
  await db().delete(outbox);
  await db().update(cases).set({ nextSlaCheckAt: null });
});

let serial = 0;
/** A case of illegal dumping received on Monday 2 November 2026, 10:00 in Prishtinë, due a check at once. */
async function newCase(o: {
  status?: CaseStatus;
  receivedAt?: string;
  acknowledgedAt?: string | null;
  department?: boolean;
  assignee?: boolean;
  municipality?: number;
  pauses?: { from: string; to?: string }[];
  /** The standard fixed at receipt (cases.sla_standard); none: a case received before it was kept. */
  standard?: Standard;
}) {
  const receivedAt = new Date(o.receivedAt ?? "2026-11-02T09:00:00Z");
  const ack = o.acknowledgedAt === undefined ? "2026-11-02T12:00:00Z" : o.acknowledgedAt;
  const code = `PRI-2026-9${String(++serial).padStart(5, "0")}`;
  const [row] = await db()
    .insert(cases)
    .values({
      trackingCode: code,
      municipalityId: o.municipality ?? ids.prishtine,
      type: "issue_report",
      categoryId: ids.dumping,
      status: o.status ?? "assigned",
      title: `Mbeturina ${serial}`,
      description: "Deponi pranë shkollës.",
      receivedAt,
      acknowledgedAt: ack ? new Date(ack) : null,
      departmentId: o.department === false ? null : ids.department,
      assigneeId: o.assignee === false || o.department === false ? null : staff.assignee,
      slaPauses: o.pauses ?? [],
      slaStandard: o.standard ?? null,
      nextSlaCheckAt: receivedAt,
    })
    .returning({ id: cases.id });
  return { id: row!.id, code };
}

const pass = (now: string, o: { batchSize?: number; on?: Database } = {}) =>
  runSlaPass({
    db: (o.on ?? t.database).db,
    now: new Date(now),
    calendar,
    baseUrl: BASE,
    batchSize: o.batchSize,
  });

const row = async (id: number) => (await db().select().from(cases).where(eq(cases.id, id)))[0]!;
const events = (id: number) =>
  db().select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.id));
const mails = async () =>
  (await db().select().from(outbox).orderBy(asc(outbox.id))).map((m) => m.payload as unknown as MailMessage);

/** Makes the case due a check again, as if another pass or a command had left it so. */
const recheck = (id: number, at: string) =>
  db()
    .update(cases)
    .set({ nextSlaCheckAt: new Date(at) })
    .where(eq(cases.id, id));

/** Passes repeated at `now` change nothing more, even with the case made due again. */
async function repeatsChangeNothing(id: number, now: string) {
  const before = { row: await row(id), events: (await events(id)).length, mails: (await mails()).length };
  expect(await pass(now)).toEqual({ examined: 0, warnings: 0, escalations: 0 });
  await recheck(id, now);
  expect(await pass(now)).toEqual({ examined: 1, warnings: 0, escalations: 0 });
  const after = await row(id);
  expect(after.slaMarks).toEqual(before.row.slaMarks);
  expect(after.escalationLevel).toBe(before.row.escalationLevel);
  expect((await events(id)).length).toBe(before.events);
  expect((await mails()).length).toBe(before.mails);
}

describe("a case through its first-response clock (5 working days, due at the end of Monday 9 November)", () => {
  it("warns the assignee at 75 % and 90 %, then escalates at the breach, +2 and +5 working days, each once", async () => {
    const k = await newCase({});
    const link = `${BASE}/m/prishtine/workspace/cases/${k.code}`;

    // Tuesday: nothing due yet; the next check is the 75 % mark (Friday 6 November, 14:30 local).
    expect(await pass("2026-11-03T08:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 0 });
    expect(await row(k.id)).toMatchObject({
      slaState: "on_track",
      slaDueAt: new Date("2026-11-09T23:00:00Z"),
      responseDueAt: new Date("2026-11-09T23:00:00Z"),
      nextSlaCheckAt: new Date("2026-11-06T13:30:00Z"),
      slaMarks: {},
    });

    // 75 %: the assignee is told, in Serbian, with the link to the case in the workspace.
    expect(await pass("2026-11-06T13:31:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
    let sent = await mails();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: "assignee@komuna.test",
      subject: `Rok se približava: ${k.code} – Mbeturina 1`,
    });
    expect(sent[0]!.text).toContain("prvi odgovor");
    expect(sent[0]!.text).toContain("Rok: kraj dana ponedeljak, 9. novembar 2026.\n");
    expect(sent[0]!.text).toContain(link);
    expect(await row(k.id)).toMatchObject({
      slaState: "due_soon",
      slaMarks: { "firstResponse.due_soon": "2026-11-06T13:31:00.000Z" },
      escalationLevel: 0,
    });
    await repeatsChangeNothing(k.id, "2026-11-06T13:40:00Z");

    // 90 % (Monday 9 November, 10:36 local).
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-11-09T09:36:00.001Z"));
    expect(await pass("2026-11-09T09:36:00.000Z")).toEqual({ examined: 0, warnings: 0, escalations: 0 });
    expect(await pass("2026-11-09T10:00:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
    sent = await mails();
    expect(sent.map((m) => [m.to, m.subject])).toEqual([
      ["assignee@komuna.test", `Rok se približava: ${k.code} – Mbeturina 1`],
      ["assignee@komuna.test", `Rok je veoma blizu: ${k.code} – Mbeturina 1`],
    ]);
    await repeatsChangeNothing(k.id, "2026-11-09T12:00:00Z");

    // The breach: the department head, in Albanian.
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-11-09T23:00:00Z"));
    expect(await pass("2026-11-10T07:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    sent = await mails();
    expect(sent[2]).toMatchObject({
      to: "head@komuna.test",
      subject: `Ju është përshkallëzuar: ${k.code} – Mbeturina 1`,
    });
    expect(sent[2]!.text).toContain("hapi i parë i përshkallëzimit");
    expect(sent[2]!.text).toContain(link);
    const breached = await row(k.id);
    expect(breached).toMatchObject({
      slaState: "overdue",
      escalationLevel: 1,
      slaDueAt: new Date("2026-11-09T23:00:00Z"),
      // Two working days after the deadline: the end of Wednesday 11 November.
      nextSlaCheckAt: new Date("2026-11-11T23:00:00Z"),
    });
    // The columns are those slaColumns gives at that moment (the scheduler reads an overdue clock at its deadline).
    const record = {
      ...breached,
      status: breached.status as CaseStatus,
      standard: { unit: "working_days" as const, ackWithin: 2, firstResponseWithin: 5, resolutionWithin: 20 },
      pauses: breached.slaPauses,
    };
    expect(slaColumns(record, new Date("2026-11-10T07:00:00Z"), calendar)).toMatchObject({
      slaState: breached.slaState,
      slaDueAt: breached.slaDueAt,
      ackDueAt: breached.ackDueAt,
      responseDueAt: breached.responseDueAt,
      resolutionDueAt: breached.resolutionDueAt,
    });
    await repeatsChangeNothing(k.id, "2026-11-11T12:00:00Z");

    // +2 working days: the participation coordinator, in English.
    expect(await pass("2026-11-12T08:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    sent = await mails();
    expect(sent[3]).toMatchObject({
      to: "coordinator@komuna.test",
      subject: `Escalated to you: ${k.code} – Mbeturina 1`,
    });
    expect(sent[3]!.text).toContain(
      "the deadline for the first response (the end of Monday, November 9, 2026)",
    );
    expect(sent[3]!.text).toContain("second step of escalation");
    // +5 working days: the end of Monday 16 November (the weekend does not count).
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-11-16T23:00:00Z"));
    await repeatsChangeNothing(k.id, "2026-11-16T22:59:00Z");

    // +5 working days: the ministry, in Serbian; the ladder is done, no check is left.
    expect(await pass("2026-11-17T08:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    sent = await mails();
    expect(sent[4]).toMatchObject({
      to: "ministry@komuna.test",
      subject: `Eskalirano vama: ${k.code} – Mbeturina 1`,
    });
    expect(sent[4]!.text).toContain("ka ministarstvu");
    expect(await row(k.id)).toMatchObject({ slaState: "overdue", escalationLevel: 3, nextSlaCheckAt: null });
    await repeatsChangeNothing(k.id, "2026-12-01T08:00:00Z");
    expect(sent).toHaveLength(5);

    expect(Object.keys((await row(k.id)).slaMarks).sort()).toEqual([
      "firstResponse.due_soon",
      "firstResponse.escalation_1",
      "firstResponse.escalation_2",
      "firstResponse.escalation_3",
      "firstResponse.warning_90",
    ]);
    // Warnings stay internal; escalations are on the public timeline, naming a role, never a person.
    expect((await events(k.id)).map((e) => [e.type, e.isPublic, e.data])).toEqual([
      [
        "sla_warning",
        false,
        expect.objectContaining({ clock: "firstResponse", mark: "due_soon", reason: "assignee" }),
      ],
      ["sla_warning", false, expect.objectContaining({ clock: "firstResponse", mark: "warning_90" })],
      [
        "escalated",
        true,
        { clock: "firstResponse", level: 1, to: "department_head", dueAt: "2026-11-09T23:00:00.000Z" },
      ],
      ["escalated", true, expect.objectContaining({ level: 2, to: "participation_coordinator" })],
      ["escalated", true, expect.objectContaining({ level: 3, to: "ministry_monitor" })],
    ]);
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "case"), eq(auditLog.subjectId, k.code)))
      .orderBy(asc(auditLog.id));
    expect(
      audits.map((a) => [a.action, a.actorId, a.municipalityId, a.data?.level, a.data?.notified]),
    ).toEqual([
      ["case.escalated", null, ids.prishtine, 1, [staff.head]],
      ["case.escalated", null, ids.prishtine, 2, [staff.coordinator]],
      ["case.escalated", null, ids.prishtine, 3, [staff.ministry]],
    ]);
  });
});

describe("a case reopened after its deadline (resolution due at the end of Monday 30 November)", () => {
  /** Resolved on Monday 30 November (on time), then reopened by its submitter at `reopenAt`, through the command. */
  async function reopenedLate(
    reopenAt: string,
    before: { marks?: Record<string, string>; level?: number } = {},
  ) {
    const k = await newCase({ status: "resolved" });
    await db()
      .update(cases)
      .set({
        firstResponseAt: new Date("2026-11-03T09:00:00Z"),
        resolvedAt: new Date("2026-11-30T09:00:00Z"),
        slaMarks: before.marks ?? {},
        escalationLevel: before.level ?? 0,
        nextSlaCheckAt: null,
      })
      .where(eq(cases.id, k.id));
    const reopened = await reopenCase(db(), {
      kase: await row(k.id),
      why: "Mbeturinat u kthyen.",
      actorId: null,
      now: new Date(reopenAt),
      calendar,
    });
    expect(reopened).toMatchObject({ ok: true, kase: { status: "reopened" } });
    return k;
  }

  it("climbs the ladder from the reopening: the head at once, the coordinator 2 and the ministry 5 working days later", async () => {
    // Reopened on Tuesday 29 December, 10:00 local: a month after the first due date, which still stands.
    const k = await reopenedLate("2026-12-29T09:00:00Z");
    const dueAt = new Date("2026-11-30T23:00:00Z");
    expect(await row(k.id)).toMatchObject({
      slaState: "overdue",
      resolutionDueAt: dueAt,
      nextSlaCheckAt: new Date("2026-12-29T09:00:00Z"),
    });

    // One pass: the department head only. The warnings of a clock already breached are recorded, not sent.
    expect(await pass("2026-12-29T09:01:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    expect((await mails()).map((m) => m.to)).toEqual(["head@komuna.test"]);
    expect(await row(k.id)).toMatchObject({
      escalationLevel: 1,
      // Two working days after the reopening: Thursday 31 December, 10:00 local.
      nextSlaCheckAt: new Date("2026-12-31T09:00:00Z"),
    });
    expect(Object.keys((await row(k.id)).slaMarks).sort()).toEqual([
      "reopened",
      "resolution.due_soon",
      "resolution.escalation_1",
      "resolution.warning_90",
    ]);
    await repeatsChangeNothing(k.id, "2026-12-31T08:59:00Z");

    // The coordinator two working days after the reopening.
    expect(await pass("2026-12-31T09:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    expect((await mails()).map((m) => m.to)).toEqual(["head@komuna.test", "coordinator@komuna.test"]);
    // The ministry five working days after the reopening: the weekend, the New Year's holidays (the second
    // day observed on Monday 4 January) and Orthodox Christmas (7 January) do not count: Friday 8 January.
    const next = (await row(k.id)).nextSlaCheckAt!;
    expect(next).toEqual(new Date("2027-01-08T09:00:00.001Z"));
    await repeatsChangeNothing(k.id, new Date(next.getTime() - 60_000).toISOString());
    expect(await pass(next.toISOString())).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    expect(await row(k.id)).toMatchObject({ escalationLevel: 3, nextSlaCheckAt: null });
    // The escalations name the first due date: that is the deadline missed.
    expect(
      (await events(k.id)).filter((e) => e.type === "escalated").map((e) => [e.data?.level, e.data?.dueAt]),
    ).toEqual([
      [1, dueAt.toISOString()],
      [2, dueAt.toISOString()],
      [3, dueAt.toISOString()],
    ]);
    expect((await reviewOpenCases({ db: db(), now: next, calendar })).corrected).toBe(0);
  });

  it("does not go down the ladder: a case escalated to the coordinator before it was resolved waits for the ministry's step", async () => {
    const made = "2026-12-03T08:00:00Z";
    const k = await reopenedLate("2026-12-29T09:00:00Z", {
      marks: { "resolution.escalation_1": made, "resolution.escalation_2": made },
      level: 2,
    });
    expect(await pass("2026-12-29T09:01:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 0 });
    expect(await mails()).toEqual([]);
    const waiting = await row(k.id);
    expect(waiting.escalationLevel).toBe(2);
    // The ministry's step five working days after the reopening, as for a case never escalated.
    expect(waiting.nextSlaCheckAt).toEqual(new Date("2027-01-08T09:00:00.001Z"));
    expect(
      (await reviewOpenCases({ db: db(), now: new Date("2026-12-29T10:00:00Z"), calendar })).corrected,
    ).toBe(0);
  });

  it("reopened before its deadline, keeps the ladder at the deadline", async () => {
    const k = await reopenedLate("2026-11-30T12:00:00Z");
    // Its warnings' instants have passed: the next look is at the deadline.
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-11-30T23:00:00Z"));
    expect(await pass("2026-12-01T08:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    // The coordinator two working days after the deadline, not after the reopening.
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-12-02T23:00:00Z"));
  });
});

describe("who is told, and when nothing is", () => {
  it("does not warn a case that awaits the citizen, however late it is", async () => {
    const k = await newCase({ status: "awaiting_citizen", pauses: [{ from: "2026-11-03T10:00:00Z" }] });
    expect(await pass("2026-11-25T08:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 0 });
    expect(await row(k.id)).toMatchObject({
      slaState: "paused",
      nextSlaCheckAt: null,
      slaMarks: {},
      escalationLevel: 0,
    });
    expect(await events(k.id)).toEqual([]);
    expect(await mails()).toEqual([]);
  });

  it("warns an unassigned case's department officers, and moves to the next clock once acknowledged", async () => {
    const k = await newCase({ status: "submitted", acknowledgedAt: null, assignee: false });
    // 75 % of the 2 working days to acknowledge: Wednesday 4 November, 08:30 local.
    expect(await pass("2026-11-04T08:00:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
    expect((await mails()).map((m) => [m.to, m.subject])).toEqual([
      ["assignee@komuna.test", `Rok se približava: ${k.code} – Mbeturina ${serial}`],
      ["officer@komuna.test", `Deadline approaching: ${k.code} – Mbeturina ${serial}`],
    ]);
    expect((await mails())[1]!.text).toContain(
      "belongs to your department and is not assigned to anyone yet",
    );
    expect((await row(k.id)).slaDueAt).toEqual(new Date("2026-11-04T23:00:00Z"));

    // Acknowledged at 10:00 local; the command leaves the case due a check, as the commands do.
    await db()
      .update(cases)
      .set({ status: "acknowledged", acknowledgedAt: new Date("2026-11-04T09:00:00Z") })
      .where(eq(cases.id, k.id));
    await recheck(k.id, "2026-11-04T09:00:00Z");
    // Past what was the acknowledgement's 90 % mark: no warning for a clock that no longer runs.
    expect(await pass("2026-11-04T18:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 0 });
    expect(await row(k.id)).toMatchObject({
      slaState: "on_track",
      slaDueAt: new Date("2026-11-09T23:00:00Z"),
      nextSlaCheckAt: new Date("2026-11-06T13:30:00Z"),
    });
    expect(await pass("2026-11-06T14:00:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
    expect(Object.keys((await row(k.id)).slaMarks).sort()).toEqual([
      "ack.due_soon",
      "firstResponse.due_soon",
    ]);
    expect((await events(k.id)).map((e) => e.data?.clock)).toEqual(["ack", "firstResponse"]);
  });

  it("found past its deadline, records the warnings it is too late for and escalates; no department: the coordinators", async () => {
    const k = await newCase({ department: false });
    expect(await pass("2026-11-10T12:00:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
    expect(Object.keys((await row(k.id)).slaMarks).sort()).toEqual([
      "firstResponse.due_soon",
      "firstResponse.escalation_1",
      "firstResponse.warning_90",
    ]);
    expect((await events(k.id)).map((e) => e.type)).toEqual(["escalated"]);
    // No department head to take the first step: Prishtinë's coordinator, and not Graçanica's.
    expect((await mails()).map((m) => m.to)).toEqual(["coordinator@komuna.test"]);
  });

  it("follows a municipality's tightened standard", async () => {
    await db().insert(slaStandards).values({
      municipalityId: ids.prizren,
      type: "issue_report",
      categoryId: ids.dumping,
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 2,
      resolutionWithin: 10,
    });
    forgetReferenceData(db());
    try {
      const k = await newCase({ municipality: ids.prizren, department: false });
      // No coordinator in Prizren: the warning is still recorded, with nobody to send it to.
      expect(await pass("2026-11-04T18:00:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
      expect(await row(k.id)).toMatchObject({
        slaDueAt: new Date("2026-11-04T23:00:00Z"),
        slaState: "due_soon",
        nextSlaCheckAt: new Date("2026-11-04T23:00:00Z"),
      });
      expect(await mails()).toEqual([]);
    } finally {
      await db().delete(slaStandards);
      forgetReferenceData(db());
    }
  });
});

describe("a case the calendar cannot count", () => {
  it("is reported and looked at again an hour later, without holding up the others", async () => {
    // Answer due in January 2028, a year the holiday data does not cover yet.
    const late = await newCase({ receivedAt: "2027-12-28T09:00:00Z" });
    const fine = await newCase({ receivedAt: "2027-12-01T09:00:00Z" });
    const logged: unknown[] = [];
    const now = "2027-12-29T08:00:00Z";
    const result = await runSlaPass({
      db: db(),
      now: new Date(now),
      calendar,
      baseUrl: BASE,
      log: (e) => logged.push(e),
    });
    expect(result).toEqual({ examined: 2, warnings: 0, escalations: 3 });
    expect(logged.map((e) => (e as Error).message)).toEqual([`SLA check of case ${late.code} failed`]);
    expect(((logged[0] as Error).cause as Error).message).toMatch(/No holiday data for 2028/);
    expect(await row(late.id)).toMatchObject({
      nextSlaCheckAt: new Date("2027-12-29T09:00:00Z"),
      slaMarks: {},
    });
    expect(await row(fine.id)).toMatchObject({
      slaState: "overdue",
      escalationLevel: 3,
      nextSlaCheckAt: null,
    });
  });
});

describe("two passes at the same moment", () => {
  it("make each mark once between them, on separate connections where the database has them", async () => {
    const made = [];
    for (let i = 0; i < 120; i++) made.push(await newCase({ receivedAt: "2026-10-01T08:00:00Z" }));
    const mine = made.map((k) => k.id);
    // PostgreSQL: a second pool, so the two passes really run side by side; PGlite has one connection.
    const other = t.url ? await openDatabase({ kind: "postgres", url: t.url, poolSize: 2 }) : t.database;
    try {
      const now = "2026-11-03T08:00:00Z";
      const results = await Promise.all([
        pass(now, { batchSize: 7 }),
        pass(now, { batchSize: 7, on: other }),
      ]);
      const sum = (f: "examined" | "warnings" | "escalations") => results.reduce((n, r) => n + r[f], 0);
      // Received 1 October: answer due 8 October, so every step of the ladder is due by 3 November.
      expect([sum("examined"), sum("warnings"), sum("escalations")]).toEqual([120, 0, 360]);
      const counted = await db()
        .select({
          n: sql<number>`count(*)::int`,
          distinct: sql<number>`count(distinct (case_id, data->>'level'))::int`,
        })
        .from(caseEvents)
        .where(and(inArray(caseEvents.caseId, mine), eq(caseEvents.type, "escalated")));
      expect(counted[0]).toEqual({ n: 360, distinct: 360 });
      const sent = await mails();
      expect(sent).toHaveLength(360);
      expect(sent.filter((m) => m.to === "ministry@komuna.test")).toHaveLength(120);
      const rows = await db().select().from(cases).where(inArray(cases.id, mine));
      expect(rows.every((r) => r.escalationLevel === 3 && r.nextSlaCheckAt === null)).toBe(true);
      expect(new Set(rows.map((r) => Object.keys(r.slaMarks).length))).toEqual(new Set([5]));
      expect(await Promise.all([pass(now), pass(now, { on: other })])).toEqual([
        { examined: 0, warnings: 0, escalations: 0 },
        { examined: 0, warnings: 0, escalations: 0 },
      ]);
    } finally {
      if (other !== t.database) await other.close();
    }
  });
});

describe("startSlaScheduler", () => {
  it("runs a pass on demand with its clock, and stops", async () => {
    const k = await newCase({});
    const clock = fixedClock("2026-11-06T14:00:00Z");
    const scheduler = startSlaScheduler(db(), calendar, BASE, { intervalMs: 3_600_000, clock });
    try {
      expect(await scheduler.runNow()).toEqual({ examined: 1, warnings: 1, escalations: 0 });
      expect(await scheduler.runNow()).toEqual({ examined: 0, warnings: 0, escalations: 0 });
      expect(Object.keys((await row(k.id)).slaMarks)).toEqual(["firstResponse.due_soon"]);
    } finally {
      await scheduler.stop();
    }
    expect(await scheduler.runNow()).toBeUndefined();
  });
});

describe("what each person chose", () => {
  it("puts every notice in the notification centre, and emails warnings at once, in the digest or not at all", async () => {
    const k = await newCase({});
    // The assignee wants deadline warnings in the daily digest; escalations cannot be put off.
    await db()
      .insert(notificationPreferences)
      .values({ userId: staff.assignee!, topic: "sla_warning", mode: "digest" })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.topic],
        set: { mode: "digest" },
      });
    try {
      expect(await pass("2026-11-06T13:31:00Z")).toEqual({ examined: 1, warnings: 1, escalations: 0 });
      expect(await mails()).toEqual([]);
      const held = await db().select().from(digestItems).where(eq(digestItems.userId, staff.assignee!));
      expect(held).toHaveLength(1);
      expect(held[0]!.subject).toContain(k.code);
      const centre = await db()
        .select()
        .from(notifications)
        .where(and(eq(notifications.userId, staff.assignee!), eq(notifications.caseId, k.id)));
      expect(centre.map((n) => [n.topic, n.link])).toEqual([
        ["sla_warning", `/m/prishtine/workspace/cases/${k.code}`],
      ]);
      // Off: nothing by email, the centre still has it. The breach's escalation goes to the head by email.
      await db()
        .update(notificationPreferences)
        .set({ mode: "off" })
        .where(eq(notificationPreferences.userId, staff.assignee!));
      expect(await pass("2026-11-09T23:01:00Z")).toEqual({ examined: 1, warnings: 0, escalations: 1 });
      const sent = await mails();
      expect(sent.map((m) => m.to)).toEqual(["head@komuna.test"]);
      expect(sent[0]!.headers?.["List-Unsubscribe"]).toBeUndefined();
    } finally {
      await db().delete(notificationPreferences).where(eq(notificationPreferences.userId, staff.assignee!));
    }
  });
});

describe("reviewOpenCases", () => {
  it("finds nothing to correct after a pass, and makes due a pass the cases a calendar change moves", async () => {
    const k = await newCase({});
    expect(await pass("2026-11-03T08:00:00Z")).toMatchObject({ examined: 1 });
    const now = new Date("2026-11-03T09:00:00Z");
    // (Earlier tests' cases had their next checks cleared by beforeEach: the review rightly finds those.)
    const clean = await reviewOpenCases({ db: db(), now, calendar });
    expect(clean.reviewed).toBeGreaterThan(0);
    expect((await row(k.id)).nextSlaCheckAt).toEqual(new Date("2026-11-06T13:30:00Z"));
    await runSlaPass({ db: db(), now, calendar, baseUrl: BASE });
    expect((await reviewOpenCases({ db: db(), now, calendar })).corrected).toBe(0);
    // A holiday on Wednesday 4 November: the case's deadlines move a working day later.
    const moved = buildCalendar({
      timeZone: calendar.timeZone,
      years: calendar.years,
      holidays: [
        ...[...calendar.holidays.values()].flat(),
        {
          date: "2026-11-04",
          observed: "2026-11-04",
          name: { en: "A day off", sq: "Një ditë pushimi" },
          rule: "announced",
          status: "confirmed",
        },
      ],
    });
    const review = await reviewOpenCases({ db: db(), now, calendar: moved });
    expect(review.corrected).toBeGreaterThanOrEqual(1);
    expect((await row(k.id)).nextSlaCheckAt).toEqual(now);
    // The pass then puts the columns right, with the new calendar.
    await runSlaPass({ db: db(), now, calendar: moved, baseUrl: BASE });
    expect(await row(k.id)).toMatchObject({ responseDueAt: new Date("2026-11-10T23:00:00Z") });
    expect((await reviewOpenCases({ db: db(), now, calendar: moved })).corrected).toBe(0);
  });
});

describe("reviewOpenCases reads what the pass reads", () => {
  it("takes instants to the millisecond, microseconds cut off, as the pass does", async () => {
    const k = await newCase({
      standard: { unit: "hours", ackWithin: 24, firstResponseWithin: 72, resolutionWithin: 240 },
    });
    // Written by SQL, as an import might: microseconds that rounding would carry to the next millisecond.
    await db().execute(sql`update cases set received_at = '2026-11-02T09:00:00.000999Z',
      acknowledged_at = '2026-11-02T12:00:00.000999Z' where id = ${k.id}`);
    await pass("2026-11-03T08:00:00Z");
    expect((await row(k.id)).responseDueAt).toEqual(new Date("2026-11-05T09:00:00.000Z"));
    const check = (await row(k.id)).nextSlaCheckAt;
    await reviewOpenCases({ db: db(), now: new Date("2026-11-03T09:00:00Z"), calendar });
    expect((await row(k.id)).nextSlaCheckAt).toEqual(check);
  });
});

describe("the standard a case was received under", () => {
  /** Illegal dumping's national standard, as fixed on a case received under it. */
  const DUMPING: Standard = {
    unit: "working_days",
    ackWithin: 2,
    firstResponseWithin: 5,
    resolutionWithin: 20,
  };

  it("keeps its deadlines when the national standard changes; a case from before standards were kept follows the change", async () => {
    const kept = await newCase({ standard: DUMPING });
    const earlier = await newCase({});
    await pass("2026-11-03T08:00:00Z");
    const firstAnswerDue = new Date("2026-11-09T23:00:00Z");
    expect(await row(kept.id)).toMatchObject({ responseDueAt: firstAnswerDue, slaDueAt: firstAnswerDue });
    expect(await row(earlier.id)).toMatchObject({ responseDueAt: firstAnswerDue });
    const keptCheck = (await row(kept.id)).nextSlaCheckAt;
    // The ministry shortens the first answer to 3 working days, for the cases received from now on.
    await db().update(categories).set({ firstResponseWithin: 3 }).where(eq(categories.id, ids.dumping));
    forgetReferenceData(db());
    try {
      const now = new Date("2026-11-03T09:00:00Z");
      await reviewOpenCases({ db: db(), now, calendar });
      expect((await row(kept.id)).nextSlaCheckAt).toEqual(keptCheck);
      expect((await row(earlier.id)).nextSlaCheckAt).toEqual(now);
      await runSlaPass({ db: db(), now, calendar, baseUrl: BASE });
      expect(await row(kept.id)).toMatchObject({ responseDueAt: firstAnswerDue, slaDueAt: firstAnswerDue });
      // Received before the standard was kept on the case: the standard in force, end of Thursday 5 November.
      expect(await row(earlier.id)).toMatchObject({ responseDueAt: new Date("2026-11-05T23:00:00Z") });
      expect((await reviewOpenCases({ db: db(), now, calendar })).corrected).toBe(0);
    } finally {
      await db().update(categories).set({ firstResponseWithin: 5 }).where(eq(categories.id, ids.dumping));
      forgetReferenceData(db());
    }
  });

  it("is resolved again when staff set its priority, stored with the new deadlines, and kept from then on", async () => {
    const URGENT: Standard = {
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 2,
      resolutionWithin: 10,
    };
    await db()
      .insert(slaStandards)
      .values({ type: "issue_report", categoryId: ids.dumping, priority: "urgent", ...URGENT });
    forgetReferenceData(db());
    try {
      const k = await newCase({ standard: DUMPING });
      const [head] = await db().select().from(users).where(eq(users.id, staff.head));
      const done = await actOnCase(
        {
          db: db(),
          now: new Date("2026-11-03T08:00:00Z"),
          calendar,
          actor: await loadActor(db(), head!),
          baseUrl: BASE,
          poke: () => {},
        },
        { code: k.code, action: { kind: "set_priority", priority: "urgent" } },
      );
      expect(done.ok).toBe(true);
      // Two working days from Monday 2 November: the end of Wednesday 4 November.
      const urgentDue = new Date("2026-11-04T23:00:00Z");
      expect(await row(k.id)).toMatchObject({
        priority: "urgent",
        slaStandard: URGENT,
        responseDueAt: urgentDue,
        slaDueAt: urgentDue,
      });
      // The national row for urgent cases is withdrawn: the case keeps the standard it was given.
      await db().delete(slaStandards);
      forgetReferenceData(db());
      const check = (await row(k.id)).nextSlaCheckAt;
      await reviewOpenCases({ db: db(), now: new Date("2026-11-03T09:00:00Z"), calendar });
      expect((await row(k.id)).nextSlaCheckAt).toEqual(check);
    } finally {
      await db().delete(slaStandards);
      forgetReferenceData(db());
    }
  });
});

describe("integrations", () => {
  it("hear of an escalation through a webhook, with the step of the ladder and nothing personal", async () => {
    const k = await newCase({});
    const [endpoint] = await db()
      .insert(webhookEndpoints)
      .values({
        municipalityId: ids.prishtine,
        url: "https://hooks.example.org/sla",
        secret: "whsec_sla",
        events: ["case.escalated"],
      })
      .returning();
    try {
      expect(await pass("2026-11-09T23:01:00Z")).toMatchObject({ escalations: 1 });
      const hooks = (await db().select().from(outbox).where(eq(outbox.kind, "webhook"))).map(
        (m) =>
          m.payload as {
            endpointId: number;
            event: string;
            data: { case: { trackingCode: string }; change: unknown };
          },
      );
      expect(hooks).toHaveLength(1);
      expect(hooks[0]).toMatchObject({
        endpointId: endpoint!.id,
        event: "case.escalated",
        data: { case: { trackingCode: k.code }, change: { escalationLevel: 1 } },
      });
      expect(JSON.stringify(hooks[0])).not.toContain("@komuna.test");
    } finally {
      await db().delete(webhookEndpoints);
    }
  });
});
