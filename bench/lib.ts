// Building blocks for bench/run.ts: child processes on loopback ports, readiness polling, a clean stop,
// and a thin autocannon wrapper. Everything here is bounded in time.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import autocannon, { type Instance } from "autocannon";
import { INBOX_VIEW_NAMES, isInboxView } from "./inbox.ts";

// autocannon emits each response with its time (bench/autocannon.d.ts leaves the event out): the harness
// keeps those times for the percentiles autocannon does not report (p95).
declare module "autocannon" {
  interface Instance {
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
  }
}

export const HOST = "127.0.0.1";
const STOP_GRACE_MS = 10_000;
/**
 * What one measurement loads: a GET of a path, or a request with a method, headers and a body. A header
 * named in `uniqueHeader` gets a fresh UUID on every request (an Idempotency-Key: each request is new).
 */
export interface Route {
  label: string;
  path: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  uniqueHeader?: string;
  /**
   * Asks for these paths in turn instead of `path` alone (found once the app runs): many readers of many
   * different pages, which a page cache cannot answer from one entry.
   */
  paths?: (base: string) => Promise<string[]>;
  /**
   * Work done once the app runs, before the route is loaded: signing in (a session cookie for every
   * request) or finding an id that is only known then (a department's, for a filter). What it answers
   * replaces the route's path and adds to its headers.
   */
  prepare?: (base: string) => Promise<{ path?: string; headers?: Record<string, string> }>;
}

/** How many different public case pages the "in turn" route asks for. */
export const CASES_IN_TURN = 1_000;

/**
 * The first CASES_IN_TURN public cases of Prishtinë in the seeded database (a tenth of seeded cases are
 * private and answer 404, so codes are tried until enough answer 200).
 */
export async function publicCasePaths(base: string): Promise<string[]> {
  const found: string[] = [];
  for (let n = 1; found.length < CASES_IN_TURN && n <= CASES_IN_TURN * 2; n++) {
    const path = `/cases/PRI-2025-${String(n).padStart(6, "0")}`;
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
    await res.arrayBuffer();
    if (res.status === 200) found.push(path);
  }
  if (found.length < CASES_IN_TURN)
    throw new Error(`only ${found.length} public case pages found in PRI-2025-000001…; seed more cases`);
  return found;
}

/** The seeded case (see bench/seedCases.ts) whose public page is measured: the same one in every run. */
export const BENCH_CASE = "PRI-2025-000100";
const DEFAULT_ROUTES = [
  "/healthz",
  "/",
  "/m/prishtine",
  `/cases/${BENCH_CASE}`,
  "/cases?municipality=prishtine&status=in_progress",
  "/cases?q=ndricim",
  "/statistics",
];

/** Open311's list of a municipality's requests, as bench/open311.ts measures it. */
export const OPEN311_LIST = "/open311/v2/requests.json?jurisdiction_id=prishtine";

/**
 * Routes read with the bench's API key, named in BENCH_ROUTES like the inbox's views: a visitor's API
 * reads are limited to 300 a minute per address, which a load from one address passes in a second.
 */
export const KEYED_ROUTE_NAMES = ["api-get", "open311"] as const;
export type KeyedRouteName = (typeof KEYED_ROUTE_NAMES)[number];
export const isKeyedRoute = (name: string): name is KeyedRouteName =>
  (KEYED_ROUTE_NAMES as readonly string[]).includes(name);

export function keyedRoute(name: KeyedRouteName, key: string): Route {
  const headers = { authorization: `Bearer ${key}` };
  return name === "api-get"
    ? {
        label: `GET /api/v1/cases/:code (${CASES_IN_TURN} cases in turn)`,
        path: `/api/v1/cases/${BENCH_CASE}`,
        headers,
        paths: async (base) => (await publicCasePaths(base)).map((p) => `/api/v1${p}`),
      }
    : { label: `Open311 ${OPEN311_LIST}`, path: OPEN311_LIST, headers };
}

export function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`${name} must be a whole number >= ${min} (got "${raw}")`);
  return n;
}

/**
 * The run's settings from BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_ROUTES and BENCH_CASES.
 * BENCH_ROUTES names paths (loaded as a visitor) and the signed-in views of bench/inbox.ts by name.
 */
