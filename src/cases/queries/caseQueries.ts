// Read models for case pages: one case with what its page needs, and a person's own cases.
import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { caseEvents, cases, categories, municipalities } from "../../db/schema.ts";
import { TRACKING_CODE_PATTERN } from "../trackingCode.ts";

/** A case by its tracking code, with its category, municipality and timeline; undefined when there is none. */
export async function loadCase(db: Db, trackingCode: string) {
  if (!TRACKING_CODE_PATTERN.test(trackingCode)) return undefined;
  const [row] = await db
    .select({ kase: cases, category: categories, municipality: municipalities })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .where(eq(cases.trackingCode, trackingCode))
    .limit(1);
  if (!row) return undefined;
  const events = await db
    .select()
    .from(caseEvents)
    .where(eq(caseEvents.caseId, row.kase.id))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id));
  return { ...row, events };
}

export type LoadedCase = NonNullable<Awaited<ReturnType<typeof loadCase>>>;

/** The cases a person submitted while signed in, newest first. */
export async function listOwnCases(db: Db, userId: string) {
  return db
    .select({
      trackingCode: cases.trackingCode,
      title: cases.title,
      status: cases.status,
      type: cases.type,
      receivedAt: cases.receivedAt,
      responseDueAt: cases.responseDueAt,
      municipality: municipalities.name,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .where(eq(cases.submitterId, userId))
    .orderBy(desc(cases.receivedAt))
    .limit(500);
}
