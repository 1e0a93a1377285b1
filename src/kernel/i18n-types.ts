/**
 * The languages offered on every page and in every message: the national official languages, Albanian
 * and Serbian (Latin script), and English. Forms that let a person pick a language list these unless
 * they know the municipality (then: offeredLanguages).
 */
export const LANGUAGES = ["sq", "sr", "en"] as const;
/** Languages with a catalog that a municipality switches on for its own pages and its citizens' messages. */
export const MUNICIPAL_LANGUAGES = ["tr", "bs"] as const;
/** Every language the platform has a catalog for (src/web/catalogs/<code>.json), in the order shown. */
export const ALL_LANGUAGES = [...LANGUAGES, ...MUNICIPAL_LANGUAGES] as const;

export type Language = (typeof ALL_LANGUAGES)[number];
export type MunicipalLanguage = (typeof MUNICIPAL_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "sq";

/** True for a language the platform has a catalog for. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (ALL_LANGUAGES as readonly string[]).includes(value);
}

/**
 * Where a municipal language gives way when it is not offered (on a national page, or in a municipality
 * that has not switched it on): Bosnian to Serbian, which Bosnian readers read as their own (both Latin
 * script here), Turkish to Albanian, the language of the municipalities where Turkish is official.
 * Municipality names follow the same rule (localized.ts).
 */
export const FALLBACK: Readonly<Record<MunicipalLanguage, (typeof LANGUAGES)[number]>> = {
  tr: "sq",
  bs: "sr",
};

/**
 * The languages a municipality's pages and messages are offered in: those offered everywhere, then the
 * municipal ones its stored list (municipalities.languages) switches on. No municipality: everywhere's.
 */
export function offeredLanguages(municipalityLanguages?: readonly string[]): readonly Language[] {
  if (!municipalityLanguages) return LANGUAGES;
  const extra = MUNICIPAL_LANGUAGES.filter((l) => municipalityLanguages.includes(l));
  return extra.length === 0 ? LANGUAGES : [...LANGUAGES, ...extra];
}
