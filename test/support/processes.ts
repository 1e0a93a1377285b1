// Runs the real `ekomuna` command in a child process, as an operator would.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { createTestDatabase } from "./platform.ts";

const bin = fileURLToPath(new URL("../../bin/ekomuna.js", import.meta.url));

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment for a child process with a database of its own: a new PGlite directory or PostgreSQL database. */
export async function isolatedEnv(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const base = { NODE_ENV: "test", LOG_LEVEL: "info", PATH: process.env.PATH ?? "" };
  if (process.env.EKOMUNA_TEST_DB === "postgres") {
    const test = await createTestDatabase();
    await test.database.close();
    return { env: { ...base, DATABASE_URL: test.url! }, drop: () => test.drop() };
  }
  // The run's migrated template, unpacked into the child's data directory: what `ekomuna` finds there is
  // a database it has already prepared, so the child does not spend seconds on initdb and migrations.
  const dataDir = join(mkdtempSync(join(tmpdir(), "ekomuna-cli-")), "data");
  const template = new Blob([readFileSync(inject("pgliteTemplate"))]);
  await (await openDatabase({ kind: "pglite", dataDir, loadDataDir: template })).close();
  return { env: { ...base, EKOMUNA_DATA_DIR: dataDir }, drop: async () => {} };
}

export function runCli(args: string[], env: Record<string, string>, input?: string): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
  return collect(child, input);
}

async function collect(child: ChildProcess, input?: string): Promise<Run> {
  return capture(child, input).exited;
}

/** Gathers what a child prints: so far (output), and all of it once it has exited. */
function capture(child: ChildProcess, input?: string) {
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.stdin!.end(input ?? "");
  const exited = (once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>).then(
    ([code, signal]): Run => ({ code, signal, stdout, stderr }),
  );
  return { output: () => ({ stdout, stderr }), exited };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited, with everything it printed. */
  exited: Promise<Run>;
}

/** Starts `ekomuna serve` and resolves once /healthz answers 200. */
export async function startServer(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "serve", "--port", String(port), ...args], {
    env: { ...env, HOST: "127.0.0.1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = collect(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let done = false;
  exited.then(() => {
    done = true;
  });
  while (Date.now() < deadline && !done) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return { url, child, exited };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  const run = await exited;
  throw new Error(`server did not become healthy (exit ${run.code}): ${run.stderr}${run.stdout}`);
}

export interface Worker {
  child: ChildProcess;
  /** What it has printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when the process has exited, with everything it printed. */
  exited: Promise<Run>;
}

/** Starts `ekomuna worker` and resolves once it says it runs (PostgreSQL only: it refuses the embedded database). */
export async function startWorker(env: Record<string, string>, timeoutMs = 60_000): Promise<Worker> {
  const child = spawn(process.execPath, [bin, "worker"], { env, stdio: ["pipe", "pipe", "pipe"] });
  const { output, exited } = capture(child);
  let done = false;
  exited.then(() => {
    done = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!output().stdout.includes("E-Komuna worker running")) {
    if (done || Date.now() > deadline) {
      child.kill("SIGKILL");
      const run = await exited;
      throw new Error(`worker did not start (exit ${run.code}): ${run.stderr}${run.stdout}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output, exited };
}
