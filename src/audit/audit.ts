// The audit log: an append-only, hash-chained record of staff access to personal data and of every
// decision (Law 06/L-082 on the protection of personal data). Each entry's hash covers the previous
// entry's hash and the entry's own fields, so an edited, inserted or deleted row breaks the chain from
// there on. The chain proves the log was not altered in place; anchoring the latest hash outside the
// database (printed, sent to a monitor) also makes truncation of the newest entries evident.
import { createHash } from "node:crypto";
import { asc, desc, gt, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { auditLog } from "../db/schema.ts";

/** The prevHash of the first entry. */
export const GENESIS = "0".repeat(64);

/**
 * The advisory lock key that serializes appends across all connections (PostgreSQL) so that no two
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
 * Appends one entry to the hash chain inside the caller's transaction, so staff access to personal data
 * and every decision leave tamper-evident traces (Law 06/L-082). Call it inside `db.transaction` (the
 * advisory lock is held until that transaction ends) at the default READ COMMITTED isolation level.
 */
export async function appendAudit(tx: AuditWriter, entry: AuditEntry): Promise<{ id: number; hash: string }> {
  // Held until commit or rollback: the next appender reads this entry as its predecessor.
  await tx.execute(sql`select pg_advisory_xact_lock(${sql.raw(AUDIT_CHAIN_LOCK_KEY.toString())})`);
  const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  const prevHash = last?.hash ?? GENESIS;
  // Stored as PostgreSQL gives it back, so the hash recomputed from the row matches.
  const stored: AuditEntry = {
    at: entry.at,
    actorId: entry.actorId == null ? null : normaliseUuid(entry.actorId),
    action: entry.action,
    subjectType: entry.subjectType ?? null,
    subjectId: entry.subjectId ?? null,
    municipalityId: entry.municipalityId ?? null,
    ip: entry.ip ?? null,
    data: entry.data == null ? null : (toJson(entry.data) as Record<string, unknown>),
  };
  const hash = chainHash(prevHash, stored);
  const [row] = await tx
    .insert(auditLog)
    .values({
      at: stored.at,
      actorId: stored.actorId,
      action: stored.action,
      subjectType: stored.subjectType,
      subjectId: stored.subjectId,
      municipalityId: stored.municipalityId,
      ip: stored.ip,
      data: stored.data,
      prevHash,
      hash,
    })
    .returning({ id: auditLog.id });
  return { id: row!.id, hash };
}

/**
 * Recomputes the whole chain in id order, batch by batch, so an operator or monitor can prove the audit
 * log of staff access and decisions was not altered (Law 06/L-082); names the first broken entry.
 * `checked` counts the entries found intact (before the broken one, when there is one).
 */
export async function verifyAuditChain(
  db: Db,
  options: { batchSize?: number } = {},
): Promise<AuditVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError("batchSize must be a positive integer");
  let checked = 0;
  let expectedPrev = GENESIS;
  let afterId: number | undefined;
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(afterId === undefined ? undefined : gt(auditLog.id, afterId))
      .orderBy(asc(auditLog.id))
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
    afterId = rows[rows.length - 1]!.id;
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

/** A uuid in PostgreSQL's output form (lowercase, hyphenated); anything else is left for PostgreSQL to reject. */
function normaliseUuid(id: string): string {
  const hex = id
    .replace(/^\{|\}$/g, "")
    .replaceAll("-", "")
    .toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return id;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
