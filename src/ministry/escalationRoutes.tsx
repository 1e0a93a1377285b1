// The queue's routes: GET /ministry/escalations (a page at a time), GET /ministry/escalations/:code, and
// POST …/reminder and …/note (case.ministry_action): validate, the command (event, audit entry and the
// messages in one transaction), then 303 with a notice, or the page again (422) with what was typed.
import { and, asc, eq, inArray } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { baseUrl } from "../app.ts";
import { workingDaysBetween } from "../calendar/calendar.ts";
import { isOpen } from "../cases/lifecycle.ts";
import { publicCaseSummary } from "../cases/publicView.ts";
import type { CaseStatus } from "../cases/statuses.ts";
import { caseEvents, departments, users } from "../db/schema.ts";
import { localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sendPage } from "../web/context.ts";
import { notFound, sendError } from "../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { textField } from "../web/textField.ts";
import { EscalationPage, type MinistryEntry, QueuePage, type ShownEscalation } from "./escalationPages.tsx";
import { escalationQueue, MINISTRY_EVENT_TYPES, type QueueRow, queueCount } from "./escalations.ts";
import { doneNotice, ministryOnly } from "./guard.ts";
import { actAsMinistry, type MinistryAction } from "./ministryAction.ts";
import { K } from "./ui.tsx";

const PER_PAGE = 100;
const MAX_PAGES = 100;
const TEXT_MAX = 2000;
const DONE = ["reminder", "note"] as const;
const CODE = /^[A-Z0-9]{2,6}-\d{4}-\d{1,9}$/;

const reminderForm = z.object({ message: textField(TEXT_MAX, undefined, `${K}.case.errors.tooLong`) });
const noteForm = z.object({
  text: textField(TEXT_MAX, `${K}.case.errors.noteRequired`, `${K}.case.errors.tooLong`),
});

