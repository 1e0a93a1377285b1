// What staff do to a case (src/cases/commands/staffAction.ts): each action through the policy table and
// the lifecycle, in one transaction with its event, audit entry and message; stale forms refused with what
// changed; the SLA clocks kept current.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { addInformation } from "../../src/cases/commands/addInformation.ts";
import { followCase } from "../../src/cases/commands/followCase.ts";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { publicCaseView } from "../../src/cases/publicView.ts";
import { loadCase } from "../../src/cases/queries/caseQueries.ts";
import { slaColumns } from "../../src/cases/slaTracking.ts";
import type { CaseStatus } from "../../src/cases/statuses.ts";
import {
  auditLog,
  caseEvents,
  caseFollowers,
  casePhotos,
  cases,
  categories,
  departments,
  municipalities,
  outbox,
  slaStandards,
  users,
} from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { C } from "../../src/stats/counters.ts";
import { factsOf } from "../../src/stats/facts.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
});
afterAll(() => p.close());
const db = () => p.deps.database.db;
let n = 0;

async function actorOf(local: string): Promise<Actor> {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, `${local}@demo.ekomuna.example`));
  return loadActor(db(), u!);
}
const userId = async (local: string) => {
  const a = await actorOf(local);
  return a.kind === "user" ? a.userId : "";
};
async function departmentId(slug: string, code: string) {
  const [d] = await db()
    .select({ id: departments.id })
    .from(departments)
    .innerJoin(municipalities, eq(municipalities.id, departments.municipalityId))
    .where(and(eq(municipalities.slug, slug), eq(departments.code, code)));
  return d!.id;
}

async function newCase(options: { type?: "issue_report" | "request"; email?: string } = {}) {
  const type = options.type ?? "issue_report";
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: "Gropë në rrugë",
      description: "Thirrni në 044 123 456",
      address: "Rruga B 12",
      contact: { showName: false, ...(options.email ? { email: options.email } : {}) },
      language: "sq",
      channel: "web",
      idempotencyKey: `staff-${++n}`,
    },
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok) throw new Error(made.reason);
  return made.trackingCode;
}
const row = async (code: string) => (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;
const events = async (code: string) =>
  db()
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, (await row(code)).id));

function act(actor: Actor, code: string, action: StaffAction, version?: number) {
  return actOnCase(
    { db: db(), now: p.clock.now(), calendar: p.deps.calendar, actor, baseUrl: "http://x", poke: () => {} },
    { code, action, ...(version !== undefined ? { version } : {}) },
  );
}

/** A new Prishtinë pothole in the public-services department (where zyrtari and drejtori work). */
async function inPublicServices(options: { email?: string; type?: "issue_report" | "request" } = {}) {
  const code = await newCase(options);
  const assigned = await act(await actorOf("koordinatori.prishtine"), code, {
    kind: "assign",
    departmentId: await departmentId("prishtine", "public-services"),
    assigneeId: null,
  });
  expect(assigned).toMatchObject({ ok: true, kase: { status: "assigned" } });
  return code;
}

