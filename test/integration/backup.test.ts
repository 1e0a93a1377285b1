// `ekomuna backup` and `ekomuna restore` as an operator runs them, on the test run's database (a PGlite
// data directory with the uploads inside it, as by default, or a PostgreSQL database with the uploads
// elsewhere): the demo data and uploaded files are backed up, the platform destroyed and restored, and
// compared table by table, row by row for cases, their events and the audit log, and file by file.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalDiskPhotoStore, newDocumentKey, newPhotoKeys } from "../../src/cases/photos/storage.ts";
import { type Database, openDatabase } from "../../src/db/client.ts";
import { seedDemo } from "../../src/demo/seedDemo.ts";
import { main } from "../../src/main.ts";
import { restoreDemoDocuments } from "../../src/participation/consultations/demo.ts";
import { prepareDatabase } from "../../src/platform.ts";
import { adminUrl, testDatabaseKind } from "../support/databaseTarget.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";

const work = mkdtempSync(join(tmpdir(), "ekomuna-backup-test-"));
const backupFile = join(work, "ekomuna-backup.tar.gz");
const postgres = testDatabaseKind() === "postgres";

let test: TestDatabase;
let env: Record<string, string>;
let uploadsDir: string;
let open: () => Promise<Database>;
/** Leaves nothing of the platform: an empty database (PostgreSQL) or no data directory at all (PGlite). */
let destroy: () => Promise<void>;

async function cli(...args: string[]) {
  return cliWith({}, ...args);
}

async function cliWith(extraEnv: Record<string, string>, ...args: string[]) {
  let out = "";
  let err = "";
  const status = await main(
    args,
    { ...env, ...extraEnv },
    {
      out: (s) => {
        out += `${s}\n`;
      },
      err: (s) => {
        err += `${s}\n`;
      },
      stdin: async () => "",
    },
  );
  return { status, out, err };
}

function filesUnder(dir: string, into = new Map<string, string>(), root = dir): Map<string, string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) filesUnder(path, into, root);
    else into.set(relative(root, path), createHash("sha256").update(readFileSync(path)).digest("hex"));
  }
  return into;
}

