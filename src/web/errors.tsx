// One place that turns every failure into an answer in the user's language: an HTML page for people, a
// JSON error with a machine-readable code for programs. Nothing ever shows a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { NotAllowedError } from "../access/policy.ts";
import { sendApiError } from "../api/errors.ts";
import { LANGUAGES, translator } from "../kernel/i18n.ts";
import { sendRefusedUrl } from "../open311/errors.ts";
import { chooseLanguage, sendPage, wantsJson } from "./context.ts";
import { Layout } from "./layout.tsx";
import { pageContext } from "./pageContext.ts";

export type ErrorCode =
  | "not_found"
  | "bad_request"
  | "bad_url"
  | "url_too_long"
  | "invalid_json"
  | "empty_json"
  | "payload_too_large"
  | "upload_too_large"
  | "too_many_files"
  | "too_many_fields"
  | "unsupported_media_type"
  | "method_not_allowed"
  | "csrf"
  | "too_many_requests"
  | "unavailable"
  | "internal";

/** Which page (catalog section) shows each code to a person. */
const PAGE_KEY: Record<ErrorCode, string> = {
  not_found: "notFound",
  bad_request: "badRequest",
  bad_url: "badUrl",
  url_too_long: "urlTooLong",
  invalid_json: "badRequest",
  empty_json: "badRequest",
  payload_too_large: "payloadTooLarge",
  upload_too_large: "uploadTooLarge",
  too_many_files: "tooManyFiles",
  too_many_fields: "tooManyFields",
  unsupported_media_type: "unsupportedMediaType",
  method_not_allowed: "methodNotAllowed",
  csrf: "csrf",
  too_many_requests: "tooManyRequests",
  unavailable: "unavailable",
  internal: "internal",
};

export function ErrorPage({
  req,
  reply,
  code,
  detail,
}: {
  req: FastifyRequest;
  reply: FastifyReply;
  code: ErrorCode;
  detail?: string;
}) {
  const ctx = pageContext(req, reply);
  const { t } = ctx;
  const key = PAGE_KEY[code];
  const title = t(`errors.${key}.title`);
  const body =
    key === "badRequest"
      ? t("errors.badRequest.body", { detail: detail ?? t(`errors.api.${code}`, { detail: "" }) })
      : t(`errors.${key}.body`, { requestId: req.id, seconds: reply.getHeader("retry-after") ?? 60 });
  return (
    <Layout ctx={ctx} title={title}>
      <div class="error-page">
        <h1 safe>{title}</h1>
        <p safe>{body}</p>
        <p>
          <a href="/" safe>
            {t("errors.notFound.back")}
          </a>
        </p>
      </div>
    </Layout>
  );
}

/** Answers with an error in the form the caller wants. */
export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  detail?: string,
) {
  if (wantsJson(req)) {
    return reply.status(status).send({
      error: {
        code,
        message: req.t(`errors.api.${code}`, { detail: detail ?? "", requestId: req.id }),
        requestId: req.id,
      },
    });
  }
  return sendPage(
    reply,
    <ErrorPage req={req} reply={reply} code={code} {...(detail ? { detail } : {})} />,
    status,
  );
}

export function notFound(req: FastifyRequest, reply: FastifyReply) {
  return sendError(req, reply, 404, "not_found");
}

