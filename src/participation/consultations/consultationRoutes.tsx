// The consultations pages and actions (issue 8): the public list and page of a consultation with its
// comments, documents and report (with its open data), and the citizen's actions on it. The coordinator's
// pages are in staffRoutes.tsx, registered here so that multipart (PDF uploads) stays in this plugin.
import multipart, { type MultipartFile } from "@fastify/multipart";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { localDateOf } from "../../calendar/zone.ts";
import { photoStoreOf } from "../../cases/photos/storage.ts";
import { consultationComments, consultations, departments, municipalities, users } from "../../db/schema.ts";
import { csvLine } from "../../kernel/csv.ts";
import { localized } from "../../kernel/localized.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { restoreDemoDocuments } from "./demo.ts";
import { consultationFigures } from "./figures.ts";
import { MAX_DOCUMENT_BYTES } from "./manageConsultation.ts";
import { type ConsultationRow, consultationPath, MAX_COMMENT_CHARS, stageOf } from "./model.ts";
import { addComment, reportComment, setFollowing, supportComment } from "./participate.ts";
import { AbusePage, DetailPage, PublicListPage, ReplyPage, ReportPage } from "./publicPages.tsx";
import { consultationById, consultationView, documentsOf, publicList, reportData } from "./queries.ts";
import { staffRoutes } from "./staffRoutes.tsx";
import { K, type Values } from "./ui.tsx";

type Form = { values: Values; errors: FieldErrors };
const EMPTY: Form = { values: {}, errors: {} };
const E = `${K}.errors`;
const OWN_KEY = /^consultations(\.[A-Za-z_]+)+$/;

/** Validates with zod; messages are catalog keys under consultations. */
export function check<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body && typeof body === "object" ? body : {});
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues)
    errors[String(issue.path[0] ?? "form")] ??= OWN_KEY.test(issue.message)
      ? issue.message
      : "validation.invalid";
  return { ok: false, errors };
}

const commentForm = z.object({
  body: textField(MAX_COMMENT_CHARS, `${E}.bodyRequired`, `${E}.bodyTooLong`),
  sectionId: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => /^(\d{1,9})?$/.test(s), `${E}.sectionUnknown`)
    .transform((s) => (s ? Number(s) : null)),
  showName: z
    .string()
    .optional()
    .transform((s) => s === "yes"),
});
const abuseForm = z.object({ reason: textField(1000, `${E}.reasonRequired`, `${E}.reasonTooLong`) });

const ID = /^\d{1,9}$/;
const COMMENT_ID = /^\d{1,15}$/;
const DOC_ID = /^[0-9a-f-]{36}$/;
const DONE = new Set(["commented", "supported", "reported", "followed", "unfollowed"]);

/** Marks the file parts this plugin read: no form a client sends can carry a Symbol. */
export const UPLOAD = Symbol("upload");
export interface Upload {
  [UPLOAD]: true;
  bytes: Buffer;
  fileName: string;
  truncated: boolean;
}
export const isUpload = (v: unknown): v is Upload =>
  typeof v === "object" &&
  v !== null &&
  (v as Upload)[UPLOAD] === true &&
  Buffer.isBuffer((v as Upload).bytes);

