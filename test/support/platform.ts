// Test platforms: a real database (PGlite or PostgreSQL, copied from the run's template), the real app,
// a fixed clock. Every test file gets its own database, so files run in parallel without sharing rows.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { inject } from "vitest";
import { type AppDeps, buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { type Database, openDatabase } from "../../src/db/client.ts";
import { type Clock, fixedClock } from "../../src/kernel/clock.ts";
import { devMailboxMailer, type Mailer } from "../../src/notifications/mailer.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { Assets } from "../../src/web/assets.ts";
import { adminUrl, testDatabaseKind } from "./databaseTarget.ts";

let cachedTemplate: Blob | undefined;

export interface TestDatabase {
  database: Database;
  /** For PostgreSQL, the URL of this test's own database (to hand to a child process). */
  url?: string;
  drop(): Promise<void>;
}

/** A new database, migrated and seeded with the reference data, for this test file alone. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind() === "postgres") {
    const pg = (await import("pg")).default;
    const name = `ekomuna_test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${inject("pgTemplate")}"`);
        break;
      } catch (e) {
        // Two copies of one template at the same instant can collide ("being accessed by other users").
        if (attempt >= 20 || !String((e as Error).message).includes("being accessed")) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    await admin.end();
    const url = adminUrl(name);
    const database = await openDatabase({ kind: "postgres", url, poolSize: 4 });
    return {
      database,
      url,
      drop: async () => {
        await database.close();
        const cleanup = new pg.Client({ connectionString: adminUrl() });
        await cleanup.connect();
        await cleanup.query(`drop database if exists "${name}" with (force)`);
        await cleanup.end();
      },
    };
  }
  cachedTemplate ??= new Blob([readFileSync(inject("pgliteTemplate"))]);
  const database = await openDatabase({ kind: "pglite", dataDir: undefined, loadDataDir: cachedTemplate });
  return { database, drop: () => database.close() };
}

export interface TestPlatform {
  app: Awaited<ReturnType<typeof buildApp>>;
  deps: AppDeps;
  clock: Clock & { set(d: Date | string): void; advance(ms: number): void };
  close(): Promise<void>;
}

/** The whole app on a fresh database; `demo` adds the demo data; `now` fixes the clock. */
export async function createTestPlatform(
  options: {
    demo?: boolean;
    now?: string;
    env?: Record<string, string>;
    mailer?: (db: Database) => Mailer;
  } = {},
): Promise<TestPlatform> {
  const clock = fixedClock(options.now ?? "2026-11-26T10:00:00Z");
  const test = await createTestDatabase();
  const { profile, calendar } = await prepareDatabase(test.database, {
    demo: options.demo ?? false,
    now: clock.now(),
  });
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", ...options.env });
  const deps: AppDeps = {
    config,
    database: test.database,
    profile,
    calendar,
    clock,
    assets: new Assets(),
    mailer: options.mailer ? options.mailer(test.database) : devMailboxMailer(test.database.db),
    // Tests deliver the outbox themselves (deliverDue), at the moment they choose.
    pokeOutbox: () => {},
  };
  const app = await buildApp(deps, { logger: false });
  return {
    app,
    deps,
    clock,
    close: async () => {
      await app.close();
      await test.drop();
    },
  };
}
