// Reports (issue 9): the periodic performance reports (/reports, /reports/national/<period>,
// /reports/m/<slug>/<period>, a period being 2026, 2026-q3 or 2026-09), the pilot evaluations
// (/ministry/evaluations for the ministry, /evaluations/:id public once published), and the standard operating
// procedures for staff (/procedures). Each route reads top to bottom: who is asking (the policy table), what
// is asked (checked: a bad period or choice is a 400 page with a message, never a 500), the figures, the page.
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../access/policy.ts";
import { municipalities } from "../db/schema.ts";
import { localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sendCsv } from "../stats/web/csv.ts";
import { monthOf } from "../stats/web/period.ts";
import { formatsOf } from "../stats/web/statsPages.tsx";
import { sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import type { FieldErrors } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { defaultMonths, type EvaluationValues, parseEvaluationForm, valuesOf } from "./evaluationForm.ts";
import {
  EvaluationFormPage,
  EvaluationListPage,
  EvaluationPage,
  editPath,
  PublicEvaluationsPage,
} from "./evaluationPages.tsx";
import {
  EVALUATION_CSV_TABLES,
  type EvaluationCsvTable,
  evaluationCsvTables,
  loadEvaluationReport,
} from "./evaluationReport.ts";
import {
  createEvaluation,
  type EvaluationRow,
  evaluationById,
  inputOf,
  listEvaluations,
  setPublished,
  updateEvaluation,
} from "./evaluations.ts";
import { loadPeriodicReport, reportTables } from "./periodicReport.ts";
import { loadProcedures } from "./proceduresData.ts";
import { ProceduresPage } from "./proceduresPage.tsx";
import { ChooserPage, ReportPage, reportPath } from "./reportPages.tsx";
import { type PeriodProblem, parseReportPeriod } from "./reportPeriod.ts";
import { K } from "./ui.tsx";

type Query = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined): string =>
  (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""))
    .replace(/\p{Cc}/gu, " ")
    .trim()
    .slice(0, 60);

/**
 * A page of one municipality offers its languages (config.municipalityOf, web/context.ts): Prizren's report
 * and procedures in Turkish where Prizren has Turkish on, as its own pages under /m/prizren are.
 */
const ofSlug = (req: FastifyRequest) => first((req.params as { slug?: string }).slug) || undefined;
const ofChosen = (req: FastifyRequest) => first((req.query as Query | undefined)?.m) || undefined;

const ID = /^\d{1,9}$/;
const DONE = new Set(["created", "saved", "published", "unpublished", "unchanged"]);

/** The error states' samples for the browser suite: a quarter that does not exist, asked by the ministry. */
const ERROR_SAMPLES = [{ sample: "/reports/national/2026-q5", status: 400, as: "ministria" }];

