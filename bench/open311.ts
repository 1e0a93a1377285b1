// Open311 GET requests under load (issue 7: at least 2,000 req/s on PostgreSQL with 1,000,000 cases): the
// app started with `ekomuna serve --demo` on BENCH_DATABASE_URL (embedded PGlite in a temporary directory
// without it), loaded by autocannon from this process; prints req/s and latencies and writes
// bench/results/<timestamp>-open311-<db>.json. See docs/OPEN311.md and docs/PERFORMANCE.md.
//
//   BENCH_DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/open311.ts
//
// What is measured, each as an Open311 client asks it:
//   - the default list of Prishtinë (the last 90 days, at most 1,000), and the same for one service;
//   - a full page of 1,000 from the seeded year (bench/seedCases.ts puts its cases in 2025), as is and
//     gzipped (what HTTP clients accept by default).
// Reads are limited per address as for any visitor; the harness reads with an API key made with no
// practical limit (`ekomuna api-key create --rate-limit 1000000`), so the limit never answers instead.
// BENCH_CASES seeds that many cases first (bench/seedCases.ts; 0, the default here, seeds none: the
// database is expected to hold them). BENCH_PAGE_CACHE_SECONDS sets the server's PAGE_CACHE_SECONDS (0
// measures every request against the database). BENCH_DURATION, BENCH_WARMUP and BENCH_CONNECTIONS as
// for `npm run bench`. BENCH_API_KEY=<key> reads with a key made before; BENCH_API_KEY=none reads as a
// visitor and makes none, for a database that must not be written (the shared bench copies): a kept
// answer is never counted against a visitor's limit, so keep the cache on then.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Child, Measurement, Route } from "./lib.ts";
import * as lib from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STARTUP_TIMEOUT_MS = 120_000;
const LIST = "/open311/v2/requests.json?jurisdiction_id=prishtine";
/** A 90-day window of the seeded year: full pages of 1,000 in a seeded database. */
const SEEDED_WINDOW = "start_date=2025-06-01T00:00:00Z&end_date=2025-08-29T00:00:00Z";

const children = new Set<Child>();
const tempDirs = new Set<string>();
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    lib.stopLoad();
    await Promise.all([...children].map(lib.stopChild));
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: stopping child processes`);
    void cleanup().finally(() => process.exit(130));
  });
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number >= 0 (got "${raw}")`);
  return n;
}

/** Runs a node script to its end (bench/lib.ts); its output is returned, a failure throws. */
const runScript = (name: string, args: string[], env: Record<string, string>, timeoutMs: number) =>
  lib.runScript(name, args, env, timeoutMs, children);

async function createReadKey(env: Record<string, string>): Promise<string> {
  const args = [
    path.join(ROOT, "bin/ekomuna.js"),
    "api-key",
    "create",
    "--name",
    "bench open311",
    "--rate-limit",
    "1000000",
  ];
  const out = await runScript("api-key create", args, env, 120_000);
  const key = out.match(/API key \(shown once[^)]*\): (\S+)/)?.[1];
  if (!key) throw new Error(`no API key in the output of api-key create:\n${out}`);
  return key;
}

function routes(key: string | undefined): Route[] {
  const headers: Record<string, string> = key ? { "x-api-key": key } : {};
  return [
    { label: "GET requests.json (default: 90 days, ≤1000)", path: LIST, headers },
    { label: "GET requests.json?service_code=potholes", path: `${LIST}&service_code=potholes`, headers },
    { label: "GET requests.json, 1000 of 2025", path: `${LIST}&${SEEDED_WINDOW}`, headers },
    {
      label: "GET requests.json, 1000 of 2025, gzip",
      path: `${LIST}&${SEEDED_WINDOW}`,
      headers: { ...headers, "accept-encoding": "gzip" },
    },
  ];
}

