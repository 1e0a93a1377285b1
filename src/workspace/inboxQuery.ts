// The staff inbox: its query string read and checked (what it asks for, the values to show back, a message
// per field it cannot mean), and its read model — the cases the actor may handle in one municipality,
// filtered, sorted and paged in SQL, with capped counts per SLA state, and the same cases in batches for
// the CSV export. Which cases an actor may handle is the policy table's `case.view_staff`, written here as
// a WHERE clause (inboxScope) so that the database, not the page, leaves the others out.
import { and, asc, desc, eq, gte, inArray, isNull, lt, notInArray, or, type SQL, sql } from "drizzle-orm";
import { unionAll } from "drizzle-orm/pg-core";
import type { Actor } from "../access/policy.ts";
import { addDays, isValidLocalDate, type LocalDate, startOfLocalDay } from "../calendar/zone.ts";
import { OPEN_STATUSES } from "../cases/lifecycle.ts";
import { asTrackingCode, COUNT_CAP, MAX_PAGE, MAX_QUERY_LENGTH } from "../cases/queries/listPublicCases.ts";
import { PRIORITIES } from "../cases/sla.ts";
import { SLA_STATES, type SlaState } from "../cases/slaTracking.ts";
import {
  CASE_STATUSES,
  CASE_TYPES,
  type CaseStatus,
  type CaseType,
  CHANNELS,
  type Channel,
} from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { cases, categories, departments, type LocalizedText, users } from "../db/schema.ts";
import type { FieldErrors } from "../web/forms.tsx";

export const INBOX_PAGE_SIZE = 25;
export { COUNT_CAP, MAX_PAGE };

export const INBOX_SORTS = ["received_desc", "received_asc", "due", "priority", "status"] as const;
export type InboxSort = (typeof INBOX_SORTS)[number];
export const DEFAULT_SORT: InboxSort = "received_desc";

/** The value of the department and assignee filters for "nobody yet". */
export const UNASSIGNED = "unassigned";
/** The value of the assignee filter for the actor themselves. */
export const ME = "me";

// ── Who sees what.

/**
 * The cases an actor may handle in a municipality, as the policy table grants `case.view_staff`:
 * coordinators and municipal admins the whole municipality; officers and department heads the cases of
 * their departments and those assigned to them personally. Undefined: none (the inbox is not theirs).
 */
export type InboxScope =
  | { kind: "municipality"; municipalityId: number }
  | { kind: "handler"; municipalityId: number; departmentIds: readonly number[]; userId: string };

const WHOLE_MUNICIPALITY: readonly string[] = ["participation_coordinator", "municipal_admin"];
const HANDLERS: readonly string[] = ["officer", "department_head"];
/** National roles that may read every case as staff (policy.ts); they open a workspace only through a municipal role. */
const EVERY_CASE: readonly string[] = ["ministry_monitor"];

export function inboxScope(actor: Actor, municipalityId: number): InboxScope | undefined {
  if (actor.kind !== "user") return undefined;
  const here = actor.roles.filter((r) => r.municipalityId === municipalityId);
  const handling = here.filter((r) => HANDLERS.includes(r.role));
  if (here.some((r) => WHOLE_MUNICIPALITY.includes(r.role))) return { kind: "municipality", municipalityId };
  if (handling.length === 0) return undefined;
  if (actor.roles.some((r) => EVERY_CASE.includes(r.role))) return { kind: "municipality", municipalityId };
  const departmentIds = [
    ...new Set(handling.flatMap((r) => (r.departmentId === null ? [] : [r.departmentId]))),
  ];
  return { kind: "handler", municipalityId, departmentIds, userId: actor.userId };
}

/** The scope's rule for one case, in code: what its WHERE clause lets through (checked against the policy). */
export function inScope(
  scope: InboxScope,
  c: { municipalityId: number; departmentId: number | null; assigneeId: string | null },
): boolean {
  if (c.municipalityId !== scope.municipalityId) return false;
  if (scope.kind === "municipality") return true;
  return (
    (c.departmentId !== null && scope.departmentIds.includes(c.departmentId)) || c.assigneeId === scope.userId
  );
}

// ── The query string.

