// How fast the outbox drains (issue 6): 10,000 queued emails delivered to a local SMTP server (the
// smtp-server package on loopback, in a process of its own, accepting everything), first by one worker,
// then by two; prints messages per second and drain time and writes bench/results/<timestamp>-outbox.json.
//
//   node --import tsx bench/outboxDrain.ts                                   (embedded PGlite, in memory)
//   BENCH_DATABASE_URL=postgres://…/ekomuna_outbox_bench node --import tsx bench/outboxDrain.ts
//
// On PostgreSQL every worker is a child process of its own (this file, started with --worker), as
// `ekomuna worker` processes would be; the embedded database belongs to one process, so there the two
// workers are two worker loops in this process, over its one connection. The benchmark database's outbox
// is emptied before each run: give it a database of its own. BENCH_OUTBOX_MESSAGES changes the count;
// BENCH_SMTP_DELAY_MS makes the SMTP server take that long to accept each message.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { type Database, openDatabase } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { outbox } from "../src/db/schema.ts";
import { emailChannel, smtpMailer } from "../src/notifications/mailer.ts";
import { noticeEmail } from "../src/notifications/notify.ts";
import { type OutboxWorker, startOutboxWorker } from "../src/notifications/worker.ts";
import { machine } from "./lib.ts";

const HERE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(HERE), "..");
const FROM = "E-Komuna <no-reply@ekomuna.bench>";
/** As `ekomuna serve` and `ekomuna worker` open them (src/main.ts). */
const SMTP_CONNECTIONS = 4;
const DRAIN_TIMEOUT_MS = 15 * 60_000;
/**
 * How long the SMTP server takes to accept each message (BENCH_SMTP_DELAY_MS, 0 by default): a distant
 * or busy mail server, where the time waiting for it, not the CPU, bounds what one worker delivers.
 */
const SMTP_DELAY_MS = Number(process.env.BENCH_SMTP_DELAY_MS ?? 0);

const open = async (url: string | undefined): Promise<Database> =>
  url
    ? openDatabase({ kind: "postgres", url, poolSize: 4 })
    : openDatabase({ kind: "pglite", dataDir: undefined });

const workerOf = (db: Database["db"], smtpUrl: string) => {
  const mailer = smtpMailer(smtpUrl, FROM, { pool: SMTP_CONNECTIONS });
  const worker = startOutboxWorker(db, [emailChannel(mailer)], () => new Date(), {
    log: (e) => console.error("worker:", e),
  });
  return { worker, close: () => mailer.close?.() };
};

// ── A worker process (PostgreSQL): ready once connected, starts on "go", stops on "stop" and reports.

async function workerProcess(url: string, smtpUrl: string) {
  const database = await open(url);
  const lines = createInterface({ input: process.stdin });
  let running: ReturnType<typeof workerOf> | undefined;
  process.stdout.write("ready\n");
  for await (const line of lines) {
    if (line === "go") running = workerOf(database.db, smtpUrl);
    if (line === "stop") break;
  }
  await running?.worker.stop();
  running?.close();
  process.stdout.write(`${JSON.stringify(running?.worker.totals ?? {})}\n`);
  await database.close();
}

// ── The benchmark.

