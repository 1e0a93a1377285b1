// Creating a database from nothing takes seconds (initdb in PGlite, migrations everywhere), so it is
// done once per run: a migrated, reference-seeded template that every test file copies.
//  - PGlite: the template's data directory is dumped to a file and loaded by each test file (~0.7 s).
//  - PostgreSQL (EKOMUNA_TEST_DB=postgres): a template database on TEST_DATABASE_URL's server, copied
//    with CREATE DATABASE … TEMPLATE by each test file.
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../src/db/client.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { adminUrl, templateName, testDatabaseKind } from "./databaseTarget.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  if (testDatabaseKind() === "postgres") {
    const pg = (await import("pg")).default;
    const name = templateName();
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`drop database if exists "${name}"`);
    await admin.query(`create database "${name}"`);
    await admin.end();
    const database = await openDatabase({ kind: "postgres", url: adminUrl(name), poolSize: 1 });
    await prepareDatabase(database, { demo: false, now: new Date() });
    await database.close();
    project.provide("pgTemplate", name);
    project.provide("pgliteTemplate", "");
    return async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl() });
      await cleanup.connect();
      await cleanup.query(`drop database if exists "${name}" with (force)`);
      await cleanup.end();
    };
  }
  const database = await openDatabase({ kind: "pglite", dataDir: undefined });
  await prepareDatabase(database, { demo: false, now: new Date() });
  const dump = await (
    database as unknown as { pglite: { dumpDataDir(c: "none"): Promise<Blob> } }
  ).pglite.dumpDataDir("none");
  await database.close();
  const file = join(tmpdir(), `ekomuna-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", file);
  project.provide("pgTemplate", "");
  return () => rmSync(file, { force: true });
}
