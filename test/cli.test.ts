// The `ekomuna` command line as an operator uses it: real processes, a real database of their own.
import { verify } from "@node-rs/argon2";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.ts";
import { roleAssignments, users } from "../src/db/schema.ts";
import { isolatedEnv, runCli } from "./support/processes.ts";

describe("arguments", () => {
  const env = { PATH: process.env.PATH ?? "", EKOMUNA_DATA_DIR: "/nonexistent/never-created" };

  it("prints the commands with --help and exits 0", async () => {
    const run = await runCli(["--help"], env);
    expect(run.code).toBe(0);
    for (const command of ["serve", "migrate", "seed", "create-admin"]) expect(run.stdout).toContain(command);
  });

  it("prints the usage and exits 2 without a command", async () => {
    const run = await runCli([], env);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("Usage: ekomuna <command>");
  });

  it("names an unknown command and exits 2", async () => {
    const run = await runCli(["serv"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown command "serv"');
  });

  it("names an unknown option and exits 2", async () => {
    const run = await runCli(["serve", "--demo", "--colour"], env);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--colour'/);
  });

  it("stops on a wrong setting, naming the variable, before touching any database", async () => {
    const run = await runCli(["serve"], { ...env, PORT: "eighty" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PORT must be a port number (got "eighty")');
    const flag = await runCli(["serve", "--port", "99999"], env);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("PORT must be a port number from 1 to 65535");
  });

  it("refuses create-admin with a bad email or a municipal role, saying why", async () => {
    const run = await runCli(
      ["create-admin", "--email", "not-an-email", "--name", "X", "--role", "officer"],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--email must be an email address");
    expect(run.stderr).toContain("--role must be ministry_monitor or platform_operator");
  });
});

describe("migrate, seed and create-admin on a new database", () => {
  let iso: Awaited<ReturnType<typeof isolatedEnv>>;
  beforeAll(async () => {
    iso = await isolatedEnv();
  });
  afterAll(() => iso.drop());

  it("migrates, seeds and creates a ministry monitor who can log in with the printed password", {
    timeout: 180_000,
  }, async () => {
    const migrate = await runCli(["migrate"], iso.env);
    expect(migrate.stderr).toBe("");
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain("Migrations applied.");

    const seed = await runCli(["seed"], iso.env);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain("38 municipalities");

    const created = await runCli(
      [
        "create-admin",
        "--email",
        "Monitor@MLGA.example",
        "--name",
        "Drita Monitor",
        "--role",
        "ministry_monitor",
      ],
      iso.env,
    );
    expect(created.code).toBe(0);
    const password = created.stdout.match(/Password \(shown once[^)]*\): (\S+)/)?.[1];
    expect(password).toBeDefined();

    const again = await runCli(
      ["create-admin", "--email", "monitor@mlga.example", "--name", "Someone", "--role", "platform_operator"],
      iso.env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists");

    const withStdin = await runCli(
      [
        "create-admin",
        "--email",
        "ops@mlga.example",
        "--name",
        "Ops",
        "--role",
        "platform_operator",
        "--password-stdin",
      ],
      iso.env,
      "a-long-enough-secret\n",
    );
    expect(withStdin.code).toBe(0);
    expect(withStdin.stdout).not.toContain("a-long-enough-secret");

    const database = await openDatabase(
      iso.env.DATABASE_URL
        ? { kind: "postgres", url: iso.env.DATABASE_URL }
        : { kind: "pglite", dataDir: iso.env.EKOMUNA_DATA_DIR },
    );
    try {
      const [monitor] = await database.db.select().from(users).where(eq(users.email, "Monitor@MLGA.example"));
      expect(await verify(monitor!.passwordHash!, password!)).toBe(true);
      const roles = await database.db
        .select()
        .from(roleAssignments)
        .where(eq(roleAssignments.userId, monitor!.id));
      expect(roles.map((r) => [r.role, r.municipalityId])).toEqual([["ministry_monitor", null]]);
      const [ops] = await database.db.select().from(users).where(eq(users.email, "ops@mlga.example"));
      expect(await verify(ops!.passwordHash!, "a-long-enough-secret")).toBe(true);
    } finally {
      await database.close();
    }
  });
});