export function readSettings() {
  const raw = process.env.BENCH_ROUTES ?? "";
  const routes = raw
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  if (routes.some((r) => !r.startsWith("/") && !isInboxView(r) && !isKeyedRoute(r)))
    throw new Error(
      `BENCH_ROUTES must be paths starting with "/", the signed-in views ${INBOX_VIEW_NAMES.join(", ")} ` +
        `or the API reads ${KEYED_ROUTE_NAMES.join(", ")}, comma-separated (got "${raw}")`,
    );
  return {
    durationSeconds: envInt("BENCH_DURATION", 10, 1),
    warmupSeconds: envInt("BENCH_WARMUP", 2, 0),
    connections: envInt("BENCH_CONNECTIONS", 10, 1),
    /** Cases in the database before the app is measured (bench/seedCases.ts); 0 measures the demo data only. */
    cases: envInt("BENCH_CASES", 100_000, 0),
    routes: routes.length > 0 ? routes : [...DEFAULT_ROUTES, ...INBOX_VIEW_NAMES, ...KEYED_ROUTE_NAMES],
    /** Also measure case creation through the API (POST /api/v1/cases, PostgreSQL only); on unless BENCH_ROUTES names routes. */
    apiCreate: routes.length === 0,
    pipelining: 1,
    appLogLevel: "warn",
  };
}
export type Settings = ReturnType<typeof readSettings>;

/** `git rev-parse --short HEAD`, or "unknown" (no git, not a checkout). */
export function gitCommit(cwd: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
}

/** A child process started by the harness, with the last lines it printed (for error messages). */
export interface Child {
  name: string;
  proc: ChildProcess;
  tail: string[];
}

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("could not get a free port");
  return address.port;
}

/**
 * Starts `node <args>` with extra environment variables. Output is kept (last 40 lines), not parsed;
 * lines matching `skip` are not kept (a stream of GC traces would push the last error out of sight).
 */
export function startNode(name: string, args: string[], env: Record<string, string>, skip?: RegExp): Child {
  const proc = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const child: Child = { name, proc, tail: [] };
  const keep = (chunk: Buffer) => {
    const lines = chunk.toString("utf8").split("\n").filter(Boolean);
    child.tail.push(...(skip ? lines.filter((l) => !skip.test(l)) : lines));
    child.tail.splice(0, Math.max(0, child.tail.length - 40));
  };
  proc.stdout?.on("data", keep);
  proc.stderr?.on("data", keep);
  return child;
}

const exited = (child: Child) => child.proc.exitCode !== null || child.proc.signalCode !== null;

