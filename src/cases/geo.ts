// Small geometry for locations: is a point inside a municipality's territory (GeoJSON, WGS 84), and how
// far apart are two points. Pure; no GIS dependency for what a ray cast and a haversine do.

type Ring = [number, number][];

function inRing(lng: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Inside a Polygon (outer ring minus holes) or any polygon of a MultiPolygon. */
export function pointInArea(
  lat: number,
  lng: number,
  geometry: { type: string; coordinates: unknown },
): boolean {
  const polygons = (geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates) as Ring[][];
  return polygons.some(
    ([outer, ...holes]) => !!outer && inRing(lng, lat, outer) && !holes.some((h) => inRing(lng, lat, h)),
  );
}

/** Great-circle distance in metres. */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const R = 6_371_000;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

/** Rounds a coordinate to about 100 m (3 decimals of latitude ≈ 111 m), for sensitive categories and open data. */
export const coarsen = (x: number) => Math.round(x * 1000) / 1000;
