// Recording a change of a national standard (issue 9), in ONE transaction: the subject's state read under
// its lock, the decision (refused, or what it becomes), the standard_changes row with before, after, who,
// when, why and the day it applies from, the audit entry — and, when it applies today, the change itself.
// A change dated later waits (applied_at null) for the standards scheduler. One change per subject may
// wait at a time: another would be written over a state it never saw.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import { type LocalDate, localDateOf } from "../calendar/zone.ts";
import { type ClockName, PRIORITIES, type Standard } from "../cases/sla.ts";
import type { Db, Tx } from "../db/client.ts";
import { standardChanges } from "../db/schema.ts";
import type { ParticipationConflict, PendingSla, SlaConflict } from "./conflicts.ts";
import { type SlaState, sameState, subjectOf } from "./model.ts";
import { applyState, readState, type SubjectKey } from "./store.ts";

export interface ChangeDeps {
  db: Db;
  now: Date;
  /** The country's time zone: its local day is the day a change applies from. */
  timeZone: string;
  actorId: string | null;
  ip?: string | undefined;
}

export type Refusal =
  | { reason: "pending"; changeId: number; appliesFrom: LocalDate }
  | { reason: "past_date" }
  | { reason: "unchanged" }
  | { reason: "not_found" }
  | { reason: "exists" }
  | { reason: "sla_conflict"; conflicts: SlaConflict[] }
  | { reason: "participation_conflict"; conflicts: ParticipationConflict[] }
  | { reason: "looser_than_category"; clocks: ClockName[]; category: Standard };

export type Decision = { ok: true; after: unknown } | { ok: false; refusal: Refusal };
export type ChangeResult =
  | { ok: true; id: number; applied: boolean; appliesFrom: LocalDate }
  | { ok: false; refusal: Refusal };

