// Photos on a draft (while the submission journey is written) and on a case (once it is sent: submitCase
// moves a draft's photos onto the case). Bytes go to the PhotoStore, rows to case_photos; a row is only
// ever written once both its files are stored, and files are removed after their row.
import { and, asc, count, eq, gt, isNotNull, isNull, max, notExists, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { caseDrafts, casePhotos } from "../../db/schema.ts";
import { type PhotoRefusal, processPhoto } from "./processPhoto.ts";
import { newPhotoKeys, type PhotoStore } from "./storage.ts";

/** At most this many photos on one draft (and so on one case sent through the journey). */
export const MAX_PHOTOS_PER_DRAFT = 5;

export type CasePhoto = typeof casePhotos.$inferSelect;

export type AddDraftPhotoResult =
  | { ok: true; photo: CasePhoto }
  | { ok: false; reason: PhotoRefusal | "too_many" | "no_draft" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `id` can be a photo's id (a UUID); anything else names no photo. */
export function isPhotoId(id: string): boolean {
  return UUID.test(id);
}

const onDraft = (draftId: string) => and(eq(casePhotos.draftId, draftId), isNull(casePhotos.caseId));

async function countOnDraft(db: Pick<Db, "select">, draftId: string) {
  const [row] = await db
    .select({ n: count(), last: max(casePhotos.position) })
    .from(casePhotos)
    .where(onDraft(draftId));
  return { n: row?.n ?? 0, last: row?.last ?? null };
}

/**
 * Adds a photo to a draft: checks the limit, processes the bytes (see processPhoto), stores the photo
 * and its thumbnail, and writes the row with the next position. `no_draft`: the draft does not exist or
 * has expired.
 */
export async function addDraftPhoto(
  db: Db,
  store: PhotoStore,
  input: { draftId: string; bytes: Buffer; now: Date },
): Promise<AddDraftPhotoResult> {
  const { draftId, now } = input;
  // A cheap look first, so a full draft costs no image processing.
  if ((await countOnDraft(db, draftId)).n >= MAX_PHOTOS_PER_DRAFT) return { ok: false, reason: "too_many" };
  const processed = await processPhoto(input.bytes);
  if (!processed.ok) return processed;

  const keys = newPhotoKeys();
  const removeFiles = async () => {
    await Promise.allSettled([store.delete(keys.image), store.delete(keys.thumbnail)]);
  };
  let result: AddDraftPhotoResult;
  try {
    await store.put(keys.image, processed.image, "image/jpeg");
    await store.put(keys.thumbnail, processed.thumbnail, "image/jpeg");
    result = await db.transaction(async (tx): Promise<AddDraftPhotoResult> => {
      // Locking the draft's row puts two uploads to the same draft one after the other, so the limit
      // and the positions hold under concurrency.
      const [draft] = await tx
        .select({ id: caseDrafts.id })
        .from(caseDrafts)
        .where(and(eq(caseDrafts.id, draftId), gt(caseDrafts.expiresAt, now)))
        .for("update");
      if (!draft) return { ok: false, reason: "no_draft" };
      const { n, last } = await countOnDraft(tx, draftId);
      if (n >= MAX_PHOTOS_PER_DRAFT) return { ok: false, reason: "too_many" };
      const [photo] = await tx
        .insert(casePhotos)
        .values({
          draftId,
          storageKey: keys.image,
          thumbnailKey: keys.thumbnail,
          width: processed.width,
          height: processed.height,
          bytes: processed.image.length,
          position: (last ?? -1) + 1,
          createdAt: now,
        })
        .returning();
      return { ok: true, photo: photo! };
    });
  } catch (e) {
    await removeFiles();
    throw e;
  }
  if (!result.ok) await removeFiles();
  return result;
}

/** Removes a photo from a draft (only a draft's own photo, and only while it is on the draft). */
export async function removeDraftPhoto(
  db: Db,
  store: PhotoStore,
  input: { draftId: string; photoId: string },
): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  if (!isPhotoId(input.photoId)) return { ok: false, reason: "not_found" };
  const [row] = await db
    .delete(casePhotos)
    .where(and(eq(casePhotos.id, input.photoId), onDraft(input.draftId)))
    .returning();
  if (!row) return { ok: false, reason: "not_found" };
  await Promise.allSettled([store.delete(row.storageKey), store.delete(row.thumbnailKey)]);
  return { ok: true };
}

/** A draft's photos, in the order they were added. */
export async function listDraftPhotos(db: Db, draftId: string): Promise<CasePhoto[]> {
  return db
    .select()
    .from(casePhotos)
    .where(onDraft(draftId))
    .orderBy(asc(casePhotos.position), asc(casePhotos.createdAt));
}

/** A case's photos in order; hidden ones (withdrawn by moderation) only with `includeHidden`. */
export async function listCasePhotos(
  db: Db,
  caseId: number,
  options: { includeHidden: boolean },
): Promise<CasePhoto[]> {
  return db
    .select()
    .from(casePhotos)
    .where(
      options.includeHidden
        ? eq(casePhotos.caseId, caseId)
        : and(eq(casePhotos.caseId, caseId), eq(casePhotos.hidden, false)),
    )
    .orderBy(asc(casePhotos.position), asc(casePhotos.createdAt));
}

/**
 * Deletes the photos of drafts that expired or no longer exist (a journey never sent), rows and files.
 * For a periodic job; answers how many photos went.
 */
export async function purgeAbandonedDraftPhotos(db: Db, store: PhotoStore, now: Date): Promise<number> {
  const live = db
    .select({ one: sql`1` })
    .from(caseDrafts)
    .where(and(eq(caseDrafts.id, casePhotos.draftId), gt(caseDrafts.expiresAt, now)));
  const rows = await db
    .delete(casePhotos)
    .where(and(isNotNull(casePhotos.draftId), isNull(casePhotos.caseId), notExists(live)))
    .returning();
  for (const row of rows) {
    await Promise.allSettled([store.delete(row.storageKey), store.delete(row.thumbnailKey)]);
  }
  return rows.length;
}
