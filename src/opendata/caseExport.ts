// The anonymised cases of the open data (docs/OPEN-DATA.md): public cases only, without anything typed by
// the citizen, with a location rounded to about 100 m (none for sensitive categories) and the municipality's
// latest public answer as the public timeline shows it. PostgreSQL writes the CSV lines and JSON objects, a
// batch of ids at a time, so that an export of any size streams in constant memory, and stops as soon as
// the one reading it stops.
import { sql } from "drizzle-orm";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import type { Db } from "../db/client.ts";
import { executeNamed } from "../db/named.ts";
import type { CaseFilter } from "./filters.ts";

/**
 * Cases (or ids, for a window) per query: large enough that a query's round trip is small beside its rows,
 * small enough to hold.
 */
export const CASE_BATCH_SIZE = 2_000;

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
] as const;

export type CaseFormat = "csv" | "json";

/** The open statuses as a PostgreSQL array literal: a parameter, so the statement's text stays fixed. */
const OPEN = `{${OPEN_STATUSES.join(",")}}`;

/** The rows of a raw statement (both drivers answer `.rows`). */
export async function rowsOf<Row>(query: Promise<unknown>): Promise<Row[]> {
  return ((await query) as { rows: Row[] }).rows;
}

// ISO 8601 in UTC to the second: Table Schema's default datetime format, the same on both drivers.
const iso = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/**
 * `coarsen` (cases/geo.ts) in SQL, to the bit: Math.round takes a half up (towards +∞), which PostgreSQL's
 * round() does not promise for a double; y - floor(y) is exact in binary, so the comparison is too. Adding
 * 0 turns a -0 into 0, which is how JavaScript prints it.
 */
export const coarsenSql = (x: string) =>
  `((case when ${x} * 1000 - floor(${x} * 1000) >= 0.5 then ceil(${x} * 1000) else floor(${x} * 1000) end) / 1000 + 0)`;

/** JavaScript's \s (what csvLine's signed-number test allows between digits), spelled out for PostgreSQL. */
const JS_SPACE = String.raw`\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff`;

/**
 * A text cell by csvLine's rules (kernel/csv.ts) in SQL: empty for null; a leading apostrophe before what
 * a spreadsheet would run as a formula, unless it is a signed number; quoted, quotes doubled, when it holds
 * a separator, a quote or a line break (the apostrophe is none of those, so the test reads the value).
 */
export function csvCellSql(x: string): string {
  // ascii() reads the first character's code without making a text of it, as left() would.
  const formula = `(case when ascii(${x}) in (61, 43, 45, 64, 9, 13)
      and ${x} !~ '^[+-]?[0-9${JS_SPACE}().-]+$' then '''' else '' end)`;
  return `(case when ${x} is null then ''
    when ${x} ~ '[",\\r\\n]' then '"' || ${formula} || replace(${x}, '"', '""') || '"'
    else ${formula} || ${x} end)`;
}

/** A sensitive category (or none found: the safe side) gives no location at all. */
const LOCATED = "not coalesce(k.sensitive, true) and b.latitude is not null and b.longitude is not null";

/**
 * Each field in SQL over a batch's row `b` (the case's columns, `met` and `answer`) with its category `k`
 * and municipality `m`, and what kind of value it is: a code is text the platform makes or an
 * administrator names (short, and in practice never one that csvLine changes), a text is the answer.
 */
const VALUES: Record<
  (typeof CASE_FIELDS)[number],
  [string, "code" | "text" | "datetime" | "boolean" | "number"]
> = {
  id: ["b.tracking_code", "code"],
  municipality: ["coalesce(m.slug, '')", "code"],
  type: ["b.type", "code"],
  category: ["coalesce(k.code, '')", "code"],
  channel: ["b.channel", "code"],
  status: ["b.status", "code"],
  received_at: [iso("b.received_at"), "datetime"],
  acknowledged_at: [iso("b.acknowledged_at"), "datetime"],
  answered_at: [iso("b.first_response_at"), "datetime"],
  closed_at: [iso("coalesce(b.resolved_at, b.closed_at)"), "datetime"],
  sla_due_at: [iso("b.response_due_at"), "datetime"],
  sla_met: ["b.met", "boolean"],
  reason_code: ["b.reason_code", "code"],
  latitude: [`case when ${LOCATED} then ${coarsenSql("b.latitude")} end`, "number"],
  longitude: [`case when ${LOCATED} then ${coarsenSql("b.longitude")} end`, "number"],
  public_answer: ["b.answer", "text"],
};

