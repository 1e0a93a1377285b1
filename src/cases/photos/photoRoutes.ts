// Photos over HTTP: serving them, and uploading them to a draft of the submission journey.
//
// SERVING
//   GET /photos/:id            the photo (JPEG, at most 2048 px on its longer side)
//   GET /photos/:id/thumbnail  its thumbnail (JPEG, at most 400 px; size: thumbnailSize(width, height))
//   Answered only for a photo anyone may see (isPublicPhoto: public case, not a sensitive category, not
//   hidden), or for a photo still on a draft when the URL carries that draft's token: `?draft=<token>`.
//   Everything else, and anything that does not exist, is the same 404.
//
// UPLOADING (the journey's upload form posts here; it works without JavaScript)
//   POST /drafts/:token/photos   multipart/form-data, e.g.
//     <form method="post" action="/drafts/<token>/photos" enctype="multipart/form-data">
//       <input type="hidden" name="_csrf" value="…">            the page's CSRF token (required: else 403)
//       <input type="hidden" name="next" value="/submit/<token>/details">   a local path to come back to
//       <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" multiple>
//   - success (every file added): 303 to `next`;
//   - a refusal: 303 to `next` with `photoError=<reason>` added to its query, reason one of
//     PHOTO_ERRORS (files before the refused one are kept); the journey shows
//     t(`photos.error.${reason}`) at the upload field (and may turn this into a 422 page later);
//   - a token naming no usable draft (unknown, someone else's, expired, already sent): 404;
//   - more than 5 files, or too many fields, or a Content-Length over 5 × 10 MB + 1 MB: 413 error page
//     (errors.tsx); a body that is not multipart: 415.
//   POST /drafts/:token/photos/:id/delete  (urlencoded: _csrf, next) removes a draft's photo: 303 to `next`.
//
// The journey lists a draft's photos with listDraftPhotos(db, draft.id) and shows each thumbnail at
// photoUrl(id, { thumbnail: true, draftToken }) (photoView.ts, with thumbnailSize for width and height).
import { timingSafeEqual } from "node:crypto";
import multipart, { type MultipartFile } from "@fastify/multipart";
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../../access/policy.ts";
import { casePhotos, cases, categories } from "../../db/schema.ts";
import { hashToken, TOKEN_PATTERN } from "../../identity/tokens.ts";
import { safeLocalPath } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import { isPublicPhoto } from "../publicView.ts";
import { findDraft } from "../web/submitJourney.ts";
import { addDraftPhoto, isPhotoId, MAX_PHOTOS_PER_DRAFT, removeDraftPhoto } from "./photoCommands.ts";
import { MAX_PHOTO_BYTES, type PhotoRefusal } from "./processPhoto.ts";
import { photoStoreOf } from "./storage.ts";

/** Every `photoError` the upload route can send back; each has a message at `photos.error.<reason>`. */
export const PHOTO_ERRORS = [
  "not_an_image",
  "unsupported_format",
  "too_large",
  "too_many_pixels",
  "corrupt",
  "too_many",
  "no_file",
] as const satisfies readonly (PhotoRefusal | "too_many" | "no_file")[];
export type PhotoError = (typeof PHOTO_ERRORS)[number];

export function isPhotoError(value: unknown): value is PhotoError {
  return typeof value === "string" && (PHOTO_ERRORS as readonly string[]).includes(value);
}

/** Multipart limits of the upload route. */
export const UPLOAD_LIMITS = {
  fileSize: MAX_PHOTO_BYTES,
  files: MAX_PHOTOS_PER_DRAFT,
  fields: 50,
  parts: 60,
} as const;
/** A request longer than this is refused from its Content-Length before anything is read. */
const MAX_REQUEST_BYTES = UPLOAD_LIMITS.files * UPLOAD_LIMITS.fileSize + 1024 * 1024;

/** Marks the file parts this plugin read: no body a client sends (JSON, a form) can carry a Symbol. */
const UPLOAD = Symbol("upload");

/** What a file part becomes in the body (a field's value stays a string). */
interface Upload {
  [UPLOAD]: true;
  bytes: Buffer;
  /** Longer than the size limit: `bytes` holds only its start. */
  truncated: boolean;
}

const isUpload = (v: unknown): v is Upload =>
  typeof v === "object" &&
  v !== null &&
  (v as Upload)[UPLOAD] === true &&
  Buffer.isBuffer((v as Upload).bytes);

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `next` with photoError=<reason> added to its query. */
function withError(next: string, reason: PhotoError): string {
  const url = new URL(next, "http://local.invalid");
  url.searchParams.set("photoError", reason);
  return `${url.pathname}${url.search}${url.hash}`;
}

const PHOTO_HEADERS = {
  "content-type": "image/jpeg",
  "x-content-type-options": "nosniff",
  // Even opened on its own, the image can run nothing and reach nothing.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  "cross-origin-resource-policy": "same-origin",
  // A photo's bytes never change (a new photo gets a new id); only this browser may keep a copy.
  "cache-control": "private, max-age=31536000, immutable",
} as const;

