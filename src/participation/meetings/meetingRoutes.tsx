// Public meetings and budget hearings (issue 8). For everyone: a municipality's calendar
// (/m/:slug/meetings, by year with ?year=), one meeting (/meetings/:id), its minutes as a download
// (/meetings/:id/minutes) and the iCalendar feed (/m/:slug/meetings.ics?lang=). For the participation
// coordinator (meeting.manage): the year with the legal-minimum warning, and the forms to schedule, edit,
// cancel and add minutes under /m/:slug/participation/meetings. Each staff route reads top to bottom: who
// is asking, validate, the command (change and audit entry in one transaction), then 303 with a notice,
// or the form again (422) with what was typed and the problems at the fields.
import multipart, { type MultipartFile } from "@fastify/multipart";
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { baseUrl } from "../../app.ts";
import { localDateOf } from "../../calendar/zone.ts";
import { photoStoreOf } from "../../cases/photos/storage.ts";
import { type LocalizedText, publicMeetings } from "../../db/schema.ts";
import { ALL_LANGUAGES, fallbackOf, offeredLanguages, translator } from "../../kernel/i18n.ts";
import { htmlLang, localized } from "../../kernel/localized.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import { sendPage } from "../../web/context.ts";
import { notFound, sendError } from "../../web/errors.tsx";
import type { FieldErrors } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { renderCalendar } from "./ical.ts";
import {
  type Acting,
  attachMinutes,
  cancelMeeting,
  createMeeting,
  MAX_MINUTES_BYTES,
  type MinutesRefusal,
  updateMeeting,
} from "./meetingCommands.ts";
import { formValuesOf, parseMeetingForm, typedValues } from "./meetingForm.ts";
import { MeetingFormPage, MeetingPage, PublicMeetingsPage, StaffMeetingsPage } from "./meetingPages.tsx";
import { meetingPath, staffMeetingsPath } from "./meetingPaths.ts";
import {
  countedMeetings,
  findMeeting,
  isPast,
  linkableConsultations,
  type Meeting,
  meetingsOfYear,
  meetingYears,
  publishedConsultation,
  upcomingMeetings,
} from "./meetingQueries.ts";

const K = "meetings";
type Municipality = { id: number; slug: string; name: LocalizedText };
type Form = { values: Record<string, string>; errors: FieldErrors };
type SlugParams = { Params: { slug: string } };
type MeetingParams = { Params: { slug: string; id: string } };

/** What a redirect after a change may announce (`?done=`), each a catalog key under meetings.done. */
const DONE = new Set(["created", "updated", "cancelled", "minutes"]);

/** The year in a query string: four digits, 2000–2099; absent is fine. */
const yearQuery = z.object({
  year: z
    .string()
    .regex(/^\d{4}$/)
    .transform(Number)
    .refine((y) => y >= 2000 && y <= 2099)
    .optional(),
});
const feedQuery = z.object({ lang: z.enum(ALL_LANGUAGES).optional() });

const parseId = (v: string) => (/^\d{1,9}$/.test(v) ? Number(v) : undefined);

/** Marks the file parts this plugin read: no urlencoded or JSON body can carry a Symbol. */
const UPLOAD = Symbol("upload");
interface Upload {
  [UPLOAD]: true;
  bytes: Buffer;
  truncated: boolean;
  fileName: string;
}
const isUpload = (v: unknown): v is Upload =>
  typeof v === "object" &&
  v !== null &&
  (v as Upload)[UPLOAD] === true &&
  Buffer.isBuffer((v as Upload).bytes);
/** A request longer than one PDF and its form fields is refused from its Content-Length. */
const MAX_REQUEST_BYTES = MAX_MINUTES_BYTES + 64 * 1024;

