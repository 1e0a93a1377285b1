// Who hears about a change to a case, and what they are told (issue 6, "What is sent"): the citizen who
// sent it, the people following it, and the officer or department it is given to. Each message is worded
// in its recipient's language — the case's language for the citizen, their own for everyone else — and
// goes through notify(), inside the transaction of the change: in-app, and email at once, in the digest
// or not at all as each person chose.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { caseFollowers, type cases, municipalities, roleAssignments, users } from "../db/schema.ts";
import { translator } from "../kernel/i18n.ts";
import { languageOf, type NotifyContext, notify, type Recipient } from "../notifications/notify.ts";
import type { Topic } from "../notifications/topics.ts";
import {
  type CaseEventChange,
  caseEventData,
  privateCaseEventData,
  publish,
  type WebhookEvent,
} from "../notifications/webhooks.ts";
import type { ReferenceData } from "../reference/referenceCache.ts";
import { publicCaseView } from "./publicView.ts";
import type { CaseStatus, CaseType } from "./statuses.ts";

type Tx = Pick<Db, "select" | "selectDistinct" | "insert" | "execute">;
type CaseRow = typeof cases.$inferSelect;

/** What happened, from the citizen's side. */
export type CitizenNotice =
  | { kind: "request_information"; message: string }
  | { kind: "answer"; message: string }
  | { kind: "resolved"; message?: string | undefined }
  | { kind: "status"; status: CaseStatus; message?: string | undefined }
  | { kind: "merged"; into: string }
  | { kind: "reopened" };

const TOPIC: Record<CitizenNotice["kind"], Topic> = {
  request_information: "information_requested",
  answer: "case_answer",
  resolved: "case_resolved",
  status: "case_status",
  merged: "case_status",
  reopened: "case_reopened",
};

/** The one who sent the case: their account if they had one, the contact address they gave for updates. */
export async function submitterOf(tx: Tx, kase: CaseRow): Promise<Recipient | undefined> {
  let account: { email: string; name: string } | undefined;
  if (kase.submitterId) {
    [account] = await tx
      .select({ email: users.email, name: users.name })
      .from(users)
      .where(and(eq(users.id, kase.submitterId), sql`${users.deletedAt} is null`));
  }
  const email = kase.contactEmail ?? account?.email ?? null;
  if (!account && !email) return undefined;
  return {
    userId: account ? kase.submitterId : null,
    email,
    name: kase.contactName ?? account?.name ?? null,
    // The case keeps the language the citizen wrote in; every message to them uses it.
    language: kase.language,
  };
}

function citizenLines(lang: string, kase: CaseRow, n: CitizenNotice) {
  const t = translator(languageOf({ language: lang }));
  const v = { code: kase.trackingCode, title: kase.title };
  switch (n.kind) {
    case "request_information":
    case "answer":
      return {
        subject: t(`workspace_case.emails.${n.kind}.subject`, v),
        lines: [t(`workspace_case.emails.${n.kind}.body`, v), n.message],
      };
    case "merged":
      return {
        subject: t("workspace_case.emails.merged.subject", { ...v, into: n.into }),
        lines: [t("workspace_case.emails.merged.body", { ...v, into: n.into })],
      };
    case "resolved":
      return {
        subject: t("case_notices.resolved.subject", v),
        lines: [
          t("case_notices.resolved.body", v),
          ...(n.message ? [n.message] : []),
          t("case_notices.resolved.question"),
        ],
      };
    case "status":
      return {
        subject: t("case_notices.status.subject", v),
        lines: [
          t("case_notices.status.body", { ...v, status: t(`status.${n.status}`) }),
          ...(n.message ? [n.message] : []),
        ],
      };
    case "reopened":
      return {
        subject: t("case_notices.reopened.subject", v),
        lines: [t("case_notices.reopened.body", v)],
      };
  }
}

/** Tells the citizen; returns whether anything was written (so the caller knows to wake the outbox). */
export async function tellCitizen(tx: Tx, ctx: NotifyContext, kase: CaseRow, n: CitizenNotice) {
  const to = await submitterOf(tx, kase);
  if (!to) return false;
  const { subject, lines } = citizenLines(to.language, kase, n);
  // The line that introduces the link goes only where the link is written out (the email).
  const linkIntro = translator(languageOf({ language: to.language }))("workspace_case.emails.link");
  await notify(
    tx,
    to,
    { topic: TOPIC[n.kind], caseId: kase.id, subject, lines, linkIntro, path: `/cases/${kase.trackingCode}` },
    ctx,
  );
  return true;
}

/**
 * Tells the people following a public case what its page now shows: each in their own language, never the
 * submitter (told by tellCitizen) nor whoever made the change. A private case tells its followers nothing.
 */
