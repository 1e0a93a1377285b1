// `ekomuna serve` as a process: first start seeds, SIGTERM stops cleanly, a restart finds everything intact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, isolatedEnv, runCli, startServer } from "./support/processes.ts";

let iso: Awaited<ReturnType<typeof isolatedEnv>>;
beforeAll(async () => {
  iso = await isolatedEnv();
});
afterAll(() => iso.drop());

const countOf = (html: string) =>
  html.match(/<th scope="row">(?:Total|Gjithsej)<\/th><td class="number">(\d+)<\/td>/)?.[1];

describe("serve", () => {
  it("starts in demo mode, stops cleanly on SIGTERM and restarts on the same data without seeding twice", {
    timeout: 240_000,
  }, async () => {
    const first = await startServer(["--demo"], iso.env);
    const home = await fetch(`${first.url}/`);
    expect(home.status).toBe(200);
    const total = countOf(await (await fetch(`${first.url}/m/prishtine`)).text());
    expect(Number(total)).toBeGreaterThan(0);

    if (!iso.env.DATABASE_URL) {
      // The embedded database belongs to one process: a second one on the same directory is refused.
      const second = await runCli(["serve", "--port", String(await freePort())], iso.env);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/in use by another E-Komuna process \(pid \d+\)/);
    }

    first.child.kill("SIGTERM");
    const run = await first.exited;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("E-Komuna is running at http://127.0.0.1:");
    expect(run.stdout).toContain("Demo logins, all with the password demo-ekomuna-2026");
    expect(run.stdout).toContain("zyrtari.prishtine@demo.ekomuna.example");
    expect(run.stdout).toContain('"msg":"stopped cleanly"');
    // Logs are JSON lines with a request id.
    const logLine = run.stdout.split("\n").find((l) => l.includes('"url":"/m/prishtine"'));
    expect(JSON.parse(logLine!)).toMatchObject({ level: 30, reqId: expect.any(String) });

    const restarted = await startServer(["--demo"], iso.env);
    try {
      expect(await (await fetch(`${restarted.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect(countOf(await (await fetch(`${restarted.url}/m/prishtine`)).text())).toBe(total);
    } finally {
      restarted.child.kill("SIGTERM");
      expect((await restarted.exited).code).toBe(0);
    }
  });
});
