// Municipal boundaries: an operator imports a GeoJSON FeatureCollection (from the cadastral agency, or
// OpenStreetMap's administrative boundaries), one feature per municipality. From then on a location
// outside a municipality's territory is refused at submission; until then only the country's bounding
// box applies. The import is all or nothing: one transaction, and nothing is written when any feature is
// wrong or unmatched (unless the operator asks to skip unmatched features).
import { sql } from "drizzle-orm";
import { z } from "zod";
import { appendAudit } from "../audit/audit.ts";
import type { Db } from "../db/client.ts";
import { municipalities, municipalityAreas } from "../db/schema.ts";
import { forgetReferenceData } from "./referenceCache.ts";

const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());
/** A closed ring of at least four positions (the first repeated last), as RFC 7946 requires. */
const ring = z
  .array(position)
  .min(4)
  .refine((r) => r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1], "a ring must end where it starts");
const polygon = z.array(ring).min(1);
const geometry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("Polygon"), coordinates: polygon }),
  z.object({ type: z.literal("MultiPolygon"), coordinates: z.array(polygon).min(1) }),
]);
const collection = z.object({
  type: z.literal("FeatureCollection"),
  features: z.array(
    z.object({
      type: z.literal("Feature"),
      properties: z.record(z.string(), z.unknown()).nullable(),
      geometry: z.unknown(),
    }),
  ),
});

export type Area = z.infer<typeof geometry>;

export interface BoundaryImport {
  /** Municipality slug → its new boundary. */
  matched: { slug: string; geometry: Area }[];
  /** Features whose property matched no municipality, by index and value. */
  unmatched: { index: number; value: string }[];
  /** Municipalities with no feature in the file. */
  missing: string[];
  /** What is wrong with the file; nothing is imported while this is not empty. */
  errors: string[];
}

/** Folds case and accents, so "Prishtinë", "PRISHTINE" and "prishtine" are one name. */
const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

/**
 * Reads a GeoJSON text and matches each feature to a municipality by the feature property `property`,
 * compared with the slug, the three-letter code and the names in every language (case and accents folded).
 */
export function readBoundaries(
  text: string,
  property: string,
  known: { slug: string; code: string; name: Record<string, string> }[],
): BoundaryImport {
  const result: BoundaryImport = { matched: [], unmatched: [], missing: [], errors: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    result.errors.push(`not JSON: ${(e as Error).message}`);
    return result;
  }
  const parsed = collection.safeParse(json);
  if (!parsed.success) {
    result.errors.push(`not a GeoJSON FeatureCollection (${describe(parsed.error)})`);
    return result;
  }
  const bySlug = new Map<string, string>();
  for (const m of known) {
    for (const key of [m.slug, m.code, ...Object.values(m.name)]) bySlug.set(fold(key), m.slug);
  }
  const seen = new Map<string, number>();
  parsed.data.features.forEach((feature, index) => {
    const raw = feature.properties?.[property];
    if (typeof raw !== "string" && typeof raw !== "number") {
      result.errors.push(`feature ${index}: no "${property}" property`);
      return;
    }
    const value = String(raw);
    const slug = bySlug.get(fold(value));
    if (!slug) {
      result.unmatched.push({ index, value });
      return;
    }
    const shape = geometry.safeParse(feature.geometry);
    if (!shape.success) {
      result.errors.push(`feature ${index} (${value}): ${describe(shape.error)}`);
      return;
    }
    const earlier = seen.get(slug);
    if (earlier !== undefined) {
      result.errors.push(`features ${earlier} and ${index} are both ${slug}`);
      return;
    }
    seen.set(slug, index);
    result.matched.push({ slug, geometry: shape.data });
  });
  result.missing = known.map((m) => m.slug).filter((slug) => !seen.has(slug));
  return result;
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const where = issue.path.length > 0 ? `at ${issue.path.join(".")}: ` : "";
  return `${where}${issue.message}`;
}

/** Writes the matched boundaries (replacing earlier ones) and an audit entry, in one transaction. */
export async function saveBoundaries(
  db: Db,
  input: { matched: BoundaryImport["matched"]; source: string; now: Date },
): Promise<number> {
  if (input.matched.length === 0) return 0;
  const ids = new Map(
    (await db.select({ id: municipalities.id, slug: municipalities.slug }).from(municipalities)).map((m) => [
      m.slug,
      m.id,
    ]),
  );
  const saved = await db.transaction(async (tx) => {
    for (const { slug, geometry: g } of input.matched) {
      const municipalityId = ids.get(slug);
      if (municipalityId === undefined) throw new Error(`municipality ${slug} is not in the database`);
      await tx
        .insert(municipalityAreas)
        .values({ municipalityId, geometry: g, source: input.source, updatedAt: input.now })
        .onConflictDoUpdate({
          target: municipalityAreas.municipalityId,
          set: { geometry: sql`excluded.geometry`, source: sql`excluded.source`, updatedAt: input.now },
        });
    }
    await appendAudit(tx, {
      at: input.now,
      actorId: null,
      action: "boundaries.imported",
      subjectType: "municipality_areas",
      subjectId: input.matched.map((m) => m.slug).join(","),
      data: { source: input.source, count: input.matched.length },
    });
    return input.matched.length;
  });
  // A server in another process sees the new boundaries within REFERENCE_TTL_MS.
  forgetReferenceData(db);
  return saved;
}
