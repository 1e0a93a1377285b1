// Growing delays after failed logins, per account (its email) and per IP address: the first few
// failures cost nothing, then each one doubles the wait, up to a quarter of an hour.
import { inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { loginThrottle } from "../db/schema.ts";

/** Failures allowed before delays start: few for one account, more for one address (offices share one). */
export const FREE_FAILURES = { email: 5, ip: 30 } as const;
const MAX_DELAY_MS = 15 * 60_000;
/** Failures older than this are forgotten. */
const MEMORY_MS = 24 * 3_600_000;

export function delayAfter(failures: number, free: number = FREE_FAILURES.email): number {
  if (failures < free) return 0;
  return Math.min(1000 * 2 ** (failures - free + 1), MAX_DELAY_MS);
}

export const throttleKeys = (email: string, ip: string | undefined) => [
  `email:${email.trim().toLowerCase()}`,
  ...(ip ? [`ip:${ip}`] : []),
];

/** When the earliest next attempt may be made, if any key is still blocked. */
export async function blockedUntil(db: Db, keys: string[], now: Date): Promise<Date | undefined> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  const until = rows
    .map((r) => r.blockedUntil)
    .filter((d): d is Date => d !== null && d.getTime() > now.getTime())
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return until;
}

export async function recordFailure(db: Pick<Db, "execute">, keys: string[], now: Date): Promise<void> {
  for (const key of keys) {
    // Forget a streak that is a day old; otherwise count on and block for the grown delay.
    await db.execute(sql`
      insert into login_throttle (key, failures, last_failure_at, blocked_until) values (${key}, 1, ${now}, null)
      on conflict (key) do update set
        failures = case when login_throttle.last_failure_at < ${new Date(now.getTime() - MEMORY_MS)} then 1
                        else login_throttle.failures + 1 end,
        last_failure_at = ${now}`);
  }
  const rows = await (db as Db).select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  for (const r of rows) {
    const delay = delayAfter(r.failures, r.key.startsWith("ip:") ? FREE_FAILURES.ip : FREE_FAILURES.email);
    if (delay > 0) {
      await db.execute(
        sql`update login_throttle set blocked_until = ${new Date(now.getTime() + delay)} where key = ${r.key}`,
      );
    }
  }
}

export async function clearFailures(db: Pick<Db, "delete">, key: string): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [key]));
}
