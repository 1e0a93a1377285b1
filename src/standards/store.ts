// The national standards as rows: reading the state of a change's subject (its `before`), and applying the
// state a change leads to (its `after`) — mechanically, by the subject's natural key, so that a change dated
// ahead is applied on its day by the scheduler exactly as it would have been on the day it was made.
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Priority, SlaUnit, Standard } from "../cases/sla.ts";
import type { Tx } from "../db/client.ts";
import {
  type CategoryQuestion,
  categories,
  categoryQuestions,
  participationSettings,
  reasonCodes,
  responseTemplates,
  slaStandards,
} from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";
import type {
  CategoryState,
  Kind,
  ParticipationState,
  QuestionState,
  ReasonState,
  SlaState,
  States,
  TemplateState,
} from "./model.ts";

type Reader = Pick<Tx, "select">;
type Writer = Pick<Tx, "select" | "insert" | "update" | "delete" | "execute">;
type CategoryRow = typeof categories.$inferSelect;

export const standardOfCategory = (c: CategoryRow): Standard => ({
  unit: c.slaUnit as SlaUnit,
  ackWithin: c.ackWithin,
  firstResponseWithin: c.firstResponseWithin,
  resolutionWithin: c.resolutionWithin,
});
export const standardOfRow = (r: typeof slaStandards.$inferSelect): Standard => ({
  unit: r.unit as SlaUnit,
  ackWithin: r.ackWithin,
  firstResponseWithin: r.firstResponseWithin,
  resolutionWithin: r.resolutionWithin,
});

/** A national category by its code. */
export async function nationalCategory(tx: Reader, code: string): Promise<CategoryRow | undefined> {
  const [row] = await tx
    .select()
    .from(categories)
    .where(and(eq(categories.code, code), isNull(categories.municipalityId)));
  return row;
}

export function categoryState(c: CategoryRow): CategoryState {
  return {
    code: c.code,
    type: c.type,
    group: c.group,
    name: c.name,
    sensitive: c.sensitive,
    anonymousAllowed: c.anonymousAllowed,
    active: c.active,
  };
}

export async function questionsOf(tx: Reader, categoryId: number): Promise<CategoryQuestion[]> {
  const [row] = await tx.select().from(categoryQuestions).where(eq(categoryQuestions.categoryId, categoryId));
  return row?.questions ?? [];
}

/** The national row of sla_standards for a category and priority. */
async function nationalRule(tx: Reader, categoryId: number, type: string, priority: Priority) {
  const [row] = await tx
    .select()
    .from(slaStandards)
    .where(
      and(
        isNull(slaStandards.municipalityId),
        eq(slaStandards.type, type),
        eq(slaStandards.categoryId, categoryId),
        eq(slaStandards.priority, priority),
      ),
    );
  return row;
}

async function nationalTemplate(tx: Reader, code: string, language: string) {
  const [row] = await tx
    .select()
    .from(responseTemplates)
    .where(
      and(
        isNull(responseTemplates.municipalityId),
        eq(responseTemplates.code, code),
        eq(responseTemplates.language, language),
      ),
    );
  return row;
}

/** Where a subject is, by its parts (what subjectOf joined). */
export type SubjectKey =
  | { kind: "category"; code: string }
  | { kind: "question"; category: string; code: string }
  | { kind: "sla"; type: string; category: string; priority: Priority | null }
  | { kind: "reason_code"; code: string }
  | { kind: "template"; code: string; language: Language }
  | { kind: "participation" };

