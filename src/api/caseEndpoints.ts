// Cases over the API: create, read one, list and filter, add information, follow; and the categories a
// municipality takes. Each handler reads top to bottom: who asks → validate → load → authorize with the
// policy table (can(); a refusal is the same 404 as a case that does not exist) → the command → answer.
// Nothing here decides a rule of its own: submitCase, addInformation, followCase, listPublicCases and
// publicCaseView do, exactly as for the web pages.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import { can } from "../access/policy.ts";
import { baseUrl } from "../app.ts";
import { addInformation } from "../cases/commands/addInformation.ts";
import { followCase, isFollowing, unfollowCase } from "../cases/commands/followCase.ts";
import { madeWithKey, type SubmitCaseInput, submitCase } from "../cases/commands/submitCase.ts";
import { listCasePhotos } from "../cases/photos/photoCommands.ts";
import { photoUrl } from "../cases/photos/photoView.ts";
import { publicCaseView } from "../cases/publicView.ts";
import { type LoadedCase, loadCase } from "../cases/queries/caseQueries.ts";
import { listFilterChoices, listPublicCases, PAGE_SIZE } from "../cases/queries/listPublicCases.ts";
import { CASE_STATUSES, CASE_TYPES } from "../cases/statuses.ts";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import { caseListHref, parseCaseListQuery, type RawQuery } from "../cases/web/caseListQuery.ts";
import { caseSubject, holdsTrackingLink } from "../cases/web/caseRoutes.tsx";
import { activeMunicipality, needsAccount, offeredCategories } from "../cases/web/submitJourney.ts";
import { cases } from "../db/schema.ts";
import { offeredLanguages } from "../kernel/i18n.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { chooseLanguage } from "../web/context.ts";
import type { FieldErrors } from "../web/forms.tsx";
import { apiRoute, callerOf, isJson } from "./auth.ts";
import { type ApiErrorCode, fieldErrorsOf, sendApiError } from "./errors.ts";
import { sameSubmission, scopedKey } from "./idempotency.ts";
import { COMMON_ERRORS, errorResponse, SECURITY } from "./openapi.ts";
import {
  type CaseInput,
  caseCreatedOutput,
  caseInput,
  caseListOutput,
  caseOutput,
  categoriesOutput,
  IDEMPOTENCY_KEY,
  informationInput,
  informationOutput,
  jsonSchema,
} from "./schemas.ts";

/** Where each refusal of submitCase is answered: its status and the field it is about. */
const SUBMIT_REFUSALS = {
  unknown_municipality: { status: 422, field: "municipality" },
  category_not_offered: { status: 422, field: "category" },
  account_required: { status: 422, field: "category" },
  location_required: { status: 422, field: "location" },
  outside_area: { status: 422, field: "location" },
  received_in_future: { status: 422, field: "body" },
  invalid_answers: { status: 422, field: "answers" },
} as const;

const codeParam = {
  type: "object",
  properties: {
    code: { type: "string", pattern: TRACKING_CODE_PATTERN.source, examples: ["PRI-2026-000001"] },
  },
  required: ["code"],
} as const;

const trackingTokenHeader = {
  type: "object",
  properties: {
    "x-tracking-token": {
      type: "string",
      description: "The token of the case's private tracking link: acts as its submitter.",
    },
  },
} as const;

/** The body of a JSON write, validated; or the refusal already sent. */
function parseBody<S extends z.ZodType>(
  req: FastifyRequest,
  reply: FastifyReply,
  schema: S,
): { ok: true; value: z.output<S> } | { ok: false; sent: FastifyReply } {
  if (!isJson(req)) return { ok: false, sent: sendApiError(req, reply, 415, "json_required") };
  // With the input in each issue, a missing field and one of the wrong type read differently.
  const parsed = schema.safeParse(req.body, { reportInput: true });
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    sent: sendApiError(req, reply, 422, "validation_failed", { fields: fieldErrorsOf(parsed.error.issues) }),
  };
}

