// One-time links sent by email: created hashed, valid for a while, usable once.
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { emailTokens } from "../../db/schema.ts";
import { hashToken, newToken, TOKEN_PATTERN } from "../tokens.ts";
import { LINK_VALID_MINUTES } from "./deps.ts";

export type TokenPurpose = keyof typeof LINK_VALID_MINUTES;

export async function issueEmailToken(
  tx: Pick<Db, "insert">,
  input: {
    purpose: TokenPurpose;
    email: string;
    userId: string | null;
    now: Date;
    data?: Record<string, unknown>;
  },
): Promise<string> {
  const { token, id } = newToken();
  await tx.insert(emailTokens).values({
    id,
    purpose: input.purpose,
    email: input.email,
    userId: input.userId,
    data: input.data ?? null,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + LINK_VALID_MINUTES[input.purpose] * 60_000),
  });
  return token;
}

/** The live token, without using it (to show the confirmation page for a link). */
export async function peekEmailToken(
  db: Pick<Db, "select">,
  token: string,
  purpose: TokenPurpose,
  now: Date,
) {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await db
    .select()
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.id, hashToken(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .limit(1);
  return row;
}

/** Uses a token once: the update that marks it used is what decides, so two clicks cannot both win. */
export async function consumeEmailToken(
  tx: Pick<Db, "update">,
  token: string,
  purpose: TokenPurpose,
  now: Date,
) {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const [row] = await tx
    .update(emailTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(emailTokens.id, hashToken(token)),
        eq(emailTokens.purpose, purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, now),
      ),
    )
    .returning();
  return row;
}
