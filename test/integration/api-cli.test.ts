// `ekomuna api-key create|list|revoke` as an operator uses it: real processes on a database of their own;
// the key is printed once, lists never show it, a key is revoked by the prefix lists show, and every
// step is in the audit log.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "../../src/api/apiKeys.ts";
import { verifyAuditChain } from "../../src/audit/audit.ts";
import { openDatabase } from "../../src/db/client.ts";
import { apiClients, auditLog, municipalities } from "../../src/db/schema.ts";
import { isolatedEnv, runCli } from "../support/processes.ts";

describe("wrong arguments", () => {
  const env = { PATH: process.env.PATH ?? "", EKOMUNA_DATA_DIR: "/nonexistent/never-created" };

  it("says what is wrong, shows the usage and exits 2, before touching any database", async () => {
    const cases: [string[], string][] = [
      [["api-key"], "api-key needs a command: create, list or revoke."],
      [["api-key", "rotate"], 'Unknown api-key command "rotate".'],
      [["api-key", "create"], "--name is required"],
      [["api-key", "create", "--name", "X", "--rate-limit", "fast"], "--rate-limit must be a whole number"],
      [["api-key", "create", "--name", "X", "--municipality", "Not A Slug"], "--municipality must be"],
      [["api-key", "create", "--name", "X", "--colour", "red"], "Unknown option '--colour'"],
      [["api-key", "revoke"], "api-key revoke needs one key prefix or client id."],
      [["api-key", "revoke", "a", "b"], "api-key revoke needs one key prefix or client id."],
      [["api-key", "list", "--all"], "Unknown option '--all'"],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, env);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain("api-key create --name N");
    }
  });
});

describe("making, listing and revoking keys", () => {
  let iso: Awaited<ReturnType<typeof isolatedEnv>>;
  beforeAll(async () => {
    iso = await isolatedEnv();
  });
  afterAll(() => iso.drop());

  const open = () =>
    openDatabase(
      iso.env.DATABASE_URL
        ? { kind: "postgres", url: iso.env.DATABASE_URL }
        : { kind: "pglite", dataDir: iso.env.EKOMUNA_DATA_DIR },
    );

  it("prints a key once, lists clients without keys, revokes by prefix, and audits each step", {
    timeout: 300_000,
  }, async () => {
    const created = await runCli(
      ["api-key", "create", "--name", "Prishtina app", "--municipality", "prishtine"],
      iso.env,
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const key = created.stdout.match(
      /API key \(shown once, keep it secret\): (ek_live_[A-Za-z0-9_-]{43})\n/,
    )?.[1];
    expect(key).toBeDefined();
    const prefix = key!.slice(0, 16);
    expect(created.stdout).toContain(`prefix ${prefix}, restricted to prishtine`);

    const other = await runCli(["api-key", "create", "--name", "Civic lab", "--rate-limit", "5000"], iso.env);
    expect(other.code).toBe(0);

    const unknown = await runCli(["api-key", "create", "--name", "X", "--municipality", "atlantis"], iso.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('there is no municipality "atlantis"');

    const list = await runCli(["api-key", "list"], iso.env);
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${prefix}  [0-9a-f-]{36}  active  prishtine  default req/min  last used never  Prishtina app$`,
      ),
    );
    expect(lines[1]).toContain("all municipalities  5000 req/min");
    expect(list.stdout).not.toContain(key!);

    const revoked = await runCli(["api-key", "revoke", prefix], iso.env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked API client "Prishtina app" (${prefix})`);
    const nobody = await runCli(["api-key", "revoke", "ek_live_ZZZZZZZZ"], iso.env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('no API client "ek_live_ZZZZZZZZ"');

    const database = await open();
    try {
      const db = database.db;
      const [client] = await db
        .select()
        .from(apiClients)
        .where(eq(apiClients.keyHash, hashApiKey(key!)));
      const [prishtine] = await db.select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
      expect(client).toMatchObject({
        name: "Prishtina app",
        keyPrefix: prefix,
        municipalityId: prishtine!.id,
      });
      expect(client!.revokedAt).not.toBeNull();
      // Only the hash is kept.
      const rows = await db.select().from(apiClients);
      expect(JSON.stringify(rows)).not.toContain(key!);
      const actions = (await db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action);
      expect(actions.filter((a) => a.startsWith("api_client."))).toEqual([
        "api_client.created",
        "api_client.created",
        "api_client.listed",
        "api_client.revoked",
      ]);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    } finally {
      await database.close();
    }
  });
});
