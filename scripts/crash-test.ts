// The crash test (issue 11, `npm run test:crash`): nothing a citizen was told was received may be lost.
// A load generator submits cases through POST /api/v1/cases, each with its own Idempotency-Key, retrying
// with the same key until it gets an answer, while the server (`ekomuna serve`, a child process) is
// killed with SIGKILL at random moments and restarted. Afterwards every acknowledged submission must exist
// with its title, its "submitted" event and its acknowledgement email in the outbox, and none twice.
// Then the same on the embedded database (PGlite), stopped cleanly (SIGTERM) between rounds: it runs
// without fsync, so it promises nothing for a kill or a power cut (docs/DEPLOYMENT.md).
//
//   TEST_DATABASE_URL=postgres://user@host:port/postgres node --import tsx scripts/crash-test.ts [options]
//
//   --kills N              PostgreSQL rounds: kills and restarts (20)
//   --embedded-restarts N  embedded rounds (3)
//   --embedded-signal S    SIGTERM (default) or SIGKILL, to see what a kill does to the embedded database
//   --uptime MIN-MAX       milliseconds the server runs before each stop, chosen at random (300-2000)
//   --workers N            concurrent submitters (8)
//   --only postgres|embedded
//   --port N               the server's port (3957)
//   --database NAME        the PostgreSQL database made (and dropped) for the run (ekomuna_crash_<pid>)
//   --data-dir DIR         the embedded database's directory (a new temporary one; removed afterwards)
//   --keep                 keep the database and the data directory
//
// Exit status 0 when nothing is lost, duplicated or refused in any phase; 1 otherwise.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import pg from "pg";
import { openDatabase } from "../src/db/client.ts";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const BIN = join(ROOT, "bin/ekomuna.js");

