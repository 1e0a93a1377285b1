// The cases a case-creation run makes, kept out of the next run (issue 4's benchmark: "on a database
// seeded with 100,000 cases").
//
// Each run of `POST /api/v1/cases` adds 10,000 or more cases. Left in place, a database used for thirty runs
// holds 500,000 cases, and the runs stop being comparable: the write path's tables carry the previous
// runs' autovacuum and autoanalyze debt, and whether PostgreSQL's autovacuum of `cases` (17 indexes, a GIN
// pending list among them) falls inside a 10-second window decided much of the spread between runs
// (docs/PERFORMANCE.md, session 10). So, on PostgreSQL:
//   - before the run, the write path's tables are vacuumed and analysed: every run starts from the same
//     state, with no maintenance owed;
//   - after it, the cases it made are removed with their events, statistics facts, outbox messages and
//     development mailbox rows, and those tables vacuumed again. Audit entries stay: they are hash-chained
//     (src/audit), and removing some would break the chain the app verifies.
// The statistics' aggregates go on counting the removed cases (nothing reads a benchmark database's figures
// for their values; `ekomuna stats rebuild` sets them right). BENCH_KEEP_CREATED=1 keeps the cases. Autovacuum's cost in a long run is measured separately: BENCH_DURATION=60.
import pg from "pg";

const WRITE_TABLES = "cases, case_events, case_facts, outbox, dev_mailbox, audit_log";

export interface CreatedCases {
  /** Removes what the run made (unless BENCH_KEEP_CREATED=1); answers how many cases were removed. */
  remove(): Promise<number>;
}

/** Vacuums the write path's tables and notes where the run's cases will begin. */
export async function beforeCreation(url: string): Promise<CreatedCases> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let lastId: number;
  let since: string;
  try {
    await client.query(`vacuum (analyze) ${WRITE_TABLES}`);
    const { rows } = await client.query<{ last: string | null; now: string }>(
      "select (select max(id) from cases)::text as last, now()::text as now",
    );
    lastId = Number(rows[0]?.last ?? 0);
    since = rows[0]!.now;
  } finally {
    await client.end();
  }
  return {
    async remove() {
      if (process.env.BENCH_KEEP_CREATED === "1") return 0;
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query("begin");
        // Without the foreign keys' checks: `cases.merged_into_id` has no index (nothing looks a case up by
        // it), so each deleted case would cost a scan of the table. What refers to a case goes first.
        await c.query("set local session_replication_role = replica");
        for (const t of [
          "case_events",
          "case_facts",
          "case_followers",
          "case_photos",
          "notifications",
          "proposals",
        ])
          await c.query(`delete from ${t} where case_id > $1`, [lastId]);
        const removed = await c.query("delete from cases where id > $1", [lastId]);
        await c.query("delete from outbox where created_at >= $1::timestamptz", [since]);
        await c.query("delete from dev_mailbox where created_at >= $1::timestamptz", [since]);
        await c.query("commit");
        await c.query(`vacuum (analyze) ${WRITE_TABLES}`);
        return removed.rowCount ?? 0;
      } catch (e) {
        await c.query("rollback").catch(() => {});
        throw e;
      } finally {
        await c.end();
      }
    },
  };
}
