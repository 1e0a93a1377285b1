// The submission journey: /m/:slug/submit asks what the person wants to do and starts a draft; then one
// question per page under /submit/:draft/… (category, extra questions, details, place, photos, contact), "check
// your answers", and the confirmation. Each POST reads top to bottom — open the draft, validate, store
// the answers in the draft, then redirect (303) to the next step or show the page again (422) with what
// was typed. "Send" calls submitCase with the draft's id as idempotency key: a double click, a refresh or
// a retry finds the same case.
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import type { LocalizedText } from "../../db/schema.ts";
import { type Language, offeredLanguages } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { municipalityPlace } from "../../web/map.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import { submitCase } from "../commands/submitCase.ts";
import { listDraftPhotos, MAX_PHOTOS_PER_DRAFT } from "../photos/photoCommands.ts";
import { isPhotoError } from "../photos/photoRoutes.ts";
import { duplicateRadius, findPossibleDuplicates } from "../queries/possibleDuplicates.ts";
import { checkAnswers } from "../questions.ts";
import { CASE_TYPES } from "../statuses.ts";
import { casePagePath } from "./caseRoutes.tsx";
import { DuplicatesPage } from "./duplicatesPages.tsx";
import {
  activeMunicipality,
  caseOfDraft,
  createDraft,
  type Draft,
  type DraftData,
  draftMunicipality,
  findDraft,
  missingStep,
  needsAccount,
  type OfferedCategory,
  offeredCategories,
  reachable,
  reloadDraftData,
  type Step,
  saveDraft,
  stepBefore,
  stepPath,
  whereNext,
} from "./submitJourney.ts";
import {
  AccountNeededPage,
  answerField,
  CategoryPage,
  CheckPage,
  ClosedPage,
  ContactPage,
  DetailsPage,
  DonePage,
  ExpiredPage,
  type JourneyMunicipality,
  LocationPage,
  PhotosPage,
  QuestionsPage,
  TypePage,
} from "./submitPages.tsx";

const TITLE_MAX = 150;
const DESCRIPTION_MAX = 4000;
const ADDRESS_MAX = 500;

const typeForm = z.object({ type: z.enum(CASE_TYPES, { error: "submit.type.errors.required" }) });
const categoryForm = z.object({
  category: z
    .string({ error: "submit.category.errors.required" })
    .trim()
    .min(1, "submit.category.errors.required")
    .max(100, "submit.category.errors.required"),
});
const detailsForm = z.object({
  title: textField(TITLE_MAX, "submit.details.errors.titleRequired", "submit.details.errors.titleTooLong"),
  description: textField(
    DESCRIPTION_MAX,
    "submit.details.errors.descriptionRequired",
    "submit.details.errors.descriptionTooLong",
  ),
});
const locationForm = z.object({
  address: textField(ADDRESS_MAX, undefined, "submit.location.errors.tooLong"),
  latitude: z.string().optional(),
  longitude: z.string().optional(),
});
const PHONE = /^\+?[0-9 ()/.-]{6,30}$/;
const contactFields = z.object({
  name: textField(200, undefined, "validation.name.too_long"),
  showName: z
    .string()
    .optional()
    .transform((v) => v === "yes"),
  email: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .pipe(z.union([z.literal(""), z.email({ error: "validation.email.invalid" }).max(254)])),
  phone: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine(
      (s) => s === "" || (PHONE.test(s) && s.replace(/\D/g, "").length >= 6),
      "submit.contact.errors.phone",
    ),
});
/**
 * The contact step's form. The language is one of those the municipality offers (offeredLanguages: sq, sr,
 * en, and Turkish or Bosnian where it has switched them on), the list its page shows.
 */
const contactForm = (languages: readonly Language[]) =>
  contactFields
    .extend({
      language: z.enum(languages as [Language, ...Language[]], { error: "validation.language.invalid" }),
    })
    .superRefine((v, ctx) => {
      if (v.showName && v.name === "")
        ctx.addIssue({ code: "custom", path: ["name"], message: "submit.contact.errors.nameToShow" });
    });

