// The transactional outbox: a side effect (an email today; webhooks and in-app messages later) is
// written in the same transaction as the change that causes it, and delivered afterwards by a worker.
// Nothing is sent for a change that rolled back; nothing is lost for one that committed.
import { and, asc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { outbox } from "../db/schema.ts";
import type { Mailer, MailMessage } from "./mailer.ts";

export type OutboxMessage = { kind: "email"; payload: MailMessage };

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

/** Writes a message to the outbox inside the caller's transaction. */
export async function enqueue(tx: Pick<Db, "insert">, message: OutboxMessage, now: Date): Promise<void> {
  await tx.insert(outbox).values({
    kind: message.kind,
    payload: message.payload as unknown as Record<string, unknown>,
    createdAt: now,
    availableAt: now,
  });
}

/** Seconds to wait before attempt n+1: 30 s, 1 min, 2 min … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/**
 * Claims up to `limit` due messages with FOR UPDATE SKIP LOCKED and a lease, so several workers on one
 * PostgreSQL never take the same message; a worker that dies mid-delivery leaves a lease that expires.
 */
export async function claim(db: Db, now: Date, limit: number) {
  // One statement (one round trip, atomic without a transaction around it): the rows are locked by the
  // subquery and leased by the update that uses it.
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        isNull(outbox.deliveredAt),
        isNull(outbox.deadAt),
        lte(outbox.availableAt, now),
        or(isNull(outbox.lockedUntil), lte(outbox.lockedUntil, now)),
      ),
    )
    .orderBy(asc(outbox.availableAt), asc(outbox.id))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(outbox)
    .set({ lockedUntil: new Date(now.getTime() + LEASE_MS), attempts: sql`${outbox.attempts} + 1` })
    .where(inArray(outbox.id, due))
    .returning();
}

/**
 * Delivers what is due once; returns how many were delivered and how many failed. The delivered ones
 * are marked in one statement after the batch (one round trip instead of one per message): a worker
 * that dies before that statement sends them again once their lease ends — at least once, as with any
 * outbox, never zero times.
 */
export async function deliverDue(db: Db, mailer: Mailer, now: () => Date, limit = 20) {
  const batch = await claim(db, now(), limit);
  const delivered: number[] = [];
  let failed = 0;
  // All at once where the mailer can; if that fails, one by one, so each message gets its own error.
  const emails = batch.filter((m) => m.kind === "email");
  if (mailer.sendMany && emails.length === batch.length && batch.length > 1) {
    try {
      await mailer.sendMany(emails.map((m) => m.payload as unknown as MailMessage));
      delivered.push(...batch.map((m) => m.id));
    } catch {
      // fall through to the messages one by one
    }
  }
  for (const message of delivered.length > 0 ? [] : batch) {
    try {
      if (message.kind === "email") await mailer.send(message.payload as unknown as MailMessage);
      delivered.push(message.id);
    } catch (e) {
      failed++;
      const error = String((e as Error).message ?? e).slice(0, 1000);
      const dead = message.attempts >= MAX_ATTEMPTS;
      await db
        .update(outbox)
        .set({
          lockedUntil: null,
          lastError: error,
          availableAt: new Date(now().getTime() + backoffMs(message.attempts)),
          deadAt: dead ? now() : null,
        })
        .where(eq(outbox.id, message.id));
    }
  }
  if (delivered.length > 0) {
    await db
      .update(outbox)
      .set({ deliveredAt: now(), lockedUntil: null, lastError: null })
      .where(inArray(outbox.id, delivered));
  }
  return { delivered: delivered.length, failed, claimed: batch.length };
}

/**
 * Runs delivery in this process every `intervalMs` (and at once when poked), until stopped. On the
 * embedded database this is the only worker; on PostgreSQL several processes may run it.
 */
export function startOutboxWorker(
  db: Db,
  mailer: Mailer,
  now: () => Date,
  options: { intervalMs?: number; log?: (e: unknown) => void } = {},
) {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if (stopped || running) return;
    running = (async () => {
      try {
        while (!stopped && (await deliverDue(db, mailer, now)).claimed > 0) {
          // keep going while there is work
        }
      } catch (e) {
        options.log?.(e);
      }
    })();
    await running;
    running = undefined;
  };
  timer = setInterval(run, options.intervalMs ?? 2_000);
  timer.unref();
  return {
    /** Deliver now rather than at the next tick (after a commit that queued mail). */
    poke: () => void run(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
