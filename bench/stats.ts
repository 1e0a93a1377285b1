// The statistics (issue 7): on a PostgreSQL database filled by bench/seedCases.ts, times `ekomuna stats
// rebuild` (rebuildStats: every case's facts and every aggregate anew — it must take minutes, not hours,
// on 1,000,000 cases), a pass that finds nothing new (what the server does every five seconds when
// nothing happens), then the reading side: indicators() of the largest municipality and comparison() of
// all municipalities over the twelve months that received the most (issue 7: under 100 ms), monthly() and
// breakdown(), each called BENCH_STATS_CALLS times (50) one after another, p50/p95. Prints a table and
// writes bench/results/<timestamp>-stats.json.
//
// It rewrites the statistics tables (case_facts, stats_*), nothing else: run it on a benchmark database,
// migrated and seeded.
//
//   BENCH_CASES=1000000 DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/seedCases.ts
//   BENCH_DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/stats.ts
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { openDatabase } from "../src/db/client.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { loadCalendar } from "../src/reference/loadCalendar.ts";
import { loadProfile } from "../src/reference/profile.ts";
import { rebuildStats, runStatsPass } from "../src/stats/aggregator.ts";
import { breakdown, comparison, indicators, monthly, type Period } from "../src/stats/query.ts";
import { gitCommit, machine, monthsBack, time } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const COMPARISON_TARGET_MS = 100;

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error("BENCH_DATABASE_URL=postgres://… names the benchmark database (migrated, seeded)");
  const calls = Number(process.env.BENCH_STATS_CALLS ?? 50);
  if (!Number.isInteger(calls) || calls < 1)
    throw new Error("BENCH_STATS_CALLS must be a positive whole number");
  const started = new Date();
  const database = await openDatabase({ kind: "postgres", url, poolSize: 10 });
  try {
    const db = database.db;
    const calendar = await loadCalendar(db, loadProfile());
    const count = async (q: ReturnType<typeof sql>) =>
      Number(((await db.execute(q)) as unknown as { rows: { n: number | string }[] }).rows[0]!.n);
    const cases = await count(sql`select count(*) as n from cases`);
    const events = await count(sql`select count(*) as n from case_events`);
    console.log(`${cases} cases, ${events} events`);

    let t = performance.now();
    const rebuilt = await rebuildStats(db, calendar, systemClock.now(), { log: (e) => console.error(e) });
    const rebuildS = (performance.now() - t) / 1000;
    console.log(
      `rebuild: ${rebuilt.cases} cases in ${rebuildS.toFixed(1)} s (${Math.round(rebuilt.cases / rebuildS)} cases/s)`,
    );
    t = performance.now();
    const idle = await runStatsPass(db, calendar, systemClock.now());
    const idlePassMs = performance.now() - t;
    console.log(`pass with nothing new: ${idle.cases} cases in ${idlePassMs.toFixed(1)} ms`);
    const rows = await count(sql`select count(*) as n from stats_breakdown`);
    const monthRows = await count(sql`select count(*) as n from stats_month`);

    // The twelve months that received the most cases (a seeded year), and the municipality that received
    // the most in them.
    const perMonth = (
      (await db.execute(sql`
        select to_char(month, 'YYYY-MM') as m, sum(counters[1])::int as n from stats_month group by 1`)) as unknown as {
        rows: { m: string; n: number }[];
      }
    ).rows;
    if (perMonth.length === 0) throw new Error("no statistics: is the database seeded?");
    const received = new Map(perMonth.map((r) => [r.m, r.n]));
    let period: Period | undefined;
    let most = -1;
    for (const { m: to } of perMonth) {
      let sum = 0;
      for (let k = 0; k < 12; k++) sum += received.get(monthsBack(to, k)) ?? 0;
      if (sum > most || (sum === most && to > period!.to))
        [period, most] = [{ from: monthsBack(to, 11), to }, sum];
    }
    if (!period) throw new Error("no period");
    const largest = (
      (await db.execute(sql`
      select municipality_id as id, sum(counters[1])::int as n from stats_month
      where month between ${`${period.from}-01`}::date and ${`${period.to}-01`}::date
      group by 1 order by 2 desc limit 1`)) as unknown as { rows: { id: number; n: number }[] }
    ).rows[0]!;
    const scope = { municipalityId: largest.id };
    console.log(
      `period ${period.from} – ${period.to}; largest municipality ${largest.id} (${largest.n} cases)`,
    );

    const timings = {
      indicatorsLargest: await time(calls, () => indicators(db, scope, period)),
      indicatorsNational: await time(calls, () => indicators(db, { national: true }, period)),
      comparison: await time(calls, () => comparison(db, period)),
      monthlyLargest: await time(calls, () => monthly(db, scope, period)),
      breakdownCategoryNational: await time(calls, () =>
        breakdown(db, { national: true }, period, "category"),
      ),
    };
    for (const [name, m] of Object.entries(timings))
      console.log(
        `${name.padEnd(26)} p50 ${String(m.p50).padStart(8)} ms  p95 ${String(m.p95).padStart(8)} ms`,
      );
    console.log(
      `comparison p95 ${timings.comparison.p95} ms (target: under ${COMPARISON_TARGET_MS} ms on 1,000,000 cases)`,
    );

    const result = {
      date: started.toISOString(),
      db: "postgres",
      ...machine(),
      loadAverage1m: os.loadavg()[0],
      commit: gitCommit(ROOT),
      cases,
      events,
      rebuild: { cases: rebuilt.cases, seconds: Number(rebuildS.toFixed(2)), breakdownRows: rows, monthRows },
      idlePassMs: Number(idlePassMs.toFixed(2)),
      period,
      largestMunicipality: largest,
      timingsMs: timings,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    const file = path.join(ROOT, "bench/results", `${started.toISOString().replaceAll(":", "-")}-stats.json`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
