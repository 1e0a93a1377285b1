// What staff do to a case, each action through the policy table, the lifecycle and one transaction that
// writes the case (with its SLA columns), a case event, an audit entry and any message to the citizen.
// Two officers acting on the same case at once never both succeed silently: a form carries the version
// it was shown, and a change on an older version is refused with the events made since.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Action, type Actor, can, type Subject } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import type { Db } from "../../db/client.ts";
import {
  caseEvents,
  caseFollowers,
  casePhotos,
  cases,
  departments,
  roleAssignments,
} from "../../db/schema.ts";
import type { WebhookEvent } from "../../notifications/webhooks.ts";
import { type ReferenceData, referenceData } from "../../reference/referenceCache.ts";
import { type CitizenNotice, publishCase, tellAssigned, tellCitizen, tellFollowers } from "../caseNotices.ts";
import { FINAL_STATUSES, isOpen, type LifecycleAction, type TransitionRefusal } from "../lifecycle.ts";
import type { Priority } from "../sla.ts";
import { standardAfterPriority } from "../slaTracking.ts";
import type { CaseStatus } from "../statuses.ts";
import { applyTransition, slaAfter, slaFor } from "./applyTransition.ts";

type CaseRow = typeof cases.$inferSelect;
type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type StatusChange = "start" | "resolve" | "answer" | "close" | "reject";

export type StaffAction =
  | { kind: "acknowledge" }
  | { kind: "assign"; departmentId: number | null; assigneeId: string | null }
  | { kind: "set_priority"; priority: Priority }
  | { kind: "request_information"; message: string }
  /** A public answer; `final` also answers (requests, feedback, proposals) or resolves (issue reports). */
  | { kind: "answer"; message: string; final: boolean; reasonCode?: string | undefined }
  | {
      kind: "change_status";
      action: StatusChange;
      reasonCode?: string | undefined;
      message?: string | undefined;
    }
  | { kind: "refer"; to: string; reasonCode: string; message?: string | undefined }
  | { kind: "merge"; intoCode: string; reasonCode: string }
  | { kind: "redact"; title: string; description: string; hidePhotoIds: readonly string[] }
  | { kind: "set_visibility"; visibility: "public" | "private" }
  | { kind: "note"; text: string };

export type StaffRefusal =
  | "not_found"
  | "not_allowed"
  | "case_changed"
  | TransitionRefusal
  | "unknown_reason_code"
  | "unknown_department"
  | "unknown_assignee"
  | "merge_target_not_found"
  | "merge_into_itself"
  | "nothing_changed";

export type StaffResult =
  | { ok: true; kase: CaseRow }
  | { ok: false; reason: StaffRefusal; changes?: (typeof caseEvents.$inferSelect)[] };

export interface StaffDeps {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  actor: Actor;
  ip?: string | undefined;
  baseUrl: string;
  poke: () => void;
  /**
   * More work in the action's transaction, before it (a proposal's decision, recorded with its answer and
   * under the proposal's lock); whatever it throws undoes both and reaches the caller.
   */
  alsoInTransaction?: (tx: Tx) => Promise<void>;
}

/** The policy action behind each staff action. */
export const STAFF_PERMISSION: Record<StaffAction["kind"], Action> = {
  acknowledge: "case.acknowledge",
  assign: "case.assign",
  set_priority: "case.set_priority",
  request_information: "case.request_information",
  answer: "case.answer",
  change_status: "case.change_status",
  refer: "case.refer",
  merge: "case.merge",
  redact: "case.redact",
  set_visibility: "case.set_visibility",
  note: "case.add_internal_note",
};

/** The policy subject of a case for staff: its municipality, department, assignee, submitter, visibility. */
export function staffSubject(kase: CaseRow): Subject {
  return {
    municipalityId: kase.municipalityId,
    departmentId: kase.departmentId,
    assigneeId: kase.assigneeId,
    ownerId: kase.submitterId,
    isPublic: kase.visibility === "public",
  };
}

/** Thrown inside the transaction when the case changed since it was read: everything rolls back. */
class Changed extends Error {}
/** Thrown inside the transaction to refuse with a reason after something was already checked there. */
class Refused extends Error {
  constructor(readonly reason: StaffRefusal) {
    super(reason);
  }
}

