// The national dashboard (issue 9: under 1 second on PostgreSQL with 1,000,000 cases). On a database filled
// by bench/seedCases.ts with its statistics built (bench/stats.ts, or `ekomuna stats rebuild`), times what
// GET /ministry reads — comparison() of all municipalities and the national indicators() over the twelve
// months that received the most, the open alerts' count and the escalation queue's count — then an
// oversight pass (alerts.ts: what every process runs every ten minutes), and the page itself over HTTP
// through the app (app.inject: the routing, the policy, the rendering of 38 rows × 18 indicators), signed
// in as a ministry monitor. Each BENCH_MINISTRY_CALLS times (20) one after another, p50/p95. Prints a table
// and writes bench/results/<timestamp>-ministry.json.
//
// It writes one session row (and a ministry monitor, bench.ministria@bench.example, if there is none) and
// whatever alerts the oversight pass raises: run it on a benchmark database.
//
//   BENCH_DATABASE_URL=postgres://…/ekomuna_bench node --import tsx bench/ministry.ts
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, sql } from "drizzle-orm";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/client.ts";
import { roleAssignments, users } from "../src/db/schema.ts";
import { createSession } from "../src/identity/sessions.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { openAlertCount, runOversightPass } from "../src/ministry/alerts.ts";
import { queueCount } from "../src/ministry/escalations.ts";
import { devMailboxMailer } from "../src/notifications/mailer.ts";
import { loadCalendar } from "../src/reference/loadCalendar.ts";
import { loadProfile } from "../src/reference/profile.ts";
import { comparison, indicators, type Period } from "../src/stats/query.ts";
import { Assets } from "../src/web/assets.ts";
import { gitCommit, machine, monthsBack, time } from "./lib.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TARGET_MS = 1_000;

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url)
    throw new Error(
      "BENCH_DATABASE_URL=postgres://… names the benchmark database (seeded, statistics built)",
    );
  const calls = Number(process.env.BENCH_MINISTRY_CALLS ?? 20);
  if (!Number.isInteger(calls) || calls < 1)
    throw new Error("BENCH_MINISTRY_CALLS must be a positive whole number");
  const started = new Date();
  const database = await openDatabase({ kind: "postgres", url, poolSize: 10 });
  try {
    const db = database.db;
    const profile = loadProfile();
    const calendar = await loadCalendar(db, profile);
    const count = async (q: ReturnType<typeof sql>) =>
      Number(((await db.execute(q)) as unknown as { rows: { n: number | string }[] }).rows[0]!.n);
    const cases = await count(sql`select count(*) as n from cases`);
    console.log(`${cases} cases`);

    // The twelve months that received the most (a seeded year), as bench/stats.ts chooses them.
    const perMonth = (
      (await db.execute(
        sql`select to_char(month, 'YYYY-MM') as m, sum(counters[1])::int as n from stats_month group by 1`,
      )) as unknown as { rows: { m: string; n: number }[] }
    ).rows;
    if (perMonth.length === 0)
      throw new Error("no statistics: run bench/stats.ts (or `ekomuna stats rebuild`) first");
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
    console.log(`period ${period.from} – ${period.to} (${most} cases)`);

    // A ministry monitor to sign in as: the demo's, or one made for the bench.
    let [monitor] = await db
      .select({ id: users.id })
      .from(roleAssignments)
      .innerJoin(users, eq(users.id, roleAssignments.userId))
      .where(and(eq(roleAssignments.role, "ministry_monitor"), sql`${users.deletedAt} is null`))
      .limit(1);
    if (!monitor) {
      [monitor] = await db
        .insert(users)
        .values({ email: "bench.ministria@bench.example", name: "Bench Monitor", language: "sq" })
        .returning({ id: users.id });
      await db.insert(roleAssignments).values({ userId: monitor!.id, role: "ministry_monitor" });
    }
    const config = loadConfig({
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_URL: url,
    });
    const session = await createSession(
      db,
      { userId: monitor!.id, method: "password", now: systemClock.now() },
      config.session,
    );
    const app = await buildApp({
      config,
      database,
      profile,
      calendar,
      clock: systemClock,
      assets: new Assets(),
      mailer: devMailboxMailer(db),
      pokeOutbox: () => {},
    });
    const pagePath = `/ministry?${new URLSearchParams({ from: period.from, to: period.to })}`;
    const page = async () => {
      const res = await app.inject({ url: pagePath, headers: { cookie: `sid=${session.token}; lang=sq` } });
      if (res.statusCode !== 200)
        throw new Error(`GET ${pagePath} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      return res.body.length;
    };
    const p = period;
    const timings = {
      dashboardData: await time(calls, () =>
        Promise.all([
          comparison(db, p),
          indicators(db, { national: true }, p),
          openAlertCount(db),
          queueCount(db),
        ]),
      ),
      comparison: await time(calls, () => comparison(db, p)),
      queueCount: await time(calls, () => queueCount(db)),
      oversightPass: await time(Math.min(calls, 5), () =>
        runOversightPass(db, systemClock.now(), { calendar, baseUrl: "http://bench.invalid" }),
      ),
      dashboardPage: await time(calls, page),
    };
    await app.close();
    for (const [name, m] of Object.entries(timings))
      console.log(
        `${name.padEnd(16)} p50 ${String(m.p50).padStart(8)} ms  p95 ${String(m.p95).padStart(8)} ms`,
      );
    console.log(
      `dashboard page p95 ${timings.dashboardPage.p95} ms (target: under ${TARGET_MS} ms on 1,000,000 cases)`,
    );

    const result = {
      date: started.toISOString(),
      db: "postgres",
      ...machine(),
      loadAverage1m: os.loadavg()[0],
      commit: gitCommit(ROOT),
      cases,
      period,
      timingsMs: timings,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    };
    const file = path.join(
      ROOT,
      "bench/results",
      `${started.toISOString().replaceAll(":", "-")}-ministry.json`,
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(ROOT, file)}`);
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
