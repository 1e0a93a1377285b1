// After the answer, the submitter says whether it was resolved and how satisfied they are (1–5); once.
import { and, eq, isNull } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import { caseEvents, cases } from "../../db/schema.ts";

const RATEABLE = ["answered", "resolved", "closed"];

export async function rateAnswer(
  db: Db,
  input: {
    kase: typeof cases.$inferSelect;
    resolved: boolean;
    satisfaction: number;
    comment?: string | undefined;
    actorId: string | null;
    now: Date;
  },
): Promise<{ ok: true } | { ok: false; reason: "not_answered" | "already_rated" }> {
  const { kase, now } = input;
  // Answered (or resolved, and maybe closed since): a case withdrawn or rejected has no answer to rate.
  if (!RATEABLE.includes(kase.status) || !kase.resolvedAt) return { ok: false, reason: "not_answered" };
  return db.transaction(async (tx) => {
    const [rated] = await tx
      .update(cases)
      .set({
        satisfaction: input.satisfaction,
        satisfactionResolved: input.resolved,
        satisfactionComment: input.comment?.trim() || null,
        updatedAt: now,
      })
      .where(and(eq(cases.id, kase.id), isNull(cases.satisfaction)))
      .returning({ id: cases.id });
    if (!rated) return { ok: false as const, reason: "already_rated" as const };
    await tx.insert(caseEvents).values({
      caseId: kase.id,
      municipalityId: kase.municipalityId,
      type: "rated",
      actorId: input.actorId,
      isPublic: true,
      data: { satisfaction: input.satisfaction, resolved: input.resolved },
      at: now,
    });
    await appendAudit(tx, {
      at: now,
      actorId: input.actorId,
      action: "case.rated",
      subjectType: "case",
      subjectId: kase.trackingCode,
      municipalityId: kase.municipalityId,
    });
    return { ok: true as const };
  });
}