export type RawQuery = Record<string, string | string[] | undefined>;

/** What the form shows back: exactly what was asked, valid or not (long values cut). */
export interface InboxValues {
  q: string;
  status: string[];
  type: string;
  category: string;
  department: string;
  assignee: string;
  channel: string;
  sla: string;
  from: string;
  to: string;
  sort: string;
}

export interface InboxFilters {
  /** Words (websearch syntax) or a tracking code. */
  q?: string | undefined;
  /** Any of these (none: all). */
  statuses: readonly CaseStatus[];
  type?: CaseType | undefined;
  /** The ids of the chosen category code (a national one, or the municipality's own). */
  categoryIds?: readonly number[] | undefined;
  department?: number | typeof UNASSIGNED | undefined;
  /** A staff member's id (the actor's for "me"), or nobody. */
  assignee?: string | typeof UNASSIGNED | undefined;
  channel?: Channel | undefined;
  sla?: SlaState | undefined;
  from?: LocalDate | undefined;
  to?: LocalDate | undefined;
}

export type InboxQuery =
  | { ok: true; filters: InboxFilters; sort: InboxSort; page: number; values: InboxValues }
  | { ok: false; errors: FieldErrors; values: InboxValues };

/** The fields in the order the form shows them (for the error summary and the query string). */
export const INBOX_FIELDS = [
  "q",
  "status",
  "type",
  "category",
  "department",
  "assignee",
  "channel",
  "sla",
  "from",
  "to",
  "sort",
] as const;

