// Logging in with the national eID. The provider has verified who the person is: the account linked to
// their eID opens; else the account with the same email address, when the provider vouches for that
// address, is linked to it; else a new account is made. Either way the account's identity is verified.
import { and, eq, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { identities, users } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import type { EidClaims } from "../oidc.ts";
import { createSession } from "../sessions.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";

/** The `identities.provider` of the national eID. */
export const EID_PROVIDER = "eid";

export type EidLoginResult =
  | { ok: true; token: string; userId: string; account: "existing" | "linked" | "created" }
  /**
   * no_email: the provider shared no (usable) email address, and there is no linked account to open.
   * email_in_use: an account has the address, but the provider does not vouch for the address or that
   * account is already linked to another eID — linking would let an address take over an account.
   * account_closed: the linked account has been closed.
   */
  | { ok: false; reason: "no_email" | "email_in_use" | "account_closed" };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const usableEmail = (email: string | undefined) =>
  email && email.length <= 254 && EMAIL.test(email) ? email : undefined;

export async function logInWithEid(
  claims: EidClaims,
  input: { language: Language },
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<EidLoginResult> {
  const { now } = deps;
  return deps.db.transaction(async (tx) => {
    const audit = (userId: string, action: string, data: Record<string, unknown>) =>
      appendAudit(tx, {
        at: now,
        actorId: userId,
        action,
        subjectType: "user",
        subjectId: userId,
        ip: request.ip ?? null,
        data,
      });

    const [linked] = await tx
      .select({ user: users })
      .from(identities)
      .innerJoin(users, eq(users.id, identities.userId))
      .where(and(eq(identities.provider, EID_PROVIDER), eq(identities.subject, claims.sub)))
      .limit(1);

    let userId: string;
    let account: "existing" | "linked" | "created";
    if (linked) {
      if (linked.user.deletedAt) return { ok: false as const, reason: "account_closed" as const };
      userId = linked.user.id;
      account = "existing";
      if (linked.user.identityLevel !== "verified") {
        await tx.update(users).set({ identityLevel: "verified" }).where(eq(users.id, userId));
      }
    } else {
      const email = usableEmail(claims.email);
      if (!email) return { ok: false as const, reason: "no_email" as const };
      const [existing] = await tx
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, email.toLowerCase()))
        .limit(1);
      if (existing) {
        const [otherEid] = await tx
          .select({ id: identities.id })
          .from(identities)
          .where(and(eq(identities.userId, existing.id), eq(identities.provider, EID_PROVIDER)))
          .limit(1);
        if (existing.deletedAt || !claims.emailVerified || otherEid) {
          return { ok: false as const, reason: "email_in_use" as const };
        }
        userId = existing.id;
        account = "linked";
        await tx
          .update(users)
          .set({
            identityLevel: "verified",
            emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, ${now})`,
          })
          .where(eq(users.id, userId));
      } else {
        const [created] = await tx
          .insert(users)
          .values({
            email,
            name: (claims.name ?? email.split("@")[0]!).slice(0, 200),
            passwordHash: null,
            identityLevel: "verified",
            language: input.language,
            emailVerifiedAt: claims.emailVerified ? now : null,
            createdAt: now,
          })
          .returning({ id: users.id });
        userId = created!.id;
        account = "created";
      }
      await tx
        .insert(identities)
        .values({ userId, provider: EID_PROVIDER, subject: claims.sub, createdAt: now });
      await audit(userId, "account.eid_linked", {
        provider: EID_PROVIDER,
        newAccount: account === "created",
      });
    }

    const session = await createSession(tx, { userId, method: "eid", now, ...request }, deps.session);
    await audit(userId, "auth.login", { method: "eid" });
    return { ok: true as const, token: session.token, userId, account };
  });
}