export async function actOnCase(
  deps: StaffDeps,
  input: { code: string; version?: number | undefined; action: StaffAction },
): Promise<StaffResult> {
  const { db } = deps;
  const [kase] = await db.select().from(cases).where(eq(cases.trackingCode, input.code)).limit(1);
  if (!kase) return { ok: false, reason: "not_found" };
  const subject = staffSubject(kase);
  if (!can(deps.actor, "case.view_staff", subject)) return { ok: false, reason: "not_found" };
  if (!can(deps.actor, STAFF_PERMISSION[input.action.kind], subject))
    return { ok: false, reason: "not_allowed" };
  if (input.version !== undefined && input.version !== kase.version)
    return changedSince(db, kase, input.version);
  const action = input.action;
  // A new priority is the one change that gives a case a new standard: resolved again under the standards
  // in force now (not the one stored when it was received), and stored with the deadlines it gives — for
  // the clocks still running and not yet due. A clock already met or breached keeps its due date
  // (slaTracking.ts standardAfterPriority): statistics judge it by the deadline it had.
  const sla = await slaFor(db, deps.calendar, kase);
  if (action.kind === "set_priority") {
    const next = await slaFor(db, deps.calendar, { ...kase, priority: action.priority, slaStandard: null });
    sla.standard = standardAfterPriority(
      { ...kase, status: kase.status as CaseStatus, standard: sla.standard, pauses: kase.slaPauses },
      next.standard,
      deps.now,
      deps.calendar,
    );
  }
  const actorId = deps.actor.kind === "user" ? deps.actor.userId : null;
  let told = false;
  // Read before the transaction: on the embedded database a query outside it would wait for it.
  const ref = await referenceData(db);
  try {
    const result = await db.transaction(async (tx): Promise<StaffResult> => {
      const ctx: Ctx = { tx, deps, kase, actorId, sla };
      await deps.alsoInTransaction?.(tx);
      const done = await perform(ctx, action);
      if (!done.ok) {
        if (done.reason === "case_changed") throw new Changed();
        return done;
      }
      const people = await tell(ctx, action, done.kase);
      const integrations = await publishFor(ctx, ref, action, done.kase);
      told = people || integrations > 0;
      return done;
    });
    if (result.ok && told) deps.poke();
    return result;
  } catch (e) {
    if (e instanceof Changed) return changedSince(db, kase, input.version ?? kase.version);
    if (e instanceof Refused) return { ok: false, reason: e.reason };
    throw e;
  }
}

interface Ctx {
  tx: Tx;
  deps: StaffDeps;
  kase: CaseRow;
  actorId: string | null;
  sla: Awaited<ReturnType<typeof slaFor>>;
}

async function perform(ctx: Ctx, action: StaffAction): Promise<StaffResult> {
  const { kase } = ctx;
  switch (action.kind) {
    case "acknowledge":
      return move(ctx, "acknowledge", {});
    case "assign": {
      await checkAssignment(ctx, action.departmentId, action.assigneeId);
      if (action.departmentId === kase.departmentId && action.assigneeId === kase.assigneeId)
        return { ok: false, reason: "nothing_changed" };
      return move(ctx, "assign", {
        set: { departmentId: action.departmentId, assigneeId: action.assigneeId },
        data: { departmentId: action.departmentId, assigneeId: action.assigneeId },
      });
    }
    case "request_information": {
      return move(ctx, "request_information", { message: action.message, messageIsPublic: true });
    }
    case "answer": {
      if (action.final) {
        const lifecycle: LifecycleAction = kase.type === "issue_report" ? "resolve" : "answer";
        return move(ctx, lifecycle, {
          message: action.message,
          messageIsPublic: true,
          reasonCode: action.reasonCode,
        });
      }
      // An answer that does not end the case: public on the timeline, and it is the first response. Only
      // while the case is open: a finished case is answered by reopening it first.
      if (!isOpen(kase.status as CaseStatus)) return { ok: false, reason: "not_allowed_from_status" };
      return update(
        ctx,
        { firstResponseAt: kase.firstResponseAt ?? ctx.deps.now },
        { type: "answer_published", isPublic: true, message: action.message },
        "case.answered",
      );
    }
    case "change_status":
      return move(ctx, action.action, {
        reasonCode: action.reasonCode,
        message: action.message,
        messageIsPublic: action.action !== "start" && action.message !== undefined,
      });
    case "refer":
      return move(ctx, "refer", {
        reasonCode: action.reasonCode,
        message: action.message,
        messageIsPublic: action.message !== undefined,
        set: { referredTo: action.to },
        data: { referredTo: action.to },
      });
    case "merge":
      return merge(ctx, action);
    case "set_priority":
      // Only while the case is open: a new priority gives every clock a new deadline, and on a finished
      // case that would rewrite whether the municipality met the deadlines it had (statistics read them).
      if (!isOpen(kase.status as CaseStatus)) return { ok: false, reason: "not_allowed_from_status" };
      if (action.priority === kase.priority) return { ok: false, reason: "nothing_changed" };
      return update(
        ctx,
        { priority: action.priority, slaStandard: ctx.sla.standard },
        { type: "priority_set", isPublic: false, data: { from: kase.priority, to: action.priority } },
        "case.priority_set",
      );
    case "set_visibility":
      if (action.visibility === kase.visibility) return { ok: false, reason: "nothing_changed" };
      return update(
        ctx,
        { visibility: action.visibility },
        { type: "visibility_set", isPublic: false, data: { from: kase.visibility, to: action.visibility } },
        "case.visibility_set",
      );
    case "redact":
      return redact(ctx, action);
    case "note":
      return update(
        ctx,
        {},
        { type: "internal_note", isPublic: false, message: action.text },
        "case.note_added",
      );
  }
}

