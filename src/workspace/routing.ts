// Where a new case goes: a municipality's routing rules, read in order, send a category (or any) within an
// area (or anywhere) to a department; what no rule matches goes to the participation coordinator. Pure,
// except the loader: submission keeps the rules in memory and asks `routeCase` for each new case.
import { asc } from "drizzle-orm";
import { pointInArea } from "../cases/geo.ts";
import type { Db } from "../db/client.ts";
import { routingRules } from "../db/schema.ts";

/** A GeoJSON Polygon or MultiPolygon (WGS 84, longitude first), as routing rules store it. */
export type Area = { type: "Polygon" | "MultiPolygon"; coordinates: unknown };

export interface RoutingRule {
  id: number;
  /** Null: any category. */
  categoryId: number | null;
  /** Null: anywhere. */
  area: Area | null;
  departmentId: number;
  position: number;
}

export interface CaseToRoute {
  categoryId: number;
  /** A case without a location matches only rules without an area. */
  latitude?: number | null | undefined;
  longitude?: number | null | undefined;
}

const before = (a: RoutingRule, b: RoutingRule) =>
  a.position < b.position || (a.position === b.position && a.id < b.id);

function matches(rule: RoutingRule, kase: CaseToRoute): boolean {
  if (rule.categoryId !== null && rule.categoryId !== kase.categoryId) return false;
  if (rule.area === null) return true;
  const { latitude: lat, longitude: lng } = kase;
  return lat != null && lng != null && pointInArea(lat, lng, rule.area);
}

/**
 * The department of the first matching rule (lowest position, then the oldest), whatever order the rules
 * come in; undefined when none matches (the case is for the participation coordinator).
 */
export function routeCase(rules: readonly RoutingRule[], kase: CaseToRoute): number | undefined {
  let first: RoutingRule | undefined;
  for (const rule of rules) {
    if ((!first || before(rule, first)) && matches(rule, kase)) first = rule;
  }
  return first?.departmentId;
}

/** Every routing rule, by municipality, each list in the order the rules apply. */
export async function loadRoutingRules(db: Pick<Db, "select">): Promise<Map<number, RoutingRule[]>> {
  const rows = await db
    .select({
      id: routingRules.id,
      municipalityId: routingRules.municipalityId,
      categoryId: routingRules.categoryId,
      area: routingRules.area,
      departmentId: routingRules.departmentId,
      position: routingRules.position,
    })
    .from(routingRules)
    .orderBy(asc(routingRules.municipalityId), asc(routingRules.position), asc(routingRules.id));
  const out = new Map<number, RoutingRule[]>();
  for (const { municipalityId, ...rule } of rows) {
    const list = out.get(municipalityId) ?? [];
    list.push(rule);
    out.set(municipalityId, list);
  }
  return out;
}

// ── Reading an area pasted by a person.

export type AreaProblem = "not_json" | "not_polygon" | "bad_ring" | "too_large" | "outside";

export type ParsedArea = { ok: true; area: Area | null } | { ok: false; problem: AreaProblem };

/** Positions an area may have: a district's outline fits easily; a whole cadastral export does not belong here. */
export const AREA_MAX_POSITIONS = 20_000;

type Position = [number, number];
type Polygon = Position[][];

/** A position [longitude, latitude] in range (extra numbers, an altitude, are dropped). */
function position(p: unknown): Position | undefined {
  if (!Array.isArray(p) || p.length < 2) return undefined;
  const [lng, lat] = p;
  if (typeof lng !== "number" || typeof lat !== "number") return undefined;
  if (!(Math.abs(lng) <= 180 && Math.abs(lat) <= 90)) return undefined;
  return [lng, lat];
}

/** A polygon of closed rings of at least four positions each (RFC 7946), or why not. */
function polygon(coordinates: unknown): Polygon | "bad_ring" | "not_polygon" {
  if (!Array.isArray(coordinates) || coordinates.length === 0) return "not_polygon";
  const rings: Position[][] = [];
  for (const r of coordinates) {
    if (!Array.isArray(r)) return "not_polygon";
    const ring: Position[] = [];
    for (const p of r) {
      const pos = position(p);
      if (!pos) return "not_polygon";
      ring.push(pos);
    }
    const [first, last] = [ring[0], ring.at(-1)];
    if (ring.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1]) return "bad_ring";
    rings.push(ring);
  }
  return rings;
}

/** The polygons of a geometry, a Feature or a FeatureCollection (what map tools export), or why not. */
function polygonsOf(json: unknown): Polygon[] | "bad_ring" | "not_polygon" {
  if (!json || typeof json !== "object") return "not_polygon";
  const g = json as { type?: unknown; coordinates?: unknown; geometry?: unknown; features?: unknown };
  switch (g.type) {
    case "Polygon": {
      const p = polygon(g.coordinates);
      return typeof p === "string" ? p : [p];
    }
    case "MultiPolygon": {
      if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return "not_polygon";
      const out: Polygon[] = [];
      for (const c of g.coordinates) {
        const p = polygon(c);
        if (typeof p === "string") return p;
        out.push(p);
      }
      return out;
    }
    case "Feature":
      return polygonsOf(g.geometry);
    case "FeatureCollection": {
      if (!Array.isArray(g.features) || g.features.length === 0) return "not_polygon";
      const out: Polygon[] = [];
      for (const f of g.features) {
        const p = polygonsOf(f);
        if (typeof p === "string") return p;
        out.push(...p);
      }
      return out;
    }
    default:
      return "not_polygon";
  }
}

/**
 * Reads a rule's area from pasted GeoJSON: empty means anywhere; a Polygon, a MultiPolygon, or a Feature
 * or FeatureCollection of them is stored as one geometry. `bounds` (the country's extent) catches the
 * usual mistake of latitude first: such an area lies nowhere near the country.
 */
export function parseArea(
  text: string,
  bounds?: { south: number; west: number; north: number; east: number },
): ParsedArea {
  if (text.trim() === "") return { ok: true, area: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: "not_json" };
  }
  const polygons = polygonsOf(json);
  if (typeof polygons === "string") return { ok: false, problem: polygons };
  const positions = polygons.flat(2);
  if (positions.length > AREA_MAX_POSITIONS) return { ok: false, problem: "too_large" };
  if (bounds && !positions.some(([lng, lat]) => inside(lng, lat, bounds)))
    return { ok: false, problem: "outside" };
  const area: Area =
    polygons.length === 1
      ? { type: "Polygon", coordinates: polygons[0] }
      : { type: "MultiPolygon", coordinates: polygons };
  return { ok: true, area };
}

const inside = (lng: number, lat: number, b: { south: number; west: number; north: number; east: number }) =>
  lat >= b.south && lat <= b.north && lng >= b.west && lng <= b.east;

/** How many polygons and positions an area has, to describe it in a list. */
export function areaSize(area: Area): { polygons: number; points: number } {
  const polygons = (area.type === "Polygon" ? [area.coordinates] : area.coordinates) as Position[][][];
  return { polygons: polygons.length, points: polygons.flat(2).length };
}
