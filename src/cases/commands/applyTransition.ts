// The one way a case changes status: the pure lifecycle decides, then a conditional update (on the
// status the decision was made from) writes the new state, the event and the audit entry in the
// caller's transaction. Two people acting on the same case at once never both succeed silently: the
// second finds the status changed and gets a named outcome.
import { and, eq, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import { caseEvents, cases, reasonCodes } from "../../db/schema.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import {
  decideTransition,
  type LifecycleAction,
  OPEN_STATUSES,
  type TransitionRefusal,
} from "../lifecycle.ts";
import type { Standard } from "../sla.ts";
import { REOPENED_KEY, slaColumns } from "../slaTracking.ts";
import type { CaseStatus, CaseType } from "../statuses.ts";

type Tx = Pick<Db, "select" | "update" | "insert" | "execute">;
type CaseRow = typeof cases.$inferSelect;

export type ApplyResult =
  | { ok: true; from: CaseStatus; to: CaseStatus; kase: CaseRow }
  | { ok: false; reason: TransitionRefusal | "unknown_reason_code" | "case_changed" };

export interface ApplyInput {
  kase: CaseRow;
  action: LifecycleAction;
  actorId: string | null;
  now: Date;
  reasonCode?: string | undefined;
  /** Shown on the public timeline when `messageIsPublic`, otherwise kept for staff. */
  message?: string | undefined;
  messageIsPublic?: boolean;
  data?: Record<string, unknown>;
  ip?: string | undefined;
  reopenWindowDays?: number;
  /** To keep the SLA columns current (slaTracking.ts): the calendar and the case's standard. */
  sla: { calendar: WorkingCalendar; standard: Standard };
  /** Other columns the same move sets (a referral's institution, a merge's target). */
  set?: Partial<CaseRow>;
}

/**
 * What applyTransition needs to keep a case's SLA columns current: the calendar and the case's standard —
 * the one fixed when it was received (a later change of the standards never moves its dates), or for a
 * case received before standards were kept on cases (or given `slaStandard: null` to re-resolve, as
 * setting a priority does), the one in force.
 */
export async function slaFor(
  db: Db,
  calendar: WorkingCalendar,
  kase: Pick<CaseRow, "municipalityId" | "categoryId" | "priority" | "slaStandard">,
): Promise<{ calendar: WorkingCalendar; standard: Standard }> {
  const standard =
    kase.slaStandard ??
    (await referenceData(db)).standardFor(kase.municipalityId, kase.categoryId, kase.priority);
  if (!standard) throw new Error(`no category ${kase.categoryId}`);
  return { calendar, standard };
}

/** The case's pauses after a move: one opens on entering awaiting_citizen and closes on leaving it or on ending. */
export function pausesAfter(kase: CaseRow, to: CaseStatus, now: Date): CaseRow["slaPauses"] {
  const pauses = [...kase.slaPauses];
  if (to === "awaiting_citizen" && kase.status !== "awaiting_citizen")
    pauses.push({ from: now.toISOString() });
  // Leaving "awaiting the citizen", or ending (a proposal that stops collecting support is closed or
  // rejected while its support window, an open pause, still runs): the pause ends now.
  if ((kase.status === "awaiting_citizen" && to !== "awaiting_citizen") || !OPEN_STATUSES.includes(to)) {
    const open = pauses.findLastIndex((p) => p.to === undefined);
    if (open >= 0) pauses[open] = { from: pauses[open]!.from, to: now.toISOString() };
  }
  return pauses;
}

/** The SLA columns of a case as it will be after a change (slaTracking.ts). */
export function slaAfter(
  kase: CaseRow,
  change: Partial<CaseRow>,
  sla: { calendar: WorkingCalendar; standard: Standard },
  now: Date,
) {
  const next = { ...kase, ...change };
  return slaColumns(
    {
      status: next.status as CaseStatus,
      receivedAt: next.receivedAt,
      standard: sla.standard,
      pauses: next.slaPauses,
      acknowledgedAt: next.acknowledgedAt,
      firstResponseAt: next.firstResponseAt,
      resolvedAt: next.resolvedAt,
      ackDueAt: next.ackDueAt,
      responseDueAt: next.responseDueAt,
      resolutionDueAt: next.resolutionDueAt,
    },
    now,
    sla.calendar,
  );
}

