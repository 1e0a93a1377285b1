// The ministry's working-day calendar (issue 5): a year's holidays with the days observed, adding one,
// changing its names, removing it, each with a reason, and the year's history of changes from the audit
// log. Each route reads top to bottom: who is asking (standards.manage), validate, the command (holidays
// and audit entry in one transaction), the running calendar refreshed, then 303 with a notice, or the form
// again (422) with what was typed and the problems at the fields.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { can } from "../../access/policy.ts";
import { loadCalendar } from "../../reference/loadCalendar.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { type FieldErrors, typed } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { textField } from "../../web/textField.ts";
import {
  addHoliday,
  announcedGaps,
  type CalendarChangeDeps,
  type CalendarChangeResult,
  calendarHistory,
  HOLIDAY_KINDS,
  holidaysOf,
  missingAnnounced,
  refreshCalendar,
  removeHoliday,
  renameHoliday,
  yearsOf,
} from "../calendarAdmin.ts";
import { isValidLocalDate, localDateOf } from "../zone.ts";
import {
  ADD_FIELDS,
  CalendarPage,
  calendarPath,
  HolidayPage,
  holidayPath,
  REMOVE_FIELDS,
  RENAME_FIELDS,
} from "./calendarPages.tsx";

const K = "calendar_admin";
type Values = Record<string, string>;
type Form = { values: Values; errors: FieldErrors };
const EMPTY: Form = { values: {}, errors: {} };

/** What a redirect after a change may announce (`?done=`), each a catalog key under calendar_admin.done. */
const DONE = new Set(["added", "renamed", "removed"]);

// ── Validation. Messages are catalog keys under calendar_admin (the shared `validate` only recognises keys
// whose first segment has no underscore, so this module reads zod's answer itself).

const OWN_KEY = /^calendar_admin(\.[A-Za-z_]+)+$/;

function check<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; value: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(body && typeof body === "object" ? body : {});
  if (result.success) return { ok: true, value: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    errors[String(issue.path[0] ?? "form")] ??= OWN_KEY.test(issue.message)
      ? issue.message
      : "validation.invalid";
  }
  return { ok: false, errors };
}

const E = `${K}.errors`;
const names = {
  nameSq: textField(200, `${E}.nameSqRequired`, `${E}.nameTooLong`),
  nameSr: textField(200, `${E}.nameSrRequired`, `${E}.nameTooLong`),
  nameEn: textField(200, `${E}.nameEnRequired`, `${E}.nameTooLong`),
};
const reason = textField(1000, `${E}.reasonRequired`, `${E}.reasonTooLong`);
const addForm = z.object({
  date: z
    .string()
    .optional()
    .transform((s) => (s ?? "").trim())
    .superRefine((s, ctx) => {
      if (s === "") ctx.addIssue({ code: "custom", message: `${E}.dateRequired` });
      else if (!isValidLocalDate(s)) ctx.addIssue({ code: "custom", message: `${E}.dateFormat` });
    }),
  ...names,
  kind: z.enum(HOLIDAY_KINDS, { error: `${E}.kindRequired` }),
  reason,
});
const renameForm = z.object({ ...names, reason });
const removeForm = z.object({ removeReason: reason });

const valuesOf = (body: unknown, fields: readonly string[]): Values =>
  Object.fromEntries(fields.map((f) => [f, typed(body, f)]));
