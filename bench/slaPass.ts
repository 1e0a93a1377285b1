// Times the SLA scheduler over every open case (issue 5: one pass over all open cases under 5 s with
// 1,000,000 cases). On a database filled by bench/seedCases.ts, every open case is made due a check now,
// and one full runSlaPass is timed; then the same again, when every mark is already made: the first pass
// is a catch-up (the seeded cases are months late: warnings recorded, the whole ladder escalated, events,
// audit entries and emails written), the second the cost of looking at every case with nothing to send.
// Then passes as in service, without forcing: a minute, an hour and a day after the last one (the cases
// whose next check has come in that time). It changes the database (marks, events, audit entries,
// notifications, outbox): run it on a benchmark database only, migrated (`ekomuna migrate`).
//
//   BENCH_CASES=100000 DATABASE_URL=postgres://… node --import tsx bench/seedCases.ts
//   DATABASE_URL=postgres://… node --import tsx bench/slaPass.ts        (SLA_BATCH=200 by default)
import { inArray } from "drizzle-orm";
import { OPEN_STATUSES } from "../src/cases/lifecycle.ts";
import { runSlaPass } from "../src/cases/slaScheduler.ts";
import { loadConfig } from "../src/config.ts";
import { cases } from "../src/db/schema.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { openConfiguredDatabase } from "../src/platform.ts";
import { loadCalendar } from "../src/reference/loadCalendar.ts";
import { loadProfile } from "../src/reference/profile.ts";

const TARGET_S = 5;

if (import.meta.url === `file://${process.argv[1]}`) {
  const batchSize = Number(process.env.SLA_BATCH ?? 200);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error("SLA_BATCH must be a positive whole number");
  const config = loadConfig(process.env);
  const database = await openConfiguredDatabase(config);
  try {
    const db = database.db;
    const calendar = await loadCalendar(db, loadProfile());
    for (const label of ["first pass (catch-up)", "second pass (nothing left to send)"]) {
      const now = systemClock.now();
      const due = await db
        .update(cases)
        .set({ nextSlaCheckAt: now })
        .where(inArray(cases.status, [...OPEN_STATUSES]))
        .returning({ id: cases.id });
      const started = performance.now();
      const result = await runSlaPass({ db, now, calendar, baseUrl: "http://127.0.0.1", batchSize });
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${label}: ${due.length} open cases due, ${result.examined} examined, ${result.warnings} warnings, ` +
          `${result.escalations} escalations in ${seconds.toFixed(2)} s ` +
          `(${Math.round(result.examined / seconds)} cases/s; target: all open cases of 1,000,000 in ${TARGET_S} s)`,
      );
    }
    // What the scheduler does in service: no case forced, a pass takes the cases whose next check has
    // come (the partial index on next_sla_check_at), as if it had been stopped for a minute, an hour, a day.
    const base = systemClock.now().getTime();
    for (const [label, aheadMs] of [
      ["routine pass, a minute later", 60_000],
      ["after an hour without a pass", 3_600_000],
      ["after a day without a pass", 86_400_000],
    ] as const) {
      const now = new Date(base + aheadMs);
      const started = performance.now();
      const result = await runSlaPass({ db, now, calendar, baseUrl: "http://127.0.0.1", batchSize });
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${label}: ${result.examined} cases due examined, ${result.warnings} warnings, ` +
          `${result.escalations} escalations in ${seconds.toFixed(2)} s`,
      );
    }
  } finally {
    await database.close();
  }
}
