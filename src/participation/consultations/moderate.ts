// Moderation of consultation comments: the queue of reported ones, hiding one with a reason (its reports
// closed, its author told), showing it again, or dismissing the reports. Each decision is audited.
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import { consultationCommentReports, consultationComments, consultations, users } from "../../db/schema.ts";
import { translator } from "../../kernel/i18n.ts";
import { languageOf, type NotifyContext, notify } from "../../notifications/notify.ts";
import { consultationPath } from "./model.ts";

export interface ModerateDeps {
  db: Db;
  now: Date;
  actorId: string;
  municipalityId: number;
  notify: NotifyContext;
}

export interface QueueItem {
  commentId: number;
  consultationId: number;
  title: typeof consultations.$inferSelect.title;
  body: string;
  language: string;
  hiddenAt: Date | null;
  hiddenReason: string | null;
  reasons: string[];
}

/** Comments of the municipality with open reports, most reported first. */
export async function moderationQueue(db: Db, municipalityId: number): Promise<QueueItem[]> {
  const rows = await db
    .select({
      commentId: consultationComments.id,
      consultationId: consultations.id,
      title: consultations.title,
      body: consultationComments.body,
      language: consultationComments.language,
      hiddenAt: consultationComments.hiddenAt,
      hiddenReason: consultationComments.hiddenReason,
      reasons: sql<
        string[]
      >`array_agg(${consultationCommentReports.reason} order by ${consultationCommentReports.createdAt})`,
    })
    .from(consultationCommentReports)
    .innerJoin(consultationComments, eq(consultationComments.id, consultationCommentReports.commentId))
    .innerJoin(consultations, eq(consultations.id, consultationComments.consultationId))
    .where(
      and(eq(consultations.municipalityId, municipalityId), isNull(consultationCommentReports.resolvedAt)),
    )
    .groupBy(consultationComments.id, consultations.id)
    .orderBy(desc(sql`count(*)`), asc(consultationComments.id));
  return rows.map((r) => ({ ...r, reasons: r.reasons ?? [] }));
}

/** Hidden comments of the municipality, newest first (to show one again). */
export async function hiddenComments(db: Db, municipalityId: number) {
  return db
    .select({
      commentId: consultationComments.id,
      consultationId: consultations.id,
      title: consultations.title,
      body: consultationComments.body,
      language: consultationComments.language,
      hiddenReason: consultationComments.hiddenReason,
    })
    .from(consultationComments)
    .innerJoin(consultations, eq(consultations.id, consultationComments.consultationId))
    .where(
      and(
        eq(consultations.municipalityId, municipalityId),
        sql`${consultationComments.hiddenAt} is not null`,
      ),
    )
    .orderBy(desc(consultationComments.hiddenAt))
    .limit(200);
}

export type ModerationResult = { ok: true } | { ok: false; reason: "not_found" | "report_published" };

/**
 * The comment, locked with its consultation, when it belongs to one of the municipality's consultations.
 * The consultation's lock orders a hide or unhide against publishing the report (dispositions.ts), which
 * takes the same lock: a comment cannot join or leave a report while it is being published.
 */
async function lockedComment(
  tx: Parameters<Parameters<Db["transaction"]>[0]>[0],
  d: ModerateDeps,
  commentId: number,
) {
  const [row] = await tx
    .select({ comment: consultationComments, reportPublishedAt: consultations.reportPublishedAt })
    .from(consultationComments)
    .innerJoin(consultations, eq(consultations.id, consultationComments.consultationId))
    .where(and(eq(consultationComments.id, commentId), eq(consultations.municipalityId, d.municipalityId)))
    .for("update");
  return row;
}

const closeReports = (tx: Parameters<Parameters<Db["transaction"]>[0]>[0], commentId: number, now: Date) =>
  tx
    .update(consultationCommentReports)
    .set({ resolvedAt: now })
    .where(
      and(eq(consultationCommentReports.commentId, commentId), isNull(consultationCommentReports.resolvedAt)),
    );

export function hideComment(d: ModerateDeps, commentId: number, reason: string): Promise<ModerationResult> {
  return d.db.transaction(async (tx) => {
    const found = await lockedComment(tx, d, commentId);
    if (!found) return { ok: false, reason: "not_found" } as const;
    // A published report is the municipality's record: no comment joins or leaves it afterwards.
    if (found.reportPublishedAt) return { ok: false, reason: "report_published" } as const;
    const comment = found.comment;
    await tx
      .update(consultationComments)
      .set({ hiddenAt: d.now, hiddenReason: reason, hiddenBy: d.actorId })
      .where(eq(consultationComments.id, commentId));
    await closeReports(tx, commentId, d.now);
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.comment_hide",
      subjectType: "consultation_comment",
      subjectId: String(commentId),
      municipalityId: d.municipalityId,
      data: { consultationId: comment.consultationId, reason },
    });
    const [author] = await tx
      .select({ id: users.id, email: users.email, name: users.name, language: users.language })
      .from(users)
      .where(and(eq(users.id, comment.authorId), isNull(users.deletedAt)));
    if (author) {
      const t = translator(languageOf(author));
      await notify(
        tx,
        { userId: author.id, email: author.email, name: author.name, language: author.language },
        {
          topic: "followed_updates",
          subject: t("consultations.notices.hiddenSubject"),
          lines: [t("consultations.notices.hiddenLine"), t("consultations.notices.reasonLine", { reason })],
          path: `${consultationPath(comment.consultationId)}#comment-${commentId}`,
          linkIntro: t("consultations.notices.linkIntro"),
        },
        d.notify,
      );
    }
    return { ok: true } as const;
  });
}

export function unhideComment(d: ModerateDeps, commentId: number): Promise<ModerationResult> {
  return d.db.transaction(async (tx) => {
    const found = await lockedComment(tx, d, commentId);
    if (!found) return { ok: false, reason: "not_found" } as const;
    // A published report is the municipality's record: no comment joins or leaves it afterwards.
    if (found.reportPublishedAt) return { ok: false, reason: "report_published" } as const;
    const comment = found.comment;
    await tx
      .update(consultationComments)
      .set({ hiddenAt: null, hiddenReason: null, hiddenBy: null })
      .where(eq(consultationComments.id, commentId));
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.comment_unhide",
      subjectType: "consultation_comment",
      subjectId: String(commentId),
      municipalityId: d.municipalityId,
      data: { consultationId: comment.consultationId },
    });
    return { ok: true } as const;
  });
}

/** The reports were not founded: they are closed and the comment stays. */
export function dismissReports(d: ModerateDeps, commentId: number): Promise<ModerationResult> {
  return d.db.transaction(async (tx) => {
    const comment = (await lockedComment(tx, d, commentId))?.comment;
    if (!comment) return { ok: false, reason: "not_found" } as const;
    await closeReports(tx, commentId, d.now);
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.reports_dismiss",
      subjectType: "consultation_comment",
      subjectId: String(commentId),
      municipalityId: d.municipalityId,
      data: { consultationId: comment.consultationId },
    });
    return { ok: true } as const;
  });
}
