// Opening the platform's database and bringing it to a usable state: shared by the server, the CLI,
// the tests and the benchmarks so they all start the same way.
import { mkdirSync } from "node:fs";
import type { Config } from "./config.ts";
import { type Database, openDatabase, targetFromConfig } from "./db/client.ts";
import { lockDataDir } from "./db/lock.ts";
import { migrate } from "./db/migrate.ts";
import { hasDemoData, seedDemo } from "./demo/seedDemo.ts";
import { loadCalendar } from "./reference/loadCalendar.ts";
import { loadProfile, type Profile } from "./reference/profile.ts";
import { isEmpty, seedReference } from "./reference/seedReference.ts";
import { seedResponseTemplates } from "./workspace/templates.ts";

/** Opens the configured database, locking a PGlite data directory against a second process. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const target = targetFromConfig(config);
  if (target.kind === "postgres") return openDatabase(target);
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir);
  try {
    const database = await openDatabase(target);
    const close = database.close;
    return {
      ...database,
      close: async () => {
        await close();
        unlock();
      },
    };
  } catch (e) {
    unlock();
    throw e;
  }
}

export interface PrepareOptions {
  demo: boolean;
  now: Date;
  profile?: Profile;
  /** The site's address, for links in the demo's messages. */
  baseUrl?: string;
}

/** Migrates, seeds the reference data on first start, and the demo data in demo mode. */
export async function prepareDatabase(database: Database, options: PrepareOptions) {
  const profile = options.profile ?? loadProfile();
  await migrate(database);
  const seededReference = await isEmpty(database.db);
  if (seededReference) await seedReference(database.db, profile);
  // The national response templates in every catalog language: a database made before Turkish and
  // Bosnian had theirs gets them at its next start; a template already there is never touched.
  else await seedResponseTemplates(database.db);
  const calendar = await loadCalendar(database.db, profile);
  let seededDemo = false;
  if (options.demo && !(await hasDemoData(database.db))) {
    await seedDemo(database.db, calendar, options.now, options.baseUrl);
    // The ministry's view of it: a case escalated to the ministry and an alert (src/ministry).
    const { seedDemoOversight } = await import("./ministry/demo.ts");
    await seedDemoOversight(database.db, calendar, options.now, options.baseUrl);
    seededDemo = true;
  }
  return { profile, calendar, seededReference, seededDemo };
}
