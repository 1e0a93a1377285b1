// A citizen's rights under Law 06/L-082: a copy of all their data, and erasure. Erasure keeps the
// cases they submitted (the municipality's record and public statistics) with the personal data removed.
import { asc, eq, inArray } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import type { Db } from "../../db/client.ts";
import {
  caseEvents,
  cases,
  emailTokens,
  identities,
  roleAssignments,
  sessions,
  users,
} from "../../db/schema.ts";

/** Everything the platform holds about a person, as one JSON document. */
export async function exportPersonalData(db: Db, userId: string, now: Date, ip?: string) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) return undefined;
  const submitted = await db
    .select()
    .from(cases)
    .where(eq(cases.submitterId, userId))
    .orderBy(asc(cases.receivedAt));
  const events = submitted.length
    ? await db
        .select()
        .from(caseEvents)
        .where(
          inArray(
            caseEvents.caseId,
            submitted.map((c) => c.id),
          ),
        )
        .orderBy(asc(caseEvents.at))
    : [];
  const data = {
    exportedAt: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      name: user.name,
      language: user.language,
      identityLevel: user.identityLevel,
      emailVerifiedAt: user.emailVerifiedAt,
      createdAt: user.createdAt,
      hasPassword: user.passwordHash !== null,
    },
    linkedIdentities: (await db.select().from(identities).where(eq(identities.userId, userId))).map((i) => ({
      provider: i.provider,
      subject: i.subject,
      linkedAt: i.createdAt,
    })),
    staffRoles: await db
      .select({
        role: roleAssignments.role,
        municipalityId: roleAssignments.municipalityId,
        departmentId: roleAssignments.departmentId,
      })
      .from(roleAssignments)
      .where(eq(roleAssignments.userId, userId)),
    sessions: (await db.select().from(sessions).where(eq(sessions.userId, userId))).map((s) => ({
      openedAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      revokedAt: s.revokedAt,
      method: s.method,
      ip: s.ip,
      userAgent: s.userAgent,
    })),
    cases: submitted.map((c) => ({
      trackingCode: c.trackingCode,
      type: c.type,
      status: c.status,
      title: c.title,
      description: c.description,
      address: c.address,
      latitude: c.latitude,
      longitude: c.longitude,
      contactName: c.contactName,
      contactEmail: c.contactEmail,
      contactPhone: c.contactPhone,
      showName: c.showName,
      language: c.language,
      receivedAt: c.receivedAt,
      timeline: events
        .filter((e) => e.caseId === c.id && e.isPublic)
        .map((e) => ({
          at: e.at,
          type: e.type,
          from: e.fromStatus,
          to: e.toStatus,
          reason: e.reasonCode,
          message: e.message,
        })),
    })),
  };
  await db.transaction((tx) =>
    appendAudit(tx, {
      at: now,
      actorId: userId,
      action: "account.exported",
      subjectType: "user",
      subjectId: userId,
      ip: ip ?? null,
    }),
  );
  return data;
}

/** Deletes an account: the person is gone, their cases stay without their name and contact details. */
export async function deleteAccount(db: Db, userId: string, now: Date, ip?: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, userId));
    if (!user) return false;
    const anonymised = await tx
      .update(cases)
      .set({
        submitterId: null,
        contactName: null,
        contactEmail: null,
        contactPhone: null,
        showName: false,
        updatedAt: now,
      })
      .where(eq(cases.submitterId, userId))
      .returning({ id: cases.id });
    await tx.delete(emailTokens).where(eq(emailTokens.userId, userId));
    await tx.delete(users).where(eq(users.id, userId));
    await appendAudit(tx, {
      at: now,
      actorId: userId,
      action: "account.deleted",
      subjectType: "user",
      subjectId: userId,
      ip: ip ?? null,
      data: { casesAnonymised: anonymised.length },
    });
    return true;
  });
}
