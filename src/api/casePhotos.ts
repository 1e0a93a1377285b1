// Photos added to a case over the API, shortly after it was made, by whoever made it (the API client, or
// the person signed in). Every photo goes through the same processing as the web journey's (processPhoto:
// re-encoded, metadata stripped, bombs refused) and the same store; a request's photos are all added or
// none is, so a refused file never leaves half an upload behind.
import { count, eq, max } from "drizzle-orm";
import { MAX_PHOTOS_PER_DRAFT } from "../cases/photos/photoCommands.ts";
import { type PhotoRefusal, processPhoto } from "../cases/photos/processPhoto.ts";
import { newPhotoKeys, type PhotoStore } from "../cases/photos/storage.ts";
import type { Db } from "../db/client.ts";
import { casePhotos, cases } from "../db/schema.ts";

/** A case has at most as many photos as the web journey allows on a draft. */
export const MAX_PHOTOS_PER_CASE = MAX_PHOTOS_PER_DRAFT;
/** How long after its creation a case takes photos from its maker. */
export const PHOTO_WINDOW_MS = 60 * 60 * 1000;

type ProcessedOk = Extract<Awaited<ReturnType<typeof processPhoto>>, { ok: true }>;

export type AddCasePhotosResult =
  | { ok: true; photos: (typeof casePhotos.$inferSelect)[] }
  | { ok: false; reason: "too_many" }
  | { ok: false; reason: PhotoRefusal; index: number };

async function photosOn(db: Pick<Db, "select">, caseId: number) {
  const [row] = await db
    .select({ n: count(), last: max(casePhotos.position) })
    .from(casePhotos)
    .where(eq(casePhotos.caseId, caseId));
  return { n: row?.n ?? 0, last: row?.last ?? null };
}

/**
 * Adds photos to a case: the limit is checked first (a full case costs no image processing), every file
 * is processed, then all are stored and written in one transaction that holds the case's row, so two
 * uploads at once cannot pass the limit or share a position.
 */
export async function addCasePhotos(
  db: Db,
  store: PhotoStore,
  input: { caseId: number; files: Buffer[]; now: Date },
): Promise<AddCasePhotosResult> {
  const { caseId, files, now } = input;
  if ((await photosOn(db, caseId)).n + files.length > MAX_PHOTOS_PER_CASE)
    return { ok: false, reason: "too_many" };
  const processed: (ProcessedOk & { keys: { image: string; thumbnail: string } })[] = [];
  for (const [index, bytes] of files.entries()) {
    const photo = await processPhoto(bytes);
    if (!photo.ok) return { ok: false, reason: photo.reason, index };
    processed.push({ ...photo, keys: newPhotoKeys() });
  }
  const removeFiles = () =>
    Promise.allSettled(
      processed.flatMap((p) => [store.delete(p.keys.image), store.delete(p.keys.thumbnail)]),
    );
  let result: AddCasePhotosResult;
  try {
    for (const p of processed) {
      await store.put(p.keys.image, p.image, "image/jpeg");
      await store.put(p.keys.thumbnail, p.thumbnail, "image/jpeg");
    }
    result = await db.transaction(async (tx): Promise<AddCasePhotosResult> => {
      await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId)).for("update");
      const { n, last } = await photosOn(tx, caseId);
      if (n + processed.length > MAX_PHOTOS_PER_CASE) return { ok: false, reason: "too_many" };
      const rows = await tx
        .insert(casePhotos)
        .values(
          processed.map((p, i) => ({
            caseId,
            storageKey: p.keys.image,
            thumbnailKey: p.keys.thumbnail,
            width: p.width,
            height: p.height,
            bytes: p.image.length,
            position: (last ?? -1) + 1 + i,
            createdAt: now,
          })),
        )
        .returning();
      return { ok: true, photos: rows.sort((a, b) => a.position - b.position) };
    });
  } catch (e) {
    await removeFiles();
    throw e;
  }
  if (!result.ok) await removeFiles();
  return result;
}

/** Whether a case still takes photos from its maker at `now`. */
export function photoWindowOpen(kase: Pick<typeof cases.$inferSelect, "createdAt">, now: Date): boolean {
  return now.getTime() - kase.createdAt.getTime() <= PHOTO_WINDOW_MS;
}