describe("staff acting on a case", () => {
  it("acknowledges: the status, an event, an audit entry, the version raised, the next clock running", async () => {
    const code = await inPublicServices();
    const before = await row(code);
    expect(before.slaState).toBe("on_track");
    const officer = await actorOf("zyrtari.prishtine");
    const done = await act(officer, code, { kind: "acknowledge" }, before.version);
    // Assigned cases are past acknowledgement in the lifecycle: acknowledging is refused, nothing changes.
    expect(done).toEqual({ ok: false, reason: "not_allowed_from_status" });
    const fresh = await newCase();
    const coordinator = await actorOf("koordinatori.prishtine");
    const ack = await act(coordinator, fresh, { kind: "acknowledge" }, 0);
    expect(ack).toMatchObject({ ok: true, kase: { status: "acknowledged", version: 1 } });
    const after = await row(fresh);
    expect(after.acknowledgedAt).toEqual(p.clock.now());
    // The acknowledgement clock is met; the first-response clock now runs.
    expect(after.slaDueAt).toEqual(after.responseDueAt);
    expect((await events(fresh)).map((e) => e.type)).toEqual(["submitted", "status_changed"]);
    const audit = await db().select().from(auditLog).where(eq(auditLog.subjectId, fresh));
    expect(audit.map((a) => a.action)).toContain("case.acknowledge");
  });

  it("refuses a stale form and says what changed since", async () => {
    const code = await inPublicServices();
    const shown = (await row(code)).version;
    const head = await actorOf("drejtori.prishtine");
    expect(await act(head, code, { kind: "set_priority", priority: "high" }, shown)).toMatchObject({
      ok: true,
    });
    const second = await act(await actorOf("zyrtari.prishtine"), code, { kind: "note", text: "x" }, shown);
    expect(second).toMatchObject({ ok: false, reason: "case_changed" });
    expect(second.ok ? [] : second.changes?.map((e) => e.type)).toEqual(["priority_set"]);
    expect((await events(code)).some((e) => e.type === "internal_note")).toBe(false);
  });

  it("lets exactly one of two officers acting at the same moment succeed", async () => {
    const code = await inPublicServices();
    const { version } = await row(code);
    const [a, b] = await Promise.all([
      act(await actorOf("zyrtari.prishtine"), code, { kind: "change_status", action: "start" }, version),
      act(await actorOf("drejtori.prishtine"), code, { kind: "set_priority", priority: "urgent" }, version),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect((await row(code)).version).toBe(version + 1);
  });

  it("keeps each action to who may take it, and other people's cases invisible", async () => {
    const code = await inPublicServices();
    // Another municipality's officer and a citizen do not even see it.
    expect(await act(await actorOf("sluzbenik.gracanica"), code, { kind: "note", text: "x" })).toEqual({
      ok: false,
      reason: "not_found",
    });
    expect(await act(await actorOf("lirije.shala"), code, { kind: "note", text: "x" })).toEqual({
      ok: false,
      reason: "not_found",
    });
    // An officer works the case but does not steer it.
    const officer = await actorOf("zyrtari.prishtine");
    expect(await act(officer, code, { kind: "set_visibility", visibility: "private" })).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await act(officer, code, { kind: "set_priority", priority: "low" })).toEqual({
      ok: false,
      reason: "not_allowed",
    });
    expect(await act(officer, code, { kind: "note", text: "Kontrollova në terren." })).toMatchObject({
      ok: true,
    });
  });

  it("assigns only to a department of the case's municipality and to someone who works there", async () => {
    const code = await newCase();
    const coordinator = await actorOf("koordinatori.prishtine");
    const elsewhere = await departmentId("prizren", "urbanism");
    expect(
      await act(coordinator, code, { kind: "assign", departmentId: elsewhere, assigneeId: null }),
    ).toEqual({
      ok: false,
      reason: "unknown_department",
    });
    const services = await departmentId("prishtine", "public-services");
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: services,
        assigneeId: await userId("zyrtari.prizren"),
      }),
    ).toEqual({ ok: false, reason: "unknown_assignee" });
    expect((await row(code)).status).toBe("submitted");
    const officer = await userId("zyrtari.prishtine");
    expect(
      await act(coordinator, code, { kind: "assign", departmentId: services, assigneeId: officer }),
    ).toMatchObject({ ok: true, kase: { departmentId: services, assigneeId: officer, status: "assigned" } });
  });

  it("asks the citizen, stops the clock until they answer, then gives the paused days back", async () => {
    const code = await inPublicServices({ email: "arta@example.org" });
    const before = await row(code);
    const officer = await actorOf("zyrtari.prishtine");
    expect(
      await act(officer, code, { kind: "request_information", message: "Në cilën anë të rrugës?" }),
    ).toMatchObject({ ok: true, kase: { status: "awaiting_citizen", slaState: "paused" } });
    const mail = await db().select().from(outbox).where(eq(outbox.kind, "email"));
    const asked = mail
      .map((m) => m.payload as { to: string; text: string })
      .filter((m) => m.to === "arta@example.org");
    expect(asked.some((m) => m.text.includes("Në cilën anë të rrugës?") && m.text.includes(code))).toBe(true);
    // Three working days later the citizen answers: the clocks run again, three working days later.
    p.clock.set(new Date("2026-12-01T10:00:00Z"));
    try {
      const resumed = await addInformation(db(), {
        kase: await row(code),
        text: "Në të djathtë",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      });
      expect(resumed).toEqual({ ok: true, resumed: true });
      const after = await row(code);
      expect(after.status).toBe("in_progress");
      expect(after.slaPauses).toEqual([{ from: "2026-11-26T10:00:00.000Z", to: "2026-12-01T10:00:00.000Z" }]);
      expect(after.resolutionDueAt!.getTime()).toBeGreaterThan(before.resolutionDueAt!.getTime());
      expect(after.slaState).not.toBe("paused");
    } finally {
      p.clock.set(new Date("2026-11-26T10:00:00Z"));
    }
  });

  it("reassigns a case awaiting the citizen: it keeps awaiting them, its clocks still paused", async () => {
    const code = await inPublicServices({ email: "arta@example.org" });
    const officer = await actorOf("zyrtari.prishtine");
    await act(officer, code, { kind: "request_information", message: "Në cilën anë të rrugës?" });
    const asked = await row(code);
    expect(asked).toMatchObject({ status: "awaiting_citizen", slaState: "paused" });
    const coordinator = await actorOf("koordinatori.prishtine");
    const urbanism = await departmentId("prishtine", "urbanism");
    expect(
      await act(coordinator, code, { kind: "assign", departmentId: urbanism, assigneeId: null }),
    ).toMatchObject({ ok: true, kase: { status: "awaiting_citizen", departmentId: urbanism } });
    // And to an officer of the department it had, in the same status.
    const services = await departmentId("prishtine", "public-services");
    const zyrtari = await userId("zyrtari.prishtine");
    expect(
      await act(coordinator, code, { kind: "assign", departmentId: services, assigneeId: zyrtari }),
    ).toMatchObject({ ok: true, kase: { status: "awaiting_citizen", assigneeId: zyrtari } });
    const after = await row(code);
    // The pause that began when the citizen was asked runs on; the deadlines are the ones it kept.
    expect(after).toMatchObject({
      slaState: "paused",
      slaPauses: asked.slaPauses,
      ackDueAt: asked.ackDueAt,
      responseDueAt: asked.responseDueAt,
      resolutionDueAt: asked.resolutionDueAt,
      nextSlaCheckAt: null,
    });
    expect(after.slaPauses).toEqual([{ from: "2026-11-26T10:00:00.000Z" }]);
    const moves = (await events(code)).filter((e) => e.type === "status_changed").slice(-2);
    expect(moves.map((e) => [e.fromStatus, e.toStatus, e.data?.action])).toEqual([
      ["awaiting_citizen", "awaiting_citizen", "assign"],
      ["awaiting_citizen", "awaiting_citizen", "assign"],
    ]);
    // When the citizen answers, the case goes on as before.
    expect(
      await addInformation(db(), {
        kase: after,
        text: "Në të djathtë",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      }),
    ).toEqual({ ok: true, resumed: true });
    expect((await row(code)).status).toBe("in_progress");
  });

  it("changes the priority of an open case: a deadline already met or missed stays, a running one moves", async () => {
    // A national standard for urgent potholes, in hours (no looser than the 2, 5 and 20 working days).
    await db()
      .insert(slaStandards)
      .values({
        type: "issue_report",
        categoryId: (await db().select().from(categories).where(eq(categories.code, "potholes")))[0]!.id,
        priority: "urgent",
        unit: "hours",
        ackWithin: 4,
        firstResponseWithin: 24,
        resolutionWithin: 72,
      });
    forgetReferenceData(db());
    try {
      const code = await inPublicServices();
      const head = await actorOf("drejtori.prishtine");
      expect(await act(head, code, { kind: "set_priority", priority: "urgent" })).toMatchObject({ ok: true });
      // Received Thursday 26 November, 10:00 UTC: acknowledgement due by 14:00, first answer by Friday 10:00.
      const urgent = await row(code);
      expect(urgent).toMatchObject({
        ackDueAt: new Date("2026-11-26T14:00:00Z"),
        responseDueAt: new Date("2026-11-27T10:00:00Z"),
        resolutionDueAt: new Date("2026-11-29T10:00:00Z"),
        slaDueAt: new Date("2026-11-26T14:00:00Z"),
      });
      // 15:00: nobody acknowledged it. The priority is lowered to normal.
      p.clock.set(new Date("2026-11-26T15:00:00Z"));
      expect(await act(head, code, { kind: "set_priority", priority: "normal" })).toMatchObject({ ok: true });
      const lowered = await row(code);
      // The acknowledgement missed keeps its due date, and the case stays overdue; the clocks still running
      // take the normal standard: 5 and 20 working days from receipt.
      expect(lowered).toMatchObject({
        priority: "normal",
        ackDueAt: urgent.ackDueAt,
        responseDueAt: new Date("2026-12-03T23:00:00Z"),
        resolutionDueAt: new Date("2026-12-24T23:00:00Z"),
        slaState: "overdue",
        slaDueAt: urgent.ackDueAt,
      });
      // The scheduler and the review read the case under its stored standard and find the same dates.
      const later = new Date("2026-11-27T12:00:00Z");
      const record = {
        ...lowered,
        status: lowered.status as CaseStatus,
        standard: lowered.slaStandard!,
        pauses: lowered.slaPauses,
      };
      expect(slaColumns(record, later, p.deps.calendar)).toMatchObject({
        ackDueAt: lowered.ackDueAt,
        responseDueAt: lowered.responseDueAt,
        resolutionDueAt: lowered.resolutionDueAt,
        slaState: "overdue",
      });
      // Acknowledged at 16:00: the statistics still count the acknowledgement missed.
      p.clock.set(new Date("2026-11-26T16:00:00Z"));
      await db()
        .update(cases)
        .set({ status: "acknowledged", acknowledgedAt: p.clock.now() })
        .where(eq(cases.trackingCode, code));
      const facts = factsOf(await row(code), [], p.deps.calendar, p.clock.now());
      expect([facts.c[C.ack_decided], facts.c[C.ack_met]]).toEqual([1, 0]);
      // Raised again once acknowledged: the met (here missed) acknowledgement stays, the first answer moves.
      expect(await act(head, code, { kind: "set_priority", priority: "urgent" })).toMatchObject({ ok: true });
      expect(await row(code)).toMatchObject({
        ackDueAt: urgent.ackDueAt,
        responseDueAt: urgent.responseDueAt,
      });
    } finally {
      p.clock.set(new Date("2026-11-26T10:00:00Z"));
      await db().delete(slaStandards);
      forgetReferenceData(db());
    }
  });

  it("publishes an answer: an issue report is resolved, a request answered; the citizen is told", async () => {
    const issue = await inPublicServices({ email: "b@example.org" });
    const officer = await actorOf("zyrtari.prishtine");
    expect(
      await act(officer, issue, { kind: "answer", message: "U riparua më 25 nëntor.", final: true }),
    ).toMatchObject({ ok: true, kase: { status: "resolved", slaState: "done" } });
    // Resolved: a further answer needs the case reopened first.
    expect(await act(officer, issue, { kind: "answer", message: "Edhe diçka.", final: false })).toEqual({
      ok: false,
      reason: "not_allowed_from_status",
    });
    const view = publicCaseView(
      await row(issue),
      (await loadCase(db(), issue))!.category,
      await events(issue),
      [],
    );
    expect(view!.timeline.at(-1)).toMatchObject({ toStatus: "resolved", message: "U riparua më 25 nëntor." });
    const request = await newCase({ type: "request" });
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(
      await act(coordinator, request, { kind: "answer", message: "Po shqyrtohet.", final: false }),
    ).toMatchObject({ ok: true, kase: { status: "submitted" } });
    expect((await row(request)).firstResponseAt).toEqual(p.clock.now());
    // The lifecycle answers only what was acknowledged first.
    expect(
      await act(coordinator, request, { kind: "answer", message: "Dokumentet janë gati.", final: true }),
    ).toEqual({ ok: false, reason: "not_allowed_from_status" });
    await act(coordinator, request, { kind: "acknowledge" });
    expect(
      await act(coordinator, request, { kind: "answer", message: "Dokumentet janë gati.", final: true }),
    ).toMatchObject({ ok: true, kase: { status: "answered" } });
  });

  it("needs a national reason code of the right kind to reject or refer", async () => {
    const code = await inPublicServices();
    const officer = await actorOf("zyrtari.prishtine");
    expect(await act(officer, code, { kind: "change_status", action: "reject" })).toEqual({
      ok: false,
      reason: "reason_required",
    });
    expect(
      await act(officer, code, { kind: "change_status", action: "reject", reasonCode: "duplicate" }),
    ).toEqual({ ok: false, reason: "reason_does_not_fit" });
    const head = await actorOf("drejtori.prishtine");
    const referred = await act(head, code, {
      kind: "refer",
      to: "Ndërmarrja Publike e Ujësjellësit",
      reasonCode: "referred-public-enterprise",
    });
    expect(referred).toMatchObject({
      ok: true,
      kase: { status: "referred", referredTo: "Ndërmarrja Publike e Ujësjellësit", slaState: "done" },
    });
  });

  it("merges into another case of the municipality: both linked, followers moved", async () => {
    const [from, into] = [await inPublicServices({ email: "c@example.org" }), await newCase()];
    const [lirije] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    await followCase(db(), (await row(from)).id, lirije!.id, p.clock.now());
    const head = await actorOf("drejtori.prishtine");
    expect(await act(head, from, { kind: "merge", intoCode: from, reasonCode: "duplicate" })).toEqual({
      ok: false,
      reason: "merge_into_itself",
    });
    expect(await act(head, from, { kind: "merge", intoCode: into, reasonCode: "duplicate" })).toMatchObject({
      ok: true,
      kase: { status: "merged", mergedIntoId: (await row(into)).id },
    });
    expect((await events(into)).map((e) => e.type)).toContain("merged_from");
    const followers = await db().select().from(caseFollowers).where(eq(caseFollowers.userId, lirije!.id));
    expect(followers.map((f) => f.caseId)).toContain((await row(into)).id);
    expect(followers.map((f) => f.caseId)).not.toContain((await row(from)).id);
    // The submitter is told, in their language, which case to follow now.
    const told = (await db().select().from(outbox).where(eq(outbox.kind, "email")))
      .map((m) => m.payload as { to: string; subject: string; text: string })
      .filter((m) => m.to === "c@example.org" && m.text.includes(into));
    expect(told).toHaveLength(1);
    expect(told[0]!.subject).toContain(from);
  });

  it("merges only into a case still going: one that has ended is refused, and nothing changes", async () => {
    const [from, ended] = [await inPublicServices(), await inPublicServices()];
    const head = await actorOf("drejtori.prishtine");
    expect(
      await act(head, ended, { kind: "change_status", action: "reject", reasonCode: "not-feasible" }),
    ).toMatchObject({ ok: true, kase: { status: "rejected" } });
    const before = await row(from);
    expect(await act(head, from, { kind: "merge", intoCode: ended, reasonCode: "duplicate" })).toEqual({
      ok: false,
      reason: "merge_target_not_found",
    });
    expect(await row(from)).toEqual(before);
  });

  it("lets only one of two merges of a pair in opposite directions succeed", async () => {
    const [a, b] = [await inPublicServices(), await inPublicServices()];
    const [head, coordinator] = [
      await actorOf("drejtori.prishtine"),
      await actorOf("koordinatori.prishtine"),
    ];
    const results = await Promise.all([
      act(head, a, { kind: "merge", intoCode: b, reasonCode: "duplicate" }),
      act(coordinator, b, { kind: "merge", intoCode: a, reasonCode: "duplicate" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, reason: "merge_target_not_found" });
    // One of them stays open and carries the other: never both merged into each other.
    const statuses = [(await row(a)).status, (await row(b)).status].sort();
    expect(statuses).toEqual(["assigned", "merged"]);
  });

  it("sets a priority only while the case is open: a finished case keeps the deadlines it was judged by", async () => {
    const code = await inPublicServices();
    const head = await actorOf("drejtori.prishtine");
    expect(await act(head, code, { kind: "set_priority", priority: "urgent" })).toMatchObject({ ok: true });
    expect(await act(head, code, { kind: "answer", message: "U riparua.", final: true })).toMatchObject({
      ok: true,
      kase: { status: "resolved" },
    });
    const before = await row(code);
    expect(await act(head, code, { kind: "set_priority", priority: "low" })).toEqual({
      ok: false,
      reason: "not_allowed_from_status",
    });
    expect(await row(code)).toEqual(before);
  });

  it("redacts the public text, keeps the citizen's words for staff, hides a photo, and audits it", async () => {
    const code = await inPublicServices();
    const kase = await row(code);
    const [photo] = await db()
      .insert(casePhotos)
      .values({
        caseId: kase.id,
        storageKey: "k",
        thumbnailKey: "t",
        width: 10,
        height: 10,
        bytes: 10,
        position: 0,
      })
      .returning();
    const head = await actorOf("drejtori.prishtine");
    expect(
      await act(head, code, {
        kind: "redact",
        title: kase.title,
        description: "Thirrni në [numër i hequr]",
        hidePhotoIds: [photo!.id],
      }),
    ).toMatchObject({ ok: true, kase: { description: "Thirrni në [numër i hequr]" } });
    const after = await row(code);
    expect(after.originalDescription).toBe("Thirrni në 044 123 456");
    expect(after.originalTitle).toBeNull();
    const [hidden] = await db().select().from(casePhotos).where(eq(casePhotos.id, photo!.id));
    expect(hidden!.hidden).toBe(true);
    const audit = await db().select().from(auditLog).where(eq(auditLog.subjectId, code));
    expect(audit.find((a) => a.action === "case.redacted")?.data).toMatchObject({ fields: ["description"] });
    expect(
      await act(head, code, {
        kind: "redact",
        title: after.title,
        description: after.description,
        hidePhotoIds: [],
      }),
    ).toEqual({ ok: false, reason: "nothing_changed" });
  });

  it("keeps internal notes and the visibility change off the public timeline", async () => {
    const code = await inPublicServices();
    await act(await actorOf("zyrtari.prishtine"), code, { kind: "note", text: "Qytetari duket i zemëruar." });
    await act(await actorOf("koordinatori.prishtine"), code, {
      kind: "set_visibility",
      visibility: "private",
    });
    const all = await events(code);
    const view = publicCaseView(
      { ...(await row(code)), visibility: "public" },
      (await loadCase(db(), code))!.category,
      all,
      [],
    );
    expect(JSON.stringify(view)).not.toContain("zemëruar");
    expect(view!.timeline.map((e) => e.type)).not.toContain("internal_note");
    expect((await row(code)).visibility).toBe("private");
  });
});
