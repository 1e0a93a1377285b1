// Read models for the proposal pages: one proposal with its case, the staff's lists, the public list. The
// lists come a page at a time, filtered by stage in SQL (the stage is computed, never stored).
import { and, asc, count, desc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
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
import { CLOSING_CASE_STATUSES, type Stage } from "./proposalRules.ts";

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

/** Rows on one page of a list. */
export const PAGE_SIZE = 20;

/** One page of a list, with how many rows there are in all. */
export interface Paged<T> {
  rows: T[];
  total: number;
  page: number;
  pageCount: number;
}

const paged = <T>(rows: T[], total: number, page: number): Paged<T> => ({
  rows,
  total,
  page,
  pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
});

/** Submitted proposals of a municipality not yet published nor ended: the moderation queue, oldest first. */
export async function awaitingModeration(db: Db, municipalityId: number, page = 1) {
  const where = and(
    eq(cases.municipalityId, municipalityId),
    eq(cases.type, "proposal"),
    inArray(cases.status, ["submitted", "acknowledged"]),
    isNull(proposals.caseId),
  );
  const [rows, [counted]] = await Promise.all([
    db
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
      .where(where)
      .orderBy(asc(cases.receivedAt), asc(cases.id))
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE),
    db.select({ n: count() }).from(cases).leftJoin(proposals, eq(proposals.caseId, cases.id)).where(where),
  ]);
  return paged(rows, counted?.n ?? 0, page);
}

/** What the stage is computed from, as SQL (columns, or values in a test). */
export interface StageColumns {
  decision: SQL | typeof proposals.decision;
  caseStatus: SQL | typeof cases.status;
  expiredAt: SQL | typeof proposals.expiredAt;
  thresholdReachedAt: SQL | typeof proposals.thresholdReachedAt;
  supportClosesAt: SQL | typeof proposals.supportClosesAt;
}

const STAGE_COLUMNS: StageColumns = {
  decision: proposals.decision,
  caseStatus: cases.status,
  expiredAt: proposals.expiredAt,
  thresholdReachedAt: proposals.thresholdReachedAt,
  supportClosesAt: proposals.supportClosesAt,
};

/** proposalRules.ts stageOf in SQL, rule for rule, so a list filters and pages by stage in the database. */
export function stageSql(now: Date, c: StageColumns = STAGE_COLUMNS): SQL<Stage> {
  const closing = sql.join(
    CLOSING_CASE_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  );
  return sql<Stage>`(case
    when ${c.decision} in ('accepted', 'rejected') then ${c.decision}::text
    when ${c.caseStatus} = 'rejected' then 'rejected'
    when ${c.expiredAt} is not null then 'expired'
    when ${c.caseStatus} in (${closing}) then 'closed'
    when ${c.decision} = 'under_consideration' then 'under_consideration'
    when ${c.thresholdReachedAt} is not null then 'threshold_reached'
    when ${c.supportClosesAt} <= ${now.toISOString()}::timestamptz then 'expired'
    else 'collecting' end)`;
}

/**
 * One page of a municipality's published proposals in the given stages (all when none), newest first;
 * `publicOnly` for the public list.
 */
export async function publishedProposals(
  db: Db,
  q: {
    municipalityId: number;
    publicOnly: boolean;
    now: Date;
    stages?: readonly Stage[] | undefined;
    page?: number;
  },
): Promise<Paged<PublishedProposalRow>> {
  const page = q.page ?? 1;
  const stage = stageSql(q.now);
  const where = and(
    eq(proposals.municipalityId, q.municipalityId),
    ...(q.publicOnly ? [eq(cases.visibility, "public")] : []),
    ...(q.stages && q.stages.length > 0
      ? [
          sql`${stage} in (${sql.join(
            q.stages.map((s) => sql`${s}`),
            sql`, `,
          )})`,
        ]
      : []),
  );
  const [rows, [counted]] = await Promise.all([
    db
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
      .where(where)
      .orderBy(desc(proposals.publishedAt), desc(proposals.caseId))
      .limit(PAGE_SIZE)
      .offset((page - 1) * PAGE_SIZE),
    db.select({ n: count() }).from(proposals).innerJoin(cases, eq(cases.id, proposals.caseId)).where(where),
  ]);
  return paged(rows, counted?.n ?? 0, page);
}

export interface PublishedProposalRow {
  trackingCode: string;
  title: string;
  language: string;
  caseStatus: string;
  responseDueAt: Date | null;
  categoryName: typeof categories.$inferSelect.name;
  proposal: ProposalRow;
}
export type PublishedProposal = PublishedProposalRow;

/** Reason codes a rejection may give (national, active), for the forms. */
export function rejectionReasons(db: Db) {
  return db
    .select({ code: reasonCodes.code, name: reasonCodes.name })
    .from(reasonCodes)
    .where(and(eq(reasonCodes.appliesTo, "rejected"), eq(reasonCodes.active, true)))
    .orderBy(asc(reasonCodes.code));
}
