// Consultation figures for a period (statistics pages, the public list): consultations held, comments
// received and how many have a disposition, reports published, and reports overdue. Days are the
// municipality's local days; the period is [from, to).
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { consultationComments, consultations } from "../../db/schema.ts";

/** A report is overdue once its consultation has been closed this many days without one. */
export const REPORT_DUE_DAYS = 30;

export interface ConsultationFigures {
  /** Published consultations whose period overlaps the range. */
  held: number;
  /** Visible comments made in the range. */
  comments: number;
  /** Of those, the ones with a disposition. */
  withDisposition: number;
  /** Reports published in the range. */
  reportsPublished: number;
  /** At the range's end: closed more than REPORT_DUE_DAYS days before and no report by then. */
  reportsOverdue: number;
}

export async function consultationFigures(
  db: Db,
  q: { municipalityId?: number; from: Date; to: Date; timeZone?: string },
): Promise<ConsultationFigures> {
  const zone = q.timeZone ?? "Europe/Belgrade";
  const fromDay = sql`(${q.from.toISOString()}::timestamptz at time zone ${zone})::date`;
  const toDay = sql`(${q.to.toISOString()}::timestamptz at time zone ${zone})::date`;
  const scope =
    q.municipalityId === undefined ? sql`true` : eq(consultations.municipalityId, q.municipalityId);
  const [row] = await db
    .select({
      held: sql<number>`count(*) filter (where ${consultations.opensOn} < ${toDay} and ${consultations.closesOn} >= ${fromDay})::int`,
      reportsPublished: sql<number>`count(*) filter (where ${consultations.reportPublishedAt} >= ${q.from.toISOString()}::timestamptz and ${consultations.reportPublishedAt} < ${q.to.toISOString()}::timestamptz)::int`,
      reportsOverdue: sql<number>`count(*) filter (where ${consultations.closesOn} + ${REPORT_DUE_DAYS}::int < ${toDay} and (${consultations.reportPublishedAt} is null or ${consultations.reportPublishedAt} >= ${q.to.toISOString()}::timestamptz))::int`,
    })
    .from(consultations)
    .where(and(scope, isNotNull(consultations.publishedAt)));
  const [comments] = await db
    .select({
      comments: sql<number>`count(*)::int`,
      withDisposition: sql<number>`count(${consultationComments.disposition})::int`,
    })
    .from(consultationComments)
    .innerJoin(consultations, eq(consultations.id, consultationComments.consultationId))
    .where(
      and(
        scope,
        sql`${consultationComments.hiddenAt} is null`,
        sql`${consultationComments.createdAt} >= ${q.from.toISOString()}::timestamptz`,
        sql`${consultationComments.createdAt} < ${q.to.toISOString()}::timestamptz`,
      ),
    );
  return {
    held: Number(row?.held ?? 0),
    comments: Number(comments?.comments ?? 0),
    withDisposition: Number(comments?.withDisposition ?? 0),
    reportsPublished: Number(row?.reportsPublished ?? 0),
    reportsOverdue: Number(row?.reportsOverdue ?? 0),
  };
}
