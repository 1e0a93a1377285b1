// Changing public meetings: schedule, edit, cancel, attach the minutes. Each change and its audit entry
// are one transaction, and each raises `sequence` in SQL (the iCalendar feed's SEQUENCE), so calendar
// programs take the newest version. An edit names the sequence its form showed: a change made meanwhile
// by someone else refuses it instead of being overwritten silently.
//
// `updatedAt` is never written: the schema maps it onto created_at (there is no updated_at column), so
// writing it would move the creation time, and Drizzle's insert names created_at twice: meetings are
// inserted by hand (insertMeeting). The audit log keeps when each change was made.
import { and, eq, isNull, lte, sql } from "drizzle-orm";
import { appendAudit } from "../../audit/audit.ts";
import type { PhotoStore } from "../../cases/photos/storage.ts";
import { newDocumentKey } from "../../cases/photos/storage.ts";
import type { Db } from "../../db/client.ts";
import { publicMeetings } from "../../db/schema.ts";
import type { MeetingInput } from "./meetingForm.ts";
import { findMeeting } from "./meetingQueries.ts";

/** Who acts, when, from where: for the audit entry. */
export interface Acting {
  db: Db;
  now: Date;
  actorId: string;
  ip?: string | undefined;
}

/** Minutes are a PDF of at most this many bytes. */
export const MAX_MINUTES_BYTES = 20 * 1024 * 1024;

const auditOf = (
  a: Acting,
  action: string,
  municipalityId: number,
  id: number,
  data: Record<string, unknown>,
) => ({
  at: a.now,
  actorId: a.actorId,
  action,
  subjectType: "public_meeting",
  subjectId: String(id),
  municipalityId,
  ip: a.ip ?? null,
  data,
});

const described = (m: MeetingInput) => ({
  kind: m.kind,
  title: m.title,
  startsAt: m.startsAt.toISOString(),
  endsAt: m.endsAt.toISOString(),
  place: m.place,
  consultationId: m.consultationId,
});

/** A new meeting row; its id. Hand-written: see the note at the top. */
export async function insertMeeting(
  tx: Pick<Db, "execute">,
  m: MeetingInput & { municipalityId: number; createdBy: string | null; createdAt: Date },
): Promise<number> {
  const json = (v: unknown) => (v === null ? null : JSON.stringify(v));
  const { rows } = (await tx.execute(sql`
    insert into public_meetings
      (municipality_id, kind, title, starts_at, ends_at, place, accessibility, agenda, consultation_id, created_by, created_at)
    values (${m.municipalityId}, ${m.kind}, ${json(m.title)}::jsonb, ${m.startsAt.toISOString()}::timestamptz,
      ${m.endsAt.toISOString()}::timestamptz, ${json(m.place)}::jsonb, ${json(m.accessibility)}::jsonb,
      ${json(m.agenda)}::jsonb, ${m.consultationId}, ${m.createdBy}::uuid, ${m.createdAt.toISOString()}::timestamptz)
    returning id`)) as unknown as { rows: { id: number | string }[] };
  return Number(rows[0]!.id);
}

/** Schedules a meeting; its id. */
export async function createMeeting(a: Acting, municipalityId: number, input: MeetingInput): Promise<number> {
  return a.db.transaction(async (tx) => {
    const id = await insertMeeting(tx, { municipalityId, ...input, createdBy: a.actorId, createdAt: a.now });
    await appendAudit(tx, auditOf(a, "meeting.created", municipalityId, id, described(input)));
    return id;
  });
}

export type MeetingChange =
  | { ok: true; sequence: number }
  | { ok: false; reason: "not_found" | "cancelled" | "changed" };

/** Why a guarded update found nothing to change. */
async function refusal(a: Acting, id: number, municipalityId: number) {
  const now = await findMeeting(a.db, id);
  if (!now || now.municipalityId !== municipalityId) return { ok: false, reason: "not_found" } as const;
  if (now.cancelledAt) return { ok: false, reason: "cancelled" } as const;
  return { ok: false, reason: "changed" } as const;
}

/** Edits a meeting not cancelled, when it is still at the sequence the form showed. */
export async function updateMeeting(
  a: Acting,
  target: { id: number; municipalityId: number; sequence: number },
  input: MeetingInput,
): Promise<MeetingChange> {
  const done = await a.db.transaction(async (tx) => {
    const [row] = await tx
      .update(publicMeetings)
      .set({ ...input, sequence: sql`${publicMeetings.sequence} + 1` })
      .where(
        and(
          eq(publicMeetings.id, target.id),
          eq(publicMeetings.municipalityId, target.municipalityId),
          eq(publicMeetings.sequence, target.sequence),
          isNull(publicMeetings.cancelledAt),
        ),
      )
      .returning({ sequence: publicMeetings.sequence });
    if (!row) return undefined;
    await appendAudit(tx, auditOf(a, "meeting.updated", target.municipalityId, target.id, described(input)));
    return row.sequence;
  });
  return done === undefined ? refusal(a, target.id, target.municipalityId) : { ok: true, sequence: done };
}

