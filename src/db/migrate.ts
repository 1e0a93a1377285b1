// Applies the drizzle-kit migrations in drizzle/ to either database; the same SQL files serve both.
import { fileURLToPath } from "node:url";
import { migrate as migrateNodePg } from "drizzle-orm/node-postgres/migrator";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { Database } from "./client.ts";

export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Brings the schema up to date; safe to run at every start (applied migrations are skipped). */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    // biome-ignore lint/suspicious/noExplicitAny: the two drivers' database types differ only in their session
    await migratePglite(database.db as any, { migrationsFolder });
  } else {
    // biome-ignore lint/suspicious/noExplicitAny: as above
    await migrateNodePg(database.db as any, { migrationsFolder });
  }
}
