// The alerts' routes: GET /ministry/alerts (open, closed, and the levels form), POST /ministry/alerts/levels,
// GET /ministry/alerts/:id and POST /ministry/alerts/:id/close. Each POST reads top to bottom: who is
// asking (ministry.dashboard), validate, the command (with its audit entry), then 303 with a notice, or the
// page again (422) with what was typed and the problems at the fields.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { localized } from "../kernel/localized.ts";
import type { ReferenceData } from "../reference/referenceCache.ts";
import { referenceData } from "../reference/referenceCache.ts";
import type { PageContext } from "../web/context.ts";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import { type FieldErrors, typed, validate } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { textField } from "../web/textField.ts";
import { AlertPage, AlertsPage, LEVEL_FIELDS, type ShownAlert } from "./alertPages.tsx";
import {
  type BacklogEvidence,
  LEVEL_LIMITS,
  type OnTimeEvidence,
  type OversightLevels,
} from "./alertRules.ts";
import { type AlertRow, alertById, closeAlert, listAlerts, readLevels, saveLevels } from "./alerts.ts";
import { alertTitle, evidenceLines } from "./alertText.ts";
import { doneNotice, ministryOnly } from "./guard.ts";
import { K, NO_DEPARTMENT, periodQuery } from "./ui.tsx";

/** How many closed alerts the page lists (the latest). */
const CLOSED_SHOWN = 50;
/** Open alerts listed: more than that many open at once is a page to fix first. */
const OPEN_SHOWN = 500;
const DONE = ["closed", "levels", "unchanged"] as const;
const NOTE_MAX = 2000;

/** An alert in the page's language: its title, its evidence, and where to look at the place. */
export function shownAlert(ctx: PageContext, a: AlertRow, reference: ReferenceData): ShownAlert {
  const { t, lang } = ctx;
  const m = reference.municipalityById(a.municipalityId);
  const text = {
    kind: a.kind,
    evidence: a.evidence,
    municipality: m ? localized(m.name, lang) : String(a.municipalityId),
    department: a.departmentName ? localized(a.departmentName, lang) : undefined,
  };
  // The place's page over the months the evidence covers.
  const months =
    a.kind === "on_time_low"
      ? (a.evidence as OnTimeEvidence).months
      : a.kind === "backlog_growing"
        ? (a.evidence as BacklogEvidence).months
        : [];
  const period = months.length > 0 ? periodQuery({ from: months[0]!.month, to: months.at(-1)!.month }) : "";
  const place = `/ministry/m/${m?.slug ?? ""}`;
  return {
    id: a.id,
    title: alertTitle(t, lang, text),
    evidence: evidenceLines(t, lang, ctx.timeZone, text),
    placeHref:
      a.kind === "escalations_untouched"
        ? "/ministry/escalations"
        : a.departmentId !== null
          ? `${place}/departments/${encodeURIComponent(a.departmentCode ?? NO_DEPARTMENT)}${period}`
          : `${place}${period}`,
    raisedAt: a.raisedAt,
    notifiedAt: a.notifiedAt,
    closedAt: a.closedAt,
    closedBy: a.closedByName,
    closingNote: a.closingNote,
  };
}

/** A level typed in the form: a whole number within its limits, else a message naming them. */
export function parseLevels(
  body: unknown,
): { ok: true; levels: OversightLevels } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const levels = {} as OversightLevels;
  for (const name of LEVEL_FIELDS) {
    const text = typed(body, name).trim();
    const limits = LEVEL_LIMITS[name];
    const n = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
    if (text === "") errors[name] = [`${K}.levels.errors.required`, limits];
    else if (!(n >= limits.min && n <= limits.max)) errors[name] = [`${K}.levels.errors.${name}`, limits];
    else levels[name] = n;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, levels };
}

const closeForm = z.object({
  note: textField(NOTE_MAX, `${K}.alerts.errors.noteRequired`, `${K}.alerts.errors.noteTooLong`),
});

