// `ekomuna worker` and `serve --no-worker` as processes, as an operator runs them. On the embedded database
// both are refused (exit 2): the one process that may open it, the server, delivers the outbox itself. On
// PostgreSQL the server leaves the outbox to a separate worker, which delivers over SMTP and stops cleanly
// on SIGTERM.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isolatedEnv, runCli, startServer, startWorker, type Worker } from "../support/processes.ts";
import { startSmtpServer } from "../support/smtp.ts";

let iso: Awaited<ReturnType<typeof isolatedEnv>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  iso = await isolatedEnv();
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await iso.drop();
  await smtp.close();
});

/** Asks for a login link by email through the page, as a person does: it queues an email in the outbox. */
async function askForLoginLink(base: string, email: string) {
  const page = await fetch(`${base}/login/email`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const token = (await page.text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
  const res = await fetch(`${base}/login/email`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: token ?? "", email }).toString(),
  });
  expect(res.status).toBe(200);
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("ekomuna worker", () => {
  it("refuses the embedded database with exit 2 and a reason, without touching its directory; so does serve --no-worker", {
    timeout: 60_000,
  }, async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "ekomuna-worker-")), "data");
    const env = { NODE_ENV: "test", PATH: process.env.PATH ?? "", EKOMUNA_DATA_DIR: dataDir };
    const worker = await runCli(["worker"], env);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toContain("worker needs a PostgreSQL server (DATABASE_URL)");
    expect(worker.stderr).toContain("`ekomuna serve` delivers the outbox itself");
    const serve = await runCli(["serve", "--no-worker"], env);
    expect(serve.code).toBe(2);
    expect(serve.stderr).toContain("--no-worker needs a PostgreSQL server (DATABASE_URL)");
    expect(existsSync(dataDir)).toBe(false);
    const help = await runCli(["help"], env);
    expect(help.stdout).toMatch(/^ {2}worker {2,}deliver the outbox/m);
    expect(help.stdout).toContain("[--no-worker]");
  });

  it("delivers mail queued through the server: by the server itself on PGlite, by `ekomuna worker` beside `serve --no-worker` on PostgreSQL, which then stops cleanly on SIGTERM", {
    timeout: 240_000,
  }, async () => {
    const env: Record<string, string> = { ...iso.env, SMTP_URL: smtp.url };
    const separate = Boolean(env.DATABASE_URL);
    const server = await startServer(["--demo", ...(separate ? ["--no-worker"] : [])], env);
    let worker: Worker | undefined;
    try {
      if (separate) {
        worker = await startWorker(env);
        expect(worker.output().stdout).toContain("outbox (mail over SMTP)");
      }
      const lirije = "lirije.shala@demo.ekomuna.example";
      await askForLoginLink(server.url, lirije);
      // The demo's own notices to her go out too; the login link is the one asked for here.
      const loginLink = /\/login\/link\/[A-Za-z0-9_-]{20,}/;
      await until(() => smtp.to(lirije).some((m) => loginLink.test(m.raw)), "the login link email");

      if (worker) {
        worker.child.kill("SIGTERM");
        const run = await worker.exited;
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("SIGTERM: finishing the deliveries in flight");
        expect(run.stdout).toContain("Worker stopped cleanly.");
        expect(run.stderr).toBe("");
      }
    } finally {
      if (worker?.child.exitCode === null) worker.child.kill("SIGKILL");
      server.child.kill("SIGTERM");
      const run = await server.exited;
      expect(run.code).toBe(0);
      if (separate) expect(run.stdout).toContain("left to separate `ekomuna worker` processes (--no-worker)");
    }
  });
});
