/** The languages the platform has catalogs for; municipalities switch on a subset (sq and sr always). */
export const LANGUAGES = ["sq", "sr", "en"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "sq";

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}
