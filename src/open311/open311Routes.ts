// Open311 GeoReport v2 under /open311/v2 (docs/OPEN311.md): discovery, the service list and definitions,
// POST and GET service requests, one request, and tokens, each as .xml or .json. jurisdiction_id is a
// municipality's slug and is required wherever the specification has it (the endpoint serves 38).
//
// Everything under /open311 answers in the specification's shapes, errors included: its own not-found
// and error handlers, so an unknown path, a malformed body or a rate limit is an `errors` document too.
// Reads are public and kept a few seconds (responseCache.ts); a write needs an API client's key (the
// REST API's keys and per-key limits) and goes through submitCase like every other channel.
import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type ApiClient, ApiKeyResolver } from "../api/apiKeys.ts";
import { presentedKey, RATE_LIMITS } from "../api/auth.ts";
import { sameSubmission, scopedKey } from "../api/idempotency.ts";
import { IDEMPOTENCY_KEY } from "../api/schemas.ts";
import { baseUrl } from "../app.ts";
import { type SubmitCaseInput, submitCase } from "../cases/commands/submitCase.ts";
import { CASE_TYPES } from "../cases/statuses.ts";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import { formatDay } from "../cases/web/casePages.tsx";
import { cases, type municipalities } from "../db/schema.ts";
import { VISITOR } from "../identity/actor.ts";
import {
  ALL_LANGUAGES,
  isLanguage,
  type Language,
  negotiateLanguage,
  offeredLanguages,
  pageLanguage,
  translator,
} from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { LANGUAGE_COOKIE } from "../web/context.ts";
import { classify } from "../web/errors.tsx";
import { formatOfUrl, type Problem, problem, problemsAnswer, sendProblems } from "./errors.ts";
import { field, readRequestForm, titleFor } from "./requestForm.ts";
import { findRequests, requestRecord } from "./requestQueries.ts";
import { parseRequestQuery } from "./requestQuery.ts";
import { type CachedAnswer, ResponseCache } from "./responseCache.ts";
import { serviceDefinition, serviceRecord, servicesChangeset, servicesOf } from "./services.ts";
import { tokenFor, trackingCodeOf } from "./tokens.ts";
import { CONTENT_TYPE, type Format, list, serialize, splitFormat, type WireValue } from "./wire.ts";

export const OPEN311_PATH = "/open311/v2";
const SPECIFICATION = "http://wiki.open311.org/GeoReport_v2";

type Municipality = typeof municipalities.$inferSelect;
type FileParams = { Params: { file: string } };

declare module "fastify" {
  interface FastifyRequest {
    /** The API client of the key an Open311 request carries (a write needs one; a read may). */
    open311Client: ApiClient | undefined;
  }
}

/**
 * The language of names and messages, and of a POST's case: the one the client asks for (the site's
 * language cookie, or Accept-Language) among those the jurisdiction offers — Turkish and Bosnian only
 * where it has switched them on, else their fallback (tr → sq, bs → sr), as its pages do — else the
 * jurisdiction's majority language, else Albanian.
 */
function languageOf(req: FastifyRequest, m?: Municipality): Language {
  const remembered = req.cookies?.[LANGUAGE_COOKIE];
  const acceptLanguage = req.headers["accept-language"];
  if (isLanguage(remembered) || negotiateLanguage(acceptLanguage, ALL_LANGUAGES))
    return pageLanguage({ remembered, acceptLanguage, offered: offeredLanguages(m?.languages) });
  return m?.majority === "serb" ? "sr" : "sq";
}

