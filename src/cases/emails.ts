// The messages a citizen gets about their case, from the catalogs in the case's language.
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import { htmlLang } from "../kernel/localized.ts";
import type { MailMessage } from "../notifications/mailer.ts";
import { noticeEmail } from "../notifications/notify.ts";

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

/** The acknowledgement's subject and the lines that say what happens next (also the in-app notice). */
export function caseAcknowledgementNotice(v: {
  language: string;
  trackingCode: string;
  title: string;
  dueAt: Date;
  timeZone: string;
}) {
  const lang: Language = isLanguage(v.language) ? v.language : "sq";
  const t = translator(lang);
  const due = formatDueDay(lang, v.timeZone, new Date(v.dueAt.getTime() - 1));
  const values = { code: v.trackingCode, title: v.title, due };
  return {
    subject: t("emails.case_acknowledged.subject", values),
    lines: [t("emails.case_acknowledged.body", values), t("emails.case_acknowledged.due", values)],
  };
}

/** The acknowledgement email, with the private tracking link (a topic nobody unsubscribes from). */
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
  const notice = caseAcknowledgementNotice(v);
  const lines = [...notice.lines, translator(lang)("emails.case_acknowledged.link")];
  return noticeEmail(v.to, lang, v.name, { subject: notice.subject, lines }, v.link, undefined);
}
