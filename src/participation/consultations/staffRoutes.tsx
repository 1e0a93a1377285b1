// The coordinator's consultation pages under /m/:slug/participation: the list, the details form, sections
// while a draft, documents (added at any stage, removed only from a draft), publishing, moderation,
// dispositions and the report. Each route reads top to bottom: who is asking (the policy table, on the
// municipality), validate, the command, then 303 with a notice, or the form again (422) with what was
// typed and the problems at the fields.
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { type Action, can } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import { localDateOf } from "../../calendar/zone.ts";
import { photoStoreOf } from "../../cases/photos/storage.ts";
import { municipalities } from "../../db/schema.ts";
import { localized } from "../../kernel/localized.ts";
import { sendPage } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import { type FieldErrors, typed } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { participationSettingsFor } from "../settings.ts";
import { check, isUpload } from "./consultationRoutes.tsx";
import { missingDispositions, publishReport, saveDispositions } from "./dispositions.ts";
import {
  addDocument,
  addSection,
  type ManageDeps,
  moveSection,
  ownConsultation,
  publishConsultation,
  removeDocument,
  removeSection,
  saveConsultation,
  sections,
  updateSection,
} from "./manageConsultation.ts";
import {
  CONSULTATION_KINDS,
  type ConsultationRow,
  type DateProblem,
  DISPOSITIONS,
  type Disposition,
  dateProblems,
  isLocalDate,
  moderationPath,
  staffListPath,
  staffPath,
  stageOf,
} from "./model.ts";
import { dismissReports, hiddenComments, hideComment, moderationQueue, unhideComment } from "./moderate.ts";
import { departmentsOf, dispositionRows, documentsOf, staffList } from "./queries.ts";
import {
  ConsultationFormPage,
  DETAIL_FIELDS,
  DispositionsPage,
  ManagePage,
  ModerationPage,
  SECTION_FIELDS,
  SectionFormPage,
  StaffListPage,
} from "./staffPages.tsx";
import { K, type Values } from "./ui.tsx";

const withoutNul = (s: string) => s.replaceAll("\u0000", "\uFFFD");

type Municipality = { id: number; slug: string; name: string };
type Form = { values: Values; errors: FieldErrors };
const EMPTY: Form = { values: {}, errors: {} };
const E = `${K}.errors`;
const DONE = new Set([
  "created",
  "saved",
  "section_saved",
  "section_removed",
  "section_moved",
  "document_added",
  "document_removed",
  "published",
  "hidden",
  "unhidden",
  "dismissed",
  "dispositions_saved",
  "report_published",
  "locked_by_report",
]);

const localizedText = (base: string, max: number) => ({
  [`${base}Sq`]: textField(max, `${E}.${base}SqRequired`, `${E}.tooLong`),
  [`${base}Sr`]: textField(max, `${E}.${base}SrRequired`, `${E}.tooLong`),
  [`${base}En`]: textField(max, undefined, `${E}.tooLong`),
});
const dateField = (required: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: required });
      else if (!isLocalDate(s)) ctx.addIssue({ code: "custom", message: `${E}.dateFormat` });
    });
const detailsForm = z.object({
  kind: z.enum(CONSULTATION_KINDS, { error: `${E}.kindRequired` }),
  ...localizedText("title", 300),
  ...localizedText("summary", 5000),
  departmentId: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => /^(\d{1,9})?$/.test(s), `${E}.departmentUnknown`)
    .transform((s) => (s ? Number(s) : null)),
  opensOn: dateField(`${E}.opensOnRequired`),
  closesOn: dateField(`${E}.closesOnRequired`),
});
const sectionForm = z.object({ ...localizedText("heading", 300), ...localizedText("body", 20_000) });
const reportForm = z.object(localizedText("summary", 5000));
const hideReason = textField(1000, `${E}.hideReasonRequired`, `${E}.reasonTooLong`);

