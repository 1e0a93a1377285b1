// `npm run bench`: bare Fastify hello-world (the yardstick), then the real app on a fresh database, both as
// child processes on 127.0.0.1, loaded by autocannon from this process: public pages as a visitor, the
// staff inbox signed in (bench/inbox.ts). Prints a table and writes bench/results/<timestamp>-<db>.json.
// See docs/PERFORMANCE.md.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeCreation, type CreatedCases } from "./createdCases.ts";
import { inboxRoute, isInboxView } from "./inbox.ts";
import type { Measurement, Route, Settings } from "./lib.ts";
import * as lib from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STARTUP_TIMEOUT_MS = 60_000;

// Everything started is tracked here so that cleanup() can undo it on success, failure or Ctrl-C.
const { children, tempDirs, cleanup } = lib.cleanupOnExit(() => lib.stopLoad());

/** Starts a node child, waits for `readyPath` to answer 200, runs `body`, and always stops the child. */
async function withServer<T>(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyPath: string,
  body: (base: string, startupMs: number, pid: number) => Promise<T>,
): Promise<T> {
  const port = await lib.freePort();
  const child = lib.startNode(name, args, { ...env, PORT: String(port) });
  children.add(child);
  const base = `http://${lib.HOST}:${port}`;
  try {
    const startupMs = await lib.waitUntilOk(child, `${base}${readyPath}`, STARTUP_TIMEOUT_MS);
    return await body(base, startupMs, child.proc.pid ?? 0);
  } finally {
    await lib.stopChild(child);
    children.delete(child);
  }
}

/** What makes a measurement worthless: a benchmark of error pages measures nothing. */
function problems(label: string, m: Measurement): string[] {
  const out: string[] = [];
  if (m.non2xx > 0) out.push(`${label}: ${m.non2xx} non-2xx responses (${JSON.stringify(m.statusCodes)})`);
  if (m.errors > 0) out.push(`${label}: ${m.errors} errors (${m.timeouts} timeouts)`);
  return out;
}

async function run(base: string, route: Route, s: Settings, cpu?: () => lib.CpuMs): Promise<Measurement> {
  process.stdout.write(`measuring ${route.label} ... `);
  const m = await lib.measure(base, route, s.warmupSeconds, s.durationSeconds, s.connections, cpu);
  const c = m.cpuMsPerRequest;
  console.log(
    `${Math.round(m.reqPerSec)} req/s` +
      (c ? ` (CPU ms per request: app ${c.server}, PostgreSQL ${c.postgres}, autocannon ${c.loader})` : ""),
  );
  return m;
}

type Hello = Measurement & { memoryAfterLoad?: lib.ProcMemory };

function benchHello(s: Settings): Promise<Hello> {
  const args = ["--import", "tsx", path.join(ROOT, "bench/hello.ts")];
  return withServer("hello-world", args, {}, "/", async (base, _startupMs, pid) => {
    const m = await run(base, { label: "bare Fastify hello-world", path: "/" }, s);
    const bad = problems("hello-world", m);
    if (bad.length > 0) throw new Error(bad.join("\n"));
    return { ...m, memoryAfterLoad: lib.procMemory(pid) };
  });
}

interface Db {
  name: "pglite" | "postgres";
  env: () => Record<string, string>;
}
interface RouteResult extends Measurement {
  route: string;
  ratio: number;
  /** The app's memory once the route's load ended (peak: the largest so far, this route's or before). */
  memoryAfter?: lib.ProcMemory;
}

const runScript = (name: string, args: string[], env: Record<string, string>, timeoutMs: number) =>
  lib.runScript(name, args, env, timeoutMs, children);

/** Seeds the database with s.cases cases before the app starts on it; returns how long it took. */
async function seedCases(s: Settings, db: Db, env: Record<string, string>): Promise<number> {
  if (s.cases === 0) return 0;
  const started = Date.now();
  console.log(`seeding ${db.name} with ${s.cases} cases ...`);
  const args = ["--import", "tsx", path.join(ROOT, "bench/seedCases.ts")];
  await runScript("seed cases", args, { ...env, BENCH_CASES: String(s.cases) }, 30 * 60_000);
  const ms = Date.now() - started;
  console.log(`seeded in ${(ms / 1000).toFixed(0)} s`);
  return ms;
}

