// What a signed-in citizen does in a consultation: comment (on the whole, a section, or in reply), support
// a comment, report one as abusive, follow. One support and one report per account per comment are kept by
// the primary keys: a second, even at the same instant, inserts nothing and is refused.
import { and, eq, isNull, sql } from "drizzle-orm";
import { localDateOf } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import {
  consultationCommentReports,
  consultationCommentSupports,
  consultationComments,
  consultationFollowers,
  consultationSections,
  consultations,
} from "../../db/schema.ts";
import { type Stage, stageOf } from "./model.ts";

export interface CitizenDeps {
  db: Db;
  now: Date;
  timeZone: string;
  userId: string;
}

/** A published consultation and its stage today; drafts are not there for citizens. */
async function published(d: CitizenDeps, id: number) {
  const [c] = await d.db.select().from(consultations).where(eq(consultations.id, id));
  if (!c?.publishedAt) return undefined;
  return { c, stage: stageOf(c, localDateOf(d.now, d.timeZone)) };
}

export type CommentResult =
  | { ok: true; id: number }
  | { ok: false; reason: "not_found" | "not_open" | "no_section" | "no_parent"; stage?: Stage };

export async function addComment(
  d: CitizenDeps,
  id: number,
  input: {
    body: string;
    language: string;
    showName: boolean;
    sectionId: number | null;
    parentId: number | null;
  },
): Promise<CommentResult> {
  const found = await published(d, id);
  if (!found) return { ok: false, reason: "not_found" };
  if (found.stage !== "open") return { ok: false, reason: "not_open", stage: found.stage };
  let sectionId = input.sectionId;
  if (input.parentId !== null) {
    // Replies nest one level: a reply to a reply answers its top comment, on that comment's section.
    const [parent] = await d.db
      .select()
      .from(consultationComments)
      .where(
        and(
          eq(consultationComments.id, input.parentId),
          eq(consultationComments.consultationId, id),
          isNull(consultationComments.hiddenAt),
        ),
      );
    if (!parent) return { ok: false, reason: "no_parent" };
    input = { ...input, parentId: parent.parentId ?? parent.id };
    sectionId = parent.sectionId;
  } else if (sectionId !== null) {
    const [s] = await d.db
      .select({ id: consultationSections.id })
      .from(consultationSections)
      .where(and(eq(consultationSections.id, sectionId), eq(consultationSections.consultationId, id)));
    if (!s) return { ok: false, reason: "no_section" };
  }
  return d.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(consultationComments)
      .values({
        consultationId: id,
        sectionId,
        parentId: input.parentId,
        authorId: d.userId,
        body: input.body,
        language: input.language,
        showName: input.showName,
        createdAt: d.now,
      })
      .returning({ id: consultationComments.id });
    // Commenting is following: the author hears of the report.
    await tx
      .insert(consultationFollowers)
      .values({ consultationId: id, userId: d.userId, createdAt: d.now })
      .onConflictDoNothing();
    return { ok: true, id: row!.id } as const;
  });
}

/** A visible comment of a published consultation, with the consultation's stage. */
async function visibleComment(d: CitizenDeps, id: number, commentId: number) {
  const found = await published(d, id);
  if (!found) return undefined;
  const [comment] = await d.db
    .select()
    .from(consultationComments)
    .where(
      and(
        eq(consultationComments.id, commentId),
        eq(consultationComments.consultationId, id),
        isNull(consultationComments.hiddenAt),
      ),
    );
  return comment ? { ...found, comment } : undefined;
}

export type SupportResult =
  | { ok: true }
  | { ok: false; reason: "not_found" | "not_open" | "already_supported" };

export async function supportComment(d: CitizenDeps, id: number, commentId: number): Promise<SupportResult> {
  const found = await visibleComment(d, id, commentId);
  if (!found) return { ok: false, reason: "not_found" };
  if (found.stage !== "open") return { ok: false, reason: "not_open" };
  return d.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(consultationCommentSupports)
      .values({ commentId, userId: d.userId, createdAt: d.now })
      .onConflictDoNothing()
      .returning({ commentId: consultationCommentSupports.commentId });
    if (inserted.length === 0) return { ok: false, reason: "already_supported" } as const;
    await tx
      .update(consultationComments)
      .set({ supportCount: sql`${consultationComments.supportCount} + 1` })
      .where(eq(consultationComments.id, commentId));
    return { ok: true } as const;
  });
}

export type ReportResult = { ok: true } | { ok: false; reason: "not_found" | "already_reported" };

export async function reportComment(
  d: CitizenDeps,
  id: number,
  commentId: number,
  reason: string,
): Promise<ReportResult> {
  const found = await visibleComment(d, id, commentId);
  if (!found) return { ok: false, reason: "not_found" };
  const inserted = await d.db
    .insert(consultationCommentReports)
    .values({ commentId, reporterId: d.userId, reason, createdAt: d.now })
    .onConflictDoNothing()
    .returning({ commentId: consultationCommentReports.commentId });
  return inserted.length > 0 ? { ok: true } : { ok: false, reason: "already_reported" };
}

/** Follows (or stops following) a published consultation; doing it twice changes nothing. */
export async function setFollowing(d: CitizenDeps, id: number, follow: boolean): Promise<boolean> {
  if (!(await published(d, id))) return false;
  if (follow)
    await d.db
      .insert(consultationFollowers)
      .values({ consultationId: id, userId: d.userId, createdAt: d.now })
      .onConflictDoNothing();
  else
    await d.db
      .delete(consultationFollowers)
      .where(and(eq(consultationFollowers.consultationId, id), eq(consultationFollowers.userId, d.userId)));
  return true;
}
