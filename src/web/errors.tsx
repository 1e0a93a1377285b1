// One place that turns every failure into an answer in the user's language: an HTML page for people, a
// JSON error with a machine-readable code for programs. Nothing ever shows a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { NotAllowedError } from "../access/policy.ts";
import { sendPage, wantsJson } from "./context.ts";
import { Layout } from "./layout.tsx";
import { pageContext } from "./pageContext.ts";

export type ErrorCode =
  | "not_found"
  | "bad_request"
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
