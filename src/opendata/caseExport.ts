// The anonymised cases of the open data (docs/OPEN-DATA.md): public cases only, without anything typed by
// the citizen, with a location rounded to about 100 m (none for sensitive categories) and the municipality's
// latest public answer as the public timeline shows it. Read in keyset batches (id > last) so that an
// export of any size streams in constant memory, and stops as soon as the one reading it stops.
import { sql } from "drizzle-orm";
import { coarsen } from "../cases/geo.ts";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import { referenceData } from "../reference/referenceCache.ts";
import type { CaseFilter } from "./filters.ts";

/** Rows per query: large enough that a query's round trip is small beside its rows, small enough to hold. */
export const CASE_BATCH_SIZE = 2_000;

/** One case as published; null where there is nothing (or nothing that may be published). */
export interface CaseRecord {
  id: string;
  municipality: string;
  type: string;
  category: string;
  channel: string;
  status: string;
  received_at: string;
  acknowledged_at: string | null;
  answered_at: string | null;
  closed_at: string | null;
  sla_due_at: string | null;
  sla_met: boolean | null;
  reason_code: string | null;
  latitude: number | null;
  longitude: number | null;
  public_answer: string | null;
}

/** The order of the fields in both formats (the descriptor's schema is built from the same list). */
export const CASE_FIELDS = [
  "id",
  "municipality",
  "type",
  "category",
  "channel",
  "status",
  "received_at",
  "acknowledged_at",
  "answered_at",
  "closed_at",
  "sla_due_at",
  "sla_met",
  "reason_code",
  "latitude",
  "longitude",
  "public_answer",
] as const satisfies readonly (keyof CaseRecord)[];

interface Row {
  id: string;
  code: string;
  municipality_id: number;
  type: string;
  category_id: number;
  channel: string;
  status: string;
  received: string;
  acknowledged: string | null;
  answered: string | null;
  closed: string | null;
  due: string | null;
  met: boolean | null;
  reason_code: string | null;
  latitude: number | null;
  longitude: number | null;
  answer: string | null;
}

/** The open statuses as a PostgreSQL array literal: a parameter, so the statement's text stays fixed. */
const OPEN = `{${OPEN_STATUSES.join(",")}}`;

/** The rows of a raw statement (both drivers answer `.rows`). */
export async function rowsOf<Row>(query: Promise<unknown>): Promise<Row[]> {
  return ((await query) as { rows: Row[] }).rows;
}

// ISO 8601 in UTC to the second: Table Schema's default datetime format, the same on both drivers.
const iso = (column: string) =>
  sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);

/** Events whose message is a public answer (see `batch`), for an alias `e` of case_events. */
const IS_ANSWER = sql.raw(`e.is_public and e.message is not null
  and (e.type = 'answer_published'
       or (e.type = 'status_changed' and e.to_status in ('answered', 'resolved', 'rejected', 'referred')))`);

/**
 * One batch of public cases after `after` (an id), in id order. The text never varies (every filter is a
 * parameter, null when absent), so PostgreSQL plans it once per connection.
 *
 * The public answer: the latest public message staff wrote with an answer (answer_published) or with a
 * decision that ends the municipality's part (answered, resolved, rejected, referred) — the same events the
 * public timeline shows (publicView.ts keeps only is_public ones). A citizen's words never have that shape:
 * information they add is in the event's data and a reopening's reason is not public. Read for the whole
 * batch at once, as one range of case_events_case over the batch's ids: a look-up per case was half of the
 * statement's time. Filtered by municipality, though, a batch's ids spread over everyone's cases, and the
 * look-up per case reads less: that filter has a statement of its own.
 *
 * SLA met, as the statistics read the response clock (src/stats/facts.ts, docs/INDICATORS.md): the first
 * response came before the response due date; false too once the date passed while the response was
 * still owed (the case open, or finished after the date without one); null while it may still come, and
 * for a case finished before the date without one (merged, referred, withdrawn: nothing was missed).
 */
function batch(db: Db, filter: CaseFilter, after: string, size: number, now: Date) {
  const at = now.toISOString();
  const from = filter.receivedFrom?.toISOString() ?? null;
  const before = filter.receivedBefore?.toISOString() ?? null;
  const columns = sql`
    c.id::text as id, c.tracking_code as code, c.municipality_id, c.type, c.category_id, c.channel, c.status,
    ${iso("c.received_at")} as received, ${iso("c.acknowledged_at")} as acknowledged,
    ${iso("c.first_response_at")} as answered, ${iso("coalesce(c.resolved_at, c.closed_at)")} as closed,
    ${iso("c.response_due_at")} as due,
    case when c.first_response_at is not null then c.first_response_at < c.response_due_at
         when c.response_due_at is null then null
         when c.status = any(${OPEN}::text[]) then case when c.response_due_at <= ${at}::timestamptz then false end
         else case when c.response_due_at <= least(coalesce(c.closed_at, c.resolved_at), ${at}::timestamptz)
                   then false end
    end as met,
    c.reason_code, c.latitude, c.longitude`;
  const received = sql`
    and (${from}::timestamptz is null or c.received_at >= ${from}::timestamptz)
    and (${before}::timestamptz is null or c.received_at < ${before}::timestamptz)`;
  if (filter.municipality)
    return executeNamed<Row>(
      db,
      "open_data_cases_municipality",
      sql`
        select ${columns},
          (select e.message from case_events e where e.case_id = c.id and ${IS_ANSWER}
            order by e.at desc, e.id desc limit 1) as answer
        from cases c
        where c.visibility = 'public' and c.municipality_id = ${filter.municipality.id}::int
          and c.id > ${after}::bigint ${received}
        order by c.id
        limit ${size}::int`,
    );
  return executeNamed<Row>(
    db,
    "open_data_cases",
    sql`
      with batch as materialized (
        select c.id as n, ${columns}
        from cases c
        where c.visibility = 'public' and c.id > ${after}::bigint ${received}
        order by c.id
        limit ${size}::int
      ),
      answers as (
        select distinct on (e.case_id) e.case_id, e.message
        from case_events e
        where e.case_id > ${after}::bigint and e.case_id <= (select max(n) from batch) and ${IS_ANSWER}
        order by e.case_id, e.at desc, e.id desc
      )
      select b.*, a.message as answer
      from batch b left join answers a on a.case_id = b.n
      order by b.n`,
  );
}

