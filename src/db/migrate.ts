// Applies the drizzle-kit migrations in drizzle/ to either database; the same SQL files serve both.
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.ts";
import { poolOf } from "./named.ts";

/** The advisory lock migrations run under on a server ("ekomuna migrate", as a number). */
const MIGRATION_LOCK = 0x656b6d67;

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Brings the schema up to date; safe to run at every start (applied migrations are skipped). */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    // biome-ignore lint/suspicious/noExplicitAny: the two drivers' database types differ only in their session
    await migratePglite(database.db as any, { migrationsFolder });
  } else {
    // Several servers starting together on a new release would each apply what is missing: drizzle's
    // migrator takes no lock. One session holds an advisory lock while it migrates; the others wait for
    // it and then find nothing left to do.
    const pool = poolOf(database.db);
    if (!pool) throw new Error("migrate: a PostgreSQL database must be opened by openDatabase");
    const client = await pool.connect();
    try {
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
      try {
        await migrateNodePg(drizzle(client), { migrationsFolder });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
  }
}
