// The ministry's changes of the national standards (issue 9), one function per thing it can do, each a
// recordChange with its own decision: whether the subject must exist or must not yet, what it becomes, and
// — for response standards and the consultation minimum — which municipalities' stricter settings it would
// leave on the wrong side (refused, naming them).
import { and, eq, isNotNull, isNull, or } from "drizzle-orm";
import type { LocalDate } from "../calendar/zone.ts";
import type { Priority, Standard, StandardRule } from "../cases/sla.ts";
import type { Tx } from "../db/client.ts";
import { type CategoryQuestion, municipalities, participationSettings, slaStandards } from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";
import { looserClocks, type MunicipalStandard, participationConflicts, slaConflicts } from "./conflicts.ts";
import {
  type CategoryState,
  type ParticipationState,
  type QuestionState,
  type ReasonState,
  type SlaState,
  subjectOf,
  type TemplateState,
} from "./model.ts";
import { type ChangeDeps, type ChangeResult, type Decision, recordChange } from "./recordChange.ts";
import { nationalCategory, standardOfCategory, standardOfRow } from "./store.ts";

/** What every change carries: why, and from which day. */
export interface Why {
  reason: string;
  appliesFrom: LocalDate;
}

const refuse = (reason: "not_found" | "exists"): Decision => ({ ok: false, refusal: { reason } });

// ── Categories

export function createCategory(
  deps: ChangeDeps,
  input: Why & { category: CategoryState & { standard: Standard } },
) {
  const { code } = input.category;
  return recordChange(deps, {
    key: { kind: "category", code },
    subject: subjectOf.category(code),
    ...input,
    decide: (before) => (before ? refuse("exists") : { ok: true, after: input.category }),
  });
}

/** The taxonomy fields of a category; its code and type stay (cases are filed under them). */
export function changeCategory(
  deps: ChangeDeps,
  input: Why & {
    code: string;
    fields: Pick<CategoryState, "group" | "name" | "sensitive" | "anonymousAllowed" | "active">;
  },
) {
  return recordChange(deps, {
    key: { kind: "category", code: input.code },
    subject: subjectOf.category(input.code),
    ...input,
    decide: (before) =>
      before ? { ok: true, after: { ...(before as CategoryState), ...input.fields } } : refuse("not_found"),
  });
}

// ── Questions

/** Adds a question (`creating`) or changes one; its code and type of answer stay once asked. */
export function saveQuestion(
  deps: ChangeDeps,
  input: Why & { category: string; question: CategoryQuestion; creating: boolean },
) {
  const { category, question } = input;
  return recordChange(deps, {
    key: { kind: "question", category, code: question.code },
    subject: subjectOf.question(category, question.code),
    ...input,
    decide: async (before, tx) => {
      if (!(await nationalCategory(tx, category))) return refuse("not_found");
      if (input.creating && before) return refuse("exists");
      if (!input.creating && !before) return refuse("not_found");
      const after: QuestionState = {
        category,
        question: before ? { ...question, datatype: (before as QuestionState).question.datatype } : question,
      };
      return { ok: true, after };
    },
  });
}

/**
 * Stops asking a question. Answers already given stay on their cases (the case page shows them under the
 * question's code), and the history keeps the question as it was.
 */
export function removeQuestion(deps: ChangeDeps, input: Why & { category: string; code: string }) {
  return recordChange(deps, {
    key: { kind: "question", category: input.category, code: input.code },
    subject: subjectOf.question(input.category, input.code),
    ...input,
    decide: (before) => (before ? { ok: true, after: null } : refuse("not_found")),
  });
}

// ── Response standards

/** The national rules that bear on a category: its own standard first (as referenceCache reads them). */
export async function rulesOf(
  tx: Pick<Tx, "select">,
  c: { id: number; type: string; code: string },
  own: Standard,
) {
  const rows = await tx
    .select()
    .from(slaStandards)
    .where(
      and(
        isNull(slaStandards.municipalityId),
        eq(slaStandards.type, c.type),
        or(isNull(slaStandards.categoryId), eq(slaStandards.categoryId, c.id)),
      ),
    );
  return {
    own: { type: c.type, category: c.code, standard: own } satisfies StandardRule,
    rows: rows.map((r) => ({
      categoryId: r.categoryId,
      priority: r.priority,
      rule: {
        type: r.type,
        category: r.categoryId === null ? undefined : c.code,
        priority: (r.priority ?? undefined) as Priority | undefined,
        standard: standardOfRow(r),
      } satisfies StandardRule,
    })),
  };
}

/** The municipalities' own standards for a category, with their names. */
export async function municipalStandards(
  tx: Pick<Tx, "select">,
  categoryId: number,
): Promise<MunicipalStandard[]> {
  const rows = await tx
    .select({ row: slaStandards, name: municipalities.name })
    .from(slaStandards)
    .innerJoin(municipalities, eq(municipalities.id, slaStandards.municipalityId))
    .where(and(isNotNull(slaStandards.municipalityId), eq(slaStandards.categoryId, categoryId)));
  return rows.map(({ row, name }) => ({
    municipalityId: row.municipalityId!,
    municipality: name,
    priority: (row.priority ?? null) as Priority | null,
    standard: standardOfRow(row),
  }));
}

