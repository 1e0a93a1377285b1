// Secrets given to a browser or an email (session cookies, one-time links) are random 256-bit tokens;
// only their SHA-256 is stored, so a copy of the database opens no session and follows no link.
import { createHash, randomBytes } from "node:crypto";

export function newToken(): { token: string; id: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, id: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A token as it may arrive in a URL or cookie: 43 base64url characters; anything else is not ours. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
