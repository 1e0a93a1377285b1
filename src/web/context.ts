// Per-request page context: the language chosen for this request and what every page template needs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  DEFAULT_LANGUAGE,
  isLanguage,
  type Language,
  negotiateLanguage,
  type Translate,
  translator,
} from "../kernel/i18n.ts";
import type { Assets } from "./assets.ts";

export const LANGUAGE_COOKIE = "lang";

declare module "fastify" {
  interface FastifyRequest {
    lang: Language;
    t: Translate;
  }
}

export interface PageContext {
  lang: Language;
  t: Translate;
  /** The current path and query, for the language switch to come back to. */
  path: string;
  assets: Assets;
  ministry: Record<Language, string>;
  /** The country profile's time zone: dates and times are shown in it. */
  timeZone: string;
  /** The signed-in person, for the header; undefined for a visitor. */
  user: { name: string } | undefined;
  /** The tile server maps draw on; undefined: maps are off and pages show their text alone. */
  map: { tileUrl: string; attribution: string } | undefined;
  /** The CSRF token for the page's forms. */
  readonly csrf: string;
}

/** The language of a request: the remembered choice (cookie), else Accept-Language, else Albanian. */
export function chooseLanguage(req: FastifyRequest): Language {
  const remembered = req.cookies?.[LANGUAGE_COOKIE];
  if (isLanguage(remembered)) return remembered;
  return negotiateLanguage(req.headers["accept-language"]) ?? DEFAULT_LANGUAGE;
}

export function registerLanguage(app: FastifyInstance): void {
  app.decorateRequest("lang", DEFAULT_LANGUAGE);
  app.decorateRequest("t", null as unknown as Translate);
  app.addHook("onRequest", async (req) => {
    req.lang = chooseLanguage(req);
    req.t = translator(req.lang);
  });
}

/** Sends a rendered page as HTML with a status. */
export async function sendPage(reply: FastifyReply, html: string | Promise<string>, status = 200) {
  return reply
    .status(status)
    .type("text/html; charset=utf-8")
    .header("cache-control", "no-store")
    .send(await html);
}

/** True when the caller wants JSON rather than a page: API paths, or an Accept header that asks for it. */
export function wantsJson(req: FastifyRequest): boolean {
  const path = req.url.split("?")[0] ?? "";
  if (path.startsWith("/api/") || path.startsWith("/open311/") || path === "/healthz") return true;
  const accept = req.headers.accept ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** A local path to return to after a redirect; anything else (another host, a scheme) becomes "/". */
export function safeLocalPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.includes("\\"))
    return "/";
  return next.length > 2000 ? "/" : next;
}
