// GeoReport v2's one error shape: `errors ⇊ error ↴ {code, description}`, an array even for one, with
// the HTTP status the specification asks for: 404 for what does not exist, 403 for a missing or wrong
// api_key, 400 for anything else. The code in the body is the HTTP status, as in the spec's examples;
// the description is for people, in the request's language (open311.errors.* in the catalogs).
import type { FastifyReply } from "fastify";
import type { Translate } from "../kernel/i18n.ts";
import { CONTENT_TYPE, type Format, list, serialize, splitFormat } from "./wire.ts";

/** One problem: its status and its message (a key under open311.errors, with values). */
export interface Problem {
  status: 400 | 403 | 404 | 429;
  key: string;
  values?: Record<string, string | number>;
}

export const problem = (
  status: Problem["status"],
  key: string,
  values?: Record<string, string | number>,
): Problem => ({ status, key, ...(values ? { values } : {}) });

/** The problems (at least one) as the spec's error document; its status is the first problem's. */
export function problemsAnswer(t: Translate, format: Format, problems: readonly Problem[]) {
  const body = list(
    "error",
    problems.map((p) => ({ code: p.status, description: t(`open311.errors.${p.key}`, p.values ?? {}) })),
  );
  return {
    status: problems[0]?.status ?? 400,
    type: CONTENT_TYPE[format],
    body: Buffer.from(serialize(format, "errors", body)),
  };
}

/** Sends the problems, listed most important first, as the spec's error document. */
export function sendProblems(
  reply: FastifyReply,
  t: Translate,
  format: Format,
  problems: readonly Problem[],
) {
  const answer = problemsAnswer(t, format, problems);
  return reply.status(answer.status).type(answer.type).header("cache-control", "no-store").send(answer.body);
}

/** The format a URL asks for by its last segment's extension; XML (the required format) when it names none. */
export function formatOfUrl(url: string): Format {
  const path = url.split("?")[0] ?? "";
  return splitFormat(path.slice(path.lastIndexOf("/") + 1)).format ?? "xml";
}

/**
 * A URL the router refused before any route ran (web/errors.tsx answerFrameworkError): percent-encoding
 * that does not decode (`bad_url`), a segment past the router's length limit (`url_too_long`), anything
 * else (`bad_request`). The spec's 400 in every case, in the format the raw URL's extension names.
 */
export function sendRefusedUrl(
  reply: FastifyReply,
  t: Translate,
  url: string,
  key: "bad_url" | "url_too_long" | "bad_request",
) {
  return sendProblems(reply, t, formatOfUrl(url), [problem(400, key)]);
}
