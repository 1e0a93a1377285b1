// POST /api/v1/cases/{code}/photos: photos for a case just made, as multipart/form-data with one or more
// file parts (any field name; `photos` by convention). Only its maker may add them — the API client whose
// key made it, or the signed-in person who submitted it — and only within an hour of its creation. A case
// has at most 5 photos (JPEG, PNG or WebP, 10 MB each); every file is processed as on the web (metadata
// stripped, bombs refused), and a request's photos are all added or none is.
//
// Chosen over a multipart POST /cases so that creating a case stays one small JSON request with a clean
// Idempotency-Key, and photos, which are large and slow, never make a retry of the case itself.
import multipart from "@fastify/multipart";
import type { FastifyInstance } from "fastify";
import { baseUrl } from "../app.ts";
import { photoUrl } from "../cases/photos/photoView.ts";
import { MAX_PHOTO_BYTES } from "../cases/photos/processPhoto.ts";
import { photoStoreOf } from "../cases/photos/storage.ts";
import { loadCase } from "../cases/queries/caseQueries.ts";
import { apiRoute, callerOf } from "./auth.ts";
import { addCasePhotos, MAX_PHOTOS_PER_CASE, PHOTO_WINDOW_MS, photoWindowOpen } from "./casePhotos.ts";
import { sendApiError } from "./errors.ts";
import { clientKeyPrefix } from "./idempotency.ts";
import { COMMON_ERRORS, errorResponse, SECURITY } from "./openapi.ts";
import { jsonSchema, photosOutput } from "./schemas.ts";

/** A request longer than this is refused from its Content-Length before anything is read. */
const MAX_REQUEST_BYTES = MAX_PHOTOS_PER_CASE * MAX_PHOTO_BYTES + 1024 * 1024;

export async function photoEndpoints(app: FastifyInstance) {
  const db = app.deps.database.db;
  const { clock, config } = app.deps;
  const store = photoStoreOf(app.deps);

  // Streamed, read in the handler: nothing is read before the caller is known to own the case. A file over
  // the size limit is cut there and marked (refused as too_large, not as a broken request).
  await app.register(multipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS_PER_CASE, fields: 10, parts: 20 },
  });

  app.post<{ Params: { code: string } }>(
    "/cases/:code/photos",
    {
      config: apiRoute("write"),
      onRequest: async (req, reply) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > MAX_REQUEST_BYTES)
          return sendApiError(req, reply, 413, "upload_too_large");
      },
      // A cross-site form can send multipart: a person's session must carry the page's CSRF token
      // (X-CSRF-Token). A key is not a cookie a browser sends by itself, so it needs none.
      preHandler: (req, reply, done) => {
        if (!req.apiClient && req.user) return app.csrfProtection(req, reply, done);
        done();
      },
      schema: {
        tags: ["cases"],
        operationId: "addCasePhotos",
        summary: "Add photos to a case just made",
        description: `For the case's maker only (the API client whose key made it, or the signed-in submitter, who also sends the page's CSRF token in X-CSRF-Token), within ${PHOTO_WINDOW_MS / 60_000} minutes of its creation. At most ${MAX_PHOTOS_PER_CASE} photos per case, JPEG, PNG or WebP, ${MAX_PHOTO_BYTES / 1024 / 1024} MB each; they are re-encoded without their metadata (GPS included). All the request's photos are added, or none.`,
        security: SECURITY.keyOrSession,
        consumes: ["multipart/form-data"],
        params: {
          type: "object",
          properties: { code: { type: "string", examples: ["PRI-2026-000018"] } },
          required: ["code"],
        },
        body: {
          type: "object",
          properties: {
            photos: {
              type: "array",
              maxItems: MAX_PHOTOS_PER_CASE,
              items: { type: "string", format: "binary", contentMediaType: "image/jpeg" },
            },
          },
          required: ["photos"],
        },
        response: {
          201: { description: "Added, in order.", ...jsonSchema(photosOutput) },
          401: errorResponse("unauthorized or invalid_api_key."),
          403: errorResponse("csrf (a session without X-CSRF-Token) or cross_site_request."),
          404: errorResponse("not_found: no such case, or not made by the caller."),
          409: errorResponse("photo_window_closed."),
          413: errorResponse("upload_too_large, or too_many_fields."),
          415: errorResponse("unsupported_media_type: not multipart/form-data."),
          422: errorResponse(
            "no_file, too_many_photos, or photo_refused with `fields` naming the file (photos[0], …) and why.",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (caller.kind === "visitor") return sendApiError(req, reply, 401, "unauthorized");
      if (!req.isMultipart()) return sendApiError(req, reply, 415, "unsupported_media_type");
      const c = await loadCase(db, req.params.code);
      const maker =
        c &&
        (caller.kind === "client"
          ? (c.kase.idempotencyKey?.startsWith(clientKeyPrefix(caller.client.id)) ?? false)
          : c.kase.submitterId === caller.userId);
      if (!c || !maker) return sendApiError(req, reply, 404, "not_found");
      if (!photoWindowOpen(c.kase, clock.now()))
        return sendApiError(req, reply, 409, "photo_window_closed", {
          values: { minutes: PHOTO_WINDOW_MS / 60_000 },
        });

      const files: Buffer[] = [];
      let tooLarge: number | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type !== "file") continue;
          const bytes = await part.toBuffer();
          // An empty file input still sends a part, with no name and no bytes: nothing was chosen.
          if (bytes.length === 0 && !part.filename && !part.file.truncated) continue;
          if (part.file.truncated) tooLarge ??= files.length;
          files.push(bytes);
        }
      } catch (e) {
        // Everything that can fail here is the body: over a limit, or not multipart at all (no boundary,
        // a broken part, cut short).
        const code = (e as { code?: string }).code;
        if (code === "FST_FILES_LIMIT")
          return sendApiError(req, reply, 422, "too_many_photos", { values: { max: MAX_PHOTOS_PER_CASE } });
        if (code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT")
          return sendApiError(req, reply, 413, "too_many_fields");
        req.log.info({ err: e }, "unreadable multipart body");
        return sendApiError(req, reply, 400, "invalid_multipart");
      }
      if (tooLarge !== undefined)
        return sendApiError(req, reply, 422, "photo_refused", {
          fields: { [`photos[${tooLarge}]`]: "photos.error.too_large" },
        });
      if (files.length === 0) return sendApiError(req, reply, 422, "no_file");

      const added = await addCasePhotos(db, store, { caseId: c.kase.id, files, now: clock.now() });
      if (!added.ok) {
        if (added.reason === "too_many")
          return sendApiError(req, reply, 422, "too_many_photos", { values: { max: MAX_PHOTOS_PER_CASE } });
        return sendApiError(req, reply, 422, "photo_refused", {
          fields: { [`photos[${added.index}]`]: `photos.error.${added.reason}` },
        });
      }
      req.log.info({ case: c.kase.trackingCode, photos: added.photos.length }, "photos added over the API");
      return reply.status(201).send({
        photos: added.photos.map((p) => ({
          id: p.id,
          width: p.width,
          height: p.height,
          url: `${baseUrl(config)}${photoUrl(p.id)}`,
        })),
      });
    },
  );
}
