// What case creation keeps while it was made cheaper (docs/PERFORMANCE.md, issue 4): the standard a case's
// deadlines come from is stored with it; tracking numbers taken for many submissions at once stay unique,
// consecutive and in the order asked, and a retry takes none.
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../src/access/policy.ts";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { slaColumns } from "../../src/cases/slaTracking.ts";
import { cases, categories, municipalities, slaStandards, trackingCounters } from "../../src/db/schema.ts";
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
const deps = () => ({
  db: db(),
  now: p.clock.now(),
  calendar: p.deps.calendar,
  bounds: p.deps.profile.bounds,
  baseUrl: "https://ekomuna.example.org",
  poke: () => {},
  actor: visitor,
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
  idempotencyKey: `perf-${++keys}`,
  ...over,
});

const caseRow = async (code: string) => {
  const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
  return row!;
};

/** The due dates the engine computes for a case just received under `standard`. */
const dueUnder = (row: Awaited<ReturnType<typeof caseRow>>) => {
  const columns = slaColumns(
    {
      status: "submitted",
      receivedAt: row.receivedAt,
      standard: row.slaStandard!,
      pauses: [],
      acknowledgedAt: null,
      firstResponseAt: null,
      resolvedAt: null,
      ackDueAt: null,
      responseDueAt: null,
      resolutionDueAt: null,
    },
    row.receivedAt,
    p.deps.calendar,
  );
  return [columns.ackDueAt, columns.responseDueAt, columns.resolutionDueAt].map((d) => d?.toISOString());
};
const dueOf = (row: Awaited<ReturnType<typeof caseRow>>) =>
  [row.ackDueAt, row.responseDueAt, row.resolutionDueAt].map((d) => d?.toISOString());

describe("the standard a case is measured against", () => {
  it("is stored with the case: the category's national standard, the one its deadlines come from", async () => {
    const made = await submitCase(pothole(), deps());
    if (!made.ok) throw new Error(made.reason);
    const row = await caseRow(made.trackingCode);
    // Potholes: acknowledge in 2, respond in 5, resolve in 20 working days.
    expect(row.slaStandard).toEqual({
      unit: "working_days",
      ackWithin: 2,
      firstResponseWithin: 5,
      resolutionWithin: 20,
    });
    expect(dueOf(row)).toEqual(dueUnder(row));
  });

  it("is the municipality's stricter one where it promises more, also for a case created over the API", async () => {
    const [gjilan] = await db().select().from(municipalities).where(eq(municipalities.slug, "gjilan"));
    const [potholes] = await db()
      .select()
      .from(categories)
      .where(sql`${categories.code} = 'potholes' and ${categories.municipalityId} is null`);
    await db().insert(slaStandards).values({
      municipalityId: gjilan!.id,
      type: "issue_report",
      categoryId: potholes!.id,
      unit: "working_days",
      ackWithin: 1,
      firstResponseWithin: 3,
      resolutionWithin: 10,
    });
    forgetReferenceData(db());
    const stricter = { unit: "working_days", ackWithin: 1, firstResponseWithin: 3, resolutionWithin: 10 };

    const direct = await submitCase(
      pothole({ municipality: "gjilan", location: { latitude: 42.4635, longitude: 21.4694 } }),
      deps(),
    );
    if (!direct.ok) throw new Error(direct.reason);
    const row = await caseRow(direct.trackingCode);
    expect(row.slaStandard).toEqual(stricter);
    expect(dueOf(row)).toEqual(dueUnder(row));
    // From Friday afternoon, the first answer is owed by the end of Wednesday (3 working days), not of
    // the next Friday (the national 5).
    expect(row.responseDueAt!.toISOString()).toBe("2026-12-02T23:00:00.000Z");

    const client = await createApiClient(db(), { name: "perf test", now: p.clock.now(), via: "test" });
    if (!client.ok) throw new Error(client.reason);
    const res = await p.app.inject({
      method: "POST",
      url: "/api/v1/cases",
      headers: { authorization: `Bearer ${client.key}`, "idempotency-key": "standard-1" },
      payload: {
        municipality: "gjilan",
        type: "issue_report",
        category: "potholes",
        title: "Gropë e thellë para shkollës",
        description: "Në korsinë e djathtë.",
        address: "Rruga B 12",
      },
    });
    expect(res.statusCode).toBe(201);
    const api = await caseRow(res.json().trackingCode);
    expect(api.slaStandard).toEqual(stricter);
    expect(dueOf(api)).toEqual(dueUnder(api));
    expect(res.json().responseDueAt).toBe(api.responseDueAt!.toISOString());
  });
});

describe("tracking numbers taken together", () => {
  const counter = async (slug: string) => {
    const [row] = await db()
      .select({ last: trackingCounters.last })
      .from(trackingCounters)
      .innerJoin(municipalities, eq(municipalities.id, trackingCounters.municipalityId))
      .where(sql`${municipalities.slug} = ${slug} and ${trackingCounters.year} = 2026`);
    return row?.last ?? 0;
  };
  const numberOf = (code: string) => Number(code.slice(-6));

  it("gives sixty submissions at once to three municipalities each one's next numbers, with no gap", async () => {
    const towns = { prizren: "PRZ", peje: "PEJ", gjakove: "GJA" } as const;
    const slugs = Object.keys(towns) as (keyof typeof towns)[];
    const before = Object.fromEntries(await Promise.all(slugs.map(async (s) => [s, await counter(s)])));
    const made = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        submitCase(
          pothole({ municipality: slugs[i % 3]!, location: undefined, address: `Rruga ${i}` }),
          deps(),
        ),
      ),
    );
    const codes = made.map((m) => (m.ok ? m.trackingCode : m.reason));
    for (const slug of slugs) {
      const numbers = codes
        .filter((c) => c.startsWith(`${towns[slug]}-2026-`))
        .map(numberOf)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => before[slug] + 1 + i));
      expect(await counter(slug)).toBe(before[slug] + 20);
    }
    const stored = await db().select({ id: cases.id }).from(cases).where(inArray(cases.trackingCode, codes));
    expect(stored).toHaveLength(60);
  });

  it("takes no number for a retry that arrives with new submissions, and answers it with its case", async () => {
    const first = await submitCase(
      pothole({ municipality: "ferizaj", address: "Rruga A", location: undefined, idempotencyKey: "again" }),
      deps(),
    );
    if (!first.ok) throw new Error(first.reason);
    const before = await counter("ferizaj");
    const made = await Promise.all([
      submitCase(pothole({ municipality: "ferizaj", address: "Rruga B", location: undefined }), deps()),
      submitCase(
        pothole({
          municipality: "ferizaj",
          address: "Rruga A",
          location: undefined,
          idempotencyKey: "again",
        }),
        deps(),
      ),
      submitCase(pothole({ municipality: "ferizaj", address: "Rruga C", location: undefined }), deps()),
    ]);
    expect(made[1]).toMatchObject({ ok: true, created: false, trackingCode: first.trackingCode });
    expect(made.filter((m) => m.ok && m.created)).toHaveLength(2);
    expect(await counter("ferizaj")).toBe(before + 2);
  });
});
