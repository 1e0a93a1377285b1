// The meeting form, validated on the server: staff text in Albanian and Serbian (both required where the
// field is), English optional; the day and the times are the municipality's local wall clock, turned into
// instants here (Europe/Belgrade, DST included); the end after the start. Messages are catalog keys.
import { z } from "zod";
import { isValidLocalDate, localDateOf, localDateTime } from "../../calendar/zone.ts";
import type { LocalizedText } from "../../db/schema.ts";
import { type FieldErrors, typed, validate } from "../../web/forms.tsx";
import { textField } from "../../web/textField.ts";

export const MEETING_KINDS = ["public_meeting", "budget_hearing"] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_FIELDS = [
  "kind",
  "titleSq",
  "titleSr",
  "titleEn",
  "date",
  "startTime",
  "endTime",
  "placeSq",
  "placeSr",
  "placeEn",
  "accessibilitySq",
  "accessibilitySr",
  "accessibilityEn",
  "agendaSq",
  "agendaSr",
  "agendaEn",
  "consultation",
] as const;

/** What a valid form describes. */
export interface MeetingInput {
  kind: MeetingKind;
  title: LocalizedText;
  startsAt: Date;
  endsAt: Date;
  place: LocalizedText;
  accessibility: LocalizedText | null;
  agenda: LocalizedText;
  consultationId: number | null;
}

const E = "meetings.errors";
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const day = z
  .string()
  .optional()
  .transform((s) => (s ?? "").trim())
  .superRefine((s, ctx) => {
    if (s === "") ctx.addIssue({ code: "custom", message: `${E}.dateRequired` });
    // Years outside 2000–2099 are typing mistakes, and the feed's UTC stamps need four digits.
    else if (!isValidLocalDate(s) || s < "2000" || s >= "2100")
      ctx.addIssue({ code: "custom", message: `${E}.dateFormat` });
  });
const time = (required: string) =>
  z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: required });
      else if (!TIME.test(s)) ctx.addIssue({ code: "custom", message: `${E}.timeFormat` });
    });

const schema = z.object({
  kind: z.enum(MEETING_KINDS, { error: `${E}.kindRequired` }),
  titleSq: textField(200, `${E}.titleSqRequired`, `${E}.titleTooLong`),
  titleSr: textField(200, `${E}.titleSrRequired`, `${E}.titleTooLong`),
  titleEn: textField(200, undefined, `${E}.titleTooLong`),
  date: day,
  startTime: time(`${E}.startRequired`),
  endTime: time(`${E}.endRequired`),
  placeSq: textField(500, `${E}.placeSqRequired`, `${E}.placeTooLong`),
  placeSr: textField(500, `${E}.placeSrRequired`, `${E}.placeTooLong`),
  placeEn: textField(500, undefined, `${E}.placeTooLong`),
  accessibilitySq: textField(1000, undefined, `${E}.accessibilityTooLong`),
  accessibilitySr: textField(1000, undefined, `${E}.accessibilityTooLong`),
  accessibilityEn: textField(1000, undefined, `${E}.accessibilityTooLong`),
  agendaSq: textField(5000, `${E}.agendaSqRequired`, `${E}.agendaTooLong`),
  agendaSr: textField(5000, `${E}.agendaSrRequired`, `${E}.agendaTooLong`),
  agendaEn: textField(5000, undefined, `${E}.agendaTooLong`),
  consultation: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .refine((s) => /^(\d{1,9})?$/.test(s), `${E}.consultationUnknown`)
    .transform((s) => (s ? Number(s) : null)),
});

const text = (sq: string, sr: string, en: string): LocalizedText => ({ sq, sr, ...(en ? { en } : {}) });

/** What was typed, to show again on the form. */
export const typedValues = (body: unknown): Record<string, string> =>
  Object.fromEntries(MEETING_FIELDS.map((f) => [f, typed(body, f)]));

/**
 * The form's meeting, or the problems at its fields. `consultations` are the ones it may link to (the
 * municipality's published consultations, and the one already linked).
 */
export function parseMeetingForm(
  body: unknown,
  o: { timeZone: string; consultations: ReadonlySet<number> },
): { ok: true; value: MeetingInput } | { ok: false; errors: FieldErrors } {
  const form = validate(schema, body);
  const errors: FieldErrors = form.ok ? {} : { ...form.errors };
  // The checks across fields run whatever else is wrong, so every problem shows at once.
  const consultation = typed(body, "consultation").trim();
  if (/^\d{1,9}$/.test(consultation) && !o.consultations.has(Number(consultation)))
    errors.consultation ??= `${E}.consultationUnknown`;
  // Accessibility is optional, but said in one official language it must be said in the other too.
  const sq = typed(body, "accessibilitySq").trim();
  const sr = typed(body, "accessibilitySr").trim();
  if (sq && !sr) errors.accessibilitySr ??= `${E}.accessibilitySrRequired`;
  if (sr && !sq) errors.accessibilitySq ??= `${E}.accessibilitySqRequired`;
  const [start, end] = [typed(body, "startTime").trim(), typed(body, "endTime").trim()];
  if (TIME.test(start) && TIME.test(end) && end <= start) errors.endTime ??= `${E}.endBeforeStart`;
  if (!form.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  const v = form.value;
  const startsAt = localDateTime(v.date, v.startTime, o.timeZone);
  const endsAt = localDateTime(v.date, v.endTime, o.timeZone);
  // Around the autumn DST change two wall-clock times can fall out of order: the instants decide.
  if (endsAt <= startsAt) return { ok: false, errors: { endTime: `${E}.endBeforeStart` } };
  return {
    ok: true,
    value: {
      kind: v.kind,
      title: text(v.titleSq, v.titleSr, v.titleEn),
      startsAt,
      endsAt,
      place: text(v.placeSq, v.placeSr, v.placeEn),
      accessibility: v.accessibilitySq ? text(v.accessibilitySq, v.accessibilitySr, v.accessibilityEn) : null,
      agenda: text(v.agendaSq, v.agendaSr, v.agendaEn),
      consultationId: v.consultation,
    },
  };
}

const hhmm = new Map<string, Intl.DateTimeFormat>();
/** The local wall-clock time of an instant, "HH:MM". */
export function localTimeOf(instant: Date, timeZone: string): string {
  let f = hhmm.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    hhmm.set(timeZone, f);
  }
  return f.format(instant);
}

/** A stored meeting as the form's values, for editing it. */
export function formValuesOf(
  m: {
    kind: string;
    title: LocalizedText;
    startsAt: Date;
    endsAt: Date | null;
    place: LocalizedText;
    accessibility: LocalizedText | null;
    agenda: LocalizedText;
    consultationId: number | null;
  },
  timeZone: string,
): Record<string, string> {
  return {
    kind: m.kind,
    titleSq: m.title.sq,
    titleSr: m.title.sr,
    titleEn: m.title.en ?? "",
    date: localDateOf(m.startsAt, timeZone),
    startTime: localTimeOf(m.startsAt, timeZone),
    endTime: m.endsAt ? localTimeOf(m.endsAt, timeZone) : "",
    placeSq: m.place.sq,
    placeSr: m.place.sr,
    placeEn: m.place.en ?? "",
    accessibilitySq: m.accessibility?.sq ?? "",
    accessibilitySr: m.accessibility?.sr ?? "",
    accessibilityEn: m.accessibility?.en ?? "",
    agendaSq: m.agenda.sq,
    agendaSr: m.agenda.sr,
    agendaEn: m.agenda.en ?? "",
    consultation: m.consultationId === null ? "" : String(m.consultationId),
  };
}
