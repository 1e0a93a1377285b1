// Anyone signed in follows a public case (or their own) to hear of its progress; and stops following.
import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { caseFollowers } from "../../db/schema.ts";

export async function followCase(db: Db, caseId: number, userId: string, now: Date): Promise<void> {
  await db.insert(caseFollowers).values({ caseId, userId, createdAt: now }).onConflictDoNothing();
}

export async function unfollowCase(db: Db, caseId: number, userId: string): Promise<void> {
  await db
    .delete(caseFollowers)
    .where(and(eq(caseFollowers.caseId, caseId), eq(caseFollowers.userId, userId)));
}

export async function isFollowing(db: Db, caseId: number, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ caseId: caseFollowers.caseId })
    .from(caseFollowers)
    .where(and(eq(caseFollowers.caseId, caseId), eq(caseFollowers.userId, userId)))
    .limit(1);
  return Boolean(row);
}
