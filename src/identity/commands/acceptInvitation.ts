// Following a staff invitation: the link is used up in the same transaction that grants the role, so it
// grants once. The invitee is either signed in with the invited address (password, email link or eID)
// or creates the account here with a name and a password; the link proves the address either way.
import { eq, sql } from "drizzle-orm";
import { STAFF_ROLES, type StaffRole } from "../../access/roles.ts";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import { departments, roleAssignments, users } from "../../db/schema.ts";
import { DEFAULT_LANGUAGE, isLanguage } from "../../kernel/i18n.ts";
import { hashPassword, type PasswordProblem, passwordProblem } from "../passwords.ts";
import { createSession } from "../sessions.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";
import { consumeEmailToken, peekEmailToken } from "./emailTokens.ts";
import { holdsRole, type InvitationData } from "./inviteStaff.ts";

export type AcceptInvitationInput =
  /** The signed-in person accepts (their account's address must be the invited one). */
  | { kind: "signed_in"; userId: string }
  /** Nobody is signed in and the address has no account: create it. */
  | { kind: "new_account"; name: string; password: string };

export type AcceptInvitationResult =
  | {
      ok: true;
      userId: string;
      /** True when the account was created by this acceptance. */
      created: boolean;
      /** The session opened for a created account (the cookie's token). */
      sessionToken?: string;
    }
  | { ok: false; reason: "expired_or_used" } // unknown, expired or already used link
  | { ok: false; reason: "other_email" } // signed in with an account of another address
  | { ok: false; reason: "account_exists" } // creating an account for an address that has one: log in instead
  | { ok: false; reason: "weak_password"; problem: PasswordProblem };

type Refusal = Exclude<AcceptInvitationResult, { ok: true }>;

/** Thrown inside the transaction to roll back the use of the link; caught below. */
class Refused extends Error {
  constructor(readonly result: Refusal) {
    super(result.reason);
  }
}

/** The invitation data of a token row, or undefined when it is not one we wrote. */
export function invitationData(data: Record<string, unknown> | null | undefined): InvitationData | undefined {
  if (!data) return undefined;
  const { role, municipalityId, departmentId, language, invitedBy } = data;
  const id = (v: unknown) => v === null || (typeof v === "number" && Number.isInteger(v));
  if (!(STAFF_ROLES as readonly unknown[]).includes(role) || !id(municipalityId) || !id(departmentId))
    return undefined;
  return {
    role: role as StaffRole,
    municipalityId: municipalityId as number | null,
    departmentId: departmentId as number | null,
    language: isLanguage(language) ? language : DEFAULT_LANGUAGE,
    invitedBy: typeof invitedBy === "string" ? invitedBy : "",
  };
}

/** The live invitation a link names, without using it: its address and what it grants. */
export async function findInvitation(db: Pick<Db, "select">, token: string, now: Date) {
  const row = await peekEmailToken(db, token, "invitation", now);
  const data = invitationData(row?.data);
  return row && data ? { email: row.email, ...data } : undefined;
}

export async function acceptInvitation(
  token: string,
  input: AcceptInvitationInput,
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<AcceptInvitationResult> {
  const { db, now } = deps;
  let passwordHash: string | undefined;
  if (input.kind === "new_account") {
    // Checked against the invited address before the (slow) hashing; the link is looked at, not used.
    const invitation = await findInvitation(db, token, now);
    if (!invitation) return { ok: false, reason: "expired_or_used" };
    const problem = passwordProblem(input.password, invitation.email);
    if (problem) return { ok: false, reason: "weak_password", problem };
    passwordHash = await hashPassword(input.password);
  }

  try {
    return await db.transaction(async (tx) => {
      const row = await consumeEmailToken(tx, token, "invitation", now);
      const invitation = invitationData(row?.data);
      if (!row || !invitation) throw new Refused({ ok: false, reason: "expired_or_used" });
      const { role, municipalityId, departmentId } = invitation;
      if (departmentId !== null) {
        const [department] = await tx
          .select()
          .from(departments)
          .where(eq(departments.id, departmentId))
          .limit(1);
        if (!department) throw new Refused({ ok: false, reason: "expired_or_used" });
      }

      let userId: string;
      let created = false;
      if (input.kind === "signed_in") {
        const [user] = await tx.select().from(users).where(eq(users.id, input.userId)).limit(1);
        if (!user || user.deletedAt) throw new Refused({ ok: false, reason: "expired_or_used" });
        if (user.email.toLowerCase() !== row.email.toLowerCase())
          throw new Refused({ ok: false, reason: "other_email" });
        userId = user.id;
        // Following the link proves the address.
        if (!user.emailVerifiedAt)
          await tx.update(users).set({ emailVerifiedAt: now }).where(eq(users.id, user.id));
      } else {
        // Any row with the address (even one being deleted) holds it: the person logs in instead.
        const [taken] = await tx
          .select({ id: users.id })
          .from(users)
          .where(eq(sql`lower(${users.email})`, row.email.toLowerCase()))
          .limit(1);
        if (taken) throw new Refused({ ok: false, reason: "account_exists" });
        const [user] = await tx
          .insert(users)
          .values({
            email: row.email,
            name: input.name,
            passwordHash: passwordHash ?? null,
            language: invitation.language,
            emailVerifiedAt: now,
            createdAt: now,
          })
          .returning();
        userId = user!.id;
        created = true;
        await appendAudit(tx, {
          at: now,
          actorId: userId,
          action: "account.registered",
          subjectType: "user",
          subjectId: userId,
          ip: request.ip ?? null,
          data: { via: "invitation" },
        });
      }

      // Granted in the meantime (another invitation, say): nothing to add, and the link is used all the same.
      if (!(await holdsRole(tx, userId, role, municipalityId, departmentId))) {
        await tx
          .insert(roleAssignments)
          .values({ userId, role, municipalityId, departmentId, createdAt: now });
        await appendAudit(tx, {
          at: now,
          actorId: invitation.invitedBy || null,
          action: "role.granted",
          subjectType: "user",
          subjectId: userId,
          municipalityId,
          ip: request.ip ?? null,
          // The inviter granted it; the invitee's acceptance (from `ip`) made it take effect.
          data: { role, departmentId, via: "invitation", acceptedBy: userId },
        });
      }

      if (!created) return { ok: true as const, userId, created };
      const session = await createSession(
        tx,
        { userId, method: "invitation", now, ...request },
        deps.session,
      );
      return { ok: true as const, userId, created, sessionToken: session.token };
    });
  } catch (e) {
    if (e instanceof Refused) return e.result;
    throw e;
  }
}
