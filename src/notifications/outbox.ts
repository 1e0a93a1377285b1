// The transactional outbox: a side effect (an email, a webhook) is written in the same transaction as the
// change that causes it, and delivered afterwards through its channel (channel.ts) by a worker
// (worker.ts). Nothing is sent for a change that rolled back; nothing is lost for one that committed.
//
// A delivery claims messages of one kind with FOR UPDATE SKIP LOCKED and a lease (locked_until), so any
// number of workers on one PostgreSQL never take the same message while its lease holds; a worker that
// dies mid-delivery leaves leases that expire, and the messages are taken again: at least once, never
// zero times. A failure is retried with exponential backoff, and the message is dead after MAX_ATTEMPTS,
// with the last reason kept for operators (/ops/outbox).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import { outbox } from "../db/schema.ts";
import { type Channel, type OutboxRow, PermanentDeliveryError } from "./channel.ts";
import { emailChannel, type Mailer, type MailMessage } from "./mailer.ts";

export type OutboxMessage = { kind: "email"; payload: MailMessage; topic?: string };

export const MAX_ATTEMPTS = 8;
/**
 * How long a claimed message belongs to its worker. Longer than any one delivery may take (SMTP and
 * webhook timeouts are under a minute), so a live worker's message is never taken by another; a dead
 * worker's messages are taken again this long after it died.
 */
export const LEASE_MS = 120_000;

/** Writes a message to the outbox inside the caller's transaction. */
export async function enqueue(tx: Pick<Db, "insert">, message: OutboxMessage, now: Date): Promise<void> {
  await tx.insert(outbox).values({
    kind: message.kind,
    topic: message.topic ?? null,
    payload: message.payload as unknown as Record<string, unknown>,
    createdAt: now,
    availableAt: now,
  });
}

/** Milliseconds to wait after attempt n before the next: 30 s, 1 min, 2 min … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

// ── Claiming.

// PostgreSQL's text form ("2026-11-26 10:00:00.123+00"), which is what the drivers hand Drizzle, parses as is.
const asDate = (v: unknown): Date | null => (v == null ? null : v instanceof Date ? v : new Date(String(v)));

/** A row as the drivers return raw SQL (ids as strings, times as strings or Dates) → the schema's type. */
function rowOf(r: Record<string, unknown>): OutboxRow {
  return {
    id: Number(r.id),
    kind: String(r.kind),
    payload: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
    topic: r.topic == null ? null : String(r.topic),
    createdAt: asDate(r.created_at)!,
    availableAt: asDate(r.available_at)!,
    attempts: Number(r.attempts),
    lastError: r.last_error == null ? null : String(r.last_error),
    lockedUntil: asDate(r.locked_until),
    deliveredAt: asDate(r.delivered_at),
    deadAt: asDate(r.dead_at),
  };
}

/**
 * Claims up to `limit` due messages of one kind, the longest due first: locks them (skipping rows another
 * worker holds), leases them until now + leaseMs and counts the attempt, in one statement. The locking
 * select is a materialized CTE so it runs exactly once (`IN (subquery … LIMIT)` may be re-run by the
 * planner), and it orders by available_at alone so that it reads the outbox_pending_kind index in order: a tie
 * broken by id would sort every due row first (thousands queued by one transaction share a time).
 */
export async function claim(
  db: Db,
  kind: string,
  now: Date,
  limit: number,
  leaseMs = LEASE_MS,
): Promise<OutboxRow[]> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await executeNamed<Record<string, unknown>>(
    db,
    "outbox_claim",
    sql`with due as materialized (
          select id from outbox
          where kind = ${kind} and delivered_at is null and dead_at is null
            and available_at <= ${now}::timestamptz
            and (locked_until is null or locked_until <= ${now}::timestamptz)
          order by available_at
          limit ${limit}::integer
          for update skip locked
        )
        update outbox as o set locked_until = ${until}::timestamptz, attempts = o.attempts + 1
        from due where o.id = due.id
        returning o.id, o.kind, o.payload, o.topic, o.created_at, o.available_at, o.attempts,
          o.last_error, o.locked_until, o.delivered_at, o.dead_at`,
  );
  return rows.map(rowOf).sort((a, b) => a.availableAt.getTime() - b.availableAt.getTime() || a.id - b.id);
}

