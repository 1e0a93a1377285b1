// Read models of the consultation pages: the lists, one consultation with its comments as the viewer may
// see them, and the report (comments anonymised as "Participant n" unless their author chose a name).
import { and, asc, count, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  consultationCommentSupports,
  consultationComments,
  consultationDocuments,
  consultationFollowers,
  consultations,
  departments,
  publicMeetings,
  users,
} from "../../db/schema.ts";
import { sections } from "./manageConsultation.ts";
import { type ConsultationRow, DISPOSITIONS, type Disposition } from "./model.ts";

export type ListRow = ConsultationRow & { comments: number };

const commentCount = sql<number>`(select count(*)::int from ${consultationComments} where ${consultationComments.consultationId} = ${consultations.id} and ${consultationComments.hiddenAt} is null)`;

/** Every consultation of the municipality, drafts included, newest opening first. */
export async function staffList(db: Db, municipalityId: number): Promise<ListRow[]> {
  return db
    .select({ ...COLUMNS, comments: commentCount })
    .from(consultations)
    .where(eq(consultations.municipalityId, municipalityId))
    .orderBy(desc(consultations.opensOn), desc(consultations.id));
}

/** The published consultations of the municipality, newest opening first. */
export async function publicList(db: Db, municipalityId: number): Promise<ListRow[]> {
  return db
    .select({ ...COLUMNS, comments: commentCount })
    .from(consultations)
    .where(and(eq(consultations.municipalityId, municipalityId), isNotNull(consultations.publishedAt)))
    .orderBy(desc(consultations.opensOn), desc(consultations.id));
}

const COLUMNS = {
  id: consultations.id,
  municipalityId: consultations.municipalityId,
  kind: consultations.kind,
  title: consultations.title,
  summary: consultations.summary,
  departmentId: consultations.departmentId,
  opensOn: consultations.opensOn,
  closesOn: consultations.closesOn,
  publishedAt: consultations.publishedAt,
  reportPublishedAt: consultations.reportPublishedAt,
  reportSummary: consultations.reportSummary,
  createdBy: consultations.createdBy,
  createdAt: consultations.createdAt,
  // The schema maps updatedAt onto created_at too (the lead is told): the same column.
  updatedAt: consultations.createdAt,
};

export async function consultationById(db: Pick<Db, "select">, id: number) {
  const [c] = await db.select().from(consultations).where(eq(consultations.id, id));
  return c;
}

export async function departmentsOf(db: Db, municipalityId: number) {
  return db
    .select({ id: departments.id, name: departments.name })
    .from(departments)
    .where(eq(departments.municipalityId, municipalityId))
    .orderBy(asc(departments.code));
}

export async function documentsOf(db: Pick<Db, "select">, id: number) {
  return db
    .select()
    .from(consultationDocuments)
    .where(eq(consultationDocuments.consultationId, id))
    .orderBy(asc(consultationDocuments.position), asc(consultationDocuments.createdAt));
}

export interface CommentView {
  id: number;
  sectionId: number | null;
  parentId: number | null;
  authorName: string;
  own: boolean;
  body: string;
  language: string;
  supportCount: number;
  supported: boolean;
  createdAt: Date;
  hiddenReason: string | null;
  /** Hidden, shown only to its author; or a hidden parent kept as a placeholder for its visible replies. */
  hidden: boolean;
}

