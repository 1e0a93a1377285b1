// What the submitter can do after sending: add information, reopen, rate the answer; and following.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addInformation } from "../../src/cases/commands/addInformation.ts";
import { applyTransition, slaFor } from "../../src/cases/commands/applyTransition.ts";
import { followCase, isFollowing, unfollowCase } from "../../src/cases/commands/followCase.ts";
import { rateAnswer } from "../../src/cases/commands/rateAnswer.ts";
import { reopenCase } from "../../src/cases/commands/reopenCase.ts";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { caseEvents, cases, users } from "../../src/db/schema.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ now: "2026-11-26T10:00:00Z" });
});
afterAll(() => p.close());
const db = () => p.deps.database.db;
let n = 0;

async function newCase(type: "issue_report" | "request" = "issue_report") {
  const made = await submitCase(
    {
      municipality: "prishtine",
      type,
      category: type === "issue_report" ? "potholes" : "information",
      answers: {},
      title: "T",
      description: "D",
      address: "Rruga B",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `citizen-${++n}`,
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
  return reload(made.caseId);
}
const reload = async (id: number) => (await db().select().from(cases).where(eq(cases.id, id)))[0]!;
async function move(
  kase: typeof cases.$inferSelect,
  ...actions: Parameters<typeof applyTransition>[1]["action"][]
) {
  let current = kase;
  for (const action of actions) {
    const r = await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase: current,
        action,
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, current),
      }),
    );
    if (!r.ok) throw new Error(`${action}: ${r.reason}`);
    current = r.kase;
  }
  return current;
}

describe("moving a case through the lifecycle", () => {
  it("stamps the first response and resolution times and writes a public event per change", async () => {
    const k = await move(await newCase(), "acknowledge", "start", "resolve");
    expect(k.status).toBe("resolved");
    expect(k.acknowledgedAt).not.toBeNull();
    expect(k.resolvedAt).not.toBeNull();
    const events = await db().select().from(caseEvents).where(eq(caseEvents.caseId, k.id));
    expect(events.map((e) => e.toStatus)).toEqual(["submitted", "acknowledged", "in_progress", "resolved"]);
  });

  it("lets only one of two simultaneous changes succeed; the other learns the case changed", async () => {
    const k = await newCase();
    const [a, b] = await Promise.all([
      db().transaction(async (tx) =>
        applyTransition(tx, {
          kase: k,
          action: "acknowledge",
          actorId: null,
          now: p.clock.now(),
          sla: await slaFor(db(), p.deps.calendar, k),
        }),
      ),
      db().transaction(async (tx) =>
        applyTransition(tx, {
          kase: k,
          action: "reject",
          reasonCode: "not-feasible",
          actorId: null,
          now: p.clock.now(),
          sla: await slaFor(db(), p.deps.calendar, k),
        }),
      ),
    ]);
    const outcomes = [a, b].map((r) => (r.ok ? "ok" : r.reason)).sort();
    expect(outcomes).toEqual(["case_changed", "ok"]);
  });

  it("refuses a reason code that does not exist or does not fit, changing nothing", async () => {
    const k = await newCase();
    const unknown = await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase: k,
        action: "reject",
        reasonCode: "because",
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, k),
      }),
    );
    expect(unknown).toEqual({ ok: false, reason: "unknown_reason_code" });
    const wrongKind = await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase: k,
        action: "reject",
        reasonCode: "duplicate",
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, k),
      }),
    );
    expect(wrongKind).toEqual({ ok: false, reason: "reason_does_not_fit" });
    expect((await reload(k.id)).status).toBe("submitted");
  });
});

describe("the submitter", () => {
  it("adds information; when the municipality was waiting for it, the case goes back to work", async () => {
    const k = await move(await newCase("request"), "acknowledge", "request_information");
    expect(
      await addInformation(db(), {
        kase: k,
        text: "Numri i shtëpisë është 12",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      }),
    ).toEqual({
      ok: true,
      resumed: true,
    });
    const after = await reload(k.id);
    expect(after.status).toBe("in_progress");
    const [added] = await db().select().from(caseEvents).where(eq(caseEvents.type, "information_added"));
    expect(added!.message).toBeNull(); // the text is for staff, not the public timeline
    expect(added!.data).toEqual({ text: "Numri i shtëpisë është 12" });
    expect(
      await addInformation(db(), {
        kase: after,
        text: "more",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      }),
    ).toEqual({ ok: true, resumed: false });
  });

  it("cannot add information to a closed case", async () => {
    const base = await newCase();
    const rejected = await db().transaction(async (tx) =>
      applyTransition(tx, {
        kase: base,
        action: "reject",
        reasonCode: "not-feasible",
        actorId: null,
        now: p.clock.now(),
        sla: await slaFor(db(), p.deps.calendar, base),
      }),
    );
    if (!rejected.ok) throw new Error(rejected.reason);
    expect(
      await addInformation(db(), {
        kase: rejected.kase,
        text: "x",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      }),
    ).toEqual({
      ok: false,
      reason: "case_closed",
    });
  });

  it("reopens within 30 days of the answer, and not after", async () => {
    const k = await move(await newCase(), "acknowledge", "resolve");
    p.clock.advance(29 * 86_400_000);
    const reopened = await reopenCase(db(), {
      kase: k,
      why: "Gropa u hap përsëri",
      actorId: null,
      now: p.clock.now(),
      calendar: p.deps.calendar,
    });
    expect(reopened).toMatchObject({ ok: true, to: "reopened" });
    const late = await move(await newCase(), "acknowledge", "resolve");
    p.clock.advance(31 * 86_400_000);
    expect(
      await reopenCase(db(), {
        kase: late,
        why: "x",
        actorId: null,
        now: p.clock.now(),
        calendar: p.deps.calendar,
      }),
    ).toEqual({
      ok: false,
      reason: "reopen_window_passed",
    });
  });

  it("rates the answer once, and only once there is one", async () => {
    const open = await newCase();
    expect(
      await rateAnswer(db(), {
        kase: open,
        resolved: true,
        satisfaction: 5,
        actorId: null,
        now: p.clock.now(),
      }),
    ).toEqual({
      ok: false,
      reason: "not_answered",
    });
    const done = await move(await newCase(), "acknowledge", "resolve");
    expect(
      await rateAnswer(db(), {
        kase: done,
        resolved: false,
        satisfaction: 2,
        comment: " Still there ",
        actorId: null,
        now: p.clock.now(),
      }),
    ).toEqual({
      ok: true,
    });
    expect(await reload(done.id)).toMatchObject({
      satisfaction: 2,
      satisfactionResolved: false,
      satisfactionComment: "Still there",
    });
    expect(
      await rateAnswer(db(), {
        kase: done,
        resolved: true,
        satisfaction: 5,
        actorId: null,
        now: p.clock.now(),
      }),
    ).toEqual({
      ok: false,
      reason: "already_rated",
    });
  });
});

describe("following", () => {
  it("follows once however often asked, and stops", async () => {
    const k = await newCase();
    const [u] = await db().insert(users).values({ email: "follower@example.org", name: "F" }).returning();
    await followCase(db(), k.id, u!.id, p.clock.now());
    await followCase(db(), k.id, u!.id, p.clock.now());
    expect(await isFollowing(db(), k.id, u!.id)).toBe(true);
    await unfollowCase(db(), k.id, u!.id);
    expect(await isFollowing(db(), k.id, u!.id)).toBe(false);
  });
});
