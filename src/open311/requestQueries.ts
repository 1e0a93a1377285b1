// Service requests as GeoReport v2 shows them: a municipality's public cases, newest first, each read
// with the columns its answer needs and passed through the one public view (publicCaseView), so a
// sensitive category's location is coarse and its address absent, and no personal column is selected at
// all. Private cases are never read: the query asks for public ones only.
import { and, eq, getTableColumns, type SQL, sql } from "drizzle-orm";
import { isPublicPhoto, publicCaseView } from "../cases/publicView.ts";
import { type CaseStatus, OPEN311_STATUS } from "../cases/statuses.ts";
import type { Db } from "../db/client.ts";
import { cases, categories, departments, type LocalizedText } from "../db/schema.ts";
import type { Language } from "../kernel/i18n.ts";
import { localized } from "../kernel/localized.ts";
import { w3cDateTime } from "./dates.ts";
import type { WireRecord } from "./wire.ts";

/** What a list of requests is narrowed to. `codes` overrides every other filter, as the spec says. */
export interface RequestFilters {
  municipalityId: number;
  codes?: readonly string[] | undefined;
  serviceCodes?: readonly string[] | undefined;
  /** requested_datetime from … to, both included. */
  from: Date;
  to: Date;
  statuses?: readonly ("open" | "closed")[] | undefined;
  limit: number;
  offset: number;
}

const statusesOf = (kind: "open" | "closed") =>
  (Object.keys(OPEN311_STATUS) as CaseStatus[]).filter((s) => OPEN311_STATUS[s] === kind);
const CLOSED = statusesOf("closed");
const quoted = (list: readonly string[]) => sql.raw(list.map((s) => `'${s}'`).join(", "));

/**
 * The latest public note staff wrote on the case: an answer, or the message of a status change (why it
 * was rejected, what the citizen is asked for). The citizen's own additions are never public text.
 */
const statusNotes = sql<string | null>`(
  select e.message from case_events e
  where e.case_id = ${cases.id} and e.is_public and e.message is not null
    and e.type in ('answer_published', 'status_changed')
  order by e.at desc, e.id desc limit 1)`;

/**
 * When the request last changed in public: the latest public event; for a closed one the latest status
 * change, i.e. when it was closed (the spec's rule), so a rating given afterwards does not move it.
 */
const updatedAt = sql`coalesce((
  select max(e.at) from case_events e
  where e.case_id = ${cases.id} and e.is_public
    and (e.type = 'status_changed' or ${cases.status} not in (${quoted(CLOSED)}))), ${cases.receivedAt})`.mapWith(
  cases.receivedAt,
);

/** The first photo moderation left visible (publicView's isPublicPhoto decides whether it is shown). */
const firstPhoto = sql<string | null>`(
  select p.id::text from case_photos p
  where p.case_id = ${cases.id} and not p.hidden
  order by p.position, p.created_at limit 1)`;

const columns = {
  visibility: cases.visibility,
  trackingCode: cases.trackingCode,
  type: cases.type,
  status: cases.status,
  channel: cases.channel,
  title: cases.title,
  description: cases.description,
  latitude: cases.latitude,
  longitude: cases.longitude,
  address: cases.address,
  receivedAt: cases.receivedAt,
  resolutionDueAt: cases.resolutionDueAt,
  categoryCode: categories.code,
  categoryName: categories.name,
  sensitive: categories.sensitive,
  departmentName: departments.name,
  statusNotes,
  updatedAt,
  photoId: firstPhoto,
};

export type RequestRow = Awaited<ReturnType<typeof findRequests>>[number];

/**
 * The list's statements, one per shape of filters (by ids; or by dates, with or without service codes
 * and statuses), each prepared under a name: on PostgreSQL it is planned once per connection, which was
 * most of the cost of a short list (the correlated subqueries make planning slow). Every varying part is
 * a parameter.
 */
