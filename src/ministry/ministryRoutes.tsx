// The ministry's oversight (issue 9): the national dashboard with drill-down, alerts on systematic lateness, and the queue of cases escalated to the ministry.
// This file: GET /ministry (every municipality side by side, sortable, with the national row; CSV too),
// /ministry/m/:slug (a municipality), /ministry/m/:slug/departments/:code, …/categories/:code and
// …/departments/:code/categories/:category (a slice and its anonymised cases). Figures come from the aggregates (src/stats/query.ts), never from a scan of
// cases, and are shown through the statistics pages' tables. The alerts' and the queue's routes are alertRoutes.tsx and escalationRoutes.tsx.
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { announcedGaps } from "../calendar/calendarAdmin.ts";
import { localDateOf, startOfLocalDay } from "../calendar/zone.ts";
import { publicCaseSummary } from "../cases/publicView.ts";
import { categories, departments } from "../db/schema.ts";
import { localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import {
  type BreakdownRow,
  breakdown,
  comparison,
  indicators,
  monthly,
  type Slice,
  sliceMonthly,
  statsUpdatedAt,
} from "../stats/query.ts";
import { sendCsv } from "../stats/web/csv.ts";
import { addMonths, parseStatsQuery, type RawQuery } from "../stats/web/period.ts";
import {
  breakdownTable,
  type ComparisonRow,
  comparisonTable,
  INDICATOR_KEYS,
  type IndicatorKey,
  indicatorCells,
  indicatorLabel,
  indicatorsTable,
  monthlyTable,
  type NamedRow,
  periodText,
  sortComparison,
} from "../stats/web/statsPages.tsx";
import { type PageContext, sendPage } from "../web/context.ts";
import { notFound } from "../web/errors.tsx";
import { errorText, type FieldErrors } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { alertRoutes, shownAlert } from "./alertRoutes.tsx";
import { listAlerts, openAlertCount } from "./alerts.ts";
import { DashboardPage, MunicipalityPage } from "./dashboardPages.tsx";
import { escalationRoutes } from "./escalationRoutes.tsx";
import { queueCount } from "./escalations.ts";
import { ministryOnly } from "./guard.ts";
import { SlicePage } from "./slicePages.tsx";
import { CASES_PER_PAGE, MAX_CASE_PAGES, sliceCases, sliceHasCases } from "./slices.ts";
import { K, NO_DEPARTMENT, periodQuery } from "./ui.tsx";

const SORT_KEYS = ["name", ...INDICATOR_KEYS];
/** The month table of a municipality: what its trend shows. */
const MONTH_COLUMNS = [
  "received",
  "answeredWithinShare",
  "resolutionRate",
  "backlog",
  "overdue",
  "escalations",
] as const satisfies readonly IndicatorKey[];
/** The month table of a department or a category: what its counters give (sliceMonthly). */
const SLICE_COLUMNS = [
  "received",
  "acknowledged",
  "ackWithinShare",
  "answeredWithinShare",
  "resolutionWithinShare",
  "resolutionRate",
  "reopenRate",
  "satisfactionAverage",
  "escalations",
  "overdue",
] as const satisfies readonly IndicatorKey[];

// The ministry sees internal statistics and, one click further, the cases: small counts as they are.
const internal = { smallCounts: "shown" } as const;

/**
 * Categories' rows of a breakdown, named in the page's language, each leading to `href(code)`; a category
 * no longer in the reference data is left out.
 */
function categoryRowsOf(
  rows: readonly BreakdownRow[],
  reference: Awaited<ReturnType<typeof referenceData>>,
  lang: PageContext["lang"],
  href: (code: string) => string,
): NamedRow[] {
  return rows.flatMap((r) => {
    const c = reference.category(Number(r.key));
    return c ? [{ ...r, code: c.code, name: localized(c.name, lang), href: href(c.code) }] : [];
  });
}

/**
 * A month table's headers: a month's (or the period's) overdue count is of its own cases, overdue now — not
 * the municipality's live count that the indicators table gives.
 */
const monthHeader = (ctx: PageContext) => (key: IndicatorKey) =>
  key === "overdue" ? ctx.t(`${K}.slice.overdue`) : indicatorLabel(ctx, key);

/** The error states' samples for the browser suite: an impossible month, a period backwards. */
const ERROR_SAMPLES = [
  { sample: "/ministry?from=2026-13", as: "ministria", status: 400 },
  { sample: "/ministry/m/prishtine?from=2026-05&to=2025-05", as: "ministria", status: 400 },
];

export async function ministryRoutes(app: FastifyInstance) {
  const { database, clock, profile } = app.deps;
  const db = database.db;
  const { timeZone } = profile;

  for (const page of ERROR_SAMPLES) {
    app.pageSamples.push(page.sample);
    app.pages.push(page);
  }

  const readQuery = (
    req: FastifyRequest<{ Querystring: RawQuery }>,
    extra: Partial<Parameters<typeof parseStatsQuery>[1]> = {},
  ) => parseStatsQuery(req.query ?? {}, { now: clock.now(), timeZone, tables: [], ...extra });

  /** A bad query string asked as CSV: the messages as text, in the page's language. */
  const csvProblem = (req: FastifyRequest, reply: FastifyReply, errors: FieldErrors) =>
    reply
      .status(400)
      .type("text/plain; charset=utf-8")
      .header("cache-control", "no-store")
      .send(
        `${Object.values(errors)
          .map((e) => errorText(req.t, e))
          .join("\n")}\n`,
      );

  // ── The national dashboard.

  app.get<{ Querystring: RawQuery }>(
    "/ministry",
    { config: { page: { sample: "/ministry?sort=answeredWithinShare&dir=asc", as: "ministria" } } },
    async (req, reply) => {
      if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return reply;
      const query = readQuery(req, {
        tables: ["municipalities"],
        sorts: SORT_KEYS,
        defaultSort: { sort: "name", dir: "asc" },
      });
      const sort = query.sort ?? { sort: "name", dir: "asc" as const };
      const ctx = pageContext(req, reply);
      const [openAlerts, queue, calendarGaps] = await Promise.all([
        openAlertCount(db),
        queueCount(db),
        announcedGaps(db, profile.code, localDateOf(clock.now(), timeZone)),
      ]);
      const frame = { ctx, sort, sortKeys: SORT_KEYS, openAlerts, queue, calendarGaps };
      if (!query.ok) {
        if (query.csv) return csvProblem(req, reply, query.errors);
        return sendPage(reply, <DashboardPage {...frame} values={query.values} errors={query.errors} />, 400);
      }
      const period = query.period;
      const [reference, all, total, updatedAt] = await Promise.all([
        referenceData(db),
        comparison(db, period),
        indicators(db, { national: true }, period),
        statsUpdatedAt(db),
      ]);
      const rows: ComparisonRow[] = all.flatMap((r) => {
        const m = reference.municipalityById(r.municipalityId);
        return m?.active ? [{ ...r, slug: m.slug, name: localized(m.name, req.lang) }] : [];
      });
      const sorted = sortComparison(req.lang, rows, sort);
      const table = comparisonTable(ctx, period, sorted, total, "", INDICATOR_KEYS);
      // Each municipality leads to its own page here, not to the public statistics.
      for (const [i, r] of sorted.entries())
        table.rows[i]![1]!.href = `/ministry/m/${r.slug}${periodQuery(period)}`;
      if (query.csv) return sendCsv(reply, `ministry-municipalities-${period.from}-${period.to}.csv`, table);
      return sendPage(
        reply,
        <DashboardPage {...frame} values={query.values} errors={{}} data={{ period, table, updatedAt }} />,
      );
    },
  );

  // ── A municipality.

  type MParams = { Params: { slug: string; code: string }; Querystring: RawQuery };

  async function municipalityOf(req: FastifyRequest<MParams>, reply: FastifyReply) {
    if (!(await ministryOnly(req, reply, "ministry.dashboard"))) return undefined;
    const m = (await referenceData(db)).municipalityBySlug(req.params.slug);
    if (!m) return void (await notFound(req, reply));
    return { id: m.id, slug: m.slug, name: localized(m.name, req.lang) };
  }

  app.get<MParams>(
    "/ministry/m/:slug",
    { config: { page: { sample: "/ministry/m/prishtine", as: "ministria" } } },
    async (req, reply) => {
      const m = await municipalityOf(req, reply);
      if (!m) return reply;
      const query = readQuery(req);
      const ctx = pageContext(req, reply);
      if (!query.ok)
        return sendPage(
          reply,
          <MunicipalityPage ctx={ctx} municipality={m} values={query.values} errors={query.errors} />,
          400,
        );
      const period = query.period;
      const scope = { municipalityId: m.id };
      const [ind, months, byDepartment, byCategory, alerts, queue, reference, known] = await Promise.all([
        indicators(db, scope, period),
        monthly(db, scope, period),
        breakdown(db, scope, period, "department"),
        breakdown(db, scope, period, "category"),
        listAlerts(db, { open: true, municipalityId: m.id, limit: 50 }),
        queueCount(db, m.id),
        referenceData(db),
        db.select().from(departments).where(eq(departments.municipalityId, m.id)),
      ]);
      const { t, lang } = ctx;
      const q = periodQuery(period);
      const monthsTable = monthlyTable(
        ctx,
        {
          name: "months",
          caption: t(`${K}.municipality.monthsCaption`, { period: periodText(ctx, period) }),
        },
        MONTH_COLUMNS,
        months,
        monthHeader(ctx),
      );
      const base = `/ministry/m/${m.slug}`;
      const departmentRows = byDepartment.map((r): NamedRow => {
        const d = known.find((x) => x.id === Number(r.key));
        const code = d?.code ?? NO_DEPARTMENT;
        return {
          ...r,
          code,
          name: d ? localized(d.name, lang) : t("stats.noDepartment"),
          href: `${base}/departments/${encodeURIComponent(code)}${q}`,
        };
      });
      const categoryRows = categoryRowsOf(
        byCategory,
        reference,
        lang,
        (code) => `${base}/categories/${encodeURIComponent(code)}${q}`,
      );
      return sendPage(
        reply,
        <MunicipalityPage
          ctx={ctx}
          municipality={m}
          values={query.values}
          errors={{}}
          data={{
            period,
            indicators: indicatorsTable(ctx, period, ind),
            months: monthsTable,
            onTime: months.map((row) => ({ month: row.month, value: row.answeredWithinShare })),
            departments: breakdownTable(ctx, period, "department", departmentRows, internal),
            categories: breakdownTable(ctx, period, "category", categoryRows, internal),
            alerts: alerts.map((a) => ({
              id: a.id,
              title: shownAlert(ctx, a, reference).title,
            })),
            queue,
          }}
        />,
      );
    },
  );

  // ── A department, a category, or a department's category of a municipality, and its cases.

  type Shown = Parameters<typeof SlicePage>[0]["slice"];
  async function slicePage(
    req: FastifyRequest<MParams>,
    reply: FastifyReply,
    m: { id: number; slug: string; name: string },
    slice: Slice,
    shown: Shown,
  ) {
    const query = readQuery(req);
    const ctx = pageContext(req, reply);
    const pageText = typeof req.query?.page === "string" ? req.query.page.trim() : "";
    const page = pageText === "" ? 1 : /^\d{1,4}$/.test(pageText) ? Number(pageText) : Number.NaN;
    const errors: FieldErrors = query.ok ? {} : { ...query.errors };
    if (!(page >= 1 && page <= MAX_CASE_PAGES)) errors.form ??= [`${K}.errors.page`, { max: MAX_CASE_PAGES }];
    const frame = { ctx, municipality: m, slice: shown, values: query.values };
    if (!query.ok || Object.keys(errors).length > 0)
      return sendPage(reply, <SlicePage {...frame} errors={errors} />, 400);
    const period = query.period;
    const range = {
      from: startOfLocalDay(`${period.from}-01`, timeZone),
      to: startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone),
    };
    const [figures, list, reference] = await Promise.all([
      sliceMonthly(db, slice, period),
      sliceCases(db, slice, range, page),
      referenceData(db),
    ]);
    const { t, lang } = ctx;
    const months = monthlyTable(
      ctx,
      {
        name: "months",
        caption: t(`${K}.slice.monthsCaption`, { name: shown.name, period: periodText(ctx, period) }),
      },
      SLICE_COLUMNS,
      figures.months,
      monthHeader(ctx),
    );
    months.rows.push([
      { text: t(`${K}.slice.total`), raw: "total" },
      ...indicatorCells(lang, SLICE_COLUMNS, figures.total),
    ]);
    // A department leads on to its categories, as a municipality does to its own (the same table).
    const categoryRows =
      shown.kind === "department"
        ? categoryRowsOf(
            figures.categories,
            reference,
            lang,
            (code) => `${shown.path}/categories/${encodeURIComponent(code)}${periodQuery(period)}`,
          )
        : undefined;
    const cases = list.map((c) => ({
      code: c.code,
      href: `/m/${m.slug}/workspace/cases/${c.code}`,
      title: publicCaseSummary({ ...c, trackingCode: c.code })?.title,
      status: c.status,
      receivedAt: c.receivedAt,
      slaState: c.slaState,
      slaDueAt: c.slaDueAt,
    }));
    const pageCount = Math.max(
      1,
      Math.min(MAX_CASE_PAGES, Math.ceil(figures.total.received / CASES_PER_PAGE)),
    );
    return sendPage(
      reply,
      <SlicePage
        {...frame}
        errors={{}}
        data={{
          period,
          months,
          ...(categoryRows
            ? { categories: breakdownTable(ctx, period, "category", categoryRows, internal) }
            : {}),
          cases,
          page,
          pageCount,
          received: figures.total.received,
        }}
      />,
    );
  }

  /** A department of the municipality by its code (`_none`: the cases with none, id 0); undefined: none such. */
  async function departmentOf(req: FastifyRequest<MParams>, m: { id: number; slug: string }) {
    const path = `/ministry/m/${m.slug}/departments/${encodeURIComponent(req.params.code)}`;
    if (req.params.code === NO_DEPARTMENT) return { id: 0, name: req.t("stats.noDepartment"), path };
    const [d] = await db
      .select()
      .from(departments)
      .where(and(eq(departments.municipalityId, m.id), eq(departments.code, req.params.code)));
    return d ? { id: d.id, name: localized(d.name, req.lang), path } : undefined;
  }

  /** A category by its code: the municipality's own of that code before the national one. */
  async function categoryOf(code: string, municipalityId: number) {
    const [c] = await db
      .select()
      .from(categories)
      .where(
        and(
          eq(categories.code, code),
          or(isNull(categories.municipalityId), eq(categories.municipalityId, municipalityId)),
        ),
      )
      .orderBy(sql`${categories.municipalityId} is null`)
      .limit(1);
    return c;
  }

  app.get<MParams>(
    "/ministry/m/:slug/departments/:code",
    { config: { page: { sample: "/ministry/m/prishtine/departments/public-services", as: "ministria" } } },
    async (req, reply) => {
      const m = await municipalityOf(req, reply);
      if (!m) return reply;
      const d = await departmentOf(req, m);
      if (!d) return notFound(req, reply);
      return slicePage(
        req,
        reply,
        m,
        { municipalityId: m.id, departmentId: d.id },
        { kind: "department", name: d.name, path: d.path },
      );
    },
  );

  app.get<MParams & { Params: { category: string } }>(
    "/ministry/m/:slug/departments/:code/categories/:category",
    {
      config: {
        page: {
          sample: "/ministry/m/prishtine/departments/public-services/categories/waste",
          as: "ministria",
        },
      },
    },
    async (req, reply) => {
      const m = await municipalityOf(req, reply);
      if (!m) return reply;
      const d = await departmentOf(req, m);
      const c = d && (await categoryOf(req.params.category, m.id));
      if (!d || !c) return notFound(req, reply);
      const slice = { municipalityId: m.id, departmentId: d.id, categoryId: c.id };
      // A category the department never had a case of is not a step below it.
      if (!(await sliceHasCases(db, slice))) return notFound(req, reply);
      return slicePage(req, reply, m, slice, {
        kind: "departmentCategory",
        name: localized(c.name, req.lang),
        path: `${d.path}/categories/${encodeURIComponent(c.code)}`,
        department: { name: d.name, path: d.path },
      });
    },
  );

  app.get<MParams>(
    "/ministry/m/:slug/categories/:code",
    { config: { page: { sample: "/ministry/m/prishtine/categories/potholes", as: "ministria" } } },
    async (req, reply) => {
      const m = await municipalityOf(req, reply);
      if (!m) return reply;
      const c = await categoryOf(req.params.code, m.id);
      if (!c) return notFound(req, reply);
      return slicePage(
        req,
        reply,
        m,
        { municipalityId: m.id, categoryId: c.id },
        {
          kind: "category",
          name: localized(c.name, req.lang),
          path: `/ministry/m/${m.slug}/categories/${encodeURIComponent(c.code)}`,
        },
      );
    },
  );

  await alertRoutes(app);
  await escalationRoutes(app);
}
