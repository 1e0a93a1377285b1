// The submission journey's state: the answers so far live in a case draft (case_drafts), keyed by the
// SHA-256 of a random token that only the journey's URLs carry. This module knows the steps, their
// order, which of them are still to answer, and reads and writes drafts; the routes do the rest.
import { and, asc, eq, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  type CategoryQuestion,
  caseDrafts,
  cases,
  categories,
  categoryQuestions,
  type LocalizedText,
  municipalities,
  municipalityCategories,
} from "../../db/schema.ts";
import { hashToken, newToken, TOKEN_PATTERN } from "../../identity/tokens.ts";
import type { Language } from "../../kernel/i18n.ts";
import type { CaseType } from "../statuses.ts";

/** How long what was typed is kept: a journey not sent within a day starts again. */
export const DRAFT_LIFETIME_MS = 24 * 3600 * 1000;

/**
 * The steps of the journey, in order; "questions" is skipped when the category has none. "duplicates"
 * (open reports near the point, to follow instead) is shown only when the routes find some, so stepAfter
 * and stepBefore pass over it. "photos" is optional: it is shown after the place, but nothing waits for
 * it (missingStep never answers it).
 */
export const STEPS = [
  "type",
  "category",
  "questions",
  "details",
  "location",
  "duplicates",
  "photos",
  "contact",
  "check",
] as const;
export type Step = (typeof STEPS)[number];

export interface ContactAnswers {
  name: string;
  showName: boolean;
  email: string;
  phone: string;
  language: Language;
}

/** What a draft holds; every field but the municipality is filled in as its step validates. */
export interface DraftData {
  municipality: string;
  type?: CaseType;
  category?: string;
  /** The extra questions' answers as typed, by question code. */
  answers?: Record<string, string | string[]>;
  /** True once the questions step was answered for the current category. */
  answered?: boolean;
  title?: string;
  description?: string;
  /** True once the location step was answered (the place is optional for all but issue reports). */
  located?: boolean;
  address?: string;
  latitude?: number;
  longitude?: number;
  /** True once the person continued from the photos step (the photos themselves are in case_photos). */
  photosSeen?: boolean;
  contact?: ContactAnswers;
  /** Set once sent: the confirmation page shows it again on a refresh, until the draft expires. */
  submitted?: {
    trackingCode: string;
    /** The private tracking link's token; only the request that created the case knows it. */
    token?: string;
    responseDueAt: string;
    email: boolean;
  };
}

export interface Draft {
  /** The draft's id: SHA-256 of the token. Also the case's idempotency key. */
  id: string;
  token: string;
  userId: string | null;
  data: DraftData;
  expiresAt: Date;
}

export type DraftLookup =
  | { kind: "found"; draft: Draft }
  | { kind: "expired"; municipality: string }
  | { kind: "missing" };

export async function createDraft(
  db: Db,
  data: DraftData,
  userId: string | null,
  now: Date,
): Promise<{ token: string }> {
  const { token, id } = newToken();
  await db.insert(caseDrafts).values({
    id,
    data: data as unknown as Record<string, unknown>,
    userId,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + DRAFT_LIFETIME_MS),
  });
  return { token };
}

/**
 * The draft a URL's token names, when the person asking may use it: a signed-in person's draft is
 * theirs alone (anyone else: missing); a visitor's draft becomes the person's who logs in on the way.
 */
export async function findDraft(
  db: Db,
  token: string,
  userId: string | undefined,
  now: Date,
): Promise<DraftLookup> {
  if (!TOKEN_PATTERN.test(token)) return { kind: "missing" };
  const id = hashToken(token);
  const [row] = await db.select().from(caseDrafts).where(eq(caseDrafts.id, id)).limit(1);
  if (!row) return { kind: "missing" };
  if (row.userId && row.userId !== userId) return { kind: "missing" };
  const data = row.data as unknown as DraftData;
  if (row.expiresAt.getTime() <= now.getTime()) return { kind: "expired", municipality: data.municipality };
  let owner = row.userId;
  if (!owner && userId) {
    // Logged in half-way (a proposal needs an account): the draft is the account's from now on.
    await db
      .update(caseDrafts)
      .set({ userId, updatedAt: now })
      .where(and(eq(caseDrafts.id, id), isNull(caseDrafts.userId)));
    owner = userId;
  }
  return { kind: "found", draft: { id, token, userId: owner, data, expiresAt: row.expiresAt } };
}

/**
 * The municipality (slug) of the draft a journey URL's token names, whoever's it is and expired or not:
 * only for offering its languages on the step's page (its handler decides what the asker may see).
 */