/** A local SMTP server that accepts every message and remembers its subject. */
async function countingSmtpServer() {
  const subjects: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 500,
    onData(stream, _session, callback) {
      let head = "";
      stream.on("data", (c: Buffer) => {
        if (head.length < 4096) head += c.toString("latin1");
      });
      stream.on("end", () => {
        subjects.push(head.match(/^Subject: (.*)$/m)?.[1]?.trim() ?? "");
        if (SMTP_DELAY_MS > 0) setTimeout(callback, SMTP_DELAY_MS);
        else callback();
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as { port: number };
  return { port, subjects, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The SMTP server process (a mail server is another process): "count" answers what it received, "reset" forgets. */
async function smtpProcess() {
  const smtp = await countingSmtpServer();
  process.stdout.write(`${smtp.port}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === "count") {
      const received = smtp.subjects.length;
      process.stdout.write(
        `${JSON.stringify({ received, duplicates: received - new Set(smtp.subjects).size })}\n`,
      );
    }
    if (line === "reset") smtp.subjects.length = 0;
  }
  await smtp.close();
}

async function startSmtp() {
  const { child, lines } = spawnSelf("--smtp", {});
  const port = Number(await nextLine(lines, "it listened"));
  return {
    url: `smtp://127.0.0.1:${port}`,
    reset: () => child.stdin!.write("reset\n"),
    async count(): Promise<{ received: number; duplicates: number }> {
      child.stdin!.write("count\n");
      return JSON.parse(await nextLine(lines, "it counted"));
    },
    async close() {
      child.stdin!.end();
      if (child.exitCode === null) await once(child, "exit");
    },
    kill: () => child.exitCode === null && child.kill("SIGKILL"),
  };
}
type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** Empties the outbox and queues `n` notice emails (text, HTML, List-Unsubscribe), as notify writes them. */
async function queue(db: Database["db"], n: number) {
  await db.execute(sql`delete from outbox`);
  const now = new Date();
  const base = "https://ekomuna.bench";
  for (let start = 0; start < n; start += 1_000) {
    const rows = [];
    for (let i = start; i < Math.min(n, start + 1_000); i++) {
      const message = noticeEmail(
        `qytetari${i}@example.test`,
        "sq",
        "Lirije Shala",
        {
          subject: `bench-${i}`,
          lines: ["Statusi i rastit tuaj ndryshoi: në shqyrtim.", "Afati: 4 dhjetor 2026."],
        },
        `${base}/cases/PRI-2026-${String(i).padStart(6, "0")}`,
        `${base}/notifications/unsubscribe?t=e%3Aqytetari${i}%40example.test%7Ccase_status.signature`,
      );
      rows.push({
        kind: "email",
        topic: "case_status",
        payload: message as unknown as Record<string, unknown>,
        createdAt: now,
        availableAt: now,
      });
    }
    await db.insert(outbox).values(rows);
  }
}

async function pending(db: Database["db"]): Promise<number> {
  const result = (await db.execute(
    sql`select count(*)::integer as n from outbox where delivered_at is null and dead_at is null`,
  )) as unknown as { rows: { n: number }[] };
  return Number(result.rows[0]!.n);
}

interface Run {
  workers: number;
  processes: number;
  messages: number;
  drainSeconds: number;
  messagesPerSecond: number;
  received: number;
  duplicates: number;
  deliveredPerWorker: number[];
}

/** This file again in a child process, in another role (--worker, --smtp), read line by line. */
function spawnSelf(role: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", HERE, role], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>, what: string): Promise<string> {
  const next = await lines.next();
  if (next.done) throw new Error(`a worker process ended before ${what}`);
  return next.value;
}

async function drain(
  database: Database,
  url: string | undefined,
  smtp: Smtp,
  workers: number,
  n: number,
): Promise<Run> {
  await queue(database.db, n);
  smtp.reset();
  let started = 0;
  let deliveredPerWorker: number[];
  const waitDrained = async () => {
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while ((await pending(database.db)) > 0) {
      if (Date.now() > deadline) throw new Error("the outbox did not drain in time");
      await new Promise((r) => setTimeout(r, 50));
    }
    return performance.now();
  };
  let finished: number;
  if (url) {
    const procs = Array.from({ length: workers }, () =>
      spawnSelf("--worker", { BENCH_DATABASE_URL: url, BENCH_SMTP_URL: smtp.url }),
    );
    try {
      for (const p of procs) {
        const line = await nextLine(p.lines, "it was ready");
        if (line !== "ready") throw new Error(`unexpected line from a worker process: ${line}`);
      }
      started = performance.now();
      for (const p of procs) p.child.stdin!.write("go\n");
      finished = await waitDrained();
      for (const p of procs) p.child.stdin!.end("stop\n");
      deliveredPerWorker = [];
      for (const p of procs) {
        const totals = JSON.parse(await nextLine(p.lines, "it reported")) as { delivered?: number };
        deliveredPerWorker.push(totals.delivered ?? 0);
        if (p.child.exitCode === null) await once(p.child, "exit");
      }
    } finally {
      for (const p of procs) if (p.child.exitCode === null) p.child.kill("SIGKILL");
    }
  } else {
    started = performance.now();
    const running: { worker: OutboxWorker; close(): void }[] = Array.from({ length: workers }, () =>
      workerOf(database.db, smtp.url),
    );
    finished = await waitDrained();
    await Promise.all(running.map((r) => r.worker.stop()));
    for (const r of running) r.close();
    deliveredPerWorker = running.map((r) => r.worker.totals.delivered);
  }
  const drainSeconds = (finished - started) / 1000;
  const { received, duplicates } = await smtp.count();
  return {
    workers,
    processes: url ? workers : 1,
    messages: n,
    drainSeconds: Number(drainSeconds.toFixed(2)),
    messagesPerSecond: Math.round(n / drainSeconds),
    received,
    duplicates,
    deliveredPerWorker,
  };
}

async function main() {
  const n = Number(process.env.BENCH_OUTBOX_MESSAGES ?? 10_000);
  if (!Number.isInteger(n) || n < 1) throw new Error("BENCH_OUTBOX_MESSAGES must be a positive whole number");
  const url = process.env.BENCH_DATABASE_URL || undefined;
  const kind = url ? "postgres" : "pglite";
  const database = await open(url);
  const smtp = await startSmtp();
  const runs: Run[] = [];
  try {
    await migrate(database);
    for (const workers of [1, 2]) {
      const run = await drain(database, url, smtp, workers, n);
      runs.push(run);
      console.log(
        `${kind}, ${workers} worker${workers > 1 ? "s" : ""} (${run.processes} process${run.processes > 1 ? "es" : ""})` +
          `${SMTP_DELAY_MS > 0 ? `, SMTP server answering in ${SMTP_DELAY_MS} ms` : ""}: ` +
          `${run.messages} emails drained in ${run.drainSeconds} s, ${run.messagesPerSecond} messages/s; ` +
          `received ${run.received}, duplicates ${run.duplicates}, per worker ${run.deliveredPerWorker.join(" + ")}`,
      );
    }
    await database.db.execute(sql`delete from outbox`);
  } finally {
    await smtp.close().catch(smtp.kill);
    await database.close();
  }
  const date = new Date().toISOString();
  const results = path.join(ROOT, "bench", "results");
  mkdirSync(results, { recursive: true });
  const file = path.join(results, `${date.replace(/:/g, "-")}-outbox.json`);
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date,
        db: kind,
        ...machine(),
        loadAverage1m: os.loadavg()[0],
        smtpConnectionsPerWorker: SMTP_CONNECTIONS,
        smtpDelayMs: SMTP_DELAY_MS,
        note:
          kind === "pglite"
            ? "embedded database: both workers are loops in one process over one connection"
            : "each worker a child process with its own connection pool",
        runs,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`Written to ${path.relative(ROOT, file)}`);
}

if (process.argv.includes("--smtp")) {
  await smtpProcess();
} else if (process.argv.includes("--worker")) {
  await workerProcess(process.env.BENCH_DATABASE_URL!, process.env.BENCH_SMTP_URL!);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
