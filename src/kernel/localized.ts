import type { LocalizedText } from "../db/schema.ts";
import { FALLBACK, type Language } from "./i18n-types.ts";

/**
 * A stored multilingual name in the page's language. A Turkish or Bosnian page shows the name in its own
 * language where one is stored, else in its fallback language (Bosnian → Serbian, Turkish → Albanian);
 * anything missing falls back to Albanian, the first official language.
 */
export function localized(text: Partial<LocalizedText> & { sq: string }, lang: Language): string {
  const own = text[lang];
  if (own) return own;
  if (lang === "tr" || lang === "bs") return text[FALLBACK[lang]] || text.sq;
  return text.sq;
}

/**
 * The language a localized text is actually shown in (for a `lang` attribute when it differs from the
 * page's): the page's own, its fallback, or Albanian, as localized() chooses.
 */
export function localizedLanguage(text: Partial<LocalizedText> & { sq: string }, lang: Language): Language {
  if (text[lang]) return lang;
  if ((lang === "tr" || lang === "bs") && text[FALLBACK[lang]]) return FALLBACK[lang];
  return "sq";
}

/** The BCP 47 tag for a page language: Serbian is written in Latin script here (Bosnian is Latin by default). */
export function htmlLang(lang: Language): string {
  return lang === "sr" ? "sr-Latn" : lang;
}