const CODES = CASE_FIELDS.filter((f) => VALUES[f][1] === "code").map((f) => VALUES[f][0]);

/**
 * Whether any of the texts (a row's codes) is one csvLine would change: one that starts like a formula or
 * holds a separator, a quote or a line break. One test over the texts joined by U+001F (after which a
 * formula's start is looked for too) instead of two per code, which were most of the line's cost. A false
 * alarm (a code holding U+001F) only takes the exact path.
 */
export const anyRiskySql = (xs: readonly string[]) =>
  `concat_ws(chr(31), ${xs.join(", ")}) ~ '(^|\\x1f)[=+@\\t\\r-]|[",\\r\\n]'`;
const RISKY_CODES = anyRiskySql(CODES);

/**
 * One case as a CSV line, as writers.ts writes records: text by csvLine's rules, a date as it is (digits
 * first: nothing to guard or quote), true/false, empty for null, a number as JavaScript prints it
 * (PostgreSQL prints a double's shortest exact digits too, and a coarse coordinate never in exponent form).
 * The codes are written as they are unless RISKY_CODES says one needs csvLine's rules. concat_ws writes
 * the line in one buffer where a chain of || copies it once per field (no cell is null, none is skipped).
 */
const csvLineOf = (exact: boolean) =>
  `concat_ws(',', ${CASE_FIELDS.map((f) => {
    const [v, kind] = VALUES[f];
    if (kind === "text" || (kind === "code" && exact)) return csvCellSql(v);
    if (kind === "code") return `coalesce(${v}, '')`;
    if (kind === "boolean") return `(case when ${v} then 'true' when not ${v} then 'false' else '' end)`;
    return `coalesce((${v})::text, '')`;
  }).join(", ")})`;
const CSV_LINE = `(case when ${RISKY_CODES} then ${csvLineOf(true)} else ${csvLineOf(false)} end) || chr(13) || chr(10)`;

/**
 * One case as a JSON object, byte for byte what JSON.stringify wrote of the record: row_to_json keeps the
 * columns' order, writes no spaces, escapes text as JSON.stringify does (", \, and control characters,
 * the usual ones by name and the others as \u00xx) and writes a double's shortest exact digits.
 */
const JSON_OBJECT = `row_to_json(j)::text`;
const JSON_COLUMNS = CASE_FIELDS.map((f) => `${VALUES[f][0]} as ${f}`).join(", ");

/** Events whose message is a public answer (see `batch`), for an alias `e` of case_events. */
const IS_ANSWER = sql.raw(`e.is_public and e.message is not null
  and (e.type = 'answer_published'
       or (e.type = 'status_changed' and e.to_status in ('answered', 'resolved', 'rejected', 'referred')))`);

/**
 * A batch comes back in pieces of the cases of PIECE_IDS consecutive ids: a few rows, each one text. Below
 * 128 KB a text stays among V8's young objects, which are collected as soon as they are sent; a batch's
 * text as one (300–800 KB) went to the large-object space, which only a full collection empties, and the
 * process grew by tens of megabytes while a download ran.
 */
const PIECE_IDS = 256;
interface Piece {
  count: number;
  last: string;
  text: string;
}
interface Batch {
  count: number;
  last: string | null;
  texts: string[];
}

