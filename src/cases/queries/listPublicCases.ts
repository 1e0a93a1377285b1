// The public list of cases: filters, full-text search and pages, for anyone. Only public cases, and only
// what the public list view (publicCaseSummary) lets through: no name, contact, address or location is
// even selected. Merged duplicates are listed like any other case; their status says they were merged.
// The list's map gets the same cases' points (listPublicCasePoints), located as their public view says.
import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  type SQL,
  sql,
} from "drizzle-orm";
import { addDays, type LocalDate, startOfLocalDay } from "../../calendar/zone.ts";
import type { Db } from "../../db/client.ts";
import { cases, categories, type LocalizedText, municipalities } from "../../db/schema.ts";
import { type PublicCase, type PublicCaseSummary, publicCaseSummary, publicCaseView } from "../publicView.ts";
import type { CaseStatus, CaseType } from "../statuses.ts";
import { TRACKING_CODE_PATTERN } from "../trackingCode.ts";

export const PAGE_SIZE = 20;
/** Deeper pages cost an ever larger OFFSET; past page 500 (10 000 cases) narrowing the filters is the answer. */
export const MAX_PAGE = 500;
/** Counting stops here: "more than 10 000" is as useful as the exact figure and much cheaper. */
export const COUNT_CAP = 10_000;
export const MAX_QUERY_LENGTH = 200;

export interface PublicCaseFilters {
  /** A municipality's slug. */
  municipality?: string | undefined;
  type?: CaseType | undefined;
  /** A category's code. */
  category?: string | undefined;
  /** Any of these statuses (none: all). */
  statuses?: readonly CaseStatus[] | undefined;
  /** Received on or after this local day. */
  from?: LocalDate | undefined;
  /** Received on or before this local day. */
  to?: LocalDate | undefined;
  /** Words (websearch syntax: "quoted phrase", or, -not), or a tracking code. */
  q?: string | undefined;
}

export interface PublicCaseListItem extends PublicCaseSummary {
  category: { code: string; name: LocalizedText };
  municipality: { slug: string; name: LocalizedText };
}

export interface PublicCaseList {
  items: PublicCaseListItem[];
  /** The number of matching cases, at most COUNT_CAP (see `more`). */
  total: number;
  /** True when more than COUNT_CAP cases match. */
  more: boolean;
  page: number;
  /** Pages there are, at most MAX_PAGE. */
  pageCount: number;
}

/**
 * The text searched: the stored, GIN-indexed `cases.search` (title and description, accents folded, no
 * stemming: the same for Albanian, Serbian and English). The query folds accents the same way.
 */
const searchDocument = sql`${cases.search}`;
const searchQuery = (q: string) =>
  sql`websearch_to_tsquery('simple'::regconfig, public.ekomuna_unaccent(${q}::text))`;

/**
 * Newest first, in the order of the index `cases_public_received` (received_at DESC NULLS LAST, id DESC
 * NULLS LAST). Both columns are NOT NULL, but PostgreSQL matches an ORDER BY to an index by its NULLS
 * clause too, and a plain DESC means NULLS FIRST: without the clause the planner cannot read the index in
 * order and sorts every public case instead (1 s instead of 7 ms on 600 000 cases).
 */
const newestFirst = [sql`${cases.receivedAt} desc nulls last`, sql`${cases.id} desc nulls last`];

/** The tracking code that `q` is, upper-cased, or undefined when it does not look like one. */
export function asTrackingCode(q: string): string | undefined {
  const code = q.trim().toUpperCase();
  return TRACKING_CODE_PATTERN.test(code) ? code : undefined;
}

function conditions(f: PublicCaseFilters, timeZone: string): SQL {
  const where: (SQL | undefined)[] = [eq(cases.visibility, "public")];
  if (f.municipality)
    where.push(
      eq(
        cases.municipalityId,
        sql`(select ${municipalities.id} from ${municipalities} where ${municipalities.slug} = ${f.municipality})`,
      ),
    );
  if (f.type) where.push(eq(cases.type, f.type));
  if (f.category)
    where.push(
      inArray(
        cases.categoryId,
        sql`(select ${categories.id} from ${categories} where ${categories.code} = ${f.category})`,
      ),
    );
  if (f.statuses && f.statuses.length > 0) where.push(inArray(cases.status, [...f.statuses]));
  if (f.from) where.push(gte(cases.receivedAt, startOfLocalDay(f.from, timeZone)));
  if (f.to) where.push(lt(cases.receivedAt, startOfLocalDay(addDays(f.to, 1), timeZone)));
  const q = f.q?.trim();
  if (q) {
    // A tracking code finds its case, through the unique index; words search the text.
    const code = asTrackingCode(q);
    where.push(code ? eq(cases.trackingCode, code) : sql`${searchDocument} @@ ${searchQuery(q)}`);
  }
  return and(...where)!;
}

