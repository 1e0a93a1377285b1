// Demo mode: staff of a few municipalities, citizens, and cases in every status with consistent timelines.
import { verify } from "@node-rs/argon2";
import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASE_STATUSES } from "../../src/cases/statuses.ts";
import { TRACKING_CODE_PATTERN } from "../../src/cases/trackingCode.ts";
import { caseEvents, cases, notifications, roleAssignments, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { demoLogins } from "../../src/demo/seedDemo.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
const NOW = "2026-11-26T10:00:00Z";
beforeAll(async () => {
  p = await createTestPlatform({ demo: true, now: NOW });
});
afterAll(() => p.close());
const db = () => p.deps.database.db;

describe("demo data", () => {
  it("has a case in every status of the lifecycle", async () => {
    const rows = await db().selectDistinct({ status: cases.status }).from(cases);
    expect(rows.map((r) => r.status).sort()).toEqual([...CASE_STATUSES].sort());
  });

  it("gives every case a unique tracking code of its municipality and year", async () => {
    const rows = await db().execute(
      sql`select c.tracking_code, m.code from cases c join municipalities m on m.id = c.municipality_id`,
    );
    const list = (rows as unknown as { rows: { tracking_code: string; code: string }[] }).rows;
    expect(new Set(list.map((r) => r.tracking_code)).size).toBe(list.length);
    for (const r of list) {
      expect(r.tracking_code).toMatch(TRACKING_CODE_PATTERN);
      expect(r.tracking_code.startsWith(`${r.code}-2026-`)).toBe(true);
    }
  });

  it("has timelines that start with the submission and end in the case's status, never in the future", async () => {
    const all = await db().select().from(cases);
    for (const c of all) {
      const events = await db()
        .select()
        .from(caseEvents)
        .where(eq(caseEvents.caseId, c.id))
        .orderBy(asc(caseEvents.at));
      expect(events[0]).toMatchObject({ type: "submitted", toStatus: "submitted" });
      // The moves between statuses chain; other events (a proposal published for support) move none.
      const moves = events.filter((e) => e.toStatus !== null);
      expect(moves.at(-1)!.toStatus).toBe(c.status);
      for (let i = 1; i < moves.length; i++) expect(moves[i]!.fromStatus).toBe(moves[i - 1]!.toStatus);
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.at.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.at.getTime());
      expect(events.at(-1)!.at.getTime()).toBeLessThanOrEqual(new Date(NOW).getTime());
      if (["rejected", "referred", "merged"].includes(c.status)) expect(c.reasonCode).toBeTruthy();
    }
  });

  it("sets response deadlines by the working-day calendar", async () => {
    const all = await db().select().from(cases);
    for (const c of all) {
      expect(c.ackDueAt!.getTime()).toBeGreaterThan(c.receivedAt.getTime());
      expect(c.responseDueAt!.getTime()).toBeGreaterThanOrEqual(c.ackDueAt!.getTime());
      expect(c.resolutionDueAt!.getTime()).toBeGreaterThanOrEqual(c.responseDueAt!.getTime());
      // Deadlines fall at local midnight in Kosovo (23:00Z in winter, 22:00Z in summer).
      expect([22, 23]).toContain(c.ackDueAt!.getUTCHours());
    }
  });

  it("has the demo logins, with staff roles scoped to their municipality and the shared password", async () => {
    const logins = demoLogins();
    expect(logins.map((l) => l.role)).toEqual(
      expect.arrayContaining([
        "platform_operator",
        "ministry_monitor",
        "municipal_admin",
        "participation_coordinator",
        "department_head",
        "officer",
        "citizen",
      ]),
    );
    const officer = logins.find((l) => l.role === "officer" && l.municipality === "prishtine")!;
    const [user] = await db().select().from(users).where(eq(users.email, officer.email));
    expect(await verify(user!.passwordHash!, DEMO_PASSWORD)).toBe(true);
    const [role] = await db().select().from(roleAssignments).where(eq(roleAssignments.userId, user!.id));
    expect(role).toMatchObject({ role: "officer" });
    expect(role!.departmentId).not.toBeNull();
  });

  it("has told the people concerned along the way: the citizen of their case's step, the officer of theirs", async () => {
    const inbox = async (local: string) =>
      db()
        .select({ topic: notifications.topic, subject: notifications.subject, path: notifications.link })
        .from(notifications)
        .innerJoin(users, eq(users.id, notifications.userId))
        .where(eq(users.email, `${local}@demo.ekomuna.example`));
    const citizen = await inbox("lirije.shala");
    expect(citizen.length).toBeGreaterThan(0);
    expect(citizen.every((n) => n.path?.startsWith("/cases/"))).toBe(true);
    expect(citizen.map((n) => n.topic)).toContain("case_resolved");
    const officer = await inbox("zyrtari.prishtine");
    expect(officer.map((n) => n.topic)).toContain("assignment");
  });

  it("is seeded once: preparing the database again adds nothing", async () => {
    const before = await db().select({ n: sql<number>`count(*)::int` }).from(cases);
    const again = await prepareDatabase(p.deps.database, { demo: true, now: new Date(NOW) });
    expect(again).toMatchObject({ seededReference: false, seededDemo: false });
    expect(await db().select({ n: sql<number>`count(*)::int` }).from(cases)).toEqual(before);
  });
});