// ── Outcomes.

/** What an operator reads as the reason: the error's message (an SMTP reply, an HTTP status), bounded. */
export function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message || e.name : String(e);
  return message.replace(/\s+/g, " ").trim().slice(0, 1000) || "unknown error";
}

/**
 * Records a failed attempt: due again after the backoff, or dead after the last attempt (or at once for a
 * PermanentDeliveryError). Only while the message is still this attempt's: if its lease ran out and
 * another worker took it meanwhile (the attempt count moved on), that worker's outcome stands.
 */
export async function recordFailure(
  db: Db,
  row: OutboxRow,
  error: unknown,
  now: Date,
): Promise<"retry" | "dead"> {
  const dead = error instanceof PermanentDeliveryError || row.attempts >= MAX_ATTEMPTS;
  await executeNamed(
    db,
    "outbox_failed",
    sql`update outbox set locked_until = null, last_error = ${reasonOf(error)},
          available_at = ${new Date(now.getTime() + backoffMs(row.attempts))}::timestamptz,
          dead_at = ${dead ? now : null}::timestamptz
        where id = ${row.id}::bigint and attempts = ${row.attempts}::integer and delivered_at is null`,
  );
  return dead ? "dead" : "retry";
}

/** Marks messages delivered in one statement. */
export async function markDelivered(db: Db, ids: readonly number[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await executeNamed(
    db,
    "outbox_delivered",
    sql`update outbox set delivered_at = ${now}::timestamptz, locked_until = null, last_error = null
        where id = any(${`{${ids.join(",")}}`}::bigint[])`,
  );
}

/**
 * Gives claimed messages back unattempted (a worker stopping before it started them): due again at once,
 * the attempt uncounted. Only those still leased under that attempt.
 */
export async function release(db: Db, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  await executeNamed(
    db,
    "outbox_release",
    sql`update outbox as o set locked_until = null, attempts = o.attempts - 1
        from unnest(${`{${rows.map((r) => r.id).join(",")}}`}::bigint[],
                    ${`{${rows.map((r) => r.attempts).join(",")}}`}::integer[]) as r(id, attempts)
        where o.id = r.id and o.attempts = r.attempts and o.delivered_at is null and o.dead_at is null`,
  );
}

/**
 * Marks deliveries as they complete, in as few statements as the database's pace allows: ids that finish
 * while one statement runs go together in the next (a group commit). A message sent but not yet marked
 * when its worker dies is sent again after its lease: the duplicates are at most the messages in flight.
 */
export function deliveredMarker(db: Db, now: () => Date, log: (e: unknown) => void) {
  let pending: number[] = [];
  let chain: Promise<void> = Promise.resolve();
  let scheduled = false;
  return {
    add(id: number) {
      pending.push(id);
      if (scheduled) return;
      scheduled = true;
      chain = chain.then(async () => {
        scheduled = false;
        const ids = pending;
        pending = [];
        // A failed mark (the database gone for a moment) leaves the messages leased: sent again later.
        await markDelivered(db, ids, now()).catch(log);
      });
    },
    /** Resolves when every id added so far has been written (or given up on). */
    settled: () => chain,
  };
}

export interface DeliveryResult {
  claimed: number;
  delivered: number;
  /** Failed attempts: retried later, or dead (counted in `dead` too). */
  failed: number;
  dead: number;
}

export interface DeliveryControl {
  now: () => Date;
  marker: ReturnType<typeof deliveredMarker>;
  log: (e: unknown) => void;
  /** True once the worker has given up on what is in flight (stopped past its grace): write nothing more. */
  abandoned?: () => boolean;
}

/** Delivers one claimed message and records the outcome. */
export async function deliverOne(
  db: Db,
  channel: Channel,
  row: OutboxRow,
  c: DeliveryControl,
  r: DeliveryResult,
) {
  try {
    await channel.deliver(row);
  } catch (e) {
    if (c.abandoned?.()) return;
    r.failed++;
    try {
      if ((await recordFailure(db, row, e, c.now())) === "dead") r.dead++;
    } catch (dbError) {
      c.log(dbError);
    }
    return;
  }
  if (c.abandoned?.()) return;
  r.delivered++;
  c.marker.add(row.id);
}

/** Delivers claimed messages all at once where the channel can; if that fails, one by one. */
export async function deliverMany(
  db: Db,
  channel: Channel,
  rows: OutboxRow[],
  c: DeliveryControl,
  r: DeliveryResult,
) {
  if (channel.deliverMany && rows.length > 1) {
    try {
      await channel.deliverMany(rows);
      if (c.abandoned?.()) return;
      r.delivered += rows.length;
      for (const row of rows) c.marker.add(row.id);
      return;
    } catch {
      // one by one below, so each message gets its own outcome
    }
  }
  for (const row of rows) await deliverOne(db, channel, row, c, r);
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function withConcurrency<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

/** The channels a caller names: a mailer is the email channel over it. */
export function channelsOf(via: Mailer | Channel | readonly Channel[]): readonly Channel[] {
  if (Array.isArray(via)) return via;
  return "deliver" in (via as object) ? [via as Channel] : [emailChannel(via as Mailer)];
}

/**
 * Delivers what is due now, once: for each channel, claims up to `limit` of its messages and delivers
 * them with up to its concurrency in flight. For tests and one-off runs; the worker (worker.ts) keeps
 * each channel busy continuously instead.
 */
export async function deliverDue(
  db: Db,
  via: Mailer | Channel | readonly Channel[],
  now: () => Date,
  limit = 20,
  options: { leaseMs?: number; log?: (e: unknown) => void } = {},
): Promise<DeliveryResult> {
  const total: DeliveryResult = { claimed: 0, delivered: 0, failed: 0, dead: 0 };
  const log = options.log ?? (() => {});
  await Promise.all(
    channelsOf(via).map(async (channel) => {
      const batch = await claim(db, channel.kind, now(), limit, options.leaseMs);
      total.claimed += batch.length;
      const c: DeliveryControl = { now, marker: deliveredMarker(db, now, log), log };
      if (channel.deliverMany) await deliverMany(db, channel, batch, c, total);
      else await withConcurrency(batch, channel.concurrency, (row) => deliverOne(db, channel, row, c, total));
      await c.marker.settled();
    }),
  );
  return total;
}

// ── For operators (/ops/outbox).

type Rows = { rows: Record<string, unknown>[] };
const rowsOf = async (result: Promise<unknown>) => ((await result) as Rows).rows;

export interface OutboxCounts {
  kind: string;
  /** Not delivered and not dead. */
  queued: number;
  /** Queued, due now and not leased by a worker. */
  due: number;
  /** Leased by a worker now. */
  inFlight: number;
  /** Queued, waiting for a retry after a failed attempt. */
  retrying: number;
  delivered24h: number;
  dead: number;
}

/** The outbox by kind, in one pass. */
export async function outboxCounts(db: Db, now: Date): Promise<OutboxCounts[]> {
  const since = new Date(now.getTime() - 24 * 3_600_000);
  const rows = await rowsOf(
    db.execute(sql`
      select kind,
        count(*) filter (where delivered_at is null and dead_at is null)::integer as queued,
        count(*) filter (where delivered_at is null and dead_at is null and available_at <= ${now}::timestamptz
          and (locked_until is null or locked_until <= ${now}::timestamptz))::integer as due,
        count(*) filter (where delivered_at is null and dead_at is null
          and locked_until > ${now}::timestamptz)::integer as in_flight,
        count(*) filter (where delivered_at is null and dead_at is null and attempts > 0
          and available_at > ${now}::timestamptz)::integer as retrying,
        count(*) filter (where delivered_at >= ${since}::timestamptz)::integer as delivered_24h,
        count(*) filter (where dead_at is not null)::integer as dead
      from outbox group by kind order by kind`),
  );
  return rows.map((r) => ({
    kind: String(r.kind),
    queued: Number(r.queued),
    due: Number(r.due),
    inFlight: Number(r.in_flight),
    retrying: Number(r.retrying),
    delivered24h: Number(r.delivered_24h),
    dead: Number(r.dead),
  }));
}

export interface DeadMessage {
  id: number;
  kind: string;
  topic: string | null;
  /** An email address, or a webhook endpoint's URL. */
  recipient: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

/** The dead messages, the most recently dead first. */
export async function deadMessages(db: Db, limit = 100): Promise<DeadMessage[]> {
  // The endpoint id is read from the payload only when it is a number: a malformed payload must not
  // make the operators' page fail.
  const rows = await rowsOf(
    db.execute(sql`
      select o.id, o.kind, o.topic, o.attempts, o.last_error, o.created_at, o.dead_at,
        case when o.kind = 'email' then o.payload->>'to' else e.url end as recipient
      from outbox o
      left join webhook_endpoints e on o.kind = 'webhook' and e.id = (case
        when o.payload->>'endpointId' ~ '^[0-9]{1,9}$' then (o.payload->>'endpointId')::integer end)
      where o.dead_at is not null
      order by o.dead_at desc, o.id desc
      limit ${limit}::integer`),
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: String(r.kind),
    topic: r.topic == null ? null : String(r.topic),
    recipient: r.recipient == null ? null : String(r.recipient),
    attempts: Number(r.attempts),
    lastError: r.last_error == null ? null : String(r.last_error),
    createdAt: asDate(r.created_at)!,
    deadAt: asDate(r.dead_at)!,
  }));
}

/**
 * Makes a dead message due again with its attempts counted from zero (its last reason kept until it is
 * delivered). False when there is no such dead message (already retried, or never dead).
 */
export async function retryDead(db: Pick<Db, "execute">, id: number, now: Date): Promise<boolean> {
  const rows = await rowsOf(
    db.execute(sql`
      update outbox set dead_at = null, attempts = 0, available_at = ${now}::timestamptz, locked_until = null
      where id = ${id}::bigint and dead_at is not null and delivered_at is null
      returning id`),
  );
  return rows.length > 0;
}

/** Makes every dead message due again (after an outage of the mail server, say); answers how many. */
export async function retryAllDead(db: Pick<Db, "execute">, now: Date): Promise<number> {
  const rows = await rowsOf(
    db.execute(sql`
      update outbox set dead_at = null, attempts = 0, available_at = ${now}::timestamptz, locked_until = null
      where dead_at is not null and delivered_at is null
      returning id`),
  );
  return rows.length;
}

// ── Keeping the table small.

/** How long a delivered message is kept (for operators asking what was sent) before pruning removes it. */
export const KEEP_DELIVERED_MS = 30 * 24 * 3_600_000;

/**
 * Deletes the messages delivered before `before`, a batch at a time (short transactions, no long lock);
 * dead ones stay for operators to read and retry. Returns how many were deleted.
 */
export async function pruneDelivered(db: Db, before: Date, batch = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = (await db.execute(sql`
      delete from outbox where id in (
        select id from outbox where delivered_at is not null and delivered_at < ${before}::timestamptz
        limit ${batch}::integer)`)) as unknown as { rowCount?: number; affectedRows?: number };
    const n = Number(deleted.rowCount ?? deleted.affectedRows ?? 0);
    total += n;
    if (n < batch) return total;
  }
}
