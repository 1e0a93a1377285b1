// The audit log: an append-only, hash-chained record of staff access to personal data and of every
// decision (Law 06/L-082 on the protection of personal data). Each entry's hash covers the previous
// entry's hash and the entry's own fields, so an edited, inserted or deleted row breaks the chain from
// there on. The chain proves the log was not altered in place; anchoring the latest hash outside the
// database (printed, sent to a monitor) also makes truncation of the newest entries evident.
//
// Entries are written in the transaction of the change they record (never one without the other), and
// sealed into the chain moments later by sealAudit (the server runs it every second, and verifying runs
// it first). Sealing outside the request is what lets submissions run in parallel: a chain extended inside
// each transaction holds one lock from the append to the commit, and every submission in the country
// queued behind it (docs/PERFORMANCE.md). The price is a window of about a second in which a pending
// entry is in the log but not yet chained; sealing assigns the chain order (`seq`), in the order entries
// are found committed.
import { createHash } from "node:crypto";
import { asc, desc, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";

/** The prevHash of the first entry. */
export const GENESIS = "0".repeat(64);

/**
 * The advisory lock key that serializes sealing across all connections and processes, so that no two
 * entries can chain to the same predecessor. Arbitrary but fixed: "ekAUDIT" in ASCII.
 */
export const AUDIT_CHAIN_LOCK_KEY = 0x656b4155444954n;

const DEFAULT_BATCH_SIZE = 5_000;

/** One audited event, as the caller describes it; absent fields are stored as null. */
export interface AuditEntry {
  at: Date;
  actorId: string | null;
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  municipalityId?: number | null;
  ip?: string | null;
  data?: Record<string, unknown> | null;
}

/** What appendAudit needs of a database: both `Db` and a transaction inside `db.transaction` satisfy it. */
export type AuditWriter = Pick<Db, "execute" | "insert" | "select">;

export type AuditVerification =
  | { ok: true; checked: number; lastHash: string }
  | { ok: false; checked: number; brokenAt: number; reason: "hash_mismatch" | "prev_hash_mismatch" };

/**
 * The deterministic text an entry's hash covers, so the hash recomputed from the stored row (jsonb
 * reorders keys) equals the one computed at append time: tamper evidence for Law 06/L-082 audit data.
 */
export function canonical(entry: AuditEntry): string {
  return JSON.stringify([
    entry.at.toISOString(),
    entry.actorId ?? null,
    entry.action,
    entry.subjectType ?? null,
    entry.subjectId ?? null,
    entry.municipalityId ?? null,
    entry.ip ?? null,
    entry.data == null ? null : sortKeys(toJson(entry.data)),
  ]);
}

/** The hash of an entry chained to its predecessor's hash: sha256(prevHash + "\n" + canonical(entry)), hex. */
export function chainHash(prevHash: string, entry: AuditEntry): string {
  return createHash("sha256")
    .update(`${prevHash}\n${canonical(entry)}`)
    .digest("hex");
}

/**
 * Writes one entry inside the caller's transaction, so staff access to personal data and every decision
 * leave a trace exactly when the change they record is committed (Law 06/L-082). No lock is taken: the
 * entry is chained by sealAudit once committed.
 */
export async function appendAudit(tx: AuditWriter, entry: AuditEntry): Promise<{ id: number }> {
  const [row] = await tx
    .insert(auditLog)
    .values({
      at: entry.at,
      actorId: entry.actorId ?? null,
      action: entry.action,
      subjectType: entry.subjectType ?? null,
      subjectId: entry.subjectId ?? null,
      municipalityId: entry.municipalityId ?? null,
      ip: entry.ip ?? null,
      data: entry.data == null ? null : (toJson(entry.data) as Record<string, unknown>),
    })
    .returning({ id: auditLog.id });
  return { id: row!.id };
}

/**
 * Chains the committed entries not sealed yet, oldest id first, batch by batch: each gets the next `seq`,
 * its predecessor's hash and its own hash computed from the stored row (so verification recomputes the
 * same). One sealer at a time, across processes (the advisory lock). Returns how many were sealed.
 */
export async function sealAudit(db: Db, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let total = 0;
  for (;;) {
    const sealed = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(AUDIT_CHAIN_LOCK_KEY.toString())})`);
      const [last] = await tx
        .select({ seq: auditLog.seq, hash: auditLog.hash })
        .from(auditLog)
        .where(isNotNull(auditLog.seq))
        .orderBy(desc(auditLog.seq))
        .limit(1);
      const pending = await tx
        .select()
        .from(auditLog)
        .where(isNull(auditLog.seq))
        .orderBy(asc(auditLog.id))
        .limit(batchSize);
      if (pending.length === 0) return 0;
      let prevHash = last?.hash ?? GENESIS;
      let seq = last?.seq ?? 0;
      const rows = pending.map((row) => {
        const hash = chainHash(prevHash, row);
        const sealedRow = sql`(${row.id}::bigint, ${++seq}::bigint, ${prevHash}, ${hash})`;
        prevHash = hash;
        return sealedRow;
      });
      await tx.execute(sql`
        update audit_log set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash
        from (values ${sql.join(rows, sql`, `)}) as v(id, seq, prev_hash, hash)
        where audit_log.id = v.id`);
      return pending.length;
    });
    total += sealed;
    if (sealed < batchSize) return total;
  }
}

/** Seals every second in the server process (and on poke()), until stopped. */
export function startAuditSealer(db: Db, options: { intervalMs?: number; log?: (e: unknown) => void } = {}) {
  let stopped = false;
  let running: Promise<void> | undefined;
  const run = async () => {
    if (stopped || running) return;
    running = sealAudit(db).then(
      () => {},
      (e) => options.log?.(e),
    );
    await running;
    running = undefined;
  };
  const timer = setInterval(run, options.intervalMs ?? 1_000);
  timer.unref();
  return {
    poke: () => void run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * Seals what is pending, then recomputes the whole chain in `seq` order, batch by batch, so an operator or
 * monitor can prove the audit log of staff access and decisions was not altered (Law 06/L-082); names the
 * first broken entry (by id). `checked` counts the entries found intact (before the broken one, if any).
 */
export async function verifyAuditChain(
  db: Db,
  options: { batchSize?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError("batchSize must be a positive integer");
  await sealAudit(db);
  let checked = 0;
  let expectedPrev = GENESIS;
  let afterSeq = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, afterSeq))
      .orderBy(asc(auditLog.seq))
      .limit(batchSize);
    for (const row of rows) {
      if (row.prevHash !== expectedPrev) {
        return { ok: false, checked, brokenAt: row.id, reason: "prev_hash_mismatch" };
      }
      if (chainHash(row.prevHash, row) !== row.hash) {
        return { ok: false, checked, brokenAt: row.id, reason: "hash_mismatch" };
      }
      expectedPrev = row.hash;
      checked++;
    }
    if (rows.length < batchSize) return { ok: true, checked, lastHash: expectedPrev };
    afterSeq = rows[rows.length - 1]!.seq!;
  }
}

/** The value as it comes back from jsonb: what JSON.stringify keeps (Dates as ISO strings, no undefined). */
function toJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

/** A JSON value with every object's keys in code-unit order, recursively. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    // No prototype, so a "__proto__" key stays an ordinary key.
    const sorted: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort())
      sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}
