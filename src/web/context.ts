// Per-request page context: the language chosen for this request and what every page template needs.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  type Language,
  offeredLanguages,
  pageLanguage,
  type Translate,
  translator,
} from "../kernel/i18n.ts";
import { referenceData } from "../reference/referenceCache.ts";
import type { Assets } from "./assets.ts";

export const LANGUAGE_COOKIE = "lang";

declare module "fastify" {
  interface FastifyRequest {
    lang: Language;
    t: Translate;
    /**
     * The languages this request's page is offered in (the language switch lists them): sq, sr and en,
     * and tr or bs where the page's municipality has switched them on.
     */
    languages: readonly Language[];
  }
  interface FastifyContextConfig {
    /**
     * For a page of one municipality whose address names it by neither `/m/:slug` nor a tracking code
     * (a consultation by id, a draft by token): the municipality's slug, so its languages are offered.
     * Called before the handler, on every request to the route: keep it to one indexed lookup.
     */
    municipalityOf?: (req: FastifyRequest) => Promise<string | undefined> | string | undefined;
  }
}

export interface PageContext {
  lang: Language;
  t: Translate;
  /** The current path and query, for the language switch to come back to. */
  path: string;
  /** The languages the page is offered in (req.languages); absent: sq, sr, en and the page's own. */
  languages?: readonly Language[];
  assets: Assets;
  ministry: { sq: string; sr: string; en: string };
  /** The country profile's time zone: dates and times are shown in it. */
  timeZone: string;
  /** The signed-in person, for the header; undefined for a visitor. */
  user: { name: string } | undefined;
  /** The tile server maps draw on; undefined: maps are off and pages show their text alone. */
  map: { tileUrl: string; attribution: string } | undefined;
  /** The CSRF token for the page's forms. */
  readonly csrf: string;
}

/** A tracking code names its municipality by its first three letters (PRZ-2026-000123). */
const TRACKING_CODE = /^([A-Z]{3})-\d{4}-\d{6,}$/;
const slugsByCode = new WeakMap<object, Map<string, string>>();

/**
 * The slug of the municipality a request's page belongs to, read from its route: the route's own
 * `municipalityOf`, a `/m/:slug` address, or a tracking code parameter. Undefined: a national page.
 */
export async function pageMunicipality(req: FastifyRequest): Promise<string | undefined> {
  const config = req.routeOptions.config as { municipalityOf?: (r: FastifyRequest) => unknown } | undefined;
  if (config?.municipalityOf) {
    const slug = await config.municipalityOf(req);
    return typeof slug === "string" ? slug : undefined;
  }
  const params = (req.params ?? {}) as Record<string, unknown>;
  if (typeof params.slug === "string" && req.routeOptions.url?.startsWith("/m/:slug")) return params.slug;
  const code = typeof params.code === "string" ? TRACKING_CODE.exec(params.code)?.[1] : undefined;
  if (!code) return undefined;
  const { profile } = req.server.deps;
  let slugs = slugsByCode.get(profile);
  if (!slugs) {
    slugs = new Map(profile.municipalities.map((m) => [m.code, m.slug]));
    slugsByCode.set(profile, slugs);
  }
  return slugs.get(code);
}

/** The languages offered on a request's page: its municipality's (reference data, in memory), or everywhere's. */
export async function pageLanguages(req: FastifyRequest): Promise<readonly Language[]> {
  const slug = await pageMunicipality(req);
  if (!slug) return LANGUAGES;
  const m = (await referenceData(req.server.deps.database.db)).municipalityBySlug(slug);
  return offeredLanguages(m?.languages);
}

/**
 * The language of a request among those offered (i18n.ts pageLanguage): the remembered choice (cookie),
 * its fallback where the page does not offer it, else Accept-Language, else Albanian.
 */
export function chooseLanguage(req: FastifyRequest, offered: readonly Language[] = LANGUAGES): Language {
  return pageLanguage({
    remembered: req.cookies?.[LANGUAGE_COOKIE],
    acceptLanguage: req.headers["accept-language"],
    offered,
  });
}

export function registerLanguage(app: FastifyInstance): void {
  app.decorateRequest("lang", DEFAULT_LANGUAGE);
  app.decorateRequest("t", null as unknown as Translate);
  app.decorateRequest("languages", null as unknown as readonly Language[]);
  app.addHook("onRequest", async (req) => {
    // First the languages every page has, so an error below is still answered in a language.
    req.languages = LANGUAGES;
    req.lang = chooseLanguage(req);
    req.t = translator(req.lang);
    let offered: readonly Language[];
    try {
      offered = await pageLanguages(req);
    } catch (e) {
      // The reference data could not be read: the page is still shown, in a language offered everywhere.
      req.log.warn({ err: e }, "page languages unavailable");
      return;
    }
    if (offered === LANGUAGES) return;
    req.languages = offered;
    req.lang = chooseLanguage(req, offered);
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

/** Control characters (they could end the Location header) and unpaired surrogates (no URL can carry them). */
const UNSENDABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A local path to return to after a redirect; anything else (another host, a scheme, a control
 * character) becomes "/". The rest of Unicode is percent-encoded, as a browser asks for it: a header
 * carries no character beyond Latin-1, and one there answered 500 (test/integration/hostile-uploads.test.ts).
 */
export function safeLocalPath(next: unknown): string {
  if (typeof next !== "string" || !next.startsWith("/") || next.startsWith("//") || next.includes("\\"))
    return "/";
  if (UNSENDABLE.test(next)) return "/";
  const sendable = next.replace(/[^\x21-\x7e]+/g, encodeURIComponent);
  return sendable.length > 2000 ? "/" : sendable;
}