export async function escalationRoutes(app: FastifyInstance) {
  const { database, clock, calendar, config } = app.deps;
  const db = database.db;

  /** Queue rows in the page's language: names, the public title, the working days left untouched. */
  async function shown(req: FastifyRequest, rows: QueueRow[]): Promise<ShownEscalation[]> {
    const reference = await referenceData(db);
    const ids = [...new Set(rows.flatMap((r) => (r.departmentId === null ? [] : [r.departmentId])))];
    const names =
      ids.length === 0
        ? new Map()
        : new Map(
            (
              await db
                .select({ id: departments.id, name: departments.name })
                .from(departments)
                .where(inArray(departments.id, ids))
            ).map((d) => [d.id, d.name]),
          );
    const now = clock.now();
    return rows.map((r) => {
      const m = reference.municipalityById(r.municipalityId);
      const category = reference.category(r.categoryId);
      const since = r.lastActionAt && r.lastActionAt > r.escalatedAt ? r.lastActionAt : r.escalatedAt;
      let untouchedDays: number | undefined;
      try {
        untouchedDays = Math.floor(workingDaysBetween(since, now, calendar));
      } catch {
        // A year the calendar has no data for: said so on the page rather than guessed.
        untouchedDays = undefined;
      }
      const department = r.departmentId === null ? undefined : names.get(r.departmentId);
      return {
        code: r.code,
        title: publicCaseSummary({ ...r, trackingCode: r.code })?.title,
        municipality: m ? localized(m.name, req.lang) : String(r.municipalityId),
        department: department ? localized(department, req.lang) : undefined,
        category: category ? localized(category.name, req.lang) : String(r.categoryId),
        status: r.status,
        open: isOpen(r.status as CaseStatus),
        receivedAt: r.receivedAt,
        escalatedAt: r.escalatedAt,
        lastActionAt: r.lastActionAt,
        untouchedDays,
        lastMinistryAt: r.lastMinistryAt,
        slaState: r.slaState,
        slaDueAt: r.slaDueAt,
        workHref: `/m/${m?.slug ?? ""}/workspace/cases/${r.code}`,
      };
    });
  }

  app.get<{ Querystring: { page?: unknown } }>(
    "/ministry/escalations",
    { config: { page: { sample: "/ministry/escalations", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return reply;
      // As the slices' case lists (ministryRoutes.tsx): a page that cannot be is said so, not replaced by the first.
      const asked = typeof req.query?.page === "string" ? req.query.page.trim() : "";
      const page = asked === "" ? 1 : /^\d{1,4}$/.test(asked) ? Number(asked) : Number.NaN;
      if (!(page >= 1 && page <= MAX_PAGES))
        return sendError(req, reply, 400, "bad_request", req.t(`${K}.errors.queuePage`, { max: MAX_PAGES }));
      const [rows, total] = await Promise.all([
        escalationQueue(db, { limit: PER_PAGE, offset: (page - 1) * PER_PAGE }),
        queueCount(db),
      ]);
      const pageCount = Math.max(1, Math.min(MAX_PAGES, Math.ceil(total / PER_PAGE)));
      return sendPage(
        reply,
        <QueuePage
          ctx={pageContext(req, reply)}
          rows={await shown(req, rows)}
          total={total}
          page={page}
          pageCount={pageCount}
        />,
      );
    },
  );

  // ── One escalated case.

  type CParams = { Params: { code: string } };

  async function sendCase(
    req: FastifyRequest<CParams>,
    reply: FastifyReply,
    form: { values: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const code = req.params.code;
    const [row] = CODE.test(code) ? await escalationQueue(db, { code }) : [];
    if (!row) return notFound(req, reply);
    const [e] = await shown(req, [row]);
    const events = await db
      .select({
        type: caseEvents.type,
        at: caseEvents.at,
        by: users.name,
        message: caseEvents.message,
        data: caseEvents.data,
      })
      .from(caseEvents)
      .leftJoin(users, eq(users.id, caseEvents.actorId))
      .where(and(eq(caseEvents.caseId, row.id), inArray(caseEvents.type, [...MINISTRY_EVENT_TYPES])))
      .orderBy(asc(caseEvents.at), asc(caseEvents.id));
    const history: MinistryEntry[] = events.map((h) => ({
      type: h.type as MinistryEntry["type"],
      at: h.at,
      by: h.by ?? req.t(`${K}.case.someone`),
      message: h.message,
      notified: typeof h.data?.notified === "number" ? h.data.notified : undefined,
    }));
    return sendPage(
      reply,
      <EscalationPage
        ctx={pageContext(req, reply)}
        e={e!}
        history={history}
        values={form.values}
        errors={form.errors}
        notice={doneNotice(req, status, DONE, `${K}.done`)}
      />,
      status,
    );
  }

  app.get<CParams>(
    "/ministry/escalations/:code",
    { config: { page: { sample: "/ministry/escalations/PRI-2026-000008", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return reply;
      return sendCase(req, reply, { values: {}, errors: {} });
    },
  );

  /** A POST of one of the two actions: the pipeline of the file's header. */
  function action(path: "reminder" | "note") {
    app.post<CParams>(`/ministry/escalations/:code/${path}`, async (req, reply) => {
      const back = `/ministry/escalations/${encodeURIComponent(req.params.code)}`;
      if (!(await ministryOnly(req, reply, "case.ministry_action", back))) return reply;
      const field = path === "reminder" ? "message" : "text";
      const values = { [field]: typed(req.body, field) };
      let act: MinistryAction;
      if (path === "reminder") {
        const form = validate(reminderForm, req.body);
        if (!form.ok) return sendCase(req, reply, { values, errors: form.errors }, 422);
        act = { kind: "reminder", message: form.value.message };
      } else {
        const form = validate(noteForm, req.body);
        if (!form.ok) return sendCase(req, reply, { values, errors: form.errors }, 422);
        act = { kind: "note", text: form.value.text };
      }
      const done = await actAsMinistry(
        {
          db,
          now: clock.now(),
          actor: req.actor,
          ip: req.ip,
          baseUrl: baseUrl(config),
          poke: app.deps.pokeOutbox,
        },
        { code: req.params.code, action: act },
      );
      if (!done.ok) {
        if (done.reason === "case_finished")
          return sendCase(req, reply, { values, errors: { form: `${K}.case.errors.finished` } }, 422);
        return notFound(req, reply);
      }
      return reply.redirect(`${back}?done=${path}#history-heading`, 303);
    });
    app.get<CParams>(`/ministry/escalations/:code/${path}`, async (req, reply) =>
      reply.redirect(`/ministry/escalations/${encodeURIComponent(req.params.code)}`, 303),
    );
  }
  action("reminder");
  action("note");
}
