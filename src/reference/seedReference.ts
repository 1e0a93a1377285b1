// Seeds the national reference data of a profile: municipalities, categories, case statuses, reason
// codes and the holiday calendar. Idempotent: existing rows are updated by their natural key, so a
// re-run after a profile change brings names and standards up to date without touching cases.
import { sql } from "drizzle-orm";
import { CASE_STATUSES, OPEN311_STATUS } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { caseStatuses, categories, holidays, municipalities, reasonCodes } from "../db/schema.ts";
import { translator } from "../kernel/i18n.ts";
import { seedResponseTemplates } from "../workspace/templates.ts";
import type { Profile } from "./profile.ts";
import { forgetReferenceData } from "./referenceCache.ts";

const excluded = (column: string) => sql.raw(`excluded.${column}`);

export async function seedReference(db: Db, profile: Profile): Promise<void> {
  const [sq, sr, en] = [translator("sq"), translator("sr"), translator("en")];
  await db.transaction(async (tx) => {
    await tx
      .insert(municipalities)
      .values(profile.municipalities)
      .onConflictDoUpdate({
        target: municipalities.slug,
        set: { code: excluded("code"), name: excluded("name"), majority: excluded("majority") },
      });

    await tx
      .insert(caseStatuses)
      .values(
        CASE_STATUSES.map((code, position) => ({
          code,
          position,
          open311: OPEN311_STATUS[code],
          name: { sq: sq(`status.${code}`), sr: sr(`status.${code}`), en: en(`status.${code}`) },
        })),
      )
      .onConflictDoUpdate({
        target: caseStatuses.code,
        set: { name: excluded("name"), open311: excluded("open311"), position: excluded("position") },
      });

    await tx
      .insert(reasonCodes)
      .values(profile.reasonCodes)
      .onConflictDoUpdate({
        target: reasonCodes.code,
        set: { appliesTo: excluded("applies_to"), name: excluded("name") },
      });

    // National categories have no municipality: their code is unique through a partial index.
    await tx
      .insert(categories)
      .values(profile.categories)
      .onConflictDoUpdate({
        target: categories.code,
        targetWhere: sql`municipality_id is null`,
        set: {
          type: excluded("type"),
          group: excluded("group_code"),
          name: excluded("name"),
          sensitive: excluded("sensitive"),
          anonymousAllowed: excluded("anonymous_allowed"),
          ackWithin: excluded("ack_within"),
          firstResponseWithin: excluded("first_response_within"),
          resolutionWithin: excluded("resolution_within"),
        },
      });

    await tx
      .insert(holidays)
      .values(profile.holidays.map((h) => ({ ...h, calendar: profile.code })))
      .onConflictDoUpdate({
        target: [holidays.calendar, holidays.date, holidays.code],
        set: {
          observed: excluded("observed"),
          name: excluded("name"),
          rule: excluded("rule"),
          status: excluded("status"),
        },
      });
  });
  await seedResponseTemplates(db);
  forgetReferenceData(db);
}

/** True when the reference data has never been seeded (the first start on a new database). */
export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(municipalities);
  return (row?.n ?? 0) === 0;
}