export async function draftMunicipality(db: Db, token: unknown): Promise<string | undefined> {
  if (typeof token !== "string" || !TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db
    .select({ municipality: sql<string | null>`${caseDrafts.data} ->> 'municipality'` })
    .from(caseDrafts)
    .where(eq(caseDrafts.id, hashToken(token)))
    .limit(1);
  return row?.municipality ?? undefined;
}

export async function saveDraft(db: Db, draft: Draft, data: DraftData, now: Date): Promise<void> {
  draft.data = data;
  await db
    .update(caseDrafts)
    .set({ data: data as unknown as Record<string, unknown>, updatedAt: now })
    .where(eq(caseDrafts.id, draft.id));
}

/** Re-reads a draft's data (to see what a concurrent request wrote). */
export async function reloadDraftData(db: Db, id: string): Promise<DraftData | undefined> {
  const [row] = await db.select({ data: caseDrafts.data }).from(caseDrafts).where(eq(caseDrafts.id, id));
  return row?.data as unknown as DraftData | undefined;
}

/** The case a draft became (its idempotency key is the draft's id), if any. */
export async function caseOfDraft(db: Db, draftId: string) {
  const [row] = await db
    .select({
      trackingCode: cases.trackingCode,
      responseDueAt: cases.responseDueAt,
      contactEmail: cases.contactEmail,
    })
    .from(cases)
    .where(eq(cases.idempotencyKey, draftId))
    .limit(1);
  return row;
}

export async function activeMunicipality(db: Db, slug: string) {
  const [row] = await db
    .select({
      id: municipalities.id,
      slug: municipalities.slug,
      name: municipalities.name,
      languages: municipalities.languages,
    })
    .from(municipalities)
    .where(and(eq(municipalities.slug, slug), eq(municipalities.active, true)))
    .limit(1);
  return row;
}

export interface OfferedCategory {
  id: number;
  code: string;
  group: string;
  name: LocalizedText;
  anonymousAllowed: boolean;
  questions: CategoryQuestion[];
}

/**
 * The categories of a type a municipality offers: the national ones it has not switched off and its own
 * sub-categories, in the taxonomy's order with each sub-category after its parent.
 */
export async function offeredCategories(
  db: Db,
  municipalityId: number,
  type: CaseType,
): Promise<OfferedCategory[]> {
  const rows = await db
    .select({
      id: categories.id,
      parentId: categories.parentId,
      code: categories.code,
      group: categories.group,
      name: categories.name,
      anonymousAllowed: categories.anonymousAllowed,
      questions: categoryQuestions.questions,
    })
    .from(categories)
    .leftJoin(categoryQuestions, eq(categoryQuestions.categoryId, categories.id))
    .leftJoin(
      municipalityCategories,
      and(
        eq(municipalityCategories.categoryId, categories.id),
        eq(municipalityCategories.municipalityId, municipalityId),
      ),
    )
    .where(
      and(
        eq(categories.type, type),
        eq(categories.active, true),
        or(isNull(categories.municipalityId), eq(categories.municipalityId, municipalityId)),
        or(isNull(municipalityCategories.enabled), eq(municipalityCategories.enabled, true)),
      ),
    )
    .orderBy(asc(categories.id));
  return rows
    .sort((a, b) => (a.parentId ?? a.id) - (b.parentId ?? b.id) || a.id - b.id)
    .map((r) => ({
      id: r.id,
      code: r.code,
      group: r.group,
      name: r.name,
      anonymousAllowed: r.anonymousAllowed,
      questions: [...(r.questions ?? [])].sort((a, b) => a.order - b.order),
    }));
}

/** True when a visitor may not send this: proposals and some categories need an account. */
export function needsAccount(type: CaseType, category: OfferedCategory | undefined): boolean {
  return type === "proposal" || (category ? !category.anonymousAllowed : false);
}

/**
 * The first step still to answer, or undefined when everything needed is there. `category` is the
 * draft's category as offered now (undefined when none is chosen or it is no longer offered).
 */
export function missingStep(
  d: DraftData,
  category: OfferedCategory | undefined,
  signedIn: boolean,
): Step | undefined {
  if (!d.type) return "type";
  if (!d.category || !category) return "category";
  if (!signedIn && needsAccount(d.type, category)) return "category";
  if (category.questions.length > 0 && !d.answered) return "questions";
  if (d.title === undefined || d.description === undefined) return "details";
  if (!d.located) return "location";
  if (d.type === "issue_report" && !d.address && d.latitude === undefined) return "location";
  // The photos are optional: their step never holds the journey up.
  if (!d.contact) return "contact";
  return undefined;
}

const position = (s: Step) => STEPS.indexOf(s);

/** The step after `step` in order (skipping the questions when the category has none, and "duplicates"). */
export function stepAfter(step: Step, hasQuestions: boolean): Step {
  const next = STEPS[position(step) + 1] ?? "check";
  if (next === "duplicates") return "photos";
  return next === "questions" && !hasQuestions ? "details" : next;
}

/** The step before `step`, or undefined for the first (passing over "duplicates", as stepAfter does). */
export function stepBefore(step: Step, hasQuestions: boolean): Step | undefined {
  const previous = STEPS[position(step) - 1];
  if (previous === "duplicates") return "location";
  return previous === "questions" && !hasQuestions ? "category" : previous;
}

/**
 * Where to go after answering `step`: on to the next step, or — when changing an answer from "check your
 * answers" — back there, unless the change left an earlier step to answer (a new type needs a category).
 */
export function whereNext(
  step: Step,
  d: DraftData,
  category: OfferedCategory | undefined,
  signedIn: boolean,
  returning: boolean,
): { step: Step; returning: boolean } {
  const missing = missingStep(d, category, signedIn);
  if (returning) return missing ? { step: missing, returning: true } : { step: "check", returning: false };
  const next = stepAfter(step, (category?.questions.length ?? 0) > 0);
  if (missing && position(missing) < position(next)) return { step: missing, returning: false };
  return { step: next, returning: false };
}

/** True when a step may be shown: every step before it is answered. */
export function reachable(step: Step, missing: Step | undefined): boolean {
  return missing === undefined || position(missing) >= position(step);
}

export const stepPath = (token: string, step: Step | "done", returning = false) =>
  `/submit/${token}/${step}${returning ? "?return=check" : ""}`;