/** What the parser checks values against: the municipality's categories, departments and staff. */
export interface InboxKnown {
  /** Category code → its ids (a code may be national and a municipal sub-category's at once). */
  categories: ReadonlyMap<string, readonly number[]>;
  departments: ReadonlySet<number>;
  /** Staff who may be assignees here, by user id. */
  assignees: ReadonlySet<string>;
  /** The actor, for "me". */
  userId: string;
}

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
const all = (v: string | string[] | undefined): string[] =>
  (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((s) => s.trim()).filter(Boolean);
/** Control characters become spaces (PostgreSQL refuses a NUL in text); very long values are cut. */
const cut = (s: string) => s.replace(/\p{Cc}/gu, " ").slice(0, 1000);
const one = (raw: RawQuery, name: string) => cut(first(raw[name])).trim();
const among = <T extends string>(list: readonly T[], v: string): v is T =>
  (list as readonly string[]).includes(v);
const isDate = (s: string) => isValidLocalDate(s) && s >= "1900-01-01" && s <= "2999-12-31";

export function parseInboxQuery(raw: RawQuery, known: InboxKnown): InboxQuery {
  const statuses = [...new Set(all(raw.status))];
  const values: InboxValues = {
    q: one(raw, "q"),
    status: statuses.slice(0, CASE_STATUSES.length + 1).map(cut),
    type: one(raw, "type"),
    category: one(raw, "category"),
    department: one(raw, "department"),
    assignee: one(raw, "assignee"),
    channel: one(raw, "channel"),
    sla: one(raw, "sla"),
    from: one(raw, "from"),
    to: one(raw, "to"),
    sort: one(raw, "sort"),
  };
  const errors: FieldErrors = {};
  const q = values.q.replace(/\s+/g, " ");
  if ([...q].length > MAX_QUERY_LENGTH) errors.q = ["inbox.errors.qTooLong", { max: MAX_QUERY_LENGTH }];
  else if (q && !/[\p{L}\p{N}]/u.test(q)) errors.q = "inbox.errors.qNoWords";
  if (statuses.some((s) => !among(CASE_STATUSES, s))) errors.status = "inbox.errors.status";
  if (values.type && !among(CASE_TYPES, values.type)) errors.type = "inbox.errors.type";
  if (values.category && !known.categories.has(values.category)) errors.category = "inbox.errors.category";
  const departmentId = /^\d{1,9}$/.test(values.department) ? Number(values.department) : undefined;
  if (
    values.department &&
    values.department !== UNASSIGNED &&
    !(departmentId !== undefined && known.departments.has(departmentId))
  )
    errors.department = "inbox.errors.department";
  if (
    values.assignee &&
    values.assignee !== UNASSIGNED &&
    values.assignee !== ME &&
    !known.assignees.has(values.assignee)
  )
    errors.assignee = "inbox.errors.assignee";
  if (values.channel && !among(CHANNELS, values.channel)) errors.channel = "inbox.errors.channel";
  if (values.sla && !among(SLA_STATES, values.sla)) errors.sla = "inbox.errors.sla";
  if (values.from && !isDate(values.from)) errors.from = "inbox.errors.from";
  if (values.to && !isDate(values.to)) errors.to = "inbox.errors.to";
  if (!errors.from && !errors.to && values.from && values.to && values.from > values.to)
    errors.to = "inbox.errors.toBeforeFrom";
  if (values.sort && !among(INBOX_SORTS, values.sort)) errors.sort = "inbox.errors.sort";

  // The page has no field: its problem is told at the top of the form ("form").
  const pageText = first(raw.page).trim();
  let page = 1;
  if (pageText) {
    if (!/^\d{1,9}$/.test(pageText) || Number(pageText) < 1) errors.form = "inbox.errors.page";
    else if (Number(pageText) > MAX_PAGE) errors.form = ["inbox.errors.pageTooFar", { max: MAX_PAGE }];
    else page = Number(pageText);
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors, values };
  return {
    ok: true,
    page,
    values,
    sort: (values.sort || DEFAULT_SORT) as InboxSort,
    filters: {
      q: q || undefined,
      statuses: values.status as CaseStatus[],
      type: (values.type || undefined) as CaseType | undefined,
      categoryIds: values.category ? known.categories.get(values.category) : undefined,
      department:
        values.department === UNASSIGNED ? UNASSIGNED : departmentId === undefined ? undefined : departmentId,
      assignee: values.assignee === ME ? known.userId : values.assignee || undefined,
      channel: (values.channel || undefined) as Channel | undefined,
      sla: (values.sla || undefined) as SlaState | undefined,
      from: values.from || undefined,
      to: values.to || undefined,
    },
  };
}

/** The query string of a view (without "?"): its filters and sort, changed by `change`, and the page (1 left out). */
export function inboxQueryString(values: InboxValues, change: Partial<InboxValues> = {}, page = 1): string {
  const merged = { ...values, ...change };
  const params = new URLSearchParams();
  for (const field of INBOX_FIELDS) {
    const v = merged[field];
    for (const each of Array.isArray(v) ? v : [v]) if (each) params.append(field, each);
  }
  if (page > 1) params.set("page", String(page));
  return params.toString();
}

export const inboxPath = (slug: string) => `/m/${slug}/workspace`;

/**
 * The inbox as staff should first see it: the cases still to be worked on (the open statuses), newest
 * first. Links into the inbox (the account page, the daily digest) use it; the bare address lists every
 * status, as a view with nothing chosen does.
 */
export const openInboxHref = (slug: string) =>
  `${inboxPath(slug)}?${OPEN_STATUSES.map((s) => `status=${s}`).join("&")}`;

/** The address of a view of the inbox. */
export function inboxHref(slug: string, values: InboxValues, change: Partial<InboxValues> = {}, page = 1) {
  const qs = inboxQueryString(values, change, page);
  return qs ? `${inboxPath(slug)}?${qs}` : inboxPath(slug);
}

// ── The read model.

/** One sort key: an expression and its direction. */
interface SortKey {
  expr: SQL;
  dir: "asc" | "desc";
}

const PRIORITY_RANK = sql`(case ${cases.priority} ${sql.raw(
  PRIORITIES.map((p, i) => `when '${p}' then ${PRIORITIES.length - 1 - i}`).join(" "),
)} else ${PRIORITIES.length} end)`;
const STATUS_RANK = sql`array_position(${sql.raw(
  `array[${CASE_STATUSES.map((s) => `'${s}'`).join(",")}]::text[]`,
)}, ${cases.status})`;

const byId = (dir: "asc" | "desc"): SortKey => ({ expr: sql`${cases.id}`, dir });
const received = (dir: "asc" | "desc"): SortKey => ({ expr: sql`${cases.receivedAt}`, dir });

/**
 * Each sort as its keys, the last one unique (the id), so that pages never skip or repeat a case. "Due" puts cases with no running clock last; "priority" urgent first, then the newest.
 */
const SORT_KEYS: Record<InboxSort, SortKey[]> = {
  received_desc: [received("desc"), byId("desc")],
  received_asc: [received("asc"), byId("asc")],
  due: [{ expr: sql`coalesce(${cases.slaDueAt}, 'infinity'::timestamptz)`, dir: "asc" }, byId("asc")],
  priority: [{ expr: PRIORITY_RANK, dir: "asc" }, received("desc"), byId("desc")],
  status: [{ expr: STATUS_RANK, dir: "asc" }, received("desc"), byId("desc")],
};

/**
 * The ORDER BY of a sort. received_at is NOT NULL, yet PostgreSQL matches an ORDER BY to an index by its
 * NULLS clause too: the status and department indexes are DESC NULLS LAST, cases_municipality_received is
 * ASC (read backwards: DESC NULLS FIRST). So a view narrowed to one status or one department (or the
 * part of a handler's view that is their departments' cases) asks for the order of those indexes, any
 * other view for the order of cases_municipality_received; the rows are the same either way, but without
 * the matching clause the planner sorts every case of the municipality.
 */
function orderBy(sort: InboxSort, f: Pick<InboxFilters, "statuses" | "department">, byDepartment = false) {
  const alongNarrowIndex =
    (sort === "received_desc" || sort === "received_asc") &&
    (f.statuses.length === 1 || typeof f.department === "number" || byDepartment);
  return SORT_KEYS[sort].map((k) => {
    if (!alongNarrowIndex) return k.dir === "asc" ? asc(k.expr) : desc(k.expr);
    return k.dir === "asc" ? sql`${k.expr} asc nulls first` : sql`${k.expr} desc nulls last`;
  });
}

const searchQuery = (q: string) =>
  sql`websearch_to_tsquery('simple'::regconfig, public.ekomuna_unaccent(${q}::text))`;

/** A view's filters, each a plain condition on a column of `cases` (the scope and municipality apart). */
function filterConditions(f: InboxFilters, timeZone: string): SQL[] {
  const where: (SQL | undefined)[] = [];
  if (f.statuses.length > 0) where.push(inArray(cases.status, [...f.statuses]));
  if (f.type) where.push(eq(cases.type, f.type));
  if (f.categoryIds) where.push(inArray(cases.categoryId, [...f.categoryIds]));
  if (f.department === UNASSIGNED) where.push(isNull(cases.departmentId));
  else if (f.department !== undefined) where.push(eq(cases.departmentId, f.department));
  if (f.assignee === UNASSIGNED) where.push(isNull(cases.assigneeId));
  else if (f.assignee !== undefined) where.push(eq(cases.assigneeId, f.assignee));
  if (f.channel) where.push(eq(cases.channel, f.channel));
  if (f.sla) where.push(eq(cases.slaState, f.sla));
  if (f.from) where.push(gte(cases.receivedAt, startOfLocalDay(f.from, timeZone)));
  if (f.to) where.push(lt(cases.receivedAt, startOfLocalDay(addDays(f.to, 1), timeZone)));
  const q = f.q?.trim();
  if (q) {
    const code = asTrackingCode(q);
    where.push(code ? eq(cases.trackingCode, code) : sql`${cases.search} @@ ${searchQuery(q)}`);
  }
  return where.filter((w): w is SQL => w !== undefined);
}

/**
 * The WHERE clause of a view. Every filter is a plain condition on a column of `cases`, so the planner
 * can pick cases_municipality_status_received for statuses, cases_municipality_department_received for a
 * department (cases_municipality_department_inbox for its cases in an SLA state and status),
 * cases_municipality_sla_state for an SLA state and cases_search for words.
 */
export function inboxConditions(scope: InboxScope, f: InboxFilters, timeZone: string): SQL {
  const where: (SQL | undefined)[] = [eq(cases.municipalityId, scope.municipalityId)];
  if (scope.kind === "handler") {
    const mine = eq(cases.assigneeId, scope.userId);
    where.push(
      scope.departmentIds.length > 0 ? or(inArray(cases.departmentId, [...scope.departmentIds]), mine) : mine,
    );
  }
  return and(...where, ...filterConditions(f, timeZone))!;
}

/**
 * The same view as disjoint parts whose union it is: the whole of it for a municipality-wide scope; for
 * a handler, the cases of their departments, and those assigned to them that lie in none of those. An OR
 * of the two can only be read by visiting every case of the departments in the table; apart, each part
 * is a range of cases_municipality_department_inbox (municipality, department, SLA state, status, …) or
 * of cases_municipality_assignee, and a count per SLA state reads the index alone.
 */
function inboxParts(scope: InboxScope, f: InboxFilters, timeZone: string): SQL[] {
  const here = eq(cases.municipalityId, scope.municipalityId);
  const filters = filterConditions(f, timeZone);
  if (scope.kind === "municipality") return [and(here, ...filters)!];
  const mine = eq(cases.assigneeId, scope.userId);
  if (scope.departmentIds.length === 0) return [and(here, mine, ...filters)!];
  const departmentIds = [...scope.departmentIds];
  const elsewhere = or(isNull(cases.departmentId), notInArray(cases.departmentId, departmentIds));
  return [
    and(here, inArray(cases.departmentId, departmentIds), ...filters)!,
    and(here, mine, elsewhere, ...filters)!,
  ];
}

export interface InboxItem {
  trackingCode: string;
  title: string;
  type: CaseType;
  category: LocalizedText;
  status: CaseStatus;
  priority: string;
  department: LocalizedText | null;
  assignee: string | null;
  slaState: SlaState;
  slaDueAt: Date | null;
  channel: string;
  receivedAt: Date;
  /** The version the row was shown at: a bulk action on an older one is refused (the case changed). */
  version: number;
}

export interface InboxList {
  items: InboxItem[];
  /** Cases per SLA state for the filters without the SLA-state one, each counted up to COUNT_CAP + 1. */
  counts: Record<SlaState, number>;
  /** The cases of the view, at most COUNT_CAP (see `more`). */
  total: number;
  more: boolean;
  page: number;
  pageCount: number;
}

const itemColumns = {
  trackingCode: cases.trackingCode,
  title: cases.title,
  type: cases.type,
  category: categories.name,
  status: cases.status,
  priority: cases.priority,
  department: departments.name,
  assignee: users.name,
  slaState: cases.slaState,
  slaDueAt: cases.slaDueAt,
  channel: cases.channel,
  receivedAt: cases.receivedAt,
  version: cases.version,
};

/**
 * The columns of a page of the inbox: the item's, with the names of its category, department and assignee
 * read by scalar subqueries. Joined instead, the planner weighs the indexes of `cases` for every join
 * order: planning the page took 4–5 ms, longer than running it (2 ms on 1 000 000 cases), and now 0.6 ms.
 */
const pageColumns = {
  ...itemColumns,
  category:
    sql<LocalizedText>`(select ${categories.name} from ${categories} where ${categories.id} = ${cases.categoryId})`.mapWith(
      categories.name,
    ),
  department:
    sql<LocalizedText | null>`(select ${departments.name} from ${departments} where ${departments.id} = ${cases.departmentId})`.mapWith(
      departments.name,
    ),
  assignee: sql<string | null>`(select ${users.name} from ${users} where ${users.id} = ${cases.assigneeId})`,
};

const emptyCounts = () => Object.fromEntries(SLA_STATES.map((s) => [s, 0])) as Record<SlaState, number>;

/**
 * Cases per SLA state, each counted up to COUNT_CAP + 1 ("more than 10 000" is as useful as the exact
 * figure and much cheaper). Each state of each part (inboxParts) is one range of an index that has the SLA
 * state after the municipality or the department: with no other filter than those, the count is an
 * index-only scan that stops at the cap. The parts are disjoint, so their capped counts add up, capped
 * again, to the capped count of the whole.
 */
async function countEachState(db: Db, parts: readonly SQL[]): Promise<Record<SlaState, number>> {
  const states = sql.raw(`array[${SLA_STATES.map((s) => `'${s}'`).join(",")}]::text[]`);
  const capped = (where: SQL) => sql`(
      select count(*)::int from (
        select 1 from ${cases} where ${where} and ${cases.slaState} = s.state limit ${COUNT_CAP + 1}
      ) capped
    )`;
  const result = (await db.execute(sql`
    select s.state, least(${sql.join(parts.map(capped), sql` + `)}, ${COUNT_CAP + 1}) as n
    from unnest(${states}) as s(state)`)) as unknown as { rows: { state: SlaState; n: number }[] };
  const counts = emptyCounts();
  for (const r of result.rows) counts[r.state] = Number(r.n);
  return counts;
}

/**
 * The counts of a view (its SLA-state filter left out). A municipality-wide view narrowed by other
 * filters is first counted in one pass over the cases the best index offers (the five ranges above would
 * each read the same rows from the table again), stopped after COUNT_CAP + 1 cases; only a view of more
 * than that many is counted again state by state. A view by department (a handler's scope, or the
 * department filter) is counted state by state at once: there each state is a range of
 * cases_municipality_department_inbox, with the status filter inside the range too, where one pass would
 * read every case of the department.
 */
async function countBySlaState(
  db: Db,
  scope: InboxScope,
  filters: InboxFilters,
  timeZone: string,
): Promise<Record<SlaState, number>> {
  const view = { ...filters, sla: undefined };
  const byDepartment = scope.kind === "handler" || view.department !== undefined;
  if (!isNarrowed(scope, view) || byDepartment) return countEachState(db, inboxParts(scope, view, timeZone));
  const capped = db
    .select({ state: cases.slaState })
    .from(cases)
    .where(inboxConditions(scope, view, timeZone))
    .limit(COUNT_CAP + 1)
    .as("capped");
  const rows = await db
    .select({ state: capped.state, n: sql<number>`count(*)::int` })
    .from(capped)
    .groupBy(capped.state);
  const counts = emptyCounts();
  let total = 0;
  for (const r of rows) {
    counts[r.state as SlaState] = Number(r.n);
    total += Number(r.n);
  }
  return total > COUNT_CAP ? countEachState(db, inboxParts(scope, view, timeZone)) : counts;
}

/** Whether a view has any filter beyond the municipality (and its SLA state), or a narrower scope. */
function isNarrowed(scope: InboxScope, f: InboxFilters): boolean {
  return (
    scope.kind !== "municipality" ||
    Object.entries(f).some(
      ([k, v]) => k !== "sla" && v !== undefined && !(Array.isArray(v) && v.length === 0),
    )
  );
}

/**
 * The ids of a page of a view given as its parts (inboxParts), as a subquery. The page's ids first, then
 * their rows: choosing the 25 reads only the columns filtered and sorted on (from an index alone, where
 * one covers them), and only those 25 rows are read in full. A view in two parts takes the first cases of
 * each part in the page's order, with their sort keys, and the page from the two together: each part can
 * then be read along its own index, where their OR would have the table read for every case of the
 * handler's departments. The parts are disjoint, so no case comes twice.
 */
function pageIds(db: Db, parts: readonly SQL[], sort: InboxSort, filters: InboxFilters, page: number) {
  const offset = (page - 1) * INBOX_PAGE_SIZE;
  const order = orderBy(sort, filters);
  if (parts.length === 1)
    return db
      .select({ id: cases.id })
      .from(cases)
      .where(parts[0])
      .orderBy(...order)
      .limit(INBOX_PAGE_SIZE)
      .offset(offset)
      .as("page");
  const keys = SORT_KEYS[sort];
  const keyColumns = Object.fromEntries(keys.map((k, i) => [`k${i}`, sql`${k.expr}`.as(`k${i}`)]));
  // The first part is the handler's departments' cases: in the order of the department index.
  const [first, second, ...more] = parts.map((where, i) =>
    db
      .select({ id: cases.id, ...keyColumns })
      .from(cases)
      .where(where)
      .orderBy(...(i === 0 ? orderBy(sort, filters, true) : order))
      .limit(offset + INBOX_PAGE_SIZE),
  );
  return unionAll(first!, second!, ...more)
    .orderBy(...keys.map((k, i) => (k.dir === "asc" ? asc : desc)(sql.identifier(`k${i}`))))
    .limit(INBOX_PAGE_SIZE)
    .offset(offset)
    .as("page");
}

/** One page of the inbox, with the counts per SLA state (which also give the view's total). */
export async function listInbox(
  db: Db,
  scope: InboxScope,
  filters: InboxFilters,
  options: { sort: InboxSort; page: number; timeZone: string },
): Promise<InboxList> {
  const { page, sort, timeZone } = options;
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new RangeError(`No page ${page}`);
  const ids = pageIds(db, inboxParts(scope, filters, timeZone), sort, filters, page);
  const [rows, counts] = await Promise.all([
    db
      .select(pageColumns)
      .from(ids)
      .innerJoin(cases, eq(cases.id, ids.id))
      .orderBy(...orderBy(sort, filters)),
    countBySlaState(db, scope, filters, timeZone),
  ]);
  // Every case has exactly one SLA state, so the view's total is a sum of the counts (or one of them).
  const total = filters.sla ? counts[filters.sla] : SLA_STATES.reduce((n, s) => n + counts[s], 0);
  const more = total > COUNT_CAP;
  const shown = Math.min(total, COUNT_CAP);
  return {
    items: rows.map((r) => ({
      ...r,
      type: r.type as CaseType,
      status: r.status as CaseStatus,
      slaState: r.slaState as SlaState,
    })),
    counts,
    total: shown,
    more,
    page,
    pageCount: Math.min(MAX_PAGE, Math.max(1, Math.ceil(shown / INBOX_PAGE_SIZE))),
  };
}

// ── The export.

export interface InboxExportRow extends InboxItem {
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
}

export interface InboxExport {
  /** How many cases the export holds (for the audit entry written before the first row leaves). */
  count: number;
  /** The cases in the view's order, `batchSize` at a time. */
  batches(): AsyncGenerator<InboxExportRow[]>;
}

/**
 * An export of a view. Its order is decided once, over the cases' ids alone (eight bytes a case, one
 * query), and the rows are then read by id, a batch at a time: an export of any size holds one batch of
 * rows in memory and no transaction open. (A keyset over the sort would need one index per sort: by
 * deadline, priority or status each batch would sort every remaining case again — minutes for Prishtinë.)
 * Contact details are selected only when `personal` is set. A case deleted meanwhile is left out.
 */
export async function openInboxExport(
  db: Db,
  scope: InboxScope,
  filters: InboxFilters,
  options: { sort: InboxSort; timeZone: string; personal: boolean; batchSize?: number },
): Promise<InboxExport> {
  const batchSize = options.batchSize ?? 500;
  const ids = (
    await db
      .select({ id: cases.id })
      .from(cases)
      .where(inboxConditions(scope, filters, options.timeZone))
      .orderBy(...orderBy(options.sort, filters))
  ).map((r) => r.id);
  async function* batches(): AsyncGenerator<InboxExportRow[]> {
    for (let i = 0; i < ids.length; i += batchSize) {
      const chunk = ids.slice(i, i + batchSize);
      const rows = await db
        .select({
          ...itemColumns,
          id: cases.id,
          contactName: options.personal ? cases.contactName : sql<null>`null`,
          contactEmail: options.personal ? cases.contactEmail : sql<null>`null`,
          contactPhone: options.personal ? cases.contactPhone : sql<null>`null`,
        })
        .from(cases)
        .innerJoin(categories, eq(categories.id, cases.categoryId))
        .leftJoin(departments, eq(departments.id, cases.departmentId))
        .leftJoin(users, eq(users.id, cases.assigneeId))
        .where(inArray(cases.id, chunk));
      const byId = new Map(rows.map(({ id, ...r }) => [id, r]));
      yield chunk.flatMap((id) => {
        const r = byId.get(id);
        return r
          ? [
              {
                ...r,
                type: r.type as CaseType,
                status: r.status as CaseStatus,
                slaState: r.slaState as SlaState,
              },
            ]
          : [];
      });
    }
  }
  return { count: ids.length, batches };
}
