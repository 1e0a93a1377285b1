// The audit log's hash chain on a real database: appended in transactions, verified from the stored rows,
// broken by any edit or deletion made behind the platform's back.
import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type AuditEntry, appendAudit, GENESIS, sealAudit, verifyAuditChain } from "../../src/audit/audit.ts";
import { openDatabase } from "../../src/db/client.ts";
import { auditLog } from "../../src/db/schema.ts";
import { createTestDatabase, type TestDatabase } from "../support/platform.ts";
import { isolatedEnv, runCli } from "../support/processes.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());
const db = () => t.database.db;

beforeEach(async () => {
  await db().execute(sql`truncate audit_log restart identity`);
});

const actor = "0b6c9d2e-6f1a-4c3b-9d8e-7f6a5b4c3d2e";

/** A varied entry: key order in data changes with i, every third has no actor, some have an ip. */
function entry(i: number): AuditEntry {
  const data =
    i % 2 === 0
      ? { reason: "case handling", fields: ["name", "phone"], nested: { z: i, a: [1, { y: true, b: null }] } }
      : {
          nested: { a: [1, { b: null, y: true }], z: i },
          fields: ["name", "phone"],
          reason: "case handling",
        };
  return {
    at: new Date(Date.UTC(2026, 10, 26, 10, 0, i, 123)),
    actorId: i % 3 === 0 ? null : actor,
    action: i % 2 === 0 ? "personal_data.view" : "case.decide",
    subjectType: "case",
    subjectId: `PRI-2026-${String(i).padStart(6, "0")}`,
    municipalityId: i % 4 === 0 ? null : 1,
    ip: i % 2 === 0 ? "2001:db8::1" : "203.0.113.9",
    data: i % 5 === 4 ? null : data,
  };
}

/** Appends `count` entries, each in its own transaction, and seals them into the chain. */
async function append(count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = await db().transaction((tx) => appendAudit(tx, entry(i)));
    ids.push(id);
  }
  await sealAudit(db());
  return ids;
}

describe("appendAudit", () => {
  it("writes the entry at once, and chains it to the previous one when sealed, from the genesis hash", async () => {
    const first = await db().transaction((tx) => appendAudit(tx, entry(0)));
    const second = await db().transaction((tx) => appendAudit(tx, entry(1)));
    const pending = await db().select().from(auditLog).orderBy(asc(auditLog.id));
    expect(pending.map((r) => [r.id, r.seq, r.prevHash, r.hash])).toEqual([
      [first.id, null, null, null],
      [second.id, null, null, null],
    ]);
    expect(await sealAudit(db())).toBe(2);
    expect(await sealAudit(db())).toBe(0);
    const rows = await db().select().from(auditLog).orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.id, r.seq, r.prevHash])).toEqual([
      [first.id, 1, GENESIS],
      [second.id, 2, rows[0]!.hash],
    ]);
    expect(rows[1]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]).toMatchObject({ actorId: null, ip: "2001:db8::1", action: "personal_data.view" });
  });

  it("seals in batches, continuing the chain where the last batch ended", async () => {
    for (let i = 0; i < 7; i++) await db().transaction((tx) => appendAudit(tx, entry(i)));
    expect(await sealAudit(db(), { batchSize: 3 })).toBe(7);
    const rows = await db().select().from(auditLog).orderBy(asc(auditLog.seq));
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 7 });
  });

  it("seals an entry whose transaction committed late after those sealed before it", async () => {
    // On PostgreSQL a transaction that took a lower id can commit after a later one was sealed; here the
    // late entry is written with a lower id by hand (PGlite runs one transaction at a time).
    const [early, later] = await append(2);
    const late = early! - 1;
    await db().execute(sql`
      insert into audit_log (id, at, action) overriding system value
      values (${late}, now(), 'case.decide')`);
    expect(await sealAudit(db())).toBe(1);
    const rows = await db().select().from(auditLog).orderBy(asc(auditLog.seq));
    expect(rows.map((r) => r.id)).toEqual([early, later, late]);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 3 });
  });

  it("stores an upper-case actor id as PostgreSQL does, so the chain still verifies", async () => {
    await db().transaction((tx) => appendAudit(tx, { ...entry(1), actorId: actor.toUpperCase() }));
    const [row] = await db().select().from(auditLog);
    expect(row!.actorId).toBe(actor);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 1 });
  });

  it("leaves no trace of an entry whose transaction rolled back", async () => {
    await append(2);
    await expect(
      db().transaction(async (tx) => {
        await appendAudit(tx, entry(2));
        throw new Error("the decision failed");
      }),
    ).rejects.toThrow("the decision failed");
    await append(1);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 3 });
  });
});

