// Where email goes: an SMTP server (SMTP_URL, through nodemailer), or, in demo mode without one, the
// development mailbox (a table shown on /dev/mailbox) so that a demo can follow every link.
import nodemailer from "nodemailer";
import type { Db } from "../db/client.ts";
import { devMailbox } from "../db/schema.ts";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  kind: "smtp" | "dev_mailbox" | "none";
  send(message: MailMessage): Promise<void>;
  /** Several at once where the channel can (one statement for the development mailbox); all or none. */
  sendMany?(messages: MailMessage[]): Promise<void>;
  close?(): void;
}

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    kind: "smtp",
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
      });
    },
    close: () => transport.close(),
  };
}

export function devMailboxMailer(db: Db): Mailer {
  const row = (m: MailMessage) => ({ to: m.to, subject: m.subject, text: m.text, html: m.html ?? null });
  return {
    kind: "dev_mailbox",
    async send(m) {
      await db.insert(devMailbox).values(row(m));
    },
    async sendMany(messages) {
      if (messages.length > 0) await db.insert(devMailbox).values(messages.map(row));
    },
  };
}

/** Without SMTP and outside demo mode, mail cannot go anywhere: delivery fails and stays queued. */
export const noMailer: Mailer = {
  kind: "none",
  async send() {
    throw new Error("no SMTP_URL is configured: mail cannot be sent");
  },
};