/** Timestamps a status sets the first time it is reached. */
function stamps(to: CaseStatus, kase: CaseRow, now: Date): Partial<CaseRow> {
  const set: Partial<CaseRow> = {};
  if (to === "acknowledged" && !kase.acknowledgedAt) set.acknowledgedAt = now;
  if ((to === "answered" || to === "resolved") && !kase.resolvedAt) set.resolvedAt = now;
  if (
    (to === "answered" || to === "resolved" || to === "awaiting_citizen" || to === "rejected") &&
    !kase.firstResponseAt
  ) {
    set.firstResponseAt = now;
  }
  if (["closed", "rejected", "referred", "merged"].includes(to)) set.closedAt = now;
  if (to === "reopened") {
    set.resolvedAt = null;
    set.closedAt = null;
  }
  return set;
}

export async function applyTransition(tx: Tx, input: ApplyInput): Promise<ApplyResult> {
  const { kase, now } = input;
  let reason: { code: string; appliesTo: string } | undefined;
  if (input.reasonCode) {
    const [row] = await tx
      .select()
      .from(reasonCodes)
      .where(and(eq(reasonCodes.code, input.reasonCode), eq(reasonCodes.active, true)));
    if (!row) return { ok: false, reason: "unknown_reason_code" };
    reason = { code: row.code, appliesTo: row.appliesTo };
  }
  const from = kase.status as CaseStatus;
  const decided = decideTransition(input.action, {
    status: from,
    type: kase.type as CaseType,
    reasonCode: reason,
    doneAt: kase.resolvedAt,
    now,
    ...(input.reopenWindowDays !== undefined ? { reopenWindowDays: input.reopenWindowDays } : {}),
  });
  if (!decided.ok) return decided;
  const change: Partial<CaseRow> = {
    status: decided.to,
    ...stamps(decided.to, kase, now),
    slaPauses: pausesAfter(kase, decided.to, now),
    ...(reason ? { reasonCode: reason.code } : {}),
    ...(input.set ?? {}),
  };
  const version = kase.version + 1;
  // A reopening is kept with the SLA marks: the scheduler counts the escalation ladder of a case reopened
  // after its deadline from it (slaScheduler.ts planSla). Merged in SQL, the marks made stay as they are.
  const reopened =
    decided.to === "reopened"
      ? {
          slaMarks: sql`${cases.slaMarks} || ${JSON.stringify({ [REOPENED_KEY]: now.toISOString() })}::jsonb`,
        }
      : {};
  const [updated] = await tx
    .update(cases)
    .set({ ...change, ...slaAfter(kase, change, input.sla, now), ...reopened, version, updatedAt: now })
    .where(and(eq(cases.id, kase.id), eq(cases.status, from), eq(cases.version, kase.version)))
    .returning();
  if (!updated) return { ok: false, reason: "case_changed" };
  await tx.insert(caseEvents).values({
    caseId: kase.id,
    municipalityId: kase.municipalityId,
    type: "status_changed",
    fromStatus: from,
    toStatus: decided.to,
    reasonCode: reason?.code ?? null,
    actorId: input.actorId,
    isPublic: true,
    message: input.messageIsPublic ? (input.message ?? null) : null,
    data: {
      action: input.action,
      ...(input.message && !input.messageIsPublic ? { note: input.message } : {}),
      ...input.data,
      version,
    },
    at: now,
  });
  await appendAudit(tx, {
    at: now,
    actorId: input.actorId,
    action: `case.${input.action}`,
    subjectType: "case",
    subjectId: kase.trackingCode,
    municipalityId: kase.municipalityId,
    ip: input.ip ?? null,
    data: { from, to: decided.to, ...(reason ? { reason: reason.code } : {}) },
  });
  return { ok: true, from, to: decided.to, kase: updated };
}
