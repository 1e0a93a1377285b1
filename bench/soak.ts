// `npm run bench:soak` (issue 11): the app under a steady mix of what a deployment meets — public reads,
// submissions through the API, staff working cases (their inbox, then the acknowledge and answer forms
// with the forms' CSRF token) and statistics — for SOAK_MINUTES (10 by default) at SOAK_RATE operations a
// second. The generator is open-loop: operations start on a fixed schedule whether or not earlier ones
// have answered, as visitors do, and each latency counts from the moment its request was due, so a
// stalling app shows as latency instead of quietly slowing the load down (no coordinated omission).
//
// The app runs as a child process (on PostgreSQL with a separate `ekomuna worker`, as deployed; on the
// embedded database it does that work itself), with --trace-gc so that the live heap after each full
// collection can be read from its output. Every 10 s the app's memory (RSS from /proc) and CPU are sampled.
// Per minute: requests, errors, p50/p99, memory. The verdict: not a single error (any status other than
// the one the operation expects, any network error, any operation the generator could not start), and
// the last minute's p99 and RSS within TOLERANCE of the first minute's. Writes bench/results/<ts>-soak.json
// (also when the verdict fails: that is a finding), prints the tables, exits 1 unless the verdict passes.
// See docs/PERFORMANCE.md, "Session 9".
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import pg from "pg";
import { DEMO_EMAIL_DOMAIN, DEMO_PASSWORD } from "../src/demo/demoContent.ts";
import { loadProfile } from "../src/reference/profile.ts";
import { inboxRoute } from "./inbox.ts";
import type { Child, ProcMemory } from "./lib.ts";
import * as lib from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STARTUP_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 10_000;
const SAMPLE_EVERY_MS = 10_000;
/** In-flight operations beyond which the app is not keeping up: the next one counts as an error. */
const MAX_IN_FLIGHT = 200;

/**
 * How far the last minute may be above the first before the run is "not flat".
 *
 * p99 +50 %: a minute at 100 operations/s holds about 6,000 requests, so its p99 is the 60th slowest —
 * mostly the heavy routes (inbox, statistics, lists) — and on a shared 2-core VM it moved between 32 and
 * 59 ms from one minute to the next in quiet runs of session 9 with nothing changed in the app. A
 * degradation that matters (a table scan growing with the cases the soak adds, a queue that does not
 * drain) grows without bound and passes 50 % in a long run; that noise only rarely does — a failing p99
 * alone is worth a second run before it is read as a regression.
 *
 * RSS +25 %: after the warm-up V8 has sized its heap for the allocation rate; what remains is a leak or
 * a cache without a bound. But a minute's mean RSS moves with no trend at all: 370–465 MiB in the
 * first 10-minute run of session 9, on a busy machine where requests piled up (slope −1.5 MiB/min, live
 * heap flat at 75–78 MiB), 336–369 and 303–315 MiB in two quiet runs, as V8 grows and gives back its
 * semi-spaces and malloc keeps freed buffers. 25 % is just above the widest swing; on ~420 MiB
 * over 9 minutes at 100 operations/s it is about 2 KB kept per request — a leak of a request's body or
 * of a session a request still fails. The per-minute live heap (after full collections, from
 * --trace-gc) and the RSS slope are reported beside it for smaller leaks, which a longer run shows.
 */
export const TOLERANCE = { p99: 0.5, rss: 0.25 } as const;

// ── Settings

export interface SoakSettings {
  minutes: number;
  warmupSeconds: number;
  /** Operations started a second (a staff action is two requests: its page, then the form). */
  rate: number;
  cases: number;
  /** PostgreSQL when set; else a fresh embedded database in a temporary directory. */
  databaseUrl: string | undefined;
}

export function readSoakSettings(env: NodeJS.ProcessEnv = process.env): SoakSettings {
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`${name} must be a whole number >= ${min} (got "${raw}")`);
    return n;
  };
  const s: SoakSettings = {
    // Two minutes at least: the verdict compares the first minute with the last.
    minutes: int("SOAK_MINUTES", 10, 2),
    warmupSeconds: int("SOAK_WARMUP", 30, 0),
    rate: int("SOAK_RATE", 100, 1),
    // The case pages read in turn are the first 1,000 public ones of Prishtinë: 1/38 of the seeded cases.
    cases: int("BENCH_CASES", 100_000, 50_000),
    // Not DATABASE_URL: a shell's own database must not be filled with 100,000 made-up cases by mistake.
    databaseUrl: env.BENCH_DATABASE_URL || undefined,
  };
  // The staff forms are limited to 120 requests a minute per route and address (caseWorkRoutes.tsx);
  // the whole load comes from one address, so the rate must leave them under it.
  const staffPerMinute = (s.rate * STAFF_FORM_WEIGHT * 60) / TOTAL_WEIGHT;
  if (staffPerMinute > 100)
    throw new Error(
      `SOAK_RATE=${s.rate} would send ${Math.round(staffPerMinute)} staff form posts a minute per form, ` +
        `above the app's limit of 120 per address; use at most ${Math.floor((100 * TOTAL_WEIGHT) / (STAFF_FORM_WEIGHT * 60))}`,
    );
  return s;
}