describe("verifyAuditChain", () => {
  it("verifies an empty log: 0 checked", async () => {
    expect(await verifyAuditChain(db())).toEqual({ ok: true, checked: 0, lastHash: GENESIS });
  });

  it("verifies an intact log with data in any key order, ips and null actors", async () => {
    await append(7);
    const [last] = await db().select().from(auditLog).orderBy(sql`id desc`).limit(1);
    expect(await verifyAuditChain(db())).toEqual({ ok: true, checked: 7, lastHash: last!.hash });
  });

  it("names an entry edited in the database: hash_mismatch at that entry", async () => {
    const ids = await append(5);
    await db().execute(sql`update audit_log set data = '{"changed":true}' where id = ${ids[2]}`);
    expect(await verifyAuditChain(db())).toEqual({
      ok: false,
      checked: 2,
      brokenAt: ids[2],
      reason: "hash_mismatch",
    });
  });

  it("names the entry after a deleted one: prev_hash_mismatch", async () => {
    const ids = await append(5);
    await db().execute(sql`delete from audit_log where id = ${ids[2]}`);
    expect(await verifyAuditChain(db())).toEqual({
      ok: false,
      checked: 2,
      brokenAt: ids[3],
      reason: "prev_hash_mismatch",
    });
  });

  it("notices a deleted first entry", async () => {
    const ids = await append(3);
    await db().execute(sql`delete from audit_log where id = ${ids[0]}`);
    expect(await verifyAuditChain(db())).toMatchObject({
      ok: false,
      brokenAt: ids[1],
      reason: "prev_hash_mismatch",
    });
  });

  it("walks the log in batches: all 10 checked with batches of 3, a break in the third batch found", async () => {
    const ids = await append(10);
    expect(await verifyAuditChain(db(), { batchSize: 3 })).toMatchObject({ ok: true, checked: 10 });
    // Exactly divisible: the last batch is full and the next one is empty.
    expect(await verifyAuditChain(db(), { batchSize: 5 })).toMatchObject({ ok: true, checked: 10 });
    await db().execute(sql`update audit_log set action = 'case.view' where id = ${ids[7]}`);
    expect(await verifyAuditChain(db(), { batchSize: 3 })).toEqual({
      ok: false,
      checked: 7,
      brokenAt: ids[7],
      reason: "hash_mismatch",
    });
  });

  it("keeps the chain whole when 20 transactions append at once and two sealers run together", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => db().transaction((tx) => appendAudit(tx, entry(i)))),
    );
    const [a, b] = await Promise.all([sealAudit(db()), sealAudit(db())]);
    expect(a + b).toBe(20);
    const rows = await db().select({ prevHash: auditLog.prevHash, seq: auditLog.seq }).from(auditLog);
    expect(new Set(rows.map((r) => r.prevHash)).size).toBe(20);
    expect(new Set(rows.map((r) => r.seq)).size).toBe(20);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, checked: 20 });
  });
});

describe("ekomuna audit", () => {
  let iso: Awaited<ReturnType<typeof isolatedEnv>>;
  beforeAll(async () => {
    iso = await isolatedEnv();
  });
  afterAll(() => iso.drop());

  it("verifies the log of a new database: exit 0, 0 entries", { timeout: 120_000 }, async () => {
    const migrate = await runCli(["migrate"], iso.env);
    expect(migrate.code).toBe(0);
    const run = await runCli(["audit", "verify"], iso.env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Audit log intact: 0 entries checked.");
  });

  it("reports a broken log on standard error: exit 1", { timeout: 120_000 }, async () => {
    const database = await openDatabase(
      iso.env.DATABASE_URL
        ? { kind: "postgres", url: iso.env.DATABASE_URL }
        : { kind: "pglite", dataDir: iso.env.EKOMUNA_DATA_DIR },
    );
    let id: number;
    try {
      const appended = await database.db.transaction((tx) => appendAudit(tx, entry(1)));
      await database.db.transaction((tx) => appendAudit(tx, entry(2)));
      await sealAudit(database.db);
      id = appended.id;
      await database.db.execute(sql`update audit_log set ip = '198.51.100.1' where id = ${id}`);
    } finally {
      await database.close();
    }
    const run = await runCli(["audit", "verify"], iso.env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(
      `Audit log BROKEN at entry ${id} (hash_mismatch): entries from there on cannot be trusted.`,
    );
  });

  it("is a usage error without a subcommand or with an unknown one: exit 2", async () => {
    const alone = await runCli(["audit"], iso.env);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("audit needs a command: verify");
    const unknown = await runCli(["audit", "repair"], iso.env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown audit command "repair"');
  });
});