/** A lifecycle move (applyTransition writes the case, the event and the audit entry). */
async function move(
  ctx: Ctx,
  action: LifecycleAction,
  options: {
    reasonCode?: string | undefined;
    message?: string | undefined;
    messageIsPublic?: boolean;
    set?: Partial<CaseRow>;
    data?: Record<string, unknown>;
  },
): Promise<StaffResult> {
  const moved = await applyTransition(ctx.tx, {
    kase: ctx.kase,
    action,
    actorId: ctx.actorId,
    now: ctx.deps.now,
    sla: ctx.sla,
    ...(options.reasonCode ? { reasonCode: options.reasonCode } : {}),
    ...(options.message
      ? { message: options.message, messageIsPublic: options.messageIsPublic ?? false }
      : {}),
    ...(options.set ? { set: options.set } : {}),
    ...(options.data ? { data: options.data } : {}),
    ...(ctx.deps.ip ? { ip: ctx.deps.ip } : {}),
  });
  return moved.ok ? { ok: true, kase: moved.kase } : { ok: false, reason: moved.reason };
}

/** A change that is not a lifecycle move: the case (version raised, SLA columns kept current), an event, an audit entry. */
async function update(
  ctx: Ctx,
  change: Partial<CaseRow>,
  event: { type: string; isPublic: boolean; message?: string; data?: Record<string, unknown> },
  auditAction: string,
): Promise<StaffResult> {
  const { tx, kase, deps } = ctx;
  const version = kase.version + 1;
  const [updated] = await tx
    .update(cases)
    .set({ ...change, ...slaAfter(kase, change, ctx.sla, deps.now), version, updatedAt: deps.now })
    .where(and(eq(cases.id, kase.id), eq(cases.version, kase.version)))
    .returning();
  if (!updated) return { ok: false, reason: "case_changed" };
  await tx.insert(caseEvents).values({
    caseId: kase.id,
    municipalityId: kase.municipalityId,
    type: event.type,
    actorId: ctx.actorId,
    isPublic: event.isPublic,
    message: event.message ?? null,
    data: { ...event.data, version },
    at: deps.now,
  });
  await appendAudit(tx, {
    at: deps.now,
    actorId: ctx.actorId,
    action: auditAction,
    subjectType: "case",
    subjectId: kase.trackingCode,
    municipalityId: kase.municipalityId,
    ip: deps.ip ?? null,
    data: event.data ?? null,
  });
  return { ok: true, kase: updated };
}