// ── The mix: weights per 100 operations. Submissions go to Prizren, whose coordinator works them;
// Prishtinë's pages and lists are the ones read, and stay as seeded.

const WEIGHTS = {
  home: 12,
  municipality: 8,
  caseList: 12,
  casePage: 26,
  open311List: 6,
  apiGetCase: 6,
  statistics: 4,
  municipalityStatistics: 4,
  statisticsTable: 2,
  apiSubmit: 8,
  inboxCoordinator: 5,
  inboxOfficer: 5,
  staffAcknowledge: 1,
  staffAnswer: 1,
} as const;
type OpName = keyof typeof WEIGHTS;
const TOTAL_WEIGHT = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);
const STAFF_FORM_WEIGHT = WEIGHTS.staffAcknowledge;

const SUBMIT_TO = "prizren";
const STAFF = `koordinatori.${SUBMIT_TO}`;
const ANSWER =
  "Faleminderit për raportin. Ekipi i mirëmbajtjes do ta shqyrtojë vendin këtë javë dhe do t'ju njoftojë.";
const LIST_STATUSES = ["in_progress", "submitted", "resolved", "acknowledged"];

/**
 * Smooth weighted round-robin (as nginx balances upstreams): the operations interleave evenly and the
 * mix of any minute is the mix of the weights, with no randomness between runs.
 */
export function weightedTurns<T extends string>(weights: Record<T, number>): () => T {
  const names = Object.keys(weights) as T[];
  const total = names.reduce((sum, n) => sum + weights[n], 0);
  const current = new Map<T, number>(names.map((n) => [n, 0]));
  return () => {
    let best = names[0]!;
    for (const n of names) {
      current.set(n, current.get(n)! + weights[n]);
      if (current.get(n)! > current.get(best)!) best = n;
    }
    current.set(best, current.get(best)! - total);
    return best;
  };
}

// ── Recording

/** One window of the run (the warm-up, or a minute): every request that ended in it. */
class Window {
  latencies: number[] = [];
  errors = 0;
}

interface ErrorExample {
  atSeconds: number;
  request: string;
  problem: string;
  body?: string;
}

interface MemorySample {
  atSeconds: number;
  app: ProcMemory | undefined;
  worker: ProcMemory | undefined;
  /** CPU ms used so far: the app, its worker, the PostgreSQL processes of its database. */
  cpuMs: { app: number; worker: number; postgres: number };
  load1: number;
  /**
   * The longest the generator's own event loop was held up since the last sample, ms. When it is long
   * the machine was starving the generator too: the app's latency of that moment is the machine's.
   */
  generatorLagMs: number;
  /** PostgreSQL only: messages waiting in the outbox, and those given up on (filled in when read). */
  outbox?: { pending: number; dead: number };
}

interface GcEvent {
  atSeconds: number;
  /** The heap in use after the collection, MiB (V8's own figure). */
  heapAfterMiB: number;
  full: boolean;
}

class Recorder {
  readonly windows = new Map<number, Window>();
  readonly byRoute = new Map<
    string,
    { latencies: number[]; errors: number; statuses: Record<string, number>; byMinute: number[][] }
  >();
  readonly examples: ErrorExample[] = [];
  /**
   * Second by second (from the start of the warm-up): requests ended, errors, the slowest. A stall shows
   * here as a few seconds of nothing followed by a burst, which a minute's percentiles smooth away.
   */
  readonly perSecond: { ended: number; errors: number; maxMs: number }[] = [];
  errorsTotal = 0;
  measureStart = 0;
  warmupMs = 0;

  /** The window a moment belongs to: -1 for the warm-up, then minute 0, 1, … */
  windowOf(at: number): number {
    return at < this.measureStart ? -1 : Math.floor((at - this.measureStart) / 60_000);
  }

  seconds(at: number): number {
    return Math.round((at - this.measureStart) / 100) / 10;
  }