/** Cancels a meeting: it stays on the calendar, marked cancelled (STATUS:CANCELLED in the feed). */
export async function cancelMeeting(
  a: Acting,
  target: { id: number; municipalityId: number },
): Promise<MeetingChange> {
  const done = await a.db.transaction(async (tx) => {
    const [row] = await tx
      .update(publicMeetings)
      .set({ cancelledAt: a.now, sequence: sql`${publicMeetings.sequence} + 1` })
      .where(
        and(
          eq(publicMeetings.id, target.id),
          eq(publicMeetings.municipalityId, target.municipalityId),
          isNull(publicMeetings.cancelledAt),
        ),
      )
      .returning({
        sequence: publicMeetings.sequence,
        title: publicMeetings.title,
        startsAt: publicMeetings.startsAt,
      });
    if (!row) return undefined;
    await appendAudit(
      tx,
      auditOf(a, "meeting.cancelled", target.municipalityId, target.id, {
        title: row.title,
        startsAt: row.startsAt.toISOString(),
      }),
    );
    return row.sequence;
  });
  return done === undefined ? refusal(a, target.id, target.municipalityId) : { ok: true, sequence: done };
}

export type MinutesRefusal = "no_file" | "not_pdf" | "too_large" | "not_held_yet" | "cancelled" | "not_found";

/** A PDF by its first bytes ("%PDF-"); the name and the declared type say nothing. */
export const isPdf = (bytes: Buffer) => bytes.subarray(0, 5).toString("latin1") === "%PDF-";

/**
 * A file name safe to keep and to offer back: the base name, without control characters, at most 150
 * characters, ending in .pdf.
 */
export function cleanFileName(name: string | undefined): string {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const cleaned = [...base.replace(/[\u0000-\u001f\u007f"]/g, "").trim()].slice(0, 150).join("");
  if (!cleaned) return "minutes.pdf";
  return /\.pdf$/i.test(cleaned) ? cleaned : `${cleaned}.pdf`;
}

/**
 * Attaches (or replaces) the minutes of a meeting that has begun and was not cancelled. The file is
 * stored first, the row changed after; a refused change removes the file again, a replaced file goes
 * once the new one is recorded.
 */
export async function attachMinutes(
  a: Acting,
  store: PhotoStore,
  target: { id: number; municipalityId: number },
  file: { bytes: Buffer; truncated: boolean; fileName: string | undefined } | undefined,
): Promise<{ ok: true } | { ok: false; reason: MinutesRefusal }> {
  if (!file || (file.bytes.length === 0 && !file.truncated)) return { ok: false, reason: "no_file" };
  if (file.truncated || file.bytes.length > MAX_MINUTES_BYTES) return { ok: false, reason: "too_large" };
  if (!isPdf(file.bytes)) return { ok: false, reason: "not_pdf" };
  const meeting = await findMeeting(a.db, target.id);
  if (!meeting || meeting.municipalityId !== target.municipalityId) return { ok: false, reason: "not_found" };
  if (meeting.cancelledAt) return { ok: false, reason: "cancelled" };
  if (meeting.startsAt > a.now) return { ok: false, reason: "not_held_yet" };

  const key = newDocumentKey();
  const fileName = cleanFileName(file.fileName);
  await store.put(key, file.bytes, "application/pdf");
  let previous: string | null | undefined;
  try {
    previous = await a.db.transaction(async (tx) => {
      const [before] = await tx
        .select({ key: publicMeetings.minutesKey })
        .from(publicMeetings)
        .where(eq(publicMeetings.id, target.id))
        .for("update");
      const [row] = await tx
        .update(publicMeetings)
        .set({
          minutesKey: key,
          minutesFileName: fileName,
          minutesBytes: file.bytes.length,
          sequence: sql`${publicMeetings.sequence} + 1`,
        })
        .where(
          and(
            eq(publicMeetings.id, target.id),
            isNull(publicMeetings.cancelledAt),
            lte(publicMeetings.startsAt, a.now),
          ),
        )
        .returning({ id: publicMeetings.id });
      if (!row) return undefined;
      await appendAudit(
        tx,
        auditOf(a, "meeting.minutes_attached", target.municipalityId, target.id, {
          fileName,
          bytes: file.bytes.length,
          replaced: before?.key !== null && before?.key !== undefined,
        }),
      );
      return before?.key ?? null;
    });
  } catch (e) {
    await store.delete(key).catch(() => {});
    throw e;
  }
  if (previous === undefined) {
    await store.delete(key).catch(() => {});
    return { ok: false, reason: "cancelled" };
  }
  if (previous) await store.delete(previous).catch(() => {});
  return { ok: true };
}
