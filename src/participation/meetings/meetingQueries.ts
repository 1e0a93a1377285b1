// Reading public meetings: a municipality's year, what is coming and what is past, one meeting with its
// linked consultation, and how many count towards the legal minimum of two a year.
import { and, asc, count, desc, eq, gte, inArray, isNotNull, isNull, lt, max, min, or } from "drizzle-orm";
import { startOfLocalDay } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import { consultations, type LocalizedText, publicMeetings } from "../../db/schema.ts";
import { MEETING_KINDS } from "./meetingForm.ts";

export type Meeting = typeof publicMeetings.$inferSelect;

/** The law's minimum (Administrative Instruction on Transparency in Municipalities, Art. 6). */
export const MEETINGS_REQUIRED_PER_YEAR = 2;

/** The first and the last-plus-one instants of a local calendar year. */
export function yearBounds(year: number, timeZone: string): { from: Date; to: Date } {
  return {
    from: startOfLocalDay(`${year}-01-01`, timeZone),
    to: startOfLocalDay(`${year + 1}-01-01`, timeZone),
  };
}

/** A municipality's meetings starting in a local year, in the order they happen. */
export function meetingsOfYear(db: Db, municipalityId: number, year: number, timeZone: string) {
  const { from, to } = yearBounds(year, timeZone);
  return db
    .select()
    .from(publicMeetings)
    .where(
      and(
        eq(publicMeetings.municipalityId, municipalityId),
        gte(publicMeetings.startsAt, from),
        lt(publicMeetings.startsAt, to),
      ),
    )
    .orderBy(asc(publicMeetings.startsAt), asc(publicMeetings.id));
}

/** Meetings not yet over (ongoing ones included), soonest first. */
export function upcomingMeetings(db: Db, municipalityId: number, now: Date) {
  return db
    .select()
    .from(publicMeetings)
    .where(
      and(
        eq(publicMeetings.municipalityId, municipalityId),
        or(
          gte(publicMeetings.endsAt, now),
          and(isNull(publicMeetings.endsAt), gte(publicMeetings.startsAt, now)),
        ),
      ),
    )
    .orderBy(asc(publicMeetings.startsAt), asc(publicMeetings.id));
}

/** Whether a meeting is over at `now`. */
export const isPast = (m: Pick<Meeting, "startsAt" | "endsAt">, now: Date) =>
  (m.endsAt ?? m.startsAt).getTime() < now.getTime();

/** The local years from the first meeting's to the last one's (and this year), for the year links. */
export async function meetingYears(
  db: Db,
  municipalityId: number,
  currentYear: number,
  yearOf: (d: Date) => number,
): Promise<number[]> {
  const [row] = await db
    .select({ first: min(publicMeetings.startsAt), last: max(publicMeetings.startsAt) })
    .from(publicMeetings)
    .where(eq(publicMeetings.municipalityId, municipalityId));
  const first = Math.min(row?.first ? yearOf(row.first) : currentYear, currentYear);
  const last = Math.max(row?.last ? yearOf(row.last) : currentYear, currentYear);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** Meetings that count towards the minimum in a local year: either kind, not cancelled. */
export async function countedMeetings(
  db: Pick<Db, "select">,
  municipalityId: number,
  year: number,
  timeZone: string,
): Promise<number> {
  const { from, to } = yearBounds(year, timeZone);
  const [row] = await db
    .select({ n: count() })
    .from(publicMeetings)
    .where(
      and(
        eq(publicMeetings.municipalityId, municipalityId),
        inArray(publicMeetings.kind, [...MEETING_KINDS]),
        isNull(publicMeetings.cancelledAt),
        gte(publicMeetings.startsAt, from),
        lt(publicMeetings.startsAt, to),
      ),
    );
  return row?.n ?? 0;
}

/** The counted meetings of every municipality that has any in a local year, by municipality id. */
export async function countedMeetingsByMunicipality(
  db: Pick<Db, "select">,
  year: number,
  timeZone: string,
): Promise<Map<number, number>> {
  const { from, to } = yearBounds(year, timeZone);
  const rows = await db
    .select({ id: publicMeetings.municipalityId, n: count() })
    .from(publicMeetings)
    .where(
      and(
        inArray(publicMeetings.kind, [...MEETING_KINDS]),
        isNull(publicMeetings.cancelledAt),
        gte(publicMeetings.startsAt, from),
        lt(publicMeetings.startsAt, to),
      ),
    )
    .groupBy(publicMeetings.municipalityId);
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** One meeting, or undefined. */
export async function findMeeting(db: Pick<Db, "select">, id: number): Promise<Meeting | undefined> {
  const [row] = await db.select().from(publicMeetings).where(eq(publicMeetings.id, id)).limit(1);
  return row;
}

export interface ConsultationChoice {
  id: number;
  title: LocalizedText;
  published: boolean;
}

/**
 * The consultations a meeting of the municipality may link to: its published ones, newest first, and the
 * one already linked (`keep`) whatever its state, so editing a meeting never drops its link silently.
 */
export async function linkableConsultations(
  db: Db,
  municipalityId: number,
  keep: number | null = null,
): Promise<ConsultationChoice[]> {
  const rows = await db
    .select({ id: consultations.id, title: consultations.title, publishedAt: consultations.publishedAt })
    .from(consultations)
    .where(
      and(
        eq(consultations.municipalityId, municipalityId),
        keep === null
          ? isNotNull(consultations.publishedAt)
          : or(isNotNull(consultations.publishedAt), eq(consultations.id, keep)),
      ),
    )
    .orderBy(desc(consultations.opensOn), desc(consultations.id))
    .limit(200);
  return rows.map((r) => ({ id: r.id, title: r.title, published: r.publishedAt !== null }));
}

/** The linked consultation a public page may show: only a published one. */
export async function publishedConsultation(
  db: Db,
  id: number | null,
): Promise<{ id: number; title: LocalizedText } | undefined> {
  if (id === null) return undefined;
  const [row] = await db
    .select({ id: consultations.id, title: consultations.title })
    .from(consultations)
    .where(and(eq(consultations.id, id), isNotNull(consultations.publishedAt)))
    .limit(1);
  return row;
}
