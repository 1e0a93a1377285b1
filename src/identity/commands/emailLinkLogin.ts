// Logging in without a password: a one-time link by email. Requesting one says the same whether or
// not the address has an account; using one opens a session (and proves the address).
import { and, eq, gt, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { emailTokens, users } from "../../db/schema.ts";
import { enqueue } from "../../notifications/outbox.ts";
import { accountEmail } from "../emails.ts";
import { hashPassword } from "../passwords.ts";
import { createSession, type LoginMethod, revokeAllSessions } from "../sessions.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";
import { consumeEmailToken, issueEmailToken } from "./emailTokens.ts";

async function findLiveUser(deps: IdentityDeps, email: string) {
  const [user] = await deps.db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()))
    .limit(1);
  return user && !user.deletedAt ? user : undefined;
}

/** At most this many emailed links per address and hour, whoever asks: no one can flood an inbox. */
export const LINKS_PER_ADDRESS_PER_HOUR = 5;

/** Sends a login link or a password-reset link, if the address has an account. Always "ok". */
export async function sendAccountLink(
  kind: "login" | "reset_password",
  email: string,
  deps: IdentityDeps,
): Promise<{ ok: true }> {
  const user = await findLiveUser(deps, email);
  if (!user) return { ok: true };
  const [recent] = await deps.db
    .select({ n: sql<number>`count(*)::int` })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.userId, user.id),
        gt(emailTokens.createdAt, new Date(deps.now.getTime() - 3_600_000)),
      ),
    );
  if ((recent?.n ?? 0) >= LINKS_PER_ADDRESS_PER_HOUR) return { ok: true };
  await deps.db.transaction(async (tx) => {
    const token = await issueEmailToken(tx, {
      purpose: kind,
      email: user.email,
      userId: user.id,
      now: deps.now,
    });
    const path = kind === "login" ? "/login/link" : "/password/reset";
    await enqueue(
      tx,
      {
        kind: "email",
        payload: accountEmail(kind, user.email, user.language, {
          name: user.name,
          link: `${deps.baseUrl}${path}/${token}`,
        }),
      },
      deps.now,
    );
  });
  deps.poke();
  return { ok: true };
}

export type LinkResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: "expired_or_used" };

/** Uses a login or email-verification link: marks the address verified and opens a session. */
export async function useAccountLink(
  kind: "login" | "verify_email",
  token: string,
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<LinkResult> {
  const { now } = deps;
  return deps.db.transaction(async (tx) => {
    const row = await consumeEmailToken(tx, token, kind, now);
    if (!row?.userId) return { ok: false as const, reason: "expired_or_used" as const };
    const [user] = await tx.select().from(users).where(eq(users.id, row.userId)).limit(1);
    if (!user || user.deletedAt) return { ok: false as const, reason: "expired_or_used" as const };
    if (!user.emailVerifiedAt)
      await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, user.id));
    const method: LoginMethod = "email_link";
    const session = await createSession(tx, { userId: user.id, method, now, ...request }, deps.session);
    await appendAudit(tx, {
      at: now,
      actorId: user.id,
      action: kind === "login" ? "auth.login" : "account.email_verified",
      subjectType: "user",
      subjectId: user.id,
      ip: request.ip ?? null,
      data: { method },
    });
    return { ok: true as const, token: session.token, userId: user.id };
  });
}

/** Sets a new password from a reset link: every other session ends, a new one opens. */
export async function resetPassword(
  token: string,
  password: string,
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<LinkResult> {
  const { now } = deps;
  const passwordHash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    const row = await consumeEmailToken(tx, token, "reset_password", now);
    if (!row?.userId) return { ok: false as const, reason: "expired_or_used" as const };
    await tx
      .update(users)
      .set({ passwordHash, emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})` })
      .where(eq(users.id, row.userId));
    await revokeAllSessions(tx, row.userId, now);
    const session = await createSession(
      tx,
      { userId: row.userId, method: "password_reset", now, ...request },
      deps.session,
    );
    await appendAudit(tx, {
      at: now,
      actorId: row.userId,
      action: "account.password_reset",
      subjectType: "user",
      subjectId: row.userId,
      ip: request.ip ?? null,
    });
    return { ok: true as const, token: session.token, userId: row.userId };
  });
}