/** The subject's state now; null when it does not exist (yet, or any more). */
export async function readState(tx: Reader, key: SubjectKey): Promise<States[Kind] | null> {
  switch (key.kind) {
    case "category": {
      const c = await nationalCategory(tx, key.code);
      return c ? categoryState(c) : null;
    }
    case "question": {
      const c = await nationalCategory(tx, key.category);
      const q = c && (await questionsOf(tx, c.id)).find((x) => x.code === key.code);
      return q ? ({ category: key.category, question: q } satisfies QuestionState) : null;
    }
    case "sla": {
      const c = await nationalCategory(tx, key.category);
      if (!c) return null;
      if (key.priority === null)
        return {
          type: c.type,
          category: c.code,
          priority: null,
          standard: standardOfCategory(c),
          note: null,
        } satisfies SlaState;
      const r = await nationalRule(tx, c.id, c.type, key.priority);
      return r
        ? ({
            type: r.type,
            category: c.code,
            priority: key.priority,
            standard: standardOfRow(r),
            note: r.note,
          } satisfies SlaState)
        : null;
    }
    case "reason_code": {
      const [r] = await tx.select().from(reasonCodes).where(eq(reasonCodes.code, key.code));
      return r
        ? ({ code: r.code, appliesTo: r.appliesTo, name: r.name, active: r.active } satisfies ReasonState)
        : null;
    }
    case "template": {
      const r = await nationalTemplate(tx, key.code, key.language);
      if (!r) return null;
      const [c] =
        r.categoryId === null
          ? []
          : await tx
              .select({ code: categories.code })
              .from(categories)
              .where(eq(categories.id, r.categoryId));
      return {
        code: r.code,
        language: r.language as Language,
        type: r.type,
        category: c?.code ?? null,
        title: r.title,
        body: r.body,
        active: r.active,
      } satisfies TemplateState;
    }
    case "participation": {
      const [r] = await tx
        .select()
        .from(participationSettings)
        .where(isNull(participationSettings.municipalityId));
      return r
        ? ({
            consultationMinDays: r.consultationMinDays,
            proposalWindowDays: r.proposalWindowDays,
            proposalThreshold: r.proposalThreshold,
            normativeThresholdPercent: r.normativeThresholdPercent,
            supportRequiresVerified: r.supportRequiresVerified,
          } satisfies ParticipationState)
        : null;
    }
  }
}

/** The subject key of a stored change, from its kind and subject text; undefined for one never applied here. */
export function keyOfSubject(kind: string, subject: string): SubjectKey | undefined {
  const parts = subject.split(":");
  if (parts[0] !== kind) return undefined;
  switch (kind) {
    case "category":
    case "reason_code":
      return parts.length === 2 ? { kind, code: parts[1]! } : undefined;
    case "question":
      return parts.length === 3 ? { kind, category: parts[1]!, code: parts[2]! } : undefined;
    case "sla":
      return parts.length === 4
        ? {
            kind,
            type: parts[1]!,
            category: parts[2]!,
            priority: parts[3] === "*" ? null : (parts[3] as Priority),
          }
        : undefined;
    case "template":
      return parts.length === 3 ? { kind, code: parts[1]!, language: parts[2] as Language } : undefined;
    case "participation":
      return { kind };
    default:
      return undefined;
  }
}

/** A change's subject that no longer resolves to a row (a category gone missing) cannot be applied. */
export class UnappliableChange extends Error {
  override readonly name = "UnappliableChange";
}

/**
 * Writes the state a change leads to. `after` null removes the subject where removing is allowed (a
 * question, a national rule for a priority); the things cases refer to (categories, reason codes,
 * templates) are never removed, only made inactive by their state.
 */
