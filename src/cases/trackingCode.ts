// Tracking codes are readable and sequential per municipality and year: PRI-2026-000123.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { executeNamedText } from "../db/named.ts";

export function formatTrackingCode(municipalityCode: string, year: number, n: number): string {
  return `${municipalityCode}-${year}-${String(n).padStart(6, "0")}`;
}

export const TRACKING_CODE_PATTERN = /^[A-Z]{3}-\d{4}-\d{6,}$/;

/**
 * Takes the next number for a municipality and year. The upsert locks the counter's row for as long as
 * the statement (or the surrounding transaction, if any) runs, so concurrent submissions never share a
 * number; submitCase calls it outside its transaction to keep that lock short.
 *
 * With `unlessKey`, no number is taken when a case with that idempotency key exists already (a retry):
 * the answer is then undefined.
 */
export async function nextTrackingCode(
  tx: Pick<Db, "execute">,
  municipality: { id: number; code: string },
  year: number,
): Promise<string>;
export async function nextTrackingCode(
  tx: Pick<Db, "execute">,
  municipality: { id: number; code: string },
  year: number,
  unlessKey: string,
): Promise<string | undefined>;
export async function nextTrackingCode(
  tx: Pick<Db, "execute">,
  municipality: { id: number; code: string },
  year: number,
  unlessKey?: string,
): Promise<string | undefined> {
  const result = (await tx.execute(sql`
    insert into tracking_counters (municipality_id, year, last)
    select ${municipality.id}, ${year}, 1
    ${unlessKey === undefined ? sql`` : sql`where not exists (select 1 from cases where idempotency_key = ${unlessKey})`}
    on conflict (municipality_id, year) do update set last = tracking_counters.last + 1
    returning last`)) as unknown as { rows: { last: number }[] };
  const row = result.rows[0];
  return row === undefined ? undefined : formatTrackingCode(municipality.code, year, Number(row.last));
}

/** At most this many numbers are taken by one statement; more submissions waiting wait for the next one. */
const MAX_BATCH = 100;

interface Waiter {
  municipality: { id: number; code: string };
  year: number;
  key: string;
  resolve: (code: string | undefined) => void;
  reject: (err: unknown) => void;
}
interface Queue {
  busy: boolean;
  waiting: Waiter[];
}
const queues = new WeakMap<Db, Queue>();

/**
 * The next tracking code of a municipality and year for a submission with idempotency key `key`, or
 * undefined when that key already made a case (a retry: no number is taken). Numbers are taken for several
 * submissions at once: while one statement takes numbers, the submissions that arrive wait, and the next
 * statement takes theirs together — for every municipality and year among them, each in the order they
 * asked. Alone, a submission takes its number at once as before; under load a creation costs a fraction of
 * a round trip, and a counter's row is locked once per batch instead of once per submission
 * (docs/PERFORMANCE.md). As with nextTrackingCode, a number is never given twice, and a submission that
 * fails after taking one leaves a gap.
 */
export function takeTrackingCode(
  db: Db,
  municipality: { id: number; code: string },
  year: number,
  key: string,
): Promise<string | undefined> {
  let queue = queues.get(db);
  if (!queue) {
    queue = { busy: false, waiting: [] };
    queues.set(db, queue);
  }
  const q = queue;
  return new Promise((resolve, reject) => {
    q.waiting.push({ municipality, year, key, resolve, reject });
    if (!q.busy) void drain(db, q);
  });
}

async function drain(db: Db, q: Queue) {
  q.busy = true;
  try {
    while (q.waiting.length > 0) {
      const batch = q.waiting.splice(0, MAX_BATCH);
      try {
        const numbers = await takeNumbers(db, batch);
        batch.forEach((w, i) => {
          const n = numbers.get(i + 1);
          w.resolve(n === undefined ? undefined : formatTrackingCode(w.municipality.code, w.year, n));
        });
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  } finally {
    q.busy = false;
  }
}

/**
 * One statement: the keys that made no case yet get the next numbers of their municipality and year, in
 * the order given. Answers each such key's number by its position in `batch` (1-based); a key that made a
 * case is absent. Counters are taken in the order of their keys, so that two processes taking numbers for
 * the same municipalities never wait for each other in a circle.
 */
async function takeNumbers(db: Db, batch: readonly Waiter[]) {
  const rows = await executeNamedText<{ at: number | string; n: number | string }>(
    db,
    "take_tracking_numbers",
    `
    with fresh as (
      select m, y, at, row_number() over (partition by m, y order by at) as r
      from unnest($1::integer[], $2::smallint[], $3::text[]) with ordinality as asked(m, y, k, at)
      where not exists (select 1 from cases where idempotency_key = asked.k)
    ),
    wanted as (select m, y, count(*)::integer as n from fresh group by m, y),
    taken as (
      insert into tracking_counters (municipality_id, year, last)
      select m, y, n from wanted order by m, y
      on conflict (municipality_id, year) do update set last = tracking_counters.last + excluded.last
      returning municipality_id, year, last
    )
    select fresh.at, taken.last - wanted.n + fresh.r as n
    from fresh
    join wanted on wanted.m = fresh.m and wanted.y = fresh.y
    join taken on taken.municipality_id = fresh.m and taken.year = fresh.y`,
    [batch.map((w) => w.municipality.id), batch.map((w) => w.year), batch.map((w) => w.key)],
  );
  return new Map(rows.map((r) => [Number(r.at), Number(r.n)]));
}