/** A coordinate from a hidden input: a finite number within range, else nothing. */
function coordinate(raw: string | undefined, limit: number): number | undefined {
  const s = (raw ?? "").trim();
  if (!/^-?\d{1,3}(\.\d{1,12})?$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isFinite(n) && Math.abs(n) <= limit ? n : undefined;
}

/** An extra question's answer as posted: one value or several (checkboxes). */
function postedAnswer(body: unknown, code: string): string | string[] | undefined {
  const v =
    body && typeof body === "object" ? (body as Record<string, unknown>)[answerField(code)] : undefined;
  if (typeof v === "string") return v.slice(0, 10_000);
  if (Array.isArray(v))
    return v.filter((x): x is string => typeof x === "string").map((x) => x.slice(0, 1000));
  return undefined;
}

/** Where each refusal of submitCase is fixed, and the message shown there. */
const PROBLEMS = {
  category_not_offered: "category",
  account_required: "category",
  invalid_answers: "questions",
  location_required: "location",
  outside_area: "location",
} as const satisfies Record<string, Step>;
type Problem = keyof typeof PROBLEMS;

/** How many possible duplicates the journey lists at most: the nearest are the likely ones. */
const DUPLICATES_SHOWN = 10;

const limit = (max: number, minutes: number) => ({ rateLimit: { max, timeWindow: minutes * 60_000 } });

/** A step's page and its draft, once the draft is known to be usable and the step reachable. */
interface Opened {
  draft: Draft;
  d: DraftData;
  municipality: JourneyMunicipality;
  municipalityId: number;
  /** The chosen category as offered now (undefined when none or no longer offered). */
  category: OfferedCategory | undefined;
  signedIn: boolean;
  /** Came from "check your answers" to change something: go back there afterwards. */
  returning: boolean;
  problem: Problem | undefined;
}

export async function submitRoutes(app: FastifyInstance) {
  const { database, clock, config, calendar, profile } = app.deps;
  const db = database.db;
  const named = (m: { slug: string; name: LocalizedText; languages: string[] }, req: FastifyRequest) => ({
    slug: m.slug,
    name: localized(m.name, req.lang),
    languages: offeredLanguages(m.languages),
  });

  /**
   * A draft step's route options: its pages belong to the draft's municipality and offer its languages
   * (config.municipalityOf, web/context.ts) — one lookup of the draft by its key before the handler.
   */
  const onDraft = (config: FastifyContextConfig = {}): { config: FastifyContextConfig } => ({
    config: {
      ...config,
      municipalityOf: (req) => draftMunicipality(db, (req.params as { draft?: unknown }).draft),
    },
  });

  /**
   * Opens the draft of the URL for `step`, or answers for it: 404 for a token that names nothing the
   * asker may use, 410 for an expired draft, a redirect when the draft was sent or an earlier step is
   * still to answer.
   */
  async function open(
    req: FastifyRequest<{ Params: { draft: string } }>,
    reply: FastifyReply,
    step: Step | "done",
  ): Promise<Opened | undefined> {
    const found = await findDraft(db, req.params.draft, req.user?.id, clock.now());
    if (found.kind === "missing") {
      await notFound(req, reply);
      return undefined;
    }
    if (found.kind === "expired") {
      const m = await activeMunicipality(db, found.municipality);
      await sendPage(
        reply,
        <ExpiredPage ctx={pageContext(req, reply)} municipality={m ? named(m, req) : undefined} />,
        410,
      );
      return undefined;
    }
    const { draft } = found;
    const d = draft.data;
    const m = await activeMunicipality(db, d.municipality);
    if (!m) {
      await sendPage(reply, <ClosedPage ctx={pageContext(req, reply)} />, 410);
      return undefined;
    }
    const query = req.query as { return?: string; problem?: string };
    const problem = Object.hasOwn(PROBLEMS, query.problem ?? "") ? (query.problem as Problem) : undefined;
    const category =
      d.type && d.category
        ? (await offeredCategories(db, m.id, d.type)).find((c) => c.code === d.category)
        : undefined;
    const opened: Opened = {
      draft,
      d,
      municipality: named(m, req),
      municipalityId: m.id,
      category,
      signedIn: req.actor.kind === "user",
      returning: query.return === "check",
      problem,
    };
    if (step === "done") return opened;
    if (d.submitted) {
      await reply.redirect(stepPath(draft.token, "done"), 303);
      return undefined;
    }
    const missing = missingStep(d, category, opened.signedIn);
    if (!reachable(step, missing)) {
      await reply.redirect(stepPath(draft.token, missing ?? "check", opened.returning), 303);
      return undefined;
    }
    return opened;
  }

  /** Where "Back" goes from a step: "check your answers" when changing an answer, else the step before. */
  const backFrom = (o: Opened, step: Step) => {
    if (o.returning) return stepPath(o.draft.token, "check");
    const before = stepBefore(step, (o.category?.questions.length ?? 0) > 0);
    return before ? stepPath(o.draft.token, before) : `/m/${o.municipality.slug}`;
  };
  const actionOf = (o: Opened, step: Step) => stepPath(o.draft.token, step, o.returning);

  /** Stores the step's answers and goes on (or back to "check your answers"). */
  async function advance(reply: FastifyReply, o: Opened, step: Step, d: DraftData) {
    await saveDraft(db, o.draft, d, clock.now());
    const category =
      d.type && d.category
        ? d.category === o.category?.code && d.type === o.d.type
          ? o.category
          : (await offeredCategories(db, o.municipalityId, d.type)).find((c) => c.code === d.category)
        : undefined;
    const next = whereNext(step, d, category, o.signedIn, o.returning);
    return reply.redirect(stepPath(o.draft.token, next.step, next.returning), 303);
  }

  // 1. What do you want to do — the start of the journey, then the same question on a draft.

  app.get<{ Params: { slug: string } }>(
    "/m/:slug/submit",
    { config: { page: { sample: "/m/prishtine/submit" } } },
    async (req, reply) => {
      const m = await activeMunicipality(db, req.params.slug);
      if (!m) return notFound(req, reply);
      return sendPage(
        reply,
        <TypePage
          ctx={pageContext(req, reply)}
          municipality={named(m, req)}
          action={`/m/${m.slug}/submit`}
          back={`/m/${m.slug}`}
          value=""
          errors={{}}
        />,
      );
    },
  );

  app.post<{ Params: { slug: string } }>("/m/:slug/submit", { config: limit(30, 15) }, async (req, reply) => {
    const m = await activeMunicipality(db, req.params.slug);
    if (!m) return notFound(req, reply);
    const form = validate(typeForm, req.body);
    if (!form.ok)
      return sendPage(
        reply,
        <TypePage
          ctx={pageContext(req, reply)}
          municipality={named(m, req)}
          action={`/m/${m.slug}/submit`}
          back={`/m/${m.slug}`}
          value={typed(req.body, "type")}
          errors={form.errors}
        />,
        422,
      );
    const { token } = await createDraft(
      db,
      { municipality: m.slug, type: form.value.type },
      req.user?.id ?? null,
      clock.now(),
    );
    return reply.redirect(stepPath(token, "category"), 303);
  });

  type DraftRequest = FastifyRequest<{ Params: { draft: string } }>;
  const typePage = (req: DraftRequest, reply: FastifyReply, o: Opened, value: string, errors: FieldErrors) =>
    sendPage(
      reply,
      <TypePage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "type")}
        back={o.returning ? stepPath(o.draft.token, "check") : `/m/${o.municipality.slug}`}
        value={value}
        errors={errors}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  app.get<{ Params: { draft: string } }>("/submit/:draft/type", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "type");
    if (!o) return reply;
    return typePage(req, reply, o, o.d.type ?? "", {});
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/type",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "type");
      if (!o) return reply;
      const form = validate(typeForm, req.body);
      if (!form.ok) return typePage(req, reply, o, typed(req.body, "type"), form.errors);
      const { type } = form.value;
      // Another type has other categories: the category and its answers no longer apply.
      const d: DraftData =
        type === o.d.type
          ? o.d
          : { ...o.d, type, category: undefined, answers: undefined, answered: undefined };
      return advance(reply, o, "type", d);
    },
  );

  // 2. The category.

  const accountPage = (req: DraftRequest, reply: FastifyReply, o: Opened, category?: OfferedCategory) =>
    sendPage(
      reply,
      <AccountNeededPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        back={stepPath(o.draft.token, category ? "category" : "type", o.returning)}
        here={stepPath(o.draft.token, "category", o.returning)}
        {...(category ? { category: localized(category.name, req.lang) } : {})}
      />,
    );

  const categoryPage = async (
    req: DraftRequest,
    reply: FastifyReply,
    o: Opened,
    value: string,
    errors: FieldErrors,
  ) =>
    sendPage(
      reply,
      <CategoryPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "category")}
        back={backFrom(o, "category")}
        type={o.d.type!}
        categories={await offeredCategories(db, o.municipalityId, o.d.type!)}
        value={value}
        signedIn={o.signedIn}
        errors={errors}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  app.get<{ Params: { draft: string } }>("/submit/:draft/category", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "category");
    if (!o) return reply;
    if (!o.signedIn && o.d.type === "proposal") return accountPage(req, reply, o);
    if (!o.signedIn && o.problem === "account_required" && o.category)
      return accountPage(req, reply, o, o.category);
    const errors: FieldErrors =
      o.problem === "category_not_offered" ? { category: "submit.category.errors.notOffered" } : {};
    return categoryPage(req, reply, o, o.d.category ?? "", errors);
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/category",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "category");
      if (!o) return reply;
      const type = o.d.type!;
      if (!o.signedIn && type === "proposal") return accountPage(req, reply, o);
      const form = validate(categoryForm, req.body);
      const chosen = form.ok
        ? (await offeredCategories(db, o.municipalityId, type)).find((c) => c.code === form.value.category)
        : undefined;
      if (!chosen)
        return categoryPage(req, reply, o, typed(req.body, "category"), {
          category: "submit.category.errors.required",
        });
      let d: DraftData = o.d;
      if (chosen.code !== o.d.category) {
        // Keep only the answers to questions the new category asks too; it asks them again.
        const codes = new Set(chosen.questions.map((q) => q.code));
        const kept = Object.entries(o.d.answers ?? {}).filter(([code]) => codes.has(code));
        d = {
          ...o.d,
          category: chosen.code,
          answers: kept.length > 0 ? Object.fromEntries(kept) : undefined,
          answered: undefined,
        };
      }
      if (!o.signedIn && needsAccount(type, chosen)) {
        // Remembered, so that after logging in the person carries on from here.
        await saveDraft(db, o.draft, d, clock.now());
        return accountPage(req, reply, o, chosen);
      }
      return advance(reply, o, "category", d);
    },
  );

  // 3. The category's extra questions (skipped when it has none).

  const questionsPage = (
    req: DraftRequest,
    reply: FastifyReply,
    o: Opened,
    values: Record<string, string | string[]>,
    errors: FieldErrors,
  ) =>
    sendPage(
      reply,
      <QuestionsPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "questions")}
        back={backFrom(o, "questions")}
        category={localized(o.category!.name, req.lang)}
        questions={o.category!.questions}
        values={values}
        errors={errors}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  const answerErrors = (errors: Record<string, string>): FieldErrors =>
    Object.fromEntries(Object.entries(errors).map(([code, key]) => [answerField(code), key]));

  app.get<{ Params: { draft: string } }>("/submit/:draft/questions", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "questions");
    if (!o) return reply;
    if (!o.category?.questions.length)
      return reply.redirect(stepPath(o.draft.token, o.returning ? "check" : "details"), 303);
    const answers = o.d.answers ?? {};
    let errors: FieldErrors = {};
    if (o.problem === "invalid_answers") {
      const checked = checkAnswers(o.category.questions, answers);
      if (!checked.ok) errors = answerErrors(checked.errors);
    }
    return questionsPage(req, reply, o, answers, errors);
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/questions",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "questions");
      if (!o) return reply;
      const questions = o.category?.questions ?? [];
      const posted: Record<string, string | string[]> = {};
      for (const q of questions) {
        const v = postedAnswer(req.body, q.code);
        if (v !== undefined) posted[q.code] = v;
      }
      const checked = checkAnswers(questions, posted);
      if (!checked.ok) return questionsPage(req, reply, o, posted, answerErrors(checked.errors));
      return advance(reply, o, "questions", { ...o.d, answers: posted, answered: true });
    },
  );

  // 4. Title and description.

  const detailsPage = (
    req: DraftRequest,
    reply: FastifyReply,
    o: Opened,
    values: { title: string; description: string },
    errors: FieldErrors,
  ) =>
    sendPage(
      reply,
      <DetailsPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "details")}
        back={backFrom(o, "details")}
        type={o.d.type!}
        values={values}
        errors={errors}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  app.get<{ Params: { draft: string } }>("/submit/:draft/details", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "details");
    if (!o) return reply;
    return detailsPage(req, reply, o, { title: o.d.title ?? "", description: o.d.description ?? "" }, {});
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/details",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "details");
      if (!o) return reply;
      const form = validate(detailsForm, req.body);
      if (!form.ok)
        return detailsPage(
          req,
          reply,
          o,
          { title: typed(req.body, "title"), description: typed(req.body, "description") },
          form.errors,
        );
      return advance(reply, o, "details", { ...o.d, ...form.value });
    },
  );

  // 5. The place: words, or a pin on the map (with JavaScript) that fills the hidden latitude and longitude.

  const locationPage = (
    req: DraftRequest,
    reply: FastifyReply,
    o: Opened,
    values: { address: string; latitude: string; longitude: string },
    errors: FieldErrors,
  ) =>
    sendPage(
      reply,
      <LocationPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "location")}
        back={backFrom(o, "location")}
        type={o.d.type!}
        values={values}
        errors={errors}
        mapPlace={municipalityPlace(profile, o.municipality.slug)}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  app.get<{ Params: { draft: string } }>("/submit/:draft/location", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "location");
    if (!o) return reply;
    const error: FieldErrors[string] | undefined =
      o.problem === "outside_area"
        ? ["submit.location.errors.outsideArea", { name: o.municipality.name }]
        : o.problem === "location_required"
          ? "submit.location.errors.required"
          : undefined;
    return locationPage(
      req,
      reply,
      o,
      {
        address: o.d.address ?? "",
        latitude: o.d.latitude === undefined ? "" : String(o.d.latitude),
        longitude: o.d.longitude === undefined ? "" : String(o.d.longitude),
      },
      error ? { address: error } : {},
    );
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/location",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "location");
      if (!o) return reply;
      const form = validate(locationForm, req.body);
      const latitude = coordinate(typed(req.body, "latitude"), 90);
      const longitude = coordinate(typed(req.body, "longitude"), 180);
      const point = latitude !== undefined && longitude !== undefined ? { latitude, longitude } : undefined;
      const again = (errors: FieldErrors, keepPoint: boolean) =>
        locationPage(
          req,
          reply,
          o,
          {
            address: typed(req.body, "address"),
            latitude: keepPoint && point ? String(point.latitude) : "",
            longitude: keepPoint && point ? String(point.longitude) : "",
          },
          errors,
        );
      if (!form.ok) return again(form.errors, true);
      const { address } = form.value;
      if (o.d.type === "issue_report" && address === "" && !point)
        return again({ address: "submit.location.errors.required" }, true);
      const b = profile.bounds;
      if (
        point &&
        (point.latitude < b.south ||
          point.latitude > b.north ||
          point.longitude < b.west ||
          point.longitude > b.east)
      )
        return again(
          { address: ["submit.location.errors.outsideArea", { name: o.municipality.name }] },
          false,
        );
      const d: DraftData = {
        ...o.d,
        located: true,
        address: address || undefined,
        latitude: point?.latitude,
        longitude: point?.longitude,
      };
      // Open reports of the same problem near the point: offer to follow one before going on.
      if ((await nearby(o, d)).cases.length > 0) {
        await saveDraft(db, o.draft, d, clock.now());
        return reply.redirect(stepPath(o.draft.token, "duplicates", o.returning), 303);
      }
      return advance(reply, o, "location", d);
    },
  );

  // 5b. "Is it one of these?": the open public reports of the same category near an issue report's point,
  // to follow one instead of sending another. Only when there are some: stepAfter and stepBefore pass over
  // this step, and the place (forward) and photos (back) steps come here when nearby() finds reports.

  /** The possible duplicates of the draft's report: none unless it is an issue report with a point. */
  async function nearby(o: Opened, d: DraftData) {
    const category = o.category;
    if (d.type !== "issue_report" || d.latitude === undefined || d.longitude === undefined || !category)
      return { radiusM: 0, cases: [] };
    const radiusM = await duplicateRadius(db, category.id);
    const cases = await findPossibleDuplicates(db, {
      municipalityId: o.municipalityId,
      categoryId: category.id,
      latitude: d.latitude,
      longitude: d.longitude,
      radiusM,
      limit: DUPLICATES_SHOWN,
    });
    return { radiusM, cases };
  }

  app.get<{ Params: { draft: string } }>("/submit/:draft/duplicates", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "duplicates");
    if (!o) return reply;
    const found = await nearby(o, o.d);
    if (found.cases.length === 0) {
      // None (any more, or never: an old link): nothing to show, on to what comes next.
      const next = whereNext("duplicates", o.d, o.category, o.signedIn, o.returning);
      return reply.redirect(stepPath(o.draft.token, next.step, next.returning), 303);
    }
    const here = actionOf(o, "duplicates");
    // Following is caseActionRoutes' POST /cases/:code/follow, which then opens the case page saying so;
    // it needs an account: a visitor signs in and comes back here. The draft stays either way.
    const follow = !o.signedIn
      ? ("sign_in" as const)
      : can(req.actor, "case.follow", { municipalityId: o.municipalityId, isPublic: true })
        ? (code: string) => ({
            action: `/cases/${code}/follow`,
            next: casePagePath(code, { kind: "public" }, "followed"),
          })
        : undefined;
    return sendPage(
      reply,
      <DuplicatesPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        back={backFrom(o, "duplicates")}
        action={here}
        here={here}
        category={localized(o.category!.name, req.lang)}
        radiusM={found.radiusM}
        cases={found.cases}
        follow={follow}
      />,
    );
  });

  // "Mine is different — continue": nothing to store, on to the photos (or back to "check your answers").
  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/duplicates",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "duplicates");
      if (!o) return reply;
      return advance(reply, o, "duplicates", o.d);
    },
  );

  // 6. Photos, optional. They are uploaded and removed by the photo routes (photoRoutes.ts), which come
  // back here — with `photoError=<reason>` when they refused a file; "Continue" posts here.

  app.get<{ Params: { draft: string }; Querystring: { photoError?: string } }>(
    "/submit/:draft/photos",
    onDraft(),
    async (req, reply) => {
      const o = await open(req, reply, "photos");
      if (!o) return reply;
      const { photoError } = req.query;
      // Shown like any step's refused answer: error summary, message at the field, "Error:" title, 422.
      const errors: FieldErrors = isPhotoError(photoError) ? { photo: `photos.error.${photoError}` } : {};
      const photos = await listDraftPhotos(db, o.draft.id);
      return sendPage(
        reply,
        <PhotosPage
          ctx={pageContext(req, reply)}
          municipality={o.municipality}
          action={actionOf(o, "photos")}
          back={
            !o.returning && (await nearby(o, o.d)).cases.length > 0
              ? stepPath(o.draft.token, "duplicates")
              : backFrom(o, "photos")
          }
          token={o.draft.token}
          here={actionOf(o, "photos")}
          photos={photos.map((ph) => ({ id: ph.id, width: ph.width, height: ph.height }))}
          max={MAX_PHOTOS_PER_DRAFT}
          errors={errors}
        />,
        Object.keys(errors).length > 0 ? 422 : 200,
      );
    },
  );

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/photos",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "photos");
      if (!o) return reply;
      return advance(reply, o, "photos", { ...o.d, photosSeen: true });
    },
  );

  // 7. Contact details, all optional.

  const contactPage = (
    req: DraftRequest,
    reply: FastifyReply,
    o: Opened,
    values: { name: string; showName: boolean; email: string; phone: string; language: string },
    errors: FieldErrors,
  ) =>
    sendPage(
      reply,
      <ContactPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        action={actionOf(o, "contact")}
        back={backFrom(o, "contact")}
        values={values}
        errors={errors}
      />,
      Object.keys(errors).length > 0 ? 422 : 200,
    );

  app.get<{ Params: { draft: string } }>("/submit/:draft/contact", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "contact");
    if (!o) return reply;
    const values = o.d.contact ?? {
      name: req.user?.name ?? "",
      showName: false,
      email: req.user?.email ?? "",
      phone: "",
      language: req.lang,
    };
    return contactPage(req, reply, o, values, {});
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/contact",
    onDraft(limit(200, 15)),
    async (req, reply) => {
      const o = await open(req, reply, "contact");
      if (!o) return reply;
      const form = validate(contactForm(o.municipality.languages), req.body);
      if (!form.ok)
        return contactPage(
          req,
          reply,
          o,
          {
            name: typed(req.body, "name"),
            showName: typed(req.body, "showName") === "yes",
            email: typed(req.body, "email"),
            phone: typed(req.body, "phone"),
            language: typed(req.body, "language"),
          },
          form.errors,
        );
      return advance(reply, o, "contact", { ...o.d, contact: form.value });
    },
  );

  // 8. Check your answers, then send.

  app.get<{ Params: { draft: string } }>("/submit/:draft/check", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "check");
    if (!o) return reply;
    const { d } = o;
    return sendPage(
      reply,
      <CheckPage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        token={o.draft.token}
        back={stepPath(o.draft.token, "contact")}
        action={stepPath(o.draft.token, "check")}
        data={{ ...d, type: d.type!, contact: d.contact! }}
        category={o.category!}
        photos={(await listDraftPhotos(db, o.draft.id)).length}
      />,
    );
  });

  app.post<{ Params: { draft: string } }>(
    "/submit/:draft/check",
    onDraft(limit(30, 15)),
    async (req, reply) => {
      // Sent already (a double click, a refresh that posts again): the same confirmation.
      const o = await open(req, reply, "check");
      if (!o) return reply;
      const { d, draft } = o;
      const contact = d.contact!;
      const result = await submitCase(
        {
          municipality: d.municipality,
          type: d.type!,
          category: d.category!,
          answers: d.answers ?? {},
          title: d.title!,
          description: d.description!,
          location:
            d.latitude !== undefined && d.longitude !== undefined
              ? { latitude: d.latitude, longitude: d.longitude }
              : undefined,
          address: d.address,
          contact: {
            name: contact.name || undefined,
            email: contact.email || undefined,
            phone: contact.phone || undefined,
            showName: contact.showName,
          },
          language: contact.language,
          channel: "web",
          idempotencyKey: draft.id,
          draftId: draft.id,
        },
        {
          db,
          now: clock.now(),
          calendar,
          bounds: profile.bounds,
          baseUrl: baseUrl(config),
          poke: app.deps.pokeOutbox,
          actor: req.actor,
          ip: req.ip,
        },
      );
      const done = stepPath(draft.token, "done");
      if (result.ok) {
        if (result.trackingToken) {
          await saveDraft(
            db,
            draft,
            {
              ...d,
              submitted: {
                trackingCode: result.trackingCode,
                token: result.trackingToken,
                responseDueAt: result.responseDueAt.toISOString(),
                email: Boolean(contact.email),
              },
            },
            clock.now(),
          );
        } else {
          // Another request with this draft made the case a moment ago and is storing its link: wait
          // briefly for it, so that this answer (the one the browser shows) has the link too.
          for (let i = 0; i < 20 && !(await reloadDraftData(db, draft.id))?.submitted; i++)
            await new Promise((r) => setTimeout(r, 100));
        }
        return reply.redirect(done, 303);
      }
      if (result.reason === "unknown_municipality")
        return sendPage(reply, <ClosedPage ctx={pageContext(req, reply)} />, 410);
      if (result.reason === "received_in_future")
        throw new Error("a web submission cannot be received later");
      // A refusal goes to the step that can fix it, with the message there; the answers it refused are
      // dropped so that the step must be answered again.
      const fix: Partial<DraftData> =
        result.reason === "category_not_offered"
          ? { category: undefined, answers: undefined, answered: undefined }
          : result.reason === "invalid_answers"
            ? { answered: undefined }
            : result.reason === "outside_area"
              ? { latitude: undefined, longitude: undefined, located: undefined }
              : result.reason === "location_required"
                ? { located: undefined }
                : {};
      await saveDraft(db, draft, { ...d, ...fix }, clock.now());
      const step = PROBLEMS[result.reason];
      return reply.redirect(`${stepPath(draft.token, step)}?return=check&problem=${result.reason}`, 303);
    },
  );

  // 9. Sent.

  app.get<{ Params: { draft: string } }>("/submit/:draft/done", onDraft(), async (req, reply) => {
    const o = await open(req, reply, "done");
    if (!o) return reply;
    const { draft } = o;
    let sent = o.d.submitted;
    if (!sent) {
      // Made by a request that has not stored the link yet (or lost it): the case itself tells the rest.
      const kase = await caseOfDraft(db, draft.id);
      if (!kase) return reply.redirect(stepPath(draft.token, "check"), 303);
      sent = {
        trackingCode: kase.trackingCode,
        responseDueAt: kase.responseDueAt?.toISOString() ?? "",
        email: kase.contactEmail !== null,
      };
    }
    const due = sent.responseDueAt
      ? new Intl.DateTimeFormat(htmlLang(req.lang), {
          dateStyle: "full",
          timeZone: calendar.timeZone,
        }).format(new Date(new Date(sent.responseDueAt).getTime() - 1))
      : undefined;
    const path = sent.token ? `/track/${sent.trackingCode}?token=${sent.token}` : undefined;
    return sendPage(
      reply,
      <DonePage
        ctx={pageContext(req, reply)}
        municipality={o.municipality}
        trackingCode={sent.trackingCode}
        due={due}
        link={path ? { href: path, text: `${baseUrl(config)}${path}` } : undefined}
        emailSent={sent.email}
      />,
    );
  });
}
