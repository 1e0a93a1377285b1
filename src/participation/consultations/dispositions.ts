// After a consultation closes: a disposition with its reason for every visible comment, then the report
// ("you said, we did"), published only when none is missing, with the participants and followers told in
// their language, all in one transaction.
import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { localDateOf } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import {
  consultationComments,
  consultationFollowers,
  consultations,
  type LocalizedText,
  users,
} from "../../db/schema.ts";
import { translator } from "../../kernel/i18n.ts";
import { localized } from "../../kernel/localized.ts";
import { languageOf, type NotifyContext, notify } from "../../notifications/notify.ts";
import { type Disposition, reportPath, stageOf } from "./model.ts";

export interface DispositionDeps {
  db: Db;
  now: Date;
  timeZone: string;
  actorId: string;
  municipalityId: number;
  notify: NotifyContext;
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

export type DispositionResult =
  | { ok: true; saved: number }
  | { ok: false; reason: "not_found" | "not_closed" | "report_published" | "unknown_comment" };

/** The consultation, locked, when it is the municipality's, closed and without its report yet. */
async function closedConsultation(tx: Tx, d: DispositionDeps, id: number) {
  const [c] = await tx
    .select()
    .from(consultations)
    .where(and(eq(consultations.id, id), eq(consultations.municipalityId, d.municipalityId)))
    .for("update");
  if (!c) return { ok: false, reason: "not_found" } as const;
  const stage = stageOf(c, localDateOf(d.now, d.timeZone));
  if (stage === "reported") return { ok: false, reason: "report_published" } as const;
  if (stage !== "closed") return { ok: false, reason: "not_closed" } as const;
  return { ok: true, c } as const;
}

/** Records dispositions of visible comments of the consultation; all of them or none. */
export function saveDispositions(
  d: DispositionDeps,
  id: number,
  entries: readonly { commentId: number; disposition: Disposition; reason: string }[],
): Promise<DispositionResult> {
  return d.db.transaction(async (tx) => {
    const found = await closedConsultation(tx, d, id);
    if (!found.ok) return found;
    if (entries.length === 0) return { ok: true, saved: 0 } as const;
    const ids = entries.map((e) => e.commentId);
    const visible = await tx
      .select({ id: consultationComments.id })
      .from(consultationComments)
      .where(
        and(
          eq(consultationComments.consultationId, id),
          inArray(consultationComments.id, ids),
          isNull(consultationComments.hiddenAt),
        ),
      );
    if (visible.length !== new Set(ids).size) return { ok: false, reason: "unknown_comment" } as const;
    for (const e of entries)
      await tx
        .update(consultationComments)
        .set({
          disposition: e.disposition,
          dispositionReason: e.reason,
          dispositionBy: d.actorId,
          dispositionAt: d.now,
        })
        .where(eq(consultationComments.id, e.commentId));
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.dispositions",
      subjectType: "consultation",
      subjectId: String(id),
      municipalityId: d.municipalityId,
      data: { comments: entries.map((e) => ({ id: e.commentId, disposition: e.disposition })) },
    });
    return { ok: true, saved: entries.length } as const;
  });
}

/** Visible comments still without a disposition. */
export async function missingDispositions(db: Pick<Db, "select">, id: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(consultationComments)
    .where(
      and(
        eq(consultationComments.consultationId, id),
        isNull(consultationComments.hiddenAt),
        isNull(consultationComments.disposition),
      ),
    );
  return row?.n ?? 0;
}

export type PublishReportResult =
  | { ok: true; told: number }
  | { ok: false; reason: "not_found" | "not_closed" | "report_published" }
  | { ok: false; reason: "missing_dispositions"; missing: number };

export function publishReport(
  d: DispositionDeps,
  id: number,
  summary: LocalizedText,
): Promise<PublishReportResult> {
  return d.db.transaction(async (tx) => {
    const found = await closedConsultation(tx, d, id);
    if (!found.ok) return found;
    const missing = await missingDispositions(tx, id);
    if (missing > 0) return { ok: false, reason: "missing_dispositions", missing } as const;
    await tx
      .update(consultations)
      .set({ reportPublishedAt: d.now, reportSummary: summary })
      .where(eq(consultations.id, id));
    // Everyone who commented (whatever became of the comment) and everyone following, once each.
    const people = await tx
      .selectDistinct({ id: users.id, email: users.email, name: users.name, language: users.language })
      .from(users)
      .where(
        and(
          isNull(users.deletedAt),
          sql`${users.id} in (select ${consultationComments.authorId} from ${consultationComments} where ${consultationComments.consultationId} = ${id}
              union select ${consultationFollowers.userId} from ${consultationFollowers} where ${consultationFollowers.consultationId} = ${id})`,
        ),
      );
    for (const p of people) {
      const lang = languageOf(p);
      const t = translator(lang);
      const title = localized(found.c.title, lang);
      await notify(
        tx,
        { userId: p.id, email: p.email, name: p.name, language: p.language },
        {
          topic: "followed_updates",
          subject: t("consultations.notices.reportSubject", { title }),
          lines: [t("consultations.notices.reportLine", { title })],
          path: reportPath(id),
          linkIntro: t("consultations.notices.linkIntro"),
        },
        d.notify,
      );
    }
    await appendAudit(tx, {
      at: d.now,
      actorId: d.actorId,
      action: "consultation.report_publish",
      subjectType: "consultation",
      subjectId: String(id),
      municipalityId: d.municipalityId,
      data: { told: people.length },
    });
    return { ok: true, told: people.length } as const;
  });
}
