// The account emails (verify, log-in link, password reset, registration attempt, staff invitation),
// written from the catalogs in the recipient's language, with a plain-text and an HTML part.
import { escapeHtml } from "@kitajs/html";
import { isLanguage, type Language, translator } from "../kernel/i18n.ts";
import type { MailMessage } from "../notifications/mailer.ts";

export type AccountEmail = "verify_email" | "login" | "reset_password" | "already_registered" | "invitation";

export function accountEmail(
  kind: AccountEmail,
  to: string,
  language: string,
  values: { link: string; name?: string; municipality?: string; role?: string; validFor?: string },
): MailMessage {
  const lang: Language = isLanguage(language) ? language : "sq";
  const t = translator(lang);
  const v = { ...values, name: values.name ?? "" };
  const subject = t(`emails.${kind}.subject`, v);
  const paragraphs = [t("emails.greeting", v), t(`emails.${kind}.body`, v)];
  const after = t(`emails.${kind}.after`, v);
  const footer = t("emails.footer");
  const text = [...paragraphs, values.link, after, "--", footer].join("\n\n");
  const html = `<!doctype html><html lang="${lang === "sr" ? "sr-Latn" : lang}"><body style="font-family:Arial,sans-serif;line-height:1.5">${paragraphs
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join(
      "",
    )}<p><a href="${escapeHtml(values.link)}">${escapeHtml(t(`emails.${kind}.button`, v))}</a></p><p>${escapeHtml(
    after,
  )}</p><hr><p style="color:#555">${escapeHtml(footer)}</p></body></html>`;
  return { to, subject, text, html };
}