export async function tellFollowers(
  tx: Tx,
  ctx: NotifyContext,
  kase: CaseRow,
  change: { status: CaseStatus } | { answered: true },
  exceptUserId: string | null,
) {
  if (kase.visibility !== "public") return 0;
  const except = [kase.submitterId, exceptUserId].filter((id): id is string => !!id);
  const followers = await tx
    .select({ id: users.id, email: users.email, name: users.name, language: users.language })
    .from(caseFollowers)
    .innerJoin(users, eq(users.id, caseFollowers.userId))
    .where(
      and(
        eq(caseFollowers.caseId, kase.id),
        sql`${users.deletedAt} is null`,
        ...(except.length > 0 ? [sql`${users.id} not in ${except}`] : []),
      ),
    );
  for (const f of followers) {
    const t = translator(languageOf(f));
    const v = { code: kase.trackingCode, title: kase.title };
    const what =
      "status" in change
        ? t("case_notices.followed.status", { ...v, status: t(`status.${change.status}`) })
        : t("case_notices.followed.answered", v);
    await notify(
      tx,
      { userId: f.id, email: f.email, name: f.name, language: f.language },
      {
        topic: "followed_updates",
        caseId: kase.id,
        subject: t("case_notices.followed.subject", v),
        lines: [what, t("case_notices.followed.why")],
        path: `/cases/${kase.trackingCode}`,
      },
      ctx,
    );
  }
  return followers.length;
}

/**
 * Tells staff that a case was given to them: the officer it is assigned to, or — given to a department
 * without an officer — that department's heads. Never the person who did it.
 */
export async function tellAssigned(tx: Tx, ctx: NotifyContext, kase: CaseRow, byUserId: string | null) {
  const people = kase.assigneeId
    ? await tx
        .select({ id: users.id, email: users.email, name: users.name, language: users.language })
        .from(users)
        .where(and(eq(users.id, kase.assigneeId), sql`${users.deletedAt} is null`))
    : kase.departmentId
      ? await tx
          .selectDistinct({ id: users.id, email: users.email, name: users.name, language: users.language })
          .from(roleAssignments)
          .innerJoin(users, eq(users.id, roleAssignments.userId))
          .where(
            and(
              eq(roleAssignments.departmentId, kase.departmentId),
              inArray(roleAssignments.role, ["department_head"]),
              sql`${users.deletedAt} is null`,
            ),
          )
      : [];
  let told = 0;
  const [place] = await tx
    .select({ slug: municipalities.slug })
    .from(municipalities)
    .where(eq(municipalities.id, kase.municipalityId));
  for (const p of people) {
    if (p.id === byUserId) continue;
    const t = translator(languageOf(p));
    const v = { code: kase.trackingCode, title: kase.title };
    await notify(
      tx,
      { userId: p.id, email: p.email, name: p.name, language: p.language },
      {
        topic: "assignment",
        caseId: kase.id,
        subject: t("case_notices.assigned.subject", v),
        lines: [
          t(kase.assigneeId ? "case_notices.assigned.to_you" : "case_notices.assigned.to_department", v),
          t("case_notices.assigned.language", { language: t(`language.name.${languageOf(kase)}`) }),
        ],
        path: `/m/${place?.slug}/workspace/cases/${kase.trackingCode}`,
      },
      ctx,
    );
    told++;
  }
  return told;
}

/**
 * Tells integrations (webhooks.ts): the event, with the case as its public view shows it (publicView.ts,
 * the one door for personal data), to every endpoint of the municipality subscribed to it, in the same
 * transaction. A private case sends nothing, except the news that it became private (its code only), so a
 * receiver that mirrors public cases can take it down. Returns how many messages were queued.
 */
export async function publishCase(
  tx: Pick<Db, "execute">,
  ctx: NotifyContext & { ref: ReferenceData },
  kase: CaseRow,
  event: WebhookEvent,
  change: CaseEventChange = {},
) {
  const slug = ctx.ref.municipalityById(kase.municipalityId)?.slug ?? "";
  const context = { ...change, municipality: slug, url: `${ctx.baseUrl}/cases/${kase.trackingCode}` };
  const view = publicCaseView(kase, { sensitive: ctx.ref.category(kase.categoryId)?.sensitive ?? true }, []);
  if (!view && event !== "case.visibility_changed") return 0;
  const data = view
    ? caseEventData(view, context)
    : privateCaseEventData(
        { trackingCode: kase.trackingCode, type: kase.type as CaseType, status: kase.status as CaseStatus },
        context,
      );
  return publish(tx, { municipalityId: kase.municipalityId, event, data, now: ctx.now });
}
