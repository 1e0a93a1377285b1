// A staff member's saved inbox views: a name and the inbox's query string, per person and municipality
// (a view names that municipality's departments and people). Saving a name that exists there replaces
// that view's query (the name is what people recognise), and each person keeps at most MAX_SAVED_VIEWS.
// Views saved before views had a municipality (null) are listed in every inbox of the person.
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { savedViews } from "../db/schema.ts";

export const MAX_SAVED_VIEWS = 50;
export const MAX_VIEW_NAME = 80;

export interface SavedView {
  id: string;
  name: string;
  query: string;
}

export type SaveViewResult = { ok: true; id: string; replaced: boolean } | { ok: false; reason: "too_many" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const inMunicipality = (municipalityId: number) =>
  or(eq(savedViews.municipalityId, municipalityId), isNull(savedViews.municipalityId));

/** A person's views of one municipality's inbox, by name. */
export async function listSavedViews(db: Db, userId: string, municipalityId: number): Promise<SavedView[]> {
  return db
    .select({ id: savedViews.id, name: savedViews.name, query: savedViews.query })
    .from(savedViews)
    .where(and(eq(savedViews.userId, userId), inMunicipality(municipalityId)))
    .orderBy(asc(sql`lower(${savedViews.name})`), asc(savedViews.createdAt));
}

/** Saves `query` under `name` for the person (names compare without regard to case). */
export async function saveView(
  db: Db,
  input: { userId: string; municipalityId: number; name: string; query: string; now: Date },
): Promise<SaveViewResult> {
  return db.transaction(async (tx) => {
    const [same] = await tx
      .select({ id: savedViews.id })
      .from(savedViews)
      .where(
        and(
          eq(savedViews.userId, input.userId),
          inMunicipality(input.municipalityId),
          eq(sql`lower(${savedViews.name})`, input.name.toLowerCase()),
        ),
      )
      .limit(1);
    if (same) {
      await tx
        .update(savedViews)
        .set({ name: input.name, query: input.query, municipalityId: input.municipalityId })
        .where(eq(savedViews.id, same.id));
      return { ok: true as const, id: same.id, replaced: true };
    }
    const [counted] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(savedViews)
      .where(eq(savedViews.userId, input.userId));
    if (Number(counted?.n ?? 0) >= MAX_SAVED_VIEWS)
      return { ok: false as const, reason: "too_many" as const };
    const [row] = await tx
      .insert(savedViews)
      .values({
        userId: input.userId,
        municipalityId: input.municipalityId,
        name: input.name,
        query: input.query,
        createdAt: input.now,
      })
      .returning({ id: savedViews.id });
    return { ok: true as const, id: row!.id, replaced: false };
  });
}

/** Deletes one of the person's views; false when they have none with that id. */
export async function deleteView(db: Db, input: { userId: string; id: string }): Promise<boolean> {
  if (!UUID.test(input.id)) return false;
  const deleted = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, input.id), eq(savedViews.userId, input.userId)))
    .returning({ id: savedViews.id });
  return deleted.length > 0;
}