function prepareFind(db: Db, shape: { ids: boolean; services: boolean; statuses: boolean }) {
  const where: SQL[] = [
    sql`${cases.municipalityId} = ${sql.placeholder("municipality")}`,
    sql`${cases.visibility} = 'public'`,
  ];
  if (shape.ids) where.push(sql`${cases.trackingCode} = any(${sql.placeholder("codes")}::text[])`);
  else {
    where.push(
      sql`${cases.receivedAt} >= ${sql.placeholder("from")}::timestamptz`,
      sql`${cases.receivedAt} <= ${sql.placeholder("to")}::timestamptz`,
    );
    if (shape.services) where.push(sql`${categories.code} = any(${sql.placeholder("services")}::text[])`);
    if (shape.statuses) where.push(sql`${cases.status} = any(${sql.placeholder("statuses")}::text[])`);
  }
  const name = `open311_requests_${shape.ids ? "ids" : `${Number(shape.services)}${Number(shape.statuses)}`}`;
  return (
    db
      .select(columns)
      .from(cases)
      .innerJoin(categories, eq(categories.id, cases.categoryId))
      .leftJoin(departments, eq(departments.id, cases.departmentId))
      .where(and(...where))
      // NULLS LAST as the indexes are declared: otherwise PostgreSQL cannot read them in order (listPublicCases.ts).
      .orderBy(sql`${cases.receivedAt} desc nulls last`, sql`${cases.id} desc nulls last`)
      .limit(sql.placeholder("limit"))
      .offset(sql.placeholder("offset"))
      .prepare(name)
  );
}
const prepared = new WeakMap<Db, Map<string, ReturnType<typeof prepareFind>>>();

/** Matching public cases, newest first (received_at, then id: the order of the public indexes). */
export async function findRequests(db: Db, f: RequestFilters) {
  const shape = {
    ids: f.codes !== undefined,
    services: (f.serviceCodes?.length ?? 0) > 0,
    // Both statuses are no filter at all.
    statuses: f.statuses?.length === 1,
  };
  let statements = prepared.get(db);
  if (!statements) {
    statements = new Map();
    prepared.set(db, statements);
  }
  const key = JSON.stringify(shape);
  let statement = statements.get(key);
  if (!statement) {
    statement = prepareFind(db, shape);
    statements.set(key, statement);
  }
  return statement.execute({
    municipality: f.municipalityId,
    codes: [...(f.codes ?? [])],
    from: f.from.toISOString(),
    to: f.to.toISOString(),
    services: [...(f.serviceCodes ?? [])],
    statuses: f.statuses?.length === 1 ? statusesOf(f.statuses[0]!) : [],
    limit: f.limit,
    offset: f.codes ? 0 : f.offset,
  });
}

/** A case row with nothing in it, completed with what was read (the public view reads only those). */
const BLANK_CASE = Object.fromEntries(
  Object.keys(getTableColumns(cases)).map((column) => [column, null]),
) as unknown as typeof cases.$inferSelect;

/** The spec's limit on a description; ours are no longer, but text entered by staff is cut to it. */
const DESCRIPTION_MAX = 4000;
const cut = (s: string, max: number) => {
  const chars = [...s];
  return chars.length > max ? chars.slice(0, max).join("") : s;
};

/** One `request` of a GeoReport answer, or undefined for a case that has no public view. */
export function requestRecord(
  row: RequestRow,
  ctx: { lang: Language; timeZone: string; baseUrl: string },
): WireRecord | undefined {
  const { sensitive, categoryCode, categoryName, departmentName, statusNotes, updatedAt, photoId, ...kase } =
    row;
  const view = publicCaseView({ ...BLANK_CASE, ...kase }, { sensitive }, []);
  if (!view) return undefined;
  const name = (text: LocalizedText | null) => (text ? localized(text, ctx.lang) : null);
  const date = (d: Date | null) => (d ? w3cDateTime(d, ctx.timeZone) : null);
  const photo =
    photoId && isPublicPhoto(kase, { sensitive }, { hidden: false })
      ? `${ctx.baseUrl}/photos/${encodeURIComponent(photoId)}`
      : null;
  return {
    service_request_id: view.trackingCode,
    status: OPEN311_STATUS[view.status] ?? "open",
    status_notes: statusNotes,
    service_name: name(categoryName),
    service_code: categoryCode,
    description: view.description ? cut(view.description, DESCRIPTION_MAX) : null,
    agency_responsible: name(departmentName),
    service_notice: null,
    requested_datetime: date(view.receivedAt),
    updated_datetime: date(updatedAt),
    expected_datetime: date(view.resolutionDueAt),
    address: view.address,
    address_id: null,
    zipcode: null,
    lat: view.location?.latitude ?? null,
    long: view.location?.longitude ?? null,
    media_url: photo,
  };
}
