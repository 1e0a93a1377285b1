// /open-data: the page that lists the datasets, the downloads (anonymised cases and the statistics'
// aggregates, CSV and JSON, streamed) and the data package descriptor. docs/OPEN-DATA.md says what each
// holds and why; nothing here reads personal data (caseExport.ts selects none).
import { asc, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { municipalities } from "../db/schema.ts";
import { localized } from "../kernel/localized.ts";
import { referenceData } from "../reference/referenceCache.ts";
import { sendPage } from "../web/context.ts";
import { errorText } from "../web/forms.tsx";
import { pageContext } from "../web/pageContext.ts";
import { caseExportVersion, caseText, caseYears, countCases } from "./caseExport.ts";
import { dataPackage } from "./datapackage.ts";
import { type DatasetName, dataset, FORMATS, type Format } from "./datasets.ts";
import { caseFileName, filterQuery, parseCaseFilter } from "./filters.ts";
import { renderOpenDataPage } from "./openDataPage.tsx";
import {
  breakdownBatches,
  countStats,
  monthlyBatches,
  type StatsRecord,
  statsVersion,
} from "./statsExport.ts";
import { csvLines, csvText, jsonElements, jsonText, textStream } from "./writers.ts";

/** The error state's sample for the browser suite: the page asked for an impossible year. */
const ERROR_SAMPLE = { sample: "/open-data?year=20x6", status: 400 };

/** How long browsers and proxies may reuse a download: a change shows within a minute. */
const DOWNLOAD_MAX_AGE = 60;

type RawQuery = Record<string, string | string[]>;

export async function openDataRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.deps.database;
  const { clock, profile, config } = app.deps;
  const { timeZone } = profile;

  app.pageSamples.push(ERROR_SAMPLE.sample);
  app.pages.push(ERROR_SAMPLE);

  const readFilter = async (req: FastifyRequest<{ Querystring: RawQuery }>) => {
    const now = clock.now();
    const ref = await referenceData(db, now.getTime());
    return parseCaseFilter(req.query ?? {}, { municipalityBySlug: ref.municipalityBySlug, timeZone, now });
  };

  /** The platform's absolute address: PUBLIC_URL when set, else the one the request came to. */
  const baseOf = (req: FastifyRequest) =>
    (config.publicUrl ?? `${req.protocol}://${req.host}`).replace(/\/$/, "");

  app.get<{ Querystring: RawQuery }>(
    "/open-data",
    { config: { page: { sample: "/open-data" }, publicCache: true } },
    async (req, reply) => {
      const parsed = await readFilter(req);
      const now = clock.now();
      const [list, years, stats, cases] = await Promise.all([
        db
          .select({ slug: municipalities.slug, name: municipalities.name })
          .from(municipalities)
          .where(eq(municipalities.active, true))
          .orderBy(asc(municipalities.id)),
        caseYears(db, timeZone, now),
        countStats(db),
        parsed.ok ? countCases(db, parsed.filter) : Promise.resolve(undefined),
      ]);
      const html = renderOpenDataPage({
        ctx: pageContext(req, reply),
        municipalities: list,
        years,
        values: parsed.values,
        errors: parsed.ok ? {} : parsed.errors,
        query: parsed.ok ? filterQuery(parsed.filter) : undefined,
        rows: {
          ...(cases !== undefined ? { cases } : {}),
          "statistics-monthly": stats.monthly,
          "statistics-breakdown": stats.breakdown,
        },
        publisher: localized(profile.ministry, req.lang),
      });
      // Filters that cannot mean anything: the page with the problem at its field, as 400.
      return sendPage(reply, html, parsed.ok ? 200 : 400);
    },
  );

  /**
   * Answers 304 when the client holds this version; otherwise sets the validators and the download's
   * headers. Answers true when the body is still to be sent.
   */
  function downloadHeaders(
    req: FastifyRequest,
    reply: FastifyReply,
    version: { etag: string; lastModified: Date | undefined },
    format: Format,
    fileName: string,
  ): boolean {
    const etag = `W/"${version.etag}"`;
    reply
      .header("etag", etag)
      .header("cache-control", `public, max-age=${DOWNLOAD_MAX_AGE}`)
      .header("access-control-allow-origin", "*");
    if (version.lastModified) reply.header("last-modified", version.lastModified.toUTCString());
    const held = req.headers["if-none-match"];
    if (held?.split(",").some((v) => v.trim() === etag)) {
      reply.status(304).send();
      return false;
    }
    reply
      .type(FORMATS[format].contentType)
      .header("content-disposition", `attachment; filename="${fileName}"`);
    // A HEAD asks for the headers only: Fastify would otherwise read the whole stream to throw it away.
    if (req.method === "HEAD") {
      reply.send();
      return false;
    }
    return true;
  }

  for (const format of Object.keys(FORMATS) as Format[]) {
    const write = format === "csv" ? csvText : jsonText;

    app.get<{ Querystring: RawQuery }>(`/open-data/cases.${format}`, async (req, reply) => {
      const parsed = await readFilter(req);
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
              message: Object.values(fields).join(" "),
              requestId: req.id,
              fields,
            },
          });
      }
      const version = await caseExportVersion(db);
      const name = caseFileName(parsed.filter, format);
      if (!downloadHeaders(req, reply, version, format, name)) return reply;
      const text = caseText(db, format, parsed.filter, { now: clock.now() });
      const fields = dataset("cases").fields.map((f) => f.name);
      return reply.send(textStream(format === "csv" ? csvLines(fields, text) : jsonElements(text)));
    });

    const aggregates: [DatasetName, typeof monthlyBatches][] = [
      ["statistics-monthly", monthlyBatches],
      ["statistics-breakdown", breakdownBatches],
    ];
    for (const [name, batchesOf] of aggregates) {
      app.get(`/open-data/${name}.${format}`, async (req, reply) => {
        const version = await statsVersion(db);
        if (!downloadHeaders(req, reply, version, format, `ekomuna-${name}.${format}`)) return reply;
        const fields = dataset(name).fields.map((f) => f.name);
        const batches: AsyncIterable<StatsRecord[]> = batchesOf(db, { now: clock.now() });
        return reply.send(textStream(write(fields, batches)));
      });
    }
  }

  app.get("/open-data/datapackage.json", async (req, reply) => {
    const descriptor = dataPackage({
      base: baseOf(req),
      t: req.t,
      publisher: localized(profile.ministry, req.lang),
    });
    return reply
      .type("application/json; charset=utf-8")
      .header("cache-control", `public, max-age=${DOWNLOAD_MAX_AGE}`)
      .header("vary", "accept-language, cookie")
      .header("access-control-allow-origin", "*")
      .send(JSON.stringify(descriptor, null, 2));
  });
}
