// The queue of cases escalated to the ministry (cases.escalation_level 3, the top of the SLA ladder) that
// are still open: oldest escalation first, with when the municipality last acted on each. Read by the
// queue page, the dashboard's count and the untouched-escalations alert.
import { sql } from "drizzle-orm";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import { CLOCKS } from "../cases/sla.ts";
import type { Db } from "../db/client.ts";
import {
  type EscalatedCase,
  UNTOUCHED_LISTED,
  type UntouchedCases,
  type UntouchedFigures,
} from "./alertRules.ts";
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

// When the case reached the ministry: the SLA scheduler's marks of step 3 (`<clock>.escalation_3`, the
// instant as ISO text, written in the statement that writes the escalation's event and never cleared), the
// latest of its clocks'. Compared as text ("C": ISO instants sort as they follow each other), so a pass
// reads the marks of the case row alone, never its timeline.
const ESCALATION_MARK = sql.raw(
  `greatest(${CLOCKS.map((clock) => `c.sla_marks->>'${clock}.escalation_3'`).join(", ")}) collate "C"`,
);
// For the pages: the mark, or the case's last change for a case put there without one (by hand).
const ESCALATED_AT = sql`coalesce((${ESCALATION_MARK})::timestamptz, c.updated_at)`;
/** An event of case `c` by the municipality's staff (a role in that municipality), not the ministry's. */
const MUNICIPAL_ACTION = sql`e.case_id = c.id and e.actor_id is not null
  and e.type not in (${list(MINISTRY_EVENT_TYPES)})
  and exists (select 1 from role_assignments r where r.user_id = e.actor_id
    and r.municipality_id = c.municipality_id and r.role in (${list(MUNICIPAL_ROLES)}))`;
const LAST_ACTION_AT = sql`(select max(e.at) from case_events e where ${MUNICIPAL_ACTION})`;
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
 * time; with `code`, that one case whether it is still open or not (its page keeps its history). The
 * timeline is read for the page's rows only, after they are chosen.
 */
export async function escalationQueue(
  db: Pick<Db, "execute">,
  page: { limit: number; offset: number } | { code: string },
): Promise<QueueRow[]> {
  const where = "code" in page ? sql`c.escalation_level = 3 and c.tracking_code = ${page.code}` : IN_QUEUE;
  const window = "code" in page ? sql`limit 1` : sql`limit ${page.limit} offset ${page.offset}`;
  const rows = await rowsOf<RawQueueRow>(
    db,
    sql`select c.id, ${CASE_ROW_COLUMNS}, c.municipality_id, c.department_id, c.category_id,
        ${ms(sql`q.escalated_at`)} as escalated_at,
        ${ms(LAST_ACTION_AT)} as last_action_at, ${ms(LAST_MINISTRY_AT)} as last_ministry_at
      from (
        select c.id, ${ESCALATED_AT} as escalated_at, c.tracking_code from cases c where ${where}
        order by 2, 3 ${window}) q
      join cases c on c.id = q.id
      order by q.escalated_at, q.tracking_code`,
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

/**
 * The open cases escalated to the ministry that the municipality has left untouched since `cutoff`
 * (alertRules.ts untouchedCutoff): escalated then or before, and no action by its staff after it; per
 * municipality, and per department within it, how many and the UNTOUCHED_LISTED longest escalated. A
 * municipality whose untouched-escalations alert is still open is not read, its departments neither: no
 * new one would be raised for it, and its departments' cases are named in it. One statement: the queue's case
 * rows (their marks, not their timelines), a look through case_events_case at the events after the cutoff
 * of each case escalated before it, and the timeline up to the last action of the cases listed only. A
 * case with no escalation mark cannot be dated and is left out.
 */
export async function untouchedEscalations(db: Db, cutoff: Date): Promise<UntouchedFigures> {
  const since = cutoff.toISOString();
  // In a transaction of its own for two settings. JIT: the correlated look-ups make the planner's estimate
  // large enough to compile the statement, which took longer than running it (0.9 s of 4.7 s on 1,000,000
  // cases). Memory: the first pass over a long queue sorts every untouched case by municipality.
  const rows = await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    return rowsOf<{
      code: string;
      municipality_id: number;
      department_id: number | null;
      total: number;
      department_total: number;
      listed: boolean;
      department_listed: boolean;
      escalated_at: number;
      last_action_at: number | null;
    }>(
      tx,
      sql`with untouched as (
          select c.id, c.tracking_code as code, c.municipality_id, c.department_id, ${ESCALATION_MARK} as mark
          from cases c
          left join lateral (select 1 as acted from case_events e
            where e.at > ${since}::timestamptz and ${MUNICIPAL_ACTION} limit 1) x on true
          where ${IN_QUEUE} and ${ESCALATION_MARK} <= ${since} and x.acted is null
            and c.municipality_id <> all(array(select a.municipality_id from ministry_alerts a
              where a.kind = 'escalations_untouched' and a.department_id is null and a.closed_at is null))),
        ranked as (
          select u.*, count(*) over (partition by u.municipality_id)::int as total,
            row_number() over (partition by u.municipality_id order by u.mark, u.code) as rank,
            count(*) over (partition by u.municipality_id, u.department_id)::int as department_total,
            row_number() over (partition by u.municipality_id, u.department_id order by u.mark, u.code)
              as department_rank
          from untouched u)
        select c.code, c.municipality_id, c.department_id, c.total, c.department_total,
          c.rank <= ${UNTOUCHED_LISTED} as listed, c.department_rank <= ${UNTOUCHED_LISTED} as department_listed,
          ${ms(sql`c.mark::timestamptz`)} as escalated_at, ${ms(LAST_ACTION_AT)} as last_action_at
        from ranked c where c.rank <= ${UNTOUCHED_LISTED}
          or (c.department_id is not null and c.department_rank <= ${UNTOUCHED_LISTED})
        order by c.municipality_id, c.mark, c.code`,
    );
  });
  const municipalities = new Map<number, UntouchedCases & { cases: EscalatedCase[] }>();
  const departments = new Map<number, UntouchedCases & { municipalityId: number; cases: EscalatedCase[] }>();
  for (const r of rows) {
    const c: EscalatedCase = {
      code: r.code,
      municipalityId: r.municipality_id,
      departmentId: r.department_id,
      escalatedAt: new Date(Number(r.escalated_at)),
      lastActionAt: dateOf(r.last_action_at),
    };
    if (r.listed) {
      const m = municipalities.get(r.municipality_id) ?? { cases: [], total: Number(r.total) };
      m.cases.push(c);
      municipalities.set(r.municipality_id, m);
    }
    if (r.department_id !== null && r.department_listed) {
      const d = departments.get(r.department_id) ?? {
        municipalityId: r.municipality_id,
        cases: [],
        total: Number(r.department_total),
      };
      d.cases.push(c);
      departments.set(r.department_id, d);
    }
  }
  return { municipalities, departments };
}
