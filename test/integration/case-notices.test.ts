// Who hears about a case (src/cases/caseNotices.ts, issue 6 "What is sent"): the citizen who sent it, in
// the case's language; the people following it, in theirs; the officer or department it is given to; each
// through notify(), so the notification centre always has it and email follows each person's choice.
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { followCase } from "../../src/cases/commands/followCase.ts";
import { reopenCase } from "../../src/cases/commands/reopenCase.ts";
import { actOnCase, type StaffAction } from "../../src/cases/commands/staffAction.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import {
  cases,
  departments,
  municipalities,
  notificationPreferences,
  notifications,
  outbox,
  users,
  webhookEndpoints,
} from "../../src/db/schema.ts";
import { loadActor } from "../../src/identity/actor.ts";
import { translator } from "../../src/kernel/i18n.ts";
import type { MailMessage } from "../../src/notifications/mailer.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: "2026-11-26T10:00:00Z" });
});
afterAll(() => p.close());
const db = () => p.deps.database.db;
let n = 0;

async function userOf(local: string) {
  const [u] = await db()
    .select()
    .from(users)
    .where(eq(users.email, `${local}@demo.ekomuna.example`));
  return u!;
}
const actorOf = async (local: string): Promise<Actor> => loadActor(db(), await userOf(local));

async function submitAs(actor: Actor, options: { email?: string; language?: "sq" | "sr" | "en" } = {}) {
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: "Gropë në rrugë",
      description: "Një gropë e thellë para shkollës",
      address: "Rruga B 12",
      contact: { showName: false, ...(options.email ? { email: options.email } : {}) },
      language: options.language ?? "sq",
      channel: "web",
      idempotencyKey: `notices-${++n}`,
    },
    {
      db: db(),
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor,
    },
  );
  if (!made.ok) throw new Error(made.reason);
  return made.trackingCode;
}

function act(actor: Actor, code: string, action: StaffAction) {
  return actOnCase(
    { db: db(), now: p.clock.now(), calendar: p.deps.calendar, actor, baseUrl: "http://x", poke: () => {} },
    { code, action },
  );
}