/** The municipalities' own consultation minimums, with their names. */
export function municipalParticipation(tx: Pick<Tx, "select">) {
  return tx
    .select({
      municipalityId: participationSettings.municipalityId,
      municipality: municipalities.name,
      consultationMinDays: participationSettings.consultationMinDays,
    })
    .from(participationSettings)
    .innerJoin(municipalities, eq(municipalities.id, participationSettings.municipalityId));
}

/**
 * Sets a category's national standard (`priority` null) or the national rule for its cases of a priority
 * (`standard` null: the rule is removed, the category's own applies again). A rule for a priority may only
 * shorten the category's own standard; and no change may leave a municipality's own standard longer than
 * the national one.
 */
export async function changeStandard(
  deps: ChangeDeps,
  input: Why & {
    category: string;
    priority: Priority | null;
    standard: Standard | null;
    note: string | null;
  },
): Promise<ChangeResult> {
  const { priority } = input;
  // A category's type never changes, so it may be read before the transaction to name the subject.
  const found = await nationalCategory(deps.db, input.category);
  if (!found) return { ok: false, refusal: { reason: "not_found" } };
  return recordChange(deps, {
    key: { kind: "sla", type: found.type, category: found.code, priority },
    subject: subjectOf.sla(found.type, found.code, priority),
    ...input,
    decide: async (before, tx) => {
      const c = await nationalCategory(tx, input.category);
      if (!c || (input.standard === null && !before)) return refuse("not_found");
      const own = standardOfCategory(c);
      const { own: ownRule, rows } = await rulesOf(tx, c, own);
      const beforeRules = [ownRule, ...rows.map((r) => r.rule)];
      let afterRules: StandardRule[];
      if (priority === null) {
        afterRules = [{ ...ownRule, standard: input.standard! }, ...rows.map((r) => r.rule)];
      } else {
        const others = rows.filter((r) => !(r.categoryId === c.id && r.priority === priority));
        afterRules = [
          ownRule,
          ...others.map((r) => r.rule),
          ...(input.standard ? [{ type: c.type, category: c.code, priority, standard: input.standard }] : []),
        ];
        // resolveStandard would ignore a rule for a priority that lengthens the category's own standard.
        const clocks = input.standard ? looserClocks(own, input.standard) : [];
        if (clocks.length > 0)
          return { ok: false, refusal: { reason: "looser_than_category", clocks, category: own } };
      }
      const conflicts = slaConflicts({
        key: { type: c.type, category: c.code },
        before: beforeRules,
        after: afterRules,
        municipal: await municipalStandards(tx, c.id),
      });
      if (conflicts.length > 0) return { ok: false, refusal: { reason: "sla_conflict", conflicts } };
      if (!input.standard) return { ok: true, after: null };
      const after: SlaState = {
        type: c.type,
        category: c.code,
        priority,
        standard: input.standard,
        note: priority === null ? null : input.note,
      };
      return { ok: true, after };
    },
  });
}

// ── Reason codes

export function createReason(deps: ChangeDeps, input: Why & { reasonCode: ReasonState }) {
  const { code } = input.reasonCode;
  return recordChange(deps, {
    key: { kind: "reason_code", code },
    subject: subjectOf.reason_code(code),
    ...input,
    decide: (before) => (before ? refuse("exists") : { ok: true, after: input.reasonCode }),
  });
}

/** A reason code's names and whether it may still be chosen; its code and what it applies to stay. */
export function changeReason(
  deps: ChangeDeps,
  input: Why & { code: string; fields: Pick<ReasonState, "name" | "active"> },
) {
  return recordChange(deps, {
    key: { kind: "reason_code", code: input.code },
    subject: subjectOf.reason_code(input.code),
    ...input,
    decide: (before) =>
      before ? { ok: true, after: { ...(before as ReasonState), ...input.fields } } : refuse("not_found"),
  });
}

// ── Standard responses

/** Adds a national template (`creating`) or changes one; its code and language stay. */
export function saveTemplate(deps: ChangeDeps, input: Why & { template: TemplateState; creating: boolean }) {
  const { code, language } = input.template;
  return recordChange(deps, {
    key: { kind: "template", code, language: language as Language },
    subject: subjectOf.template(code, language),
    ...input,
    decide: async (before, tx) => {
      if (input.creating && before) return refuse("exists");
      if (!input.creating && !before) return refuse("not_found");
      if (input.template.category !== null && !(await nationalCategory(tx, input.template.category)))
        return refuse("not_found");
      return { ok: true, after: input.template };
    },
  });
}

// ── Participation defaults

/**
 * The national participation rules. A municipality with rules of its own keeps them whole, so a longer
 * national consultation minimum is refused while a municipality's own is shorter: the minimum is the law's.
 */
export function changeParticipation(deps: ChangeDeps, input: Why & { rules: ParticipationState }) {
  return recordChange(deps, {
    key: { kind: "participation" },
    subject: subjectOf.participation(),
    ...input,
    decide: async (before, tx) => {
      if (!before) return refuse("not_found");
      const own = await municipalParticipation(tx);
      const conflicts = participationConflicts(
        {
          before: (before as ParticipationState).consultationMinDays,
          after: input.rules.consultationMinDays,
        },
        own.map((o) => ({ ...o, municipalityId: o.municipalityId! })),
      );
      if (conflicts.length > 0)
        return { ok: false, refusal: { reason: "participation_conflict", conflicts } };
      return { ok: true, after: input.rules };
    },
  });
}