/** Maps a thrown error to a status and code; anything unexpected is a 500 that is logged, not shown. */
export function classify(err: FastifyError): { status: number; code: ErrorCode; detail?: string } {
  // Something the actor may not see or do answers as if it did not exist: a 403 would confirm it does.
  if (err instanceof NotAllowedError) return { status: 404, code: "not_found" };
  if (err.validation) return { status: 400, code: "bad_request", detail: err.message };
  switch (err.code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return { status: 400, code: "invalid_json" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, code: "empty_json" };
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, code: "payload_too_large" };
    // @fastify/multipart's limits (the photo upload route): a file, or the form, is too big.
    case "FST_REQ_FILE_TOO_LARGE":
      return { status: 413, code: "upload_too_large" };
    case "FST_FILES_LIMIT":
      return { status: 413, code: "too_many_files" };
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return { status: 413, code: "too_many_fields" };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, code: "unsupported_media_type" };
    case "FST_CSRF_MISSING_SECRET":
    case "FST_CSRF_INVALID_TOKEN":
      return { status: 403, code: "csrf" };
  }
  // A multipart body the parser (busboy) cannot read — no boundary, a broken part header, cut short —
  // comes as a plain Error with no status: it is the request that is wrong, not the server.
  if (/^(Multipart: |Unexpected end of (form|multipart data)|Malformed part header)/.test(err.message ?? ""))
    return { status: 400, code: "bad_request" };
  // A body that JSON.parse rejected surfaces as a SyntaxError with status 400.
  if (err instanceof SyntaxError && err.statusCode === 400) return { status: 400, code: "invalid_json" };
  const status = err.statusCode ?? 500;
  if (status === 405) return { status, code: "method_not_allowed" };
  if (status === 429) return { status, code: "too_many_requests" };
  if (status === 503) return { status, code: "unavailable" };
  if (status >= 400 && status < 500) return { status, code: "bad_request", detail: err.message };
  return { status: 500, code: "internal" };
}

export function installErrorHandling(app: FastifyInstance) {
  app.setNotFoundHandler((req, reply) => notFound(req, reply));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const { status, code, detail } = classify(err);
    if (status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code, status }, "request refused");
    // The language hook may not have run (an error before onRequest finished); fall back safely.
    if (!req.t) return reply.status(status).type("text/plain; charset=utf-8").send(code);
    return sendError(req, reply, status, code, detail);
  });
}

// ── What the router refuses before any hook runs

/**
 * The errors Fastify raises while finding the route, before any hook or route of the app has run (the
 * `frameworkErrors` option, app.ts): a path whose percent-encoding does not decode to UTF-8 (`%`, `%zz`,
 * `%E0%A4%A`), a path parameter longer than the router's maxParamLength (414, as Fastify has it), and a
 * failed async route constraint — the app declares none, and should one fail it is the request's header
 * the constraint could not read, so a 400 too. Anything else the router may add later is a 400 as well.
 */
export function classifyFrameworkError(err: FastifyError): { status: number; code: ErrorCode } {
  switch (err.code) {
    case "FST_ERR_BAD_URL":
      return { status: 400, code: "bad_url" };
    case "FST_ERR_MAX_PARAM_LENGTH":
      return { status: 414, code: "url_too_long" };
    default:
      return { status: 400, code: "bad_request" };
  }
}

/**
 * Answers a framework error in the shape of the area its URL names: Open311's error document under
 * /open311/, the REST API's error JSON under /api/, the site's error page (or JSON, by Accept) elsewhere.
 * The request has been through none of the app's hooks — no parsed cookies, no language, no session, and
 * its reply has none of the headers the hooks set — so what the answer needs is set here: the language
 * from the cookie or Accept-Language (no page, so the languages offered everywhere), the security headers
 * and the request id. The visitor is shown as signed out: the session is not read for a URL that leads
 * nowhere. Should anything fail in here, the status is kept and the code sent as text: never a 500.
 */
export async function answerFrameworkError(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const { status, code } = classifyFrameworkError(err);
  try {
    const { set, remove } = req.server.securityHeaders;
    reply.headers(set);
    for (const name of remove) reply.removeHeader(name);
    reply.header("x-request-id", req.id);
    req.cookies = req.server.parseCookie(req.headers.cookie ?? "");
    req.languages = LANGUAGES;
    req.lang = chooseLanguage(req);
    req.t = translator(req.lang);
    req.log.info({ code, status, reason: err.code }, "request refused by the router");
    const path = req.url;
    if (path.startsWith("/open311/"))
      return await sendRefusedUrl(
        reply,
        req.t,
        path,
        code === "bad_url" || code === "url_too_long" ? code : "bad_request",
      );
    if (path.startsWith("/api/")) return await sendApiError(req, reply, status, code);
    return await sendError(req, reply, status, code);
  } catch (e) {
    req.log.error({ err: e }, "could not answer a request the router refused");
    if (!reply.sent) return reply.status(status).type("text/plain; charset=utf-8").send(code);
  }
}
