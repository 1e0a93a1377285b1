// The public statistics: GET /m/:slug/statistics (a municipality), /statistics (all municipalities
// together), /statistics/municipalities (side by side, sortable) and /statistics/indicators (how they are
// counted). The period is in the query string (from/to, YYYY-MM); `format=csv&table=<name>` gives one of a
// page's tables as CSV. Everything is read from the aggregates (src/stats/query.ts), and the pages go
// through the page cache for visitors.
import { eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { startOfLocalDay } from "../../calendar/zone.ts";
import { CASE_TYPES, CHANNELS } from "../../cases/statuses.ts";
import { departments } from "../../db/schema.ts";
import { localized } from "../../kernel/localized.ts";
import { consultationFigures } from "../../participation/consultations/figures.ts";
import { referenceData } from "../../reference/referenceCache.ts";
import type { PageContext } from "../../web/context.ts";
import { sendPage } from "../../web/context.ts";
import { notFound } from "../../web/errors.tsx";
import { errorText, type FieldErrors } from "../../web/forms.tsx";
import { pageContext } from "../../web/pageContext.ts";
import {
  type BreakdownBy,
  type BreakdownRow,
  breakdown,
  comparison,
  indicators,
  monthly,
  type Period,
  type Scope,
  statsUpdatedAt,
} from "../query.ts";
import { sendCsv } from "./csv.ts";
import { addMonths, parseStatsQuery, type RawQuery, type StatsQuery } from "./period.ts";
import {
  COMPARISON_COLUMNS,
  ComparisonPage,
  type ComparisonRow,
  comparisonTable,
  INDICATOR_KEYS,
  IndicatorsPage,
  type NamedRow,
  orderBreakdown,
  protectSmall,
  type ScopeData,
  ScopePage,
  scopeTables,
  sortComparison,
  TRENDS,
} from "./statsPages.tsx";

const MUNICIPAL_BREAKDOWNS: BreakdownBy[] = ["type", "category", "channel", "department"];
// Departments belong to one municipality each: a national breakdown by them would mean nothing.
const NATIONAL_BREAKDOWNS: BreakdownBy[] = ["type", "category", "channel"];
const tablesOf = (breakdowns: BreakdownBy[]) => [
  "indicators",
  ...TRENDS.map((trend) => trend.name),
  ...breakdowns,
  "consultations",
];

/** The error states' samples for the browser suite: an impossible month, and a period backwards. */
const ERROR_SAMPLES = [
  { sample: "/m/prishtine/statistics?from=2026-13", status: 400 },
  { sample: "/statistics/municipalities?from=2026-05&to=2025-05", status: 400 },
];

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.database;
  const { clock } = app.deps;
  const { timeZone } = app.deps.profile;

  // A route has one sample in its config; its error state is added here by hand.
  for (const page of ERROR_SAMPLES) {
    app.pageSamples.push(page.sample);
    app.pages.push(page);
  }

  /** The names of what a breakdown counts, in the page's language, in the order the page shows them. */
  async function nameRows(
    ctx: PageContext,
    by: BreakdownBy,
    rows: BreakdownRow[],
    municipalityId: number | undefined,
  ): Promise<NamedRow[]> {
    const { t, lang } = ctx;
    if (by === "type" || by === "channel") {
      // Every type and channel is listed, with 0 where nothing came: "none by phone" is worth seeing.
      const codes: readonly string[] = by === "type" ? CASE_TYPES : CHANNELS;
      const found = new Map(rows.map((r) => [String(r.key), r]));
      const extra = rows.filter((r) => !codes.includes(String(r.key))).map((r) => String(r.key));
      return protectSmall(
        [...codes, ...extra].map((code) => ({
          key: code,
          received: 0,
          answeredWithinShare: null,
          resolutionRate: null,
          ...found.get(code),
          code,
          name: t(by === "type" ? `caseType.${code}` : `inbox.channels.${code}`, { defaultValue: code }),
        })),
      );
    }
    if (by === "category") {
      const reference = await referenceData(db);
      return orderBreakdown(
        lang,
        protectSmall(
          rows.map((r) => {
            const category = reference.category(Number(r.key));
            return {
              ...r,
              code: category?.code ?? String(r.key),
              name: category ? localized(category.name, lang) : String(r.key),
            };
          }),
        ),
      );
    }
    const known =
      municipalityId === undefined
        ? []
        : await db
            .select({ id: departments.id, code: departments.code, name: departments.name })
            .from(departments)
            .where(eq(departments.municipalityId, municipalityId));
    const byId = new Map(known.map((d) => [d.id, d]));
    return orderBreakdown(
      lang,
      protectSmall(
        rows.map((r) => {
          const department = byId.get(Number(r.key));
          return {
            ...r,
            code: department?.code ?? (Number(r.key) === 0 ? "" : String(r.key)),
            name: department ? localized(department.name, lang) : t("stats.noDepartment"),
          };
        }),
      ),
    );
  }

  async function loadScope(
    ctx: PageContext,
    scope: Scope,
    period: Period,
    breakdowns: BreakdownBy[],
  ): Promise<ScopeData> {
    const municipalityId = "municipalityId" in scope ? scope.municipalityId : undefined;
    // The period's months as instants: from the first local day of its first month to that of the month after.
    const range = {
      from: startOfLocalDay(`${period.from}-01`, timeZone),
      to: startOfLocalDay(`${addMonths(period.to, 1)}-01`, timeZone),
    };
    const [updatedAt, consultations, ind, months, ...parts] = await Promise.all([
      statsUpdatedAt(db),
      consultationFigures(db, {
        ...(municipalityId === undefined ? {} : { municipalityId }),
        ...range,
        timeZone,
      }),
      indicators(db, scope, period),
      monthly(db, scope, period),
      ...breakdowns.map((by) => breakdown(db, scope, period, by)),
    ]);
    return {
      period,
      updatedAt,
      consultations,
      indicators: ind,
      monthly: months,
      breakdowns: await Promise.all(
        breakdowns.map(async (by, i) => ({
          by,
          rows: await nameRows(ctx, by, parts[i] ?? [], municipalityId),
        })),
      ),
    };
  }

  /** A bad query string asked as CSV: the messages as text, in the page's language. */
  function csvProblem(req: FastifyRequest, reply: FastifyReply, errors: FieldErrors) {
    const lines = Object.values(errors).map((e) => errorText(req.t, e));
    return reply
      .status(400)
      .type("text/plain; charset=utf-8")
      .header("cache-control", "no-store")
      .send(`${lines.join("\n")}\n`);
  }

  const readQuery = (
    req: FastifyRequest<{ Querystring: RawQuery }>,
    extra: Partial<Parameters<typeof parseStatsQuery>[1]> & { tables: readonly string[] },
  ) => parseStatsQuery(req.query ?? {}, { now: clock.now(), timeZone, ...extra });

  async function scopePage(
    req: FastifyRequest<{ Querystring: RawQuery }>,
    reply: FastifyReply,
    target: { scope: Scope; path: string; slug: string; municipality?: { slug: string; name: string } },
  ) {
    const breakdowns = target.municipality ? MUNICIPAL_BREAKDOWNS : NATIONAL_BREAKDOWNS;
    const query = readQuery(req, { tables: tablesOf(breakdowns) });
    const ctx = pageContext(req, reply);
    if (!query.ok) {
      if (query.csv) return csvProblem(req, reply, query.errors);
      // 400, not 200: the address itself asks for something that cannot be; the page still answers in full.
      return sendPage(
        reply,
        <ScopePage
          ctx={ctx}
          path={target.path}
          values={query.values}
          errors={query.errors}
          {...(target.municipality ? { municipality: target.municipality } : {})}
        />,
        400,
      );
    }
    const data = await loadScope(ctx, target.scope, query.period, breakdowns);
    if (query.csv) {
      const table = scopeTables(ctx, data).get(query.csv)!;
      return sendCsv(
        reply,
        `statistics-${target.slug}-${query.csv}-${query.period.from}-${query.period.to}.csv`,
        table,
      );
    }
    return sendPage(
      reply,
      <ScopePage
        ctx={ctx}
        path={target.path}
        values={query.values}
        errors={{}}
        data={data}
        {...(target.municipality ? { municipality: target.municipality } : {})}
      />,
    );
  }

  app.get<{ Querystring: RawQuery }>(
    "/statistics",
    { config: { page: { sample: "/statistics" }, publicCache: true } },
    (req, reply) =>
      scopePage(req, reply, { scope: { national: true }, path: "/statistics", slug: "national" }),
  );

  app.get<{ Params: { slug: string }; Querystring: RawQuery }>(
    "/m/:slug/statistics",
    { config: { page: { sample: "/m/prishtine/statistics" }, publicCache: true } },
    async (req, reply) => {
      const municipality = (await referenceData(db)).municipalityBySlug(req.params.slug);
      if (!municipality) return notFound(req, reply);
      return scopePage(req, reply, {
        scope: { municipalityId: municipality.id },
        path: `/m/${municipality.slug}/statistics`,
        slug: municipality.slug,
        municipality: { slug: municipality.slug, name: localized(municipality.name, req.lang) },
      });
    },
  );

  app.get<{ Querystring: RawQuery }>(
    "/statistics/municipalities",
    {
      config: {
        page: { sample: "/statistics/municipalities?sort=answeredWithinShare&dir=desc" },
        publicCache: true,
      },
    },
    async (req, reply) => {
      const query: StatsQuery = readQuery(req, {
        tables: ["municipalities"],
        sorts: ["name", ...COMPARISON_COLUMNS],
        defaultSort: { sort: "name", dir: "asc" },
      });
      const ctx = pageContext(req, reply);
      const sort = query.sort ?? { sort: "name", dir: "asc" as const };
      if (!query.ok) {
        if (query.csv) return csvProblem(req, reply, query.errors);
        return sendPage(
          reply,
          <ComparisonPage ctx={ctx} values={query.values} errors={query.errors} sort={sort} />,
          400,
        );
      }
      const [reference, all, total] = await Promise.all([
        referenceData(db),
        comparison(db, query.period),
        indicators(db, { national: true }, query.period),
      ]);
      const rows: ComparisonRow[] = all.flatMap((r) => {
        const m = reference.municipalityById(r.municipalityId);
        return m?.active ? [{ ...r, slug: m.slug, name: localized(m.name, req.lang) }] : [];
      });
      const periodQuery = `?${new URLSearchParams({ from: query.period.from, to: query.period.to })}`;
      const sorted = sortComparison(req.lang, rows, sort);
      if (query.csv) {
        // The CSV has every indicator, whichever columns the page shows.
        const table = comparisonTable(ctx, query.period, sorted, total, periodQuery, INDICATOR_KEYS);
        return sendCsv(reply, `statistics-municipalities-${query.period.from}-${query.period.to}.csv`, table);
      }
      const table = comparisonTable(ctx, query.period, sorted, total, periodQuery, COMPARISON_COLUMNS);
      return sendPage(
        reply,
        <ComparisonPage
          ctx={ctx}
          values={query.values}
          errors={{}}
          sort={sort}
          data={{ period: query.period, table }}
        />,
      );
    },
  );

  app.get(
    "/statistics/indicators",
    { config: { page: { sample: "/statistics/indicators" }, publicCache: true } },
    (req, reply) => sendPage(reply, <IndicatorsPage ctx={pageContext(req, reply)} />),
  );
}
