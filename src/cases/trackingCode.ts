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
 */
export async function nextTrackingCode(
  tx: Pick<Db, "execute">,
  municipality: { id: number; code: string },
  year: number,
): Promise<string> {
  const result = (await tx.execute(sql`
    insert into tracking_counters (municipality_id, year, last) values (${municipality.id}, ${year}, 1)
    on conflict (municipality_id, year) do update set last = tracking_counters.last + 1
    returning last`)) as unknown as { rows: { last: number }[] };
  const last = Number(result.rows[0]?.last);
  return formatTrackingCode(municipality.code, year, last);
}
