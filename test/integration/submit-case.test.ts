// Submitting a case through the use case itself, on a real database: one transaction, never twice.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import {
  auditLog,
  caseEvents,
  casePhotos,
  cases,
  categories,
  categoryQuestions,
  departments,
  municipalities,
  municipalityAreas,
  municipalityCategories,
  outbox,
  routingRules,
  users,
} from "../../src/db/schema.ts";
import { forgetReferenceData } from "../../src/reference/referenceCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ now: "2026-11-27T14:00:00Z" }); // a Friday afternoon in Kosovo
});
afterAll(() => p.close());

const db = () => p.deps.database.db;
const visitor: Actor = { kind: "visitor" };
let keys = 0;
const deps = (actor: Actor = visitor) => ({
  db: db(),
  now: p.clock.now(),
  calendar: p.deps.calendar,
  bounds: p.deps.profile.bounds,
  baseUrl: "https://ekomuna.example.org",
  poke: () => {},
  actor,
});
const pothole = (over: Partial<SubmitCaseInput> = {}): SubmitCaseInput => ({
  municipality: "prishtine",
  type: "issue_report",
  category: "potholes",
  answers: {},
  title: "Gropë e thellë",
  description: "Para shkollës, në korsinë e djathtë.",
  location: { latitude: 42.6629, longitude: 21.1655 },
  contact: { email: "qytetari@example.org", showName: false },
  language: "sq",
  channel: "web",
  idempotencyKey: `key-${++keys}`,
  ...over,
});

