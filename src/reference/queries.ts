// Read models for the public pages about municipalities.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cases, municipalities } from "../db/schema.ts";

export async function listMunicipalities(db: Db) {
  return db
    .select({ slug: municipalities.slug, name: municipalities.name })
    .from(municipalities)
    .where(eq(municipalities.active, true))
    .orderBy(asc(municipalities.slug));
}

export async function findMunicipality(db: Db, slug: string) {
  const [row] = await db.select().from(municipalities).where(eq(municipalities.slug, slug)).limit(1);
  return row;
}

/** Public cases of a municipality counted by status (counts only: nothing personal). */
export async function countCasesByStatus(db: Db, municipalityId: number): Promise<Map<string, number>> {
  const rows = await db
    .select({ status: cases.status, n: sql<number>`count(*)::int` })
    .from(cases)
    .where(and(eq(cases.municipalityId, municipalityId), eq(cases.visibility, "public")))
    .groupBy(cases.status);
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}
