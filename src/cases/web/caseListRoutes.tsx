// GET /cases: the public list of cases, filtered, searched and paged through the query string.
import type { FastifyInstance } from "fastify";
import { sendPage } from "../../web/context.ts";
import { pageContext } from "../../web/pageContext.ts";
import { listFilterChoices, listPublicCases } from "../queries/listPublicCases.ts";
import { CaseListPage } from "./caseListPages.tsx";
import { parseCaseListQuery, type RawQuery } from "./caseListQuery.ts";

/** The error state's sample for the browser suite: the same route, asked for an impossible date. */
const ERROR_SAMPLE = { sample: "/cases?from=2026-13-45", status: 400 };

export async function caseListRoutes(app: FastifyInstance) {
  const db = app.deps.database.db;
  const { timeZone } = app.deps.profile;

  // A route has one sample in its config; the second state of this one is added here by hand.
  app.pageSamples.push(ERROR_SAMPLE.sample);
  app.pages.push(ERROR_SAMPLE);

  app.get<{ Querystring: RawQuery }>(
    "/cases",
    { config: { page: { sample: "/cases" } } },
    async (req, reply) => {
      const choices = await listFilterChoices(db);
      const parsed = parseCaseListQuery(req.query ?? {}, {
        municipalities: new Set(choices.municipalities.map((m) => m.slug)),
        categories: choices.categoryCodes,
      });
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
        <CaseListPage ctx={ctx} choices={choices} values={parsed.values} errors={{}} list={list} />,
      );
    },
  );
}
