// Who hears of a proposal's own moments (published, threshold reached, support window ended), worded in
// each recipient's language and written through notify() in the transaction of the change. Status changes
// made through the case commands (a rejection, an answer) are told by the case's own notices.

import { and, eq, inArray, sql } from "drizzle-orm";
import { submitterOf } from "../../cases/caseNotices.ts";
import { publicText } from "../../cases/publicView.ts";
import { formatDay } from "../../cases/web/casePages.tsx";
import type { Db } from "../../db/client.ts";
import {
  caseFollowers,
  type cases,
  type LocalizedText,
  municipalities,
  roleAssignments,
  users,
} from "../../db/schema.ts";
import { type Language, translator } from "../../kernel/i18n.ts";
import { localized } from "../../kernel/localized.ts";
import { languageOf, type NotifyContext, notify } from "../../notifications/notify.ts";

type Tx = Pick<Db, "select" | "selectDistinct" | "insert" | "execute">;
type CaseRow = typeof cases.$inferSelect;

/** The proposal's moments a notice is written for (catalog keys under proposals.notices). */
export type ProposalMoment = "published" | "threshold_reached" | "expired" | "progress" | "milestone";

/** The context of a notice: when, the site's address, and the time zone its dates are shown in. */
export type NoticeContext = NotifyContext & { timeZone: string };

const proposalPath = (kase: CaseRow) => `/proposals/${kase.trackingCode}`;

/**
 * The values a message interpolates, as the recipient reads them: a date as the last day of a period, a
 * text written in both languages in theirs, and a `…Key` value translated (given as `…` without it).
 */
function valuesFor(
  ctx: NoticeContext,
  lang: Language,
  kase: CaseRow,
  values: Record<string, unknown>,
): Record<string, unknown> {
  const t = translator(lang);
  // Supporters and followers are third parties: the title as the public reads it.
  const out: Record<string, unknown> = { code: kase.trackingCode, title: publicText(kase.title) };
  for (const [k, v] of Object.entries(values)) {
    if (v instanceof Date) out[k] = formatDay({ lang, timeZone: ctx.timeZone }, v, true);
    else if (k.endsWith("Key") && typeof v === "string") out[k.slice(0, -3)] = t(v);
    else if (v && typeof v === "object" && "sq" in v) out[k] = localized(v as LocalizedText, lang);
    else out[k] = v;
  }
  return out;
}

/** Tells the submitter (topic case_status, as any case's status news); whether anything was written. */
export async function tellSubmitter(
  tx: Tx,
  ctx: NoticeContext,
  kase: CaseRow,
  moment: ProposalMoment,
  values: Record<string, unknown> = {},
): Promise<boolean> {
  const to = await submitterOf(tx, kase);
  if (!to) return false;
  const t = translator(languageOf(to));
  const v = valuesFor(ctx, languageOf(to), kase, values);
  await notify(
    tx,
    to,
    {
      topic: "case_status",
      caseId: kase.id,
      subject: t(`proposals.notices.${moment}.subject`, v),
      lines: [t(`proposals.notices.${moment}.submitter`, v)],
      linkIntro: t("proposals.notices.link"),
      path: proposalPath(kase),
    },
    ctx,
  );
  return true;
}

/**
 * Tells the people following the proposal — supporting one follows it, until they stop — in their own
 * language (topic followed_updates); never the submitter, told on their own. Returns how many.
 */
export async function tellSupporters(
  tx: Tx,
  ctx: NoticeContext,
  kase: CaseRow,
  moment: ProposalMoment,
  values: Record<string, unknown> = {},
): Promise<number> {
  const people = await tx
    .select({ id: users.id, email: users.email, name: users.name, language: users.language })
    .from(caseFollowers)
    .innerJoin(users, eq(users.id, caseFollowers.userId))
    .where(
      and(
        eq(caseFollowers.caseId, kase.id),
        sql`${users.deletedAt} is null`,
        ...(kase.submitterId ? [sql`${users.id} <> ${kase.submitterId}`] : []),
      ),
    );
  for (const p of people) {
    const t = translator(languageOf(p));
    const v = valuesFor(ctx, languageOf(p), kase, values);
    await notify(
      tx,
      { userId: p.id, email: p.email, name: p.name, language: p.language },
      {
        topic: "followed_updates",
        caseId: kase.id,
        subject: t(`proposals.notices.${moment}.subject`, v),
        lines: [t(`proposals.notices.${moment}.supporter`, v), t("proposals.notices.why")],
        path: proposalPath(kase),
      },
      ctx,
    );
  }
  return people.length;
}

/** Tells the municipality's participation coordinators that a proposal now awaits its decision. */
export async function tellCoordinators(
  tx: Tx,
  ctx: NoticeContext,
  kase: CaseRow,
  values: Record<string, unknown>,
): Promise<number> {
  const people = await tx
    .selectDistinct({ id: users.id, email: users.email, name: users.name, language: users.language })
    .from(roleAssignments)
    .innerJoin(users, eq(users.id, roleAssignments.userId))
    .where(
      and(
        eq(roleAssignments.municipalityId, kase.municipalityId),
        inArray(roleAssignments.role, ["participation_coordinator"]),
        sql`${users.deletedAt} is null`,
      ),
    );
  if (people.length === 0) return 0;
  const [place] = await tx
    .select({ slug: municipalities.slug })
    .from(municipalities)
    .where(eq(municipalities.id, kase.municipalityId));
  for (const p of people) {
    const t = translator(languageOf(p));
    const v = valuesFor(ctx, languageOf(p), kase, values);
    await notify(
      tx,
      { userId: p.id, email: p.email, name: p.name, language: p.language },
      {
        topic: "assignment",
        caseId: kase.id,
        subject: t("proposals.notices.threshold_reached.subject", v),
        lines: [t("proposals.notices.threshold_reached.coordinator", v)],
        path: `/m/${place?.slug}/participation/proposals/${kase.trackingCode}`,
      },
      ctx,
    );
  }
  return people.length;
}
