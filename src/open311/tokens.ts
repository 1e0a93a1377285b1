// The token a POST answers with, for clients written for servers that hand out tokens. Ours are
// `<tracking code>.<signature>`: the code signed with a platform key (HMAC-SHA256, 128 bits kept), so
// nothing has to be stored to answer GET tokens/{token}, and nobody can make one up to learn whether a
// case they cannot see exists. The token names the case; it grants nothing (the tracking link's token,
// which lets its holder act as the submitter, is never given out here).
import { createHmac, timingSafeEqual } from "node:crypto";
import { TRACKING_CODE_PATTERN } from "../cases/trackingCode.ts";
import type { Db } from "../db/client.ts";
import { platformKey } from "../notifications/keys.ts";

const KEY_NAME = "open311_token";

const mac = (key: string, code: string) =>
  createHmac("sha256", key).update(`open311-token:${code}`).digest("base64url").slice(0, 22);

export async function tokenFor(db: Db, trackingCode: string): Promise<string> {
  return `${trackingCode}.${mac(await platformKey(db, KEY_NAME), trackingCode)}`;
}

/** The tracking code a token names, or undefined when it is not a token of ours. */
export async function trackingCodeOf(db: Db, token: string): Promise<string | undefined> {
  const at = token.lastIndexOf(".");
  if (at <= 0 || token.length > 100) return undefined;
  const code = token.slice(0, at);
  if (!TRACKING_CODE_PATTERN.test(code)) return undefined;
  const expected = Buffer.from(mac(await platformKey(db, KEY_NAME), code));
  const given = Buffer.from(token.slice(at + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? code : undefined;
}
