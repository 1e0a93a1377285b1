// Times the SLA review (slaScheduler.ts reviewOpenCases): every open case looked at again and compared
// with what the engine computes now; issue 5 asks for one pass over all open cases of 1,000,000 under 5 s.
// Run it on a database filled by bench/seedCases.ts and brought up to date by one full runSlaPass
// (bench/slaPass.ts), so that the first review finds little to correct; a second review then shows the
// cost when everything is right. It may change next_sla_check_at of cases it finds wrong (nothing else).
// The review reads through the partial index cases_open_sla (schema.ts): on a database migrated before it
// existed, PostgreSQL reads the whole table instead. Each line gives the time, this process's CPU time (the
// rest is PostgreSQL's or waiting: a loaded machine shows in the gap) and the load average.
//
//   DATABASE_URL=postgres://… node --import tsx bench/slaReview.ts        (SLA_PAGE=5000 by default)
import { loadavg } from "node:os";
import { sql } from "drizzle-orm";
import { reviewOpenCases } from "../src/cases/slaScheduler.ts";
import { loadConfig } from "../src/config.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { openConfiguredDatabase } from "../src/platform.ts";
import { loadCalendar } from "../src/reference/loadCalendar.ts";
import { loadProfile } from "../src/reference/profile.ts";

const TARGET_S = 5;

if (import.meta.url === `file://${process.argv[1]}`) {
  const pageSize = Number(process.env.SLA_PAGE ?? 5000);
  if (!Number.isInteger(pageSize) || pageSize < 1)
    throw new Error("SLA_PAGE must be a positive whole number");
  const database = await openConfiguredDatabase(loadConfig(process.env));
  try {
    const db = database.db;
    const calendar = await loadCalendar(db, loadProfile());
    const counted = (await db.execute(sql`select count(*)::int as n from cases`)) as unknown as {
      rows: { n: number }[];
    };
    console.log(`${counted.rows[0]!.n} cases in the database`);
    for (const label of ["first review", "second review", "third review"]) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      const result = await reviewOpenCases({ db, now: systemClock.now(), calendar, pageSize });
      const seconds = (performance.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      console.log(
        `${label}: ${result.reviewed} open cases reviewed, ${result.corrected} made due a pass, in ` +
          `${seconds.toFixed(2)} s (${Math.round(result.reviewed / seconds)} cases/s; target ${TARGET_S} s; ` +
          `Node CPU ${((used.user + used.system) / 1e6).toFixed(2)} s; load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  } finally {
    await database.close();
  }
}