/**
 * Case creation through the API: a new Idempotency-Key on every request, so each one makes a case. All go
 * to one municipality (one tracking counter: the worst case for its lock), and not to Prishtinë, whose
 * pages and lists are measured: a database reused for several runs would otherwise carry a pile of new
 * reports on top of the municipality's list.
 */
function apiCreateRoute(key: string): Route {
  return {
    label: "POST /api/v1/cases",
    path: "/api/v1/cases",
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "accept-language": "sq" },
    body: lib.caseSubmission("gjilan", { latitude: 42.4635, longitude: 21.4694 }),
    uniqueHeader: "idempotency-key",
  };
}

/** BENCH_CREATE=only: case creation alone (PostgreSQL), the route of issue 4's target, without the others. */
const CREATE_ONLY = process.env.BENCH_CREATE === "only";

async function benchApp(s: Settings, db: Db, hello: Hello) {
  // BENCH_APP_NODE_ARGS: flags for the app's node only (a CPU profile, GC tracing or heap settings), which
  // NODE_OPTIONS would also give autocannon's process, or refuse (--cpu-prof).
  const nodeArgs = (process.env.BENCH_APP_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const args = [...nodeArgs, path.join(ROOT, "bin/ekomuna.js"), "serve", "--demo"];
  const env = { ...db.env(), HOST: lib.HOST, LOG_LEVEL: s.appLogLevel };
  const seedMs = await seedCases(s, db, env);
  // Paths are loaded as a visitor; the inbox's views by name, signed in as a member of staff.
  // API reads with a key: one key for the run, made before the app starts, as for case creation.
  const needsKey =
    (!CREATE_ONLY && s.routes.some(lib.isKeyedRoute)) ||
    ((s.apiCreate || CREATE_ONLY) && db.name === "postgres");
  const key = needsKey ? await lib.createApiKey(ROOT, env, children) : "";
  const routes: Route[] = CREATE_ONLY
    ? []
    : s.routes.map((p) =>
        isInboxView(p) ? inboxRoute(p) : lib.isKeyedRoute(p) ? lib.keyedRoute(p, key) : { label: p, path: p },
      );
  // The same case page over and over is what a page cache answers best; 1,000 different ones in turn is
  // closer to many readers of many cases (seeded cases only: the demo data alone has too few).
  if (s.apiCreate && !CREATE_ONLY && s.cases >= 10_000)
    routes.push({
      label: `/cases/:code (${lib.CASES_IN_TURN} cases in turn)`,
      path: "/cases/PRI-2025-000001",
      paths: lib.publicCasePaths,
    });
  // Writes on the embedded database go one at a time through its single connection (with the outbox and
  // the audit sealer in the same process): 50 concurrent submitters time out there, by design. Measured on
  // PostgreSQL, where the target applies.
  if ((s.apiCreate || CREATE_ONLY) && db.name === "postgres") routes.push(apiCreateRoute(key));
  if (routes.length === 0) throw new Error("BENCH_CREATE=only measures case creation, on PostgreSQL only");
  const pgUrl = db.name === "postgres" ? (env as Record<string, string>).DATABASE_URL : undefined;
  const created: CreatedCases[] = [];
  try {
    return await withServer(`ekomuna (${db.name})`, args, env, "/healthz", async (base, startupMs, pid) => {
      const cpu = lib.cpuMeter(pid, lib.databaseOf((env as Record<string, string>).DATABASE_URL));
      console.log(`app on ${db.name} answered /healthz after ${(startupMs / 1000).toFixed(1)} s`);
      // The app's memory once it answers, and after every route has been loaded (how it grows with the
      // number of cases: docs/PERFORMANCE.md, session 9).
      const afterStartup = lib.procMemory(pid);
      const results: RouteResult[] = [];
      const failures: string[] = [];
      for (const route of routes) {
        // Case creation on PostgreSQL starts from vacuumed tables and takes its cases away after
        // (bench/createdCases.ts): each run on the same database measures the same thing.
        // The removal waits until the app has stopped, so that no pass of its statistics or outbox meets a
        // case half gone.
        if (pgUrl && route.method === "POST") created.push(await beforeCreation(pgUrl));
        const m = await run(base, route, s, cpu);
        results.push({
          route: route.label,
          ...m,
          ratio: Number((m.reqPerSec / hello.reqPerSec).toFixed(3)),
          memoryAfter: lib.procMemory(pid),
        });
        failures.push(...problems(route.label, m));
      }
      const appMemory = { afterStartup, afterLoad: lib.procMemory(pid) };
      printTable(s, db.name, hello, results);
      printMemory(appMemory);
      if (failures.length > 0) throw new Error(`no results written, because:\n${failures.join("\n")}`);
      return { startupMs, seedMs, routes: results, appMemory };
    });
  } finally {
    for (const c of created) console.log(`removed the ${await c.remove()} cases the run made`);
  }
}

const mib = (bytes: number | undefined) => (bytes === undefined ? "?" : (bytes / 2 ** 20).toFixed(0));

function printMemory(m: { afterStartup?: lib.ProcMemory; afterLoad?: lib.ProcMemory }): void {
  console.log(
    `app memory (MiB): RSS ${mib(m.afterStartup?.rss)} after start-up, ${mib(m.afterLoad?.rss)} after the ` +
      `load (anonymous ${mib(m.afterStartup?.rssAnon)} → ${mib(m.afterLoad?.rssAnon)}), peak ${mib(m.afterLoad?.hwm)}\n`,
  );
}

function printTable(s: Settings, db: string, hello: Hello, routes: RouteResult[]): void {
  const row = (name: string, m: Measurement, ratio: string, memory?: lib.ProcMemory) =>
    [
      name,
      Math.round(m.reqPerSec),
      m.p50,
      m.p90,
      m.p95,
      m.p99,
      ratio,
      mib(memory?.rss),
      mib(memory?.hwm),
    ].map(String);
  const rows = [
    ["route", "req/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "ratio", "RSS MiB", "peak MiB"],
    row("hello-world /", hello, "1.000", hello.memoryAfterLoad),
    ...routes.map((r) => row(r.route, r, r.ratio.toFixed(3), r.memoryAfter)),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(
    `\n${db}: ${s.connections} connections, ${s.durationSeconds} s per route after ${s.warmupSeconds} s warm-up`,
  );
  for (const cells of rows) console.log(line(cells));
  console.log("");
}

async function main(): Promise<void> {
  const s = lib.readSettings();
  const started = new Date();
  const loadAtStart = os.loadavg(); // recorded: other work on the machine skews every figure
  if (loadAtStart[0]! > 1)
    console.warn(
      `warning: 1-minute load average is ${loadAtStart[0]!.toFixed(1)} before start: expect noisy figures`,
    );
  const stamp = started.toISOString().replaceAll(":", "-");
  const freshDataDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ekomuna-bench-"));
    tempDirs.add(dir);
    return dir;
  };
  // DATABASE_URL is blanked for PGlite so that one inherited from the shell cannot redirect the run.
  const dbs: Db[] =
    process.env.BENCH_PGLITE === "0"
      ? []
      : [{ name: "pglite", env: () => ({ EKOMUNA_DATA_DIR: freshDataDir(), DATABASE_URL: "" }) }];
  const pgUrl = process.env.BENCH_DATABASE_URL;
  if (pgUrl) dbs.push({ name: "postgres", env: () => ({ DATABASE_URL: pgUrl }) });

  const hello = await benchHello(s);
  for (const db of dbs) {
    const { startupMs, seedMs, routes, appMemory } = await benchApp(s, db, hello);
    const file = path.join(ROOT, "bench/results", `${stamp}-${db.name}.json`);
    const result = {
      date: started.toISOString(),
      db: db.name,
      ...lib.machine(),
      loadAverage1m: { start: loadAtStart[0], end: os.loadavg()[0] },
      commit: lib.gitCommit(ROOT),
      settings: s,
      appStartupMs: startupMs,
      seedCasesMs: seedMs,
      appMemory,
      helloWorld: hello,
      routes,
    };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  }
  console.log(`bench took ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
}

try {
  await main();
} catch (e) {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
