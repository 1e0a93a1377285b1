// Ending the proposals whose support window passed without reaching the threshold: the proposal is marked
// expired, the SLA pause closed, and the case closed with the national reason "support-window-ended"
// through the lifecycle (applyTransition), as the system (no actor, like the SLA scheduler); the submitter
// and the supporters are told, integrations hear of the status change. Safe with any number of processes:
// proposals are claimed with FOR UPDATE SKIP LOCKED and marked only where still collecting, so each is
// ended once; a second pass finds nothing to do. A case staff already ended (rejected, closed, answered…)
// is not touched: it did not expire, and endedProposals.ts closes the pause it may still carry.
import { and, asc, eq, inArray, isNull, lte } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { publishCase } from "../../cases/caseNotices.ts";
import { applyTransition, slaFor } from "../../cases/commands/applyTransition.ts";
import { isOpen, OPEN_STATUSES } from "../../cases/lifecycle.ts";
import type { CaseStatus } from "../../cases/statuses.ts";
import type { Db } from "../../db/client.ts";
import { cases, proposals } from "../../db/schema.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import { tellSubmitter, tellSupporters } from "./proposalNotices.ts";
import { closeOpenPause } from "./supportProposal.ts";

/** The national reason code (reason-codes.csv, applies to "closed") of a proposal that ran out of time. */
export const SUPPORT_WINDOW_ENDED = "support-window-ended";

export interface ExpiryContext {
  calendar: WorkingCalendar;
  baseUrl: string;
  /** Wakes the outbox after messages were written. */
  poke?: () => void;
  batchSize?: number;
}

/** Ends every proposal whose window has passed at `now`; returns how many were ended by this call. */
export async function expireProposals(db: Db, now: Date, ctx: ExpiryContext): Promise<number> {
  const batchSize = ctx.batchSize ?? 50;
  // Read before the transactions: on the embedded database a query outside one would wait for it.
  const ref = await referenceData(db);
  let ended = 0;
  for (;;) {
    const due = await db
      .select({ caseId: proposals.caseId })
      .from(proposals)
      .innerJoin(cases, eq(cases.id, proposals.caseId))
      .where(
        and(
          isNull(proposals.thresholdReachedAt),
          isNull(proposals.expiredAt),
          lte(proposals.supportClosesAt, now),
          inArray(cases.status, [...OPEN_STATUSES]),
        ),
      )
      .orderBy(asc(proposals.supportClosesAt))
      .limit(batchSize);
    if (due.length === 0) break;
    // The cases' standards, read outside the transactions for the same reason.
    const slas = new Map<number, Awaited<ReturnType<typeof slaFor>>>();
    for (const { caseId } of due) {
      const [kase] = await db.select().from(cases).where(eq(cases.id, caseId));
      if (kase) slas.set(caseId, await slaFor(db, ctx.calendar, kase));
    }
    let claimedAny = false;
    for (const { caseId } of due) {
      const done = await db.transaction(async (tx) => {
        const [p] = await tx
          .select()
          .from(proposals)
          .where(
            and(
              eq(proposals.caseId, caseId),
              isNull(proposals.thresholdReachedAt),
              isNull(proposals.expiredAt),
            ),
          )
          .for("update", { skipLocked: true });
        if (!p || p.supportClosesAt > now) return false;
        const [kase] = await tx.select().from(cases).where(eq(cases.id, caseId)).for("update");
        const standard = slas.get(caseId);
        // Ended by staff meanwhile: not an expiry (endedProposals.ts closes its pause).
        if (!kase || !standard || !isOpen(kase.status as CaseStatus)) return false;
        const moved = await applyTransition(tx, {
          kase,
          // The lifecycle's one move from an open status to closed; the reason code says why.
          action: "withdraw",
          actorId: null,
          now,
          reasonCode: SUPPORT_WINDOW_ENDED,
          sla: standard,
          set: { slaPauses: closeOpenPause(kase.slaPauses, now) },
          data: { proposal: "support_window_ended", supports: p.supportCount, threshold: p.threshold },
        });
        // Refused (the case changed under us, say): nothing is written, a later pass tries again.
        if (!moved.ok) return false;
        claimedAny = true;
        await tx
          .update(proposals)
          .set({ expiredAt: now, updatedAt: now })
          .where(eq(proposals.caseId, caseId));
        const n = { now, baseUrl: ctx.baseUrl, timeZone: ctx.calendar.timeZone };
        const values = { count: p.supportCount, threshold: p.threshold };
        await tellSubmitter(tx, n, moved.kase, "expired", values);
        await tellSupporters(tx, n, moved.kase, "expired", values);
        await publishCase(tx, { ...n, ref }, moved.kase, "case.status_changed", {
          fromStatus: moved.from,
          toStatus: moved.to,
          reasonCode: SUPPORT_WINDOW_ENDED,
        });
        return true;
      });
      if (done) ended++;
    }
    // Everything due was taken by another process meanwhile: it will finish them.
    if (!claimedAny) break;
  }
  if (ended > 0) ctx.poke?.();
  return ended;
}