const { values: opts } = parseArgs({
  options: {
    kills: { type: "string", default: "20" },
    "embedded-restarts": { type: "string", default: "3" },
    "embedded-signal": { type: "string", default: "SIGTERM" },
    uptime: { type: "string", default: "300-2000" },
    workers: { type: "string", default: "8" },
    only: { type: "string" },
    port: { type: "string", default: "3957" },
    database: { type: "string", default: `ekomuna_crash_${process.pid}` },
    "data-dir": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const [minUptime, maxUptime] = opts.uptime.split("-").map(Number) as [number, number];
const PORT = Number(opts.port);
const BASE = `http://127.0.0.1:${PORT}`;
const logDir = mkdtempSync(join(tmpdir(), "ekomuna-crash-logs-"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ── The server as a child process.

class Server {
  private child: ChildProcess | undefined;
  private readonly log: WriteStream;
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    name: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`));
  }

  /** Starts `ekomuna serve` and resolves once /healthz answers 200. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [BIN, "serve"], {
      env: this.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.pipe(this.log, { end: false });
    child.stderr!.pipe(this.log, { end: false });
    this.child = child;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}); see ${logDir}`);
      try {
        if ((await fetch(`${BASE}/healthz`, { signal: AbortSignal.timeout(2_000) })).status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`the server did not become healthy in 3 minutes; see ${logDir}`);
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  }

  close() {
    this.log.end();
  }
}

// ── The load: submissions retried with their key until answered.

interface Submission {
  key: string;
  title: string;
  email: string;
  attempts: number;
  answer?: { status: number; trackingCode: string };
  refused?: string;
}

class Load {
  readonly submissions: Submission[] = [];
  private stopping = false;
  private giveUpAt = Number.POSITIVE_INFINITY;
  private running: Promise<void>[] = [];

  constructor(private readonly apiKey: string) {}

  start(workers: number) {
    this.running = Array.from({ length: workers }, () => this.worker());
  }

  /** No new submissions; those under way keep retrying (up to `graceMs`) until answered. */
  async finish(graceMs: number) {
    this.stopping = true;
    this.giveUpAt = Date.now() + graceMs;
    await Promise.all(this.running);
  }

  private async worker() {
    while (!this.stopping) {
      const n = this.submissions.length + 1;
      const key = randomUUID();
      const s: Submission = {
        key,
        title: `Crash test ${n} ${key.slice(0, 8)}`,
        email: `crash-${n}-${key.slice(0, 8)}@example.org`,
        attempts: 0,
      };
      this.submissions.push(s);
      await this.send(s);
    }
  }

  private async send(s: Submission) {
    const body = JSON.stringify({
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      title: s.title,
      description: "Submitted by the crash test while the server is being killed.",
      location: { latitude: 42.6629, longitude: 21.1655 },
      contact: { email: s.email },
      language: "en",
    });
    while (Date.now() < this.giveUpAt) {
      s.attempts++;
      try {
        const res = await fetch(`${BASE}/api/v1/cases`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${this.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": s.key,
          },
          body,
          signal: AbortSignal.timeout(15_000),
        });
        if (res.status === 200 || res.status === 201) {
          const answer = (await res.json()) as { trackingCode: string };
          s.answer = { status: res.status, trackingCode: answer.trackingCode };
          return;
        }
        // A refusal the client cannot cure by retrying is a failure of the test (or of the platform).
        if (res.status < 500 && res.status !== 429) {
          s.refused = `${res.status} ${await res.text()}`;
          return;
        }
        await res.body?.cancel();
      } catch {
        // The server went away mid-request: the same key again, once it is back.
      }
      await sleep(50 + Math.random() * 150);
    }
  }
}

// ── Checking what the database holds.

interface Tally {
  sent: number;
  acknowledged: number;
  replayed: number;
  found: number;
  duplicates: number;
  lost: number;
  incomplete: number;
  refused: number;
  unanswered: number;
  unansweredStored: number;
  attempts: number;
}

async function check(
  database: Awaited<ReturnType<typeof openDatabase>>,
  submissions: Submission[],
): Promise<Tally> {
  const rows = (
    (await database.db.execute(sql`
      select c.idempotency_key as key, c.title, c.tracking_code as code,
        (select count(*) from case_events e where e.case_id = c.id and e.type = 'submitted')::int as events,
        (select count(*) from outbox o where o.kind = 'email' and o.topic = 'case_acknowledged'
          and o.payload ->> 'to' = c.contact_email)::int as mails
      from cases c where c.channel = 'api' and c.title like 'Crash test %'`)) as unknown as {
      rows: { key: string; title: string; code: string; events: number; mails: number }[];
    }
  ).rows;
  // The stored key is scoped by client ("api:<client id>:<key>"); the client's own key is the last part.
  const byKey = new Map(rows.map((r) => [r.key.slice(r.key.lastIndexOf(":") + 1), r]));
  const byTitle = new Map<string, number>();
  for (const r of rows) byTitle.set(r.title, (byTitle.get(r.title) ?? 0) + 1);
  const t: Tally = {
    sent: submissions.length,
    acknowledged: 0,
    replayed: 0,
    found: 0,
    duplicates: 0,
    lost: 0,
    incomplete: 0,
    refused: 0,
    unanswered: 0,
    unansweredStored: 0,
    attempts: 0,
  };
  for (const s of submissions) {
    t.attempts += s.attempts;
    t.duplicates += Math.max(0, (byTitle.get(s.title) ?? 0) - 1);
    const stored = byKey.get(s.key);
    if (s.refused) {
      t.refused++;
      console.error(`  refused: ${s.title}: ${s.refused}`);
      continue;
    }
    if (!s.answer) {
      t.unanswered++;
      if (stored) t.unansweredStored++;
      continue;
    }
    t.acknowledged++;
    if (s.answer.status === 200) t.replayed++;
    if (!stored || stored.title !== s.title || stored.code !== s.answer.trackingCode) {
      t.lost++;
      console.error(`  LOST: ${s.title} (${s.answer.trackingCode})`);
    } else if (stored.events !== 1 || stored.mails !== 1) {
      t.incomplete++;
      console.error(
        `  INCOMPLETE: ${s.answer.trackingCode}: ${stored.events} events, ${stored.mails} emails`,
      );
    } else t.found++;
  }
  return t;
}

// ── A phase: start, stop at random moments, restart; then check.

async function phase(o: {
  name: string;
  env: NodeJS.ProcessEnv;
  rounds: number;
  signal: NodeJS.Signals;
  open: () => ReturnType<typeof openDatabase>;
}): Promise<boolean> {
  const started = Date.now();
  console.log(`\n${o.name}: ${o.rounds} × ${o.signal}, ${opts.workers} submitters`);
  const made = spawnSync(
    process.execPath,
    [BIN, "api-key", "create", "--name", "crash test", "--rate-limit", "9999999"],
    {
      env: o.env,
      encoding: "utf8",
    },
  );
  const apiKey = /API key \(shown once, keep it secret\): (\S+)/.exec(made.stdout)?.[1];
  if (!apiKey) throw new Error(`api-key create failed: ${made.stderr}${made.stdout}`);

  const server = new Server(o.env, o.name.replace(/\W+/g, "-").toLowerCase());
  await server.start();
  const load = new Load(apiKey);
  load.start(Number(opts.workers));
  let down = 0;
  for (let round = 1; round <= o.rounds; round++) {
    await sleep(minUptime + Math.random() * (maxUptime - minUptime));
    const at = Date.now();
    await server.stop(o.signal);
    await server.start();
    down += Date.now() - at;
    process.stdout.write(
      `  round ${round}/${o.rounds}: ${load.submissions.length} sent, back in ${seconds(Date.now() - at)}\n`,
    );
  }
  await sleep(maxUptime);
  await load.finish(60_000);
  // A clean stop at the end: the embedded database can be opened only once its server is gone.
  await server.stop("SIGTERM");
  server.close();

  const database = await o.open();
  let t: Tally;
  try {
    t = await check(database, load.submissions);
  } finally {
    await database.close();
  }
  const ok = t.lost === 0 && t.incomplete === 0 && t.duplicates === 0 && t.refused === 0;
  console.log(
    [
      `  sent ${t.sent}, acknowledged ${t.acknowledged} (${t.replayed} answered on a retry as already made)`,
      `  found ${t.found}, duplicates ${t.duplicates}, lost ${t.lost}, incomplete ${t.incomplete}, refused ${t.refused}`,
      `  unanswered ${t.unanswered} (stored anyway: ${t.unansweredStored}); ${t.attempts} requests in all`,
      `  ${o.rounds} stops, down ${seconds(down)} in all; phase took ${seconds(Date.now() - started)}: ${ok ? "PASS" : "FAIL"}`,
    ].join("\n"),
  );
  return ok;
}

async function postgresPhase(): Promise<boolean> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server)
    throw new Error("TEST_DATABASE_URL must name a PostgreSQL server (a role that may create databases)");
  const name = opts.database;
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("--database: lower-case letters, digits and _ only");
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    return await phase({
      name: "PostgreSQL, killed (SIGKILL)",
      env: { ...baseEnv(), DATABASE_URL: url.toString(), EKOMUNA_DATA_DIR: join(logDir, "unused") },
      rounds: Number(opts.kills),
      signal: "SIGKILL",
      open: () => openDatabase({ kind: "postgres", url: url.toString(), poolSize: 1 }),
    });
  } finally {
    if (!opts.keep) await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

async function embeddedPhase(): Promise<boolean> {
  const dataDir = opts["data-dir"] ?? join(mkdtempSync(join(tmpdir(), "ekomuna-crash-")), "data");
  const signal = opts["embedded-signal"] as NodeJS.Signals;
  try {
    return await phase({
      name: `Embedded database, ${signal === "SIGKILL" ? "killed" : "stopped cleanly"} (${signal})`,
      env: { ...baseEnv(), EKOMUNA_DATA_DIR: dataDir },
      rounds: Number(opts["embedded-restarts"]),
      signal,
      open: () => openDatabase({ kind: "pglite", dataDir }),
    });
  } finally {
    if (!opts.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

function baseEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, PORT: String(PORT), HOST: "127.0.0.1", LOG_LEVEL: "warn" };
}

const started = Date.now();
const results: boolean[] = [];
if (opts.only !== "embedded") results.push(await postgresPhase());
if (opts.only !== "postgres") results.push(await embeddedPhase());
const ok = results.every(Boolean);
console.log(`\n${ok ? "PASS" : "FAIL"} in ${seconds(Date.now() - started)}; server logs in ${logDir}`);
if (ok) rmSync(logDir, { recursive: true, force: true });
process.exit(ok ? 0 : 1);
