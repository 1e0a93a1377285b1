// Pilot evaluations (issue 9): the ministry names a set of municipalities and a run of months, writes what
// the evaluation is for and found, and publishes it as a public page. Each change is written with its audit
// entry in one transaction; publishing and withdrawing are conditional updates, so two clicks at once record
// one change.
import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import type { Db } from "../db/client.ts";
import { type LocalizedText, pilotEvaluations } from "../db/schema.ts";

export type EvaluationRow = typeof pilotEvaluations.$inferSelect;

export interface EvaluationInput {
  title: LocalizedText;
  summary: LocalizedText | null;
  municipalityIds: number[];
  /** Months, "YYYY-MM", both included. */
  fromMonth: string;
  toMonth: string;
}

export interface EvaluationDeps {
  db: Db;
  now: Date;
  actorId: string;
}

/** What the audit log keeps of an evaluation: enough to see what changed, not the texts in full. */
const auditView = (e: EvaluationInput) => ({
  title: e.title.sq,
  municipalityIds: e.municipalityIds,
  fromMonth: e.fromMonth,
  toMonth: e.toMonth,
});

const stored = (input: EvaluationInput) => ({
  title: input.title,
  summary: input.summary,
  municipalityIds: [...new Set(input.municipalityIds)].sort((a, b) => a - b),
  fromMonth: `${input.fromMonth}-01`,
  toMonth: `${input.toMonth}-01`,
});

export async function createEvaluation(d: EvaluationDeps, input: EvaluationInput): Promise<{ id: number }> {
  return d.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(pilotEvaluations)
      .values({ ...stored(input), createdBy: d.actorId, createdAt: d.now, updatedAt: d.now })
      .returning({ id: pilotEvaluations.id });
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "pilot_evaluation.create",
      subjectType: "pilot_evaluation",
      subjectId: String(row!.id),
      data: auditView(input),
    });
    return { id: row!.id };
  });
}

export async function updateEvaluation(
  d: EvaluationDeps,
  id: number,
  input: EvaluationInput,
): Promise<{ ok: true } | { ok: false; reason: "not_found" }> {
  return d.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(pilotEvaluations)
      .where(eq(pilotEvaluations.id, id))
      .for("update");
    if (!before) return { ok: false, reason: "not_found" } as const;
    await tx
      .update(pilotEvaluations)
      .set({ ...stored(input), updatedAt: d.now })
      .where(eq(pilotEvaluations.id, id));
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "pilot_evaluation.edit",
      subjectType: "pilot_evaluation",
      subjectId: String(id),
      data: {
        before: auditView(inputOf(before)),
        after: auditView(input),
        published: before.publishedAt !== null,
      },
    });
    return { ok: true } as const;
  });
}

/**
 * Publishes (or withdraws) an evaluation. Only a change is recorded: publishing one already public, or
 * withdrawing a draft, changes nothing and says so.
 */
export async function setPublished(
  d: EvaluationDeps,
  id: number,
  publish: boolean,
): Promise<{ ok: true; changed: boolean } | { ok: false; reason: "not_found" }> {
  return d.db.transaction(async (tx) => {
    const changed = await tx
      .update(pilotEvaluations)
      .set({ publishedAt: publish ? d.now : null, updatedAt: d.now })
      .where(
        and(
          eq(pilotEvaluations.id, id),
          publish ? isNull(pilotEvaluations.publishedAt) : isNotNull(pilotEvaluations.publishedAt),
        ),
      )
      .returning({ id: pilotEvaluations.id });
    if (changed.length === 0) {
      const [exists] = await tx
        .select({ id: pilotEvaluations.id })
        .from(pilotEvaluations)
        .where(eq(pilotEvaluations.id, id));
      return exists ? ({ ok: true, changed: false } as const) : ({ ok: false, reason: "not_found" } as const);
    }
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: publish ? "pilot_evaluation.publish" : "pilot_evaluation.unpublish",
      subjectType: "pilot_evaluation",
      subjectId: String(id),
    });
    return { ok: true, changed: true } as const;
  });
}

/** The form's view of a stored evaluation. */
export function inputOf(row: EvaluationRow): EvaluationInput {
  return {
    title: row.title,
    summary: row.summary ?? null,
    municipalityIds: row.municipalityIds,
    fromMonth: row.fromMonth.slice(0, 7),
    toMonth: row.toMonth.slice(0, 7),
  };
}

export async function evaluationById(db: Db, id: number): Promise<EvaluationRow | undefined> {
  const [row] = await db.select().from(pilotEvaluations).where(eq(pilotEvaluations.id, id));
  return row;
}

/** Every evaluation (the ministry's list), or the published ones, newest first. */
export async function listEvaluations(db: Db, which: "all" | "published"): Promise<EvaluationRow[]> {
  return db
    .select()
    .from(pilotEvaluations)
    .where(which === "published" ? isNotNull(pilotEvaluations.publishedAt) : sql`true`)
    .orderBy(desc(pilotEvaluations.updatedAt), desc(pilotEvaluations.id));
}
