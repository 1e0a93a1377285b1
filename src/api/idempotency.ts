// Idempotency for case creation over the API. The client's `Idempotency-Key` is stored, scoped by who
// sent it, in the case's unique `idempotency_key` column ("api:<client id>:<key>", "api:user:<id>:<key>"):
// the database decides, so a retry, or twenty at once, finds the one case (submitCase). A key that comes
// back with a different request is refused: what was asked is compared with the case the key made, field
// by field as submitCase stored it, so no fingerprint has to be kept and creation costs no extra write.
import { eq } from "drizzle-orm";
import type { SubmitCaseInput } from "../cases/commands/submitCase.ts";
import { checkAnswers } from "../cases/questions.ts";
import type { Db } from "../db/client.ts";
import { cases, categories, categoryQuestions, municipalities } from "../db/schema.ts";

/** Who a key belongs to: an API client, or a signed-in person using the API. */
export type KeyScope = { client: string } | { user: string };

export function scopedKey(scope: KeyScope, key: string): string {
  return "client" in scope ? `api:${scope.client}:${key}` : `api:user:${scope.user}:${key}`;
}

/** The start every key of an API client has: the case was made by that client. */
export function clientKeyPrefix(clientId: string): string {
  return `api:${clientId}:`;
}

/** JSON with object keys sorted (jsonb does not keep their order), for comparing values. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Whether `input` asks for the case `caseId` is (the same key sent again with the same request). The
 * language is compared only when the request names it: by default it follows Accept-Language, which a
 * retry may send differently without asking for anything else.
 */
export async function sameSubmission(
  db: Db,
  caseId: number,
  input: SubmitCaseInput,
  languageGiven: boolean,
): Promise<boolean> {
  const [row] = await db
    .select({
      kase: cases,
      municipality: municipalities.slug,
      category: categories.code,
      questions: categoryQuestions.questions,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(categoryQuestions, eq(categoryQuestions.categoryId, cases.categoryId))
    .where(eq(cases.id, caseId))
    .limit(1);
  if (!row) return false;
  const k = row.kase;
  const answers = checkAnswers(row.questions ?? [], input.answers);
  const blank = (s: string | undefined) => s?.trim() || null;
  const asked = {
    municipality: input.municipality,
    type: input.type,
    category: input.category,
    title: input.title,
    description: input.description,
    latitude: input.location?.latitude ?? null,
    longitude: input.location?.longitude ?? null,
    address: blank(input.address),
    contactName: blank(input.contact.name),
    contactEmail: blank(input.contact.email),
    contactPhone: blank(input.contact.phone),
    showName: input.contact.showName,
    language: languageGiven ? input.language : k.language,
    answers: answers.ok ? answers.answers : null,
  };
  const stored = {
    municipality: row.municipality,
    type: k.type,
    category: row.category,
    title: k.title,
    description: k.description,
    latitude: k.latitude,
    longitude: k.longitude,
    address: k.address,
    contactName: k.contactName,
    contactEmail: k.contactEmail,
    contactPhone: k.contactPhone,
    showName: k.showName,
    language: k.language,
    answers: k.attributes,
  };
  return canonical(asked) === canonical(stored);
}
