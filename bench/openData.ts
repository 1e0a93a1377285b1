// The open-data export's throughput (issue 7: the full CSV of 1,000,000 cases streamed at 50,000 rows/s or
// more, with the server process under 300 MB). Downloads /open-data/cases.csv (and .json with
// BENCH_OPEN_DATA_FORMATS=csv,json) once, counting rows as they arrive, and reports rows per second and the
// server's peak resident memory; writes bench/results/<timestamp>-open-data.json.
//
//   BENCH_DATABASE_URL=postgres://…/d_bench node --import tsx bench/openData.ts    (starts `ekomuna serve`)
//   BENCH_BASE_URL=http://127.0.0.1:3000 [BENCH_SERVER_PID=1234] node --import tsx bench/openData.ts
//
// With BENCH_DATABASE_URL the harness starts the server itself and reads its peak memory (VmHWM in
// /proc/<pid>/status: the most it ever held, start-up included); against BENCH_BASE_URL it can only when
// told the server's pid. BENCH_CASES seeds that many cases first (bench/seedCases.ts; run again, it adds
// only what is missing). BENCH_OPEN_DATA_QUERY adds filters ("municipality=prishtine&year=2025").
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as lib from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TARGET_ROWS_PER_SEC = 50_000;
const TARGET_PEAK_MB = 300;
const DOWNLOAD_TIMEOUT_MS = 30 * 60_000;

/** A process's memory from /proc (Linux): its resident set now and at its peak, in MB; undefined elsewhere. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * Rows in CSV text as it streams: line ends outside quoted cells (a quote toggles; a doubled quote
 * toggles twice), minus the header. Holds nothing but the quote state between chunks.
 */
function csvRowCounter() {
  let quoted = false;
  let lines = 0;
  return {
    add(chunk: Uint8Array) {
      for (let i = 0; i < chunk.length; i++) {
        const b = chunk[i];
        if (b === 0x22) quoted = !quoted;
        else if (b === 0x0a && !quoted) lines++;
      }
    },
    rows: () => Math.max(0, lines - 1),
  };
}

/** Rows in the streamed JSON array: one object per line, as the export writes them. */
function jsonRowCounter() {
  let lines = 0;
  return {
    add(chunk: Uint8Array) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 0x0a) lines++;
    },
    // "[", one line per row, "]": the opening line and the closing bracket's line are not rows.
    rows: () => Math.max(0, lines - 2),
  };
}

/** CPU time a process has used so far (user and system, Linux), in seconds; undefined elsewhere. */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    // After the command's closing parenthesis: utime and stime (fields 14 and 15), in ticks of 1/100 s.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface Download {
  format: string;
  path: string;
  rows: number;
  bytes: number;
  firstByteMs: number;
  seconds: number;
  rowsPerSec: number;
  mbPerSec: number;
  /** The server's resident memory sampled during the download, at its highest (MB). */
  rssDuringMb?: number;
  /**
   * CPU seconds the server process used for the download: less moved by other work on the machine than
   * the time is, so before and after compare on a busy machine too (PostgreSQL's own is not counted).
   */
  serverCpuSeconds?: number;
}

async function download(base: string, format: string, query: string, pid: number | undefined) {
  const urlPath = `/open-data/cases.${format}${query ? `?${query}` : ""}`;
  process.stdout.write(`downloading ${urlPath} ... `);
  let rssDuringMb = 0;
  const sample = () => {
    const m = pid ? memoryOf(pid) : undefined;
    if (m) rssDuringMb = Math.max(rssDuringMb, m.rssMb);
  };
  const sampler = setInterval(sample, 100);
  const cpuBefore = pid ? cpuSecondsOf(pid) : undefined;
  const started = performance.now();
  try {
    const res = await fetch(`${base}${urlPath}`, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (res.status !== 200 || !res.body) throw new Error(`${urlPath} answered HTTP ${res.status}`);
    const firstByteMs = performance.now() - started;
    const counter = format === "csv" ? csvRowCounter() : jsonRowCounter();
    let bytes = 0;
    const reader = res.body.getReader();
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      bytes += part.value.length;
      counter.add(part.value);
    }
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = pid ? cpuSecondsOf(pid) : undefined;
    sample();
    const rows = counter.rows();
    const result: Download = {
      format,
      path: urlPath,
      rows,
      bytes,
      firstByteMs: Math.round(firstByteMs),
      seconds: Number(seconds.toFixed(2)),
      rowsPerSec: Math.round(rows / seconds),
      mbPerSec: Number((bytes / 1024 / 1024 / seconds).toFixed(1)),
      ...(pid ? { rssDuringMb: Math.round(rssDuringMb) } : {}),
      ...(cpuBefore !== undefined && cpuAfter !== undefined
        ? { serverCpuSeconds: Number((cpuAfter - cpuBefore).toFixed(2)) }
        : {}),
    };
    console.log(
      `${rows} rows, ${(bytes / 1024 / 1024).toFixed(1)} MB in ${result.seconds} s: ${result.rowsPerSec} rows/s` +
        (result.serverCpuSeconds !== undefined ? ` (server CPU ${result.serverCpuSeconds} s)` : ""),
    );
    return result;
  } finally {
    clearInterval(sampler);
  }
}

