// Every user-visible string comes from the catalogs in src/web/catalogs (one JSON file per language).
// i18next gives plurals through Intl.PluralRules (Serbian and Bosnian have one/few/other, Albanian,
// English and Turkish one/other). How languages are offered and chosen: docs/LANGUAGES.md.
import { readFileSync } from "node:fs";
import i18next, { type TFunction } from "i18next";
import {
  ALL_LANGUAGES,
  DEFAULT_LANGUAGE,
  FALLBACK,
  isLanguage,
  LANGUAGES,
  type Language,
  MUNICIPAL_LANGUAGES,
  type MunicipalLanguage,
  offeredLanguages,
} from "./i18n-types.ts";

export {
  ALL_LANGUAGES,
  DEFAULT_LANGUAGE,
  FALLBACK,
  isLanguage,
  LANGUAGES,
  type Language,
  MUNICIPAL_LANGUAGES,
  type MunicipalLanguage,
  offeredLanguages,
};
export type Translate = TFunction;

const catalogDir = new URL("../web/catalogs/", import.meta.url);

/** Reads a language's catalog from disk (also used by the catalog completeness test). */
export function readCatalog(lang: Language): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${lang}.json`, catalogDir), "utf8"));
}

let instance: typeof i18next | undefined;

/** One i18next instance for the process, initialised synchronously from the catalogs. */
export function i18n(): typeof i18next {
  if (instance) return instance;
  const created = i18next.createInstance();
  created.init({
    initAsync: false,
    resources: Object.fromEntries(ALL_LANGUAGES.map((l) => [l, { translation: readCatalog(l) }])),
    lng: DEFAULT_LANGUAGE,
    fallbackLng: false,
    supportedLngs: [...ALL_LANGUAGES],
    // Pages escape at output (kitajs `safe`); escaping here too would double-escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

const numberFormats = new Map<Language, Intl.NumberFormat>();

/** A count as the language writes numbers: "12 345" in Albanian, "12.345" in Serbian, "12,345" in English. */
export function formatNumber(lang: Language, n: number): string {
  let f = numberFormats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === "sr" ? "sr-Latn" : lang);
    numberFormats.set(lang, f);
  }
  return f.format(n);
}

const translators = new Map<Language, Translate>();
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** Option names i18next gives a meaning to: a call with any of them is left to i18next. */
const I18NEXT_OPTIONS = new Set([
  "count",
  "context",
  "ordinal",
  "defaultValue",
  "lng",
  "lngs",
  "ns",
  "returnObjects",
  "returnDetails",
  "joinArrays",
  "postProcess",
  "interpolation",
  "skipInterpolation",
  "replace",
  "keyPrefix",
  "fallbackLng",
]);

/** The options as placeholder values when they are only strings and numbers under plain names. */
function simpleValues(options: unknown): Record<string, string> | undefined {
  if (typeof options !== "object" || options === null || Object.getPrototypeOf(options) !== Object.prototype)
    return undefined;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(options)) {
    if (I18NEXT_OPTIONS.has(name)) return undefined;
    if (typeof value === "string") values[name] = value;
    else if (typeof value === "number") values[name] = String(value);
    else return undefined;
  }
  return values;
}

/**
 * A translate function fixed to one language. A key looked up without options always gives the same
 * string (the catalogs do not change while the process runs), so that answer is remembered: i18next's
 * own lookup (nesting, plural and context resolution) was a tenth of a page's rendering time.
 */
export function translator(lang: Language): Translate {
  const known = translators.get(lang);
  if (known) return known;
  const fixed = i18n().getFixedT(lang);
  const plain = new Map<string, string>();
  const lookUp = (key: string) => {
    let found = plain.get(key);
    if (found === undefined) {
      found = (fixed as (k: string) => string)(key);
      plain.set(key, found);
    }
    return found;
  };
  const t = ((key: unknown, ...rest: unknown[]) => {
    if (typeof key === "string") {
      if (rest.length === 0) return lookUp(key);
      // Plain {{placeholders}} filled with strings or numbers (what the catalogs use, checked against
      // i18next for every key by i18n.test.ts); plurals, context and i18next's options go to i18next.
      const values = rest.length === 1 ? simpleValues(rest[0]) : undefined;
      if (values) return lookUp(key).replace(PLACEHOLDER, (whole, name: string) => values[name] ?? whole);
      // A count chooses the plural form and is shown as the language writes numbers ("12 345" in
      // Albanian, "12.345" in Serbian): i18next fills the text from `replace` when given one.
      const options = rest[0] as { count?: unknown; replace?: unknown } | undefined;
      if (rest.length === 1 && typeof options?.count === "number" && options.replace === undefined)
        return (fixed as unknown as (...a: unknown[]) => string)(key, {
          ...options,
          replace: { ...options, count: formatNumber(lang, options.count) },
        });
    }
    return (fixed as unknown as (...a: unknown[]) => string)(key, ...rest);
  }) as unknown as Translate;
  translators.set(lang, t);
  return t;
}

/**
 * The best language for an Accept-Language header among those offered, or undefined.
 * Quality values are honoured; "sr-Latn-RS" matches "sr", "en-GB" matches "en".
 */
export function negotiateLanguage(
  header: string | undefined,
  offered: readonly Language[] = LANGUAGES,
): Language | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const quality = q ? Number.parseFloat(q.slice(2)) : 1;
      return {
        base: tag.toLowerCase().split("-")[0] ?? "",
        quality: Number.isFinite(quality) ? quality : 0,
        index,
      };
    })
    .filter((r) => r.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const r of ranked) {
    const found = offered.find((l) => l === r.base);
    if (found) return found;
  }
  return undefined;
}

/** A language's own fallback among those offered everywhere (FALLBACK); itself for sq, sr and en. */
export function fallbackOf(lang: Language): (typeof LANGUAGES)[number] {
  return lang === "tr" || lang === "bs" ? FALLBACK[lang] : lang;
}

/**
 * The language of a page: the remembered choice when the page offers it; else that choice's fallback
 * (a Bosnian reader on a page without Bosnian reads Serbian, not the browser's English); else the best
 * offered language the browser asks for, or the fallback of the first catalog language it asks for; else
 * Albanian. A choice not offered here is kept (the cookie is not rewritten): the next page that offers it
 * shows it again.
 */
export function pageLanguage(p: {
  remembered: string | undefined;
  acceptLanguage: string | undefined;
  offered: readonly Language[];
}): Language {
  if (isLanguage(p.remembered))
    return p.offered.includes(p.remembered) ? p.remembered : fallbackOf(p.remembered);
  const asked = negotiateLanguage(p.acceptLanguage, p.offered);
  if (asked) return asked;
  const known = negotiateLanguage(p.acceptLanguage, ALL_LANGUAGES);
  return known ? fallbackOf(known) : DEFAULT_LANGUAGE;
}
