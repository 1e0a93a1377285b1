// Which national categories a municipality receives: the whole set saved at once from one form, the
// changes in one audit entry. Switching a category off stops new input of it; its open cases stay and are
// answered to the end, so it is allowed, and the answer names the categories that still have open cases.
import { and, count, eq, inArray, isNull } from "drizzle-orm";
import type { Actor } from "../access/policy.ts";
import { appendAudit } from "../audit/audit.ts";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import type { Db } from "../db/client.ts";
import { cases, categories, municipalityCategories } from "../db/schema.ts";
import { forgetReferenceData } from "../reference/referenceCache.ts";
import { mayChooseCategories } from "./access.ts";
import type { OnboardingDeps } from "./deps.ts";

export type ChooseCategoriesResult =
  | {
      ok: true;
      switchedOn: string[];
      switchedOff: string[];
      /** Of those switched off, the ones with open cases and how many (still to be answered). */
      stillOpen: { code: string; open: number }[];
    }
  | { ok: false; reason: "not_allowed" | "unknown_category" };

/** The national categories (active) with whether the municipality receives each: no row means it does. */
export async function nationalCategoriesOf(db: Pick<Db, "select">, municipalityId: number) {
  // One after another: `db` may be a transaction, which runs one statement at a time.
  const list = await db
    .select()
    .from(categories)
    .where(and(isNull(categories.municipalityId), eq(categories.active, true)));
  const off = await db
    .select({ categoryId: municipalityCategories.categoryId })
    .from(municipalityCategories)
    .where(
      and(
        eq(municipalityCategories.municipalityId, municipalityId),
        eq(municipalityCategories.enabled, false),
      ),
    );
  const disabled = new Set(off.map((o) => o.categoryId));
  return list.map((c) => ({ category: c, enabled: !disabled.has(c.id) }));
}

/**
 * Open cases of the municipality by category (the backlog, through the municipality-and-status index):
 * what switching a category off leaves to be answered.
 */
export async function openCasesByCategory(
  db: Pick<Db, "select">,
  municipalityId: number,
): Promise<Map<number, number>> {
  const rows = await db
    .select({ categoryId: cases.categoryId, n: count() })
    .from(cases)
    .where(and(eq(cases.municipalityId, municipalityId), inArray(cases.status, [...OPEN_STATUSES])))
    .groupBy(cases.categoryId);
  return new Map(rows.map((r) => [r.categoryId, r.n]));
}

export async function chooseCategories(
  actor: Actor,
  input: { municipalityId: number; enabledIds: readonly number[] },
  deps: OnboardingDeps,
): Promise<ChooseCategoriesResult> {
  if (actor.kind !== "user" || !mayChooseCategories(actor, input.municipalityId))
    return { ok: false, reason: "not_allowed" };
  const { db, now } = deps;
  const result = await db.transaction(async (tx) => {
    const current = await nationalCategoriesOf(tx, input.municipalityId);
    const wanted = new Set(input.enabledIds);
    const known = new Set(current.map((c) => c.category.id));
    if (input.enabledIds.some((id) => !known.has(id)))
      return { ok: false as const, reason: "unknown_category" as const };
    const changes = current.filter((c) => c.enabled !== wanted.has(c.category.id));
    const switchedOn = changes.filter((c) => !c.enabled).map((c) => c.category);
    const switchedOff = changes.filter((c) => c.enabled).map((c) => c.category);
    for (const c of changes) {
      const enabled = wanted.has(c.category.id);
      await tx
        .insert(municipalityCategories)
        .values({ municipalityId: input.municipalityId, categoryId: c.category.id, enabled })
        .onConflictDoUpdate({
          target: [municipalityCategories.municipalityId, municipalityCategories.categoryId],
          set: { enabled },
        });
    }
    const open = switchedOff.length > 0 ? await openCasesByCategory(tx, input.municipalityId) : new Map();
    const stillOpen = switchedOff
      .filter((c) => (open.get(c.id) ?? 0) > 0)
      .map((c) => ({ code: c.code, open: open.get(c.id) as number }));
    if (changes.length > 0) {
      await appendAudit(tx, {
        at: now,
        actorId: actor.userId,
        action: "municipality.categories_set",
        subjectType: "municipality",
        subjectId: String(input.municipalityId),
        municipalityId: input.municipalityId,
        ip: deps.ip ?? null,
        data: {
          switchedOn: switchedOn.map((c) => c.code),
          switchedOff: switchedOff.map((c) => c.code),
          stillOpen,
        },
      });
    }
    return {
      ok: true as const,
      switchedOn: switchedOn.map((c) => c.code),
      switchedOff: switchedOff.map((c) => c.code),
      stillOpen,
    };
  });
  // Submission reads which categories are offered from memory: the next read loads the change.
  if (result.ok && result.switchedOn.length + result.switchedOff.length > 0) forgetReferenceData(db);
  return result;
}
