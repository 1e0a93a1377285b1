// Read models for the proposal pages: one proposal with its case, the staff's lists, the public list.
import { and, asc, desc, eq, inArray, isNull } from "drizzle-orm";
import { TRACKING_CODE_PATTERN } from "../../cases/trackingCode.ts";
import type { Db } from "../../db/client.ts";
import {
  cases,
  categories,
  municipalities,
  proposalMilestones,
  proposals,
  reasonCodes,
} from "../../db/schema.ts";

export type ProposalRow = typeof proposals.$inferSelect;
export type MilestoneRow = typeof proposalMilestones.$inferSelect;

/** A proposal case by its tracking code, with its proposals row when it has been published. */
export async function loadProposal(db: Pick<Db, "select">, code: string) {
  if (!TRACKING_CODE_PATTERN.test(code)) return undefined;
  const [row] = await db
    .select({ kase: cases, category: categories, municipality: municipalities, proposal: proposals })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .leftJoin(proposals, eq(proposals.caseId, cases.id))
    .where(and(eq(cases.trackingCode, code), eq(cases.type, "proposal")))
    .limit(1);
  return row;
}
export type LoadedProposal = NonNullable<Awaited<ReturnType<typeof loadProposal>>>;

/** An accepted proposal's milestones, in date order. */
export function milestonesOf(db: Pick<Db, "select">, caseId: number) {
  return db
    .select()
    .from(proposalMilestones)
    .where(eq(proposalMilestones.caseId, caseId))
    .orderBy(asc(proposalMilestones.on), asc(proposalMilestones.id));
}

const LIST_LIMIT = 500;

/** Submitted proposals of a municipality not yet published nor ended: the moderation queue, oldest first. */
export function awaitingModeration(db: Db, municipalityId: number) {
  return db
    .select({
      trackingCode: cases.trackingCode,
      title: cases.title,
      language: cases.language,
      categoryName: categories.name,
      receivedAt: cases.receivedAt,
      ackDueAt: cases.ackDueAt,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .leftJoin(proposals, eq(proposals.caseId, cases.id))
    .where(
      and(
        eq(cases.municipalityId, municipalityId),
        eq(cases.type, "proposal"),
        inArray(cases.status, ["submitted", "acknowledged"]),
        isNull(proposals.caseId),
      ),
    )
    .orderBy(asc(cases.receivedAt))
    .limit(LIST_LIMIT);
}

/** A municipality's published proposals, newest first; `publicOnly` for the public list. */
export function publishedProposals(db: Db, municipalityId: number, publicOnly: boolean) {
  return db
    .select({
      trackingCode: cases.trackingCode,
      title: cases.title,
      language: cases.language,
      caseStatus: cases.status,
      responseDueAt: cases.responseDueAt,
      categoryName: categories.name,
      proposal: proposals,
    })
    .from(proposals)
    .innerJoin(cases, eq(cases.id, proposals.caseId))
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .where(
      and(
        eq(proposals.municipalityId, municipalityId),
        ...(publicOnly ? [eq(cases.visibility, "public")] : []),
      ),
    )
    .orderBy(desc(proposals.publishedAt), desc(proposals.caseId))
    .limit(LIST_LIMIT);
}
export type PublishedProposal = Awaited<ReturnType<typeof publishedProposals>>[number];

/** Reason codes a rejection may give (national, active), for the forms. */
export function rejectionReasons(db: Db) {
  return db
    .select({ code: reasonCodes.code, name: reasonCodes.name })
    .from(reasonCodes)
    .where(and(eq(reasonCodes.appliesTo, "rejected"), eq(reasonCodes.active, true)))
    .orderBy(asc(reasonCodes.code));
}
