// The languages a municipality serves: Albanian and Serbian always (the national official languages), English
// too (offered on every page, kernel/i18n LANGUAGES), Turkish or Bosnian where the law makes them official in
// the municipality (the national profile's list: Turkish in Prizren and Mamushë), and where it chooses; stored
// on the municipality, the change audited.
import { and, eq } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import { municipalities } from "../db/schema.ts";
import { LANGUAGES, MUNICIPAL_LANGUAGES } from "../kernel/i18n.ts";
import { loadProfile } from "../reference/profile.ts";
import { forgetReferenceData } from "../reference/referenceCache.ts";
import { mayConfigure } from "./access.ts";
import type { OnboardingDeps } from "./deps.ts";

/**
 * The languages a municipality may add, in the order they are stored and shown. English is not among them:
 * every page offers it whatever the municipality stores (offeredLanguages), so a box to untick it would
 * change nothing.
 */
export const OPTIONAL_LANGUAGES = MUNICIPAL_LANGUAGES;
export type OptionalLanguage = (typeof OPTIONAL_LANGUAGES)[number];

export type ChooseLanguagesResult =
  | { ok: true; languages: string[]; changed: boolean }
  | { ok: false; reason: "not_allowed" | "not_found" };

let byLaw: Map<string, OptionalLanguage[]> | undefined;
/**
 * The languages the law makes official in a municipality beyond the national ones (Law on the Use of
 * Languages: a community language of 5 % of the inhabitants, and Turkish in Prizren whatever its share), as
 * the national profile lists them (`languages` in profiles/xk/municipalities.csv). A municipality cannot
 * switch these off; it may add others.
 */
export function requiredByLaw(slug: string): OptionalLanguage[] {
  byLaw ??= new Map(
    loadProfile().municipalities.map((m) => [
      m.slug,
      OPTIONAL_LANGUAGES.filter((l) => m.languages.includes(l)),
    ]),
  );
  return byLaw.get(slug) ?? [];
}

/** The stored list for a choice: those offered everywhere first, then the chosen ones in a fixed order. */
export const languagesFor = (chosen: readonly OptionalLanguage[]): string[] => [
  ...LANGUAGES,
  ...OPTIONAL_LANGUAGES.filter((l) => chosen.includes(l)),
];

export async function chooseLanguages(
  actor: Actor,
  input: { municipalityId: number; optional: readonly OptionalLanguage[] },
  deps: OnboardingDeps,
): Promise<ChooseLanguagesResult> {
  if (actor.kind !== "user" || !mayConfigure(actor, input.municipalityId))
    return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  const result = await db.transaction(async (tx) => {
    const [m] = await tx
      .select({ slug: municipalities.slug, languages: municipalities.languages })
      .from(municipalities)
      .where(and(eq(municipalities.id, input.municipalityId), eq(municipalities.active, true)))
      .for("update");
    if (!m) return { ok: false as const, reason: "not_found" as const };
    // What the law requires stays, whatever the form sent (its boxes are shown ticked and cannot be unticked).
    const languages = languagesFor([...input.optional, ...requiredByLaw(m.slug)]);
    if (m.languages.join(" ") === languages.join(" "))
      return { ok: true as const, languages, changed: false };
    await tx.update(municipalities).set({ languages }).where(eq(municipalities.id, input.municipalityId));
    await appendAudit(tx, {
      at: now,
      actorId: actor.userId,
      action: "municipality.languages_set",
      subjectType: "municipality",
      subjectId: String(input.municipalityId),
      municipalityId: input.municipalityId,
      ip: deps.ip ?? null,
      data: { before: m.languages, after: languages },
    });
    return { ok: true as const, languages, changed: true };
  });
  if (result.ok && result.changed) forgetReferenceData(db);
  return result;
}
