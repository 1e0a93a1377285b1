// The cases the ministry's lists show (a slice's cases, the escalation queue): the columns both read, and
// the rows as the pages take them. Nothing that names or locates a person: the title is shown only as the
// public view gives it (publicCaseSummary).
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";

export interface CaseRow {
  code: string;
  type: string;
  status: string;
  visibility: string;
  title: string;
  receivedAt: Date;
  slaState: string;
  slaDueAt: Date | null;
}

export interface RawCaseRow {
  code: string;
  type: string;
  status: string;
  visibility: string;
  title: string;
  received_at: number;
  sla_state: string;
  sla_due_at: number | null;
}

/** Instants as epoch milliseconds: the same on both drivers, and cheaper to read than dates. */
export const ms = (expr: SQL) => sql`(extract(epoch from ${expr}) * 1000)::float8`;

/** The columns of a CaseRow, of the cases aliased `c`. */
export const CASE_ROW_COLUMNS = sql`c.tracking_code as code, c.type, c.status, c.visibility, c.title,
  ${ms(sql`c.received_at`)} as received_at, c.sla_state, ${ms(sql`c.sla_due_at`)} as sla_due_at`;

export const dateOf = (v: number | null) => (v === null ? null : new Date(Number(v)));

export function caseRowOf(r: RawCaseRow): CaseRow {
  return {
    code: r.code,
    type: r.type,
    status: r.status,
    visibility: r.visibility,
    title: r.title,
    receivedAt: new Date(Number(r.received_at)),
    slaState: r.sla_state,
    slaDueAt: dateOf(r.sla_due_at),
  };
}

export async function rowsOf<T>(db: Pick<Db, "execute">, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
