// Statements a hot path runs many times, sent to PostgreSQL under a name: the server parses and plans
// them once per connection instead of on every call. Case creation's one big statement cost more to
// plan than to run (docs/PERFORMANCE.md). Drizzle's own prepare() covers query-builder statements; this
// covers hand-written SQL (data-modifying CTEs).
//
// The text of a name must never change while the process runs: build it from a fixed shape, with every
// varying part a parameter. A handle that was not opened by openDatabase (a transaction) runs the
// statement unnamed, with the same result.
import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import type pg from "pg";
import type { Db } from "./client.ts";

const dialect = new PgDialect();
const pools = new WeakMap<Db, pg.Pool>();

/** Called by openDatabase for a PostgreSQL pool (PGlite runs in the process: nothing to save there). */
export function registerPool(db: Db, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** The pool behind a PostgreSQL handle opened by openDatabase; undefined for PGlite or a transaction. */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

/** Runs `query` as the named statement `name` where the database is a server; answers its rows. */
export async function executeNamed<Row>(db: Db, name: string, query: SQL): Promise<Row[]> {
  const pool = pools.get(db);
  if (!pool) return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
  const { sql: text, params } = dialect.sqlToQuery(query);
  const result = await pool.query({ name, text, values: params as unknown[] });
  return result.rows as Row[];
}

/**
 * The same for a statement already written as text with numbered parameters ($1, $2 …), without building a
 * drizzle SQL object first: for case creation's hot statements, where that building cost a fifth of the
 * command's time in the event loop (docs/PERFORMANCE.md, session 7). On the embedded database, as it is.
 */
export async function executeNamedText<Row>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const pool = pools.get(db);
  if (pool) return (await pool.query({ name, text, values })).rows as Row[];
  const client = (db as unknown as { $client: { query(t: string, v: unknown[]): Promise<{ rows: Row[] }> } })
    .$client;
  return (await client.query(text, values)).rows;
}
