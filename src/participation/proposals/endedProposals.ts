// A proposal whose case staff ended while it was still collecting support (rejected, closed, answered,
// referred or merged through the case's own pages) keeps the pause its publication opened: the case
// commands know nothing of proposals. Left open, the pause would hold the case's clocks stopped for good
// (a reopened case would never run again) and its working-day times at nought. This pass closes such a
// pause at the instant the case ended — when support stopped counting — and recomputes the SLA columns,
// with an internal case event so the statistics look at the case again. The expiry pass leaves these
// cases alone (expiry.ts): they did not expire, they were ended.
import { and, asc, eq, isNull, notInArray, sql } from "drizzle-orm";
import type { WorkingCalendar } from "../../calendar/calendar.ts";
import { slaAfter, slaFor } from "../../cases/commands/applyTransition.ts";
import { OPEN_STATUSES } from "../../cases/lifecycle.ts";
import type { Db } from "../../db/client.ts";
import { caseEvents, cases, proposals } from "../../db/schema.ts";
import { closeOpenPause } from "./supportProposal.ts";

type CaseRow = typeof cases.$inferSelect;

/** A stored pause still running (no end). */
const hasOpenPause = sql`exists (select 1 from jsonb_array_elements(${cases.slaPauses}) as e(pause) where not (e.pause ? 'to'))`;

/** A proposal short of its threshold whose case has ended and still carries a running pause. */
const ENDED = and(
  isNull(proposals.thresholdReachedAt),
  notInArray(cases.status, [...OPEN_STATUSES]),
  hasOpenPause,
);

/** When an ended case stopped: closed (or rejected, referred, merged), else answered or resolved. */
export const endedAt = (kase: Pick<CaseRow, "closedAt" | "resolvedAt" | "updatedAt">): Date =>
  kase.closedAt ?? kase.resolvedAt ?? kase.updatedAt;

/** Closes the support pause of every proposal whose case ended before its threshold; returns how many. */
export async function closeEndedSupportPauses(
  db: Db,
  now: Date,
  ctx: { calendar: WorkingCalendar; batchSize?: number },
): Promise<number> {
  let closed = 0;
  for (;;) {
    const due = await db
      .select({ kase: cases })
      .from(proposals)
      .innerJoin(cases, eq(cases.id, proposals.caseId))
      .where(ENDED)
      .orderBy(asc(cases.id))
      .limit(ctx.batchSize ?? 50);
    if (due.length === 0) break;
    // The standards, read outside the transactions: on the embedded database a query outside one waits.
    const slas = new Map<number, Awaited<ReturnType<typeof slaFor>>>();
    for (const { kase } of due) slas.set(kase.id, await slaFor(db, ctx.calendar, kase));
    let closedNow = 0;
    for (const { kase: read } of due) {
      if (await closeOne(db, read.id, slas.get(read.id)!, now)) closedNow++;
    }
    closed += closedNow;
    // Everything found was mended by another process meanwhile: it carries on.
    if (closedNow === 0) break;
  }
  return closed;
}

async function closeOne(db: Db, caseId: number, sla: Awaited<ReturnType<typeof slaFor>>, now: Date) {
  return db.transaction(async (tx) => {
    // Checked again under the case's lock: reopened, or mended by another process, meanwhile.
    const [row] = await tx
      .select({ kase: cases })
      .from(cases)
      .innerJoin(proposals, eq(proposals.caseId, cases.id))
      .where(and(eq(cases.id, caseId), ENDED))
      .for("update", { of: cases, skipLocked: true });
    if (!row) return false;
    const k = row.kase;
    const at = endedAt(k);
    const change = { slaPauses: closeOpenPause(k.slaPauses, at) };
    const version = k.version + 1;
    await tx
      .update(cases)
      .set({ ...change, ...slaAfter(k, change, sla, now), version, updatedAt: now })
      .where(eq(cases.id, k.id));
    await tx.insert(caseEvents).values({
      caseId: k.id,
      municipalityId: k.municipalityId,
      type: "proposal_support_ended",
      actorId: null,
      isPublic: false,
      data: { version, endedAt: at.toISOString() },
      at: now,
    });
    return true;
  });
}