/** How many requests and bytes one answer of the route holds (as a client reads it, uncompressed). */
async function sizeOf(base: string, route: Route): Promise<{ requests: number; bytes: number }> {
  const res = await fetch(`${base}${route.path}`, {
    headers: route.headers,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${route.path} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
  return { requests: (JSON.parse(text) as unknown[]).length, bytes: Buffer.byteLength(text) };
}

async function main(): Promise<void> {
  const s = lib.readSettings();
  const started = new Date();
  const loadAtStart = os.loadavg();
  const pgUrl = process.env.BENCH_DATABASE_URL || undefined;
  const dbName = pgUrl ? "postgres" : "pglite";
  const dataDir = pgUrl ? undefined : mkdtempSync(path.join(os.tmpdir(), "ekomuna-bench-open311-"));
  if (dataDir) tempDirs.add(dataDir);
  const cacheSeconds = process.env.BENCH_PAGE_CACHE_SECONDS;
  const env: Record<string, string> = {
    ...(pgUrl ? { DATABASE_URL: pgUrl } : { DATABASE_URL: "", EKOMUNA_DATA_DIR: dataDir! }),
    HOST: lib.HOST,
    LOG_LEVEL: s.appLogLevel,
    ...(cacheSeconds !== undefined ? { PAGE_CACHE_SECONDS: cacheSeconds } : {}),
  };
  const seed = envInt("BENCH_CASES", 0);
  if (seed > 0) {
    console.log(`seeding ${dbName} with ${seed} cases ...`);
    await runScript(
      "seed cases",
      ["--import", "tsx", path.join(ROOT, "bench/seedCases.ts")],
      {
        ...env,
        BENCH_CASES: String(seed),
      },
      60 * 60_000,
    );
  }
  const given = process.env.BENCH_API_KEY;
  const key = given === "none" ? undefined : given || (await createReadKey(env));

  const port = await lib.freePort();
  const server = lib.startNode("ekomuna", [path.join(ROOT, "bin/ekomuna.js"), "serve", "--demo"], {
    ...env,
    PORT: String(port),
  });
  children.add(server);
  const base = `http://${lib.HOST}:${port}`;
  const startupMs = await lib.waitUntilOk(server, `${base}/healthz`, STARTUP_TIMEOUT_MS);
  console.log(`app on ${dbName} answered /healthz after ${(startupMs / 1000).toFixed(1)} s`);

  const results: (Measurement & { route: string; path: string; requestsPerAnswer: number; bytes: number })[] =
    [];
  const failures: string[] = [];
  for (const route of routes(key)) {
    const size = await sizeOf(base, route);
    process.stdout.write(`measuring ${route.label} (${size.requests} requests, ${size.bytes} bytes) ... `);
    const m = await lib.measure(base, route, s.warmupSeconds, s.durationSeconds, s.connections);
    console.log(`${Math.round(m.reqPerSec)} req/s, p99 ${m.p99} ms`);
    results.push({
      route: route.label,
      path: route.path,
      requestsPerAnswer: size.requests,
      bytes: size.bytes,
      ...m,
    });
    if (m.non2xx > 0) failures.push(`${route.label}: ${m.non2xx} non-2xx (${JSON.stringify(m.statusCodes)})`);
    if (m.errors > 0) failures.push(`${route.label}: ${m.errors} errors (${m.timeouts} timeouts)`);
  }
  await lib.stopChild(server);
  children.delete(server);

  console.log(
    `\n${dbName}: ${s.connections} connections, ${s.durationSeconds} s per route after ${s.warmupSeconds} s warm-up`,
  );
  for (const r of results)
    console.log(
      `${r.route.padEnd(46)} ${String(Math.round(r.reqPerSec)).padStart(7)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms`,
    );
  if (failures.length > 0) throw new Error(`no results written, because:\n${failures.join("\n")}`);

  const file = path.join(
    ROOT,
    "bench/results",
    `${started.toISOString().replaceAll(":", "-")}-open311-${dbName}.json`,
  );
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        date: started.toISOString(),
        bench: "open311",
        db: dbName,
        ...lib.machine(),
        loadAverage1m: { start: loadAtStart[0], end: os.loadavg()[0] },
        commit: lib.gitCommit(ROOT),
        settings: {
          ...s,
          seededCases: seed,
          pageCacheSeconds: cacheSeconds ?? "default (5)",
          apiKey: key ? "yes" : "none (a visitor)",
        },
        appStartupMs: startupMs,
        routes: results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

try {
  await main();
} catch (e) {
  console.error(`bench failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
