// Standard responses: the texts staff start an answer from. National ones (seeded from the catalogs) and a
// municipality's own, in one language, for a category or every category of a type; {{placeholders}} are
// filled with the case's values when a template is used.
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { responseTemplates } from "../db/schema.ts";
import { ALL_LANGUAGES, type Language, translator } from "../kernel/i18n.ts";

/** The values a template may name, in the order the template form lists them. */
export const PLACEHOLDERS = [
  "tracking_code",
  "title",
  "citizen_name",
  "municipality",
  "due_date",
  "officer_name",
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;
const isPlaceholder = (name: string): name is Placeholder =>
  (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * The body with each known placeholder replaced by its value. A placeholder that is unknown, or has no
 * value for this case, stays as written, so the person about to send the answer sees what is missing.
 * Values are inserted as they are: a value that looks like a placeholder is not filled in turn.
 */
export function fillTemplate(body: string, values: Partial<Record<Placeholder, string>>): string {
  return body.replace(
    PLACEHOLDER,
    (whole, name: string) => (isPlaceholder(name) ? values[name] : undefined) ?? whole,
  );
}

/** The placeholders a body names that no case can fill (a typo), each once, in order of appearance. */
export function unknownPlaceholders(body: string): string[] {
  const names = [...body.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  return [...new Set(names.filter((n) => !isPlaceholder(n)))];
}

export type ResponseTemplate = typeof responseTemplates.$inferSelect;

/**
 * The active templates a case can start from, in its language: the municipality's own first, then the
 * national ones; within each, those for the case's category before those for its type, then those for any
 * input; then by title.
 */
export async function templatesFor(
  db: Pick<Db, "select">,
  key: { municipalityId: number; type: string; categoryId: number; language: string },
): Promise<ResponseTemplate[]> {
  const t = responseTemplates;
  return db
    .select()
    .from(t)
    .where(
      and(
        eq(t.active, true),
        eq(t.language, key.language),
        or(eq(t.municipalityId, key.municipalityId), isNull(t.municipalityId)),
        or(
          eq(t.categoryId, key.categoryId),
          and(isNull(t.categoryId), or(eq(t.type, key.type), isNull(t.type))),
        ),
      ),
    )
    .orderBy(
      sql`${t.municipalityId} is null`,
      sql`${t.categoryId} is null`,
      sql`${t.type} is null`,
      asc(t.title),
      asc(t.id),
    );
}

/** The national templates seeded for every input, by code; their texts are in the catalogs. */
export const NATIONAL_TEMPLATES = [
  "acknowledged",
  "answered_resolved",
  "request_information",
  "rejected_not_competent",
  "referred",
] as const;

/**
 * Writes the national templates in every catalog language, Turkish and Bosnian included (a case keeps its
 * citizen's language, and its answer starts from a template in it). Idempotent: a template already there
 * (by code and language) is left as it is, so a text the ministry has since edited is never overwritten;
 * run at every start (platform.ts), so a database made before a language was added gets its templates.
 */
export async function seedResponseTemplates(db: Pick<Db, "insert">): Promise<void> {
  const rows = ALL_LANGUAGES.flatMap((language: Language) => {
    const t = translator(language);
    return NATIONAL_TEMPLATES.map((code) => ({
      municipalityId: null,
      code,
      type: null,
      categoryId: null,
      language,
      title: t(`municipal_admin.templates.seed.${code}.title`),
      body: t(`municipal_admin.templates.seed.${code}.body`),
    }));
  });
  await db
    .insert(responseTemplates)
    .values(rows)
    .onConflictDoNothing({
      target: [responseTemplates.code, responseTemplates.language],
      where: sql`municipality_id is null`,
    });
}