export async function reportRoutes(app: FastifyInstance) {
  const { database, clock, profile } = app.deps;
  const db = database.db;
  const { timeZone } = profile;
  const currentMonth = () => monthOf(clock.now(), timeZone);

  for (const page of ERROR_SAMPLES) {
    app.pageSamples.push(page.sample);
    app.pages.push(page);
  }

  /** A visitor is sent to log in (and back); true when someone is signed in. */
  function signedIn(req: FastifyRequest, reply: FastifyReply): boolean {
    if (req.user) return true;
    void reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
    return false;
  }

  /** Active municipalities by name in the page's language. */
  async function municipalityList(lang: FastifyRequest["lang"]) {
    const rows = await db
      .select({
        id: municipalities.id,
        slug: municipalities.slug,
        name: municipalities.name,
        pilot: municipalities.pilot,
      })
      .from(municipalities)
      .where(eq(municipalities.active, true));
    const { collator } = formatsOf(lang);
    return rows
      .map((m) => ({ ...m, label: localized(m.name, lang) }))
      .sort((a, b) => collator.compare(a.label, b.label));
  }

  /** A CSV asked for with a bad address: the messages as text, in the reader's language. */
  function csvProblem(req: FastifyRequest, reply: FastifyReply, errors: FieldErrors) {
    const lines = Object.values(errors).map((e) => (typeof e === "string" ? req.t(e) : req.t(e[0], e[1])));
    return reply
      .status(400)
      .type("text/plain; charset=utf-8")
      .header("cache-control", "no-store")
      .send(`${lines.join("\n")}\n`);
  }

  // ── The periodic report.

  /** What the reader may report on: the nation (the ministry) and the municipalities they may see inside. */
  async function scopesOf(req: FastifyRequest) {
    const ministry = can(req.actor, "ministry.reports");
    const list = await municipalityList(req.lang);
    return {
      ministry,
      scopes: [
        ...(ministry ? [{ value: "national", label: req.t(`${K}.choose.national`) }] : []),
        ...list
          .filter((m) => ministry || can(req.actor, "statistics.view_internal", { municipalityId: m.id }))
          .map((m) => ({ value: m.slug, label: m.label })),
      ],
    };
  }

  async function sendChooser(
    req: FastifyRequest,
    reply: FastifyReply,
    values: { scope: string; period: string },
    errors: FieldErrors,
    status = 200,
  ) {
    const { ministry, scopes } = await scopesOf(req);
    if (scopes.length === 0) return notFound(req, reply);
    return sendPage(
      reply,
      <ChooserPage
        ctx={pageContext(req, reply)}
        scopes={scopes}
        values={{ scope: values.scope || (scopes[0]?.value ?? ""), period: values.period }}
        errors={errors}
        currentMonth={currentMonth()}
        ministry={ministry}
      />,
      status,
    );
  }

  const periodError = (problem: PeriodProblem): FieldErrors[string] =>
    problem === "tooEarly"
      ? [`${K}.errors.period.tooEarly`, { year: 2000 }]
      : problem === "future"
        ? [`${K}.errors.period.future`, { month: currentMonth() }]
        : `${K}.errors.period.${problem}`;

  app.get<{ Querystring: Query }>(
    "/reports",
    { config: { page: { sample: "/reports", as: "ministria" } } },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      const scope = first(req.query?.scope);
      const period = first(req.query?.period);
      if (!scope && !period) return sendChooser(req, reply, { scope, period }, {});
      const { scopes } = await scopesOf(req);
      if (scopes.length === 0) return notFound(req, reply);
      const errors: FieldErrors = {};
      if (!scopes.some((s) => s.value === scope)) errors.scope = `${K}.errors.scope`;
      const parsed = parseReportPeriod(period, currentMonth());
      if (!period) errors.period = `${K}.errors.period.required`;
      else if (!parsed.ok) errors.period = periodError(parsed.problem);
      if (Object.keys(errors).length > 0 || !parsed.ok)
        return sendChooser(req, reply, { scope, period }, errors, 400);
      return reply.redirect(reportPath(scope === "national" ? undefined : scope, parsed.value.key), 303);
    },
  );

  async function sendReport(
    req: FastifyRequest<{ Params: { period: string }; Querystring: Query }>,
    reply: FastifyReply,
    municipality: { id: number; slug: string; name: string } | undefined,
  ) {
    const parsed = parseReportPeriod(req.params.period, currentMonth());
    const format = first(req.query?.format);
    const table = first(req.query?.table);
    const errors: FieldErrors = {};
    if (!parsed.ok) errors.period = periodError(parsed.problem);
    if (format !== "" && format !== "csv" && format !== "html") errors.form = `${K}.errors.format`;
    else if (format === "csv" && table !== "" && table !== "trend") errors.form = `${K}.errors.table`;
    if (!parsed.ok || Object.keys(errors).length > 0) {
      if (format === "csv") return csvProblem(req, reply, errors);
      return sendChooser(
        req,
        reply,
        { scope: municipality?.slug ?? "national", period: first(req.params.period) },
        errors,
        400,
      );
    }
    const report = await loadPeriodicReport(db, municipality ? { municipality } : {}, parsed.value, timeZone);
    const ctx = pageContext(req, reply);
    if (format === "csv") {
      const tables = reportTables(ctx, report);
      const name = `report-${municipality?.slug ?? "national"}-${parsed.value.key}${table ? `-${table}` : ""}.csv`;
      return sendCsv(
        reply,
        name,
        table === "trend" ? [tables.trend] : [tables.indicators, tables.consultations, tables.proposals],
      );
    }
    return sendPage(
      reply,
      <ReportPage ctx={ctx} report={report} canNational={can(req.actor, "ministry.reports")} />,
    );
  }

  app.get<{ Params: { period: string }; Querystring: Query }>(
    "/reports/national/:period",
    { config: { page: { sample: "/reports/national/2026", as: "ministria" } } },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      if (!can(req.actor, "ministry.reports")) return notFound(req, reply);
      return sendReport(req, reply, undefined);
    },
  );

  app.get<{ Params: { slug: string; period: string }; Querystring: Query }>(
    "/reports/m/:slug/:period",
    {
      config: {
        page: { sample: "/reports/m/prishtine/2026-q4", as: "admin.prishtine" },
        municipalityOf: ofSlug,
      },
    },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      const m = (await referenceData(db)).municipalityBySlug(req.params.slug);
      if (
        !m ||
        !(
          can(req.actor, "ministry.reports") ||
          can(req.actor, "statistics.view_internal", { municipalityId: m.id })
        )
      )
        return notFound(req, reply);
      return sendReport(req, reply, { id: m.id, slug: m.slug, name: localized(m.name, req.lang) });
    },
  );

  // ── Pilot evaluations: the ministry's list and form.

  type IdParams = { Params: { id: string }; Querystring: Query };

  /** True when a ministry member asks; anyone else is sent to log in, or told there is no such page. */
  function ministry(req: FastifyRequest, reply: FastifyReply): boolean {
    if (!signedIn(req, reply)) return false;
    if (can(req.actor, "ministry.reports")) return true;
    void notFound(req, reply);
    return false;
  }

  const noticeOf = (req: FastifyRequest<{ Querystring: Query }>) => {
    const done = first(req.query?.done);
    return DONE.has(done) ? req.t(`${K}.evaluations.done.${done}`) : undefined;
  };

  app.get<{ Querystring: Query }>(
    "/ministry/evaluations",
    { config: { page: { sample: "/ministry/evaluations", as: "ministria" } } },
    async (req, reply) => {
      if (!ministry(req, reply)) return reply;
      const notice = noticeOf(req);
      return sendPage(
        reply,
        <EvaluationListPage
          ctx={pageContext(req, reply)}
          rows={await listEvaluations(db, "all")}
          {...(notice ? { notice } : {})}
        />,
      );
    },
  );

  async function sendForm(
    req: FastifyRequest<{ Querystring: Query }>,
    reply: FastifyReply,
    row: EvaluationRow | undefined,
    values: EvaluationValues,
    errors: FieldErrors,
    status = 200,
  ) {
    const list = await municipalityList(req.lang);
    const notice = status === 200 ? noticeOf(req) : undefined;
    return sendPage(
      reply,
      <EvaluationFormPage
        ctx={pageContext(req, reply)}
        {...(row ? { row } : {})}
        values={values}
        errors={errors}
        municipalities={list.map((m) => ({ id: m.id, name: m.label }))}
        {...(notice ? { notice } : {})}
      />,
      status,
    );
  }

  const valuesOfRow = (row: EvaluationRow): EvaluationValues => {
    const input = inputOf(row);
    return {
      text: {
        titleSq: input.title.sq,
        titleSr: input.title.sr,
        titleEn: input.title.en ?? "",
        summarySq: input.summary?.sq ?? "",
        summarySr: input.summary?.sr ?? "",
        summaryEn: input.summary?.en ?? "",
        from: input.fromMonth,
        to: input.toMonth,
      },
      municipalities: new Set(input.municipalityIds.map(String)),
    };
  };

  app.get<{ Querystring: Query }>(
    "/ministry/evaluations/new",
    { config: { page: { sample: "/ministry/evaluations/new", as: "ministria" } } },
    async (req, reply) => {
      if (!ministry(req, reply)) return reply;
      // A new evaluation starts from the pilot's municipalities and the twelve months that ended last.
      const pilot = (await municipalityList(req.lang)).filter((m) => m.pilot).map((m) => String(m.id));
      const months = defaultMonths(currentMonth());
      return sendForm(req, reply, undefined, { text: { ...months }, municipalities: new Set(pilot) }, {});
    },
  );

  async function knownIds() {
    return new Set((await municipalityList("sq")).map((m) => m.id));
  }

  const deps = (req: FastifyRequest) => ({ db, now: clock.now(), actorId: req.user!.id });

  app.post<{ Querystring: Query }>("/ministry/evaluations/new", async (req, reply) => {
    if (!ministry(req, reply)) return reply;
    const form = parseEvaluationForm(req.body, await knownIds(), currentMonth());
    if (!form.ok) return sendForm(req, reply, undefined, valuesOf(req.body), form.errors, 422);
    const { id } = await createEvaluation(deps(req), form.value);
    return reply.redirect(`${editPath(id)}?done=created`, 303);
  });

  async function evaluationOf(req: FastifyRequest<IdParams>) {
    return ID.test(req.params.id) ? evaluationById(db, Number(req.params.id)) : undefined;
  }

  app.get<IdParams>(
    "/ministry/evaluations/:id/edit",
    { config: { page: { sample: "/ministry/evaluations/1/edit", as: "ministria" } } },
    async (req, reply) => {
      if (!ministry(req, reply)) return reply;
      const row = await evaluationOf(req);
      if (!row) return notFound(req, reply);
      return sendForm(req, reply, row, valuesOfRow(row), {});
    },
  );

  app.post<IdParams>("/ministry/evaluations/:id/edit", async (req, reply) => {
    if (!ministry(req, reply)) return reply;
    const row = await evaluationOf(req);
    if (!row) return notFound(req, reply);
    const form = parseEvaluationForm(req.body, await knownIds(), currentMonth());
    if (!form.ok) return sendForm(req, reply, row, valuesOf(req.body), form.errors, 422);
    const saved = await updateEvaluation(deps(req), row.id, form.value);
    if (!saved.ok) return notFound(req, reply);
    return reply.redirect(`${editPath(row.id)}?done=saved`, 303);
  });

  app.post<IdParams>("/ministry/evaluations/:id/publish", async (req, reply) => {
    if (!ministry(req, reply)) return reply;
    if (!ID.test(req.params.id)) return notFound(req, reply);
    const asked = (req.body as Record<string, unknown> | undefined)?.publish;
    if (asked !== "yes" && asked !== "no") {
      const row = await evaluationOf(req);
      if (!row) return notFound(req, reply);
      return sendForm(req, reply, row, valuesOfRow(row), { form: `${K}.errors.publish` }, 422);
    }
    const done = await setPublished(deps(req), Number(req.params.id), asked === "yes");
    if (!done.ok) return notFound(req, reply);
    const notice = done.changed ? (asked === "yes" ? "published" : "unpublished") : "unchanged";
    return reply.redirect(`${editPath(Number(req.params.id))}?done=${notice}`, 303);
  });

  // ── Pilot evaluations: public once published.

  app.get(
    "/evaluations",
    { config: { page: { sample: "/evaluations" }, publicCache: true } },
    async (req, reply) =>
      sendPage(
        reply,
        <PublicEvaluationsPage ctx={pageContext(req, reply)} rows={await listEvaluations(db, "published")} />,
      ),
  );

  app.get<IdParams>(
    "/evaluations/:id",
    { config: { page: { sample: "/evaluations/1" }, publicCache: true } },
    async (req, reply) => {
      const row = await evaluationOf(req);
      const staff = can(req.actor, "ministry.reports");
      // A draft is the ministry's alone: to anyone else it does not exist.
      if (!row || (!row.publishedAt && !staff)) return notFound(req, reply);
      // `format=csv` gives the figures, `&table=months` the months: the page's own tables.
      const format = first(req.query?.format);
      const table = first(req.query?.table) || EVALUATION_CSV_TABLES[0];
      if (format !== "" && format !== "csv" && format !== "html")
        return csvProblem(req, reply, { form: `${K}.errors.format` });
      if (format === "csv" && !(EVALUATION_CSV_TABLES as readonly string[]).includes(table))
        return csvProblem(req, reply, { form: `${K}.errors.evaluationTable` });
      const report = await loadEvaluationReport(db, row, req.lang, timeZone);
      if (format === "csv") {
        const ctx = pageContext(req, reply);
        return sendCsv(
          reply,
          `evaluation-${row.id}-${table}.csv`,
          evaluationCsvTables(ctx, report, table as EvaluationCsvTable),
        );
      }
      return sendPage(
        reply,
        <EvaluationPage ctx={pageContext(req, reply)} report={report} canEdit={staff} />,
      );
    },
  );

  // ── The standard operating procedures.

  app.get<{ Querystring: Query }>(
    "/procedures",
    {
      config: {
        page: { sample: "/procedures?m=prishtine", as: "zyrtari.prishtine" },
        municipalityOf: ofChosen,
      },
    },
    async (req, reply) => {
      if (!signedIn(req, reply)) return reply;
      // Staff of any role, the ministry's too; a citizen's account holds no role.
      if (req.actor.kind !== "user" || req.actor.roles.length === 0) return notFound(req, reply);
      const slug = first(req.query?.m);
      const list = await municipalityList(req.lang);
      const chosen = slug ? list.find((m) => m.slug === slug) : undefined;
      const errors: FieldErrors = slug && !chosen ? { m: `${K}.errors.municipality` } : {};
      const data = await loadProcedures(db, chosen?.id);
      return sendPage(
        reply,
        <ProceduresPage
          ctx={pageContext(req, reply)}
          data={data}
          municipalities={list.map((m) => ({ value: m.slug, label: m.label }))}
          chosen={slug}
          errors={errors}
        />,
        slug && !chosen ? 400 : 200,
      );
    },
  );
}
