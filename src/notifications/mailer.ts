// Where email goes: an SMTP server (SMTP_URL, through nodemailer), or, in demo mode without one, the
// development mailbox (a table shown on /dev/mailbox) so that a demo can follow every link. The email
// channel (emailChannel) is how the outbox worker reaches a mailer.
import nodemailer from "nodemailer";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { devMailbox } from "../db/schema.ts";
import { type Channel, type OutboxRow, PermanentDeliveryError } from "./channel.ts";

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
  /** How many messages it sends at once (its connections); 1 when absent. */
  concurrency?: number;
  close?(): void;
}

export interface SmtpOptions {
  /**
   * Keep up to this many connections open and send over them in parallel (a worker). Absent: one
   * connection per message, closed after it, so nothing is left open between sends (tests, CLIs).
   */
  pool?: number;
}

export function smtpMailer(url: string, from: string, options: SmtpOptions = {}): Mailer {
  const transport = nodemailer.createTransport({
    url,
    // Bounded, so that one delivery always ends well within the outbox lease (outbox.ts): a server that
    // stops answering mid-message is given up on and the message retried, never sent twice meanwhile.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    ...(options.pool
      ? // The outbox retries; a pool that re-sent on its own after a dropped connection could send twice.
        { pool: true, maxConnections: options.pool, maxRequeues: 0 }
      : {}),
  });
  return {
    kind: "smtp",
    concurrency: options.pool ?? 1,
    async send(m) {
      // Rejections carry the server's reply ("550 5.1.1 <x@y>: no such user"): it becomes the reason
      // an operator reads on the outbox page.
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

const mailPayload = z.object({
  to: z.string().min(3).max(320),
  subject: z.string().max(1000),
  text: z.string(),
  html: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

/** The message an outbox row carries; a row no mailer could send is dead at once, not retried. */
function mailOf(row: OutboxRow): MailMessage {
  const parsed = mailPayload.safeParse(row.payload);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? "payload")))];
    throw new PermanentDeliveryError(`malformed email in the outbox (${fields.join(", ")})`);
  }
  return parsed.data;
}

/** The outbox's "email" channel over a mailer. */
export function emailChannel(mailer: Mailer): Channel {
  const { sendMany } = mailer;
  return {
    kind: "email",
    concurrency: Math.max(1, mailer.concurrency ?? 1),
    deliver: (row) => mailer.send(mailOf(row)),
    ...(sendMany ? { deliverMany: (rows: OutboxRow[]) => sendMany(rows.map(mailOf)) } : {}),
    ...(mailer.close ? { close: () => mailer.close?.() } : {}),
  };
}