/** Open311 routes answer in the specification's shapes, never the site's: the handlers of this scope. */
async function open311Scope(app: FastifyInstance) {
  const { database, clock, config, calendar, profile } = app.deps;
  const db = database.db;
  const timeZone = calendar.timeZone;
  const base = () => baseUrl(config);
  const ttlMs = config.pageCacheSeconds * 1000;
  const cache = new ResponseCache(ttlMs, () => Date.now());
  const resolver = new ApiKeyResolver(
    db,
    () => clock.now(),
    (err) => app.log.error({ err }, "could not record an API key's use"),
  );

  app.decorateRequest("open311Client", undefined);

  // ── Errors: every refusal is the spec's error document, in the format the URL asks for.

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status } = classify(err);
    const format = formatOfUrl(req.url);
    const t = translator(languageOf(req));
    if (status >= 500) {
      req.log.error({ err }, "Open311 request failed");
      // The spec's "general service error" is a 400 for whatever fails on the server's side too.
      return sendProblems(reply, t, format, [problem(400, "service_error", { requestId: req.id })]);
    }
    const p: Problem =
      status === 404
        ? problem(404, "not_found")
        : status === 429
          ? problem(429, "too_many_requests")
          : status === 413
            ? problem(400, "body_too_large")
            : status === 415
              ? problem(400, "content_type")
              : problem(400, "bad_request");
    return sendProblems(reply, t, format, [p]);
  });
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    sendProblems(reply, translator(languageOf(req)), formatOfUrl(req.url), [problem(404, "not_found")]);
  app.setNotFoundHandler(notFound);
  // Any other path or method under /open311 is a 404 in the spec's shape; as a route of its own it also
  // skips the form CSRF check a POST would otherwise meet (it is no browser form), as /api/v1 does.
  app.all("/*", { config: { csrf: false } }, notFound);

  // ── Rate limits: the REST API's, per API client when a key is sent, else per address; reads and
  // writes counted apart (src/api/auth.ts RATE_LIMITS). A read answered from the kept copy costs no more
  // than a public page and is not counted (public pages are not limited); one that reads the database is.
  // A write's key is in its body, so its limit is taken once the body is read and the key known.

  const bucket = (req: FastifyRequest) => {
    const kind = req.method === "POST" ? "write" : "read";
    const client = req.open311Client;
    return client
      ? { key: `open311:${kind}:client:${client.id}`, max: client.rateLimit ?? RATE_LIMITS.client[kind] }
      : { key: `open311:${kind}:ip:${req.ip}`, max: RATE_LIMITS.visitor[kind] };
  };
  const limiter = app.rateLimit({
    timeWindow: 60_000,
    keyGenerator: (req) => bucket(req).key,
    max: (req) => bucket(req).max,
  });
  /** Counts a read that will reach the database; throws the 429 past the limit. */
  async function limitRead(req: FastifyRequest, reply: FastifyReply) {
    // A read needs no key; one that is sent and valid earns its client's limit, any other is ignored.
    const key = presentedKey(req);
    if (key) req.open311Client = await resolver.resolve(key);
    await limiter.call(app, req, reply);
  }

  /** The kept answer of `key` when there is one, else `make`'s, counted against the read limit. */
  async function cached(
    req: FastifyRequest,
    reply: FastifyReply,
    key: string,
    make: () => Promise<CachedAnswer>,
  ) {
    const kept = cache.peek(key);
    if (kept) return kept;
    await limitRead(req, reply);
    return cache.get(key, make);
  }

  // ── Answers.

  function send(req: FastifyRequest, reply: FastifyReply, answer: CachedAnswer) {
    reply
      .status(answer.status)
      .type(answer.type)
      .header("vary", "accept-language, accept-encoding, cookie")
      // Public data without credentials: any site's script may read it (a map of a municipality's reports).
      .header("access-control-allow-origin", "*")
      .header(
        "cache-control",
        answer.status !== 200
          ? "no-store"
          : ttlMs > 0
            ? `public, max-age=${config.pageCacheSeconds}`
            : "no-cache",
      );
    if (answer.body.length > 1024 && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
      return reply.header("content-encoding", "gzip").send(ResponseCache.gzipped(answer));
    }
    return reply.send(answer.body);
  }

  const answer = (format: Format, root: string, value: WireValue, status = 200): CachedAnswer => ({
    status,
    type: CONTENT_TYPE[format],
    body: Buffer.from(serialize(format, root, value)),
  });

  /** The format of a `name.format` segment, or the refusal already sent. */
  function formatOf(req: FastifyRequest, reply: FastifyReply, file: string) {
    const { name, format } = splitFormat(file);
    if (!format) {
      void sendProblems(reply, translator(languageOf(req)), "xml", [problem(400, "format")]);
      return undefined;
    }
    return { name, format };
  }

  /** The jurisdiction a request names, or the refusal already sent (400 not given, 404 unknown). */
  async function jurisdiction(req: FastifyRequest, reply: FastifyReply, format: Format, given: unknown) {
    const slug = typeof given === "string" ? given.trim() : Array.isArray(given) ? undefined : "";
    const t = () => translator(languageOf(req));
    if (slug === undefined)
      return void (await sendProblems(reply, t(), format, [
        problem(400, "repeated", { field: "jurisdiction_id" }),
      ]));
    if (!slug) return void (await sendProblems(reply, t(), format, [problem(400, "jurisdiction_missing")]));
    const m =
      slug.length <= 100
        ? (await referenceData(db, clock.now().getTime())).municipalityBySlug(slug)
        : undefined;
    if (!m)
      return void (await sendProblems(reply, t(), format, [
        problem(404, "jurisdiction_unknown", { jurisdiction: slug.slice(0, 100) }),
      ]));
    return m;
  }

  const jurisdictionOf = (req: FastifyRequest) =>
    (req.query as Record<string, unknown> | undefined)?.jurisdiction_id;

  // ── Discovery (no jurisdiction: it describes the endpoint that serves them all).

  async function discovery(req: FastifyRequest, reply: FastifyReply, format: Format) {
    const lang = languageOf(req);
    const made = await cached(req, reply, `discovery|${format}|${lang}`, async () => {
      const t = translator(lang);
      const changeset = await servicesChangeset(db);
      return answer(format, "discovery", {
        changeset,
        contact: t("open311.discovery.contact", { ministry: localized(profile.ministry, lang), url: base() }),
        key_service: t("open311.discovery.keyService", { ministry: localized(profile.ministry, lang) }),
        endpoints: list("endpoint", [
          {
            specification: SPECIFICATION,
            url: `${base()}${OPEN311_PATH}`,
            changeset,
            type: config.demo ? "test" : "production",
            formats: list("format", [CONTENT_TYPE.xml.split(";")[0]!, CONTENT_TYPE.json.split(";")[0]!]),
          },
        ]),
      });
    });
    return send(req, reply, made);
  }

  // ── The service list.

  async function serviceList(req: FastifyRequest, reply: FastifyReply, format: Format) {
    const m = await jurisdiction(req, reply, format, jurisdictionOf(req));
    if (!m) return reply;
    const lang = languageOf(req, m);
    const made = await cached(req, reply, `services|${format}|${lang}|${m.slug}`, async () => {
      const t = translator(lang);
      const services = await servicesOf(db, m.id);
      return answer(
        format,
        "services",
        list(
          "service",
          services.map((s) => serviceRecord(s, lang, t)),
        ),
      );
    });
    return send(req, reply, made);
  }

  // ── Service requests.

  async function requestList(req: FastifyRequest, reply: FastifyReply, format: Format) {
    const m = await jurisdiction(req, reply, format, jurisdictionOf(req));
    if (!m) return reply;
    const lang = languageOf(req, m);
    // Kept by the address as asked: a poller's repeat is answered without even reading its arguments.
    const made = await cached(req, reply, `requests|${lang}|${req.url}`, async () => {
      const parsed = parseRequestQuery(req.query, clock.now());
      if (!parsed.ok) return problemsAnswer(translator(lang), format, parsed.problems);
      const q = parsed.value;
      const rows =
        q.codes?.length === 0
          ? []
          : await findRequests(db, {
              municipalityId: m.id,
              codes: q.codes,
              serviceCodes: q.serviceCodes,
              from: q.from,
              to: q.to,
              statuses: q.statuses,
              limit: q.pageSize,
              offset: (q.page - 1) * q.pageSize,
            });
      const ctx = { lang, timeZone, baseUrl: base() };
      const items = rows.flatMap((r) => requestRecord(r, ctx) ?? []);
      return answer(format, "service_requests", list("request", items));
    });
    return send(req, reply, made);
  }

  // ── The routes.

  app.get<FileParams>("/v2/:file", async (req, reply) => {
    const f = formatOf(req, reply, req.params.file);
    if (!f) return reply;
    switch (f.name) {
      case "discovery":
        return discovery(req, reply, f.format);
      case "services":
        return serviceList(req, reply, f.format);
      case "requests":
        return requestList(req, reply, f.format);
      default:
        return sendProblems(reply, translator(languageOf(req)), f.format, [problem(404, "not_found")]);
    }
  });

  app.get<FileParams>("/v2/services/:file", async (req, reply) => {
    const f = formatOf(req, reply, req.params.file);
    if (!f) return reply;
    const m = await jurisdiction(req, reply, f.format, jurisdictionOf(req));
    if (!m) return reply;
    const lang = languageOf(req, m);
    const t = translator(lang);
    const code = f.name;
    if (!code) return sendProblems(reply, t, f.format, [problem(400, "service_code_missing")]);
    const made = await cached(req, reply, `service|${f.format}|${lang}|${m.slug}|${code}`, async () => {
      const found = (await servicesOf(db, m.id)).find((s) => s.category.code === code);
      if (!found) return { status: 404, type: "", body: Buffer.alloc(0) };
      return answer(f.format, "service_definition", serviceDefinition(found, lang, t));
    });
    if (made.status === 404)
      return sendProblems(reply, t, f.format, [
        problem(404, "service_code_unknown", { code: code.slice(0, 100), jurisdiction: m.slug }),
      ]);
    return send(req, reply, made);
  });

  app.get<FileParams>("/v2/requests/:file", async (req, reply) => {
    const f = formatOf(req, reply, req.params.file);
    if (!f) return reply;
    const m = await jurisdiction(req, reply, f.format, jurisdictionOf(req));
    if (!m) return reply;
    const lang = languageOf(req, m);
    const code = f.name.toUpperCase();
    const made = await cached(req, reply, `request|${f.format}|${lang}|${m.slug}|${code}`, async () => {
      const [row] = TRACKING_CODE_PATTERN.test(code)
        ? await findRequests(db, {
            municipalityId: m.id,
            codes: [code],
            from: clock.now(),
            to: clock.now(),
            limit: 1,
            offset: 0,
          })
        : [];
      const record = row ? requestRecord(row, { lang, timeZone, baseUrl: base() }) : undefined;
      if (!record) return { status: 404, type: "", body: Buffer.alloc(0) };
      return answer(f.format, "service_requests", list("request", [record]));
    });
    if (made.status === 404)
      return sendProblems(reply, translator(lang), f.format, [
        problem(404, "request_not_found", { id: f.name.slice(0, 100), jurisdiction: m.slug }),
      ]);
    return send(req, reply, made);
  });

  app.get<FileParams>("/v2/tokens/:file", async (req, reply) => {
    const f = formatOf(req, reply, req.params.file);
    if (!f) return reply;
    const m = await jurisdiction(req, reply, f.format, jurisdictionOf(req));
    if (!m) return reply;
    const t = translator(languageOf(req, m));
    if (!f.name) return sendProblems(reply, t, f.format, [problem(400, "token_missing")]);
    await limitRead(req, reply);
    const code = await trackingCodeOf(db, f.name);
    // The case is looked for in the jurisdiction only; a token names it whatever its visibility now.
    const [found] = code
      ? await db
          .select({ code: cases.trackingCode })
          .from(cases)
          .where(and(eq(cases.trackingCode, code), eq(cases.municipalityId, m.id)))
          .limit(1)
      : [];
    if (!found) return sendProblems(reply, t, f.format, [problem(404, "token_not_found")]);
    return send(
      req,
      reply,
      answer(
        f.format,
        "service_requests",
        list("request", [{ service_request_id: found.code, token: f.name }]),
      ),
    );
  });

  // ── POST a service request.

  app.post<FileParams & { Body: unknown }>(
    "/v2/:file",
    { config: { csrf: false }, bodyLimit: 64 * 1024 },
    async (req, reply) => {
      const f = formatOf(req, reply, req.params.file);
      if (!f) return reply;
      const format = f.format;
      const refuse = (problems: Problem[], lang = languageOf(req)) =>
        sendProblems(reply, translator(lang), format, problems);
      if (f.name !== "requests") return refuse([problem(404, "not_found")]);
      if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(String(req.headers["content-type"] ?? "")))
        return refuse([problem(400, "content_type")]);
      const body = (req.body ?? {}) as Record<string, string | string[] | undefined>;
      // Some clients put api_key and jurisdiction_id in the query string of their POST: read there too.
      const query = (req.query ?? {}) as Record<string, string | string[] | undefined>;

      // Who: the key, from the form (the spec's api_key), the query string, or the REST API's headers.
      const key = field(body, "api_key") ?? field(query, "api_key") ?? presentedKey(req);
      if (!key) return refuse([problem(403, "api_key_missing")]);
      const client = await resolver.resolve(key);
      if (!client) return refuse([problem(403, "api_key_invalid")]);
      req.open311Client = client;
      await limiter.call(app, req, reply);

      // Where, and what.
      const m = await jurisdiction(req, reply, format, body.jurisdiction_id ?? query.jurisdiction_id);
      if (!m) return reply;
      const lang = languageOf(req, m);
      if (client.municipality && client.municipality.slug !== m.slug)
        return refuse(
          [problem(403, "api_key_municipality", { jurisdiction: client.municipality.slug })],
          lang,
        );
      const serviceCode = field(body, "service_code");
      if (!serviceCode) return refuse([problem(400, "service_code_missing")], lang);
      const ref = await referenceData(db, clock.now().getTime());
      const offered = CASE_TYPES.flatMap((type) => {
        const o = serviceCode.length <= 100 ? ref.offeredCategory(m.id, type, serviceCode) : undefined;
        return o ? [{ type, ...o }] : [];
      })[0];
      if (!offered)
        return refuse(
          [problem(404, "service_code_unknown", { code: serviceCode.slice(0, 100), jurisdiction: m.slug })],
          lang,
        );
      if (offered.type === "proposal" || !offered.category.anonymousAllowed)
        return refuse([problem(400, "account_required")], lang);
      const form = readRequestForm(body);
      if (!form.ok) return refuse(form.problems, lang);
      const header = req.headers["idempotency-key"];
      if (header !== undefined && (typeof header !== "string" || !IDEMPOTENCY_KEY.test(header)))
        return refuse([problem(400, "idempotency_key_invalid")], lang);

      const v = form.value;
      const input: SubmitCaseInput = {
        municipality: m.slug,
        type: offered.type,
        category: offered.category.code,
        answers: v.answers,
        title: titleFor(v.description, localized(offered.category.name, lang)),
        description: v.description,
        location: v.location,
        address: v.address,
        contact: { ...v.contact, showName: false },
        language: lang,
        channel: "api",
        // The REST API's scoping: one Idempotency-Key of one client is one case, through either API.
        idempotencyKey: scopedKey(
          { client: client.id },
          typeof header === "string" ? header : `open311:${randomUUID()}`,
        ),
      };
      const result = await submitCase(input, {
        db,
        now: clock.now(),
        calendar,
        bounds: profile.bounds,
        baseUrl: base(),
        poke: app.deps.pokeOutbox,
        // An API key acts as a visitor (src/api/auth.ts), whatever cookie comes with it.
        actor: VISITOR,
        ip: req.ip,
      });
      if (!result.ok) {
        if (result.reason === "invalid_answers")
          return refuse(
            Object.entries(result.errors).map(([code, message]) =>
              problem(400, "attribute_invalid", { code, message: translator(lang)(message) }),
            ),
            lang,
          );
        const status =
          result.reason === "unknown_municipality" || result.reason === "category_not_offered" ? 404 : 400;
        return refuse([problem(status, result.reason)], lang);
      }
      if (!result.created && !(await sameSubmission(db, result.caseId, input, true)))
        return refuse([problem(400, "idempotency_key_reused")], lang);

      cache.clear();
      const code = result.trackingCode;
      const notice = translator(lang)("open311.serviceNotice", {
        code,
        date: formatDay({ lang, timeZone }, result.responseDueAt, true),
        url: `${base()}/cases/${code}`,
      });
      const made = answer(
        format,
        "service_requests",
        list("request", [
          {
            service_request_id: code,
            token: await tokenFor(db, code),
            service_notice: notice,
            account_id: null,
          },
        ]),
        result.created ? 201 : 200,
      );
      return reply
        .status(made.status)
        .type(made.type)
        .header("cache-control", "no-store")
        .header("location", `${base()}${OPEN311_PATH}/requests/${code}.${format}?jurisdiction_id=${m.slug}`)
        .header("idempotent-replayed", result.created ? "false" : "true")
        .send(made.body);
    },
  );
}

export async function open311Routes(app: FastifyInstance): Promise<void> {
  await app.register(open311Scope, { prefix: "/open311" });
}
