// Moderating a submitted proposal (participation coordinator, "proposal.moderate"): publish it to collect
// support, or reject it with a national reason code. The case's own commands (staffAction.ts) acknowledge
// and reject it, writing the events, SLA columns, notices and webhooks; publication then makes it public,
// fixes its window and threshold, and opens the SLA pause that holds the formal answer's clocks while it
// collects support (slaTracking.ts treats an open pause as paused).
import { and, eq } from "drizzle-orm";
import { type Actor, can } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { slaAfter, slaFor } from "../../cases/commands/applyTransition.ts";
import { actOnCase, type StaffRefusal } from "../../cases/commands/staffAction.ts";
import type { Db } from "../../db/client.ts";
import { caseEvents, cases, proposals } from "../../db/schema.ts";
import { participationSettingsFor } from "../settings.ts";
import { tellSubmitter } from "./proposalNotices.ts";
import { loadProposal } from "./proposalQueries.ts";
import { supportClosesAt, thresholdFor } from "./proposalRules.ts";

export interface ProposalDeps {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  actor: Actor;
  ip?: string | undefined;
  baseUrl: string;
  poke: () => void;
}

export type ModerationRefusal = StaffRefusal | "already_published";
export type ModerationResult = { ok: true } | { ok: false; reason: ModerationRefusal };

/** The statuses a proposal may be published from: acknowledged and in hand, not waiting for the citizen. */
const PUBLISHABLE = ["acknowledged", "assigned", "in_progress", "reopened"];

const staffDeps = (deps: ProposalDeps) => ({
  db: deps.db,
  now: deps.now,
  calendar: deps.calendar,
  actor: deps.actor,
  ip: deps.ip,
  baseUrl: deps.baseUrl,
  poke: deps.poke,
});

/** Publishes a proposal: acknowledged if not yet, public, its proposals row, the pause opened. */
export async function publishProposal(deps: ProposalDeps, code: string): Promise<ModerationResult> {
  const { db, now } = deps;
  const found = await loadProposal(db, code);
  if (!found || !can(deps.actor, "proposal.moderate", { municipalityId: found.kase.municipalityId }))
    return { ok: false, reason: "not_found" };
  if (found.proposal) return { ok: false, reason: "already_published" };
  if (found.kase.status === "submitted") {
    // Moderation is covered by the acknowledgement clock: publishing acknowledges the proposal first.
    const acknowledged = await actOnCase(staffDeps(deps), { code, action: { kind: "acknowledge" } });
    if (!acknowledged.ok) return { ok: false, reason: acknowledged.reason };
  }
  // Read before the transaction: on the embedded database a query outside it would wait for it.
  const settings = await participationSettingsFor(db, found.kase.municipalityId);
  const sla = await slaFor(db, deps.calendar, found.kase);
  const threshold = thresholdFor(settings, found.category.code);
  const closesAt = supportClosesAt(now, settings.proposalWindowDays, deps.calendar.timeZone);
  const actorId = deps.actor.kind === "user" ? deps.actor.userId : null;

  const result = await db.transaction(async (tx): Promise<ModerationResult & { told?: boolean }> => {
    const [kase] = await tx.select().from(cases).where(eq(cases.id, found.kase.id)).for("update");
    if (!kase) return { ok: false, reason: "not_found" };
    if (!PUBLISHABLE.includes(kase.status)) return { ok: false, reason: "not_allowed_from_status" };
    const inserted = await tx
      .insert(proposals)
      .values({
        caseId: kase.id,
        municipalityId: kase.municipalityId,
        publishedAt: now,
        supportClosesAt: closesAt,
        threshold,
        requiresVerified: settings.supportRequiresVerified,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ caseId: proposals.caseId });
    if (inserted.length === 0) return { ok: false, reason: "already_published" };
    const version = kase.version + 1;
    const change = { visibility: "public", slaPauses: [...kase.slaPauses, { from: now.toISOString() }] };
    const [after] = await tx
      .update(cases)
      .set({ ...change, ...slaAfter(kase, change, sla, now), version, updatedAt: now })
      .where(and(eq(cases.id, kase.id), eq(cases.version, kase.version)))
      .returning();
    const data = {
      threshold,
      supportClosesAt: closesAt.toISOString(),
      windowDays: settings.proposalWindowDays,
    };
    await tx.insert(caseEvents).values({
      caseId: kase.id,
      municipalityId: kase.municipalityId,
      type: "proposal_published",
      actorId,
      isPublic: true,
      data: { ...data, version },
      at: now,
    });
    await appendAudit(tx, {
      at: now,
      actorId,
      action: "proposal.publish",
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
      ip: deps.ip ?? null,
      data,
    });
    const told = await tellSubmitter(
      tx,
      { now, baseUrl: deps.baseUrl, timeZone: deps.calendar.timeZone },
      after!,
      "published",
      {
        threshold,
        closesOn: closesAt,
      },
    );
    return { ok: true, told };
  });
  if (result.ok && result.told) deps.poke();
  return result.ok ? { ok: true } : result;
}

/** Rejects a proposal at moderation: the lifecycle's reject with a national reason code and a public reason. */
export async function rejectProposal(
  deps: ProposalDeps,
  input: { code: string; reasonCode: string; message: string },
): Promise<ModerationResult> {
  const found = await loadProposal(deps.db, input.code);
  if (!found || !can(deps.actor, "proposal.moderate", { municipalityId: found.kase.municipalityId }))
    return { ok: false, reason: "not_found" };
  if (found.proposal) return { ok: false, reason: "already_published" };
  const rejected = await actOnCase(staffDeps(deps), {
    code: input.code,
    action: { kind: "change_status", action: "reject", reasonCode: input.reasonCode, message: input.message },
  });
  return rejected.ok ? { ok: true } : { ok: false, reason: rejected.reason };
}