/**
 * One batch of public cases after `after` (an id), in id order: the next `size` of a municipality's, or
 * those up to the id `upTo` (a window). As text in pieces: CSV lines, or JSON objects each after ",\n".
 * PostgreSQL writes the text and this process only passes it on: reading ~30 columns a row into objects
 * and writing each field out again was where the export's time went (session 5, docs/PERFORMANCE.md).
 * The text never varies (every filter is a parameter, null when absent), so PostgreSQL plans it once per
 * connection.
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
async function batch(
  db: Db,
  format: CaseFormat,
  filter: CaseFilter,
  range: { after: string; size: number } | { after: string; upTo: string },
  now: Date,
): Promise<Batch> {
  const { after } = range;
  const at = now.toISOString();
  const from = filter.receivedFrom?.toISOString() ?? null;
  const before = filter.receivedBefore?.toISOString() ?? null;
  const columns = sql`
    c.id, c.tracking_code, c.municipality_id, c.type, c.category_id, c.channel, c.status,
    c.received_at, c.acknowledged_at, c.first_response_at, c.resolved_at, c.closed_at, c.response_due_at,
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
  const [line, object] =
    format === "csv"
      ? [CSV_LINE, ""]
      : [`',' || chr(10) || ${JSON_OBJECT}`, `cross join lateral (select ${JSON_COLUMNS}) j`];
  const lines = sql`
    lines as (
      select b.id, ${sql.raw(line)} as line
      from batch b
        left join categories k on k.id = b.category_id
        left join municipalities m on m.id = b.municipality_id
        ${sql.raw(object)}
    )
    select count(*)::int as count, max(id)::text as last, string_agg(line, '' order by id) as text
    from lines
    group by id / ${sql.raw(String(PIECE_IDS))}
    order by id / ${sql.raw(String(PIECE_IDS))}`;
  const pieces =
    "size" in range
      ? await executeNamed<Piece>(
          db,
          `open_data_cases_municipality_${format}`,
          sql`
          with batch as materialized (
            select ${columns},
              (select e.message from case_events e where e.case_id = c.id and ${IS_ANSWER}
                order by e.at desc, e.id desc limit 1) as answer
            from cases c
            where c.visibility = 'public' and c.municipality_id = ${filter.municipality?.id ?? null}::int
              and c.id > ${after}::bigint ${received}
            order by c.id
            limit ${range.size}::int
          ),
          ${lines}`,
        )
      : await executeNamed<Piece>(
          db,
          `open_data_cases_${format}`,
          sql`
          with chosen as (
            select ${columns}
            from cases c
            where c.visibility = 'public' and c.id > ${after}::bigint and c.id <= ${range.upTo}::bigint ${received}
          ),
          answers as (
            select distinct on (e.case_id) e.case_id, e.message
            from case_events e
            where e.case_id > ${after}::bigint and e.case_id <= ${range.upTo}::bigint and ${IS_ANSWER}
            order by e.case_id, e.at desc, e.id desc
          ),
          batch as (select c.*, a.message as answer from chosen c left join answers a on a.case_id = c.id),
          ${lines}`,
        );
  return {
    count: pieces.reduce((n, p) => n + p.count, 0),
    last: pieces.at(-1)?.last ?? null,
    texts: pieces.map((p) => p.text),
  };
}

/**
 * Windows of ids asked for at once when the export reads the whole id range: PostgreSQL writes the text
 * (most of the export's work) on two connections while this process sends what came before. One at a
 * time, the database's one backend was what the export waited for.
 */
const WINDOWS_IN_FLIGHT = 2;

/**
 * The filter's public cases in id order as text, a batch at a time (see `batch`). Without a municipality,
 * by windows of `batchSize` consecutive ids up to the last id when the download starts (a case created
 * meanwhile is in the next one, as its version says), two asked for ahead; with one, by keyset (its cases
 * are one in dozens of ids), one ahead. Stopping the iteration (a client that went away destroys the
 * stream reading it) stops the queries: no more is asked for than that.
 */
export async function* caseText(
  db: Db,
  format: CaseFormat,
  filter: CaseFilter,
  options: { now: Date; batchSize?: number },
): AsyncGenerator<string> {
  const size = options.batchSize ?? CASE_BATCH_SIZE;
  const asked: Promise<Batch>[] = [];
  const ask = (range: Parameters<typeof batch>[3]) => {
    const made = batch(db, format, filter, range, options.now);
    // Awaited in turn; meanwhile a failure must not count as unhandled (it is thrown when its turn comes).
    made.catch(() => {});
    asked.push(made);
  };
  try {
    if (filter.municipality) {
      ask({ after: "0", size });
      while (asked.length > 0) {
        const done = await asked.shift()!;
        // The next batch is asked for before this one is handed on: the database reads it meanwhile.
        if (done.count === size && done.last) ask({ after: done.last, size });
        yield* done.texts;
      }
      return;
    }
    const [top] = await rowsOf<{ last: string | null }>(
      db.execute(sql`select max(id)::text as last from cases`),
    );
    const end = BigInt(top?.last ?? 0);
    let from = 0n;
    const fill = () => {
      while (asked.length < WINDOWS_IN_FLIGHT && from < end) {
        const to = from + BigInt(size) < end ? from + BigInt(size) : end;
        ask({ after: String(from), upTo: String(to) });
        from = to;
      }
    };
    fill();
    while (asked.length > 0) {
      const done = await asked.shift()!;
      fill();
      yield* done.texts;
    }
  } finally {
    // A reader that went away leaves what was asked for: let it finish unheard.
    asked.length = 0;
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
