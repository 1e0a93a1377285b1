import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AREA_MAX_POSITIONS,
  type Area,
  areaSize,
  parseArea,
  type RoutingRule,
  routeCase,
} from "./routing.ts";

const KOSOVO = { south: 41.85, west: 20.01, north: 43.27, east: 21.8 };
/** Central Prishtinë, as a square around 42.66 N 21.16 E (longitude first, as GeoJSON has it). */
const centre: Area = {
  type: "Polygon",
  coordinates: [
    [
      [21.15, 42.65],
      [21.17, 42.65],
      [21.17, 42.67],
      [21.15, 42.67],
      [21.15, 42.65],
    ],
  ],
};
const inCentre = { latitude: 42.66, longitude: 21.16 };
const outside = { latitude: 42.6, longitude: 21.1 };

let ids = 0;
const rule = (r: Partial<RoutingRule> & { departmentId: number }): RoutingRule => ({
  id: ++ids,
  categoryId: null,
  area: null,
  position: 0,
  ...r,
});

describe("routeCase", () => {
  it("sends a case to the department of the first rule whose category matches", () => {
    const rules = [
      rule({ categoryId: 7, departmentId: 1, position: 0 }),
      rule({ categoryId: 8, departmentId: 2, position: 1 }),
      rule({ departmentId: 3, position: 2 }),
    ];
    expect(routeCase(rules, { categoryId: 8, ...inCentre })).toBe(2);
    expect(routeCase(rules, { categoryId: 7 })).toBe(1);
    // A rule for any category catches the rest.
    expect(routeCase(rules, { categoryId: 9 })).toBe(3);
  });

  it("follows the positions, not the order the rules are given in", () => {
    const rules = [
      rule({ departmentId: 1, position: 5 }),
      rule({ categoryId: 7, departmentId: 2, position: 1 }),
    ];
    expect(routeCase(rules, { categoryId: 7 })).toBe(2);
    expect(routeCase([...rules].reverse(), { categoryId: 7 })).toBe(2);
  });

  it("applies an area rule only to cases located inside it", () => {
    const rules = [
      rule({ categoryId: 7, area: centre, departmentId: 1, position: 0 }),
      rule({ categoryId: 7, departmentId: 2, position: 1 }),
    ];
    expect(routeCase(rules, { categoryId: 7, ...inCentre })).toBe(1);
    expect(routeCase(rules, { categoryId: 7, ...outside })).toBe(2);
    // A case without a location is never inside an area.
    expect(routeCase(rules, { categoryId: 7 })).toBe(2);
    expect(routeCase(rules, { categoryId: 7, latitude: null, longitude: null })).toBe(2);
  });

  it("answers undefined when no rule matches: the case is for the participation coordinator", () => {
    expect(routeCase([], { categoryId: 7 })).toBeUndefined();
    const rules = [rule({ categoryId: 8, departmentId: 1 }), rule({ area: centre, departmentId: 2 })];
    expect(routeCase(rules, { categoryId: 7, ...outside })).toBeUndefined();
  });

  it("is the first match of the rules sorted by position, then age, for any rules and any case", () => {
    const ruleArb = fc.record({
      id: fc.integer({ min: 1, max: 1000 }),
      categoryId: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
      area: fc.option(fc.constant(centre), { nil: null }),
      departmentId: fc.integer({ min: 1, max: 5 }),
      position: fc.integer({ min: 0, max: 6 }),
    });
    const caseArb = fc.record({
      categoryId: fc.integer({ min: 1, max: 4 }),
      where: fc.constantFrom(inCentre, outside, {}),
    });
    fc.assert(
      fc.property(fc.uniqueArray(ruleArb, { selector: (r) => r.id, maxLength: 8 }), caseArb, (rules, c) => {
        const kase = { categoryId: c.categoryId, ...c.where };
        const sorted = [...rules].sort((a, b) => a.position - b.position || a.id - b.id);
        const expected = sorted.find(
          (r) =>
            (r.categoryId === null || r.categoryId === c.categoryId) &&
            (r.area === null || c.where === inCentre),
        );
        expect(routeCase(rules, kase)).toBe(expected?.departmentId);
      }),
    );
  });
});

