// GET /cases: the public list of cases, filtered, searched and paged through the query string; and
// GET /cases/map.json: the same filters' cases with a location, as points for the list's map.
import type { FastifyInstance } from "fastify";
import { sendPage } from "../../web/context.ts";
import { errorText } from "../../web/forms.tsx";
import { countryPlace } from "../../web/map.tsx";
import { pageContext } from "../../web/pageContext.ts";
import { listFilterChoices, listPublicCasePoints, listPublicCases } from "../queries/listPublicCases.ts";
import { CaseListPage } from "./caseListPages.tsx";
import { parseCaseListQuery, type RawQuery } from "./caseListQuery.ts";

/** The error state's sample for the browser suite: the same route, asked for an impossible date. */
const ERROR_SAMPLE = { sample: "/cases?from=2026-13-45", status: 400 };

/** How long browsers and proxies may reuse the map's points: new cases show up within a minute. */
const MAP_MAX_AGE = 60;

export async function caseListRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const { timeZone } = app.deps.profile;

  // A route has one sample in its config; the second state of this one is added here by hand.
  app.pageSamples.push(ERROR_SAMPLE.sample);
  app.pages.push(ERROR_SAMPLE);

  const readFilters = async (query: RawQuery) => {
    const choices = await listFilterChoices(db);
    const parsed = parseCaseListQuery(query, {
      municipalities: new Set(choices.municipalities.map((m) => m.slug)),
      categories: choices.categoryCodes,
    });
    return { choices, parsed };
  };

  app.get<{ Querystring: RawQuery }>(
    "/cases",
    { config: { page: { sample: "/cases" }, publicCache: true } },
    async (req, reply) => {
      const { choices, parsed } = await readFilters(req.query ?? {});
      const ctx = pageContext(req, reply);
      // Filters that cannot mean anything: the form again, each problem at its field, and no results.
      // 400, not 200: the address itself is wrong (a list page with an error is not a list to index,
      // cache or count as a success); the page still answers in full, in the page language.
      if (!parsed.ok)
        return sendPage(
          reply,
          <CaseListPage ctx={ctx} choices={choices} values={parsed.values} errors={parsed.errors} />,
          400,
        );
      const list = await listPublicCases(db, parsed.filters, { page: parsed.page, timeZone });
      return sendPage(
        reply,
        <CaseListPage
          ctx={ctx}
          choices={choices}
          values={parsed.values}
          errors={{}}
          list={list}
          mapPlace={countryPlace(app.deps.profile)}
        />,
      );
    },
  );

  // The points are public and the same for everyone (no language, no session), so they may be cached.
  app.get<{ Querystring: RawQuery }>("/cases/map.json", async (req, reply) => {
    // The map is not paged: a page number, even a wrong one, is not one of its filters.
    const { page: _page, ...query } = req.query ?? {};
    const { parsed } = await readFilters(query);
    if (!parsed.ok) {
      const fields = Object.fromEntries(
        Object.entries(parsed.errors).map(([field, error]) => [field, errorText(req.t, error)]),
      );
      return reply
        .status(400)
        .header("cache-control", "no-store")
        .send({
          error: {
            code: "invalid_filter",
            message: req.t("errors.api.bad_request", { detail: Object.values(fields).join("; ") }),
            requestId: req.id,
            fields,
          },
        });
    }
    const points = await listPublicCasePoints(db, parsed.filters, { timeZone });
    return reply.header("cache-control", `public, max-age=${MAP_MAX_AGE}`).send(points);
  });
}