/** What a page shows of one consultation to a viewer (signed in or not). */
export async function consultationView(
  db: Db,
  c: ConsultationRow,
  viewerId: string | undefined,
  participant: (n: number) => string,
) {
  const [sectionRows, docs, rows, meetings, following] = await Promise.all([
    sections(db, c.id),
    documentsOf(db, c.id),
    db
      .select({
        comment: consultationComments,
        authorName: users.name,
        supported: viewerId
          ? sql<boolean>`exists (select 1 from ${consultationCommentSupports} s where s.comment_id = ${consultationComments.id} and s.user_id = ${viewerId}::uuid)`
          : sql<boolean>`false`,
      })
      .from(consultationComments)
      .innerJoin(users, eq(users.id, consultationComments.authorId))
      .where(eq(consultationComments.consultationId, c.id))
      .orderBy(asc(consultationComments.createdAt), asc(consultationComments.id)),
    db
      .select({ id: publicMeetings.id, title: publicMeetings.title, startsAt: publicMeetings.startsAt })
      .from(publicMeetings)
      .where(and(eq(publicMeetings.consultationId, c.id), isNull(publicMeetings.cancelledAt)))
      .orderBy(asc(publicMeetings.startsAt)),
    viewerId
      ? db
          .select({ n: count() })
          .from(consultationFollowers)
          .where(
            and(eq(consultationFollowers.consultationId, c.id), eq(consultationFollowers.userId, viewerId)),
          )
          .then(([r]) => (r?.n ?? 0) > 0)
      : Promise.resolve(false),
  ]);
  const comments: CommentView[] = [];
  const visibleParents = new Set(
    rows
      .filter((r) => r.comment.parentId !== null && r.comment.hiddenAt === null)
      .map((r) => r.comment.parentId),
  );
  // Authors are named only when they chose so, as in the report, with the report's numbering.
  const numbers = new Map<string, number>();
  for (const { comment: k } of rows)
    if (k.hiddenAt === null && !numbers.has(k.authorId)) numbers.set(k.authorId, numbers.size + 1);
  for (const { comment: k, authorName, supported } of rows) {
    const own = viewerId === k.authorId;
    const hidden = k.hiddenAt !== null;
    // A hidden comment disappears for everyone but its author, who sees it with the reason; one with
    // visible replies leaves a placeholder so the replies keep their place.
    if (hidden && !own && !visibleParents.has(k.id)) continue;
    comments.push({
      id: k.id,
      sectionId: k.sectionId,
      parentId: k.parentId,
      authorName:
        hidden && !own
          ? ""
          : k.showName || !numbers.has(k.authorId)
            ? authorName
            : participant(numbers.get(k.authorId)!),
      own,
      body: hidden && !own ? "" : k.body,
      language: k.language,
      supportCount: k.supportCount,
      supported: Boolean(supported),
      createdAt: k.createdAt,
      hiddenReason: own ? k.hiddenReason : null,
      hidden,
    });
  }
  return { sections: sectionRows, documents: docs, comments, meetings, following };
}

export interface ReportComment {
  id: number;
  /** The comment it replies to, when that one is in the report too. */
  parentId: number | null;
  /**
   * A reply to a comment hidden by moderation: shown in its place with that said, never under a
   * placeholder (the hidden comment has no disposition and counts in no total).
   */
  parentHidden: boolean;
  sectionId: number | null;
  author: string;
  body: string;
  language: string;
  supportCount: number;
  disposition: Disposition;
  reason: string;
  createdAt: Date;
}

/**
 * The report's comments (visible ones), each author named only when they chose so, else "Participant n"
 * numbered by their first comment; and the totals per disposition.
 */
export async function reportData(db: Db, c: ConsultationRow, participant: (n: number) => string) {
  const rows = await db
    .select({ comment: consultationComments, name: users.name })
    .from(consultationComments)
    .innerJoin(users, eq(users.id, consultationComments.authorId))
    .where(and(eq(consultationComments.consultationId, c.id), isNull(consultationComments.hiddenAt)))
    .orderBy(asc(consultationComments.createdAt), asc(consultationComments.id));
  const numbers = new Map<string, number>();
  const inReport = new Set(rows.map((r) => r.comment.id));
  const comments: ReportComment[] = rows.map(({ comment: k, name }) => {
    if (!numbers.has(k.authorId)) numbers.set(k.authorId, numbers.size + 1);
    const parentShown = k.parentId !== null && inReport.has(k.parentId);
    return {
      id: k.id,
      parentId: parentShown ? k.parentId : null,
      parentHidden: k.parentId !== null && !parentShown,
      sectionId: k.sectionId,
      author: k.showName ? name : participant(numbers.get(k.authorId)!),
      body: k.body,
      language: k.language,
      supportCount: k.supportCount,
      // Publishing refuses a report with a comment lacking one (dispositions.ts), and no comment joins it
      // afterwards (moderate.ts): a missing one here is a broken invariant, not a "noted".
      disposition: dispositionOf(k),
      reason: k.dispositionReason ?? "",
      createdAt: k.createdAt,
    };
  });
  const totals = Object.fromEntries(DISPOSITIONS.map((d) => [d, 0])) as Record<Disposition, number>;
  for (const k of comments) totals[k.disposition]++;
  return { sections: await sections(db, c.id), comments, totals };
}

/** The comments to give a disposition to: every visible one, replies included. */
export async function dispositionRows(db: Db, id: number) {
  return db
    .select()
    .from(consultationComments)
    .where(and(eq(consultationComments.consultationId, id), isNull(consultationComments.hiddenAt)))
    .orderBy(asc(consultationComments.createdAt), asc(consultationComments.id));
}

function dispositionOf(k: { id: number; disposition: string | null }): Disposition {
  if (!k.disposition) throw new Error(`Comment ${k.id} is in a published report without a disposition.`);
  return k.disposition as Disposition;
}
