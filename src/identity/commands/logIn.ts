// Logging in with email and password, with growing delays after failures. Wrong password and unknown
// email are one and the same answer, and cost the same time.
import { eq, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { users } from "../../db/schema.ts";
import { enqueue } from "../../notifications/outbox.ts";
import { accountEmail } from "../emails.ts";
import { verifyPassword } from "../passwords.ts";
import { createSession } from "../sessions.ts";
import { blockedUntil, clearFailures, recordFailure, throttleKeys } from "../throttle.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";
import { issueEmailToken } from "./emailTokens.ts";

export type LogInResult =
  | { ok: true; token: string; userId: string }
  | { ok: false; reason: "invalid_credentials" | "email_not_verified" }
  | { ok: false; reason: "throttled"; retryAfterSeconds: number };

export async function logIn(
  input: { email: string; password: string },
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<LogInResult> {
  const { db, now } = deps;
  const keys = throttleKeys(input.email, request.ip);
  const until = await blockedUntil(db, keys, now);
  if (until)
    return {
      ok: false,
      reason: "throttled",
      retryAfterSeconds: Math.ceil((until.getTime() - now.getTime()) / 1000),
    };

  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, input.email.trim().toLowerCase()))
    .limit(1);
  const live = user && !user.deletedAt ? user : undefined;
  if (!(await verifyPassword(live?.passwordHash, input.password)) || !live) {
    await recordFailure(db, keys, now);
    return { ok: false, reason: "invalid_credentials" };
  }
  await clearFailures(db, keys[0]!);
  if (!live.emailVerifiedAt) {
    await db.transaction(async (tx) => {
      const token = await issueEmailToken(tx, {
        purpose: "verify_email",
        email: live.email,
        userId: live.id,
        now,
      });
      await enqueue(
        tx,
        {
          kind: "email",
          payload: accountEmail("verify_email", live.email, live.language, {
            name: live.name,
            link: `${deps.baseUrl}/verify-email/${token}`,
          }),
        },
        now,
      );
    });
    deps.poke();
    return { ok: false, reason: "email_not_verified" };
  }
  const session = await db.transaction(async (tx) => {
    const s = await createSession(tx, { userId: live.id, method: "password", now, ...request }, deps.session);
    await appendAudit(tx, {
      at: now,
      actorId: live.id,
      action: "auth.login",
      subjectType: "user",
      subjectId: live.id,
      ip: request.ip ?? null,
      data: { method: "password" },
    });
    return s;
  });
  return { ok: true, token: session.token, userId: live.id };
}