/** Every table's row count, checksums of cases, case_events and audit_log, and the uploaded files. */
async function snapshot() {
  const database = await open();
  try {
    const rows = async <T>(q: ReturnType<typeof sql>) =>
      ((await database.db.execute(q)) as unknown as { rows: T[] }).rows;
    const tables = await rows<{ name: string }>(sql`
      select schemaname || '.' || tablename as name from pg_tables
      where schemaname in ('public', 'drizzle') order by 1`);
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${name}`));
      counts[name] = Number(row!.n);
    }
    const sums: Record<string, string> = {};
    for (const table of ["cases", "case_events", "audit_log"]) {
      const [row] = await rows<{ sum: string }>(
        sql.raw(`select md5(coalesce(string_agg(t::text, E'\\n' order by t.id), '')) as sum from ${table} t`),
      );
      sums[table] = row!.sum;
    }
    return { counts, sums, files: Object.fromEntries(filesUnder(uploadsDir)) };
  } finally {
    await database.close();
  }
}

let before: Awaited<ReturnType<typeof snapshot>>;
let newest: string;

beforeAll(async () => {
  test = await createTestDatabase();
  const base = { NODE_ENV: "test", LOG_LEVEL: "silent" };
  if (postgres) {
    const url = test.url!;
    const name = new URL(url).pathname.slice(1);
    uploadsDir = join(work, "uploads");
    env = { ...base, DATABASE_URL: url, EKOMUNA_UPLOADS_DIR: uploadsDir };
    open = () => openDatabase({ kind: "postgres", url, poolSize: 1 });
    destroy = async () => {
      const pg = (await import("pg")).default;
      const admin = new pg.Client({ connectionString: adminUrl() });
      await admin.connect();
      await admin.query(`drop database "${name}" with (force)`);
      await admin.query(`create database "${name}"`);
      await admin.end();
      rmSync(uploadsDir, { recursive: true, force: true });
    };
  } else {
    // The run's template, loaded into a data directory of its own (as test/support/processes.ts does).
    const dataDir = join(work, "data");
    const template = await (
      test.database as unknown as { pglite: { dumpDataDir(c: "none"): Promise<Blob> } }
    ).pglite.dumpDataDir("none");
    await (await openDatabase({ kind: "pglite", dataDir, loadDataDir: template })).close();
    uploadsDir = join(dataDir, "uploads");
    env = { ...base, EKOMUNA_DATA_DIR: dataDir };
    open = () => openDatabase({ kind: "pglite", dataDir });
    destroy = async () => rmSync(dataDir, { recursive: true, force: true });
  }
  await test.database.close();
  const database = await open();
  try {
    // The demo's people, cases, events and consultations (seedDemo alone: the ministry's part of the demo
    // adds nothing a backup treats differently).
    const now = new Date("2026-11-26T10:00:00Z");
    const { calendar } = await prepareDatabase(database, { demo: false, now });
    await seedDemo(database.db, calendar, now);
    const store = new LocalDiskPhotoStore(uploadsDir);
    expect(await restoreDemoDocuments(database.db, store)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const keys = newPhotoKeys();
      await store.put(keys.image, randomBytes(20_000 + i), "image/jpeg");
      await store.put(keys.thumbnail, randomBytes(2_000 + i), "image/jpeg");
    }
    const [row] = (
      (await database.db.execute(
        sql`select tracking_code from cases order by created_at desc, id desc limit 1`,
      )) as unknown as { rows: { tracking_code: string }[] }
    ).rows;
    newest = row!.tracking_code;
  } finally {
    await database.close();
  }
  before = await snapshot();
}, 600_000);

afterAll(async () => {
  await test.drop();
  rmSync(work, { recursive: true, force: true });
});

describe("wrong arguments", () => {
  it("say what is wrong, show the usage and exit 2, before touching anything", async () => {
    for (const [args, message] of [
      [["backup"], "backup needs exactly one file."],
      [["backup", "a.tar.gz", "b.tar.gz"], "backup needs exactly one file."],
      [["backup", "--force", "a.tar.gz"], "Unknown option '--force'"],
      [["restore", "--overwrite", "a.tar.gz"], "Unknown option '--overwrite'"],
    ] as const) {
      const run = await cli(...args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.err).toContain(message);
      expect(run.err).toContain("restore FILE [--force]");
    }
  });
});

describe("ekomuna backup and restore", { timeout: 300_000 }, () => {
  it("backs up the database and the uploaded files into one file only its owner reads", async () => {
    expect(before.counts["public.cases"]).toBeGreaterThan(0);
    expect(before.counts["public.audit_log"]).toBeGreaterThan(0);
    expect(Object.keys(before.files)).toHaveLength(7);
    const run = await cli("backup", backupFile);
    expect(run.err).toBe("");
    expect(run.status).toBe(0);
    expect(run.out).toContain(`(${before.counts["public.cases"]} cases, the newest ${newest} of `);
    expect(run.out).toContain("and 7 uploaded files to");
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
  });

  it("says that photos and documents kept in a bucket are not in the file", async () => {
    const run = await cliWith(
      { EKOMUNA_STORAGE: "s3", EKOMUNA_S3_BUCKET: "ekomuna-photos" },
      "backup",
      join(work, "with-bucket.tar.gz"),
    );
    expect(run.status).toBe(0);
    expect(run.out).toContain(
      "Photos and documents are in the bucket ekomuna-photos, not in this file: back the bucket up with its own tools",
    );
  });

  it("refuses to restore over a platform that holds data, and changes nothing", async () => {
    const run = await cli("restore", backupFile);
    expect(run.status).toBe(1);
    expect(run.err).toContain("nothing restored (not empty)");
    expect(run.err).toContain("--force");
    expect(await snapshot()).toEqual(before);
  });

  it("restores a destroyed platform: every table, every case, event and audit entry, every file", async () => {
    await destroy();
    const run = await cli("restore", backupFile);
    expect(run.err).toBe("");
    expect(run.status).toBe(0);
    expect(run.out).toContain(`${before.counts["public.cases"]} cases, the newest ${newest} of `);
    expect(run.out).toContain("; 7 uploaded files.");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a damaged backup before changing anything, and --force replaces a platform in use", async () => {
    // The platform moves on after the backup: a case changed, a document added.
    const database = await open();
    await database.db.execute(
      sql`update cases set title = 'changed after the backup' where tracking_code = ${newest}`,
    );
    await database.close();
    await new LocalDiskPhotoStore(uploadsDir).put(
      newDocumentKey(),
      Buffer.from("%PDF-1.4 later"),
      "application/pdf",
    );
    const moved = await snapshot();
    expect(moved).not.toEqual(before);

    const damaged = join(work, "damaged.tar.gz");
    const bytes = readFileSync(backupFile);
    writeFileSync(damaged, bytes.subarray(0, Math.floor(bytes.length * 0.9)));
    const refused = await cli("restore", "--force", damaged);
    expect(refused.status).toBe(1);
    expect(refused.err).toContain("nothing restored (the backup cannot be read)");
    expect(await snapshot()).toEqual(moved);

    const forced = await cli("restore", "--force", backupFile);
    expect(forced.err).toBe("");
    expect(forced.status).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
