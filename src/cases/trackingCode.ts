// Tracking codes are readable and sequential per municipality and year: PRI-2026-000123.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

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