/** Polls `url` until it answers 200; throws after `timeoutMs` or as soon as the child exits. */
export async function waitUntilOk(child: Child, url: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    if (exited(child)) {
      throw new Error(
        `${child.name} exited (code ${child.proc.exitCode}, signal ${child.proc.signalCode}) before ` +
          `${url} answered. Its last output:\n${child.tail.join("\n")}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return Date.now() - started;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${child.name}: ${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last}). ` +
      `Its last output:\n${child.tail.join("\n")}`,
  );
}

/** SIGTERM, then SIGKILL if the child is still there after 10 s. Safe to call twice. */
export async function stopChild(child: Child): Promise<void> {
  if (exited(child)) return;
  const gone = once(child.proc, "exit");
  child.proc.kill("SIGTERM");
  const timer = new Promise<"timeout">((resolve) => setTimeout(resolve, STOP_GRACE_MS, "timeout").unref());
  if ((await Promise.race([gone, timer])) === "timeout" && !exited(child)) {
    console.error(`${child.name} did not stop within ${STOP_GRACE_MS / 1000} s; sending SIGKILL`);
    child.proc.kill("SIGKILL");
    await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }
}

/**
 * Runs a node script to its end (seeding, creating an API key) and answers what it printed; a failure or
 * `timeoutMs` throws. The child is in `running` meanwhile, so that a Ctrl-C handler can stop it.
 */
export async function runScript(
  name: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
  running: Set<Child>,
): Promise<string> {
  const child = startNode(name, args, env);
  running.add(child);
  try {
    const [code] = (await Promise.race([
      once(child.proc, "exit"),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`${name} took longer than ${timeoutMs / 1000} s`)),
          timeoutMs,
        ).unref(),
      ),
    ])) as [number | null];
    if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.tail.join("\n")}`);
    return child.tail.join("\n");
  } finally {
    await stopChild(child);
    running.delete(child);
  }
}

/** An API key with no practical rate limit, made with the operator's command before the app starts. */
export async function createApiKey(root: string, env: Record<string, string>, running: Set<Child>) {
  const args = [`${root}/bin/ekomuna.js`, "api-key", "create", "--name", "bench", "--rate-limit", "1000000"];
  const out = await runScript("api-key create", args, env, 120_000, running);
  const key = out.match(/API key \(shown once[^)]*\): (\S+)/)?.[1];
  if (!key) throw new Error(`no API key in the output of api-key create:\n${out}`);
  return key;
}

/** The body of a case submitted through the API (POST /api/v1/cases): an issue report in `municipality`. */
export function caseSubmission(municipality: string, at: { latitude: number; longitude: number }): string {
  return JSON.stringify({
    municipality,
    type: "issue_report",
    category: "potholes",
    title: "Gropë e thellë para shkollës",
    description: "Në korsinë e djathtë, rreth 40 cm e gjerë dhe e thellë.",
    location: at,
    address: "Rruga B 12",
    answers: {},
    contact: { name: "Arta Krasniqi", email: "arta@example.org", showName: false },
    language: "sq",
  });
}

/** A process's memory from /proc/<pid>/status (Linux), in bytes; undefined once it is gone. */
export interface ProcMemory {
  /** Resident set size: what the process holds in RAM now. */
  rss: number;
  /** The anonymous part of it (heaps, not mapped files): where a leak shows. */
  rssAnon: number;
  /** The peak resident set size so far. */
  hwm: number;
}

export function procMemory(pid: number): ProcMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) =>
      Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), rssAnon: kb("RssAnon"), hwm: kb("VmHWM") };
  } catch {
    return undefined;
  }
}

/**
 * One route's figures from one autocannon run. p50, p90 and p99 are autocannon's (whole milliseconds);
 * p95 is the harness's own, from every 2xx response time of the run (0.1 ms), as autocannon has none.
 */
export interface Measurement {
  reqPerSec: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** CPU milliseconds per request of the measured run, by whom (when the harness could read them). */
  cpuMsPerRequest?: CpuMs;
}

/** CPU time in milliseconds: the app's process, the PostgreSQL processes of its database, the load generator. */
export interface CpuMs {
  server: number;
  postgres: number;
  loader: number;
}

/** User + system CPU of a process in ms, from /proc (Linux; clock ticks of 10 ms); 0 if it is gone. */
export function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces, inside parentheses): utime is the 12th, stime the 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The pids of PostgreSQL processes serving `database` (their title names it: "postgres: user db …"). */
function postgresPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (title.startsWith("postgres: ") && title.split(" ").includes(database)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * Reads the CPU used so far by the app (`serverPid`), the PostgreSQL processes of the database it uses (on
 * this machine; none for PGlite) and this process (autocannon runs in it). Per request, CPU is less moved
 * by other work on a shared machine than requests per second are.
 */
export function cpuMeter(serverPid: number, database?: string): () => CpuMs {
  return () => {
    const pg = database ? postgresPids(database) : [];
    const own = process.cpuUsage();
    return {
      server: procCpuMs(serverPid),
      postgres: pg.reduce((sum, pid) => sum + procCpuMs(pid), 0),
      loader: (own.user + own.system) / 1000,
    };
  };
}

/** The database a postgres:// URL names, for cpuMeter. */
export function databaseOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || undefined;
  } catch {
    return undefined;
  }
}

let running: Instance | undefined;

/** Stops the autocannon run in progress, if any (used on SIGINT). */
export function stopLoad(): void {
  running?.stop();
}

const requestOptions = (route: Route) => ({
  method: route.method ?? "GET",
  headers: route.headers ?? {},
  ...(route.body !== undefined ? { body: route.body } : {}),
});

/** The nearest-rank percentile `p` (0–100) of the times, in ms to 0.1 (0 when there are none). */
export function percentile(times: readonly number[], p: number): number {
  if (times.length === 0) return 0;
  const sorted = Float64Array.from(times).sort();
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return Math.round(sorted[rank - 1]! * 10) / 10;
}

/** Loads a route with `connections` keep-alive connections for `seconds` seconds. */
export async function load(
  base: string,
  route: Route,
  seconds: number,
  connections: number,
  paths?: string[],
): Promise<Measurement> {
  const unique = route.uniqueHeader;
  let turn = 0;
  running = autocannon({
    url: base,
    duration: seconds,
    connections,
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        path: route.path,
        ...requestOptions(route),
        ...(unique
          ? {
              setupRequest: (req) => ({ ...req, headers: { ...req.headers, [unique]: randomUUID() } }),
            }
          : paths
            ? { setupRequest: (req) => ({ ...req, path: paths[turn++ % paths.length] }) }
            : {}),
      },
    ],
  });
  // Like autocannon's own histogram, only successful responses count towards the latency.
  const times: number[] = [];
  running.on("response", (_client, statusCode, _bytes, ms) => {
    if (statusCode >= 200 && statusCode <= 299) times.push(ms);
  });
  try {
    const r = await running;
    const statusCodes: Record<string, number> = {};
    for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodes[code] = count;
    return {
      reqPerSec: r.requests.average,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p95: percentile(times, 95),
      p99: r.latency.p99,
      requests: r.requests.total,
      non2xx: r.non2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      statusCodes,
    };
  } finally {
    running = undefined;
  }
}

/** The route with what its `prepare` found once the app runs (its path, more headers). */
async function prepared(base: string, route: Route): Promise<Route> {
  if (!route.prepare) return route;
  const found = await route.prepare(base);
  return { ...route, path: found.path ?? route.path, headers: { ...route.headers, ...found.headers } };
}

/**
 * Signs in through the login form, as a person does: the form's CSRF token and cookie, then the email and
 * password posted. Answers the Cookie header that carries the session; throws unless the login succeeded.
 */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const cookies = new Map<string, string>();
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      if (at > 0) cookies.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
    }
  };
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  const form = await fetch(`${base}/login`, { signal: AbortSignal.timeout(10_000), redirect: "manual" });
  keep(form);
  const token = (await form.text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (form.status !== 200 || !token)
    throw new Error(`GET /login answered HTTP ${form.status} without a form`);
  const res = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader() },
    body: new URLSearchParams({ _csrf: token, email, password }).toString(),
    signal: AbortSignal.timeout(10_000),
    redirect: "manual",
  });
  keep(res);
  await res.arrayBuffer();
  if (res.status !== 303 || !cookies.has("sid"))
    throw new Error(`signing in as ${email} failed: POST /login answered HTTP ${res.status}`);
  return cookieHeader();
}

/** Warm-up (discarded), then the measured run. The route must answer 2xx once before any load. */
export async function measure(
  base: string,
  route: Route,
  warmupSeconds: number,
  seconds: number,
  connections: number,
  cpu?: () => CpuMs,
): Promise<Measurement> {
  route = await prepared(base, route);
  const { headers, ...rest } = requestOptions(route);
  const paths = route.paths ? await route.paths(base) : undefined;
  const res = await fetch(`${base}${paths?.[0] ?? route.path}`, {
    ...rest,
    headers: route.uniqueHeader ? { ...headers, [route.uniqueHeader]: randomUUID() } : headers,
    signal: AbortSignal.timeout(10_000),
    redirect: "manual",
  });
  const text = await res.text();
  if (res.status < 200 || res.status > 299)
    throw new Error(`${rest.method} ${route.path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  if (warmupSeconds > 0) await load(base, route, warmupSeconds, connections, paths);
  const before = cpu?.();
  const m = await load(base, route, seconds, connections, paths);
  if (!cpu || !before || m.requests === 0) return m;
  const after = cpu();
  const per = (k: keyof CpuMs) => Math.round(((after[k] - before[k]) / m.requests) * 1000) / 1000;
  return {
    ...m,
    cpuMsPerRequest: { server: per("server"), postgres: per("postgres"), loader: per("loader") },
  };
}