export async function caseEndpoints(app: FastifyInstance) {
  const { database, clock, config, calendar, profile } = app.deps;
  const db = database.db;
  const base = () => baseUrl(config);
  const caseUrl = (code: string) => `${base()}/cases/${code}`;
  const apiCaseUrl = (code: string) => `${base()}/api/v1/cases/${code}`;

  /** The case and whether the request holds its tracking link; a wrong token reads as no case at all. */
  async function load(req: FastifyRequest<{ Params: { code: string } }>) {
    const c = await loadCase(db, req.params.code);
    if (!c) return undefined;
    const token = req.headers["x-tracking-token"];
    if (token === undefined) return { c, held: false };
    return holdsTrackingLink(c, token) ? { c, held: true } : undefined;
  }

  // ── Create

  app.post<{ Body: unknown }>(
    "/cases",
    {
      config: apiRoute("write"),
      // A case is text; photos come separately (POST /cases/{code}/photos).
      bodyLimit: 64 * 1024,
      schema: {
        tags: ["cases"],
        operationId: "createCase",
        summary: "Submit a case",
        description: [
          "Makes a case (an issue report, a request, feedback or a proposal) in a municipality, with the",
          "category's extra answers. With an API key the `Idempotency-Key` header is required: the same key",
          "again with the same body answers 200 with the same case (and no new one); with a different body,",
          "422 idempotency_key_reused. Keys are scoped per client. A key restricted to a municipality may",
          "submit only there (403 municipality_not_allowed). Proposals and categories that need an account",
          "can only be sent by a signed-in person (422 account_required).",
        ].join(" "),
        security: SECURITY.keyOrSession,
        headers: {
          type: "object",
          properties: {
            "idempotency-key": {
              type: "string",
              pattern: IDEMPOTENCY_KEY.source,
              description: "Required with an API key: 1–128 visible ASCII characters, new for each new case.",
              examples: ["3d2f7c1e-4b8a-4f0e-9c53-0d6a1b2c3e4f"],
            },
          },
        },
        body: {
          ...jsonSchema(caseInput, "input"),
          examples: [
            {
              municipality: "prishtine",
              type: "issue_report",
              category: "potholes",
              title: "Deep pothole in front of the school",
              description: "In the right lane, about 40 cm wide.",
              location: { latitude: 42.6629, longitude: 21.1655 },
              contact: { email: "qytetari@example.org" },
              language: "sq",
            },
          ],
        },
        response: {
          201: {
            description: "Created; `Location` is the case in this API.",
            ...jsonSchema(caseCreatedOutput),
          },
          200: {
            description:
              "A retry with the same Idempotency-Key and body: the case it made (no tracking link).",
            ...jsonSchema(caseCreatedOutput),
          },
          400: errorResponse(
            "idempotency_key_required, idempotency_key_invalid, invalid_json or empty_json.",
          ),
          401: errorResponse("unauthorized (no key, no session) or invalid_api_key."),
          403: errorResponse("municipality_not_allowed, or cross_site_request for a session."),
          413: errorResponse("payload_too_large: the body is over 64 KB."),
          415: errorResponse("json_required."),
          422: errorResponse(
            "validation_failed (also for a `language` the municipality does not offer), unknown_municipality, category_not_offered, account_required, location_required, outside_area, invalid_answers or idempotency_key_reused; `fields` says where.",
          ),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const caller = callerOf(req);
      if (caller.kind === "visitor") return sendApiError(req, reply, 401, "unauthorized");
      if (!can(req.actor, "case.submit")) return sendApiError(req, reply, 404, "not_found");
      const header = req.headers["idempotency-key"];
      if (caller.kind === "client" && header === undefined)
        return sendApiError(req, reply, 400, "idempotency_key_required");
      if (header !== undefined && (typeof header !== "string" || !IDEMPOTENCY_KEY.test(header)))
        return sendApiError(req, reply, 400, "idempotency_key_invalid");
      const body = parseBody(req, reply, caseInput);
      if (!body.ok) return body.sent;
      const v: CaseInput = body.value;
      const only = caller.kind === "client" ? caller.client.municipality : null;
      if (only && v.municipality !== only.slug)
        return sendApiError(req, reply, 403, "municipality_not_allowed", {
          values: { municipality: only.slug },
        });
      if (v.contact?.showName && !v.contact.name)
        return sendApiError(req, reply, 422, "validation_failed", {
          fields: { "contact.name": "api.fields.nameToShow" },
        });
      const scope = caller.kind === "client" ? { client: caller.client.id } : { user: caller.userId };
      // Without a key (a person's own call may omit it), a key of its own: no replay protection.
      const idempotencyKey = scopedKey(scope, typeof header === "string" ? header : `once:${randomUUID()}`);
      // The person's language is one the municipality offers (Turkish, Bosnian only where switched on);
      // by default the request's, chosen among those as the municipality's pages choose it. An unknown
      // municipality is submitCase's to refuse. A retry of a case accepted before the language was switched
      // off gets its case (below), not a refusal.
      const m = (await referenceData(db, clock.now().getTime())).municipalityBySlug(v.municipality);
      const languages = offeredLanguages(m?.languages);
      if (
        m &&
        v.language !== undefined &&
        !languages.includes(v.language) &&
        !(await madeWithKey(db, idempotencyKey))
      )
        return sendApiError(req, reply, 422, "validation_failed", {
          fields: { language: ["api.fields.oneOf", { values: languages.join(", ") }] },
        });

      const input: SubmitCaseInput = {
        municipality: v.municipality,
        type: v.type,
        category: v.category,
        answers: v.answers ?? {},
        title: v.title,
        description: v.description,
        location: v.location,
        address: v.address,
        contact: {
          name: v.contact?.name || undefined,
          email: v.contact?.email || undefined,
          phone: v.contact?.phone || undefined,
          showName: v.contact?.showName ?? false,
        },
        language: v.language ?? chooseLanguage(req, languages),
        channel: "api",
        idempotencyKey,
      };
      const result = await submitCase(input, {
        db,
        now: clock.now(),
        calendar,
        bounds: profile.bounds,
        baseUrl: base(),
        poke: app.deps.pokeOutbox,
        actor: req.actor,
        ip: req.ip,
      });
      if (!result.ok) {
        const { status, field } = SUBMIT_REFUSALS[result.reason];
        const fields: FieldErrors =
          result.reason === "invalid_answers"
            ? Object.fromEntries(Object.entries(result.errors).map(([code, key]) => [`answers.${code}`, key]))
            : { [field]: `api.errors.${result.reason}` };
        return sendApiError(req, reply, status, result.reason, { fields });
      }
      if (!result.created && !(await sameSubmission(db, result.caseId, input, v.language !== undefined)))
        return sendApiError(req, reply, 422, "idempotency_key_reused");

      const code = result.trackingCode;
      return reply
        .status(result.created ? 201 : 200)
        .header("location", apiCaseUrl(code))
        .header("cache-control", "no-store")
        .header("idempotent-replayed", result.created ? "false" : "true")
        .send({
          trackingCode: code,
          url: caseUrl(code),
          apiUrl: apiCaseUrl(code),
          ...(result.trackingToken
            ? {
                trackingUrl: `${base()}/track/${code}?token=${result.trackingToken}`,
                trackingToken: result.trackingToken,
              }
            : {}),
          responseDueAt: result.responseDueAt,
          resolutionDueAt: result.resolutionDueAt,
        });
    },
  );

  // ── Read one

  /** The one public view (publicCaseView) with what the API adds: names, links, photo addresses. */
  async function caseBody(c: LoadedCase) {
    const isPrivate = c.kase.visibility !== "public";
    // As on the web page: a private case, seen by someone allowed to, shows no photos (none is served).
    const photos = isPrivate ? [] : await listCasePhotos(db, c.kase.id, { includeHidden: false });
    const view = publicCaseView({ ...c.kase, visibility: "public" }, c.category, c.events, photos)!;
    return {
      trackingCode: view.trackingCode,
      type: view.type,
      status: view.status,
      visibility: isPrivate ? "private" : "public",
      channel: view.channel,
      municipality: { slug: c.municipality.slug, name: c.municipality.name },
      category: { code: c.category.code, name: c.category.name },
      title: view.title,
      description: view.description,
      submitterName: view.submitterName,
      location: view.location,
      address: view.address,
      receivedAt: view.receivedAt,
      acknowledgedAt: view.acknowledgedAt,
      responseDueAt: view.responseDueAt,
      resolutionDueAt: view.resolutionDueAt,
      resolvedAt: view.resolvedAt,
      closedAt: view.closedAt,
      reasonCode: view.reasonCode,
      timeline: view.timeline,
      photos: view.photos.map((p) => ({
        id: p.id,
        width: p.width,
        height: p.height,
        url: `${base()}${photoUrl(p.id)}`,
        thumbnailUrl: `${base()}${photoUrl(p.id, { thumbnail: true })}`,
      })),
      url: caseUrl(view.trackingCode),
    };
  }

  app.get<{ Params: { code: string } }>(
    "/cases/:code",
    {
      config: apiRoute("read"),
      schema: {
        tags: ["cases"],
        operationId: "getCase",
        summary: "Read a case",
        description:
          "The public view of a case: never contact details or an account. A private case answers 404 unless the caller is its submitter (session, or X-Tracking-Token) or staff allowed to see it; a wrong X-Tracking-Token answers 404.",
        security: SECURITY.open,
        params: codeParam,
        headers: trackingTokenHeader,
        response: {
          200: { description: "The case.", ...jsonSchema(caseOutput) },
          404: errorResponse("not_found: no such case, or not for this caller."),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const found = await load(req);
      if (!found) return sendApiError(req, reply, 404, "not_found");
      const { c, held } = found;
      const s = caseSubject(c, held);
      if (!can(req.actor, "case.view_public", s) && !can(req.actor, "case.view_private", s))
        return sendApiError(req, reply, 404, "not_found");
      if (c.kase.visibility !== "public" || held) reply.header("cache-control", "private, no-store");
      return reply.send(await caseBody(c));
    },
  );

  // ── List

  app.get<{ Querystring: RawQuery }>(
    "/cases",
    {
      config: apiRoute("read"),
      schema: {
        tags: ["cases"],
        operationId: "listCases",
        summary: "List and filter public cases",
        description: `Public cases, newest first, ${PAGE_SIZE} a page, with the web list's filters (the same checks). \`links\` has the pages before and after. Only public cases are listed, and only what a list shows of them.`,
        security: SECURITY.open,
        querystring: {
          type: "object",
          properties: {
            q: {
              type: "string",
              maxLength: 200,
              description: 'Words ("phrase", or, -not) or a tracking code.',
            },
            municipality: { type: "string", description: "A municipality's slug." },
            type: { type: "string", enum: [...CASE_TYPES] },
            category: { type: "string", description: "A category code." },
            status: {
              type: "array",
              items: { type: "string", enum: [...CASE_STATUSES] },
              description: "Repeat for several: ?status=submitted&status=acknowledged",
            },
            from: { type: "string", format: "date", description: "Received on or after this day." },
            to: { type: "string", format: "date", description: "Received on or before this day." },
            page: { type: "integer", minimum: 1, maximum: 500, default: 1 },
          },
        },
        response: {
          200: { description: "A page of cases.", ...jsonSchema(caseListOutput) },
          400: errorResponse("invalid_query: `fields` names each parameter that cannot mean anything."),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const choices = await listFilterChoices(db);
      const parsed = parseCaseListQuery(req.query ?? {}, {
        municipalities: new Set(choices.municipalities.map((m) => m.slug)),
        categories: choices.categoryCodes,
      });
      if (!parsed.ok) {
        // The page's problem is the form's on the web page; here it is the parameter's.
        const { form, ...fields } = parsed.errors;
        return sendApiError(req, reply, 400, "invalid_query", {
          fields: form === undefined ? fields : { ...fields, page: form },
        });
      }
      const list = await listPublicCases(db, parsed.filters, {
        page: parsed.page,
        timeZone: calendar.timeZone,
      });
      const href = (page: number) => `${base()}/api/v1${caseListHref(parsed.values, page)}`;
      return reply.send({
        items: list.items.map((item) => ({
          trackingCode: item.trackingCode,
          type: item.type,
          status: item.status,
          title: item.title,
          receivedAt: item.receivedAt,
          category: item.category,
          municipality: item.municipality,
          url: caseUrl(item.trackingCode),
          apiUrl: apiCaseUrl(item.trackingCode),
        })),
        page: list.page,
        pageSize: PAGE_SIZE,
        pageCount: list.pageCount,
        total: list.total,
        more: list.more,
        links: {
          self: href(list.page),
          first: href(1),
          last: href(list.pageCount),
          ...(list.page > 1 ? { prev: href(Math.min(list.page - 1, list.pageCount)) } : {}),
          ...(list.page < list.pageCount ? { next: href(list.page + 1) } : {}),
        },
      });
    },
  );

  // ── Add information

  app.post<{ Params: { code: string }; Body: unknown }>(
    "/cases/:code/information",
    {
      config: apiRoute("write"),
      bodyLimit: 64 * 1024,
      schema: {
        tags: ["cases"],
        operationId: "addInformation",
        summary: "Add information to one's own case",
        description:
          "For the case's submitter: signed in (session), or anyone holding its private tracking link (X-Tracking-Token). When the municipality was waiting for the citizen, the case goes back to work. The text is kept for staff; the public timeline only says that information was added.",
        security: SECURITY.ownerOrToken,
        params: codeParam,
        headers: trackingTokenHeader,
        body: {
          ...jsonSchema(informationInput, "input"),
          examples: [{ text: "The pothole is now about a metre wide." }],
        },
        response: {
          201: { description: "Added.", ...jsonSchema(informationOutput) },
          404: errorResponse("not_found: no such case, not the caller's, or a wrong X-Tracking-Token."),
          409: errorResponse("case_closed, or case_changed (it changed at the same moment: retry)."),
          415: errorResponse("json_required."),
          422: errorResponse("validation_failed."),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const found = await load(req);
      if (!found || !can(req.actor, "case.add_information", caseSubject(found.c, found.held)))
        return sendApiError(req, reply, 404, "not_found");
      const body = parseBody(req, reply, informationInput);
      if (!body.ok) return body.sent;
      const { kase } = found.c;
      const result = await addInformation(db, {
        kase,
        text: body.value.text,
        actorId: req.user?.id ?? null,
        now: clock.now(),
        calendar: app.deps.calendar,
        ip: req.ip,
      });
      if (!result.ok) return sendApiError(req, reply, 409, result.reason);
      const [now] = await db.select({ status: cases.status }).from(cases).where(eq(cases.id, kase.id));
      return reply.status(201).send({
        trackingCode: kase.trackingCode,
        status: now?.status ?? kase.status,
        resumed: result.resumed,
      });
    },
  );

  // ── Follow

  const followSchema = (method: "put" | "delete") => ({
    tags: ["cases"],
    operationId: method === "put" ? "followCase" : "unfollowCase",
    summary: method === "put" ? "Follow a case" : "Stop following a case",
    description:
      method === "put"
        ? "The signed-in person follows a public case (or their own) to be told of its progress. Following twice is following."
        : "The signed-in person stops following the case. Stopping twice is not an error.",
    security: SECURITY.session,
    params: codeParam,
    response: {
      204: { type: "null", description: method === "put" ? "Following." : "Not following." },
      401: errorResponse("unauthorized: no session."),
      403: errorResponse("session_required (an API key cannot follow), or cross_site_request."),
      404: errorResponse("not_found."),
      ...COMMON_ERRORS,
    },
  });

  /** Following is a person's: an API key, or nobody, cannot follow. */
  function person(req: FastifyRequest, reply: FastifyReply): { userId: string } | { sent: FastifyReply } {
    const caller = callerOf(req);
    if (caller.kind === "session") return { userId: caller.userId };
    const code: ApiErrorCode = caller.kind === "client" ? "session_required" : "unauthorized";
    return { sent: sendApiError(req, reply, caller.kind === "client" ? 403 : 401, code) };
  }

  app.put<{ Params: { code: string } }>(
    "/cases/:code/followers/me",
    { config: apiRoute("write"), schema: followSchema("put") },
    async (req, reply) => {
      const who = person(req, reply);
      if ("sent" in who) return who.sent;
      const c = await loadCase(db, req.params.code);
      if (!c || !can(req.actor, "case.follow", caseSubject(c)))
        return sendApiError(req, reply, 404, "not_found");
      await followCase(db, c.kase.id, who.userId, clock.now());
      return reply.status(204).send();
    },
  );

  app.delete<{ Params: { code: string } }>(
    "/cases/:code/followers/me",
    { config: apiRoute("write"), schema: followSchema("delete") },
    async (req, reply) => {
      const who = person(req, reply);
      if ("sent" in who) return who.sent;
      const c = await loadCase(db, req.params.code);
      // One may always stop following a case one follows, even one no longer visible to them.
      if (
        !c ||
        (!can(req.actor, "case.follow", caseSubject(c)) && !(await isFollowing(db, c.kase.id, who.userId)))
      )
        return sendApiError(req, reply, 404, "not_found");
      await unfollowCase(db, c.kase.id, who.userId);
      return reply.status(204).send();
    },
  );

  // ── Categories

  app.get<{ Querystring: { municipality?: unknown } }>(
    "/categories",
    {
      config: apiRoute("read"),
      schema: {
        tags: ["categories"],
        operationId: "listCategories",
        summary: "What a municipality takes",
        description:
          "The categories a municipality offers, of every type, with their extra questions (Open311 attribute types): what POST /api/v1/cases accepts there.",
        security: SECURITY.open,
        querystring: {
          type: "object",
          properties: {
            municipality: { type: "string", description: "A municipality's slug.", examples: ["prishtine"] },
          },
          required: ["municipality"],
        },
        response: {
          200: { description: "The categories.", ...jsonSchema(categoriesOutput) },
          400: errorResponse("invalid_query: no municipality, or none with this slug."),
          ...COMMON_ERRORS,
        },
      },
    },
    async (req, reply) => {
      const slug = req.query?.municipality;
      const municipality =
        typeof slug === "string" && slug.length <= 100 && !slug.includes("\u0000")
          ? await activeMunicipality(db, slug)
          : undefined;
      if (!municipality)
        return sendApiError(req, reply, 400, "invalid_query", {
          fields: {
            municipality: slug === undefined ? "api.fields.required" : "api.errors.unknown_municipality",
          },
        });
      const byType = await Promise.all(
        CASE_TYPES.map(async (type) => ({
          type,
          offered: await offeredCategories(db, municipality.id, type),
        })),
      );
      return reply.send({
        municipality: {
          slug: municipality.slug,
          name: municipality.name,
          languages: offeredLanguages(municipality.languages),
        },
        categories: byType.flatMap(({ type, offered }) =>
          offered.map((c) => ({
            code: c.code,
            type,
            group: c.group,
            name: c.name,
            accountRequired: needsAccount(type, c),
            questions: c.questions,
          })),
        ),
      });
    },
  );
}