/** A department of the case's municipality, and an assignee who works there (or in the municipality). */
async function checkAssignment(ctx: Ctx, departmentId: number | null, assigneeId: string | null) {
  const { tx, kase } = ctx;
  if (departmentId !== null) {
    const [d] = await tx
      .select({ id: departments.id })
      .from(departments)
      .where(and(eq(departments.id, departmentId), eq(departments.municipalityId, kase.municipalityId)));
    if (!d) throw new Refused("unknown_department");
  }
  if (assigneeId !== null) {
    const held = await tx
      .select({ role: roleAssignments.role, departmentId: roleAssignments.departmentId })
      .from(roleAssignments)
      .where(
        and(
          eq(roleAssignments.userId, assigneeId),
          eq(roleAssignments.municipalityId, kase.municipalityId),
          inArray(roleAssignments.role, ["officer", "department_head", "participation_coordinator"]),
        ),
      );
    const fits = held.some(
      (r) =>
        r.role === "participation_coordinator" || departmentId === null || r.departmentId === departmentId,
    );
    if (!fits) throw new Refused("unknown_assignee");
  }
}

/** Merges the case into another of the same municipality: both linked, followers moved, submitter told. */
async function merge(ctx: Ctx, action: Extract<StaffAction, { kind: "merge" }>): Promise<StaffResult> {
  const { tx, kase, deps } = ctx;
  if (action.intoCode === kase.trackingCode) return { ok: false, reason: "merge_into_itself" };
  const [found] = await tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(eq(cases.trackingCode, action.intoCode), eq(cases.municipalityId, kase.municipalityId)))
    .limit(1);
  if (!found) return { ok: false, reason: "merge_target_not_found" };
  // Both cases locked, in id order, before the target is read: two merges of one pair in opposite
  // directions would otherwise each find the other case still open and both succeed (each merged into the
  // other). The second waits, then finds its target merged; the id order keeps them from a deadlock.
  await tx
    .select({ id: cases.id })
    .from(cases)
    .where(inArray(cases.id, [kase.id, found.id]))
    .orderBy(asc(cases.id))
    .for("update");
  const [target] = await tx.select().from(cases).where(eq(cases.id, found.id));
  // A case that has ended (closed, rejected, referred, merged) has no progress left for the merged case's
  // submitter and followers to follow.
  if (!target || FINAL_STATUSES.includes(target.status as CaseStatus))
    return { ok: false, reason: "merge_target_not_found" };
  const moved = await move(ctx, "merge", {
    reasonCode: action.reasonCode,
    set: { mergedIntoId: target.id },
    data: { into: target.trackingCode },
  });
  if (!moved.ok) return moved;
  await tx.insert(caseEvents).values({
    caseId: target.id,
    municipalityId: target.municipalityId,
    type: "merged_from",
    actorId: ctx.actorId,
    isPublic: true,
    data: { from: kase.trackingCode },
    at: deps.now,
  });
  // Followers of the merged case follow the one it went into (once each).
  await tx.execute(sql`
    insert into case_followers (case_id, user_id, created_at)
    select ${target.id}, user_id, created_at from case_followers where case_id = ${kase.id}
    on conflict do nothing`);
  await tx.delete(caseFollowers).where(eq(caseFollowers.caseId, kase.id));
  return moved;
}

/** Edits the public text (the citizen's own words kept for authorised staff) and hides photos. */
async function redact(ctx: Ctx, action: Extract<StaffAction, { kind: "redact" }>): Promise<StaffResult> {
  const { tx, kase } = ctx;
  const fields = [
    ...(action.title !== kase.title ? ["title"] : []),
    ...(action.description !== kase.description ? ["description"] : []),
  ];
  const hidden =
    action.hidePhotoIds.length === 0
      ? []
      : await tx
          .update(casePhotos)
          .set({ hidden: true })
          .where(
            and(
              eq(casePhotos.caseId, kase.id),
              eq(casePhotos.hidden, false),
              inArray(casePhotos.id, [...action.hidePhotoIds]),
            ),
          )
          .returning({ id: casePhotos.id });
  if (fields.length === 0 && hidden.length === 0) return { ok: false, reason: "nothing_changed" };
  return update(
    ctx,
    {
      title: action.title,
      description: action.description,
      // The first redaction keeps the original; later ones keep that same original.
      originalTitle: kase.originalTitle ?? (fields.includes("title") ? kase.title : null),
      originalDescription:
        kase.originalDescription ?? (fields.includes("description") ? kase.description : null),
    },
    { type: "redacted", isPublic: false, data: { fields, hiddenPhotos: hidden.map((h) => h.id) } },
    "case.redacted",
  );
}

