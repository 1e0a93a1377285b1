// Withdrawing one's support from a proposal while it still collects: the support is deleted and the count
// lowered in one transaction, under the proposal's row lock that supports, the threshold and the expiry
// pass queue on too, so the count always equals the supports kept. Once the threshold is reached the
// supports stand: the formal answer is owed from that moment and a withdrawal cannot take it back (nor
// can one after the window, or once the case has ended). The supporter keeps following the proposal;
// following is stopped on its own (the case's follow button).
import { and, eq, sql } from "drizzle-orm";
import type { Actor } from "../../access/policy.ts";
import type { Db } from "../../db/client.ts";
import { cases, proposalSupports, proposals } from "../../db/schema.ts";
import { loadProposal } from "./proposalQueries.ts";
import { stageOf } from "./proposalRules.ts";

export type WithdrawRefusal = "not_found" | "sign_in" | "not_collecting" | "not_supported";

export type WithdrawResult = { ok: true; count: number } | { ok: false; reason: WithdrawRefusal };

export async function withdrawSupport(
  deps: { db: Db; now: Date; actor: Actor },
  code: string,
): Promise<WithdrawResult> {
  const { db, now, actor } = deps;
  const found = await loadProposal(db, code);
  if (!found?.proposal || found.kase.visibility !== "public") return { ok: false, reason: "not_found" };
  if (actor.kind !== "user") return { ok: false, reason: "sign_in" };
  const caseId = found.kase.id;
  return db.transaction(async (tx): Promise<WithdrawResult> => {
    const [p] = await tx.select().from(proposals).where(eq(proposals.caseId, caseId)).for("update");
    const [kase] = await tx.select({ status: cases.status }).from(cases).where(eq(cases.id, caseId));
    if (!p || !kase) return { ok: false, reason: "not_found" };
    if (stageOf({ ...p, caseStatus: kase.status }, now) !== "collecting")
      return { ok: false, reason: "not_collecting" };
    const gone = await tx
      .delete(proposalSupports)
      .where(and(eq(proposalSupports.caseId, caseId), eq(proposalSupports.userId, actor.userId)))
      .returning({ userId: proposalSupports.userId });
    // Never given, or withdrawn by a second click at the same moment: counted once either way.
    if (gone.length === 0) return { ok: false, reason: "not_supported" };
    const [counted] = await tx
      .update(proposals)
      .set({ supportCount: sql`${proposals.supportCount} - 1`, updatedAt: now })
      .where(eq(proposals.caseId, caseId))
      .returning({ supportCount: proposals.supportCount });
    return { ok: true, count: counted!.supportCount };
  });
}
