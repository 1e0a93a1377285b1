// Possible duplicates: before an issue report is sent, the open public reports of the same category and
// municipality near its point, nearest first, so that the citizen can follow one instead of sending
// another. Only what the public list view (publicCaseSummary) lets through is selected, plus a distance.
//
// No PostGIS: a bounding box on latitude and longitude narrows the rows through an index, then the
// haversine distance (the same formula as geo.ts) decides. Fast with 100 000 cases given the partial index
//   cases (municipality_id, category_id, latitude, longitude)
//     where visibility = 'public' and status in (<OPEN_STATUSES>)
// — the conditions below are written as literals so that the planner can match that predicate.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { cases, categories, categoryQuestions } from "../../db/schema.ts";
import { OPEN_STATUSES } from "../lifecycle.ts";
import { type PublicCaseSummary, publicCaseSummary } from "../publicView.ts";

/** The radius of a category without its own (category_questions.duplicate_radius_m's default too). */
export const DEFAULT_DUPLICATE_RADIUS_M = 50;
/** At most this many are ever listed: a longer list is not read, and the nearest are the likely ones. */
export const MAX_DUPLICATES = 20;

const EARTH_RADIUS_M = 6_371_000; // as distanceMetres in geo.ts
const METRES_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_M;
/** Half the step of geo.ts's coarsen (3 decimals): how far a coarsened coordinate is from the true one. */
const COARSENING = 0.0005;
/** On the radius counts as within it: a millimetre's slack for floating-point rounding. */
const ON_THE_RADIUS_M = 0.001;

export interface PossibleDuplicate extends PublicCaseSummary {
  /** From the point asked about, in whole metres (from the coarsened point for sensitive categories). */
  distanceM: number;
}

export interface DuplicateSearch {
  municipalityId: number;
  categoryId: number;
  latitude: number;
  longitude: number;
  radiusM: number;
  limit: number;
}

/** How near another open report of a category counts as a possible duplicate, in metres. */
export async function duplicateRadius(db: Db, categoryId: number): Promise<number> {
  const [row] = await db
    .select({ radius: categoryQuestions.duplicateRadiusM })
    .from(categoryQuestions)
    .where(eq(categoryQuestions.categoryId, categoryId))
    .limit(1);
  return row?.radius ?? DEFAULT_DUPLICATE_RADIUS_M;
}

/**
 * The open, public cases of a category and municipality within `radiusM` of a point, nearest first, at
 * most `limit` (and MAX_DUPLICATES). For a sensitive category the distance is measured from the location
 * its public view shows (coarsened to about 100 m): measuring from the exact one would let anyone find a
 * hidden place by moving a pin and watching the list.
 */
export async function findPossibleDuplicates(db: Db, search: DuplicateSearch): Promise<PossibleDuplicate[]> {
  const { municipalityId, categoryId, latitude, longitude, radiusM } = search;
  const limit = Math.min(Math.floor(search.limit), MAX_DUPLICATES);
  if (!(radiusM > 0) || !(limit > 0) || !Number.isFinite(latitude) || !Number.isFinite(longitude)) return [];
  const [category] = await db
    .select({ sensitive: categories.sensitive })
    .from(categories)
    .where(eq(categories.id, categoryId))
    .limit(1);
  if (!category) return [];
  const { sensitive } = category;

  // Geo.ts's coarsen, in SQL: Math.round is floor(x + 0.5).
  const lat = sensitive ? sql`(floor(${cases.latitude} * 1000 + 0.5) / 1000)` : sql`${cases.latitude}`;
  const lng = sensitive ? sql`(floor(${cases.longitude} * 1000 + 0.5) / 1000)` : sql`${cases.longitude}`;
  const rad = Math.PI / 180;
  const distance = sql<number>`(2 * ${EARTH_RADIUS_M} * asin(least(1, sqrt(
    power(sin((${lat} - ${latitude}::float8) * ${rad}::float8 / 2), 2)
    + ${Math.cos(latitude * rad)}::float8 * cos(${lat} * ${rad}::float8)
      * power(sin((${lng} - ${longitude}::float8) * ${rad}::float8 / 2), 2)))))`;

  // The box holds the whole circle, with a margin (a circle's widest point is a little poleward of its
  // centre; a coarsened point may lie up to COARSENING from the stored one). Not meant for the poles.
  const dLat = (radiusM * 1.01 + 1) / METRES_PER_DEGREE + (sensitive ? COARSENING : 0);
  const dLng =
    (radiusM * 1.01 + 1) / (METRES_PER_DEGREE * Math.max(Math.cos((Math.abs(latitude) + dLat) * rad), 0.01)) +
    (sensitive ? COARSENING : 0);
  const open = sql.raw(OPEN_STATUSES.map((s) => `'${s}'`).join(", "));

  const rows = await db
    .select({
      visibility: cases.visibility,
      trackingCode: cases.trackingCode,
      type: cases.type,
      status: cases.status,
      title: cases.title,
      receivedAt: cases.receivedAt,
      distance,
    })
    .from(cases)
    .where(
      and(
        eq(cases.municipalityId, municipalityId),
        eq(cases.categoryId, categoryId),
        sql`${cases.visibility} = 'public'`,
        sql`${cases.status} in (${open})`,
        sql`${cases.latitude} between ${latitude - dLat}::float8 and ${latitude + dLat}::float8`,
        sql`${cases.longitude} between ${longitude - dLng}::float8 and ${longitude + dLng}::float8`,
        sql`${distance} <= ${radiusM + ON_THE_RADIUS_M}::float8`,
      ),
    )
    .orderBy(distance, cases.id)
    .limit(limit);

  return rows.flatMap(({ distance: d, ...row }) => {
    const summary = publicCaseSummary(row);
    return summary ? [{ ...summary, distanceM: Math.round(Number(d)) }] : [];
  });
}
