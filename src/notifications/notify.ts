// The one way a message reaches a person: `notify` writes, in the caller's transaction, the in-app
// notification (people with an account), and the email at once, a digest entry, or nothing, as the
// person chose for the topic (topics.ts). The caller words the message in the recipient's language.
// Nothing is sent from here: emails go through the outbox (outbox.ts), delivered after the commit.
import { escapeHtml } from "@kitajs/html";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { digestItems, emailOptOuts, notificationPreferences, notifications, outbox } from "../db/schema.ts";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import { platformKey, sign } from "./keys.ts";
import type { MailMessage } from "./mailer.ts";
import { effectiveMode, type Mode, type Topic } from "./topics.ts";

type Tx = Pick<Db, "select" | "insert">;

export interface Recipient {
  /** The account, when there is one: in-app notification, preferences, digest. */
  userId?: string | null;
  /** Where email goes; none: in-app only. */
  email?: string | null;
  name?: string | null;
  language: string;
}

export interface Notice {
  topic: Topic;
  caseId?: number | null;
  subject: string;
  /** Paragraphs, already in the recipient's language. */
  lines: readonly string[];
  /** A path on this site ("/cases/PRI-2026-000001"), the message's one link. */
  path?: string;
  /** The sentence before the link where it is written out (an email); the notification centre links the subject. */
  linkIntro?: string;
}

export interface NotifyContext {
  now: Date;
  baseUrl: string;
}

export const languageOf = (r: Pick<Recipient, "language">): Language =>
  isLanguage(r.language) ? r.language : "sq";

/** What the person chose for the topic (no row: nothing chosen). */
export async function chosenMode(tx: Tx, userId: string, topic: Topic): Promise<Mode | undefined> {
  const [row] = await tx
    .select({ mode: notificationPreferences.mode })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.userId, userId), eq(notificationPreferences.topic, topic)));
  return row?.mode as Mode | undefined;
}

/** An address without an account that unsubscribed from the topic: "off"; otherwise nothing chosen. */
async function optedOut(tx: Tx, email: string, topic: Topic): Promise<Mode | undefined> {
  const [row] = await tx
    .select({ topic: emailOptOuts.topic })
    .from(emailOptOuts)
    .where(and(eq(emailOptOuts.email, email.toLowerCase()), eq(emailOptOuts.topic, topic)));
  return row ? "off" : undefined;
}

/** The unsubscribe link of a message: signed, so it works without signing in, for this person and topic. */
export async function unsubscribeUrl(tx: Tx, ctx: NotifyContext, who: string, topic: Topic) {
  const key = await platformKey(tx, "unsubscribe");
  return `${ctx.baseUrl}/notifications/unsubscribe?t=${encodeURIComponent(sign(key, `${who}|${topic}`))}`;
}

/**
 * The email of a notice: plain text and HTML from the same paragraphs, the link, a footer that says why
 * it came and where to change that, and the List-Unsubscribe headers (RFC 8058 one-click).
 */
export function noticeEmail(
  to: string,
  lang: Language,
  greetingName: string | null | undefined,
  notice: Pick<Notice, "subject" | "lines" | "linkIntro">,
  link: string | undefined,
  unsubscribe: string | undefined,
): MailMessage {
  const t = translator(lang);
  const greeting = greetingName
    ? t("emails.greeting", { name: greetingName })
    : t("emails.greetingAnonymous");
  const paragraphs = [greeting, ...notice.lines];
  const footer = [t("emails.footer"), ...(unsubscribe ? [t("notifications.email.preferences")] : [])];
  const intro = link && notice.linkIntro ? [notice.linkIntro] : [];
  const text = [
    ...paragraphs,
    ...intro,
    ...(link ? [link] : []),
    "--",
    footer.join(" "),
    ...(unsubscribe ? [unsubscribe] : []),
  ].join("\n\n");
  const p = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const a = (href: string, label: string) => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html =
    `<!doctype html><html lang="${htmlLang(lang)}"><head><meta charset="utf-8"><title>${escapeHtml(notice.subject)}</title></head>` +
    `<body style="font-family:Arial,sans-serif;line-height:1.5;max-width:40em">${[...paragraphs, ...intro].map(p).join("")}` +
    (link ? `<p>${a(link, link)}</p>` : "") +
    `<hr><p style="color:#444">${escapeHtml(footer[0]!)}` +
    (unsubscribe ? ` ${a(unsubscribe, t("notifications.email.preferences"))}` : "") +
    "</p></body></html>";
  return {
    to,
    subject: notice.subject,
    text,
    html,
    ...(unsubscribe
      ? {
          headers: {
            "List-Unsubscribe": `<${unsubscribe}>`,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
          },
        }
      : {}),
  };
}

/** Writes the notice for one person; returns how it went out. */
export async function notify(
  tx: Tx,
  to: Recipient,
  notice: Notice,
  ctx: NotifyContext,
): Promise<{ inApp: boolean; email: Mode | "none" }> {
  const lang = languageOf(to);
  const body = notice.lines.join("\n\n");
  if (to.userId) {
    await tx.insert(notifications).values({
      userId: to.userId,
      topic: notice.topic,
      caseId: notice.caseId ?? null,
      subject: notice.subject,
      body,
      link: notice.path ?? null,
      createdAt: ctx.now,
    });
  }
  if (!to.email) return { inApp: !!to.userId, email: "none" };
  const mode = effectiveMode(
    notice.topic,
    to.userId ? await chosenMode(tx, to.userId, notice.topic) : await optedOut(tx, to.email, notice.topic),
  );
  if (mode === "off") return { inApp: !!to.userId, email: mode };
  if (mode === "digest" && to.userId) {
    await tx.insert(digestItems).values({
      userId: to.userId,
      topic: notice.topic,
      subject: notice.subject,
      body,
      link: notice.path ?? null,
      createdAt: ctx.now,
    });
    return { inApp: true, email: mode };
  }
  const who = to.userId ? `u:${to.userId}` : `e:${to.email.toLowerCase()}`;
  const unsubscribe = await unsubscribeUrl(tx, ctx, who, notice.topic);
  const link = notice.path ? `${ctx.baseUrl}${notice.path}` : undefined;
  const mail = noticeEmail(to.email, lang, to.name, notice, link, unsubscribe);
  await tx.insert(outbox).values({
    kind: "email",
    topic: notice.topic,
    payload: mail as unknown as Record<string, unknown>,
    createdAt: ctx.now,
    availableAt: ctx.now,
  });
  return { inApp: !!to.userId, email: "immediate" };
}