export async function photoRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const { clock } = app.deps;
  const store = photoStoreOf(app.deps);

  // Multipart for these routes only (the plugin's parser and hook stay inside this plugin's scope).
  // Fields and files are attached to the body before the preHandler hooks run, so the app-wide CSRF
  // check finds `_csrf` in the body as it does for any urlencoded form. Each file is read into memory,
  // at most 10 MB (and at most 5 files); a longer one is cut there and marked, to be refused as
  // too_large with a redirect instead of an error page.
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    throwFileSizeLimit: false,
    limits: { ...UPLOAD_LIMITS },
    async onFile(part: MultipartFile) {
      const bytes = await part.toBuffer();
      const upload: Upload = { [UPLOAD]: true, bytes, truncated: part.file.truncated };
      (part as MultipartFile & { value?: unknown }).value = upload;
    },
  });

  const serve = (variant: "image" | "thumbnail") =>
    async function servePhoto(
      req: FastifyRequest<{ Params: { id: string }; Querystring: { draft?: string } }>,
      reply: FastifyReply,
    ) {
      const { id } = req.params;
      if (!isPhotoId(id)) return notFound(req, reply);
      const [row] = await db
        .select({
          photo: casePhotos,
          visibility: cases.visibility,
          sensitive: categories.sensitive,
          municipalityId: cases.municipalityId,
          departmentId: cases.departmentId,
          assigneeId: cases.assigneeId,
          submitterId: cases.submitterId,
        })
        .from(casePhotos)
        .leftJoin(cases, eq(cases.id, casePhotos.caseId))
        .leftJoin(categories, eq(categories.id, cases.categoryId))
        .where(eq(casePhotos.id, id))
        .limit(1);
      if (!row) return notFound(req, reply);
      const { photo } = row;
      const token = req.query.draft;
      const byDraftToken =
        photo.caseId === null &&
        photo.draftId !== null &&
        typeof token === "string" &&
        TOKEN_PATTERN.test(token) &&
        sameHash(hashToken(token), photo.draftId);
      const isPublic =
        photo.caseId !== null &&
        row.visibility !== null &&
        isPublicPhoto({ visibility: row.visibility }, { sensitive: row.sensitive ?? true }, photo);
      // Staff who work the case see every photo of it, hidden ones and those of private or sensitive
      // cases too (the staff case page shows them); nobody else does.
      const byStaff =
        !byDraftToken &&
        !isPublic &&
        row.municipalityId !== null &&
        can(req.actor, "case.view_staff", {
          municipalityId: row.municipalityId,
          departmentId: row.departmentId,
          assigneeId: row.assigneeId,
          ownerId: row.submitterId,
          isPublic: false,
        });
      if (!byDraftToken && !isPublic && !byStaff) return notFound(req, reply);

      const object = await store.get(variant === "image" ? photo.storageKey : photo.thumbnailKey);
      if (!object) {
        req.log.warn({ photo: id, variant }, "photo file missing from the store");
        return notFound(req, reply);
      }
      const name = `photo-${id}${variant === "thumbnail" ? "-thumbnail" : ""}.jpg`;
      reply.headers({ ...PHOTO_HEADERS, "content-disposition": `inline; filename="${name}"` });
      if (byDraftToken || byStaff) reply.header("referrer-policy", "no-referrer");
      // What only staff may see is not kept by the browser beyond the visit.
      if (byStaff) reply.header("cache-control", "private, no-store");
      if (object.size !== undefined) reply.header("content-length", object.size);
      return reply.send(object.body);
    };

  app.get("/photos/:id", serve("image"));
  app.get("/photos/:id/thumbnail", serve("thumbnail"));

  app.post<{ Params: { token: string }; Body: Record<string, unknown> | undefined }>(
    "/drafts/:token/photos",
    {
      config: { rateLimit: { max: 30, timeWindow: 60_000 } },
      // A body that says it is longer than five photos and the form is refused before it is read.
      onRequest: async (req, reply) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > MAX_REQUEST_BYTES)
          return sendError(req, reply, 413, "upload_too_large");
      },
    },
    async (req, reply) => {
      // Files come only as multipart; anything else (a JSON body, say) carries none to take.
      if (!req.isMultipart()) return sendError(req, reply, 415, "unsupported_media_type");
      const body = req.body ?? {};
      const next = safeLocalPath(body.next);
      const found = await findDraft(db, req.params.token, req.user?.id, clock.now());
      if (found.kind !== "found" || found.draft.data.submitted) return notFound(req, reply);

      const uploads = Object.values(body)
        .flatMap((v) => (Array.isArray(v) ? v : [v]))
        .filter(isUpload)
        // An empty file input still sends a part, with no name and no bytes: nothing was chosen.
        .filter((u) => u.bytes.length > 0 || u.truncated);
      if (uploads.length === 0) return reply.redirect(withError(next, "no_file"), 303);
      for (const upload of uploads) {
        if (upload.truncated) return reply.redirect(withError(next, "too_large"), 303);
        const added = await addDraftPhoto(db, store, {
          draftId: found.draft.id,
          bytes: upload.bytes,
          now: clock.now(),
        });
        if (!added.ok) {
          if (added.reason === "no_draft") return notFound(req, reply);
          return reply.redirect(withError(next, added.reason), 303);
        }
        req.log.info({ photo: added.photo.id, bytes: added.photo.bytes }, "photo added to a draft");
      }
      return reply.redirect(next, 303);
    },
  );

  app.post<{ Params: { token: string; id: string }; Body: Record<string, unknown> | undefined }>(
    "/drafts/:token/photos/:id/delete",
    { config: { rateLimit: { max: 60, timeWindow: 60_000 } } },
    async (req, reply) => {
      const next = safeLocalPath(req.body?.next);
      const found = await findDraft(db, req.params.token, req.user?.id, clock.now());
      if (found.kind !== "found" || found.draft.data.submitted) return notFound(req, reply);
      // Removing a photo that is already gone changes nothing: back to the page either way.
      await removeDraftPhoto(db, store, { draftId: found.draft.id, photoId: req.params.id });
      return reply.redirect(next, 303);
    },
  );
}