/** RFC 6266: an ASCII fallback name and the real one in UTF-8. */
function attachment(fileName: string): string {
  const ascii =
    fileName
      .normalize("NFKD")
      .replace(/[^\x20-\x7e]/g, "")
      .replace(/["\\%;]/g, "_")
      .trim() || "minutes.pdf";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export async function meetingRoutes(app: FastifyInstance): Promise<void> {
  const { database, clock, profile, config } = app.deps;
  const db = database.db;
  const { timeZone } = profile;
  const store = photoStoreOf(app.deps);
  const yearOf = (d: Date) => Number(localDateOf(d, timeZone).slice(0, 4));

  // Multipart for this plugin's routes only (the minutes upload): fields and the file are attached to
  // the body before the app-wide CSRF check reads `_csrf`. One file, at most 20 MB; a longer one is cut
  // there and marked, to be refused at the field.
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_MINUTES_BYTES, files: 1, fields: 10, parts: 12 },
    async onFile(part: MultipartFile) {
      const bytes = await part.toBuffer();
      const upload: Upload = {
        [UPLOAD]: true,
        bytes,
        truncated: part.file.truncated,
        fileName: part.filename,
      };
      (part as MultipartFile & { value?: unknown }).value = upload;
    },
  });

  // ── Who is asking.

  async function municipalityOf(slug: string): Promise<Municipality | undefined> {
    const m = (await referenceData(db)).municipalityBySlug(slug);
    return m?.active ? { id: m.id, slug: m.slug, name: m.name } : undefined;
  }

  /** The municipality when the actor manages its meetings; otherwise answered (log in first, or not found). */
  async function coordinatorOf(
    req: FastifyRequest<SlugParams>,
    reply: FastifyReply,
  ): Promise<Municipality | undefined> {
    const m = await municipalityOf(req.params.slug);
    if (!m) return void (await notFound(req, reply));
    if (!req.user) {
      const next = req.method === "GET" ? req.url : staffMeetingsPath(m.slug);
      return void (await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303));
    }
    // A refusal looks like an unknown page, as on the other staff pages.
    if (!can(req.actor, "meeting.manage", { municipalityId: m.id })) return void (await notFound(req, reply));
    return m;
  }

  const acting = (req: FastifyRequest): Acting => ({
    db,
    now: clock.now(),
    actorId: req.user!.id,
    ip: req.ip,
  });
  const shown = (req: FastifyRequest, m: Municipality) => ({
    name: localized(m.name, req.lang),
    slug: m.slug,
  });
  const noticeOf = (req: FastifyRequest, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return status === 200 && typeof done === "string" && DONE.has(done)
      ? req.t(`${K}.done.${done}`)
      : undefined;
  };

  // ── Staff: the year.

  app.get<SlugParams>(
    "/m/:slug/participation/meetings",
    { config: { page: { sample: "/m/prishtine/participation/meetings", as: "koordinatori.prishtine" } } },
    async (req, reply) => {
      const m = await coordinatorOf(req, reply);
      if (!m) return reply;
      const query = yearQuery.safeParse(req.query ?? {});
      if (!query.success) return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.yearInvalid`));
      const now = clock.now();
      const currentYear = yearOf(now);
      const year = query.data.year ?? currentYear;
      const [meetings, years, counted] = await Promise.all([
        meetingsOfYear(db, m.id, year, timeZone),
        meetingYears(db, m.id, currentYear, yearOf),
        countedMeetings(db, m.id, currentYear, timeZone),
      ]);
      return sendPage(
        reply,
        <StaffMeetingsPage
          ctx={pageContext(req, reply)}
          municipality={shown(req, m)}
          now={now}
          year={year}
          currentYear={currentYear}
          years={years}
          meetings={meetings}
          counted={counted}
          notice={noticeOf(req, 200)}
        />,
      );
    },
  );

  // ── Staff: the form.

  async function sendForm(
    req: FastifyRequest,
    reply: FastifyReply,
    m: Municipality,
    meeting: Meeting | undefined,
    form: Form,
    status = 200,
    minutesErrors: FieldErrors = {},
  ) {
    const choices = await linkableConsultations(db, m.id, meeting?.consultationId ?? null);
    const collator = new Intl.Collator(htmlLang(req.lang));
    return sendPage(
      reply,
      <MeetingFormPage
        ctx={pageContext(req, reply)}
        municipality={shown(req, m)}
        now={clock.now()}
        values={form.values}
        errors={form.errors}
        minutesErrors={minutesErrors}
        consultations={choices
          .map((c) => ({ id: c.id, title: localized(c.title, req.lang), published: c.published }))
          .sort((a, b) => collator.compare(a.title, b.title))}
        notice={noticeOf(req, status)}
        {...(meeting ? { meeting } : {})}
      />,
      status,
    );
  }

  /** The consultations a submitted form may name. */
  const allowedConsultations = async (m: Municipality, keep: number | null) =>
    new Set((await linkableConsultations(db, m.id, keep)).map((c) => c.id));

  app.get<SlugParams>(
    "/m/:slug/participation/meetings/new",
    { config: { page: { sample: "/m/prishtine/participation/meetings/new", as: "koordinatori.prishtine" } } },
    async (req, reply) => {
      const m = await coordinatorOf(req, reply);
      if (!m) return reply;
      return sendForm(req, reply, m, undefined, { values: { kind: "public_meeting" }, errors: {} });
    },
  );

  app.post<SlugParams>("/m/:slug/participation/meetings", async (req, reply) => {
    const m = await coordinatorOf(req, reply);
    if (!m) return reply;
    const values = typedValues(req.body);
    const form = parseMeetingForm(req.body, { timeZone, consultations: await allowedConsultations(m, null) });
    if (!form.ok) return sendForm(req, reply, m, undefined, { values, errors: form.errors }, 422);
    const id = await createMeeting(acting(req), m.id, form.value);
    return reply.redirect(`${staffMeetingsPath(m.slug, `/${id}`)}?done=created`, 303);
  });

  /** The meeting of the path when it is this municipality's. */
  async function meetingOf(req: FastifyRequest<MeetingParams>, m: Municipality) {
    const id = parseId(req.params.id);
    const meeting = id === undefined ? undefined : await findMeeting(db, id);
    return meeting?.municipalityId === m.id ? meeting : undefined;
  }

  app.get<MeetingParams>(
    "/m/:slug/participation/meetings/:id",
    { config: { page: { sample: "/m/prishtine/participation/meetings/1", as: "koordinatori.prishtine" } } },
    async (req, reply) => {
      const m = await coordinatorOf(req, reply);
      if (!m) return reply;
      const meeting = await meetingOf(req, m);
      if (!meeting) return notFound(req, reply);
      return sendForm(req, reply, m, meeting, { values: formValuesOf(meeting, timeZone), errors: {} });
    },
  );

  app.post<MeetingParams>("/m/:slug/participation/meetings/:id", async (req, reply) => {
    const m = await coordinatorOf(req, reply);
    if (!m) return reply;
    const meeting = await meetingOf(req, m);
    if (!meeting) return notFound(req, reply);
    const values = typedValues(req.body);
    const form = parseMeetingForm(req.body, {
      timeZone,
      consultations: await allowedConsultations(m, meeting.consultationId),
    });
    if (!form.ok) return sendForm(req, reply, m, meeting, { values, errors: form.errors }, 422);
    // The version the form showed; none (or an empty field, which Number would read as 0) matches nothing.
    const sent = (req.body as { sequence?: unknown } | undefined)?.sequence;
    const seen = typeof sent === "string" && /^\d{1,9}$/.test(sent) ? Number(sent) : -1;
    const result = await updateMeeting(
      acting(req),
      { id: meeting.id, municipalityId: m.id, sequence: Number.isInteger(seen) ? seen : -1 },
      form.value,
    );
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      // Shown against the meeting as it is now, with what was typed kept.
      const now = (await findMeeting(db, meeting.id)) ?? meeting;
      return sendForm(req, reply, m, now, { values, errors: { form: `${K}.errors.${result.reason}` } }, 409);
    }
    return reply.redirect(`${staffMeetingsPath(m.slug, `/${meeting.id}`)}?done=updated`, 303);
  });

  app.post<MeetingParams>("/m/:slug/participation/meetings/:id/cancel", async (req, reply) => {
    const m = await coordinatorOf(req, reply);
    if (!m) return reply;
    const meeting = await meetingOf(req, m);
    if (!meeting) return notFound(req, reply);
    const result = await cancelMeeting(acting(req), { id: meeting.id, municipalityId: m.id });
    if (!result.ok && result.reason === "not_found") return notFound(req, reply);
    // Cancelling what is already cancelled leaves it so: the same page either way.
    return reply.redirect(
      `${staffMeetingsPath(m.slug)}?year=${yearOf(meeting.startsAt)}&done=cancelled`,
      303,
    );
  });

  app.post<MeetingParams & { Body: Record<string, unknown> | undefined }>(
    "/m/:slug/participation/meetings/:id/minutes",
    {
      onRequest: async (req, reply) => {
        const length = Number(req.headers["content-length"]);
        if (Number.isFinite(length) && length > MAX_REQUEST_BYTES)
          return sendError(req, reply, 413, "upload_too_large");
      },
    },
    async (req, reply) => {
      const m = await coordinatorOf(req, reply);
      if (!m) return reply;
      const meeting = await meetingOf(req, m);
      if (!meeting) return notFound(req, reply);
      if (!req.isMultipart()) return sendError(req, reply, 415, "unsupported_media_type");
      const upload = Object.values(req.body ?? {})
        .flatMap((v) => (Array.isArray(v) ? v : [v]))
        .find(isUpload);
      const result = await attachMinutes(
        acting(req),
        store,
        { id: meeting.id, municipalityId: m.id },
        upload,
      );
      if (!result.ok) {
        if (result.reason === "not_found") return notFound(req, reply);
        const errors: FieldErrors = {
          minutes: `${K}.errors.minutes.${result.reason satisfies MinutesRefusal}`,
        };
        return sendForm(
          req,
          reply,
          m,
          meeting,
          { values: formValuesOf(meeting, timeZone), errors: {} },
          422,
          errors,
        );
      }
      return reply.redirect(`${staffMeetingsPath(m.slug, `/${meeting.id}`)}?done=minutes#minutes`, 303);
    },
  );

  // ── Public: the calendar.

  app.get<SlugParams>(
    "/m/:slug/meetings",
    { config: { page: { sample: "/m/prishtine/meetings" }, publicCache: true } },
    async (req, reply) => {
      const m = await municipalityOf(req.params.slug);
      if (!m) return notFound(req, reply);
      const now = clock.now();
      const currentYear = yearOf(now);
      const years = await meetingYears(db, m.id, currentYear, yearOf);
      const frame = { ctx: pageContext(req, reply), municipality: shown(req, m), now, currentYear, years };
      const query = yearQuery.safeParse(req.query ?? {});
      // A year that cannot be one: the page with the message and nothing listed; 400, the address is wrong.
      if (!query.success)
        return sendPage(
          reply,
          <PublicMeetingsPage
            {...frame}
            year={undefined}
            upcoming={[]}
            past={[]}
            yearError={`${K}.errors.yearInvalid`}
          />,
          400,
        );
      const { year } = query.data;
      let upcoming: Meeting[];
      let past: Meeting[];
      if (year === undefined) {
        const [coming, thisYear] = await Promise.all([
          upcomingMeetings(db, m.id, now),
          meetingsOfYear(db, m.id, currentYear, timeZone),
        ]);
        upcoming = coming;
        past = thisYear.filter((x) => isPast(x, now));
      } else {
        const all = await meetingsOfYear(db, m.id, year, timeZone);
        upcoming = all.filter((x) => !isPast(x, now));
        past = all.filter((x) => isPast(x, now));
      }
      // The most recent past meeting first: the one whose minutes people look for.
      past.reverse();
      return sendPage(reply, <PublicMeetingsPage {...frame} year={year} upcoming={upcoming} past={past} />);
    },
  );

  // ── Public: one meeting, and its minutes.

  /** A meeting of an active municipality, with that municipality. */
  async function publicMeeting(idParam: string) {
    const id = parseId(idParam);
    const meeting = id === undefined ? undefined : await findMeeting(db, id);
    if (!meeting) return undefined;
    const m = (await referenceData(db)).municipalityById(meeting.municipalityId);
    return m?.active ? { meeting, municipality: { id: m.id, slug: m.slug, name: m.name } } : undefined;
  }

  /**
   * The page of a meeting belongs to its municipality and offers its languages (config.municipalityOf,
   * web/context.ts): one lookup by the meeting's key.
   */
  const ofMeeting = {
    municipalityOf: async (req: FastifyRequest) => {
      const id = parseId(String((req.params as { id?: unknown }).id ?? ""));
      if (id === undefined) return undefined;
      const [row] = await db
        .select({ municipalityId: publicMeetings.municipalityId })
        .from(publicMeetings)
        .where(eq(publicMeetings.id, id));
      return row ? (await referenceData(db)).municipalityById(row.municipalityId)?.slug : undefined;
    },
  };

  app.get<{ Params: { id: string } }>(
    "/meetings/:id",
    { config: { page: { sample: "/meetings/1" }, publicCache: true, ...ofMeeting } },
    async (req, reply) => {
      const found = await publicMeeting(req.params.id);
      if (!found) return notFound(req, reply);
      const consultation = await publishedConsultation(db, found.meeting.consultationId);
      return sendPage(
        reply,
        <MeetingPage
          ctx={pageContext(req, reply)}
          municipality={shown(req, found.municipality)}
          meeting={found.meeting}
          consultation={consultation}
          now={clock.now()}
        />,
      );
    },
  );

  app.get<{ Params: { id: string } }>("/meetings/:id/minutes", async (req, reply) => {
    const found = await publicMeeting(req.params.id);
    const key = found?.meeting.minutesKey;
    if (!found || !key) return notFound(req, reply);
    const object = await store.get(key);
    if (!object) {
      req.log.warn({ meeting: found.meeting.id }, "minutes file missing from the store");
      return notFound(req, reply);
    }
    reply.headers({
      "content-type": "application/pdf",
      // Always a download, never shown inline: a PDF opened in the site's origin could run script.
      "content-disposition": attachment(found.meeting.minutesFileName ?? "minutes.pdf"),
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "public, max-age=300",
    });
    if (object.size !== undefined) reply.header("content-length", object.size);
    return reply.send(object.body);
  });

  // ── The iCalendar feed.

  app.get<SlugParams>("/m/:slug/meetings.ics", async (req, reply) => {
    const m = await municipalityOf(req.params.slug);
    if (!m) return notFound(req, reply);
    const query = feedQuery.safeParse(req.query ?? {});
    if (!query.success) return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.langInvalid`));
    // Turkish or Bosnian where the municipality offers it; elsewhere what its pages fall back to.
    const asked = query.data.lang ?? "sq";
    const languages = (await referenceData(db)).municipalityBySlug(m.slug)?.languages;
    const lang = offeredLanguages(languages).includes(asked) ? asked : fallbackOf(asked);
    const t = translator(lang);
    const base = baseUrl(config);
    const host = new URL(base).hostname;
    const now = clock.now();
    // Last year's meetings on: enough for a subscriber's history, without the feed growing for ever.
    const from = yearOf(now) - 1;
    const years = await meetingYears(db, m.id, yearOf(now), yearOf);
    const meetings = (
      await Promise.all(years.filter((y) => y >= from).map((y) => meetingsOfYear(db, m.id, y, timeZone)))
    ).flat();
    const name = localized(m.name, lang);
    const body = renderCalendar({
      prodId: `-//E-Komuna//${t(`${K}.ical.product`)}//${lang.toUpperCase()}`,
      name: t(`${K}.ical.name`, { municipality: name }),
      language: htmlLang(lang),
      stamp: now,
      events: meetings.map((x) => {
        const accessibility = x.accessibility ? localized(x.accessibility, lang) : "";
        const description = [
          `${t(`${K}.ical.agenda`)}:`,
          localized(x.agenda, lang),
          ...(accessibility ? ["", `${t(`${K}.ical.accessibility`)}: ${accessibility}`] : []),
        ].join("\n");
        return {
          uid: `meeting-${x.id}@${host}`,
          start: x.startsAt,
          // A meeting without an end (none made through the form) is given two hours.
          end: x.endsAt ?? new Date(x.startsAt.getTime() + 2 * 3_600_000),
          sequence: x.sequence,
          summary: localized(x.title, lang),
          location: localized(x.place, lang),
          description,
          url: `${base}${meetingPath(x.id)}`,
          cancelled: x.cancelledAt !== null,
        };
      }),
    });
    return reply
      .type("text/calendar; charset=utf-8")
      .header("content-disposition", `inline; filename="meetings-${m.slug}-${lang}.ics"`)
      .header("cache-control", "public, max-age=300")
      .send(body);
  });
}