const textOf = (v: Record<string, string>, base: string) => ({
  sq: v[`${base}Sq`]!,
  sr: v[`${base}Sr`]!,
  ...(v[`${base}En`] ? { en: v[`${base}En`] } : {}),
});
const valuesOf = (body: unknown, fields: readonly string[]): Values =>
  Object.fromEntries(fields.map((f) => [f, typed(body, f)]));
const valuesFromRow = (c: ConsultationRow): Values => ({
  kind: c.kind,
  titleSq: c.title.sq,
  titleSr: c.title.sr,
  titleEn: c.title.en ?? "",
  summarySq: c.summary.sq,
  summarySr: c.summary.sr,
  summaryEn: c.summary.en ?? "",
  departmentId: c.departmentId ? String(c.departmentId) : "",
  opensOn: c.opensOn,
  closesOn: c.closesOn,
});

const dateError = (problem: DateProblem, minDays: number): FieldErrors => ({
  [problem.field]: [`${E}.dates.${problem.reason}`, { count: minDays }],
});

const ID = /^\d{1,9}$/;
const BIG_ID = /^\d{1,15}$/;

export async function staffRoutes(app: FastifyInstance) {
  const { database, clock, profile, config } = app.deps;
  const db = database.db;
  const store = photoStoreOf(app.deps);
  const timeZone = profile.timeZone;
  const today = () => localDateOf(clock.now(), timeZone);

  type P = { Params: { slug: string; id: string; sectionId: string; docId: string; commentId: string } };
  type Req = FastifyRequest<P>;

  /** The municipality when the actor may take `action` there; otherwise answered (log in, or not found). */
  async function guard(
    req: Req,
    reply: FastifyReply,
    action: Action | Action[],
  ): Promise<Municipality | undefined> {
    const [m] = await db.select().from(municipalities).where(eq(municipalities.slug, req.params.slug));
    if (!m?.active) return void (await notFound(req, reply));
    if (!req.user) {
      const next = req.method === "GET" ? req.url : staffListPath(m.slug);
      return void (await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303));
    }
    const actions = Array.isArray(action) ? action : [action];
    if (!actions.some((a) => can(req.actor, a, { municipalityId: m.id })))
      return void (await notFound(req, reply));
    return { id: m.id, slug: m.slug, name: localized(m.name, req.lang) };
  }

  /** The municipality and its consultation named in the path. */
  async function guarded(req: Req, reply: FastifyReply, action: Action | Action[]) {
    const m = await guard(req, reply, action);
    if (!m) return undefined;
    const c = ID.test(req.params.id) ? await ownConsultation(db, m.id, Number(req.params.id)) : undefined;
    if (!c) return void (await notFound(req, reply));
    return { m, c };
  }

  const deps = (req: FastifyRequest, m: Municipality): ManageDeps => ({
    db,
    now: clock.now(),
    timeZone,
    actorId: req.user!.id,
    municipalityId: m.id,
  });
  const notifyCtx = () => ({ now: clock.now(), baseUrl: baseUrl(config) });
  const frame = (req: FastifyRequest, reply: FastifyReply, m: Municipality, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return {
      ctx: pageContext(req, reply),
      municipality: { name: m.name, slug: m.slug },
      notice:
        status === 200 && typeof done === "string" && DONE.has(done) ? req.t(`${K}.done.${done}`) : undefined,
    };
  };

  // ── The list.

  app.get<P>(
    "/m/:slug/participation/consultations",
    {
      config: { page: { sample: "/m/prishtine/participation/consultations", as: "koordinatori.prishtine" } },
    },
    async (req, reply) => {
      const m = await guard(req, reply, ["consultation.manage", "consultation.disposition"]);
      if (!m) return reply;
      const day = today();
      const rows = (await staffList(db, m.id)).map((r) => ({ ...r, stage: stageOf(r, day) }));
      return sendPage(reply, <StaffListPage {...frame(req, reply, m, 200)} rows={rows} today={day} />);
    },
  );

  // ── The details form: new, and edit.

  async function sendDetails(
    req: Req,
    reply: FastifyReply,
    m: Municipality,
    id: number | undefined,
    form: Form,
    status = 200,
  ) {
    const [list, settings] = await Promise.all([departmentsOf(db, m.id), participationSettingsFor(db, m.id)]);
    return sendPage(
      reply,
      <ConsultationFormPage
        {...frame(req, reply, m, status)}
        id={id}
        departments={list}
        minDays={settings.consultationMinDays}
        form={form}
      />,
      status,
    );
  }

  app.get<P>(
    "/m/:slug/participation/consultations/new",
    {
      config: {
        page: { sample: "/m/prishtine/participation/consultations/new", as: "koordinatori.prishtine" },
      },
    },
    async (req, reply) => {
      const m = await guard(req, reply, "consultation.manage");
      if (!m) return reply;
      return sendDetails(req, reply, m, undefined, EMPTY);
    },
  );

  async function postDetails(req: Req, reply: FastifyReply, found: { m: Municipality; c?: ConsultationRow }) {
    const { m } = found;
    const id = found.c?.id;
    const values = valuesOf(req.body, DETAIL_FIELDS);
    const form = check(detailsForm, req.body);
    // Every problem at once: the fields' own, the department, and the period's rules whenever both dates
    // are real dates (saving checks the period again, under the consultation's lock).
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    const department = (values.departmentId ?? "").trim();
    if (!errors.departmentId && department !== "") {
      if (!(await departmentsOf(db, m.id)).some((d) => String(d.id) === department))
        errors.departmentId = `${E}.departmentUnknown`;
    }
    const opensOn = (values.opensOn ?? "").trim();
    const closesOn = (values.closesOn ?? "").trim();
    if (isLocalDate(opensOn) && isLocalDate(closesOn)) {
      const { consultationMinDays } = await participationSettingsFor(db, m.id);
      for (const problem of dateProblems({ opensOn, closesOn }, found.c, today(), consultationMinDays))
        errors[problem.field] ??= dateError(problem, consultationMinDays)[problem.field]!;
    }
    if (!form.ok || Object.keys(errors).length > 0)
      return sendDetails(req, reply, m, id, { values, errors }, 422);
    const v = form.value as z.infer<typeof detailsForm> & Record<string, string>;
    const result = await saveConsultation(deps(req, m), id, {
      kind: v.kind,
      title: textOf(v, "title"),
      summary: textOf(v, "summary"),
      departmentId: v.departmentId,
      opensOn: v.opensOn,
      closesOn: v.closesOn,
    });
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      return sendDetails(
        req,
        reply,
        m,
        id,
        { values, errors: dateError(result.problem, result.minDays) },
        422,
      );
    }
    return reply.redirect(`${staffPath(m.slug, result.id)}?done=${id ? "saved" : "created"}`, 303);
  }

  app.post<P>("/m/:slug/participation/consultations/new", async (req, reply) => {
    const m = await guard(req, reply, "consultation.manage");
    if (!m) return reply;
    return postDetails(req, reply, { m });
  });

  app.get<P>(
    "/m/:slug/participation/consultations/:id/edit",
    {
      config: {
        page: { sample: "/m/prishtine/participation/consultations/1/edit", as: "koordinatori.prishtine" },
      },
    },
    async (req, reply) => {
      const found = await guarded(req, reply, "consultation.manage");
      if (!found) return reply;
      return sendDetails(req, reply, found.m, found.c.id, { values: valuesFromRow(found.c), errors: {} });
    },
  );

  app.post<P>("/m/:slug/participation/consultations/:id/edit", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    return postDetails(req, reply, found);
  });

  // ── One consultation to manage.

  async function sendManage(
    req: Req,
    reply: FastifyReply,
    found: { m: Municipality; c: ConsultationRow },
    forms: { upload?: Form; publish?: Form } = {},
    status = 200,
  ) {
    const { m, c } = found;
    const day = today();
    const [list, docs, comments, missing] = await Promise.all([
      sections(db, c.id),
      documentsOf(db, c.id),
      dispositionRows(db, c.id),
      missingDispositions(db, c.id),
    ]);
    return sendPage(
      reply,
      <ManagePage
        {...frame(req, reply, m, status)}
        c={c}
        stage={stageOf(c, day)}
        today={day}
        sections={list}
        documents={docs}
        comments={comments.length}
        missing={missing}
        canManage={can(req.actor, "consultation.manage", { municipalityId: m.id })}
        canDispose={can(req.actor, "consultation.disposition", { municipalityId: m.id })}
        upload={forms.upload ?? EMPTY}
        publish={forms.publish ?? EMPTY}
      />,
      status,
    );
  }

  app.get<P>(
    "/m/:slug/participation/consultations/:id",
    {
      config: {
        page: { sample: "/m/prishtine/participation/consultations/1", as: "koordinatori.prishtine" },
      },
    },
    async (req, reply) => {
      const found = await guarded(req, reply, ["consultation.manage", "consultation.disposition"]);
      if (!found) return reply;
      return sendManage(req, reply, found);
    },
  );

  const draftRefusal = (
    req: Req,
    reply: FastifyReply,
    found: { m: Municipality; c: ConsultationRow },
    reason: string,
    which: "upload" | "publish",
  ) =>
    reason === "not_found"
      ? notFound(req, reply)
      : sendManage(
          req,
          reply,
          { ...found },
          { [which]: { values: {}, errors: { form: `${E}.notDraft` } } },
          422,
        );

  // Sections.
  async function sendSection(
    req: Req,
    reply: FastifyReply,
    found: { m: Municipality; c: ConsultationRow },
    sectionId: number | undefined,
    form: Form,
    status = 200,
  ) {
    return sendPage(
      reply,
      <SectionFormPage
        {...frame(req, reply, found.m, status)}
        c={found.c}
        sectionId={sectionId}
        form={form}
      />,
      status,
    );
  }

  app.get<P>("/m/:slug/participation/consultations/:id/sections/new", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    return sendSection(req, reply, found, undefined, EMPTY);
  });

  app.get<P>("/m/:slug/participation/consultations/:id/sections/:sectionId", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    const s = (await sections(db, found.c.id)).find((x) => String(x.id) === req.params.sectionId);
    if (!s) return notFound(req, reply);
    const values: Values = {
      headingSq: s.heading.sq,
      headingSr: s.heading.sr,
      headingEn: s.heading.en ?? "",
      bodySq: s.body.sq,
      bodySr: s.body.sr,
      bodyEn: s.body.en ?? "",
    };
    return sendSection(req, reply, found, s.id, { values, errors: {} });
  });

  for (const path of ["new", ":sectionId"] as const) {
    app.post<P>(`/m/:slug/participation/consultations/:id/sections/${path}`, async (req, reply) => {
      const found = await guarded(req, reply, "consultation.manage");
      if (!found) return reply;
      const sectionId =
        path === "new" ? undefined : ID.test(req.params.sectionId) ? Number(req.params.sectionId) : -1;
      if (sectionId === -1) return notFound(req, reply);
      const values = valuesOf(req.body, SECTION_FIELDS);
      const form = check(sectionForm, req.body);
      if (!form.ok) return sendSection(req, reply, found, sectionId, { values, errors: form.errors }, 422);
      const v = form.value as Record<string, string>;
      const s = { heading: textOf(v, "heading"), body: textOf(v, "body") };
      const result =
        sectionId === undefined
          ? await addSection(deps(req, found.m), found.c.id, s)
          : await updateSection(deps(req, found.m), found.c.id, sectionId, s);
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        return sendSection(req, reply, found, sectionId, { values, errors: { form: `${E}.notDraft` } }, 422);
      }
      return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=section_saved`, 303);
    });
  }

  app.post<P>("/m/:slug/participation/consultations/:id/sections/:sectionId/move", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    const direction = typed(req.body, "direction");
    if (!ID.test(req.params.sectionId) || (direction !== "up" && direction !== "down"))
      return sendError(req, reply, 400, "bad_request");
    const result = await moveSection(deps(req, found.m), found.c.id, Number(req.params.sectionId), direction);
    if (!result.ok) return draftRefusal(req, reply, found, result.reason, "publish");
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=section_moved`, 303);
  });

  app.post<P>("/m/:slug/participation/consultations/:id/sections/:sectionId/remove", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    if (!ID.test(req.params.sectionId)) return notFound(req, reply);
    const result = await removeSection(deps(req, found.m), found.c.id, Number(req.params.sectionId));
    if (!result.ok) return draftRefusal(req, reply, found, result.reason, "publish");
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=section_removed`, 303);
  });

  // Documents.
  app.post<P>(
    "/m/:slug/participation/consultations/:id/documents",
    {
      // A body that says it is longer than one document and the form is refused before it is read.
      onRequest: async (req, reply) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > 20 * 1024 * 1024 + 64 * 1024)
          return sendError(req, reply, 413, "upload_too_large");
      },
    },
    async (req, reply) => {
      const found = await guarded(req, reply, "consultation.manage");
      if (!found) return reply;
      if (!req.isMultipart()) return sendError(req, reply, 415, "unsupported_media_type");
      // Multipart fields skip the form parser that turns a NUL (PostgreSQL cannot store it) into U+FFFD:
      // done here, as every other form does (src/web/formValues.ts); a NUL answered 500.
      const body = (req.body ?? {}) as Record<string, unknown>;
      const sentTitle = typeof body.title === "string" ? withoutNul(body.title) : body.title;
      const values = { title: typeof sentTitle === "string" ? sentTitle.slice(0, 300) : "" };
      const title = textField(300, `${E}.documentTitleRequired`, `${E}.tooLong`).safeParse(sentTitle);
      const upload = Object.values(body).find(isUpload);
      const errors: FieldErrors = {};
      if (!title.success) errors.title = title.error.issues[0]!.message;
      if (!upload || (upload.bytes.length === 0 && !upload.truncated)) errors.file = `${E}.fileRequired`;
      else if (upload.truncated)
        return sendManage(
          req,
          reply,
          found,
          { upload: { values, errors: { file: `${E}.fileTooLarge` } } },
          413,
        );
      if (Object.keys(errors).length > 0)
        return sendManage(req, reply, found, { upload: { values, errors } }, 422);
      const result = await addDocument(deps(req, found.m), store, found.c.id, {
        title: title.data!,
        fileName: withoutNul(upload!.fileName || "document.pdf"),
        bytes: upload!.bytes,
      });
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        const key = { not_pdf: "fileNotPdf", too_large: "fileTooLarge" }[result.reason];
        return sendManage(
          req,
          reply,
          found,
          { upload: { values, errors: { file: `${E}.${key}` } } },
          result.reason === "too_large" ? 413 : 422,
        );
      }
      return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=document_added`, 303);
    },
  );

  app.post<P>("/m/:slug/participation/consultations/:id/documents/:docId/remove", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    if (!/^[0-9a-f-]{36}$/.test(req.params.docId)) return notFound(req, reply);
    const result = await removeDocument(deps(req, found.m), store, found.c.id, req.params.docId);
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      // Published documents are part of the record: a form left open in another tab is refused.
      return sendManage(
        req,
        reply,
        found,
        { upload: { values: {}, errors: { form: `${E}.documentKept` } } },
        422,
      );
    }
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=document_removed`, 303);
  });

  app.post<P>("/m/:slug/participation/consultations/:id/publish", async (req, reply) => {
    const found = await guarded(req, reply, "consultation.manage");
    if (!found) return reply;
    const result = await publishConsultation(deps(req, found.m), found.c.id);
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      const errors: FieldErrors =
        result.reason === "dates"
          ? { form: [`${E}.publish.dates.${result.problem.reason}`, { count: result.minDays }] }
          : { form: `${E}.publish.${result.reason}` };
      return sendManage(req, reply, found, { publish: { values: {}, errors } }, 422);
    }
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=published`, 303);
  });

  // ── Moderation.

  async function sendModeration(
    req: Req,
    reply: FastifyReply,
    m: Municipality,
    form: Form & { commentId?: number },
    status = 200,
  ) {
    const [queue, hidden] = await Promise.all([moderationQueue(db, m.id), hiddenComments(db, m.id)]);
    return sendPage(
      reply,
      <ModerationPage {...frame(req, reply, m, status)} queue={queue} hidden={hidden} form={form} />,
      status,
    );
  }

  app.get<P>(
    "/m/:slug/participation/moderation",
    { config: { page: { sample: "/m/prishtine/participation/moderation", as: "koordinatori.prishtine" } } },
    async (req, reply) => {
      const m = await guard(req, reply, "consultation.moderate");
      if (!m) return reply;
      return sendModeration(req, reply, m, EMPTY);
    },
  );

  const moderationDeps = (req: FastifyRequest, m: Municipality) => ({
    db,
    now: clock.now(),
    actorId: req.user!.id,
    municipalityId: m.id,
    notify: notifyCtx(),
  });

  app.post<P>("/m/:slug/participation/comments/:commentId/hide", async (req, reply) => {
    const m = await guard(req, reply, "consultation.moderate");
    if (!m) return reply;
    if (!BIG_ID.test(req.params.commentId)) return notFound(req, reply);
    const commentId = Number(req.params.commentId);
    const field = `reason-${commentId}`;
    const reason = hideReason.safeParse(typed(req.body, field));
    if (!reason.success)
      return sendModeration(
        req,
        reply,
        m,
        {
          commentId,
          values: { reason: typed(req.body, field) },
          errors: { [field]: reason.error.issues[0]!.message },
        },
        422,
      );
    const result = await hideComment(moderationDeps(req, m), commentId, reason.data);
    if (!result.ok && result.reason === "report_published")
      return reply.redirect(`${moderationPath(m.slug)}?done=locked_by_report`, 303);
    if (!result.ok) return notFound(req, reply);
    return reply.redirect(`${moderationPath(m.slug)}?done=hidden`, 303);
  });

  for (const [path, command, done] of [
    ["unhide", unhideComment, "unhidden"],
    ["dismiss", dismissReports, "dismissed"],
  ] as const) {
    app.post<P>(`/m/:slug/participation/comments/:commentId/${path}`, async (req, reply) => {
      const m = await guard(req, reply, "consultation.moderate");
      if (!m) return reply;
      if (!BIG_ID.test(req.params.commentId)) return notFound(req, reply);
      const result = await command(moderationDeps(req, m), Number(req.params.commentId));
      if (!result.ok && result.reason === "report_published")
        return reply.redirect(`${moderationPath(m.slug)}?done=locked_by_report`, 303);
      if (!result.ok) return notFound(req, reply);
      return reply.redirect(`${moderationPath(m.slug)}?done=${done}`, 303);
    });
  }

  // ── Dispositions and the report.

  async function sendDispositions(
    req: Req,
    reply: FastifyReply,
    found: { m: Municipality; c: ConsultationRow },
    forms: { form?: Form; report?: Form } = {},
    status = 200,
  ) {
    const { m, c } = found;
    const [comments, list, missing] = await Promise.all([
      dispositionRows(db, c.id),
      sections(db, c.id),
      missingDispositions(db, c.id),
    ]);
    const saved: Values = {};
    for (const k of comments) {
      saved[`disposition-${k.id}`] = k.disposition ?? "";
      saved[`reason-${k.id}`] = k.dispositionReason ?? "";
    }
    const summary = c.reportSummary;
    return sendPage(
      reply,
      <DispositionsPage
        {...frame(req, reply, m, status)}
        c={c}
        stage={stageOf(c, today())}
        comments={comments}
        sectionNames={new Map(list.map((s) => [s.id, s.heading]))}
        missing={missing}
        form={forms.form ?? { values: saved, errors: {} }}
        report={
          forms.report ?? {
            values: {
              summarySq: summary?.sq ?? "",
              summarySr: summary?.sr ?? "",
              summaryEn: summary?.en ?? "",
            },
            errors: {},
          }
        }
      />,
      status,
    );
  }

  /** Dispositions are for a closed consultation: before, the page is not there. */
  async function closedOne(req: Req, reply: FastifyReply) {
    const found = await guarded(req, reply, "consultation.disposition");
    if (!found) return undefined;
    const stage = stageOf(found.c, today());
    if (stage !== "closed" && stage !== "reported") return void (await notFound(req, reply));
    return found;
  }

  app.get<P>(
    "/m/:slug/participation/consultations/:id/dispositions",
    {
      config: {
        page: {
          sample: "/m/prishtine/participation/consultations/2/dispositions",
          as: "koordinatori.prishtine",
        },
      },
    },
    async (req, reply) => {
      const found = await closedOne(req, reply);
      if (!found) return reply;
      return sendDispositions(req, reply, found);
    },
  );

  app.post<P>("/m/:slug/participation/consultations/:id/dispositions", async (req, reply) => {
    const found = await closedOne(req, reply);
    if (!found) return reply;
    const comments = await dispositionRows(db, found.c.id);
    const save = typed(req.body, "save");
    const chosen = save === "all" || save === "" ? comments : comments.filter((k) => String(k.id) === save);
    const values: Values = {};
    for (const k of comments) {
      values[`disposition-${k.id}`] = typed(req.body, `disposition-${k.id}`);
      values[`reason-${k.id}`] = typed(req.body, `reason-${k.id}`);
    }
    const errors: FieldErrors = {};
    const entries: { commentId: number; disposition: Disposition; reason: string }[] = [];
    for (const k of chosen) {
      const d = values[`disposition-${k.id}`]!;
      const reason = textField(2000, undefined, `${E}.reasonTooLong`).safeParse(values[`reason-${k.id}`]);
      if (!reason.success) {
        errors[`reason-${k.id}`] = [`${E}.dispositionReasonTooLong`, { n: k.id }];
        continue;
      }
      // Left blank, a comment waits; a disposition needs its reason, and a reason its disposition.
      if (d === "" && reason.data === "") continue;
      if (!(DISPOSITIONS as readonly string[]).includes(d))
        errors[`disposition-${k.id}`] = [`${E}.dispositionRequired`, { n: k.id }];
      else if (reason.data === "") errors[`reason-${k.id}`] = [`${E}.dispositionReasonRequired`, { n: k.id }];
      else entries.push({ commentId: k.id, disposition: d as Disposition, reason: reason.data });
    }
    if (Object.keys(errors).length > 0)
      return sendDispositions(req, reply, found, { form: { values, errors } }, 422);
    const result = await saveDispositions(
      { ...deps(req, found.m), notify: notifyCtx() },
      found.c.id,
      entries,
    );
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      return sendDispositions(
        req,
        reply,
        found,
        { form: { values, errors: { form: `${E}.report.${result.reason}` } } },
        422,
      );
    }
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}/dispositions?done=dispositions_saved`, 303);
  });

  app.post<P>("/m/:slug/participation/consultations/:id/report", async (req, reply) => {
    const found = await closedOne(req, reply);
    if (!found) return reply;
    const values = valuesOf(req.body, ["summarySq", "summarySr", "summaryEn"]);
    const form = check(reportForm, req.body);
    if (!form.ok)
      return sendDispositions(req, reply, found, { report: { values, errors: form.errors } }, 422);
    const result = await publishReport(
      { ...deps(req, found.m), notify: notifyCtx() },
      found.c.id,
      textOf(form.value as Record<string, string>, "summary"),
    );
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      const error: FieldErrors[string] =
        result.reason === "missing_dispositions"
          ? [`${E}.report.missing_dispositions`, { count: result.missing }]
          : `${E}.report.${result.reason}`;
      return sendDispositions(req, reply, found, { report: { values, errors: { form: error } } }, 422);
    }
    return reply.redirect(`${staffPath(found.m.slug, found.c.id)}?done=report_published`, 303);
  });
}
