// The platform's signing keys: made once at random and kept in the database (platform_keys), so that
// every instance signs and checks alike without a secret in the environment. Today one: "unsubscribe",
// for the links in emails that change a preference without signing in.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { platformKeys } from "../db/schema.ts";

const cache = new WeakMap<object, Map<string, string>>();

/** The key of that name, made (by whichever instance comes first) when it does not exist yet. */
export async function platformKey(db: Pick<Db, "select" | "insert">, name: string): Promise<string> {
  let known = cache.get(db);
  const hit = known?.get(name);
  if (hit) return hit;
  await db
    .insert(platformKeys)
    .values({ name, secret: randomBytes(32).toString("base64url") })
    .onConflictDoNothing();
  const [row] = await db.select().from(platformKeys).where(eq(platformKeys.name, name));
  if (!row) throw new Error(`platform key ${name} could not be made`);
  if (!known) {
    known = new Map();
    cache.set(db, known);
  }
  known.set(name, row.secret);
  return row.secret;
}

/** `value.signature`: the value readable, the signature HMAC-SHA256 of it under the key (base64url). */
export function sign(key: string, value: string): string {
  return `${value}.${createHmac("sha256", key).update(value).digest("base64url")}`;
}

/** The value of a signed string, or undefined when the signature does not match. */
export function verify(key: string, signed: string): string | undefined {
  const at = signed.lastIndexOf(".");
  if (at <= 0) return undefined;
  const value = signed.slice(0, at);
  const expected = Buffer.from(sign(key, value).slice(at + 1));
  const given = Buffer.from(signed.slice(at + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? value : undefined;
}