async function seed(databaseUrl: string, cases: number) {
  console.log(`seeding ${cases} cases ...`);
  const child = lib.startNode("seed cases", ["--import", "tsx", path.join(ROOT, "bench/seedCases.ts")], {
    DATABASE_URL: databaseUrl,
    BENCH_CASES: String(cases),
  });
  const [code] = (await once(child.proc, "exit")) as [number | null];
  if (code !== 0) throw new Error(`seeding failed (exit ${code}):\n${child.tail.join("\n")}`);
}

async function main() {
  const formats = (process.env.BENCH_OPEN_DATA_FORMATS ?? "csv").split(",").map((f) => f.trim());
  if (formats.some((f) => f !== "csv" && f !== "json"))
    throw new Error(`BENCH_OPEN_DATA_FORMATS lists csv and json only (got "${formats.join(",")}")`);
  const query = process.env.BENCH_OPEN_DATA_QUERY ?? "";
  const given = process.env.BENCH_BASE_URL?.replace(/\/$/, "");
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!given && !databaseUrl)
    throw new Error("Set BENCH_BASE_URL (a running server) or BENCH_DATABASE_URL (one is started on it)");
  const cases = Number(process.env.BENCH_CASES ?? 0);
  if (!Number.isInteger(cases) || cases < 0) throw new Error("BENCH_CASES must be a whole number");

  let child: lib.Child | undefined;
  const stop = () => (child ? lib.stopChild(child) : Promise.resolve());
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void stop().finally(() => process.exit(130)));

  try {
    let base = given;
    let pid = process.env.BENCH_SERVER_PID ? Number(process.env.BENCH_SERVER_PID) : undefined;
    let startupMemory: ReturnType<typeof memoryOf>;
    if (!base) {
      if (cases > 0) await seed(databaseUrl!, cases);
      const port = await lib.freePort();
      child = lib.startNode("ekomuna serve", [path.join(ROOT, "bin/ekomuna.js"), "serve", "--demo"], {
        DATABASE_URL: databaseUrl!,
        HOST: lib.HOST,
        PORT: String(port),
        LOG_LEVEL: "warn",
      });
      base = `http://${lib.HOST}:${port}`;
      await lib.waitUntilOk(child, `${base}/healthz`, 60_000);
      pid = child.proc.pid;
      startupMemory = pid ? memoryOf(pid) : undefined;
    } else startupMemory = pid ? memoryOf(pid) : undefined;

    const downloads: Download[] = [];
    for (const format of formats) downloads.push(await download(base, format, query, pid));
    const end = pid ? memoryOf(pid) : undefined;

    const csv = downloads.find((d) => d.format === "csv");
    const checks = {
      rowsPerSec: csv ? csv.rowsPerSec >= TARGET_ROWS_PER_SEC : undefined,
      peakMemory: end ? end.peakMb < TARGET_PEAK_MB : undefined,
    };
    console.log(
      end
        ? `server memory: ${Math.round(startupMemory?.rssMb ?? 0)} MB after start-up, peak ${Math.round(end.peakMb)} MB (target < ${TARGET_PEAK_MB})`
        : "server memory: unknown (set BENCH_SERVER_PID, or let the harness start the server)",
    );
    if (csv)
      console.log(
        `CSV: ${csv.rowsPerSec} rows/s (target >= ${TARGET_ROWS_PER_SEC}): ${checks.rowsPerSec ? "met" : "NOT met"}`,
      );

    const started = new Date();
    const result = {
      date: started.toISOString(),
      benchmark: "open-data export",
      db: databaseUrl ? "postgres" : "given server",
      ...lib.machine(),
      loadAverage1m: os.loadavg()[0],
      commit: lib.gitCommit(ROOT),
      seededCases: cases,
      downloads,
      serverMemoryMb: end
        ? { afterStartup: Math.round(startupMemory?.rssMb ?? 0), peak: Math.round(end.peakMb) }
        : null,
      targets: { rowsPerSec: TARGET_ROWS_PER_SEC, peakMemoryMb: TARGET_PEAK_MB },
      met: checks,
    };
    mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
    const file = path.join(
      ROOT,
      "bench/results",
      `${started.toISOString().replaceAll(":", "-")}-open-data.json`,
    );
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written to ${path.relative(ROOT, file)}`);
  } finally {
    await stop();
  }
}

await main();