/** One page of public cases, newest first, with how many there are in all (counted up to COUNT_CAP). */
export async function listPublicCases(
  db: Db,
  filters: PublicCaseFilters,
  options: { page: number; timeZone: string },
): Promise<PublicCaseList> {
  const { page, timeZone } = options;
  if (!Number.isInteger(page) || page < 1 || page > MAX_PAGE) throw new RangeError(`No page ${page}`);
  const where = conditions(filters, timeZone);
  const q = filters.q?.trim();
  // A word search counts its matches in the same pass (a window count over the index matches) instead
  // of a second query; other filters count separately, and a short page needs no count at all.
  const wordSearch = !!q && !asTrackingCode(q);
  const offset = (page - 1) * PAGE_SIZE;
  const rows = await db
    .select({
      visibility: cases.visibility,
      trackingCode: cases.trackingCode,
      type: cases.type,
      status: cases.status,
      title: cases.title,
      receivedAt: cases.receivedAt,
      categoryCode: categories.code,
      categoryName: categories.name,
      municipalitySlug: municipalities.slug,
      municipalityName: municipalities.name,
      total: wordSearch ? sql<number>`count(*) over ()` : sql<null>`null`,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .where(where)
    // A word search reads all its matches anyway (it counts them): sorting them beats walking the whole
    // index in order, which is what the planner would do for a limit it thinks cuts the read short.
    .orderBy(...(wordSearch ? [desc(cases.receivedAt), desc(cases.id)] : newestFirst))
    .limit(PAGE_SIZE)
    .offset(offset);

  const items: PublicCaseListItem[] = [];
  for (const r of rows) {
    const summary = publicCaseSummary(r);
    if (!summary) continue;
    items.push({
      ...summary,
      category: { code: r.categoryCode, name: r.categoryName },
      municipality: { slug: r.municipalitySlug, name: r.municipalityName },
    });
  }

  // A short page is the last one: its rows say how many there are, with no count query.
  let total: number;
  if (rows.length > 0 && wordSearch) total = Number(rows[0]!.total);
  else if (rows.length > 0 && rows.length < PAGE_SIZE) total = offset + rows.length;
  else if (rows.length === 0 && page === 1) total = 0;
  else {
    const capped = db
      .select({ one: sql`1` })
      .from(cases)
      .where(where)
      .limit(COUNT_CAP + 1)
      .as("capped");
    const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(capped);
    total = Number(counted?.n ?? 0);
  }
  const more = total > COUNT_CAP;
  const shown = Math.min(total, COUNT_CAP);
  return {
    items,
    total: shown,
    more,
    page,
    pageCount: Math.min(MAX_PAGE, Math.max(1, Math.ceil(shown / PAGE_SIZE))),
  };
}

/** The most points the map of the list gets: the newest; past that, narrowing the filters is the answer. */
export const MAP_POINT_LIMIT = 1000;

/** A case on the public map: what its marker and popup show, and where, as its public view places it. */
export interface PublicCasePoint {
  trackingCode: string;
  title: string;
  status: CaseStatus;
  latitude: number;
  longitude: number;
  /** Approximate for sensitive categories: rounded to about 100 m, as on the case page. */
  precision: NonNullable<PublicCase["location"]>["precision"];
}

export interface PublicCasePoints {
  points: PublicCasePoint[];
  /** True when more cases with a location match than the points given (the newest `limit`). */
  truncated: boolean;
  limit: number;
}

/**
 * A case row with nothing in it: the map reads only the columns its points need and lets the one public
 * view (publicCaseView) decide what of them anyone may see, so the location rules (coarse for sensitive
 * categories, nothing for private cases) are the case page's, and no personal column is ever selected.
 */
const BLANK_CASE = Object.fromEntries(
  Object.keys(getTableColumns(cases)).map((column) => [column, null]),
) as unknown as typeof cases.$inferSelect;

/**
 * The cases of the list's filters that have a location, as map points: the newest first, at most `limit`
 * (one more is read to tell whether there are more). No count: unfiltered, it reads the newest entries of
 * `cases_public_received` in order, skipping those without a location, and stops.
 */
export async function listPublicCasePoints(
  db: Db,
  filters: PublicCaseFilters,
  options: { timeZone: string; limit?: number },
): Promise<PublicCasePoints> {
  const limit = options.limit ?? MAP_POINT_LIMIT;
  const rows = await db
    .select({
      visibility: cases.visibility,
      trackingCode: cases.trackingCode,
      type: cases.type,
      status: cases.status,
      title: cases.title,
      receivedAt: cases.receivedAt,
      latitude: cases.latitude,
      longitude: cases.longitude,
      sensitive: categories.sensitive,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .where(and(conditions(filters, options.timeZone), isNotNull(cases.latitude), isNotNull(cases.longitude)))
    .orderBy(...newestFirst)
    .limit(limit + 1);
  const points: PublicCasePoint[] = [];
  for (const { sensitive, ...r } of rows.slice(0, limit)) {
    const view = publicCaseView({ ...BLANK_CASE, ...r }, { sensitive }, []);
    if (!view?.location) continue;
    points.push({
      trackingCode: view.trackingCode,
      title: view.title,
      status: view.status,
      latitude: view.location.latitude,
      longitude: view.location.longitude,
      precision: view.location.precision,
    });
  }
  return { points, truncated: rows.length > limit, limit };
}

/**
 * What the filters offer: the active municipalities, and the categories with their type (national ones
 * for the form; every code, municipal sub-categories too, is accepted in a link).
 */
export async function listFilterChoices(db: Db) {
  const [munis, cats] = await Promise.all([
    db
      .select({ slug: municipalities.slug, name: municipalities.name })
      .from(municipalities)
      .where(eq(municipalities.active, true))
      .orderBy(asc(municipalities.slug)),
    db
      .select({
        code: categories.code,
        type: categories.type,
        name: categories.name,
        national: sql<boolean>`${isNull(categories.municipalityId)}`,
      })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.code)),
  ]);
  return {
    municipalities: munis,
    categories: cats.filter((c) => c.national),
    categoryCodes: new Set(cats.map((c) => c.code)),
  };
}
