// The legal minimum as a warning: the law asks every municipality for at least two public meetings a
// year (Administrative Instruction on Transparency in Municipalities, Art. 6). From 1 October, a
// municipality with fewer than two (either kind, not cancelled) in the year tells its municipal admins and
// participation coordinators, once a year. "Once" holds with several processes running the check: the
// warning and an audit entry naming the municipality and the year are written in one transaction, under
// an advisory lock on that municipality, and only when no such entry exists yet; a second process waits
// for the lock, then finds the entry and sends nothing.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import { localDateOf } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import { auditLog, municipalities, roleAssignments, users } from "../../db/schema.ts";
import { isLanguage, translator } from "../../kernel/i18n.ts";
import { localized } from "../../kernel/localized.ts";
import { notify } from "../../notifications/notify.ts";
import { staffMeetingsPath } from "./meetingPaths.ts";
import {
  countedMeetings,
  countedMeetingsByMunicipality,
  MEETINGS_REQUIRED_PER_YEAR,
} from "./meetingQueries.ts";

/** The month (1–12) from which a short year is warned about: there is still a quarter to hold them. */
export const WARN_FROM_MONTH = 10;
/** "meet" in ASCII: the first key of the advisory lock, the municipality's id the second. */
const LOCK_KEY = 0x6d656574;
export const MINIMUM_SUBJECT = "meetings-minimum";
const WARNED_ROLES = ["municipal_admin", "participation_coordinator"] as const;

export interface MinimumContext {
  baseUrl: string;
  timeZone: string;
}

/** The audit subject that records a municipality's warning for a year. */
export const minimumSubject = (municipalityId: number, year: number) => `${municipalityId}:${year}`;

/**
 * Warns the municipalities short of the minimum in the local year of `now` (from 1 October); the number
 * of municipalities warned by this call.
 */
export async function checkMeetingMinimum(db: Db, now: Date, ctx: MinimumContext): Promise<number> {
  const today = localDateOf(now, ctx.timeZone);
  const year = Number(today.slice(0, 4));
  if (Number(today.slice(5, 7)) < WARN_FROM_MONTH) return 0;
  const active = await db
    .select({ id: municipalities.id, slug: municipalities.slug, name: municipalities.name })
    .from(municipalities)
    .where(eq(municipalities.active, true));
  // Already warned this year, and the year's counts: read once, so a pass with nothing to do is three statements.
  const warned = new Set(
    (
      await db
        .select({ subject: auditLog.subjectId })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.subjectType, MINIMUM_SUBJECT),
            inArray(
              auditLog.subjectId,
              active.map((m) => minimumSubject(m.id, year)),
            ),
          ),
        )
    ).map((r) => r.subject),
  );
  const counts = await countedMeetingsByMunicipality(db, year, ctx.timeZone);
  let sent = 0;
  for (const m of active) {
    const subject = minimumSubject(m.id, year);
    if (warned.has(subject) || (counts.get(m.id) ?? 0) >= MEETINGS_REQUIRED_PER_YEAR) continue;
    const did = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_KEY}::int, ${m.id}::int)`);
      const [done] = await tx
        .select({ id: auditLog.id })
        .from(auditLog)
        .where(and(eq(auditLog.subjectType, MINIMUM_SUBJECT), eq(auditLog.subjectId, subject)))
        .limit(1);
      if (done) return false;
      // Counted again under the lock: a meeting scheduled meanwhile may have met the minimum.
      const counted = await countedMeetings(tx, m.id, year, ctx.timeZone);
      if (counted >= MEETINGS_REQUIRED_PER_YEAR) return false;
      const people = await tx
        .selectDistinct({ id: users.id, email: users.email, name: users.name, language: users.language })
        .from(roleAssignments)
        .innerJoin(users, eq(users.id, roleAssignments.userId))
        .where(
          and(
            eq(roleAssignments.municipalityId, m.id),
            inArray(roleAssignments.role, [...WARNED_ROLES]),
            isNull(users.deletedAt),
          ),
        );
      for (const person of people) {
        const lang = isLanguage(person.language) ? person.language : "sq";
        const t = translator(lang);
        const vars = { count: counted, year: String(year), municipality: localized(m.name, lang) };
        await notify(
          tx,
          { userId: person.id, email: person.email, name: person.name, language: lang },
          {
            // No topic says "legal obligation" yet; a deadline warning is the nearest a person chooses for.
            topic: "sla_warning",
            subject: t("meetings.minimumNotice.subject", vars),
            lines: [t("meetings.minimumNotice.short", vars), t("meetings.minimumNotice.law")],
            path: staffMeetingsPath(m.slug),
            linkIntro: t("meetings.minimumNotice.linkIntro"),
          },
          { now, baseUrl: ctx.baseUrl },
        );
      }
      await appendAudit(tx, {
        at: now,
        actorId: null,
        action: "meetings.minimum_warning",
        subjectType: MINIMUM_SUBJECT,
        subjectId: subject,
        municipalityId: m.id,
        data: {
          year,
          scheduled: counted,
          required: MEETINGS_REQUIRED_PER_YEAR,
          warned: people.map((p) => p.id),
        },
      });
      return true;
    });
    if (did) sent++;
  }
  return sent;
}
