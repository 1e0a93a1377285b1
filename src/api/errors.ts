// The API's one error shape: `{ "error": { "code", "message", "fields"?, "requestId" } }` with a 4xx
// (or 5xx) status. `code` is for programs and never changes meaning; `message` is for people, in the
// request's language (Accept-Language, sq, sr or en); `fields` names each refused field by its path
// ("title", "contact.email", "answers.depth") with a message in the same language.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { Translate } from "../kernel/i18n.ts";
import type { ErrorCode } from "../web/errors.tsx";
import { errorText, type FieldErrors } from "../web/forms.tsx";

/** The codes the API adds to the platform's (web/errors.tsx ErrorCode), each with `api.errors.<code>`. */
export const API_ERROR_CODES = [
  "unauthorized",
  "invalid_api_key",
  "session_required",
  "municipality_not_allowed",
  "idempotency_key_required",
  "idempotency_key_invalid",
  "idempotency_key_reused",
  "json_required",
  "cross_site_request",
  "validation_failed",
  "invalid_query",
  "unknown_municipality",
  "category_not_offered",
  "account_required",
  "location_required",
  "received_in_future",
  "outside_area",
  "invalid_answers",
  "case_closed",
  "case_changed",
  "photo_window_closed",
  "too_many_photos",
  "photo_refused",
  "no_file",
  "invalid_multipart",
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number] | ErrorCode;

const OWN = new Set<string>(API_ERROR_CODES);

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; fields?: Record<string, string>; requestId: string };
}

/** The message of a code in the request's language. */
export function errorMessage(t: Translate, code: ApiErrorCode, values: Record<string, unknown> = {}) {
  return OWN.has(code) ? t(`api.errors.${code}`, values) : t(`errors.api.${code}`, { detail: "", ...values });
}

/** Answers with the API's error shape. */
export function sendApiError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: ApiErrorCode,
  options: { fields?: FieldErrors; values?: Record<string, unknown> } = {},
) {
  const t = req.t;
  const body: ApiErrorBody = {
    error: {
      code,
      message: errorMessage(t, code, { requestId: req.id, ...options.values }),
      ...(options.fields && Object.keys(options.fields).length > 0
        ? { fields: translateFields(t, options.fields) }
        : {}),
      requestId: req.id,
    },
  };
  return reply.status(status).header("cache-control", "no-store").send(body);
}

export function translateFields(t: Translate, fields: FieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, errorText(t, v)]));
}

/**
 * A zod problem as a field error (a catalog key and its values): the path joined with dots, the message
 * chosen by the kind of problem, so one set of messages serves every schema. A schema's own message, when
 * it is a catalog key, wins.
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const base = issue.path.map(String).join(".");
    // An unknown key is named where it is, not at the object that holds it.
    const paths =
      issue.code === "unrecognized_keys"
        ? issue.keys.map((key) => (base ? `${base}.${key}` : key))
        : [base || "body"];
    for (const path of paths) fields[path] ??= issueMessage(issue);
  }
  return fields;
}

const CATALOG_KEY = /^[a-z][A-Za-z]*(\.[A-Za-z_]+)+$/;

function issueMessage(issue: z.core.$ZodIssue): FieldErrors[string] {
  if (CATALOG_KEY.test(issue.message)) return issue.message;
  // Parsed with reportInput: a field that is not there at all is missing, whatever it should have been.
  if ("input" in issue && issue.input === undefined && issue.code !== "unrecognized_keys")
    return "api.fields.required";
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "object" && issue.path.length === 0
        ? "api.fields.object"
        : ["api.fields.type", { expected: issue.expected }];
    case "too_big":
      if (issue.origin === "string") return ["api.fields.tooLong", { max: Number(issue.maximum) }];
      if (issue.origin === "array" || issue.origin === "set")
        return ["api.fields.tooMany", { max: Number(issue.maximum) }];
      return ["api.fields.tooBig", { max: Number(issue.maximum) }];
    case "too_small":
      if (issue.origin === "string") return "api.fields.empty";
      if (issue.origin === "array" || issue.origin === "set") return "api.fields.empty";
      return ["api.fields.tooSmall", { min: Number(issue.minimum) }];
    case "invalid_value":
      return ["api.fields.oneOf", { values: issue.values.map(String).join(", ") }];
    case "invalid_format":
      return issue.format === "email" ? "api.fields.email" : "api.fields.invalid";
    case "unrecognized_keys":
      return "api.fields.unknown";
    case "custom": {
      // Our own refinements: a length counted in characters carries its limit.
      const max = (issue.params as { max?: number } | undefined)?.max;
      return max !== undefined ? ["api.fields.tooLong", { max }] : "api.fields.invalid";
    }
    default:
      return "api.fields.invalid";
  }
}
