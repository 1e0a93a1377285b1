// The messages a citizen gets about their case, from the catalogs in the case's language.
import { escapeHtml } from "@kitajs/html";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import type { MailMessage } from "../notifications/mailer.ts";

/** One formatter per language and zone: building an Intl.DateTimeFormat costs more than using it. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function formatDueDay(lang: Language, timeZone: string, d: Date): string {
  const key = `${lang} ${timeZone}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(htmlLang(lang), { dateStyle: "full", timeZone });
    dayFormats.set(key, format);
  }
  return format.format(d);
}

export function caseAcknowledgementEmail(v: {
  to: string;
  language: string;
  name: string;
  trackingCode: string;
  title: string;
  link: string;
  dueAt: Date;
  timeZone: string;
}): MailMessage {
  const lang: Language = isLanguage(v.language) ? v.language : "sq";
  const t = translator(lang);
  const due = formatDueDay(lang, v.timeZone, new Date(v.dueAt.getTime() - 1));
  const values = { code: v.trackingCode, title: v.title, due, name: v.name };
  const lines = [
    v.name ? t("emails.greeting", values) : t("emails.greetingAnonymous"),
    t("emails.case_acknowledged.body", values),
    t("emails.case_acknowledged.due", values),
    t("emails.case_acknowledged.link"),
  ];
  const footer = t("emails.footer");
  return {
    to: v.to,
    subject: t("emails.case_acknowledged.subject", values),
    text: [...lines, v.link, "--", footer].join("\n\n"),
    html: `<!doctype html><html lang="${htmlLang(lang)}"><body style="font-family:Arial,sans-serif;line-height:1.5">${lines
      .map((l) => `<p>${escapeHtml(l)}</p>`)
      .join(
        "",
      )}<p><a href="${escapeHtml(v.link)}">${escapeHtml(v.link)}</a></p><hr><p style="color:#555">${escapeHtml(footer)}</p></body></html>`,
  };
}