/**
 * The filter's public cases in id order, a batch at a time. Stopping the iteration (a client that went
 * away destroys the stream reading it) stops the queries: the next batch is asked for only when wanted.
 */
export async function* caseBatches(
  db: Db,
  filter: CaseFilter,
  options: { now: Date; batchSize?: number },
): AsyncGenerator<CaseRecord[]> {
  const size = options.batchSize ?? CASE_BATCH_SIZE;
  const ref = await referenceData(db, options.now.getTime());
  // Sensitive or not, slug and code: from the reference data in memory, not joined per row.
  const categoryOf = new Map<number, { code: string; sensitive: boolean }>();
  const category = (id: number) => {
    let c = categoryOf.get(id);
    if (!c) {
      const found = ref.category(id);
      c = { code: found?.code ?? "", sensitive: found?.sensitive ?? true };
      categoryOf.set(id, c);
    }
    return c;
  };
  // The next batch is asked for before this one is handed on, so the database reads it while this process
  // writes the last one out: the export runs at the pace of the slower of the two, not of both added.
  let next: Promise<Row[]> | undefined = batch(db, filter, "0", size, options.now);
  try {
    while (next) {
      const rows: Row[] = await next;
      next =
        rows.length === size ? batch(db, filter, rows[rows.length - 1]!.id, size, options.now) : undefined;
      if (rows.length > 0) yield rows.map(record);
    }
  } finally {
    // A reader that went away leaves at most the batch already asked for: let it finish unheard.
    next?.catch(() => {});
  }

  function record(r: Row): CaseRecord {
    const cat = category(r.category_id);
    const located = !cat.sensitive && r.latitude !== null && r.longitude !== null;
    return {
      id: r.code,
      municipality: ref.municipalityById(r.municipality_id)?.slug ?? "",
      type: r.type,
      category: cat.code,
      channel: r.channel,
      status: r.status,
      received_at: r.received,
      acknowledged_at: r.acknowledged,
      answered_at: r.answered,
      closed_at: r.closed,
      sla_due_at: r.due,
      sla_met: r.met,
      reason_code: r.reason_code,
      latitude: located ? coarsen(r.latitude!) : null,
      longitude: located ? coarsen(r.longitude!) : null,
      public_answer: r.answer,
    };
  }
}

/** How many public cases a filter selects (the page's size hint). */
export async function countCases(db: Db, filter: CaseFilter): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(
    db.execute(sql`
    select count(*)::int as n from cases c
    where c.visibility = 'public'
      ${filter.municipality ? sql`and c.municipality_id = ${filter.municipality.id}` : sql``}
      ${filter.receivedFrom ? sql`and c.received_at >= ${filter.receivedFrom.toISOString()}::timestamptz` : sql``}
      ${filter.receivedBefore ? sql`and c.received_at < ${filter.receivedBefore.toISOString()}::timestamptz` : sql``}`),
  );
  return Number(row?.n ?? 0);
}

/** The local years from the first public case's to now's, newest first (the year filter's choices). */
export async function caseYears(db: Db, timeZone: string, now: Date): Promise<number[]> {
  const [row] = await rowsOf<{ first: string | Date | null }>(
    db.execute(sql`select min(received_at) as first from cases where visibility = 'public'`),
  );
  const first = row?.first;
  const yearOf = (d: Date) => Number(new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(d));
  const last = yearOf(now);
  const from = first ? Math.min(yearOf(new Date(first)), last) : last;
  return Array.from({ length: last - from + 1 }, (_, i) => last - i);
}

/**
 * What changes the export: any case event (every change to a case writes one, and a breach of its
 * deadline too) and any new case. A weak validator: the same answer for the same data and filter.
 */
export async function caseExportVersion(db: Db): Promise<{ etag: string; lastModified: Date | undefined }> {
  const [row] = await rowsOf<{ event: string | null; at: string | Date | null; kase: string | null }>(
    db.execute(sql`
    select (select e.id::text as n from case_events e order by e.id desc limit 1) as event,
           (select e.at from case_events e order by e.id desc limit 1) as at,
           (select c.id::text as n from cases c order by c.id desc limit 1) as kase`),
  );
  if (!row) return { etag: "0-0", lastModified: undefined };
  return {
    etag: `${row.event ?? 0}-${row.kase ?? 0}`,
    lastModified: row.at ? new Date(row.at) : undefined,
  };
}
