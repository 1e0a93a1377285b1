// Seeds the national reference data of a profile: municipalities, categories, case statuses, reason
// codes and the holiday calendar. Idempotent: existing rows are updated by their natural key, so a
// re-run after a profile change brings names and standards up to date without touching cases (nor the
// years of the calendar the ministry has edited).
import { and, eq, isNull, like, sql } from "drizzle-orm";
import {
  ACCESS_TO_DOCUMENTS,
  ACCESS_TO_DOCUMENTS_CATEGORY,
  ACCESS_TO_DOCUMENTS_LAW,
  accessToDocumentsRules,
} from "../cases/sla.ts";
import { CASE_STATUSES, OPEN311_STATUS } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import {
  auditLog,
  caseStatuses,
  categories,
  holidays,
  municipalities,
  participationSettings,
  reasonCodes,
  standardChanges,
} from "../db/schema.ts";
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

    // What the ministry has changed since (src/standards: a category, its standard, a reason code) is
    // theirs: a re-seed adds what is new in the profile and neither undoes an edit nor revives a retired one.
    const changed = new Set(
      (await tx.selectDistinct({ subject: standardChanges.subject }).from(standardChanges)).map(
        (c) => c.subject,
      ),
    );
    const ministryEdited = (subjects: string[]) => subjects.some((s) => changed.has(s));
    const seededReasons = profile.reasonCodes.filter((r) => !ministryEdited([`reason_code:${r.code}`]));
    const seededCategories = profile.categories.filter(
      (c) => !ministryEdited([`category:${c.code}`, `sla:${c.type}:${c.code}:*`]),
    );

    if (seededReasons.length > 0)
      await tx
        .insert(reasonCodes)
        .values(seededReasons)
        .onConflictDoUpdate({
          target: reasonCodes.code,
          set: { appliesTo: excluded("applies_to"), name: excluded("name") },
        });

    // National categories have no municipality: their code is unique through a partial index.
    if (seededCategories.length > 0)
      await tx
        .insert(categories)
        .values(seededCategories.map(withLegalStandard))
        .onConflictDoUpdate({
          target: categories.code,
          targetWhere: sql`municipality_id is null`,
          set: {
            type: excluded("type"),
            group: excluded("group_code"),
            name: excluded("name"),
            sensitive: excluded("sensitive"),
            anonymousAllowed: excluded("anonymous_allowed"),
            slaUnit: excluded("sla_unit"),
            ackWithin: excluded("ack_within"),
            firstResponseWithin: excluded("first_response_within"),
            resolutionWithin: excluded("resolution_within"),
          },
        });
    await seedAccessToDocumentsRules(tx);

    // The national participation rules, once: after that they are the ministry's to change (issue 9).
    await tx
      .insert(participationSettings)
      .values({
        municipalityId: null,
        consultationMinDays: profile.consultationMinimumDays,
        proposalWindowDays: profile.proposals.windowDays,
        proposalThreshold: profile.proposals.threshold,
        normativeThresholdPercent: profile.proposals.normativeThresholdPercent,
      })
      .onConflictDoNothing();

    // A year the ministry has changed on its calendar page (src/calendar/calendarAdmin.ts, each change in
    // the audit log as subject "<calendar>:<year>") is theirs: a re-seed neither undoes an edit nor brings
    // back a holiday they removed. The profile's holidays fill the other years.
    const edited = await tx
      .selectDistinct({ subject: auditLog.subjectId })
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, "calendar"), like(auditLog.subjectId, `${profile.code}:%`)));
    const editedYears = new Set(edited.map((e) => e.subject?.slice(profile.code.length + 1)));
    const seeded = profile.holidays.filter((h) => !editedYears.has(h.date.slice(0, 4)));
    if (seeded.length > 0)
      await tx
        .insert(holidays)
        .values(seeded.map((h) => ({ ...h, calendar: profile.code })))
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

// Requests for access to public documents have their deadlines in law (sla.ts ACCESS_TO_DOCUMENTS): 7 days,
// and 48 hours where life or liberty is at stake. The profile's columns count working days, which the law
// does not, so the category's own standard is the law's; national rows refine it for urgent requests (the
// officer's mark of life or liberty). A municipality may only tighten either (sla.ts checkTighter).

type ProfileCategory = Profile["categories"][number];

const isAccessToDocuments = (c: { type: string; code: string }) =>
  c.type === "request" && c.code === ACCESS_TO_DOCUMENTS_CATEGORY;

/** A national category as seeded: the access-to-documents one with the law's standard. */
function withLegalStandard(c: ProfileCategory): Omit<ProfileCategory, "slaUnit"> & { slaUnit: string } {
  if (!isAccessToDocuments(c)) return c;
  const { unit, ackWithin, firstResponseWithin, resolutionWithin } = ACCESS_TO_DOCUMENTS;
  return { ...c, slaUnit: unit, ackWithin, firstResponseWithin, resolutionWithin };
}

/** The law's national rows for the access-to-documents category, upserted by the standards' natural key. */
async function seedAccessToDocumentsRules(tx: Pick<Db, "select" | "execute">) {
  const [category] = await tx
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.code, ACCESS_TO_DOCUMENTS_CATEGORY), isNull(categories.municipalityId)));
  if (!category) return;
  for (const { type, priority, standard } of accessToDocumentsRules()) {
    // The key is an expression index (municipality, type, category, priority with nulls folded), which
    // Drizzle's conflict target cannot name.
    await tx.execute(sql`
      insert into sla_standards (municipality_id, type, category_id, priority, unit, ack_within,
        first_response_within, resolution_within, note)
      values (null, ${type}, ${category.id}, ${priority ?? null}, ${standard.unit}, ${standard.ackWithin},
        ${standard.firstResponseWithin}, ${standard.resolutionWithin}, ${ACCESS_TO_DOCUMENTS_LAW})
      on conflict (coalesce(municipality_id, 0), type, coalesce(category_id, 0), coalesce(priority, ''))
      do update set unit = excluded.unit, ack_within = excluded.ack_within,
        first_response_within = excluded.first_response_within,
        resolution_within = excluded.resolution_within, note = excluded.note`);
  }
}

/** True when the reference data has never been seeded (the first start on a new database). */
export async function isEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(municipalities);
  return (row?.n ?? 0) === 0;
}