export async function alertRoutes(app: FastifyInstance) {
  const { database, clock } = app.deps;
  const db = database.db;

  async function sendAlerts(
    req: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const [open, closed, levels, reference] = await Promise.all([
      listAlerts(db, { open: true, limit: OPEN_SHOWN }),
      listAlerts(db, { open: false, limit: CLOSED_SHOWN }),
      readLevels(db),
      referenceData(db),
    ]);
    const ctx = pageContext(req, reply);
    const values = form.values ?? Object.fromEntries(LEVEL_FIELDS.map((f) => [f, String(levels[f])]));
    return sendPage(
      reply,
      <AlertsPage
        ctx={ctx}
        open={open.map((a) => shownAlert(ctx, a, reference))}
        closed={closed.map((a) => shownAlert(ctx, a, reference))}
        levels={{
          values,
          errors: form.errors,
          updated: levels.updatedBy && levels.updatedAt ? { at: levels.updatedAt } : undefined,
        }}
        notice={doneNotice(req, status, DONE, `${K}.done`)}
      />,
      status,
    );
  }

  app.get(
    "/ministry/alerts",
    { config: { page: { sample: "/ministry/alerts", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return reply;
      return sendAlerts(req, reply, { errors: {} });
    },
  );

  app.post("/ministry/alerts/levels", async (req, reply) => {
    if (!(await ministryOnly(req, reply, "ministry.dashboard", "/ministry/alerts"))) return reply;
    const parsed = parseLevels(req.body);
    if (!parsed.ok) {
      const values = Object.fromEntries(LEVEL_FIELDS.map((f) => [f, typed(req.body, f)]));
      return sendAlerts(req, reply, { values, errors: parsed.errors }, 422);
    }
    const { changed } = await saveLevels(db, {
      levels: parsed.levels,
      actorId: req.user!.id,
      now: clock.now(),
      ip: req.ip,
    });
    return reply.redirect(`/ministry/alerts?done=${changed ? "levels" : "unchanged"}#levels-heading`, 303);
  });
  // The form's address is no page: coming to it (the language switch on a form with errors) leads to the page.
  app.get("/ministry/alerts/levels", async (_req, reply) => reply.redirect("/ministry/alerts", 303));

  // ── One alert.

  type AParams = { Params: { id: string } };

  async function sendAlert(
    req: FastifyRequest<AParams>,
    reply: FastifyReply,
    form: { values: Record<string, string>; errors: FieldErrors },
    status = 200,
  ) {
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : undefined;
    const alert = id === undefined ? undefined : await alertById(db, id);
    if (!alert) return notFound(req, reply);
    const ctx = pageContext(req, reply);
    return sendPage(
      reply,
      <AlertPage
        ctx={ctx}
        alert={shownAlert(ctx, alert, await referenceData(db))}
        values={form.values}
        errors={form.errors}
        notice={doneNotice(req, status, DONE, `${K}.done`)}
      />,
      status,
    );
  }

  app.get<AParams>(
    "/ministry/alerts/:id",
    { config: { page: { sample: "/ministry/alerts/1", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return reply;
      return sendAlert(req, reply, { values: {}, errors: {} });
    },
  );

  app.post<AParams>("/ministry/alerts/:id/close", async (req, reply) => {
    if (
      !(await ministryOnly(
        req,
        reply,
        "ministry.dashboard",
        `/ministry/alerts/${encodeURIComponent(req.params.id)}`,
      ))
    )
      return reply;
    const values = { note: typed(req.body, "note") };
    const form = validate(closeForm, req.body);
    if (!form.ok) return sendAlert(req, reply, { values, errors: form.errors }, 422);
    const id = /^\d{1,9}$/.test(req.params.id) ? Number(req.params.id) : 0;
    const closed = await closeAlert(db, {
      id,
      note: form.value.note,
      actorId: req.user!.id,
      now: clock.now(),
      ip: req.ip,
    });
    if (!closed.ok) {
      if (closed.reason === "not_found") return notFound(req, reply);
      return sendAlert(req, reply, { values, errors: { form: `${K}.alerts.errors.alreadyClosed` } }, 422);
    }
    return reply.redirect(`/ministry/alerts/${id}?done=closed`, 303);
  });
  app.get<AParams>("/ministry/alerts/:id/close", async (req, reply) =>
    reply.redirect(`/ministry/alerts/${encodeURIComponent(req.params.id)}`, 303),
  );
}
