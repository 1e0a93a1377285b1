import type { LocalizedText } from "../db/schema.ts";
import type { Language } from "./i18n-types.ts";

/** A stored multilingual name in the page's language, falling back to Albanian, the first official one. */
export function localized(text: LocalizedText, lang: Language): string {
  return text[lang] ?? text.sq;
}

/** The BCP 47 tag for a page language: Serbian is written in Latin script here. */
export function htmlLang(lang: Language): string {
  return lang === "sr" ? "sr-Latn" : lang;
}
