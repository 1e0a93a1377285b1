// An accepted proposal's public progress record, kept by the coordinator ("proposal.answer"): its status,
// percentage and budget line, and dated milestones in both official languages. Each change is audited,
// and the submitter and the people following the proposal (its supporters) are told, in their language.
import { and, eq } from "drizzle-orm";
import { can } from "../../access/policy.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { Tx } from "../../db/client.ts";
import type { LocalizedText } from "../../db/schema.ts";
import { type cases, proposalMilestones, proposals } from "../../db/schema.ts";
import type { ProposalDeps } from "./moderateProposal.ts";
import { tellSubmitter, tellSupporters } from "./proposalNotices.ts";
import { loadProposal } from "./proposalQueries.ts";
import type { ProgressStatus } from "./proposalRules.ts";

export type ProgressResult = { ok: true } | { ok: false; reason: "not_found" | "not_accepted" };

async function acceptedProposal(deps: ProposalDeps, code: string) {
  const found = await loadProposal(deps.db, code);
  if (!found || !can(deps.actor, "proposal.answer", { municipalityId: found.kase.municipalityId }))
    return { ok: false as const, reason: "not_found" as const };
  if (found.proposal?.decision !== "accepted") return { ok: false as const, reason: "not_accepted" as const };
  return { ok: true as const, found };
}

/** The submitter and the followers (supporters) hear of each change to the record. */
async function tellPeople(
  tx: Tx,
  deps: ProposalDeps,
  kase: typeof cases.$inferSelect,
  moment: "progress" | "milestone",
  values: Record<string, unknown>,
) {
  const ctx = { now: deps.now, baseUrl: deps.baseUrl, timeZone: deps.calendar.timeZone };
  await tellSubmitter(tx, ctx, kase, moment, values);
  await tellSupporters(tx, ctx, kase, moment, values);
}

const actorOf = (deps: ProposalDeps) => (deps.actor.kind === "user" ? deps.actor.userId : null);

export async function recordProgress(
  deps: ProposalDeps,
  input: { code: string; status: ProgressStatus; percent: number; budgetLine: string },
): Promise<ProgressResult> {
  const got = await acceptedProposal(deps, input.code);
  if (!got.ok) return got;
  const { kase } = got.found;
  await deps.db.transaction(async (tx) => {
    await tx
      .update(proposals)
      .set({
        progressStatus: input.status,
        progressPercent: input.percent,
        budgetLine: input.budgetLine || null,
        updatedAt: deps.now,
      })
      .where(and(eq(proposals.caseId, kase.id), eq(proposals.decision, "accepted")));
    await appendAudit(tx, {
      at: deps.now,
      actorId: actorOf(deps),
      action: "proposal.progress",
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
      ip: deps.ip ?? null,
      data: { status: input.status, percent: input.percent, budgetLine: input.budgetLine || null },
    });
    await tellPeople(tx, deps, kase, "progress", {
      statusKey: `proposals.progress.status.${input.status}`,
      percent: input.percent,
    });
  });
  deps.poke();
  return { ok: true };
}

export async function addMilestone(
  deps: ProposalDeps,
  input: { code: string; on: string; text: LocalizedText; percent: number | undefined },
): Promise<ProgressResult> {
  const got = await acceptedProposal(deps, input.code);
  if (!got.ok) return got;
  const { kase } = got.found;
  await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(proposalMilestones)
      .values({
        caseId: kase.id,
        on: input.on,
        text: input.text,
        percent: input.percent ?? null,
        createdBy: actorOf(deps),
        createdAt: deps.now,
      })
      .returning({ id: proposalMilestones.id });
    await appendAudit(tx, {
      at: deps.now,
      actorId: actorOf(deps),
      action: "proposal.milestone_added",
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
      ip: deps.ip ?? null,
      data: { milestone: row!.id, on: input.on, percent: input.percent ?? null },
    });
    await tellPeople(tx, deps, kase, "milestone", {
      milestone: input.text,
      on: new Date(`${input.on}T12:00:00Z`),
    });
  });
  deps.poke();
  return { ok: true };
}
