// The queue of cases escalated to the ministry (cases.escalation_level 3, the top of the SLA ladder) that
// are still open: oldest escalation first, with when the municipality last acted on each. Read by the
// queue page, the dashboard's count and the untouched-escalations alert.
import { sql } from "drizzle-orm";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import type { Db } from "../db/client.ts";
import type { EscalatedCase } from "./alertRules.ts";
import {
  CASE_ROW_COLUMNS,
  type CaseRow,
  caseRowOf,
  dateOf,
  ms,
  type RawCaseRow,
  rowsOf,
} from "./caseRows.ts";

/** The timeline's event types the ministry writes (ministryAction.ts): not the municipality's action. */
export const MINISTRY_EVENT_TYPES = ["ministry_reminder", "ministry_note"] as const;
export type MinistryEventType = (typeof MINISTRY_EVENT_TYPES)[number];

/** The roles whose events count as the municipality acting on a case. */
const MUNICIPAL_ROLES = ["officer", "department_head", "participation_coordinator", "municipal_admin"];

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(", "));
// Written as the partial index cases_ministry_queue (src/db/schema.ts) is, so that PostgreSQL can use it.
const IN_QUEUE = sql`c.escalation_level = 3 and c.status in (${list(OPEN_STATUSES)})`;

// When the case reached the ministry: its escalation event to step 3 (the mark the scheduler keeps on the
// case, or its last change, for a case put there some other way).
const ESCALATED_AT = sql`coalesce(
  (select max(e.at) from case_events e where e.case_id = c.id and e.type = 'escalated' and e.data->>'level' = '3'),
  (select max(m.v::timestamptz) from jsonb_each_text(c.sla_marks) as m(k, v) where m.k like '%.escalation_3'),
  c.updated_at)`;
const LAST_ACTION_AT = sql`(select max(e.at) from case_events e
  where e.case_id = c.id and e.actor_id is not null and e.type not in (${list(MINISTRY_EVENT_TYPES)})
    and exists (select 1 from role_assignments r where r.user_id = e.actor_id
      and r.municipality_id = c.municipality_id and r.role in (${list(MUNICIPAL_ROLES)})))`;
const LAST_MINISTRY_AT = sql`(select max(e.at) from case_events e
  where e.case_id = c.id and e.type in (${list(MINISTRY_EVENT_TYPES)}))`;

export interface QueueRow extends CaseRow {
  id: number;
  municipalityId: number;
  departmentId: number | null;
  categoryId: number;
  escalatedAt: Date;
  lastActionAt: Date | null;
  lastMinistryAt: Date | null;
}

interface RawQueueRow extends RawCaseRow {
  id: number | string;
  municipality_id: number;
  department_id: number | null;
  category_id: number;
  escalated_at: number;
  last_action_at: number | null;
  last_ministry_at: number | null;
}

function queueRow(r: RawQueueRow): QueueRow {
  return {
    ...caseRowOf(r),
    id: Number(r.id),
    municipalityId: r.municipality_id,
    departmentId: r.department_id,
    categoryId: r.category_id,
    escalatedAt: new Date(Number(r.escalated_at)),
    lastActionAt: dateOf(r.last_action_at),
    lastMinistryAt: dateOf(r.last_ministry_at),
  };
}

/**
 * The open cases escalated to the ministry, oldest escalation first (then by tracking code), a page at a
 * time; with `code`, that one case whether it is still open or not (its page keeps its history).
 */
export async function escalationQueue(
  db: Pick<Db, "execute">,
  page: { limit: number; offset: number } | { code: string },
): Promise<QueueRow[]> {
  const where = "code" in page ? sql`c.escalation_level = 3 and c.tracking_code = ${page.code}` : IN_QUEUE;
  const window = "code" in page ? sql`limit 1` : sql`limit ${page.limit} offset ${page.offset}`;
  const rows = await rowsOf<RawQueueRow>(
    db,
    sql`select * from (
      select c.id, ${CASE_ROW_COLUMNS}, c.municipality_id, c.department_id, c.category_id,
        ${ms(ESCALATED_AT)} as escalated_at,
        ${ms(LAST_ACTION_AT)} as last_action_at, ${ms(LAST_MINISTRY_AT)} as last_ministry_at
      from cases c where ${where}) q
    order by escalated_at, code ${window}`,
  );
  return rows.map(queueRow);
}

/** How many open cases wait on the ministry, in all municipalities or one. */
export async function queueCount(db: Pick<Db, "execute">, municipalityId?: number): Promise<number> {
  const one = municipalityId === undefined ? sql`` : sql` and c.municipality_id = ${municipalityId}`;
  const [row] = await rowsOf<{ n: number }>(
    db,
    sql`select count(*)::int as n from cases c where ${IN_QUEUE}${one}`,
  );
  return Number(row?.n ?? 0);
}

/** Every open case escalated to the ministry, as the untouched-escalations rule reads it. */
export async function escalatedCases(db: Pick<Db, "execute">): Promise<EscalatedCase[]> {
  const rows = await rowsOf<{
    code: string;
    municipality_id: number;
    department_id: number | null;
    escalated_at: number;
    last_action_at: number | null;
  }>(
    db,
    sql`select c.tracking_code as code, c.municipality_id, c.department_id,
          ${ms(ESCALATED_AT)} as escalated_at, ${ms(LAST_ACTION_AT)} as last_action_at
        from cases c where ${IN_QUEUE}`,
  );
  return rows.map((r) => ({
    code: r.code,
    municipalityId: r.municipality_id,
    departmentId: r.department_id,
    escalatedAt: new Date(Number(r.escalated_at)),
    lastActionAt: dateOf(r.last_action_at),
  }));
}