/** The events made on a case since the version a form was shown: what changed under the officer. */
async function changedSince(db: Db, kase: CaseRow, version: number): Promise<StaffResult> {
  const events = await db
    .select()
    .from(caseEvents)
    .where(
      and(
        eq(caseEvents.caseId, kase.id),
        sql`coalesce((${caseEvents.data}->>'version')::int, 0) > ${version}`,
      ),
    )
    .orderBy(asc(caseEvents.at), asc(caseEvents.id));
  return { ok: false, reason: "case_changed", changes: events };
}

/**
 * Who hears of a staff action that succeeded (caseNotices.ts), in the same transaction: the citizen of each
 * change they would want to know of, followers of public changes, and staff a case is given to. Returns
 * whether any message was written. Internal changes (a note, a priority, a redaction) tell nobody.
 */
async function tell(ctx: Ctx, action: StaffAction, after: CaseRow): Promise<boolean> {
  const { tx, deps } = ctx;
  const n = { now: deps.now, baseUrl: deps.baseUrl };
  const toCitizen = (notice: CitizenNotice) => tellCitizen(tx, n, after, notice);
  const toFollowers = (change: { status: CaseStatus } | { answered: true }) =>
    tellFollowers(tx, n, after, change, ctx.actorId).then((count) => count > 0);
  const statusChanged = after.status !== ctx.kase.status;
  const status = after.status as CaseStatus;
  switch (action.kind) {
    case "acknowledge": {
      const citizen = await toCitizen({ kind: "status", status });
      return (await toFollowers({ status })) || citizen;
    }
    case "assign": {
      const told = (await tellAssigned(tx, n, after, ctx.actorId)) > 0;
      return (statusChanged && (await toFollowers({ status }))) || told;
    }
    case "request_information":
      return toCitizen({ kind: "request_information", message: action.message });
    case "answer": {
      const citizen =
        status === "resolved"
          ? await toCitizen({ kind: "resolved", message: action.message })
          : await toCitizen({ kind: "answer", message: action.message });
      return (await toFollowers(statusChanged ? { status } : { answered: true })) || citizen;
    }
    case "change_status":
    case "refer": {
      const message = action.kind === "refer" || action.action !== "start" ? action.message : undefined;
      const citizen =
        status === "resolved"
          ? await toCitizen({ kind: "resolved", message })
          : await toCitizen({ kind: "status", status, message });
      return (await toFollowers({ status })) || citizen;
    }
    case "merge":
      return toCitizen({ kind: "merged", into: action.intoCode });
    case "set_visibility":
    case "set_priority":
    case "redact":
    case "note":
      return false;
  }
}

/** The webhook event of each staff action that integrations hear of (the internal ones: none). */
const EVENT_OF: Partial<Record<StaffAction["kind"], WebhookEvent>> = {
  acknowledge: "case.acknowledged",
  assign: "case.assigned",
  request_information: "case.information_requested",
  answer: "case.answered",
  change_status: "case.status_changed",
  refer: "case.status_changed",
  merge: "case.merged",
  set_visibility: "case.visibility_changed",
};

/** Queues the action's webhook event (caseNotices.ts publishCase); how many messages. */
function publishFor(ctx: Ctx, ref: ReferenceData, action: StaffAction, after: CaseRow) {
  const event = EVENT_OF[action.kind];
  if (!event) return 0;
  const from = ctx.kase.status as CaseStatus;
  const to = after.status as CaseStatus;
  return publishCase(ctx.tx, { now: ctx.deps.now, baseUrl: ctx.deps.baseUrl, ref }, after, event, {
    ...(from !== to ? { fromStatus: from, toStatus: to } : {}),
    ...(after.reasonCode && after.reasonCode !== ctx.kase.reasonCode ? { reasonCode: after.reasonCode } : {}),
    ...(action.kind === "merge" ? { mergedInto: action.intoCode } : {}),
    ...(action.kind === "set_visibility" ? { visibility: action.visibility } : {}),
  });
}

/** The status a staff status change leads to, for pages that say what will happen. */
export const STATUS_CHANGE_TARGET: Record<StatusChange, CaseStatus> = {
  start: "in_progress",
  resolve: "resolved",
  answer: "answered",
  close: "closed",
  reject: "rejected",
};