describe("submitting a case", () => {
  it("writes the case, its first event, an audit entry and the acknowledgement email in one go", async () => {
    const result = await submitCase(pothole({ idempotencyKey: "first" }), deps());
    expect(result).toMatchObject({ ok: true, created: true, trackingCode: "PRI-2026-000001" });
    if (!result.ok) return;
    expect(result.trackingToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Potholes: acknowledge in 2, respond in 5, resolve in 20 working days, from Friday 27 Nov 2026.
    expect(result.responseDueAt.toISOString()).toBe("2026-12-04T23:00:00.000Z");
    const [row] = await db().select().from(cases).where(eq(cases.id, result.caseId));
    expect(row).toMatchObject({
      status: "submitted",
      channel: "web",
      submitterId: null,
      contactEmail: "qytetari@example.org",
    });
    expect(row!.ackDueAt!.toISOString()).toBe("2026-12-01T23:00:00.000Z");
    expect(row!.trackingTokenHash).not.toBe(result.trackingToken);
    const events = await db().select().from(caseEvents).where(eq(caseEvents.caseId, result.caseId));
    expect(events).toMatchObject([{ type: "submitted", toStatus: "submitted", isPublic: true }]);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.subjectId, "PRI-2026-000001"));
    expect(audit).toMatchObject({ action: "case.submitted" });
    const mail = (await db().select().from(outbox)).map(
      (m) => m.payload as { to: string; subject: string; text: string },
    );
    const ack = mail.find((m) => m.to === "qytetari@example.org")!;
    expect(ack.subject).toBe("U pranua: PRI-2026-000001 – Gropë e thellë");
    expect(ack.text).toContain(
      `https://ekomuna.example.org/track/PRI-2026-000001?token=${result.trackingToken}`,
    );
    expect(ack.text).toContain("e premte, 4 dhjetor 2026");
  });

  it("never makes a second case for the same key, even when the retries race", async () => {
    const input = pothole({ idempotencyKey: "double-click" });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => submitCase(input, deps())));
    const codes = new Set(results.map((r) => (r.ok ? r.trackingCode : r.reason)));
    expect(codes.size).toBe(1);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    const [{ n }] = (await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(cases)
      .where(eq(cases.idempotencyKey, "double-click"))) as [{ n: number }];
    expect(n).toBe(1);
    const retry = await submitCase(input, deps());
    expect(retry).toMatchObject({ ok: true, created: false, trackingCode: [...codes][0] });
  });

  it("answers a retry with its case after the municipality switched the category off", async () => {
    const input = pothole({ idempotencyKey: "before-switch-off" });
    const first = await submitCase(input, deps());
    expect(first).toMatchObject({ ok: true, created: true });
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [potholes] = await db().select().from(categories).where(eq(categories.code, input.category));
    const off = { municipalityId: prishtine!.id, categoryId: potholes!.id, enabled: false };
    await db().insert(municipalityCategories).values(off);
    forgetReferenceData(db());
    try {
      const retry = await submitCase(input, deps());
      expect(retry).toMatchObject({
        ok: true,
        created: false,
        trackingCode: first.ok ? first.trackingCode : "",
      });
      expect(await submitCase({ ...input, idempotencyKey: "after-switch-off" }, deps())).toEqual({
        ok: false,
        reason: "category_not_offered",
      });
    } finally {
      await db()
        .delete(municipalityCategories)
        .where(
          and(
            eq(municipalityCategories.municipalityId, off.municipalityId),
            eq(municipalityCategories.categoryId, off.categoryId),
          ),
        );
      forgetReferenceData(db());
    }
  });

  it("needs a location (a point or an address) for an issue report, and accepts an address alone", async () => {
    expect(await submitCase(pothole({ location: undefined }), deps())).toEqual({
      ok: false,
      reason: "location_required",
    });
    expect(await submitCase(pothole({ location: undefined, address: "Rruga B 12" }), deps())).toMatchObject({
      ok: true,
    });
    expect(
      await submitCase(
        { ...pothole(), type: "request", category: "information", location: undefined },
        deps(),
      ),
    ).toMatchObject({ ok: true });
  });

  it("refuses a point outside the country, and outside the municipality once its boundary is known", async () => {
    expect(await submitCase(pothole({ location: { latitude: 44.8, longitude: 20.46 } }), deps())).toEqual({
      ok: false,
      reason: "outside_area",
    });
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    await db()
      .insert(municipalityAreas)
      .values({
        municipalityId: prishtine!.id,
        source: "test square",
        geometry: {
          type: "Polygon",
          coordinates: [
            [
              [21.0, 42.5],
              [21.4, 42.5],
              [21.4, 42.8],
              [21.0, 42.8],
              [21.0, 42.5],
            ],
          ],
        },
      });
    forgetReferenceData(db());
    try {
      expect(await submitCase(pothole({ location: { latitude: 42.21, longitude: 20.74 } }), deps())).toEqual({
        ok: false,
        reason: "outside_area",
      });
      expect(await submitCase(pothole(), deps())).toMatchObject({ ok: true });
    } finally {
      await db().delete(municipalityAreas).where(eq(municipalityAreas.municipalityId, prishtine!.id));
      forgetReferenceData(db());
    }
  });

  it("offers only the categories the municipality has switched on, of the right type", async () => {
    const [prizren] = await db().select().from(municipalities).where(eq(municipalities.slug, "prizren"));
    const [graffiti] = await db().select().from(categories).where(eq(categories.code, "graffiti"));
    await db()
      .insert(municipalityCategories)
      .values({ municipalityId: prizren!.id, categoryId: graffiti!.id, enabled: false });
    forgetReferenceData(db());
    expect(await submitCase(pothole({ municipality: "prizren", category: "graffiti" }), deps())).toEqual({
      ok: false,
      reason: "category_not_offered",
    });
    expect(await submitCase(pothole({ category: "graffiti" }), deps())).toMatchObject({ ok: true });
    expect(await submitCase(pothole({ category: "information" }), deps())).toEqual({
      ok: false,
      reason: "category_not_offered",
    });
    expect(await submitCase(pothole({ municipality: "atlantis" }), deps())).toEqual({
      ok: false,
      reason: "unknown_municipality",
    });
  });

  it("asks for an account where the category or the type needs one", async () => {
    const proposal = {
      ...pothole(),
      type: "proposal" as const,
      category: "environment-proposal",
      location: undefined,
    };
    expect(await submitCase(proposal, deps())).toEqual({ ok: false, reason: "account_required" });
    const social = {
      ...pothole(),
      type: "request" as const,
      category: "social-assistance",
      location: undefined,
    };
    expect(await submitCase(social, deps())).toEqual({ ok: false, reason: "account_required" });
    const [user] = await db().insert(users).values({ email: "citizen@example.org", name: "C" }).returning();
    const citizen: Actor = { kind: "user", userId: user!.id, identityLevel: "basic", roles: [] };
    const made = await submitCase(proposal, deps(citizen));
    expect(made).toMatchObject({ ok: true });
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.id, made.ok ? made.caseId : 0));
    expect(row!.submitterId).toBe(user!.id);
  });

  it("checks the category's extra questions and keeps the answers", async () => {
    const [potholes] = await db().select().from(categories).where(eq(categories.code, "potholes"));
    await db()
      .insert(categoryQuestions)
      .values({
        categoryId: potholes!.id,
        questions: [
          {
            code: "width_cm",
            datatype: "number",
            required: true,
            order: 1,
            description: { sq: "Gjerësia (cm)", sr: "Širina (cm)" },
          },
        ],
      });
    forgetReferenceData(db());
    try {
      expect(await submitCase(pothole(), deps())).toEqual({
        ok: false,
        reason: "invalid_answers",
        errors: { width_cm: "validation.answer.required" },
      });
      const made = await submitCase(pothole({ answers: { width_cm: "40" } }), deps());
      const [row] = await db()
        .select()
        .from(cases)
        .where(eq(cases.id, made.ok ? made.caseId : 0));
      expect(row!.attributes).toEqual({ width_cm: 40 });
    } finally {
      await db().delete(categoryQuestions).where(eq(categoryQuestions.categoryId, potholes!.id));
      forgetReferenceData(db());
    }
  });

  it("counts the deadlines of counter input from when it was received, and refuses a future date", async () => {
    const receivedAt = new Date("2026-11-20T09:00:00Z");
    const made = await submitCase(pothole({ channel: "counter", receivedAt }), deps());
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.id, made.ok ? made.caseId : 0));
    expect(row).toMatchObject({ channel: "counter", receivedAt });
    expect(row!.ackDueAt!.toISOString()).toBe("2026-11-24T23:00:00.000Z");
    expect(await submitCase(pothole({ receivedAt: new Date("2026-12-01T00:00:00Z") }), deps())).toEqual({
      ok: false,
      reason: "received_in_future",
    });
  });

  it("routes the case to the department of the first matching rule, else to nobody's (the coordinator's)", async () => {
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    const [potholes] = await db().select().from(categories).where(eq(categories.code, "potholes"));
    const [roads, north] = await db()
      .insert(departments)
      .values([
        { municipalityId: prishtine!.id, code: "roads", name: { sq: "Rrugët", sr: "Putevi" } },
        { municipalityId: prishtine!.id, code: "north", name: { sq: "Veriu", sr: "Sever" } },
      ])
      .returning();
    const northSquare = {
      type: "Polygon" as const,
      coordinates: [
        [
          [21.1, 42.67],
          [21.2, 42.67],
          [21.2, 42.7],
          [21.1, 42.7],
          [21.1, 42.67],
        ],
      ],
    };
    await db()
      .insert(routingRules)
      .values([
        // The area rule comes first: a pothole in the north goes there, any other pothole to roads.
        {
          municipalityId: prishtine!.id,
          categoryId: potholes!.id,
          area: northSquare,
          departmentId: north!.id,
          position: 1,
        },
        { municipalityId: prishtine!.id, categoryId: potholes!.id, departmentId: roads!.id, position: 2 },
      ]);
    forgetReferenceData(db());
    try {
      const department = async (input: SubmitCaseInput) => {
        const made = await submitCase(input, deps());
        const [row] = await db()
          .select()
          .from(cases)
          .where(eq(cases.id, made.ok ? made.caseId : 0));
        return row!.departmentId;
      };
      expect(await department(pothole({ location: { latitude: 42.68, longitude: 21.15 } }))).toBe(north!.id);
      expect(await department(pothole())).toBe(roads!.id);
      expect(await department(pothole({ location: undefined, address: "Rruga B" }))).toBe(roads!.id);
      expect(await department(pothole({ category: "graffiti" }))).toBeNull();
    } finally {
      await db().delete(routingRules);
      forgetReferenceData(db());
    }
  });

  it("writes the SLA columns the inbox and the scheduler read", async () => {
    const made = await submitCase(pothole(), deps());
    const [row] = await db()
      .select()
      .from(cases)
      .where(eq(cases.id, made.ok ? made.caseId : 0));
    expect(row).toMatchObject({ slaState: "on_track", slaPauses: [], escalationLevel: 0, version: 0 });
    // The acknowledgement clock runs; the scheduler looks again at its 75 % mark.
    expect(row!.slaDueAt).toEqual(row!.ackDueAt);
    expect(row!.nextSlaCheckAt!.getTime()).toBeGreaterThan(p.clock.now().getTime());
    expect(row!.nextSlaCheckAt!.getTime()).toBeLessThan(row!.ackDueAt!.getTime());
  });

  it("moves the photos uploaded with the draft onto the case", async () => {
    await db().insert(casePhotos).values({
      draftId: "draft-1",
      storageKey: "a.jpg",
      thumbnailKey: "a.t.jpg",
      width: 10,
      height: 10,
      bytes: 100,
    });
    const made = await submitCase(pothole({ draftId: "draft-1" }), deps());
    const photos = await db()
      .select()
      .from(casePhotos)
      .where(eq(casePhotos.caseId, made.ok ? made.caseId : 0));
    expect(photos).toHaveLength(1);
    expect(photos[0]!.draftId).toBeNull();
  });
});