/** Latencies of one operation called one after another, in milliseconds (bench/stats.ts, ministry.ts, reports.ts). */
export interface Timing {
  calls: number;
  p50: number;
  p95: number;
  max: number;
}

/** Calls `f` `calls` times one after another (after one unmeasured call), in milliseconds. */
export async function time(calls: number, f: () => Promise<unknown>): Promise<Timing> {
  await f();
  const took: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await f();
    took.push(performance.now() - started);
  }
  took.sort((a, b) => a - b);
  const at = (p: number) =>
    Number(took[Math.min(took.length - 1, Math.ceil(p * took.length) - 1)]!.toFixed(2));
  return { calls, p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** The month `n` months before `month` ("YYYY-MM"). */
export const monthsBack = (month: string, n: number) => {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
};

/** The machine a result was measured on, recorded in every results file (figures mean little without it). */
export function machine() {
  return {
    node: process.version,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

/**
 * What a bench script starts, undone once on success, failure or Ctrl-C: `stop()` first (the load), then the
 * child processes, then the temporary directories. The first SIGINT or SIGTERM runs it and exits 130.
 */
export function cleanupOnExit(stop: () => void) {
  const children = new Set<Child>();
  const tempDirs = new Set<string>();
  let cleaning: Promise<void> | undefined;
  const cleanup = (): Promise<void> => {
    cleaning ??= (async () => {
      stop();
      await Promise.all([...children].map(stopChild));
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    })();
    return cleaning;
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping child processes and removing temporary data`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  return { children, tempDirs, cleanup };
}