  record(route: string, at: number, ms: number, status: string, ok: boolean): void {
    const index = this.windowOf(at);
    const w = this.windows.get(index) ?? new Window();
    this.windows.set(index, w);
    if (ok) w.latencies.push(ms);
    else w.errors++;
    const second = Math.max(0, Math.floor((at - this.measureStart + this.warmupMs) / 1000));
    while (this.perSecond.length <= second) this.perSecond.push({ ended: 0, errors: 0, maxMs: 0 });
    const sec = this.perSecond[second]!;
    sec.ended++;
    if (!ok) sec.errors++;
    sec.maxMs = Math.max(sec.maxMs, Math.round(ms));
    // Per route over the measured minutes only (the warm-up's first requests fill caches).
    if (index < 0 && ok) return;
    const r = this.byRoute.get(route) ?? { latencies: [], errors: 0, statuses: {}, byMinute: [] };
    this.byRoute.set(route, r);
    r.statuses[status] = (r.statuses[status] ?? 0) + 1;
    if (ok) {
      r.latencies.push(ms);
      // Which route a change of the whole mix's p99 comes from.
      while (r.byMinute.length <= index) r.byMinute.push([]);
      r.byMinute[index]!.push(ms);
    } else r.errors++;
  }

  error(route: string, at: number, ms: number, status: string, problem: string, body?: string): void {
    this.errorsTotal++;
    this.record(route, at, ms, status, false);
    if (this.examples.length < 20)
      this.examples.push({
        atSeconds: this.seconds(at),
        request: route,
        problem,
        ...(body ? { body: body.slice(0, 300) } : {}),
      });
  }
}

// ── HTTP: keep-alive connections, as browsers and API clients hold them.

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function decoded(a: Answer): string {
  const encoding = a.headers["content-encoding"];
  const raw =
    encoding === "br"
      ? zlib.brotliDecompressSync(a.body)
      : encoding === "gzip"
        ? zlib.gunzipSync(a.body)
        : encoding === "deflate"
          ? zlib.inflateSync(a.body)
          : a.body;
  return raw.toString("utf8");
}

