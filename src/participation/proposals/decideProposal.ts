// The municipality's formal answer to a proposal that reached its threshold ("proposal.answer"), through
// the case's own commands (staffAction.ts: events, SLA columns, the submitter's and followers' notices,
// webhooks): accepted is a final public answer, rejected the lifecycle's reject with a national reason
// code, under consideration a public answer that is not final (the first response). The decision is then
// recorded on the proposal, an accepted one starting its public progress record as "planned".
import { eq } from "drizzle-orm";
import { can } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import { actOnCase, type StaffAction, type StaffRefusal } from "../../cases/commands/staffAction.ts";
import type { Tx } from "../../db/client.ts";
import { proposals } from "../../db/schema.ts";
import type { ProposalDeps } from "./moderateProposal.ts";
import { loadProposal } from "./proposalQueries.ts";
import type { Decision } from "./proposalRules.ts";

export type DecisionRefusal = StaffRefusal | "not_decidable";
export type DecisionResult = { ok: true } | { ok: false; reason: DecisionRefusal };

export async function decideProposal(
  deps: ProposalDeps,
  input: { code: string; decision: Decision; message: string; reasonCode?: string | undefined },
): Promise<DecisionResult> {
  const found = await loadProposal(deps.db, input.code);
  if (!found || !can(deps.actor, "proposal.answer", { municipalityId: found.kase.municipalityId }))
    return { ok: false, reason: "not_found" };
  const p = found.proposal;
  // A formal answer is owed (and given) once the threshold is reached; under consideration may be followed
  // by the final decision.
  if (!p?.thresholdReachedAt || (p.decision !== null && p.decision !== "under_consideration"))
    return { ok: false, reason: "not_decidable" };
  const action: StaffAction =
    input.decision === "rejected"
      ? { kind: "change_status", action: "reject", reasonCode: input.reasonCode, message: input.message }
      : { kind: "answer", message: input.message, final: input.decision === "accepted" };
  const actorId = deps.actor.kind === "user" ? deps.actor.userId : null;
  // The decision is written in the answer's transaction, under the proposal's lock and checked again
  // there: two decisions at once, or a crash between answer and decision, cannot leave them disagreeing.
  const recordDecision = async (tx: Tx) => {
    const [locked] = await tx
      .select()
      .from(proposals)
      .where(eq(proposals.caseId, found.kase.id))
      .for("update");
    if (
      !locked?.thresholdReachedAt ||
      (locked.decision !== null && locked.decision !== "under_consideration")
    )
      throw new NotDecidable();
    await tx
      .update(proposals)
      .set({
        decision: input.decision,
        decisionAt: deps.now,
        ...(input.decision === "accepted" ? { progressStatus: "planned", progressPercent: 0 } : {}),
        updatedAt: deps.now,
      })
      .where(eq(proposals.caseId, found.kase.id));
    await appendAudit(tx, {
      at: deps.now,
      actorId,
      action: "proposal.decide",
      subjectType: "case",
      subjectId: found.kase.trackingCode,
      municipalityId: found.kase.municipalityId,
      ip: deps.ip ?? null,
      data: { decision: input.decision, ...(input.reasonCode ? { reason: input.reasonCode } : {}) },
    });
  };
  try {
    const done = await actOnCase(
      {
        db: deps.db,
        now: deps.now,
        calendar: deps.calendar,
        actor: deps.actor,
        ip: deps.ip,
        baseUrl: deps.baseUrl,
        poke: deps.poke,
        alsoInTransaction: recordDecision,
      },
      { code: input.code, action },
    );
    if (!done.ok) return { ok: false, reason: done.reason };
  } catch (e) {
    if (e instanceof NotDecidable) return { ok: false, reason: "not_decidable" };
    throw e;
  }
  return { ok: true };
}

/** The proposal was decided meanwhile (or is not awaiting a decision): nothing is written. */
class NotDecidable extends Error {
  override readonly name = "NotDecidable";
}
