// Read models for case pages: one case with what its page needs, and a person's own cases.
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { caseEvents, casePhotos, cases, categories, municipalities } from "../../db/schema.ts";
import { TRACKING_CODE_PATTERN } from "../trackingCode.ts";

// The case page's queries as named prepared statements: PostgreSQL plans them once per connection
// instead of on every page view. Planning the join over `cases` (with its many indexes) took ~5 ms of
// server CPU per view, more than running it (docs/PERFORMANCE.md). One pair per database handle.
function prepareCaseQueries(db: Db) {
  return {
    kase: db
      .select({ kase: cases, category: categories, municipality: municipalities })
      .from(cases)
      .innerJoin(categories, eq(categories.id, cases.categoryId))
      .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
      .where(eq(cases.trackingCode, sql.placeholder("code")))
      .limit(1)
      .prepare("case_page_case"),
    events: db
      .select()
      .from(caseEvents)
      .where(eq(caseEvents.caseId, sql.placeholder("caseId")))
      .orderBy(asc(caseEvents.at), asc(caseEvents.id))
      .prepare("case_page_events"),
    photos: db
      .select()
      .from(casePhotos)
      .where(and(eq(casePhotos.caseId, sql.placeholder("caseId")), eq(casePhotos.hidden, false)))
      .orderBy(asc(casePhotos.position), asc(casePhotos.createdAt))
      .prepare("case_page_photos"),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof prepareCaseQueries>>();
function caseQueries(db: Db) {
  let q = prepared.get(db);
  if (!q) {
    q = prepareCaseQueries(db);
    prepared.set(db, q);
  }
  return q;
}

/** A case by its tracking code, with its category, municipality and timeline; undefined when there is none. */
export async function loadCase(db: Db, trackingCode: string) {
  if (!TRACKING_CODE_PATTERN.test(trackingCode)) return undefined;
  const q = caseQueries(db);
  const [row] = await q.kase.execute({ code: trackingCode });
  if (!row) return undefined;
  const events = await q.events.execute({ caseId: row.kase.id });
  return { ...row, events };
}

/** A case's photos that are not hidden, in their order (what its public page shows). */
export function listShownPhotos(db: Db, caseId: number) {
  return caseQueries(db).photos.execute({ caseId });
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
