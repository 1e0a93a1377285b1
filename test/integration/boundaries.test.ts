// Municipal boundaries as an operator imports them: a GeoJSON file through `ekomuna boundaries import`,
// matched to municipalities by slug, code or name; all or nothing; then locations outside are refused.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { auditLog, municipalities, municipalityAreas } from "../../src/db/schema.ts";
import { readBoundaries } from "../../src/reference/boundaries.ts";
import { loadProfile } from "../../src/reference/profile.ts";
import { isolatedEnv, runCli } from "../support/processes.ts";

const square = (west: number, south: number, east: number, north: number) => ({
  type: "Polygon",
  coordinates: [
    [
      [west, south],
      [east, south],
      [east, north],
      [west, north],
      [west, south],
    ],
  ],
});
const feature = (properties: Record<string, unknown> | null, geometry: unknown) => ({
  type: "Feature",
  properties,
  geometry,
});
const collection = (...features: unknown[]) => JSON.stringify({ type: "FeatureCollection", features });
const known = loadProfile().municipalities;

describe("reading a boundary file", () => {
  it("matches features by slug, three-letter code or a name in any language, accents and case folded", () => {
    const read = readBoundaries(
      collection(
        feature({ name: "PRISHTINË" }, square(21, 42.5, 21.4, 42.8)),
        feature({ name: "PRZ" }, square(20.6, 42.1, 20.9, 42.3)),
        feature({ name: "Gračanica" }, square(21.1, 42.55, 21.3, 42.65)),
      ),
      "name",
      known,
    );
    expect(read.errors).toEqual([]);
    expect(read.unmatched).toEqual([]);
    expect(read.matched.map((m) => m.slug)).toEqual(["prishtine", "prizren", "gracanice"]);
    expect(read.missing).toHaveLength(35);
    expect(read.missing).not.toContain("prishtine");
  });

  it("accepts a MultiPolygon and keeps holes", () => {
    const multi = {
      type: "MultiPolygon",
      coordinates: [square(21, 42.5, 21.4, 42.8).coordinates, square(21.5, 42.5, 21.6, 42.6).coordinates],
    };
    const read = readBoundaries(collection(feature({ slug: "prishtine" }, multi)), "slug", known);
    expect(read.errors).toEqual([]);
    expect(read.matched[0]?.geometry.type).toBe("MultiPolygon");
  });

  it("reports what is wrong, feature by feature, instead of importing half a file", () => {
    const open = {
      type: "Polygon",
      coordinates: [
        [
          [21, 42.5],
          [21.4, 42.5],
          [21.4, 42.8],
          [21, 42.8],
        ],
      ],
    };
    const read = readBoundaries(
      collection(
        feature({ slug: "prishtine" }, open),
        feature({ slug: "atlantis" }, square(21, 42, 21.1, 42.1)),
        feature({ other: "x" }, square(21, 42, 21.1, 42.1)),
        feature({ slug: "peje" }, { type: "Point", coordinates: [20.3, 42.6] }),
        feature({ slug: "prizren" }, square(20.6, 42.1, 20.9, 42.3)),
        feature({ slug: "PRZ" }, square(20.6, 42.1, 20.9, 42.3)),
        feature({ slug: "gjilan" }, square(200, 42.1, 201, 42.3)),
      ),
      "slug",
      known,
    );
    expect(read.unmatched).toEqual([{ index: 1, value: "atlantis" }]);
    expect(read.errors).toHaveLength(5);
    expect(read.errors[0]).toMatch(/feature 0 \(prishtine\): .*a ring must end where it starts/);
    expect(read.errors[1]).toBe('feature 2: no "slug" property');
    expect(read.errors[2]).toMatch(/^feature 3 \(peje\): /);
    expect(read.errors[3]).toBe("features 4 and 5 are both prizren");
    expect(read.errors[4]).toMatch(/^feature 6 \(gjilan\): /);
  });

  it("refuses what is not a GeoJSON FeatureCollection", () => {
    expect(readBoundaries("{not json", "slug", known).errors[0]).toMatch(/^not JSON/);
    expect(readBoundaries('{"type":"Feature"}', "slug", known).errors[0]).toMatch(
      /^not a GeoJSON FeatureCollection/,
    );
  });
});

describe("ekomuna boundaries import", () => {
  let iso: Awaited<ReturnType<typeof isolatedEnv>>;
  const dir = mkdtempSync(join(tmpdir(), "ekomuna-boundaries-"));
  const good = join(dir, "good.geojson");
  const partial = join(dir, "partial.geojson");
  writeFileSync(
    good,
    collection(
      feature({ slug: "prishtine" }, square(21, 42.5, 21.4, 42.8)),
      feature({ slug: "prizren" }, square(20.6, 42.1, 20.9, 42.3)),
    ),
  );
  writeFileSync(
    partial,
    collection(
      feature({ slug: "peje" }, square(20.1, 42.5, 20.5, 42.8)),
      feature({ slug: "atlantis" }, square(21, 42, 21.1, 42.1)),
    ),
  );
  beforeAll(async () => {
    iso = await isolatedEnv();
  });
  afterAll(() => iso.drop());

  it("imports, replaces on a second import, and writes nothing when a feature is unmatched", {
    timeout: 180_000,
  }, async () => {
    const dry = await runCli(["boundaries", "import", good, "--dry-run"], iso.env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("2 municipalities matched.");
    expect(dry.stdout).toContain("Dry run: nothing written.");

    const refused = await runCli(["boundaries", "import", partial], iso.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('feature 1: "atlantis" is no municipality\'s slug, code or name');
    expect(refused.stderr).toContain("Nothing imported.");

    const imported = await runCli(["boundaries", "import", good, "--source", "Test cadastre 2026"], iso.env);
    expect(imported.stderr).toBe("");
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("Imported 2 boundaries.");
    expect(imported.stdout).toContain("Without a boundary (only the country's bounds apply there): decan,");

    const again = await runCli(["boundaries", "import", good], iso.env);
    expect(again.code).toBe(0);
    const skipping = await runCli(["boundaries", "import", partial, "--skip-unmatched"], iso.env);
    expect(skipping.code).toBe(0);
    expect(skipping.stdout).toContain("Imported 1 boundaries.");

    const database = await openDatabase(
      iso.env.DATABASE_URL
        ? { kind: "postgres", url: iso.env.DATABASE_URL }
        : { kind: "pglite", dataDir: iso.env.EKOMUNA_DATA_DIR! },
    );
    try {
      const rows = await database.db
        .select({ slug: municipalities.slug, source: municipalityAreas.source })
        .from(municipalityAreas)
        .innerJoin(municipalities, eq(municipalities.id, municipalityAreas.municipalityId))
        .orderBy(municipalities.slug);
      expect(rows).toEqual([
        { slug: "peje", source: "partial.geojson" },
        { slug: "prishtine", source: "good.geojson" },
        { slug: "prizren", source: "good.geojson" },
      ]);
      const audits = await database.db
        .select({ subjectId: auditLog.subjectId })
        .from(auditLog)
        .where(eq(auditLog.action, "boundaries.imported"));
      expect(audits.map((a) => a.subjectId)).toEqual(["prishtine,prizren", "prishtine,prizren", "peje"]);
    } finally {
      await database.close();
    }
  });

  it("names a missing file and a missing argument", async () => {
    const missing = await runCli(["boundaries", "import", join(dir, "nope.geojson")], iso.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read");
    const none = await runCli(["boundaries", "import"], iso.env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("boundaries import needs exactly one GeoJSON file.");
  });
});
