// A citizen registers with name, email and password. The answer never says whether the email already
// had an account: the owner of an existing account gets an email about the attempt instead.
import { eq, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { users } from "../../db/schema.ts";
import type { Language } from "../../kernel/i18n.ts";
import { enqueue } from "../../notifications/outbox.ts";
import { accountEmail } from "../emails.ts";
import { hashPassword } from "../passwords.ts";
import type { IdentityDeps, RequestInfo } from "./deps.ts";
import { issueEmailToken } from "./emailTokens.ts";

export async function registerAccount(
  input: { name: string; email: string; password: string; language: Language },
  deps: IdentityDeps,
  request: RequestInfo = {},
): Promise<{ ok: true }> {
  const { db, now } = deps;
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()))
      .limit(1);
    if (existing && !existing.deletedAt) {
      await enqueue(
        tx,
        {
          kind: "email",
          payload: accountEmail("already_registered", existing.email, existing.language, {
            name: existing.name,
            link: `${deps.baseUrl}/login`,
          }),
        },
        now,
      );
      return;
    }
    const [user] = await tx
      .insert(users)
      .values({
        email: input.email,
        name: input.name,
        passwordHash,
        language: input.language,
        createdAt: now,
      })
      .returning();
    const token = await issueEmailToken(tx, {
      purpose: "verify_email",
      email: input.email,
      userId: user!.id,
      now,
    });
    await enqueue(
      tx,
      {
        kind: "email",
        payload: accountEmail("verify_email", input.email, input.language, {
          name: input.name,
          link: `${deps.baseUrl}/verify-email/${token}`,
        }),
      },
      now,
    );
    await appendAudit(tx, {
      at: now,
      actorId: user!.id,
      action: "account.registered",
      subjectType: "user",
      subjectId: user!.id,
      ip: request.ip ?? null,
    });
  });
  deps.poke();
  return { ok: true };
}