describe("parseArea", () => {
  it("reads an empty field as anywhere", () => {
    expect(parseArea("  \n", KOSOVO)).toEqual({ ok: true, area: null });
  });

  it("keeps a Polygon or MultiPolygon as it is, without its other members", () => {
    expect(parseArea(JSON.stringify({ ...centre, bbox: [1, 2, 3, 4] }), KOSOVO)).toEqual({
      ok: true,
      area: centre,
    });
    const multi = { type: "MultiPolygon", coordinates: [centre.coordinates, centre.coordinates] };
    expect(parseArea(JSON.stringify(multi), KOSOVO)).toEqual({ ok: true, area: multi });
  });

  it("takes the geometry of a Feature, and joins a FeatureCollection's polygons into a MultiPolygon", () => {
    const feature = { type: "Feature", properties: { name: "Qendra" }, geometry: centre };
    expect(parseArea(JSON.stringify(feature), KOSOVO)).toEqual({ ok: true, area: centre });
    const collection = { type: "FeatureCollection", features: [feature, feature] };
    expect(parseArea(JSON.stringify(collection), KOSOVO)).toEqual({
      ok: true,
      area: { type: "MultiPolygon", coordinates: [centre.coordinates, centre.coordinates] },
    });
  });

  it("drops a position's altitude", () => {
    const ring = (centre.coordinates as number[][][])[0]!.map(([lng, lat]) => [lng, lat, 650]);
    expect(parseArea(JSON.stringify({ type: "Polygon", coordinates: [ring] }), KOSOVO)).toEqual({
      ok: true,
      area: centre,
    });
  });

  it.each([
    ["not JSON", "{type: Polygon", "not_json"],
    ["a point", '{"type":"Point","coordinates":[21.16,42.66]}', "not_polygon"],
    ["a line", '{"type":"LineString","coordinates":[[21.15,42.65],[21.17,42.67]]}', "not_polygon"],
    ["a Polygon without rings", '{"type":"Polygon","coordinates":[]}', "not_polygon"],
    ["text in a position", '{"type":"Polygon","coordinates":[[["21.15","42.65"]]]}', "not_polygon"],
    [
      "a ring that does not close",
      '{"type":"Polygon","coordinates":[[[21.15,42.65],[21.17,42.65],[21.17,42.67],[21.15,42.67]]]}',
      "bad_ring",
    ],
    [
      "a ring of three positions",
      '{"type":"Polygon","coordinates":[[[21.15,42.65],[21.17,42.65],[21.15,42.65]]]}',
      "bad_ring",
    ],
    ["an empty FeatureCollection", '{"type":"FeatureCollection","features":[]}', "not_polygon"],
    ["null", "null", "not_polygon"],
    [
      "a longitude out of range",
      '{"type":"Polygon","coordinates":[[[221,42],[222,42],[222,43],[221,42]]]}',
      "not_polygon",
    ],
  ])("refuses %s", (_what, text, problem) => {
    expect(parseArea(text, KOSOVO)).toEqual({ ok: false, problem });
  });

  it("refuses an area nowhere near the country: latitude and longitude swapped", () => {
    const swapped = (centre.coordinates as number[][][]).map((r) => r.map(([lng, lat]) => [lat, lng]));
    expect(parseArea(JSON.stringify({ type: "Polygon", coordinates: swapped }), KOSOVO)).toEqual({
      ok: false,
      problem: "outside",
    });
  });

  it("refuses an area with more positions than a rule needs", () => {
    const n = AREA_MAX_POSITIONS;
    const ring = Array.from({ length: n }, (_, i) => [21 + Math.cos(i) / 100, 42.6 + Math.sin(i) / 100]);
    ring.push(ring[0]!);
    expect(parseArea(JSON.stringify({ type: "Polygon", coordinates: [ring] }), KOSOVO)).toEqual({
      ok: false,
      problem: "too_large",
    });
  });
});

describe("areaSize", () => {
  it("counts the polygons and positions of an area", () => {
    expect(areaSize(centre)).toEqual({ polygons: 1, points: 5 });
    expect(areaSize({ type: "MultiPolygon", coordinates: [centre.coordinates, centre.coordinates] })).toEqual(
      {
        polygons: 2,
        points: 10,
      },
    );
  });
});