const caseOf = async (code: string) =>
  (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!;
const inbox = async (userId: string) =>
  db().select().from(notifications).where(eq(notifications.userId, userId)).orderBy(asc(notifications.id));
const mailsOf = async (caseOrTopic: { topic?: string }, to: string) =>
  (await db().select().from(outbox).orderBy(asc(outbox.id)))
    .filter((m) => caseOrTopic.topic === undefined || m.topic === caseOrTopic.topic)
    .map((m) => m.payload as unknown as MailMessage)
    .filter((m) => m.to === to);
async function publicServices() {
  const [d] = await db()
    .select({ id: departments.id })
    .from(departments)
    .innerJoin(municipalities, eq(municipalities.id, departments.municipalityId))
    .where(and(eq(municipalities.slug, "prishtine"), eq(departments.code, "public-services")));
  return d!.id;
}

describe("what a citizen hears about their case", () => {
  it("finds the acknowledgement in the notification centre when signed in, with the promised date", async () => {
    const lirije = await userOf("lirije.shala");
    const code = await submitAs(await actorOf("lirije.shala"), { email: "lirije@example.org" });
    const mine = (await inbox(lirije.id)).filter((x) => x.topic === "case_acknowledged");
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toContain(code);
    expect(mine[0]!.link).toBe(`/cases/${code}`);
    const [ack] = await mailsOf({ topic: "case_acknowledged" }, "lirije@example.org");
    expect(ack!.subject).toContain(code);
    expect(ack!.html).toContain(`lang="sq"`);
  });

  it("hears of each step in the case's language, and the request for information even with email off", async () => {
    const lirije = await userOf("lirije.shala");
    // She wrote in Serbian: every message about this case is in Serbian, whatever her account says.
    const code = await submitAs(await actorOf("lirije.shala"), {
      email: "lirije.sr@example.org",
      language: "sr",
    });
    await db()
      .insert(notificationPreferences)
      .values([
        { userId: lirije.id, topic: "case_status", mode: "off" },
        { userId: lirije.id, topic: "information_requested", mode: "off" },
      ]);
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(await act(coordinator, code, { kind: "acknowledge" })).toMatchObject({ ok: true });
    const officer = await actorOf("zyrtari.prishtine");
    const officerId = (await userOf("zyrtari.prishtine")).id;
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: await publicServices(),
        assigneeId: officerId,
      }),
    ).toMatchObject({ ok: true });
    expect(
      await act(officer, code, { kind: "request_information", message: "Koja strana ulice?" }),
    ).toMatchObject({
      ok: true,
    });
    const kase = await caseOf(code);
    const centre = (await inbox(lirije.id)).filter((x) => x.caseId === kase.id);
    expect(centre.map((x) => x.topic)).toEqual(["case_acknowledged", "case_status", "information_requested"]);
    expect(centre[1]!.body).toContain("Primljen");
    // Status emails are off; the request for information is needed by the case and goes anyway.
    expect(await mailsOf({ topic: "case_status" }, "lirije.sr@example.org")).toEqual([]);
    const asked = await mailsOf({ topic: "information_requested" }, "lirije.sr@example.org");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.text).toContain("Koja strana ulice?");
    // The email writes the link out after the sentence that introduces it; the centre links the subject
    // and has no such sentence.
    const intro = translator("sr")("workspace_case.emails.link");
    expect(asked[0]!.text).toContain(`${intro}\n\nhttp://x/cases/${code}`);
    expect(centre[2]!.body).not.toContain(intro);
    expect(asked[0]!.headers?.["List-Unsubscribe"]).toMatch(/^<http:\/\/x\/notifications\/unsubscribe\?t=/);
  });

  it("is told of the resolution with the satisfaction question, and that a reopened case is open again", async () => {
    const code = await submitAs({ kind: "visitor" }, { email: "arta@example.org" });
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: await publicServices(),
        assigneeId: null,
      }),
    ).toMatchObject({ ok: true });
    expect(
      await act(coordinator, code, { kind: "answer", message: "U riparua sot.", final: true }),
    ).toMatchObject({ ok: true, kase: { status: "resolved" } });
    const [resolved] = await mailsOf({ topic: "case_resolved" }, "arta@example.org");
    expect(resolved!.text).toContain("U riparua sot.");
    expect(resolved!.text).toContain("sa jeni të kënaqur");
    const reopened = await reopenCase(db(), {
      kase: await caseOf(code),
      why: "Gropa është ende aty",
      actorId: null,
      now: p.clock.now(),
      calendar: p.deps.calendar,
      notify: { baseUrl: "http://x", poke: () => {} },
    });
    expect(reopened.ok).toBe(true);
    const [confirm] = await mailsOf({ topic: "case_reopened" }, "arta@example.org");
    expect(confirm!.subject).toContain(code);
  });
});

