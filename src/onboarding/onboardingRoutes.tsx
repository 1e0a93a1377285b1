// Onboarding municipalities (issue 9): the pilot flag, staff imported from CSV, categories and languages, and the checklist before going live.
// Each route reads top to bottom: who is asking (access.ts, on the municipality), validate, the command,
// then 303 with a notice or the page again (422) with what was typed. A refusal answers as not found, as
// the other set-up pages do (errors.tsx): it says nothing about what exists.
import multipart, { type MultipartFile } from "@fastify/multipart";
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../access/policy.ts";
import { baseUrl } from "../app.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import { departments, municipalities } from "../db/schema.ts";
import type { IdentityDeps } from "../identity/commands/deps.ts";
import { ALL_LANGUAGES } from "../kernel/i18n.ts";
import { htmlLang, localized } from "../kernel/localized.ts";
import { sendPage } from "../web/context.ts";
import { notFound, sendError } from "../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { textField } from "../web/textField.ts";
import { mayChooseCategories, mayConfigure, mayImportStaff, mayOnboard } from "./access.ts";
import { checklistOf, type ItemId, loadSetups, progressOf } from "./checklist.ts";
import { chooseCategories, nationalCategoriesOf, openCasesByCategory } from "./chooseCategories.ts";
import {
  chooseLanguages,
  OPTIONAL_LANGUAGES,
  type OptionalLanguage,
  requiredByLaw,
} from "./chooseLanguages.ts";
import type { OnboardingDeps } from "./deps.ts";
import { goLive, takeOffline } from "./goLive.ts";
import { ImportPage, PreviewPage } from "./importPages.tsx";
import { importStaff, previewStaffImport } from "./importStaff.ts";
import {
  CategoriesPage,
  ChecklistPage,
  type Frame,
  type ItemLinks,
  joinNames,
  K,
  LanguagesPage,
  MINISTRY_PATH,
  MinistryOnboardingPage,
  type MunicipalityRow,
  onboardingPath,
  SORTS,
} from "./onboardingPages.tsx";
import { setPilot } from "./setPilot.ts";
import { decodeUpload, type FileProblem, MAX_CHARACTERS } from "./staffCsv.ts";

type Municipality = typeof municipalities.$inferSelect;
type SlugParams = { Params: { slug: string } };

/** What a redirect after a change may announce (`?done=`), each a catalog key under onboarding.done. */
const DONE = new Set([
  "went_live",
  "went_offline",
  "pilot_joined",
  "pilot_left",
  "staff_imported",
  "categories_saved",
  "languages_saved",
]);

const E = `${K}.errors`;
const reason = textField(1000, `${E}.reasonRequired`, `${E}.reasonTooLong`);
const liveForm = z.object({ liveReason: reason });
const pilotForm = z.object({
  pilot: z.enum(["yes", "no"], { error: "validation.invalid" }),
  pilotReason: reason,
});
const sortQuery = z.object({ sort: z.enum(SORTS, { error: `${E}.sort` }).optional() });

/** A list of values from a form: one checkbox sends a string, several an array, none nothing. */
const listOf = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];

/** The largest upload read: a list at the character limit in two-byte letters, with room to spare. */
const MAX_UPLOAD_BYTES = 4 * MAX_CHARACTERS;
/** Marks the file part this plugin read: no form a client sends can carry a Symbol. */
const UPLOAD = Symbol("upload");
interface Upload {
  [UPLOAD]: true;
  bytes: Buffer;
  truncated: boolean;
}
const isUpload = (v: unknown): v is Upload =>
  typeof v === "object" &&
  v !== null &&
  (v as Upload)[UPLOAD] === true &&
  Buffer.isBuffer((v as Upload).bytes);

/** A whole list's problem, as the message at the paste field. */
function fileError(problem: FileProblem): FieldErrors[string] {
  const key = `${K}.import.fileProblems.${problem.code}`;
  if (problem.code === "unclosed_quote") return [key, { line: problem.line }];
  if (problem.code === "missing_columns") return [key, { columns: problem.columns.join(", ") }];
  return key;
}

/** PostgreSQL stores no NUL, and a page shows none: as the form parser does, it becomes U+FFFD. */
const withoutNul = (s: string) => s.replaceAll("\u0000", "\uFFFD");