/** Serialises changes of one subject, across processes, to the end of the transaction. */
export async function lockSubject(tx: Pick<Tx, "execute">, subject: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`standards:${subject}`}))`);
}

/** The change of a subject still waiting for its day, if there is one. */
export async function pendingChange(tx: Pick<Tx, "select">, kind: string, subject: string) {
  const [row] = await tx
    .select({
      id: standardChanges.id,
      appliesFrom: standardChanges.appliesFrom,
      after: standardChanges.after,
    })
    .from(standardChanges)
    .where(
      and(
        eq(standardChanges.kind, kind),
        eq(standardChanges.subject, subject),
        isNull(standardChanges.appliedAt),
      ),
    )
    .limit(1);
  return row;
}

/**
 * The changes of a category's national response standards still waiting for their day (one per subject:
 * its own standard, and a rule per priority), for holding a municipality's own rule to what is coming.
 */
export async function pendingSlaChanges(
  tx: Pick<Tx, "select">,
  key: { type: string; category: string },
): Promise<PendingSla[]> {
  const subjects = [null, ...PRIORITIES].map((p) => subjectOf.sla(key.type, key.category, p));
  const rows = await tx
    .select({
      subject: standardChanges.subject,
      appliesFrom: standardChanges.appliesFrom,
      after: standardChanges.after,
    })
    .from(standardChanges)
    .where(
      and(
        eq(standardChanges.kind, "sla"),
        inArray(standardChanges.subject, subjects),
        isNull(standardChanges.appliedAt),
      ),
    );
  return rows.map((r) => {
    const after = r.after as SlaState | null;
    // A removal (only a priority's rule can be removed) has no state: its subject names the priority.
    const priority = subjects.indexOf(r.subject);
    return {
      appliesFrom: r.appliesFrom,
      priority: priority <= 0 ? null : PRIORITIES[priority - 1]!,
      standard: after ? after.standard : null,
    };
  });
}

/**
 * Records one change. `decide` gets the subject's state now (null: none) inside the transaction and says
 * what it becomes (null: removed) or why not; it may read more (the municipalities' own settings).
 */
export async function recordChange(
  deps: ChangeDeps,
  input: {
    key: SubjectKey;
    subject: string;
    reason: string;
    appliesFrom: LocalDate;
    decide: (before: unknown, tx: Tx) => Promise<Decision> | Decision;
  },
): Promise<ChangeResult> {
  const { key, subject } = input;
  const today = localDateOf(deps.now, deps.timeZone);
  if (input.appliesFrom < today) return { ok: false, refusal: { reason: "past_date" } };
  return deps.db.transaction(async (tx) => {
    await lockSubject(tx, subject);
    const waiting = await pendingChange(tx, key.kind, subject);
    if (waiting)
      return {
        ok: false as const,
        refusal: { reason: "pending" as const, changeId: waiting.id, appliesFrom: waiting.appliesFrom },
      };
    const before = await readState(tx, key);
    const decision = await input.decide(before, tx);
    if (!decision.ok) return decision;
    const { after } = decision;
    if (sameState(before, after)) return { ok: false as const, refusal: { reason: "unchanged" as const } };
    const applied = input.appliesFrom === today;
    const [row] = await tx
      .insert(standardChanges)
      .values({
        kind: key.kind,
        subject,
        before,
        after,
        reason: input.reason,
        appliesFrom: input.appliesFrom,
        appliedAt: applied ? deps.now : null,
        changedBy: deps.actorId,
        changedAt: deps.now,
      })
      .returning({ id: standardChanges.id });
    if (applied) await applyState(tx, key, after, { now: deps.now, by: deps.actorId });
    await appendAudit(tx, {
      at: deps.now,
      actorId: deps.actorId,
      action: "standard.changed",
      subjectType: "standard",
      subjectId: subject,
      ip: deps.ip ?? null,
      data: {
        change: row!.id,
        kind: key.kind,
        before,
        after,
        reason: input.reason,
        appliesFrom: input.appliesFrom,
        applied,
      },
    });
    return { ok: true as const, id: row!.id, applied, appliesFrom: input.appliesFrom };
  });
}

export type WithdrawResult = { ok: true; subject: string } | { ok: false; reason: "not_pending" };

/**
 * Withdraws a change still waiting for its day: the row goes, and the audit entry keeps what it was and
 * why it was withdrawn. An applied change is history and stays; it is undone by a change of its own.
 */
export async function withdrawChange(
  deps: ChangeDeps,
  input: { id: number; reason: string },
): Promise<WithdrawResult> {
  return deps.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ subject: standardChanges.subject })
      .from(standardChanges)
      .where(eq(standardChanges.id, input.id));
    if (!found) return { ok: false as const, reason: "not_pending" as const };
    await lockSubject(tx, found.subject);
    const [row] = await tx
      .delete(standardChanges)
      .where(and(eq(standardChanges.id, input.id), isNull(standardChanges.appliedAt)))
      .returning();
    if (!row) return { ok: false as const, reason: "not_pending" as const };
    await appendAudit(tx, {
      at: deps.now,
      actorId: deps.actorId,
      action: "standard.withdrawn",
      subjectType: "standard",
      subjectId: row.subject,
      ip: deps.ip ?? null,
      data: {
        change: row.id,
        kind: row.kind,
        before: row.before,
        after: row.after,
        reason: row.reason,
        appliesFrom: row.appliesFrom,
        changedBy: row.changedBy,
        changedAt: row.changedAt.toISOString(),
        withdrawReason: input.reason,
      },
    });
    return { ok: true as const, subject: row.subject };
  });
}

/**
 * A change already made and applied elsewhere in the caller's transaction (the working-day calendar's
 * page, src/calendar/calendarAdmin.ts, which writes its own audit entry), kept in the same history.
 */
export async function recordAppliedChange(
  tx: Pick<Tx, "insert">,
  input: {
    kind: "calendar";
    subject: string;
    before: unknown;
    after: unknown;
    reason: string;
    now: Date;
    /** The country's time zone, for the day it applies from (today there); UTC when not given. */
    timeZone?: string | undefined;
    actorId: string | null;
  },
): Promise<void> {
  await tx.insert(standardChanges).values({
    kind: input.kind,
    subject: input.subject,
    before: input.before ?? null,
    after: input.after ?? null,
    reason: input.reason,
    appliesFrom: localDateOf(input.now, input.timeZone ?? "UTC"),
    appliedAt: input.now,
    changedBy: input.actorId,
    changedAt: input.now,
  });
}
