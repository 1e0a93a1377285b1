// Reference data kept in the process (src/reference/referenceCache.ts): what it answers is what the
// database says, a change through the process is seen at once, a change from elsewhere within the TTL.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { categories, municipalities, municipalityCategories, reasonCodes } from "../../src/db/schema.ts";
import { forgetReferenceData, REFERENCE_TTL_MS, referenceData } from "../../src/reference/referenceCache.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
const db = () => t.database.db;

async function idOf(slug: string) {
  const [m] = await db().select().from(municipalities).where(eq(municipalities.slug, slug));
  return m!.id;
}

describe("the reference data kept in the process", () => {
  it("answers municipalities, offered categories and reason names as the database has them", async () => {
    forgetReferenceData(db());
    const ref = await referenceData(db());
    const prishtine = ref.municipalityBySlug("prishtine");
    expect(prishtine).toMatchObject({ code: "PRI", slug: "prishtine" });
    expect(ref.municipalityBySlug("atlantis")).toBeUndefined();
    const potholes = ref.offeredCategory(prishtine!.id, "issue_report", "potholes");
    expect(potholes).toMatchObject({ category: { code: "potholes", type: "issue_report" }, questions: [] });
    // The same code under another type is another category (or none).
    expect(ref.offeredCategory(prishtine!.id, "feedback", "potholes")).toBeUndefined();
    expect(ref.reasonNames.size).toBeGreaterThan(0);
    const [reason] = await db().select().from(reasonCodes).limit(1);
    expect(ref.reasonNames.get(reason!.code)).toEqual(reason!.name);
    expect(ref.activeReason(reason!.code)).toEqual({ code: reason!.code, appliesTo: reason!.appliesTo });
    expect(ref.activeReason("no-such-reason")).toBeUndefined();
    expect(ref.area(prishtine!.id)).toBeUndefined();
  });

  it("prefers a municipality's own category of a code over the national one, for that municipality only", async () => {
    const gjilan = await idOf("gjilan");
    const [national] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "graffiti"), isNull(categories.municipalityId)));
    const [own] = await db()
      .insert(categories)
      .values({
        code: "graffiti",
        type: national!.type,
        group: national!.group,
        name: { sq: "Grafite në qendër", sr: "Grafiti u centru" },
        municipalityId: gjilan,
        ackWithin: 1,
        firstResponseWithin: 2,
        resolutionWithin: 5,
      })
      .returning();
    forgetReferenceData(db());
    const ref = await referenceData(db());
    expect(ref.offeredCategory(gjilan, national!.type, "graffiti")?.category.id).toBe(own!.id);
    expect(ref.offeredCategory(await idOf("peje"), national!.type, "graffiti")?.category.id).toBe(
      national!.id,
    );
  });

  it("sees a change through the process at once, and one made elsewhere only after the TTL", async () => {
    const prizren = await idOf("prizren");
    forgetReferenceData(db());
    const start = Date.now();
    expect(
      (await referenceData(db(), start)).offeredCategory(prizren, "issue_report", "waste"),
    ).toBeDefined();
    const [waste] = await db()
      .select()
      .from(categories)
      .where(and(eq(categories.code, "waste"), isNull(categories.municipalityId)));
    // Another process switches the category off: this one does not know yet.
    await db()
      .insert(municipalityCategories)
      .values({ municipalityId: prizren, categoryId: waste!.id, enabled: false });
    expect(
      (await referenceData(db(), start + 1_000)).offeredCategory(prizren, "issue_report", "waste"),
    ).toBeDefined();
    // Past the TTL the old copy is answered once more while a fresh one loads; then the fresh one.
    await referenceData(db(), start + REFERENCE_TTL_MS);
    await expect
      .poll(async () =>
        (await referenceData(db(), start + REFERENCE_TTL_MS)).offeredCategory(
          prizren,
          "issue_report",
          "waste",
        ),
      )
      .toBeUndefined();
    // Switched on again through this process: forgotten, seen at once.
    await db()
      .update(municipalityCategories)
      .set({ enabled: true })
      .where(
        and(
          eq(municipalityCategories.municipalityId, prizren),
          eq(municipalityCategories.categoryId, waste!.id),
        ),
      );
    forgetReferenceData(db());
    expect((await referenceData(db())).offeredCategory(prizren, "issue_report", "waste")).toBeDefined();
  });
});