describe("who else hears", () => {
  it("tells followers of a public case in their own language, never the submitter twice nor the actor", async () => {
    const lirije = await userOf("lirije.shala");
    const stefan = await userOf("stefan.ilic");
    const code = await submitAs(await actorOf("lirije.shala"), { email: "lirije.f@example.org" });
    const kase = await caseOf(code);
    await followCase(db(), kase.id, stefan.id, p.clock.now());
    await followCase(db(), kase.id, lirije.id, p.clock.now());
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(await act(coordinator, code, { kind: "acknowledge" })).toMatchObject({ ok: true });
    const his = (await inbox(stefan.id)).filter((x) => x.caseId === kase.id);
    expect(his).toHaveLength(1);
    expect(his[0]!.topic).toBe("followed_updates");
    expect(his[0]!.body).toContain("Primljen"); // Serbian: his language, not the case's
    const [mail] = await mailsOf({ topic: "followed_updates" }, stefan.email);
    expect(mail!.subject).toContain(code);
    // The submitter hears once, as the submitter.
    const hers = (await inbox(lirije.id)).filter((x) => x.caseId === kase.id);
    expect(hers.map((x) => x.topic)).toEqual(["case_acknowledged", "case_status"]);
    // A private case tells its followers nothing.
    expect(await act(coordinator, code, { kind: "set_visibility", visibility: "private" })).toMatchObject({
      ok: true,
    });
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: await publicServices(),
        assigneeId: null,
      }),
    ).toMatchObject({ ok: true });
    expect((await inbox(stefan.id)).filter((x) => x.caseId === kase.id)).toHaveLength(1);
  });

  it("tells the officer a case is assigned to them, with the workspace link and the citizen's language", async () => {
    const code = await submitAs({ kind: "visitor" }, { language: "sr" });
    const officer = await userOf("zyrtari.prishtine");
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: await publicServices(),
        assigneeId: officer.id,
      }),
    ).toMatchObject({ ok: true });
    const given = (await inbox(officer.id)).filter(
      (x) => x.topic === "assignment" && x.subject.includes(code),
    );
    expect(given).toHaveLength(1);
    expect(given[0]!.link).toBe(`/m/prishtine/workspace/cases/${code}`);
    expect(given[0]!.body).toContain("Srpski");
    const coordinatorId = (await userOf("koordinatori.prishtine")).id;
    expect((await inbox(coordinatorId)).filter((x) => x.subject.includes(code))).toEqual([]);
  });

  it("tells a department's heads when the case is given to the department without an officer", async () => {
    const code = await submitAs({ kind: "visitor" });
    const head = await userOf("drejtori.prishtine");
    const coordinator = await actorOf("koordinatori.prishtine");
    expect(
      await act(coordinator, code, {
        kind: "assign",
        departmentId: await publicServices(),
        assigneeId: null,
      }),
    ).toMatchObject({ ok: true });
    const given = (await inbox(head.id)).filter((x) => x.topic === "assignment" && x.subject.includes(code));
    expect(given).toHaveLength(1);
  });
});

describe("what integrations hear", () => {
  it("queues each event for the municipality's subscribed endpoints with the public view only", async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [prizren] = await db().select().from(municipalities).where(eq(municipalities.slug, "prizren"));
    const [mine] = await db()
      .insert(webhookEndpoints)
      .values({
        municipalityId: prishtine!.id,
        url: "https://hooks.example.org/ekomuna",
        secret: "whsec_test",
        events: ["case.submitted", "case.acknowledged", "case.visibility_changed"],
      })
      .returning();
    const [theirs] = await db()
      .insert(webhookEndpoints)
      .values({
        municipalityId: prizren!.id,
        url: "https://hooks.example.org/prizren",
        secret: "whsec_other",
        events: ["case.submitted", "case.acknowledged"],
      })
      .returning();
    const hooks = async () =>
      (await db().select().from(outbox).where(eq(outbox.kind, "webhook")).orderBy(asc(outbox.id))).map(
        (m) =>
          m.payload as {
            endpointId: number;
            event: string;
            data: { case: { trackingCode: string } & Record<string, unknown>; change?: unknown };
          },
      );
    try {
      const code = await submitAs({ kind: "visitor" }, { email: "secret.person@example.org" });
      const coordinator = await actorOf("koordinatori.prishtine");
      expect(await act(coordinator, code, { kind: "acknowledge" })).toMatchObject({ ok: true });
      expect(await act(coordinator, code, { kind: "set_visibility", visibility: "private" })).toMatchObject({
        ok: true,
      });
      const sent = (await hooks()).filter((h) => h.data.case.trackingCode === code);
      expect(sent.map((h) => [h.endpointId, h.event])).toEqual([
        [mine!.id, "case.submitted"],
        [mine!.id, "case.acknowledged"],
        [mine!.id, "case.visibility_changed"],
      ]);
      expect(sent[0]!.data.case).toMatchObject({
        title: "Gropë në rrugë",
        status: "submitted",
        visibility: "public",
      });
      expect(sent[1]!.data.change).toEqual({ fromStatus: "submitted", toStatus: "acknowledged" });
      expect(sent[2]!.data.case).toMatchObject({ visibility: "private", title: null, description: null });
      expect(JSON.stringify(sent)).not.toContain("secret.person");
      expect(sent.some((h) => h.endpointId === theirs!.id)).toBe(false);
    } finally {
      await db().delete(webhookEndpoints);
    }
  });
});
