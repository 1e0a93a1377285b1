// Supporting a published proposal: one support per account, only while it collects, only from a verified
// identity where the municipality asks for one. Concurrency is settled by the database: the proposal's row
// is locked for the transaction, the support is an insert on the (proposal, account) key that does
// nothing the second time, and only an inserted support is counted. The support that reaches the
// threshold, in its own transaction, closes the SLA pause (the formal answer's clocks run on, the support
// period given back), recomputes the SLA columns and tells the submitter, the supporters and the
// coordinators.
import { and, eq, sql } from "drizzle-orm";
import { type Actor, can } from "../../access/policy.ts";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { slaAfter, slaFor } from "../../cases/commands/applyTransition.ts";
import type { Db, Tx } from "../../db/client.ts";
import { caseEvents, caseFollowers, cases, proposalSupports, proposals } from "../../db/schema.ts";
import { tellCoordinators, tellSubmitter, tellSupporters } from "./proposalNotices.ts";
import { loadProposal } from "./proposalQueries.ts";
import { stageOf } from "./proposalRules.ts";

export type SupportRefusal =
  | "not_found"
  | "sign_in"
  | "not_collecting"
  | "already_supported"
  | "own_proposal"
  | "verification_required";

export type SupportResult =
  | { ok: true; count: number; thresholdReached: boolean }
  | { ok: false; reason: SupportRefusal };

export interface SupportDeps {
  db: Db;
  now: Date;
  calendar: WorkingCalendar;
  actor: Actor;
  baseUrl: string;
  poke: () => void;
}

type CaseRow = typeof cases.$inferSelect;
type Sla = Awaited<ReturnType<typeof slaFor>>;

export async function supportProposal(deps: SupportDeps, code: string): Promise<SupportResult> {
  const { db, now, actor } = deps;
  const found = await loadProposal(db, code);
  if (!found?.proposal || found.kase.visibility !== "public") return { ok: false, reason: "not_found" };
  if (actor.kind !== "user") return { ok: false, reason: "sign_in" };
  if (!can(actor, "proposal.support", { municipalityId: found.kase.municipalityId }))
    return { ok: false, reason: "not_found" };
  // The submitter's own proposal: its support measures how many others back it.
  if (found.kase.submitterId === actor.userId) return { ok: false, reason: "own_proposal" };
  if (found.proposal.requiresVerified && actor.identityLevel !== "verified")
    return { ok: false, reason: "verification_required" };
  // Read before the transaction: on the embedded database a query outside it would wait for it.
  const sla = await slaFor(db, deps.calendar, found.kase);
  const caseId = found.kase.id;

  const result = await db.transaction(async (tx): Promise<SupportResult & { told?: boolean }> => {
    // The proposal's row lock: supports, the threshold and the expiry pass queue on it.
    const [p] = await tx.select().from(proposals).where(eq(proposals.caseId, caseId)).for("update");
    const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
    if (!p || !kase) return { ok: false, reason: "not_found" };
    if (stageOf({ ...p, caseStatus: kase.status }, now) !== "collecting")
      return { ok: false, reason: "not_collecting" };
    const inserted = await tx
      .insert(proposalSupports)
      .values({ caseId, userId: actor.userId, createdAt: now })
      .onConflictDoNothing()
      .returning({ userId: proposalSupports.userId });
    if (inserted.length === 0) return { ok: false, reason: "already_supported" };
    // A supporter follows the proposal, so hears of its threshold, decision and progress (until they stop).
    await tx
      .insert(caseFollowers)
      .values({ caseId, userId: actor.userId, createdAt: now })
      .onConflictDoNothing();
    const [counted] = await tx
      .update(proposals)
      .set({ supportCount: sql`${proposals.supportCount} + 1`, updatedAt: now })
      .where(eq(proposals.caseId, caseId))
      .returning({ supportCount: proposals.supportCount, threshold: proposals.threshold });
    const count = counted!.supportCount;
    if (count < counted!.threshold) return { ok: true, count, thresholdReached: false };
    await reachThreshold(tx, deps, kase, sla, count);
    return { ok: true, count, thresholdReached: true, told: true };
  });
  if (result.ok && result.told) deps.poke();
  return result.ok ? { ok: true, count: result.count, thresholdReached: result.thresholdReached } : result;
}

/** The open pause of a case closed at `now` (the support period), the others kept. */
export function closeOpenPause(pauses: CaseRow["slaPauses"], now: Date): CaseRow["slaPauses"] {
  return pauses.map((p) => (p.to === undefined ? { from: p.from, to: now.toISOString() } : p));
}

/** The threshold reached: stamped, the pause closed, the SLA columns recomputed, an event, the people told. */
async function reachThreshold(tx: Tx, deps: SupportDeps, kase: CaseRow, sla: Sla, count: number) {
  const { now } = deps;
  await tx
    .update(proposals)
    .set({ thresholdReachedAt: now, updatedAt: now })
    .where(and(eq(proposals.caseId, kase.id)));
  const version = kase.version + 1;
  const change = { slaPauses: closeOpenPause(kase.slaPauses, now) };
  const [after] = await tx
    .update(cases)
    .set({ ...change, ...slaAfter(kase, change, sla, now), version, updatedAt: now })
    .where(eq(cases.id, kase.id))
    .returning();
  await tx.insert(caseEvents).values({
    caseId: kase.id,
    municipalityId: kase.municipalityId,
    type: "proposal_threshold_reached",
    actorId: null,
    isPublic: true,
    data: { supports: count, version },
    at: now,
  });
  const ctx = { now, baseUrl: deps.baseUrl, timeZone: deps.calendar.timeZone };
  const values = { count, dueOn: after!.responseDueAt ?? now };
  await tellSubmitter(tx, ctx, after!, "threshold_reached", values);
  await tellSupporters(tx, ctx, after!, "threshold_reached", values);
  await tellCoordinators(tx, ctx, after!, values);
}