export async function applyState(
  tx: Writer,
  key: SubjectKey,
  after: unknown,
  meta: { now: Date; by: string | null },
): Promise<void> {
  switch (key.kind) {
    case "category": {
      const a = after as CategoryState;
      const existing = await nationalCategory(tx, key.code);
      const columns = {
        group: a.group,
        name: a.name,
        sensitive: a.sensitive,
        anonymousAllowed: a.anonymousAllowed,
        active: a.active,
      };
      if (existing) {
        await tx.update(categories).set(columns).where(eq(categories.id, existing.id));
        return;
      }
      if (!a.standard) throw new UnappliableChange(`category ${key.code}: a new category needs a standard`);
      await tx.insert(categories).values({
        code: key.code,
        type: a.type,
        municipalityId: null,
        ...columns,
        slaUnit: a.standard.unit,
        ackWithin: a.standard.ackWithin,
        firstResponseWithin: a.standard.firstResponseWithin,
        resolutionWithin: a.standard.resolutionWithin,
      });
      return;
    }
    case "question": {
      const c = await nationalCategory(tx, key.category);
      if (!c) throw new UnappliableChange(`question of ${key.category}: no such category`);
      const kept = (await questionsOf(tx, c.id)).filter((q) => q.code !== key.code);
      const next = after ? [...kept, (after as QuestionState).question] : kept;
      next.sort((a, b) => a.order - b.order || a.code.localeCompare(b.code));
      await tx
        .insert(categoryQuestions)
        .values({ categoryId: c.id, questions: next })
        .onConflictDoUpdate({ target: categoryQuestions.categoryId, set: { questions: next } });
      return;
    }
    case "sla": {
      const c = await nationalCategory(tx, key.category);
      if (!c) throw new UnappliableChange(`standard of ${key.category}: no such category`);
      const a = after as SlaState | null;
      if (key.priority === null) {
        if (!a) throw new UnappliableChange(`standard of ${key.category}: a category keeps its standard`);
        await tx
          .update(categories)
          .set({
            slaUnit: a.standard.unit,
            ackWithin: a.standard.ackWithin,
            firstResponseWithin: a.standard.firstResponseWithin,
            resolutionWithin: a.standard.resolutionWithin,
          })
          .where(eq(categories.id, c.id));
        return;
      }
      if (!a) {
        await tx
          .delete(slaStandards)
          .where(
            and(
              isNull(slaStandards.municipalityId),
              eq(slaStandards.type, c.type),
              eq(slaStandards.categoryId, c.id),
              eq(slaStandards.priority, key.priority),
            ),
          );
        return;
      }
      const s = a.standard;
      // The key is an expression index (nulls folded), which Drizzle's conflict target cannot name.
      await tx.execute(sql`
        insert into sla_standards (municipality_id, type, category_id, priority, unit, ack_within,
          first_response_within, resolution_within, note)
        values (null, ${c.type}, ${c.id}, ${key.priority}, ${s.unit}, ${s.ackWithin},
          ${s.firstResponseWithin}, ${s.resolutionWithin}, ${a.note})
        on conflict (coalesce(municipality_id, 0), type, coalesce(category_id, 0), coalesce(priority, ''))
        do update set unit = excluded.unit, ack_within = excluded.ack_within,
          first_response_within = excluded.first_response_within,
          resolution_within = excluded.resolution_within, note = excluded.note`);
      return;
    }
    case "reason_code": {
      const a = after as ReasonState;
      await tx
        .insert(reasonCodes)
        .values({ code: key.code, appliesTo: a.appliesTo, name: a.name, active: a.active })
        .onConflictDoUpdate({
          target: reasonCodes.code,
          set: { appliesTo: a.appliesTo, name: a.name, active: a.active },
        });
      return;
    }
    case "template": {
      const a = after as TemplateState;
      let categoryId: number | null = null;
      if (a.category !== null) {
        const c = await nationalCategory(tx, a.category);
        if (!c) throw new UnappliableChange(`template ${key.code}: no category ${a.category}`);
        categoryId = c.id;
      }
      const columns = {
        type: a.type,
        categoryId,
        title: a.title,
        body: a.body,
        active: a.active,
        updatedAt: meta.now,
      };
      const existing = await nationalTemplate(tx, key.code, key.language);
      if (existing)
        await tx.update(responseTemplates).set(columns).where(eq(responseTemplates.id, existing.id));
      else
        await tx
          .insert(responseTemplates)
          .values({ municipalityId: null, code: key.code, language: key.language, ...columns });
      return;
    }
    case "participation": {
      const a = after as ParticipationState;
      await tx
        .update(participationSettings)
        .set({
          consultationMinDays: a.consultationMinDays,
          proposalWindowDays: a.proposalWindowDays,
          proposalThreshold: a.proposalThreshold,
          normativeThresholdPercent: a.normativeThresholdPercent,
          supportRequiresVerified: a.supportRequiresVerified,
          updatedBy: meta.by,
          updatedAt: meta.now,
        })
        .where(isNull(participationSettings.municipalityId));
      return;
    }
  }
}
