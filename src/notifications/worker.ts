// The outbox worker: one loop per channel, each keeping up to the channel's concurrency of messages in
// flight, so a slow webhook receiver never holds an email (and a refused address holds nothing at all).
// It runs in the server process (the only choice on the embedded database) or alone, any number of
// times, as `ekomuna worker` on PostgreSQL (src/main.ts).
import type { Db } from "../db/client.ts";
import type { Channel, OutboxRow } from "./channel.ts";
import type { Mailer } from "./mailer.ts";
import {
  channelsOf,
  claim,
  type DeliveryControl,
  type DeliveryResult,
  deliveredMarker,
  deliverMany,
  deliverOne,
  KEEP_DELIVERED_MS,
  LEASE_MS,
  pruneDelivered,
  release,
} from "./outbox.ts";

export interface WorkerOptions {
  /** How often an idle channel looks for due messages (a poke looks sooner: see pokeDelayMs). */
  intervalMs?: number;
  /**
   * How long after a poke the channels look (default 20 ms). The pokes of that window make one claim:
   * under a load of hundreds of submissions a second, one claim and one delivery statement per window
   * instead of one per submission (half the round trips a creation cost the database and the server).
   */
  pokeDelayMs?: number;
  /** Messages claimed at once by a channel that delivers many in one go (the development mailbox). */
  batchSize?: number;
  leaseMs?: number;
  /** Delivered messages older than this are deleted, once an hour (KEEP_DELIVERED_MS; 0: never). */
  keepDeliveredMs?: number;
  log?: (e: unknown) => void;
}

export interface OutboxWorker {
  /** Look for due messages within pokeDelayMs rather than at the next tick (after a commit that queued some). */
  poke(): void;
  /** What has been delivered, failed or died since the worker started, over every channel. */
  readonly totals: DeliveryResult;
  /**
   * Stops claiming, then waits for the messages in flight to finish, at most `graceMs` (no limit when
   * absent). What is still in flight after that is abandoned, as if the process had died: nothing more is
   * written for it, its leases expire and another worker delivers it. Resolves with how many were.
   */
  stop(options?: { graceMs?: number }): Promise<{ abandoned: number }>;
}

/** Starts delivering through `via` (channels, or a mailer for email alone) until stopped. */
export function startOutboxWorker(
  db: Db,
  via: Mailer | Channel | readonly Channel[],
  now: () => Date,
  options: WorkerOptions = {},
): OutboxWorker {
  const intervalMs = options.intervalMs ?? 2_000;
  const log = options.log ?? (() => {});
  const totals: DeliveryResult = { claimed: 0, delivered: 0, failed: 0, dead: 0 };
  let stopped = false;
  let abandoned = false;
  const wakers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of wakers) wake();
  };
  const pokeDelayMs = options.pokeDelayMs ?? 20;
  let pokeTimer: NodeJS.Timeout | undefined;
  const poke = () => {
    if (pokeTimer || stopped) return;
    pokeTimer = setTimeout(() => {
      pokeTimer = undefined;
      wakeAll();
    }, pokeDelayMs).unref();
  };

  /** Waits `ms`, or less when poked, a slot frees up, or the worker stops. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      };
      // Like the server's other timers, it does not hold the process open by itself.
      const timer = setTimeout(done, ms).unref();
      wakers.add(done);
    });

  const inFlight = new Set<Promise<void>>();
  const control: DeliveryControl = {
    now,
    log,
    marker: deliveredMarker(db, now, log),
    abandoned: () => abandoned,
  };

  async function runChannel(channel: Channel) {
    const slots = Math.max(1, channel.concurrency);
    const leaseMs = options.leaseMs ?? LEASE_MS;
    let busy = 0;
    // Claimed and not started yet: claiming a few ahead keeps every slot busy with one statement per
    // handful of messages rather than one per message.
    const ahead: OutboxRow[] = [];
    const stale: OutboxRow[] = [];
    const start = (work: Promise<void>) => {
      busy++;
      const tracked = work.catch(log).finally(() => {
        busy--;
        inFlight.delete(tracked);
        wakeAll();
      });
      inFlight.add(tracked);
    };
    const startWaiting = () => {
      while (busy < slots && ahead.length > 0) {
        const row = ahead.shift()!;
        // A message that waited too long for a slot (deliveries slow to the limit of their timeouts)
        // is left to its lease, rather than risk still sending it when another worker may take it.
        if ((row.lockedUntil?.getTime() ?? 0) - now().getTime() < leaseMs / 2) {
          stale.push(row);
          continue;
        }
        start(deliverOne(db, channel, row, control, totals));
      }
    };
    while (!stopped) {
      startWaiting();
      if (stale.length > 0) await release(db, stale.splice(0)).catch(log);
      if (channel.deliverMany ? busy > 0 : busy + ahead.length > slots) {
        await pause(intervalMs);
        continue;
      }
      let batch: OutboxRow[];
      try {
        const limit = channel.deliverMany ? (options.batchSize ?? 100) : 2 * slots - busy - ahead.length;
        batch = await claim(db, channel.kind, now(), limit, leaseMs);
      } catch (e) {
        // The database is unreachable: say so and try again later, without spinning.
        log(e);
        await pause(intervalMs);
        continue;
      }
      totals.claimed += batch.length;
      if (batch.length === 0) {
        await pause(intervalMs);
        continue;
      }
      // Claimed while stopping: a batch for deliverMany is delivered; single messages wait in `ahead` and
      // are given back below.
      if (channel.deliverMany) start(deliverMany(db, channel, batch, control, totals));
      else {
        ahead.push(...batch);
        startWaiting();
      }
    }
    // Stopping: what was claimed ahead and never started goes back, due at once for another worker.
    await release(db, [...ahead.splice(0), ...stale.splice(0)]).catch(log);
  }

  /** Waits `ms` or until the worker stops (deliveries and pokes do not cut it short, unlike `pause`). */
  const onStop = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const done = () => {
        clearTimeout(timer);
        onStop.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms).unref();
      onStop.add(done);
    });

  /** Prunes delivered messages a minute after start and then every hour, until stopped. */
  async function runPruning() {
    const keep = options.keepDeliveredMs ?? KEEP_DELIVERED_MS;
    if (keep <= 0) return;
    await sleep(60_000);
    while (!stopped) {
      await pruneDelivered(db, new Date(now().getTime() - keep)).catch(log);
      await sleep(3_600_000);
    }
  }

  const loops = [...channelsOf(via).map((channel) => runChannel(channel).catch(log)), runPruning()];

  return {
    poke,
    totals,
    async stop({ graceMs }: { graceMs?: number } = {}) {
      stopped = true;
      clearTimeout(pokeTimer);
      wakeAll();
      for (const wake of onStop) wake();
      await Promise.all(loops);
      const drained = (async () => {
        while (inFlight.size > 0) await Promise.all([...inFlight]);
        await control.marker.settled();
      })();
      if (graceMs === undefined) {
        await drained;
        return { abandoned: 0 };
      }
      let timer: NodeJS.Timeout | undefined;
      const late = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!late) return { abandoned: 0 };
      abandoned = true;
      return { abandoned: inFlight.size };
    },
  };
}