function client(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const send = (method: "GET" | "POST", p: string, headers: Record<string, string>, body?: string) =>
    new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        { host: lib.HOST, port, method, path: p, headers, agent, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** A browser's cookie jar for one signed-in person: what the app sets is sent back. */
class Jar {
  private readonly cookies = new Map<string, string>();
  constructor(header: string) {
    for (const pair of header.split("; ")) this.set(pair);
  }
  private set(pair: string) {
    const at = pair.indexOf("=");
    if (at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  keep(headers: http.IncomingHttpHeaders) {
    for (const line of headers["set-cookie"] ?? []) this.set(line.split(";")[0]!);
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

// ── Processes and cleanup (on success, failure and Ctrl-C)

let stopGenerator = () => {};
const { children, tempDirs, cleanup } = lib.cleanupOnExit(() => stopGenerator());

// "[pid:isolate] 1234 ms: Mark-Compact 81.2 (90.1) -> 70.3 (91.0) MB, …": the heap after a collection.
const GC_LINE =
  /^\[\d+:(0x[0-9a-f]+)\]\s+[\d.]+ ms: (Scavenge|Mark-Compact|Mark-sweep)[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

async function startApp(
  s: SoakSettings,
  env: Record<string, string>,
  gc: (e: Omit<GcEvent, "atSeconds">) => void,
) {
  const port = await lib.freePort();
  const args = ["--trace-gc", path.join(ROOT, "bin/ekomuna.js"), "serve", "--demo"];
  // On PostgreSQL the outbox, the deadline checks and the audit sealer run in a worker of their own.
  if (s.databaseUrl) args.push("--no-worker");
  const app = lib.startNode("ekomuna serve", args, { ...env, PORT: String(port) }, GC_LINE);
  children.add(app);
  // Worker threads have isolates (and GC lines) of their own: the main one is the first to collect.
  let main: string | undefined;
  let partial = "";
  app.proc.stdout?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      const m = GC_LINE.exec(line);
      if (!m) continue;
      main ??= m[1];
      if (m[1] === main) gc({ heapAfterMiB: Number(m[3]), full: m[2] !== "Scavenge" });
    }
  });
  const base = `http://${lib.HOST}:${port}`;
  const startupMs = await lib.waitUntilOk(app, `${base}/healthz`, STARTUP_TIMEOUT_MS);
  let worker: Child | undefined;
  if (s.databaseUrl) {
    worker = lib.startNode("ekomuna worker", [path.join(ROOT, "bin/ekomuna.js"), "worker"], {
      ...env,
      EKOMUNA_DEMO: "1", // its mail goes to the development mailbox, as the demo server's does
    });
    children.add(worker);
    const started = Date.now();
    while (!worker.tail.some((l) => l.includes("worker running"))) {
      if (worker.proc.exitCode !== null || Date.now() - started > 60_000)
        throw new Error(`the worker did not start. Its last output:\n${worker.tail.join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return { app, worker, port, base, startupMs };
}

const alive = (c: Child | undefined) => !c || (c.proc.exitCode === null && c.proc.signalCode === null);

// ── The run

interface MinuteRow {
  minute: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  rssMiB: number;
  rssAnonMiB: number;
  heapAfterGcMiB: number | null;
  heapAfterFullGcMiB: number | null;
  workerRssMiB: number | null;
  appCpuPercent: number;
  workerCpuPercent: number;
  postgresCpuPercent: number;
  load1: number;
  outboxPending: number | null;
  generatorLagMs: number;
}

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Least-squares slope of y over x (per unit of x); 0 for fewer than two points. */
export function slope(points: readonly [number, number][]): number {
  if (points.length < 2) return 0;
  const mx = mean(points.map((p) => p[0]));
  const my = mean(points.map((p) => p[1]));
  const num = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const den = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** The verdict: no error, and the last minute's p99 and RSS within TOLERANCE of the first minute's. */
export function verdictOf(rows: readonly MinuteRow[], errors: number) {
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const p99Limit = Math.round(first.p99 * (1 + TOLERANCE.p99) * 10) / 10;
  const rssLimit = Math.round(first.rssMiB * (1 + TOLERANCE.rss) * 10) / 10;
  const checks = {
    noErrors: errors === 0,
    p99Flat: last.p99 <= p99Limit,
    rssFlat: last.rssMiB <= rssLimit,
  };
  return {
    pass: checks.noErrors && checks.p99Flat && checks.rssFlat,
    ...checks,
    errors,
    p99: { firstMinute: first.p99, lastMinute: last.p99, limit: p99Limit },
    rssMiB: { firstMinute: first.rssMiB, lastMinute: last.rssMiB, limit: rssLimit },
  };
}

async function main(): Promise<number> {
  const s = readSoakSettings();
  const started = new Date();
  const loadAtStart = os.loadavg();
  if (loadAtStart[0]! > 1.5)
    console.warn(
      `warning: 1-minute load average is ${loadAtStart[0]!.toFixed(1)} before start: expect noisy figures`,
    );
  const dbName = s.databaseUrl ? "postgres" : "pglite";
  let env: Record<string, string>;
  if (s.databaseUrl) env = { DATABASE_URL: s.databaseUrl };
  else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ekomuna-soak-"));
    tempDirs.add(dir);
    // DATABASE_URL blanked so that one inherited from the shell cannot redirect the run.
    env = { EKOMUNA_DATA_DIR: dir, DATABASE_URL: "" };
  }
  env = { ...env, HOST: lib.HOST, LOG_LEVEL: "warn" };

  // The database: seeded to BENCH_CASES (only what is missing), statistics rebuilt when cases were added
  // so that the app does not catch up on them in the background while it is measured.
  let t = Date.now();
  console.log(`${dbName}: seeding up to ${s.cases} cases (only what is missing) ...`);
  const seedOut = await lib.runScript(
    "seed cases",
    ["--import", "tsx", path.join(ROOT, "bench/seedCases.ts")],
    { ...env, BENCH_CASES: String(s.cases) },
    60 * 60_000,
    children,
  );
  const seedMs = Date.now() - t;
  const added = /^\s+\d+ cases \(/m.test(seedOut);
  let statsRebuildMs = 0;
  if (added) {
    t = Date.now();
    await lib.runScript(
      "stats rebuild",
      [path.join(ROOT, "bin/ekomuna.js"), "stats", "rebuild"],
      env,
      30 * 60_000,
      children,
    );
    statsRebuildMs = Date.now() - t;
  }
  console.log(
    `seeding took ${(seedMs / 1000).toFixed(0)} s${added ? `, statistics rebuilt in ${(statsRebuildMs / 1000).toFixed(0)} s` : " (nothing to add)"}`,
  );
  const key = await lib.createApiKey(ROOT, env, children);

  const gcEvents: GcEvent[] = [];
  const rec = new Recorder();
  // Collections count from the start of the warm-up (those of start-up and preparation are not the soak's).
  const { app, worker, port, base, startupMs } = await startApp(s, env, (e) => {
    if (rec.measureStart > 0) gcEvents.push({ atSeconds: rec.seconds(performance.now()), ...e });
  });
  const appPid = app.proc.pid ?? 0;
  const workerPid = worker?.proc.pid ?? 0;
  console.log(
    `app answered /healthz after ${(startupMs / 1000).toFixed(1)} s${worker ? "; worker running" : ""}`,
  );

  // What the operations need once the app runs: the case pages, three signed-in members of staff.
  const casePaths = await lib.publicCasePaths(base);
  const inboxes = {
    inboxCoordinator: await inboxRoute("inbox").prepare!(base),
    inboxOfficer: await inboxRoute("inbox-officer").prepare!(base),
  };
  const staff = new Jar(await lib.signIn(base, `${STAFF}@${DEMO_EMAIL_DOMAIN}`, DEMO_PASSWORD));
  const memoryAfterStartup = lib.procMemory(appPid);
  const slugs = [...loadProfile().seats.keys()];
  const seat = loadProfile().seats.get(SUBMIT_TO)!;
  const submission = lib.caseSubmission(SUBMIT_TO, { latitude: seat.latitude, longitude: seat.longitude });

  const http1 = client(port);
  const browser = { "accept-encoding": "gzip, deflate, br", "accept-language": "sq" };
  const apiHeaders = { authorization: `Bearer ${key}`, "accept-language": "sq" };
  const toAcknowledge: string[] = [];
  const toAnswer: string[] = [];
  const counts = { created: 0, acknowledged: 0, answered: 0, staffIdle: 0, backlog: 0 };
  // Each operation walks its own list (municipalities, case pages) in turn: every one is read.
  const turns = new Map<string, number>();
  const nth = <T>(op: string, xs: readonly T[], every = 1) => {
    const n = turns.get(op) ?? 0;
    turns.set(op, n + 1);
    return xs[Math.floor(n / every) % xs.length]!;
  };

  /**
   * One request, timed from `due` (when the schedule wanted it sent); anything but `expect` is an
   * error. Answers the response when it was the expected one.
   */
  async function timed(
    route: string,
    due: number,
    expect: number,
    method: "GET" | "POST",
    p: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Answer | undefined> {
    try {
      const a = await http1.send(method, p, headers, body);
      const end = performance.now();
      if (a.status === expect) {
        rec.record(route, end, end - due, String(a.status), true);
        return a;
      }
      let text = "";
      try {
        text = decoded(a);
      } catch {
        // an undecodable body is shown as nothing
      }
      rec.error(route, end, end - due, String(a.status), `${method} ${p} answered HTTP ${a.status}`, text);
    } catch (e) {
      const end = performance.now();
      rec.error(route, end, end - due, "network", `${method} ${p}: ${(e as Error).message}`);
    }
    return undefined;
  }

  /** A member of staff opens a case of the queue and sends one form (acknowledge, or answer). */
  async function staffAction(form: "acknowledge" | "answer", due: number) {
    const code = (form === "acknowledge" ? toAcknowledge : toAnswer).shift();
    if (!code) {
      counts.staffIdle++;
      return;
    }
    const page = `/m/${SUBMIT_TO}/workspace/cases/${code}`;
    const opened = await timed("staff: case work page", due, 200, "GET", page, {
      ...browser,
      cookie: staff.header(),
    });
    if (!opened) return;
    staff.keep(opened.headers);
    const html = decoded(opened);
    const csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
    const version = html.match(/name="version" value="(\d+)"/)?.[1];
    if (!csrf || !version) {
      const now = performance.now();
      rec.error(`staff: ${form}`, now, 0, "form", `${page} has no ${form} form (CSRF token and version)`);
      return;
    }
    const fields: Record<string, string> = { _csrf: csrf, version };
    if (form === "answer") fields.answer_message = ANSWER;
    const sent = await timed(
      `staff: ${form}`,
      performance.now(),
      303,
      "POST",
      `${page}/${form}`,
      { ...browser, cookie: staff.header(), "content-type": "application/x-www-form-urlencoded" },
      new URLSearchParams(fields).toString(),
    );
    if (!sent) return;
    staff.keep(sent.headers);
    if (form === "acknowledge") {
      counts.acknowledged++;
      toAnswer.push(code);
    } else counts.answered++;
  }

  async function submit(due: number) {
    const a = await timed(
      "POST /api/v1/cases",
      due,
      201,
      "POST",
      "/api/v1/cases",
      { ...apiHeaders, "content-type": "application/json", "idempotency-key": randomUUID() },
      submission,
    );
    if (!a) return;
    counts.created++;
    const code = (JSON.parse(a.body.toString("utf8")) as { trackingCode: string }).trackingCode;
    toAcknowledge.push(code);
    // A bounded queue: the generator must not be what grows.
    if (toAcknowledge.length > 2_000) toAcknowledge.shift();
  }

  const get = (route: string, due: number, p: string, headers: Record<string, string> = browser) =>
    timed(route, due, 200, "GET", p, headers);

  const OPS: Record<OpName, (due: number) => Promise<unknown>> = {
    home: (due) => get("/", due, "/"),
    municipality: (due) => get("/m/:slug", due, `/m/${nth("municipality", slugs)}`),
    caseList: (due) =>
      get(
        "/cases?municipality&status",
        due,
        `/cases?municipality=${nth("list", slugs)}&status=${nth("status", LIST_STATUSES, slugs.length)}`,
      ),
    casePage: (due) => get("/cases/:code", due, nth("casePage", casePaths)),
    open311List: (due) =>
      get(
        "Open311 requests.json",
        due,
        `/open311/v2/requests.json?jurisdiction_id=${nth("open311", slugs)}`,
        {
          ...apiHeaders,
          "accept-encoding": "gzip",
        },
      ),
    apiGetCase: (due) =>
      get("GET /api/v1/cases/:code", due, `/api/v1${nth("apiGet", casePaths)}`, {
        ...apiHeaders,
        "accept-encoding": "gzip",
      }),
    statistics: (due) => get("/statistics", due, "/statistics"),
    municipalityStatistics: (due) =>
      get("/m/:slug/statistics", due, `/m/${nth("statistics", slugs)}/statistics`),
    statisticsTable: (due) => get("/statistics/municipalities", due, "/statistics/municipalities"),
    apiSubmit: submit,
    inboxCoordinator: (due) =>
      get("inbox: 3 filters + sort (coordinator)", due, inboxes.inboxCoordinator.path!, {
        ...browser,
        ...inboxes.inboxCoordinator.headers,
      }),
    inboxOfficer: (due) =>
      get("inbox: officer's default view", due, inboxes.inboxOfficer.path!, {
        ...browser,
        ...inboxes.inboxOfficer.headers,
      }),
    staffAcknowledge: (due) => staffAction("acknowledge", due),
    staffAnswer: (due) => staffAction("answer", due),
  };

  // ── Sampling: every 10 s from the start of the warm-up, on the same clock as the minutes.
  const samples: MemorySample[] = [];
  const database = lib.databaseOf(s.databaseUrl);
  const pgCpu = lib.cpuMeter(appPid, database);
  // The outbox is the queue a soak must see drain: notifications of every submission and staff action.
  const outboxDb = s.databaseUrl ? new pg.Client({ connectionString: s.databaseUrl }) : undefined;
  await outboxDb?.connect();
  const outboxCount = async (into: MemorySample) => {
    const { rows } = await outboxDb!.query<{ pending: number; dead: number }>(
      `select (count(*) filter (where delivered_at is null and dead_at is null))::int as pending,
              (count(*) filter (where dead_at is not null))::int as dead from outbox`,
    );
    into.outbox = rows[0]!;
  };
  const outboxReads = new Set<Promise<void>>();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const sample = () => {
    const taken: MemorySample = {
      atSeconds: rec.seconds(performance.now()),
      app: lib.procMemory(appPid),
      worker: workerPid ? lib.procMemory(workerPid) : undefined,
      cpuMs: {
        app: lib.procCpuMs(appPid),
        worker: workerPid ? lib.procCpuMs(workerPid) : 0,
        postgres: pgCpu().postgres,
      },
      load1: os.loadavg()[0]!,
      generatorLagMs: Math.round(lag.max / 1e6),
    };
    lag.reset();
    samples.push(taken);
    if (outboxDb) {
      const read = outboxCount(taken).finally(() => outboxReads.delete(read));
      outboxReads.add(read);
    }
  };

  // ── The open-loop generator.
  const next = weightedTurns(WEIGHTS);
  const interval = 1000 / s.rate;
  const warmupMs = s.warmupSeconds * 1000;
  const t0 = performance.now();
  rec.measureStart = t0 + warmupMs;
  rec.warmupMs = warmupMs;
  const endAt = rec.measureStart + s.minutes * 60_000;
  let inFlight = 0;
  let due = t0;
  let timer: NodeJS.Timeout | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let stopped = false;
  stopGenerator = () => {
    stopped = true;
    clearTimeout(timer);
    clearTimeout(sampler);
  };
  const pending = new Set<Promise<unknown>>();
  const pump = () => {
    const now = performance.now();
    while (!stopped && due <= now && due < endAt) {
      const name = next();
      if (inFlight >= MAX_IN_FLIGHT) {
        counts.backlog++;
        rec.error(
          "(not started: the app was behind)",
          now,
          now - due,
          "backlog",
          `${name}: ${MAX_IN_FLIGHT} operations still in flight, not started`,
        );
      } else {
        inFlight++;
        const op = OPS[name](due).finally(() => {
          inFlight--;
          pending.delete(op);
        });
        pending.add(op);
      }
      due += interval;
    }
    if (!stopped && due < endAt) timer = setTimeout(pump, Math.max(0, due - performance.now()));
  };
  let k = -Math.floor(warmupMs / SAMPLE_EVERY_MS);
  const sampleLoop = () => {
    sample();
    k++;
    const at = rec.measureStart + k * SAMPLE_EVERY_MS;
    if (!stopped && at <= endAt) sampler = setTimeout(sampleLoop, Math.max(0, at - performance.now()));
  };
  const minuteLog = setInterval(() => {
    const m = rec.windowOf(performance.now()) - 1;
    const w = rec.windows.get(m);
    if (m >= 0 && w)
      console.log(
        `minute ${m + 1}: ${w.latencies.length + w.errors} requests, ${w.errors} errors, ` +
          `p99 ${lib.percentile(w.latencies, 99)} ms, app RSS ${mib(samples.at(-1)?.app?.rss ?? 0)} MiB, ` +
          `load ${os.loadavg()[0]!.toFixed(2)}`,
      );
  }, 60_000);
  // The minute log fires a little after each minute's end.
  minuteLog.unref();
  console.log(
    `soak: ${s.rate} operations/s for ${s.minutes} min after ${s.warmupSeconds} s of warm-up, on ${dbName} ` +
      `(${s.cases} cases), load average ${loadAtStart[0]!.toFixed(2)}`,
  );
  // Align the first sample with a 10-second mark of the measured clock.
  sampler = setTimeout(sampleLoop, Math.max(0, rec.measureStart + k * SAMPLE_EVERY_MS - t0));
  pump();
  await new Promise((r) => setTimeout(r, Math.max(0, endAt - performance.now())));
  while (due < endAt && !stopped) await new Promise((r) => setTimeout(r, 50));
  // The last operations answer (or time out) before the figures are read.
  await Promise.race([
    Promise.allSettled([...pending]),
    new Promise((r) => setTimeout(r, REQUEST_TIMEOUT_MS * 2)),
  ]);
  stopGenerator();
  clearInterval(minuteLog);
  if (samples.at(-1)!.atSeconds < s.minutes * 60) sample();
  await Promise.all([...outboxReads]);
  await outboxDb?.end();
  http1.close();
  const crashed = [app, worker].filter((c) => !alive(c)).map((c) => c!.name);

  // ── Figures per minute.
  const rows: MinuteRow[] = [];
  const at = (second: number) => samples.find((x) => Math.abs(x.atSeconds - second) < 5);
  for (let m = 0; m < s.minutes; m++) {
    const w = rec.windows.get(m) ?? new Window();
    const inMinute = samples.filter((x) => x.atSeconds > m * 60 && x.atSeconds <= (m + 1) * 60 + 5);
    const [from, to] = [at(m * 60), at((m + 1) * 60)];
    const cpu = (k: keyof MemorySample["cpuMs"]) =>
      from && to
        ? Math.round(((to.cpuMs[k] - from.cpuMs[k]) / ((to.atSeconds - from.atSeconds) * 1000)) * 1000) / 10
        : 0;
    const gcs = gcEvents.filter((g) => g.atSeconds >= m * 60 && g.atSeconds < (m + 1) * 60);
    const full = gcs.filter((g) => g.full);
    rows.push({
      minute: m + 1,
      requests: w.latencies.length + w.errors,
      errors: w.errors,
      p50: lib.percentile(w.latencies, 50),
      p99: lib.percentile(w.latencies, 99),
      rssMiB: mib(mean(inMinute.map((x) => x.app?.rss ?? 0))),
      rssAnonMiB: mib(mean(inMinute.map((x) => x.app?.rssAnon ?? 0))),
      heapAfterGcMiB: gcs.at(-1)?.heapAfterMiB ?? null,
      heapAfterFullGcMiB:
        full.length > 0 ? Math.round(mean(full.map((g) => g.heapAfterMiB)) * 10) / 10 : null,
      workerRssMiB: worker ? mib(mean(inMinute.map((x) => x.worker?.rss ?? 0))) : null,
      appCpuPercent: cpu("app"),
      workerCpuPercent: cpu("worker"),
      postgresCpuPercent: cpu("postgres"),
      load1: Math.round((to?.load1 ?? os.loadavg()[0]!) * 100) / 100,
      outboxPending: to?.outbox?.pending ?? null,
      generatorLagMs: Math.max(0, ...inMinute.map((x) => x.generatorLagMs)),
    });
  }
  const warm = rec.windows.get(-1) ?? new Window();
  const routes = [...rec.byRoute]
    .map(([route, r]) => ({
      route,
      requests: r.latencies.length + r.errors,
      errors: r.errors,
      p50: lib.percentile(r.latencies, 50),
      p99: lib.percentile(r.latencies, 99),
      statuses: r.statuses,
      p50ByMinute: r.byMinute.map((xs) => lib.percentile(xs, 50)),
      p99ByMinute: r.byMinute.map((xs) => lib.percentile(xs, 99)),
    }))
    .sort((a, b) => b.requests - a.requests);
  const fullGcs = gcEvents.filter((g) => g.full && g.atSeconds >= 0);
  const trends = {
    rssMiBPerMinute: Math.round(slope(rows.map((r) => [r.minute, r.rssMiB])) * 100) / 100,
    heapAfterFullGcMiBPerMinute:
      fullGcs.length >= 3
        ? Math.round(slope(fullGcs.map((g) => [g.atSeconds / 60, g.heapAfterMiB])) * 100) / 100
        : null,
    p99MsPerMinute: Math.round(slope(rows.map((r) => [r.minute, r.p99])) * 100) / 100,
  };
  // Messages the worker gave up on during the run are lost notifications: errors too.
  const deadLetters = (samples.at(-1)?.outbox?.dead ?? 0) - (samples[0]?.outbox?.dead ?? 0);
  const errors = rec.errorsTotal + crashed.length + deadLetters;
  const verdict = { ...verdictOf(rows, errors), crashed, deadLetters };

  printTables(rows, routes, warm);
  const v = verdict;
  console.log(
    `verdict: ${v.pass ? "PASS" : "FAIL"} — errors ${v.errors} (warm-up included)${crashed.length ? `, exited: ${crashed.join(", ")}` : ""}; ` +
      `p99 ${v.p99.firstMinute} → ${v.p99.lastMinute} ms (limit ${v.p99.limit}); ` +
      `RSS ${v.rssMiB.firstMinute} → ${v.rssMiB.lastMinute} MiB (limit ${v.rssMiB.limit}); ` +
      `trend ${trends.rssMiBPerMinute} MiB/min RSS, ${trends.heapAfterFullGcMiBPerMinute ?? "?"} MiB/min live heap`,
  );
  if (rec.examples.length > 0)
    console.log("first errors:", JSON.stringify(rec.examples.slice(0, 5), null, 2));

  const file = path.join(ROOT, "bench/results", `${started.toISOString().replaceAll(":", "-")}-soak.json`);
  const result = {
    date: started.toISOString(),
    kind: "soak",
    db: dbName,
    ...lib.machine(),
    loadAverage1m: { start: loadAtStart[0], end: os.loadavg()[0] },
    commit: lib.gitCommit(ROOT),
    command: "npm run bench:soak",
    settings: {
      ...s,
      databaseUrl: s.databaseUrl ? "(set)" : undefined,
      weights: WEIGHTS,
      maxInFlight: MAX_IN_FLIGHT,
    },
    tolerance: TOLERANCE,
    seedCasesMs: seedMs,
    statsRebuildMs,
    appStartupMs: startupMs,
    memoryAfterStartup,
    operations: { ...counts, queuedUnacknowledged: toAcknowledge.length },
    warmup: {
      requests: warm.latencies.length + warm.errors,
      errors: warm.errors,
      p99: lib.percentile(warm.latencies, 99),
    },
    minutes: rows,
    routes,
    trends,
    verdict,
    errorExamples: rec.examples,
    samples,
    fullGcs,
    perSecond: rec.perSecond,
  };
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(ROOT, file)}`);
  return verdict.pass ? 0 : 1;
}

function printTables(
  rows: MinuteRow[],
  routes: { route: string; requests: number; errors: number; p50: number; p99: number }[],
  warm: Window,
) {
  const print = (table: (string | number | null)[][]) => {
    const cells = table.map((r) => r.map((c) => (c === null ? "–" : String(c))));
    const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
    for (const r of cells)
      console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  "));
    console.log("");
  };
  console.log(
    `\nwarm-up: ${warm.latencies.length + warm.errors} requests, ${warm.errors} errors, p99 ${lib.percentile(warm.latencies, 99)} ms\n`,
  );
  print([
    [
      "minute",
      "requests",
      "errors",
      "p50 ms",
      "p99 ms",
      "RSS MiB",
      "anon MiB",
      "heap MiB",
      "full-GC heap",
      "worker MiB",
      "app CPU %",
      "worker CPU %",
      "PG CPU %",
      "outbox",
      "gen. lag ms",
      "load",
    ],
    ...rows.map((r) => [
      r.minute,
      r.requests,
      r.errors,
      r.p50,
      r.p99,
      r.rssMiB,
      r.rssAnonMiB,
      r.heapAfterGcMiB,
      r.heapAfterFullGcMiB,
      r.workerRssMiB,
      r.appCpuPercent,
      r.workerRssMiB === null ? null : r.workerCpuPercent,
      r.postgresCpuPercent,
      r.outboxPending,
      r.generatorLagMs,
      r.load1,
    ]),
  ]);
  print([
    ["route", "requests", "errors", "p50 ms", "p99 ms"],
    ...routes.map((r) => [r.route, r.requests, r.errors, r.p50, r.p99]),
  ]);
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`soak failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