/** A file name safe in a header: ASCII letters, digits, dot, dash, underscore; the rest becomes "_". */
export const asciiName = (name: string) =>
  name
    .normalize("NFKD")
    .replace(/[^\w.-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 100) || "document.pdf";

export async function consultationRoutes(app: FastifyInstance): Promise<void> {
  const { database, clock, profile } = app.deps;
  const db = database.db;
  const store = photoStoreOf(app.deps);
  const timeZone = profile.timeZone;
  const today = () => localDateOf(clock.now(), timeZone);

  // Multipart for this plugin's routes only: the PDF upload. Fields and the file land in the body before
  // the app-wide CSRF check, which finds `_csrf` there as in any form; a file past 20 MB is cut and marked.
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 20, parts: 25 },
    async onFile(part: MultipartFile) {
      const bytes = await part.toBuffer();
      const upload: Upload = {
        [UPLOAD]: true,
        bytes,
        fileName: part.filename,
        truncated: part.file.truncated,
      };
      (part as MultipartFile & { value?: unknown }).value = upload;
    },
  });
  await app.register(staffRoutes);

  // The demo's PDF is seeded with the database, which has no store: put it there once the app is ready.
  app.addHook("onReady", async () => {
    try {
      if (await restoreDemoDocuments(db, store)) app.log.info("demo consultation document stored");
    } catch (e) {
      app.log.warn({ err: e }, "could not store the demo consultation document");
    }
  });

  async function municipalityOf(id: number) {
    const [m] = await db
      .select({ slug: municipalities.slug, name: municipalities.name })
      .from(municipalities)
      .where(eq(municipalities.id, id));
    return m;
  }

  /** Staff who run the municipality's consultations see drafts (a preview); nobody else does. */
  const manages = (req: FastifyRequest, c: ConsultationRow) =>
    can(req.actor, "consultation.manage", { municipalityId: c.municipalityId });

  /** The consultation when the requester may see it: published, or a draft its staff preview. */
  async function visible(req: FastifyRequest, idText: string) {
    if (!ID.test(idText)) return undefined;
    const c = await consultationById(db, Number(idText));
    if (!c || (!c.publishedAt && !manages(req, c))) return undefined;
    const m = await municipalityOf(c.municipalityId);
    if (!m) return undefined;
    return { c, m: { slug: m.slug, name: localized(m.name, req.lang) } };
  }

  const notice = (req: FastifyRequest, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return status === 200 && typeof done === "string" && DONE.has(done)
      ? req.t(`${K}.done.${done}`)
      : undefined;
  };

  // ── The public list.

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/consultations",
    { config: { page: { sample: "/m/prishtine/consultations" }, publicCache: true } },
    async (req, reply) => {
      const [m] = await db.select().from(municipalities).where(eq(municipalities.slug, req.params.slug));
      if (!m?.active) return notFound(req, reply);
      const day = today();
      const year = Number(day.slice(0, 4));
      const [rows, figures] = await Promise.all([
        publicList(db, m.id),
        consultationFigures(db, {
          municipalityId: m.id,
          from: new Date(`${year}-01-01T00:00:00Z`),
          to: new Date(`${year + 1}-01-01T00:00:00Z`),
          timeZone,
        }),
      ]);
      return sendPage(
        reply,
        <PublicListPage
          ctx={pageContext(req, reply)}
          municipality={{ slug: m.slug, name: localized(m.name, req.lang) }}
          rows={rows.map((r) => ({ ...r, stage: stageOf(r, day) }))}
          today={day}
          figures={figures}
          year={year}
        />,
      );
    },
  );

  // ── One consultation.

  type IdParams = { Params: { id: string } };

  /**
   * For the routes under /consultations/:id: their pages belong to the consultation's municipality and
   * offer its languages (config.municipalityOf, web/context.ts). A consultation never changes
   * municipality, so each is looked up once per process: the cached detail page stays free of queries.
   */
  const municipalityIdOf = new Map<number, number>();
  const ofConsultation = {
    municipalityOf: async (req: FastifyRequest) => {
      const id = (req.params as { id?: unknown }).id;
      if (typeof id !== "string" || !ID.test(id)) return undefined;
      let municipalityId = municipalityIdOf.get(Number(id));
      if (municipalityId === undefined) {
        const [c] = await db
          .select({ municipalityId: consultations.municipalityId })
          .from(consultations)
          .where(eq(consultations.id, Number(id)));
        if (!c) return undefined;
        if (municipalityIdOf.size >= 10_000) municipalityIdOf.clear();
        municipalityId = c.municipalityId;
        municipalityIdOf.set(Number(id), municipalityId);
      }
      return (await referenceData(db)).municipalityById(municipalityId)?.slug;
    },
  };

  async function sendDetail(req: FastifyRequest<IdParams>, reply: FastifyReply, form: Form, status = 200) {
    const found = await visible(req, req.params.id);
    if (!found) return notFound(req, reply);
    const { c, m } = found;
    const view = await consultationView(db, c, req.user?.id, (n) => req.t(`${K}.report.participant`, { n }));
    const [department] = c.departmentId
      ? await db
          .select({ name: departments.name })
          .from(departments)
          .where(eq(departments.id, c.departmentId))
      : [];
    const section = (req.query as { section?: unknown }).section;
    const values =
      status === 200 && typeof section === "string" && ID.test(section)
        ? { sectionId: section }
        : form.values;
    const day = today();
    return sendPage(
      reply,
      <DetailPage
        ctx={pageContext(req, reply)}
        municipality={m}
        c={c}
        stage={stageOf(c, day)}
        today={day}
        department={department?.name}
        {...view}
        signedIn={!!req.user}
        preview={!c.publishedAt}
        canManage={manages(req, c)}
        form={{ values, errors: form.errors }}
        notice={notice(req, status)}
      />,
      status,
    );
  }

  app.get<IdParams>(
    "/consultations/:id",
    { config: { page: { sample: "/consultations/1" }, publicCache: true, ...ofConsultation } },
    async (req, reply) => sendDetail(req, reply, EMPTY),
  );

  /** Signed in, or sent to log in and come back to the consultation. */
  async function citizen(req: FastifyRequest<IdParams>, reply: FastifyReply): Promise<boolean> {
    if (req.user && can(req.actor, "consultation.comment")) return true;
    await reply.redirect(
      `/login?next=${encodeURIComponent(consultationPath(Number(req.params.id) || 0))}`,
      303,
    );
    return false;
  }

  const citizenDeps = (req: FastifyRequest) => ({ db, now: clock.now(), timeZone, userId: req.user!.id });

  app.post<IdParams>(
    "/consultations/:id/comments",
    { config: { rateLimit: { max: 30, timeWindow: 60_000 }, ...ofConsultation } },
    async (req, reply) => {
      if (!ID.test(req.params.id)) return notFound(req, reply);
      if (!(await citizen(req, reply))) return reply;
      const values = {
        body: typed(req.body, "body"),
        sectionId: typed(req.body, "sectionId"),
        showName: typed(req.body, "showName"),
      };
      const form = check(commentForm, req.body);
      if (!form.ok) return sendDetail(req, reply, { values, errors: form.errors }, 422);
      const result = await addComment(citizenDeps(req), Number(req.params.id), {
        ...form.value,
        parentId: null,
        language: req.lang,
      });
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        const errors: FieldErrors =
          result.reason === "no_section"
            ? { sectionId: `${E}.sectionUnknown` }
            : { body: `${E}.notOpen.${result.stage === "upcoming" ? "upcoming" : "closed"}` };
        return sendDetail(req, reply, { values, errors }, 422);
      }
      return reply.redirect(
        `${consultationPath(Number(req.params.id))}?done=commented#comment-${result.id}`,
        303,
      );
    },
  );

  type CommentParams = { Params: { id: string; commentId: string } };

  /** A visible comment of a consultation the requester may see, with its author's shown name. */
  async function commentOf(req: FastifyRequest<CommentParams>) {
    const found = await visible(req, req.params.id);
    if (!found?.c.publishedAt || !COMMENT_ID.test(req.params.commentId)) return undefined;
    const [row] = await db
      .select({ k: consultationComments, authorName: users.name })
      .from(consultationComments)
      .innerJoin(users, eq(users.id, consultationComments.authorId))
      .where(
        and(
          eq(consultationComments.id, Number(req.params.commentId)),
          eq(consultationComments.consultationId, found.c.id),
        ),
      );
    if (!row || row.k.hiddenAt) return undefined;
    return {
      ...found,
      k: {
        id: row.k.id,
        // Named only when the author chose so (as on the consultation page and in the report).
        authorName: row.k.showName ? row.authorName : req.t(`${K}.comment.aParticipant`),
        body: row.k.body,
        language: row.k.language,
      },
    };
  }

  /** A page about one comment (the reply form, the abuse report form), or not found. */
  async function sendCommentPage(
    Page: typeof ReplyPage | typeof AbusePage,
    req: FastifyRequest<CommentParams>,
    reply: FastifyReply,
    form: Form,
    status = 200,
  ) {
    const found = await commentOf(req);
    if (!found) return notFound(req, reply);
    return sendPage(
      reply,
      <Page ctx={pageContext(req, reply)} municipality={found.m} c={found.c} k={found.k} form={form} />,
      status,
    );
  }
  const sendReply = (req: FastifyRequest<CommentParams>, reply: FastifyReply, form: Form, status = 200) =>
    sendCommentPage(ReplyPage, req, reply, form, status);
  const sendAbuse = (req: FastifyRequest<CommentParams>, reply: FastifyReply, form: Form, status = 200) =>
    sendCommentPage(AbusePage, req, reply, form, status);

  app.get<CommentParams>(
    "/consultations/:id/comments/:commentId/reply",
    { config: ofConsultation },
    async (req, reply) => {
      if (!(await citizen(req, reply))) return reply;
      return sendReply(req, reply, EMPTY);
    },
  );

  app.post<CommentParams>(
    "/consultations/:id/comments/:commentId/reply",
    { config: { rateLimit: { max: 30, timeWindow: 60_000 }, ...ofConsultation } },
    async (req, reply) => {
      if (!(await citizen(req, reply))) return reply;
      const values = { body: typed(req.body, "body"), showName: typed(req.body, "showName") };
      const form = check(commentForm, req.body);
      if (!form.ok) return sendReply(req, reply, { values, errors: form.errors }, 422);
      if (!COMMENT_ID.test(req.params.commentId)) return notFound(req, reply);
      const result = await addComment(citizenDeps(req), Number(req.params.id), {
        ...form.value,
        sectionId: null,
        parentId: Number(req.params.commentId),
        language: req.lang,
      });
      if (!result.ok) {
        if (result.reason === "not_open")
          return sendReply(
            req,
            reply,
            {
              values,
              errors: { body: `${E}.notOpen.${result.stage === "upcoming" ? "upcoming" : "closed"}` },
            },
            422,
          );
        return notFound(req, reply);
      }
      return reply.redirect(
        `${consultationPath(Number(req.params.id))}?done=commented#comment-${result.id}`,
        303,
      );
    },
  );

  app.post<CommentParams>(
    "/consultations/:id/comments/:commentId/support",
    { config: { rateLimit: { max: 60, timeWindow: 60_000 }, ...ofConsultation } },
    async (req, reply) => {
      if (!ID.test(req.params.id) || !COMMENT_ID.test(req.params.commentId)) return notFound(req, reply);
      if (!(await citizen(req, reply))) return reply;
      const result = await supportComment(
        citizenDeps(req),
        Number(req.params.id),
        Number(req.params.commentId),
      );
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        const key = result.reason === "already_supported" ? `${E}.alreadySupported` : `${E}.supportNotOpen`;
        return sendDetail(req, reply, { values: {}, errors: { form: key } }, 422);
      }
      return reply.redirect(
        `${consultationPath(Number(req.params.id))}?done=supported#comment-${req.params.commentId}`,
        303,
      );
    },
  );

  app.get<CommentParams>(
    "/consultations/:id/comments/:commentId/report",
    { config: ofConsultation },
    async (req, reply) => {
      if (!(await citizen(req, reply))) return reply;
      return sendAbuse(req, reply, EMPTY);
    },
  );

  app.post<CommentParams>(
    "/consultations/:id/comments/:commentId/report",
    { config: { rateLimit: { max: 30, timeWindow: 60_000 }, ...ofConsultation } },
    async (req, reply) => {
      if (!(await citizen(req, reply))) return reply;
      if (!can(req.actor, "comment.report_abuse")) return notFound(req, reply);
      const values = { reason: typed(req.body, "reason") };
      const form = check(abuseForm, req.body);
      if (!form.ok) return sendAbuse(req, reply, { values, errors: form.errors }, 422);
      if (!ID.test(req.params.id) || !COMMENT_ID.test(req.params.commentId)) return notFound(req, reply);
      const result = await reportComment(
        citizenDeps(req),
        Number(req.params.id),
        Number(req.params.commentId),
        form.value.reason,
      );
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        return sendAbuse(req, reply, { values, errors: { reason: `${E}.alreadyReported` } }, 422);
      }
      return reply.redirect(
        `${consultationPath(Number(req.params.id))}?done=reported#comment-${req.params.commentId}`,
        303,
      );
    },
  );

  for (const [path, follow] of [
    ["follow", true],
    ["unfollow", false],
  ] as const) {
    app.post<IdParams>(`/consultations/:id/${path}`, { config: ofConsultation }, async (req, reply) => {
      if (!ID.test(req.params.id)) return notFound(req, reply);
      if (!(await citizen(req, reply))) return reply;
      if (!(await setFollowing(citizenDeps(req), Number(req.params.id), follow))) return notFound(req, reply);
      return reply.redirect(
        `${consultationPath(Number(req.params.id))}?done=${follow ? "followed" : "unfollowed"}`,
        303,
      );
    });
  }

  // ── Documents: downloads only, never shown inline, only of a consultation the requester may see.

  app.get<{ Params: { id: string; docId: string } }>(
    "/consultations/:id/documents/:docId",
    async (req, reply) => {
      const found = await visible(req, req.params.id);
      if (!found || !DOC_ID.test(req.params.docId)) return notFound(req, reply);
      const doc = (await documentsOf(db, found.c.id)).find((d) => d.id === req.params.docId);
      if (!doc) return notFound(req, reply);
      const object = await store.get(doc.storageKey);
      if (!object) {
        req.log.warn({ document: doc.id }, "consultation document missing from the store");
        return notFound(req, reply);
      }
      const name = doc.fileName.toLowerCase().endsWith(".pdf") ? doc.fileName : `${doc.fileName}.pdf`;
      reply.headers({
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${asciiName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": found.c.publishedAt ? "public, max-age=300" : "private, no-store",
      });
      if (object.size !== undefined) reply.header("content-length", object.size);
      return reply.send(object.body);
    },
  );

  // ── The report, as a page and as open data (anonymised: no email, no account).

  async function reported(req: FastifyRequest<IdParams>) {
    const found = await visible(req, req.params.id);
    if (!found?.c.reportPublishedAt) return undefined;
    const data = await reportData(db, found.c, (n) => req.t(`${K}.report.participant`, { n }));
    return { ...found, ...data };
  }

  app.get<IdParams>(
    "/consultations/:id/report",
    { config: { page: { sample: "/consultations/2/report" }, publicCache: true, ...ofConsultation } },
    async (req, reply) => {
      const r = await reported(req);
      if (!r) return notFound(req, reply);
      return sendPage(
        reply,
        <ReportPage
          ctx={pageContext(req, reply)}
          municipality={r.m}
          c={r.c}
          sections={r.sections}
          comments={r.comments}
          totals={r.totals}
        />,
      );
    },
  );

  const REPORT_FIELDS = [
    "comment_id",
    "reply_to",
    "section",
    "author",
    "language",
    "body",
    "supports",
    "disposition",
    "reason",
    // Last, so that files read by column position keep their columns.
    "reply_to_hidden",
  ] as const;

  const reportRows = (r: NonNullable<Awaited<ReturnType<typeof reported>>>, lang: FastifyRequest["lang"]) =>
    r.comments.map((k) => ({
      comment_id: k.id,
      reply_to: k.parentId,
      section: k.sectionId
        ? localized(r.sections.find((s) => s.id === k.sectionId)?.heading ?? { sq: "", sr: "" }, lang)
        : null,
      author: k.author,
      language: k.language,
      body: k.body,
      supports: k.supportCount,
      disposition: k.disposition,
      reason: k.reason,
      reply_to_hidden: k.parentHidden,
    }));

  app.get<IdParams>("/consultations/:id/report.csv", async (req, reply) => {
    const r = await reported(req);
    if (!r) return notFound(req, reply);
    const rows = reportRows(r, req.lang);
    const text =
      csvLine([...REPORT_FIELDS]) +
      rows.map((row) => csvLine(REPORT_FIELDS.map((f) => (row[f] === null ? "" : String(row[f]))))).join("");
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="consultation-${r.c.id}-report.csv"`)
      .header("x-content-type-options", "nosniff")
      .send(text);
  });

  app.get<IdParams>("/consultations/:id/report.json", async (req, reply) => {
    const r = await reported(req);
    if (!r) return notFound(req, reply);
    return reply
      .type("application/json; charset=utf-8")
      .header("x-content-type-options", "nosniff")
      .send({
        consultation: {
          id: r.c.id,
          municipality: r.m.slug,
          kind: r.c.kind,
          title: r.c.title,
          opensOn: r.c.opensOn,
          closesOn: r.c.closesOn,
          reportPublishedAt: r.c.reportPublishedAt?.toISOString(),
          summary: r.c.reportSummary,
        },
        sections: r.sections.map((s) => ({ id: s.id, position: s.position, heading: s.heading })),
        totals: r.totals,
        comments: r.comments.map((k) => ({
          id: k.id,
          replyTo: k.parentId,
          replyToHidden: k.parentHidden,
          sectionId: k.sectionId,
          author: k.author,
          language: k.language,
          body: k.body,
          supports: k.supportCount,
          disposition: k.disposition,
          reason: k.reason,
        })),
      });
  });
}
