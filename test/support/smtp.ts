// A real SMTP server on loopback (the smtp-server package) that keeps what it receives, for tests that
// check the mail people get. Not a mock of our code: nodemailer talks SMTP to it.
import { once } from "node:events";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  /** The decoded message (headers and all parts), to search for text and links. */
  raw: string;
}

/** Undoes quoted-printable soft line breaks and escapes, enough to read links and words. */
export function decodeQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

export function decodeSubject(raw: string): string {
  const header = raw.match(/^Subject: (.*(?:\r?\n[ \t].*)*)/m)?.[1] ?? "";
  return header
    .replace(/\r?\n[ \t]/g, " ")
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : decodeQuotedPrintable(text.replace(/_/g, " ")),
    )
    .trim();
}

export async function startSmtpServer() {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("latin1");
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          subject: decodeSubject(raw),
          raw: decodeQuotedPrintable(raw),
        });
        callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Mail received for an address, newest last. */
    to: (address: string) =>
      received.filter((m) => m.to.includes(address.toLowerCase()) || m.to.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a message that starts with `prefix` (e.g. "http://127.0.0.1:3000/verify-email/"). */
export function linkIn(mail: ReceivedMail | undefined, path: string): string {
  const found = mail?.raw.match(
    new RegExp(`https?://[^\\s"<>]*${path.replace(/[/.]/g, "\\$&")}[A-Za-z0-9_-]+`),
  )?.[0];
  if (!found) throw new Error(`no link to ${path} in ${mail ? mail.subject : "(no mail)"}`);
  return found;
}
