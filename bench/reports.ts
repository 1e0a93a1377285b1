// The reports (issue 9): on a PostgreSQL database filled by bench/seedCases.ts and counted by
// `ekomuna stats rebuild` (or bench/stats.ts), times the yearly national report — its data
// (loadPeriodicReport: the year's, the year before's, the twelve months' trend, consultations, proposals) and
// the whole page (the data and its rendering with charts, as /reports/national/<year> answers it) — against
// issue 9's target of under 1 second on 1,000,000 cases, then its CSV, a municipality's yearly report, and a
// pilot evaluation of every municipality over that year (which counts distinct participants from the cases:
// no target, shown for scale). Each is called BENCH_REPORTS_CALLS times (20) after one unmeasured call,
// p50/p95. Prints a table and writes bench/results/<timestamp>-reports.json.
//
// It only reads: run it on a benchmark database whose statistics are built.
//
//   BENCH_CASES=1000000 DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/seedCases.ts
//   BENCH_DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/stats.ts   (builds the statistics)
//   BENCH_DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/reports.ts
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/client.ts";
import { translator } from "../src/kernel/i18n.ts";
import { loadProfile } from "../src/reference/profile.ts";
import { EvaluationPage } from "../src/reports/evaluationPages.tsx";
import { loadEvaluationReport } from "../src/reports/evaluationReport.ts";
import type { EvaluationRow } from "../src/reports/evaluations.ts";
import { loadPeriodicReport, reportTables } from "../src/reports/periodicReport.ts";
import { ReportPage } from "../src/reports/reportPages.tsx";
import { parseReportPeriod } from "../src/reports/reportPeriod.ts";
import { Assets } from "../src/web/assets.ts";
import type { PageContext } from "../src/web/context.ts";
import { gitCommit, machine, time } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PAGE_TARGET_MS = 1000;

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error("BENCH_DATABASE_URL=postgres://… names the benchmark database (migrated, seeded)");
  const calls = Number(process.env.BENCH_REPORTS_CALLS ?? 20);
  if (!Number.isInteger(calls) || calls < 1)
    throw new Error("BENCH_REPORTS_CALLS must be a positive whole number");
  const started = new Date();
  const profile = loadProfile();
  const database = await openDatabase({ kind: "postgres", url, poolSize: 10 });
  try {
    const db = database.db;
    const rows = <T>(q: ReturnType<typeof sql>) =>
      db.execute(q).then((r) => (r as unknown as { rows: T[] }).rows);
    const [{ n: cases } = { n: 0 }] = await rows<{ n: number }>(sql`select count(*)::int as n from cases`);
    // The year that received the most, and its largest municipality, from the aggregates.
    const [busiest] = await rows<{ year: string; n: number }>(sql`
      select to_char(month, 'YYYY') as year, sum(counters[1])::int as n from stats_month
      group by 1 order by 2 desc, 1 desc limit 1`);
    if (!busiest) throw new Error("no statistics: is the database seeded and its statistics built?");
    const [largest] = await rows<{ id: number; slug: string; n: number }>(sql`
      select s.municipality_id as id, m.slug, sum(s.counters[1])::int as n
      from stats_month s join municipalities m on m.id = s.municipality_id
      where to_char(s.month, 'YYYY') = ${busiest.year} group by 1, 2 order by 3 desc limit 1`);
    const all = (await rows<{ id: number }>(sql`select id from municipalities where active`)).map(
      (m) => m.id,
    );
    console.log(
      `${cases} cases; year ${busiest.year} (${busiest.n} cases); largest municipality ${largest!.slug}`,
    );

    // Asked as if it were now the end of that year's December: the whole year has begun.
    const year = parseReportPeriod(busiest.year, `${busiest.year}-12`);
    if (!year.ok) throw new Error(`not a year: ${busiest.year}`);
    const ctx: PageContext = {
      lang: "sq",
      t: translator("sq"),
      path: `/reports/national/${busiest.year}`,
      assets: new Assets(),
      ministry: profile.ministry,
      timeZone: profile.timeZone,
      user: { name: "Bench" },
      map: undefined,
      csrf: "bench",
    };
    const national = () => loadPeriodicReport(db, {}, year.value, profile.timeZone);
    const municipality = { id: largest!.id, slug: largest!.slug, name: largest!.slug };
    const evaluation: EvaluationRow = {
      id: 0,
      title: { sq: "Bench", sr: "Bench" },
      summary: null,
      municipalityIds: all,
      fromMonth: `${busiest.year}-01-01`,
      toMonth: `${busiest.year}-12-01`,
      publishedAt: started,
      createdBy: null,
      createdAt: started,
      updatedAt: started,
    };

    const timings = {
      nationalYearData: await time(calls, national),
      nationalYearPage: await time(calls, async () =>
        String(await ReportPage({ ctx, report: await national(), canNational: true })),
      ),
      nationalYearCsv: await time(calls, async () => reportTables(ctx, await national())),
      municipalYearPage: await time(calls, async () =>
        String(
          await ReportPage({
            ctx,
            report: await loadPeriodicReport(db, { municipality }, year.value, profile.timeZone),
            canNational: true,
          }),
        ),
      ),
      evaluationAllYearPage: await time(Math.max(1, Math.ceil(calls / 4)), async () =>
        String(
          await EvaluationPage({
            ctx,
            report: await loadEvaluationReport(db, evaluation, "sq", profile.timeZone),
            canEdit: true,
          }),
        ),
      ),
    };
    for (const [name, m] of Object.entries(timings))
      console.log(
        `${name.padEnd(24)} p50 ${String(m.p50).padStart(9)} ms  p95 ${String(m.p95).padStart(9)} ms`,
      );
    console.log(
      `national yearly report page p95 ${timings.nationalYearPage.p95} ms (target: under ${PAGE_TARGET_MS} ms on 1,000,000 cases)`,
    );

    const result = {
      date: started.toISOString(),
      db: "postgres",
      ...machine(),
      loadAverage1m: os.loadavg()[0],
      commit: gitCommit(ROOT),
      cases,
      year: busiest,
      largestMunicipality: largest,
      timingsMs: timings,
      targetMs: PAGE_TARGET_MS,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    const file = path.join(
      ROOT,
      "bench/results",
      `${started.toISOString().replaceAll(":", "-")}-reports.json`,
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
