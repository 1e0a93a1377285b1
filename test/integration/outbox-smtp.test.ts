// Email delivery from the outbox to a real SMTP server (the smtp-server package on loopback; nodemailer
// talks SMTP to it), and its faults: a refused recipient, a server that is down, a worker stopped in the
// middle of a batch, two workers on one database, a slow channel beside email. Then the operators' page
// of dead messages. Tests move the platform's clock to pass backoffs and leases.
import { once } from "node:events";
import { and, asc, eq, like, sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { openDatabase } from "../../src/db/client.ts";
import { auditLog, outbox, webhookEndpoints } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import type { Channel } from "../../src/notifications/channel.ts";
import { emailChannel, type MailMessage, smtpMailer } from "../../src/notifications/mailer.ts";
import { notify } from "../../src/notifications/notify.ts";
import {
  backoffMs,
  deliverDue,
  enqueue,
  LEASE_MS,
  MAX_ATTEMPTS,
  pruneDelivered,
} from "../../src/notifications/outbox.ts";
import { startOutboxWorker } from "../../src/notifications/worker.ts";
import { adminUrl, testDatabaseKind } from "../support/databaseTarget.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { freePort } from "../support/processes.ts";
import { decodeQuotedPrintable, decodeSubject } from "../support/smtp.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const now = () => p.clock.now();
const FROM = "E-Komuna <no-reply@ekomuna.test>";

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(() => p.close());
// Each test starts from an empty outbox, so it counts only its own messages.
beforeEach(async () => {
  await db().delete(outbox);
});

// ── A real SMTP server that can refuse an address and hold a message before accepting it.

interface Received {
  to: string[];
  subject: string;
  raw: string;
}

async function smtpServer(
  options: { port?: number; refuse?: (address: string) => boolean; hold?: (subject: string) => boolean } = {},
) {
  const received: Received[] = [];
  const held: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const refusal = new Error(`5.1.1 <${address.address}>: no such mailbox here`) as Error & {
          responseCode: number;
        };
        refusal.responseCode = 550;
        return callback(refusal);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("latin1");
        const mail = {
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeSubject(raw),
          raw: decodeQuotedPrintable(raw),
        };
        // The message is received when the server answers 250 to its data, not before.
        const accept = () => {
          received.push(mail);
          callback();
        };
        if (options.hold?.(mail.subject)) held.push(accept);
        else accept();
      });
    },
  });
  server.listen(options.port ?? 0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as { port: number };
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    held,
    subjects: () => received.map((m) => m.subject),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const mail = (to: string, subject: string): MailMessage => ({
  to,
  subject,
  text: `Text of ${subject}`,
  html: `<p>HTML of ${subject}</p>`,
});

async function queue(messages: MailMessage[]) {
  for (const m of messages) await enqueue(db(), { kind: "email", payload: m, topic: "case_status" }, now());
}

const rows = () => db().select().from(outbox).orderBy(asc(outbox.id));
const rowBySubject = async (subject: string) =>
  (await db().select().from(outbox).where(sql`${outbox.payload}->>'subject' = ${subject}`))[0]!;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const countBy = (items: string[]) => {
  const n = new Map<string, number>();
  for (const s of items) n.set(s, (n.get(s) ?? 0) + 1);
  return n;
};

describe("email delivery over SMTP", () => {
  it("delivers a notice with its text and HTML parts, its subject and the List-Unsubscribe headers", async () => {
    const smtp = await smtpServer();
    const mailer = smtpMailer(smtp.url, FROM, { pool: 2 });
    const worker = startOutboxWorker(db(), [emailChannel(mailer)], now, { intervalMs: 50 });
    try {
      const subject = "Rasti juaj PRI-2026-000001 u përditësua";
      await db().transaction((tx) =>
        notify(
          tx,
          { email: "qytetari@example.test", name: "Lirije Shala", language: "sq" },
          {
            topic: "case_status",
            subject,
            lines: ["Statusi i rastit ndryshoi."],
            path: "/cases/PRI-2026-000001",
          },
          { now: now(), baseUrl: "https://ekomuna.example.test" },
        ),
      );
      worker.poke();
      await until(() => smtp.received.length === 1, "the notice");
      const got = smtp.received[0]!;
      expect(got.to).toEqual(["qytetari@example.test"]);
      expect(got.subject).toBe(subject);
      expect(got.raw).toMatch(/^From: "E-Komuna" <no-reply@ekomuna\.test>/m);
      expect(got.raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(got.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/);
      expect(got.raw).toMatch(/Content-Type: text\/html; charset=utf-8/);
      expect(got.raw).toContain("Statusi i rastit ndryshoi.");
      expect(got.raw).toContain('<a href="https://ekomuna.example.test/cases/PRI-2026-000001">');
      const unsubscribe = got.raw.match(
        /^List-Unsubscribe:\s+<(https:\/\/ekomuna\.example\.test\/notifications\/unsubscribe\?t=[^>]+)>/m,
      );
      expect(unsubscribe).not.toBeNull();
      expect(got.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
      await until(async () => (await rows())[0]?.deliveredAt != null, "the delivery to be recorded");
      const [row] = await rows();
      expect(row).toMatchObject({ attempts: 1, lastError: null, deadAt: null, lockedUntil: null });
    } finally {
      await worker.stop();
      mailer.close?.();
      await smtp.close();
    }
  });

  it("retries a recipient the server refuses (550) with exponential backoff, then marks it dead with the server's reply, while other mail goes through", async () => {
    const refused = "nobody@refused.example.test";
    const smtp = await smtpServer({ refuse: (a) => a === refused });
    const mailer = smtpMailer(smtp.url, FROM);
    try {
      await queue([
        mail("a@example.test", "first"),
        mail(refused, "refused"),
        mail("b@example.test", "second"),
      ]);
      expect(await deliverDue(db(), mailer, now)).toEqual({ claimed: 3, delivered: 2, failed: 1, dead: 0 });
      expect(smtp.subjects().sort()).toEqual(["first", "second"]);

      for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
        const row = await rowBySubject("refused");
        expect(row.attempts).toBe(attempt);
        expect(row.deadAt).toBeNull();
        expect(row.lastError).toMatch(/550 5\.1\.1 <nobody@refused\.example\.test>: no such mailbox here/);
        // Due again exactly one backoff after the attempt: 30 s, 1 min, 2 min, …
        expect(row.availableAt.getTime() - now().getTime()).toBe(backoffMs(attempt));
        p.clock.advance(backoffMs(attempt) - 1_000);
        expect((await deliverDue(db(), mailer, now)).claimed).toBe(0);
        // Mail queued meanwhile is not held up by the refused message.
        await queue([mail("c@example.test", `meanwhile-${attempt}`)]);
        expect(await deliverDue(db(), mailer, now)).toMatchObject({ delivered: 1, failed: 0 });
        p.clock.advance(1_000);
        const retried = await deliverDue(db(), mailer, now);
        expect(retried).toMatchObject({ claimed: 1, delivered: 0, failed: 1 });
        expect(retried.dead).toBe(attempt + 1 === MAX_ATTEMPTS ? 1 : 0);
      }
      const dead = await rowBySubject("refused");
      expect(dead.attempts).toBe(MAX_ATTEMPTS);
      expect(dead.deadAt).toEqual(now());
      expect(dead.lastError).toMatch(/550 5\.1\.1 <nobody@refused\.example\.test>: no such mailbox here/);
      // Dead means no more attempts, however long one waits.
      p.clock.advance(24 * 3_600_000);
      expect((await deliverDue(db(), mailer, now)).claimed).toBe(0);
      expect(smtp.received.filter((m) => m.to.includes(refused))).toEqual([]);
      expect(smtp.received).toHaveLength(2 + MAX_ATTEMPTS - 1);
    } finally {
      await smtp.close();
    }
  });

  it("keeps the message queued while the server is down and delivers it once the server is back", async () => {
    const port = await freePort();
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, FROM, { pool: 2 });
    let smtp: Awaited<ReturnType<typeof smtpServer>> | undefined;
    try {
      await queue([mail("a@example.test", "while-down")]);
      expect(await deliverDue(db(), mailer, now)).toMatchObject({ delivered: 0, failed: 1, dead: 0 });
      const waiting = await rowBySubject("while-down");
      expect(waiting).toMatchObject({ attempts: 1, deliveredAt: null, deadAt: null, lockedUntil: null });
      expect(waiting.lastError).toMatch(/ECONNREFUSED/);

      smtp = await smtpServer({ port });
      expect((await deliverDue(db(), mailer, now)).claimed).toBe(0); // not before its backoff
      p.clock.advance(backoffMs(1));
      expect(await deliverDue(db(), mailer, now)).toMatchObject({ delivered: 1, failed: 0 });
      expect(smtp.subjects()).toEqual(["while-down"]);
      expect(await rowBySubject("while-down")).toMatchObject({ attempts: 2, lastError: null });
    } finally {
      mailer.close?.();
      await smtp?.close();
    }
  });

  it("loses nothing when a worker is stopped mid-batch: another sends every message once the lease ends, the one in flight twice (1 duplicate: at least once)", async () => {
    // The server holds batch-3 the first time, before answering its data: it is in flight.
    let holding = true;
    const smtp = await smtpServer({ hold: (s) => s === "batch-3" && holding });
    const subjects = Array.from({ length: 6 }, (_, i) => `batch-${i + 1}`);
    await queue(subjects.map((s) => mail("a@example.test", s)));
    // One connection: the messages go one after another, and the third is held by the server.
    const mailerA = smtpMailer(smtp.url, FROM, { pool: 1 });
    const a = startOutboxWorker(db(), [emailChannel(mailerA)], now, { intervalMs: 50 });
    a.poke();
    await until(() => smtp.held.length === 1, "the server to hold batch-3");
    await until(
      async () => (await rows()).filter((r) => r.deliveredAt).length === 2,
      "batch-1 and batch-2 to be recorded",
    );
    // Stopped with little grace while batch-3 is in flight: it is abandoned, as if the process died.
    expect(await a.stop({ graceMs: 50 })).toEqual({ abandoned: 1 });
    // The server now accepts batch-3; the stopped worker records nothing of it.
    holding = false;
    smtp.held[0]!();
    await until(() => smtp.subjects().includes("batch-3"), "batch-3 to be received");
    mailerA.close?.();
    const inFlight = await rowBySubject("batch-3");
    expect(inFlight.deliveredAt).toBeNull();
    expect(inFlight.lockedUntil!.getTime()).toBe(now().getTime() + LEASE_MS);

    // Another worker takes what was never claimed at once, and batch-3 only once its lease has ended.
    const mailerB = smtpMailer(smtp.url, FROM);
    expect(await deliverDue(db(), mailerB, now)).toMatchObject({ claimed: 3, delivered: 3 });
    expect(smtp.subjects().filter((s) => s === "batch-3")).toHaveLength(1);
    p.clock.advance(LEASE_MS);
    expect(await deliverDue(db(), mailerB, now)).toMatchObject({ claimed: 1, delivered: 1 });

    const arrived = countBy(smtp.subjects());
    expect([...arrived.keys()].sort()).toEqual(subjects);
    expect(arrived.get("batch-3")).toBe(2);
    expect(smtp.received.length - arrived.size).toBe(1);
    expect((await rows()).every((r) => r.deliveredAt !== null)).toBe(true);
    await smtp.close();
  });

  it("shares the outbox between two workers on one database without sending a message twice", async () => {
    const smtp = await smtpServer();
    const n = 300;
    const subjects = Array.from({ length: n }, (_, i) => `shared-${i}`);
    await db()
      .insert(outbox)
      .values(
        subjects.map((s) => ({
          kind: "email",
          topic: "case_status",
          payload: mail(`r${s}@example.test`, s) as unknown as Record<string, unknown>,
          createdAt: now(),
          availableAt: now(),
        })),
      );
    // On PostgreSQL the second worker has a connection pool of its own, as another process would; the
    // embedded database has one connection, so there both workers share it (still two claim loops).
    let second: Db = db();
    let closeSecond = async () => {};
    if (testDatabaseKind() === "postgres") {
      const result = (await db().execute(sql`select current_database() as name`)) as unknown as {
        rows: { name: string }[];
      };
      const name = result.rows[0]!.name;
      const other = await openDatabase({ kind: "postgres", url: adminUrl(name), poolSize: 4 });
      second = other.db;
      closeSecond = () => other.close();
    }
    const mailers = [smtpMailer(smtp.url, FROM, { pool: 4 }), smtpMailer(smtp.url, FROM, { pool: 4 })];
    const workers = [
      startOutboxWorker(db(), [emailChannel(mailers[0]!)], now, { intervalMs: 20 }),
      startOutboxWorker(second, [emailChannel(mailers[1]!)], now, { intervalMs: 20 }),
    ];
    try {
      await until(() => smtp.received.length >= n, "every message", 60_000);
      await Promise.all(workers.map((w) => w.stop()));
      // Both took part, and each message was claimed once and received once.
      expect(workers[0]!.totals.delivered).toBeGreaterThan(0);
      expect(workers[1]!.totals.delivered).toBeGreaterThan(0);
      expect(workers[0]!.totals.delivered + workers[1]!.totals.delivered).toBe(n);
      expect(smtp.received).toHaveLength(n);
      expect(new Set(smtp.subjects()).size).toBe(n);
      const all = await rows();
      expect(all.every((r) => r.deliveredAt !== null && r.attempts === 1)).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      for (const m of mailers) m.close?.();
      await closeSecond();
      await smtp.close();
    }
  });

  it("delivers email while a slow channel's messages are stuck: each kind is claimed and run on its own", async () => {
    const smtp = await smtpServer();
    const mailer = smtpMailer(smtp.url, FROM);
    const release: (() => void)[] = [];
    // Stands in for the webhook channel: a receiver that does not answer until released.
    const slow: Channel = {
      kind: "webhook",
      concurrency: 2,
      deliver: () => new Promise<void>((resolve) => release.push(resolve)),
    };
    await db()
      .insert(outbox)
      .values(
        [1, 2, 3].map((i) => ({
          kind: "webhook",
          topic: "case.submitted",
          payload: { endpointId: 1, event: "case.submitted", i },
          createdAt: now(),
          availableAt: now(),
        })),
      );
    const worker = startOutboxWorker(db(), [slow, emailChannel(mailer)], now, { intervalMs: 20 });
    try {
      await until(() => release.length === 2, "two webhook deliveries in flight");
      await queue([mail("a@example.test", "not-held-up")]);
      worker.poke();
      await until(() => smtp.subjects().includes("not-held-up"), "the email");
      // The slow channel never had more than its concurrency in flight.
      expect(release).toHaveLength(2);
      for (const r of release.splice(0)) r();
      await until(() => release.length === 1, "the third webhook");
      release[0]!();
      await until(
        async () => (await rows()).every((r) => r.deliveredAt !== null),
        "every message to be recorded",
      );
    } finally {
      await worker.stop();
      await smtp.close();
    }
  });

  it("answers the pokes of a busy moment with one claim: five messages queued and poked one by one go out in one batch", async () => {
    const batches: number[] = [];
    const counting: Channel = {
      kind: "email",
      concurrency: 1,
      deliver: async () => {
        batches.push(1);
      },
      deliverMany: async (messages) => {
        batches.push(messages.length);
      },
    };
    // Only pokes wake it (the interval is longer than the test); their window is longer than the five arrivals.
    const worker = startOutboxWorker(db(), [counting], now, { intervalMs: 60_000, pokeDelayMs: 1_000 });
    try {
      // Its first look, at start-up, finds nothing; the messages come after it.
      await new Promise((r) => setTimeout(r, 300));
      for (const i of [1, 2, 3, 4, 5]) {
        await queue([mail(`p${i}@example.test`, `poke ${i}`)]);
        worker.poke();
        await new Promise((r) => setTimeout(r, 50)); // submissions arriving one after another
      }
      await until(() => batches.reduce((a, b) => a + b, 0) === 5, "five deliveries");
      expect(batches).toEqual([5]);
    } finally {
      await worker.stop();
    }
  });

  it("marks a malformed email dead at once, with the reason, instead of retrying it", async () => {
    const mailer = smtpMailer("smtp://127.0.0.1:9", FROM);
    await db()
      .insert(outbox)
      .values({ kind: "email", payload: { subject: "no recipient" }, createdAt: now(), availableAt: now() });
    expect(await deliverDue(db(), mailer, now)).toMatchObject({ failed: 1, dead: 1 });
    const [row] = await rows();
    expect(row!.deadAt).not.toBeNull();
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toBe("malformed email in the outbox (to, text)");
  });

  it("prunes delivered messages past the time they are kept, never those still queued or dead", async () => {
    const day = 24 * 3_600_000;
    const at = (daysAgo: number) => new Date(now().getTime() - daysAgo * day);
    const base = { kind: "email", createdAt: at(40), availableAt: at(40) };
    await db()
      .insert(outbox)
      .values([
        { ...base, payload: { subject: "old, delivered" }, deliveredAt: at(31) },
        { ...base, payload: { subject: "recent, delivered" }, deliveredAt: at(29) },
        { ...base, payload: { subject: "old, dead" }, deadAt: at(35) },
        { ...base, payload: { subject: "old, still queued" } },
      ]);
    // Batches of one: the loop goes on until nothing older is left.
    expect(await pruneDelivered(db(), at(30), 1)).toBe(1);
    expect((await rows()).map((r) => (r.payload as { subject: string }).subject)).toEqual([
      "recent, delivered",
      "old, dead",
      "old, still queued",
    ]);
  });
});

// ── The operators' page.

async function signIn(local: string) {
  const web = new WebClient(p.app);
  web.cookies.set("lang", "en");
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  if (res.statusCode !== 303) throw new Error(`could not log in as ${local}`);
  return web;
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");

describe("the operators' outbox page", () => {
  async function deadRows() {
    const at = new Date(now().getTime() - 3_600_000);
    const [endpoint] = await db()
      .insert(webhookEndpoints)
      .values({ url: "https://receiver.example.test/hook", secret: "s", events: ["case.submitted"] })
      .returning();
    const dead = { createdAt: at, availableAt: at, attempts: MAX_ATTEMPTS, deadAt: now() };
    const [email] = await db()
      .insert(outbox)
      .values({
        kind: "email",
        topic: "case_answer",
        payload: mail("refused@example.test", "x") as unknown as Record<string, unknown>,
        lastError:
          "Can't send mail - all recipients were rejected: 550 5.1.1 <refused@example.test>: no such mailbox here",
        ...dead,
      })
      .returning();
    const [hook] = await db()
      .insert(outbox)
      .values({
        kind: "webhook",
        topic: "case.submitted",
        payload: { endpointId: endpoint!.id, event: "case.submitted" },
        lastError: "HTTP 500",
        ...dead,
      })
      .returning();
    // A payload without a usable endpoint id still shows (with no recipient) rather than failing the page.
    await db()
      .insert(outbox)
      .values({
        kind: "webhook",
        topic: "case.submitted",
        payload: { endpointId: "x'; drop" },
        lastError: "gone",
        ...dead,
      });
    await queue([mail("waiting@example.test", "waiting")]);
    return { email: email!, hook: hook! };
  }

  it("shows the operator the counts per channel and the dead messages with recipient, attempts and reason", async () => {
    const { email } = await deadRows();
    const operator = await signIn("operator");
    const res = await operator.get("/ops/outbox");
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain("Outgoing messages");
    expect(res.body).toMatch(/<caption>Outgoing messages by channel<\/caption>/);
    // Email: 1 waiting and due; 1 dead. Webhooks: 2 dead.
    expect(res.body).toMatch(
      /<th scope="row">Email<\/th><td class="number">1<\/td><td class="number">1<\/td><td class="number">0<\/td><td class="number">0<\/td><td class="number">0<\/td><td class="number">1<\/td>/,
    );
    expect(res.body).toMatch(
      /<th scope="row">Webhooks<\/th>(<td class="number">0<\/td>){5}<td class="number">2<\/td>/,
    );
    expect(page).toContain(`#${email.id} Email case_answer refused@example.test ${MAX_ATTEMPTS}`);
    expect(page).toContain("550 5.1.1 <refused@example.test>: no such mailbox here");
    expect(page).toContain("https://receiver.example.test/hook");
    expect(page).toContain("Retry message #");
  });

  it("makes a dead message due again with its attempts reset, audited; a second retry says it is not dead", async () => {
    const { email } = await deadRows();
    const operator = await signIn("operator");
    const res = await operator.submit("/ops/outbox", {}, `/ops/outbox/${email.id}/retry`);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/ops/outbox?done=retried");
    const [row] = await db().select().from(outbox).where(eq(outbox.id, email.id));
    expect(row).toMatchObject({ deadAt: null, attempts: 0, lockedUntil: null, deliveredAt: null });
    expect(row!.availableAt).toEqual(now());
    const audits = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "outbox.retry"), eq(auditLog.subjectId, String(email.id))));
    expect(audits).toHaveLength(1);
    expect(text((await operator.get("/ops/outbox?done=retried")).body)).toContain(
      "The message is due again and will be delivered shortly.",
    );
    // It goes out like any other message now.
    const smtp = await smtpServer();
    try {
      expect(await deliverDue(db(), smtpMailer(smtp.url, FROM), now)).toMatchObject({ delivered: 2 });
      expect(smtp.received.map((m) => m.to[0])).toContain("refused@example.test");
    } finally {
      await smtp.close();
    }

    const again = await operator.postWithToken(`/ops/outbox/${email.id}/retry`, {}, "/ops/outbox");
    expect(again.headers.location).toBe("/ops/outbox?done=not_dead");
    expect(await operator.postWithToken("/ops/outbox/abc/retry", {}, "/ops/outbox")).toMatchObject({
      statusCode: 404,
    });
  });

  it("retries every dead message at once after an outage, audited with the count", async () => {
    await deadRows();
    const operator = await signIn("operator");
    expect(text((await operator.get("/ops/outbox")).body)).toContain("Retry every dead message (3)");
    const res = await operator.submit("/ops/outbox", {}, "/ops/outbox/retry-all");
    expect(res.headers.location).toBe("/ops/outbox?done=retried_all");
    const all = await rows();
    expect(all.filter((r) => r.deadAt !== null)).toEqual([]);
    expect(all.every((r) => r.attempts === 0 && r.availableAt.getTime() <= now().getTime())).toBe(true);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, "outbox.retry_all"));
    expect(audit!.data).toEqual({ count: 3 });
    expect(text((await operator.get("/ops/outbox")).body)).toContain("No message is dead.");
  });

  it("is not there for anyone else, and a retry without the form's token changes nothing", async () => {
    const { hook } = await deadRows();
    const visitor = new WebClient(p.app);
    const anonymous = await visitor.get("/ops/outbox");
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe("/login?next=%2Fops%2Foutbox");
    for (const local of ["admin.prishtine", "zyrtari.prishtine", "ministria"]) {
      const staff = await signIn(local);
      expect((await staff.get("/ops/outbox")).statusCode).toBe(404);
      const post = await staff.postWithToken(`/ops/outbox/${hook.id}/retry`, {}, "/account");
      expect(post.statusCode).toBe(404);
      expect((await staff.postWithToken("/ops/outbox/retry-all", {}, "/account")).statusCode).toBe(404);
    }
    const operator = await signIn("operator");
    expect((await operator.post(`/ops/outbox/${hook.id}/retry`, {})).statusCode).toBe(403);
    const [row] = await db().select().from(outbox).where(eq(outbox.id, hook.id));
    expect(row!.deadAt).not.toBeNull();
    expect(row!.attempts).toBe(MAX_ATTEMPTS);
    const retried = await db().select().from(auditLog).where(like(auditLog.action, "outbox.%"));
    expect(retried.filter((a) => a.subjectId === String(hook.id))).toEqual([]);
  });
});