export async function onboardingRoutes(app: FastifyInstance) {
  const { database, clock, config } = app.deps;
  const db = database.db;
  const deps = (req: FastifyRequest): OnboardingDeps => ({ db, now: clock.now(), ip: req.ip });
  const identityDeps = (): IdentityDeps => ({
    db,
    now: clock.now(),
    baseUrl: baseUrl(config),
    session: config.session,
    poke: app.deps.pokeOutbox,
  });

  // Multipart for this plugin's routes only (the staff list's upload). Fields and the file land in the body
  // before the app-wide CSRF check, which finds `_csrf` there as in any form; a file past the limit is cut
  // and marked.
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12, fieldSize: 4 * MAX_CHARACTERS },
    async onFile(part: MultipartFile) {
      const bytes = await part.toBuffer();
      const upload: Upload = { [UPLOAD]: true, bytes, truncated: part.file.truncated };
      (part as MultipartFile & { value?: unknown }).value = upload;
    },
  });

  // A bad sort answers 400 with the page in full; the browser suite visits that state too.
  const badSort = `${MINISTRY_PATH}?sort=size`;
  app.pageSamples.push(badSort);
  app.pages.push({ sample: badSort, as: "ministria", status: 400 });

  // ── Who is asking.

  const configures = (actor: FastifyRequest["actor"], m: Municipality) => mayConfigure(actor, m.id);
  const choosesCategories = (actor: FastifyRequest["actor"], m: Municipality) =>
    mayChooseCategories(actor, m.id);

  const toLogin = (req: FastifyRequest, reply: FastifyReply, fallback: string) =>
    reply.redirect(`/login?next=${encodeURIComponent(req.method === "GET" ? req.url : fallback)}`, 303);

  /**
   * The municipality of the page when `allowed` says the actor may act there; otherwise answered: log in
   * first, or not found.
   */
  async function municipalityFor(
    req: FastifyRequest<SlugParams>,
    reply: FastifyReply,
    allowed: (actor: FastifyRequest["actor"], m: Municipality) => boolean,
  ): Promise<Municipality | undefined> {
    const [m] = await db
      .select()
      .from(municipalities)
      .where(eq(municipalities.slug, req.params.slug))
      .limit(1);
    if (!m?.active) return void (await notFound(req, reply));
    if (!req.user) return void (await toLogin(req, reply, onboardingPath(m.slug)));
    if (!allowed(req.actor, m)) return void (await notFound(req, reply));
    return m;
  }

  function frame(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    status: number,
    toChecklist: boolean,
  ) {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    let notice: string | undefined;
    if (status === 200 && typeof done === "string" && DONE.has(done)) {
      const q = req.query as Record<string, unknown>;
      const n = (name: string) =>
        typeof q[name] === "string" && /^\d{1,5}$/.test(q[name]) ? Number(q[name]) : 0;
      notice = req.t(`${K}.done.${done}`, {
        invited: n("invited"),
        accounts: n("accounts"),
        unchanged: n("unchanged"),
      });
    }
    const back: Frame["back"] = toChecklist
      ? { href: onboardingPath(m.slug), label: req.t(`${K}.backToChecklist`) }
      : mayOnboard(req.actor)
        ? { href: MINISTRY_PATH, label: req.t(`${K}.backToList`) }
        : { href: `/m/${encodeURIComponent(m.slug)}/admin`, label: req.t(`${K}.backToSetup`) };
    return {
      ctx: pageContext(req, reply),
      municipality: { name: localized(m.name, req.lang), slug: m.slug },
      back,
      ...(notice ? { notice } : {}),
    };
  }
  const doneAt = (reply: FastifyReply, path: string, done: string, extra = "") =>
    reply.redirect(`${path}?done=${done}${extra}`, 303);

  // ── The ministry's list.

  app.get<{ Querystring: Record<string, unknown> }>(
    MINISTRY_PATH,
    { config: { page: { sample: MINISTRY_PATH, as: "ministria" } } },
    async (req, reply) => {
      if (!req.user) return toLogin(req, reply, MINISTRY_PATH);
      if (!mayOnboard(req.actor)) return notFound(req, reply);
      const query = validate(sortQuery, req.query);
      const sort = query.ok ? (query.value.sort ?? "name") : "name";
      const [ms, setups] = await Promise.all([
        db.select().from(municipalities).where(eq(municipalities.active, true)),
        loadSetups(db, clock.now()),
      ]);
      const collator = new Intl.Collator(htmlLang(req.lang));
      const rows: MunicipalityRow[] = ms.map((m) => {
        const progress = progressOf(checklistOf(setups.get(m.id)!));
        return {
          slug: m.slug,
          name: localized(m.name, req.lang),
          pilot: m.pilot,
          liveAt: m.liveAt,
          ...progress,
        };
      });
      const byName = (a: MunicipalityRow, b: MunicipalityRow) => collator.compare(a.name, b.name);
      // By progress: the furthest along first, as the ministry reads it for who is ready; ties by name.
      rows.sort(sort === "name" ? byName : (a, b) => b.done / b.total - a.done / a.total || byName(a, b));
      return sendPage(
        reply,
        <MinistryOnboardingPage
          ctx={pageContext(req, reply)}
          rows={rows}
          sort={sort}
          errors={query.ok ? {} : query.errors}
        />,
        query.ok ? 200 : 400,
      );
    },
  );

  // ── A municipality's checklist, going live and the pilot.

  /** Links to where each item is done, for the pages the viewer may open. */
  function linksFor(req: FastifyRequest, m: Municipality): ItemLinks {
    const subject = { municipalityId: m.id };
    const link = (href: string, key: string) => ({ href, label: req.t(`${K}.checklist.links.${key}`) });
    const admin = (rest: string) => `/m/${encodeURIComponent(m.slug)}/admin${rest}`;
    const staff: { href: string; label: string }[] = [];
    // The staff page invites one by one under the same rule (src/identity/web/staffRoutes.tsx).
    if (mayImportStaff(req.actor, m)) {
      staff.push(link(admin("/staff/import"), "staffImport"));
      staff.push(link(`/m/${encodeURIComponent(m.slug)}/staff`, "staffPage"));
    }
    const departmentsLinks = can(req.actor, "department.manage", subject)
      ? [link(admin("/departments"), "departments")]
      : [];
    return {
      departments: departmentsLinks,
      departmentStaff: [...departmentsLinks, ...staff],
      coordinator: staff,
      admin: staff,
      categories: mayChooseCategories(req.actor, m.id) ? [link(admin("/categories"), "categories")] : [],
      routing: can(req.actor, "routing.manage", subject) ? [link(admin("/routing"), "routing")] : [],
      languages: mayConfigure(req.actor, m.id) ? [link(admin("/languages"), "languages")] : [],
    };
  }

  async function sendChecklist(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    form: { values: Record<string, string>; errors: FieldErrors } = { values: {}, errors: {} },
    status = 200,
  ) {
    const [fresh] = await db.select().from(municipalities).where(eq(municipalities.id, m.id));
    const setup = (await loadSetups(db, clock.now(), [m.id])).get(m.id)!;
    return sendPage(
      reply,
      <ChecklistPage
        {...frame(req, reply, m, status, false)}
        errors={form.errors}
        values={form.values}
        items={checklistOf(setup)}
        links={linksFor(req, m)}
        pilot={fresh?.pilot ?? m.pilot}
        liveAt={fresh ? fresh.liveAt : m.liveAt}
        canSetPilot={mayOnboard(req.actor)}
      />,
      status,
    );
  }

  app.get<SlugParams>(
    "/m/:slug/admin/onboarding",
    { config: { page: { sample: "/m/prishtine/admin/onboarding", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, configures);
      if (!m) return reply;
      return sendChecklist(req, reply, m);
    },
  );

  /** The names of missing items, for the refusal to go live. */
  const missingNames = (req: FastifyRequest, missing: ItemId[]) =>
    joinNames(
      req.lang,
      missing.map((id) => req.t(`${K}.checklist.items.${id}.title`)),
    );

  app.post<SlugParams>("/m/:slug/admin/onboarding/live", async (req, reply) => {
    const m = await municipalityFor(req, reply, configures);
    if (!m) return reply;
    const values = { liveReason: typed(req.body, "liveReason") };
    const form = validate(liveForm, req.body);
    if (!form.ok) return sendChecklist(req, reply, m, { values, errors: form.errors }, 422);
    const result = await goLive(
      req.actor,
      { municipalityId: m.id, reason: form.value.liveReason },
      deps(req),
    );
    if (result.ok) return doneAt(reply, onboardingPath(m.slug), "went_live");
    if (result.reason === "not_allowed" || result.reason === "not_found") return notFound(req, reply);
    const errors: FieldErrors =
      result.reason === "incomplete"
        ? { live: [`${E}.incomplete`, { list: missingNames(req, result.missing) }] }
        : { live: `${E}.alreadyLive` };
    return sendChecklist(req, reply, m, { values, errors }, 422);
  });

  app.post<SlugParams>("/m/:slug/admin/onboarding/offline", async (req, reply) => {
    const m = await municipalityFor(req, reply, configures);
    if (!m) return reply;
    const values = { liveReason: typed(req.body, "liveReason") };
    const form = validate(liveForm, req.body);
    if (!form.ok) return sendChecklist(req, reply, m, { values, errors: form.errors }, 422);
    const result = await takeOffline(
      req.actor,
      { municipalityId: m.id, reason: form.value.liveReason },
      deps(req),
    );
    if (result.ok) return doneAt(reply, onboardingPath(m.slug), "went_offline");
    if (result.reason === "not_live")
      return sendChecklist(req, reply, m, { values, errors: { live: `${E}.notLive` } }, 422);
    return notFound(req, reply);
  });

  app.post<SlugParams>("/m/:slug/admin/onboarding/pilot", async (req, reply) => {
    const m = await municipalityFor(req, reply, (actor) => mayOnboard(actor));
    if (!m) return reply;
    const values = { pilotReason: typed(req.body, "pilotReason") };
    const form = validate(pilotForm, req.body);
    if (!form.ok) {
      // The flag comes from the page's own hidden field: anything else is not a form a person filled in.
      if (form.errors.pilot) return sendError(req, reply, 400, "bad_request");
      return sendChecklist(req, reply, m, { values, errors: form.errors }, 422);
    }
    const pilot = form.value.pilot === "yes";
    const result = await setPilot(
      req.actor,
      { municipalityId: m.id, pilot, reason: form.value.pilotReason },
      deps(req),
    );
    if (!result.ok) return notFound(req, reply);
    return doneAt(reply, onboardingPath(m.slug), pilot ? "pilot_joined" : "pilot_left");
  });

  // A form's address is no page: coming to it (the language switch on a form with errors) leads to the page.
  for (const rest of ["live", "offline", "pilot"]) {
    app.get<SlugParams>(`/m/:slug/admin/onboarding/${rest}`, async (req, reply) =>
      reply.redirect(onboardingPath(req.params.slug), 303),
    );
  }

  // ── Categories.

  async function sendCategories(req: FastifyRequest, reply: FastifyReply, m: Municipality, status = 200) {
    const [list, open] = await Promise.all([nationalCategoriesOf(db, m.id), openCasesByCategory(db, m.id)]);
    const collator = new Intl.Collator(htmlLang(req.lang));
    const groups = CASE_TYPES.map((type) => ({
      type,
      categories: list
        .filter((c) => c.category.type === type)
        .map((c) => ({
          id: c.category.id,
          type,
          name: localized(c.category.name, req.lang),
          enabled: c.enabled,
          open: open.get(c.category.id) ?? 0,
        }))
        .sort((a, b) => collator.compare(a.name, b.name)),
    })).filter((g) => g.categories.length > 0);
    return sendPage(
      reply,
      <CategoriesPage {...frame(req, reply, m, status, true)} groups={groups} />,
      status,
    );
  }

  app.get<SlugParams>(
    "/m/:slug/admin/categories",
    { config: { page: { sample: "/m/prishtine/admin/categories", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, choosesCategories);
      if (!m) return reply;
      return sendCategories(req, reply, m);
    },
  );

  app.post<SlugParams>("/m/:slug/admin/categories", async (req, reply) => {
    const m = await municipalityFor(req, reply, choosesCategories);
    if (!m) return reply;
    const raw = listOf((req.body as Record<string, unknown> | undefined)?.category);
    // Only the page's own checkboxes send ids: anything else is not a form a person filled in.
    if (raw.some((v) => !/^\d{1,9}$/.test(v))) return sendError(req, reply, 400, "bad_request");
    const result = await chooseCategories(
      req.actor,
      { municipalityId: m.id, enabledIds: raw.map(Number) },
      deps(req),
    );
    if (!result.ok) {
      if (result.reason === "unknown_category") return sendError(req, reply, 400, "bad_request");
      return notFound(req, reply);
    }
    return doneAt(reply, onboardingPath(m.slug, "/categories"), "categories_saved");
  });

  // ── Languages.

  app.get<SlugParams>(
    "/m/:slug/admin/languages",
    { config: { page: { sample: "/m/prizren/admin/languages", as: "operator" } } },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, configures);
      if (!m) return reply;
      return sendPage(
        reply,
        <LanguagesPage
          {...frame(req, reply, m, 200, true)}
          chosen={m.languages}
          withCatalog={ALL_LANGUAGES}
          byLaw={requiredByLaw(m.slug)}
        />,
      );
    },
  );

  app.post<SlugParams>("/m/:slug/admin/languages", async (req, reply) => {
    const m = await municipalityFor(req, reply, configures);
    if (!m) return reply;
    const raw = listOf((req.body as Record<string, unknown> | undefined)?.language);
    const known = (v: string): v is OptionalLanguage => (OPTIONAL_LANGUAGES as readonly string[]).includes(v);
    if (!raw.every(known)) return sendError(req, reply, 400, "bad_request");
    const result = await chooseLanguages(
      req.actor,
      { municipalityId: m.id, optional: raw.filter(known) },
      deps(req),
    );
    if (!result.ok) return notFound(req, reply);
    return doneAt(reply, onboardingPath(m.slug, "/languages"), "languages_saved");
  });

  // ── Staff from a CSV list.

  const IMPORT = "/m/:slug/admin/staff/import";

  async function departmentCodes(req: FastifyRequest, m: Municipality) {
    const rows = await db
      .select()
      .from(departments)
      .where(eq(departments.municipalityId, m.id))
      .orderBy(asc(departments.code));
    return rows.map((d) => ({ code: d.code, name: localized(d.name, req.lang) }));
  }

  async function sendImport(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    text: string,
    errors: FieldErrors,
    status: number,
  ) {
    return sendPage(
      reply,
      <ImportPage
        {...frame(req, reply, m, status, true)}
        errors={errors}
        departments={await departmentCodes(req, m)}
        text={text}
      />,
      status,
    );
  }

  /** The list's text as sent: the uploaded file when there is one, else what was pasted. */
  function sentText(body: Record<string, unknown>): { text: string } | { problem: string; text: string } {
    const pasted = typeof body.csv === "string" ? withoutNul(body.csv) : "";
    const upload = Object.values(body).find(isUpload);
    if (!upload || (upload.bytes.length === 0 && !upload.truncated)) return { text: pasted };
    if (upload.truncated) return { problem: `${K}.import.fileProblems.too_large`, text: pasted };
    const decoded = decodeUpload(upload.bytes);
    if (!decoded.ok) return { problem: `${K}.import.fileProblems.not_utf8`, text: pasted };
    return { text: withoutNul(decoded.text) };
  }

  app.get<SlugParams>(
    IMPORT,
    { config: { page: { sample: "/m/prishtine/admin/staff/import", as: "admin.prishtine" } } },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, mayImportStaff);
      if (!m) return reply;
      return sendImport(req, reply, m, "", {}, 200);
    },
  );

  app.post<SlugParams>(
    `${IMPORT}/preview`,
    {
      // A body that says it is far longer than any list is refused before it is read.
      onRequest: async (req, reply) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > 2 * MAX_UPLOAD_BYTES)
          return sendError(req, reply, 413, "upload_too_large");
      },
    },
    async (req, reply) => {
      const m = await municipalityFor(req, reply, mayImportStaff);
      if (!m) return reply;
      const sent = sentText((req.body ?? {}) as Record<string, unknown>);
      if ("problem" in sent) return sendImport(req, reply, m, sent.text, { file: sent.problem }, 422);
      const preview = await previewStaffImport(db, m.id, sent.text);
      if (!preview.ok) return sendImport(req, reply, m, sent.text, { csv: fileError(preview.problem) }, 422);
      return sendPage(
        reply,
        <PreviewPage
          {...frame(req, reply, m, 200, true)}
          rows={preview.rows}
          counts={preview.counts}
          text={sent.text}
        />,
        preview.counts.problems > 0 ? 422 : 200,
      );
    },
  );

  app.post<SlugParams>(IMPORT, async (req, reply) => {
    const m = await municipalityFor(req, reply, mayImportStaff);
    if (!m) return reply;
    // Not `typed`: that keeps the first 10,000 characters, and a list may be longer.
    const posted = (req.body as { csv?: unknown } | undefined)?.csv;
    const text = typeof posted === "string" ? withoutNul(posted) : "";
    const result = await importStaff(req.actor, { municipalityId: m.id, text }, identityDeps(), {
      ip: req.ip,
      userAgent: req.headers["user-agent"],
    });
    if (result.ok) {
      const c = result.counts;
      return doneAt(
        reply,
        onboardingPath(m.slug),
        "staff_imported",
        `&invited=${c.invite}&accounts=${c.invite_account}&unchanged=${c.unchanged}`,
      );
    }
    if (result.reason !== "invalid") return notFound(req, reply);
    // Something changed since the preview (or the text was not the preview's): what it does now, nothing applied.
    const { preview } = result;
    if (!preview.ok) return sendImport(req, reply, m, text, { csv: fileError(preview.problem) }, 422);
    return sendPage(
      reply,
      <PreviewPage
        {...frame(req, reply, m, 422, true)}
        rows={preview.rows}
        counts={preview.counts}
        text={text}
      />,
      422,
    );
  });

  app.get<SlugParams>(`${IMPORT}/preview`, async (req, reply) =>
    reply.redirect(onboardingPath(req.params.slug, "/staff/import"), 303),
  );
}