const namesOf = (v: { nameSq: string; nameSr: string; nameEn: string }) => ({
  sq: v.nameSq,
  sr: v.nameSr,
  en: v.nameEn,
});
/** A date in a path: the shape alone (the command finds the holiday, or not). */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function calendarRoutes(app: FastifyInstance) {
  const { database, clock, profile } = app.deps;
  const db = database.db;
  const code = profile.code;

  // ── Who is asking: the ministry (standards.manage); a visitor logs in first, anyone else finds nothing.

  async function ministry(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (!req.user) {
      const next = req.method === "GET" ? req.url : calendarPath();
      await reply.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
      return false;
    }
    if (!can(req.actor, "standards.manage")) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  const deps = (req: FastifyRequest): CalendarChangeDeps => ({
    db,
    now: clock.now(),
    calendar: { code, weekend: profile.weekend },
    timeZone: profile.timeZone,
    actorId: req.user!.id,
    ip: req.ip,
  });

  /** After a change: the calendar this process computes deadlines with takes it at once. */
  async function refresh() {
    refreshCalendar(app.deps.calendar, await loadCalendar(db, profile));
  }

  /** The year asked for when the calendar covers it; else this year, or the covered year nearest to it. */
  function yearShown(asked: unknown, years: number[]): number {
    const n = typeof asked === "string" && /^\d{4}$/.test(asked) ? Number(asked) : Number.NaN;
    if (years.includes(n)) return n;
    const current = Number(localDateOf(clock.now(), profile.timeZone).slice(0, 4));
    if (years.length === 0 || years.includes(current)) return current;
    return years.filter((y) => y <= current).at(-1) ?? years[0]!;
  }

  const noticeOf = (req: FastifyRequest, status: number) => {
    const done = (req.query as { done?: unknown } | undefined)?.done;
    return status === 200 && typeof done === "string" && DONE.has(done)
      ? req.t(`${K}.done.${done}`)
      : undefined;
  };

  // ── The year's calendar, with the form to add a holiday.

  async function sendCalendar(
    req: FastifyRequest,
    reply: FastifyReply,
    year: number,
    form: Form,
    status = 200,
  ) {
    const [years, list, history, missing, gaps] = await Promise.all([
      yearsOf(db, code),
      holidaysOf(db, code, year),
      calendarHistory(db, code, year),
      missingAnnounced(db, code, year),
      announcedGaps(db, code, localDateOf(clock.now(), profile.timeZone)),
    ]);
    const notice = noticeOf(req, status);
    return sendPage(
      reply,
      <CalendarPage
        ctx={pageContext(req, reply)}
        year={year}
        years={years}
        holidays={list}
        missing={missing}
        otherYears={gaps.filter((g) => g.year !== year)}
        history={history}
        values={form.values}
        errors={form.errors}
        {...(notice ? { notice } : {})}
      />,
      status,
    );
  }

  app.get(
    "/ministry/calendar",
    { config: { page: { sample: "/ministry/calendar", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministry(req, reply))) return reply;
      const year = yearShown((req.query as { year?: unknown }).year, await yearsOf(db, code));
      return sendCalendar(req, reply, year, EMPTY);
    },
  );

  app.post("/ministry/calendar/holidays", async (req, reply) => {
    if (!(await ministry(req, reply))) return reply;
    const values = valuesOf(req.body, ADD_FIELDS);
    const years = await yearsOf(db, code);
    // The form stays on the year it was sent from; a date typed for another covered year shows that year after.
    const year = yearShown(typed(req.body, "year"), years);
    const form = check(addForm, req.body);
    if (!form.ok) return sendCalendar(req, reply, year, { values, errors: form.errors }, 422);
    const v = form.value;
    const result = await addHoliday(deps(req), {
      date: v.date,
      names: namesOf(v),
      kind: v.kind,
      reason: v.reason,
    });
    if (!result.ok) {
      const errors = refusal(result, years);
      return sendCalendar(req, reply, year, { values, errors }, 422);
    }
    await refresh();
    return reply.redirect(`${calendarPath(Number(v.date.slice(0, 4)))}&done=added#holidays`, 303);
  });

  // The form's address is no page: coming to it (the language switch on a form with errors) leads to the page.
  app.get("/ministry/calendar/holidays", async (_req, reply) => reply.redirect(calendarPath(), 303));

  // ── One holiday: change its names, or remove it.

  type HolidayParams = { Params: { date: string } };

  async function sendHoliday(
    req: FastifyRequest<HolidayParams>,
    reply: FastifyReply,
    form: Form & { which?: "rename" | "remove" },
    status = 200,
  ) {
    const date = req.params.date;
    if (!DATE.test(date)) return notFound(req, reply);
    const holiday = (await holidaysOf(db, code, Number(date.slice(0, 4)))).find((h) => h.date === date);
    if (!holiday) return notFound(req, reply);
    const rename =
      form.which === "rename"
        ? form
        : {
            values: { nameSq: holiday.name.sq, nameSr: holiday.name.sr, nameEn: holiday.name.en ?? "" },
            errors: {},
          };
    const remove = form.which === "remove" ? form : EMPTY;
    const notice = noticeOf(req, status);
    return sendPage(
      reply,
      <HolidayPage
        ctx={pageContext(req, reply)}
        holiday={holiday}
        rename={rename}
        remove={remove}
        {...(notice ? { notice } : {})}
      />,
      status,
    );
  }

  app.get<HolidayParams>(
    "/ministry/calendar/holidays/:date",
    { config: { page: { sample: "/ministry/calendar/holidays/2026-05-09", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministry(req, reply))) return reply;
      return sendHoliday(req, reply, EMPTY);
    },
  );

  app.post<HolidayParams>("/ministry/calendar/holidays/:date", async (req, reply) => {
    if (!(await ministry(req, reply))) return reply;
    if (!DATE.test(req.params.date)) return notFound(req, reply);
    const values = valuesOf(req.body, RENAME_FIELDS);
    const form = check(renameForm, req.body);
    if (!form.ok) return sendHoliday(req, reply, { which: "rename", values, errors: form.errors }, 422);
    const result = await renameHoliday(deps(req), {
      date: req.params.date,
      names: namesOf(form.value),
      reason: form.value.reason,
    });
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      return sendHoliday(req, reply, { which: "rename", values, errors: refusal(result, []) }, 422);
    }
    await refresh();
    return reply.redirect(`${holidayPath(req.params.date)}?done=renamed`, 303);
  });

  app.post<HolidayParams>("/ministry/calendar/holidays/:date/remove", async (req, reply) => {
    if (!(await ministry(req, reply))) return reply;
    if (!DATE.test(req.params.date)) return notFound(req, reply);
    const values = valuesOf(req.body, REMOVE_FIELDS);
    const form = check(removeForm, req.body);
    if (!form.ok) return sendHoliday(req, reply, { which: "remove", values, errors: form.errors }, 422);
    const result = await removeHoliday(deps(req), { date: req.params.date, reason: form.value.removeReason });
    if (!result.ok) {
      if (result.reason === "not_found") return notFound(req, reply);
      return sendHoliday(req, reply, { which: "remove", values, errors: refusal(result, []) }, 422);
    }
    await refresh();
    return reply.redirect(`${calendarPath(Number(req.params.date.slice(0, 4)))}&done=removed#history`, 303);
  });

  app.get<HolidayParams>("/ministry/calendar/holidays/:date/remove", async (req, reply) =>
    reply.redirect(holidayPath(req.params.date), 303),
  );
}

/** Where a refusal of a command shows on its form. */
function refusal(result: Extract<CalendarChangeResult, { ok: false }>, years: number[]): FieldErrors {
  switch (result.reason) {
    case "invalid_date":
      return { date: `${E}.dateFormat` };
    case "outside_years":
      return { date: [`${E}.dateOutside`, { years: years.join(", ") }] };
    case "date_taken":
      return { date: `${E}.dateTaken` };
    case "names_unchanged":
      return { nameSq: `${E}.namesUnchanged` };
    case "last_of_year":
      return { form: `${E}.lastOfYear` };
    case "not_found":
      return { form: `${E}.notFound` };
  }
}
