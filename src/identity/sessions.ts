// Sessions live in the database: revocable, listed on the account page, ended by inactivity (idle
// timeout) and in any case after a maximum age. The cookie carries a random token; the table its hash.
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { sessions, users } from "../db/schema.ts";
import { hashToken, newToken, TOKEN_PATTERN } from "./tokens.ts";

export const SESSION_COOKIE = "sid";

export interface SessionPolicy {
  idleMinutes: number;
  maxDays: number;
}

export type LoginMethod = "password" | "email_link" | "eid" | "invitation" | "password_reset";

/** Opens a session for a user; returns the token for the cookie. */
export async function createSession(
  db: Pick<Db, "insert">,
  input: { userId: string; method: LoginMethod; now: Date; ip?: string; userAgent?: string | undefined },
  policy: SessionPolicy,
): Promise<{ token: string; id: string; expiresAt: Date }> {
  const { token, id } = newToken();
  const expiresAt = new Date(input.now.getTime() + policy.maxDays * 86_400_000);
  await db.insert(sessions).values({
    id,
    userId: input.userId,
    method: input.method,
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
  });
  return { token, id, expiresAt };
}

/**
 * The live session a cookie token names, with its user, or undefined when the token is unknown,
 * revoked, past its maximum age, idle too long, or its account deleted. Refreshes last-seen at most
 * once a minute, so a page full of requests costs one write.
 */
export async function resumeSession(db: Db, token: string | undefined, now: Date, policy: SessionPolicy) {
  if (!token || !TOKEN_PATTERN.test(token)) return undefined;
  const id = hashToken(token);
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, id),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, now),
        isNull(users.deletedAt),
      ),
    )
    .limit(1);
  if (!row) return undefined;
  const idleSince = now.getTime() - row.session.lastSeenAt.getTime();
  if (idleSince > policy.idleMinutes * 60_000) return undefined;
  if (idleSince > 60_000) await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id));
  return row;
}

export async function revokeSession(db: Pick<Db, "update">, id: string, now: Date, userId?: string) {
  const where = userId ? and(eq(sessions.id, id), eq(sessions.userId, userId)) : eq(sessions.id, id);
  const changed = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(where, isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return changed.length > 0;
}

/** Ends every session of a user (after a password reset, or on account deletion), except `keep`. */
export async function revokeAllSessions(db: Pick<Db, "update">, userId: string, now: Date, keep?: string) {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (keep && rows.some((r) => r.id === keep)) {
    await db.update(sessions).set({ revokedAt: null }).where(eq(sessions.id, keep));
  }
}

export async function listSessions(db: Db, userId: string, now: Date) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.lastSeenAt));
}
