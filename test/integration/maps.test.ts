// Maps: the tile server settings, the CSP that lets its images in, the map blocks and their assets only
// on pages that show a map, and GET /cases/map.json — the list's filters, public-view coordinates only
// (coarse for sensitive categories, nothing of private cases), bad filters answered 400 with a code.
import { and, desc, eq, isNotNull, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.ts";
import { type SubmitCaseInput, submitCase } from "../../src/cases/commands/submitCase.ts";
import { listPublicCasePoints } from "../../src/cases/queries/listPublicCases.ts";
import { ConfigError, loadConfig, OSM_TILE_URL } from "../../src/config.ts";
import { cases, categories, municipalities } from "../../src/db/schema.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

// Nothing is fetched from it: integration tests only read the pages and headers that name it.
const TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png";

let p: TestPlatform;
let n = 0;

/** Submits a case as a visitor and answers its tracking code. */
async function make(input: Partial<SubmitCaseInput> & Pick<SubmitCaseInput, "title">): Promise<string> {
  const made = await submitCase(
    {
      municipality: "gjilan",
      type: "issue_report",
      category: "potholes",
      answers: {},
      description: "Një përshkrim i thjeshtë.",
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: `maps-${n++}`,
      ...input,
    },
    {
      db: p.deps.database.db,
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "http://x",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok) throw new Error(`setup failed: ${made.reason}`);
  return made.trackingCode;
}

const get = (url: string, lang = "en") => p.app.inject({ url, headers: { cookie: `lang=${lang}` } });

interface Point {
  trackingCode: string;
  title: string;
  status: string;
  latitude: number;
  longitude: number;
  precision: "exact" | "approximate";
}

async function points(query = ""): Promise<{ points: Point[]; truncated: boolean; limit: number }> {
  const res = await get(`/cases/map.json${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The public cases with a location matching a condition, newest first, as the database has them. */
async function expected(where?: SQL) {
  const rows = await p.deps.database.db
    .select({ code: cases.trackingCode })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.id, cases.municipalityId))
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .where(and(eq(cases.visibility, "public"), isNotNull(cases.latitude), where))
    .orderBy(desc(cases.receivedAt), desc(cases.id));
  return rows.map((r) => r.code);
}

const code = {} as Record<"exact" | "sensitive" | "hidden" | "request" | "noPoint" | "xss", string>;
const EXACT = { latitude: 42.463512, longitude: 21.469871 };
const SENSITIVE = { latitude: 42.461987, longitude: 21.472345 };

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, env: { MAP_TILE_URL: TILES } });
  code.exact = await make({ title: "Gropë para shkollës", location: EXACT, address: "Rruga e Shkollës" });
  code.sensitive = await make({
    category: "noise",
    title: "Zhurmë nga lokali natën",
    location: SENSITIVE,
    address: "Rruga Sekrete 7",
  });
  code.hidden = await make({
    title: "Rast privat me vend",
    location: { latitude: 42.4655, longitude: 21.4677 },
  });
  await p.deps.database.db
    .update(cases)
    .set({ visibility: "private" })
    .where(eq(cases.trackingCode, code.hidden));
  code.request = await make({
    type: "request",
    category: "information",
    title: "Kërkesë për orarin e tregut",
    location: { latitude: 42.4601, longitude: 21.4702 },
  });
  code.noPoint = await make({ title: "Gropë pa koordinata", address: "Rruga pa pikë" });
  code.xss = await make({
    title: '<img src=x onerror="alert(1)"> & "quotes"',
    location: { latitude: 42.4644, longitude: 21.4711 },
  });
}, 120_000);
afterAll(() => p.close());

describe("the tile server setting", () => {
  it("defaults to OpenStreetMap with its attribution, and allows its origin", () => {
    expect(OSM_TILE_URL).toBe("https://tile.openstreetmap.org/{z}/{x}/{y}.png");
    for (const NODE_ENV of ["development", "production"])
      expect(loadConfig({ NODE_ENV }).map).toEqual({
        tileUrl: OSM_TILE_URL,
        attribution: "© OpenStreetMap contributors",
        tileOrigin: "https://tile.openstreetmap.org",
      });
  });

  it("is off when MAP_TILE_URL is empty, and under NODE_ENV=test unless a test names a server", () => {
    expect(loadConfig({ MAP_TILE_URL: "" }).map).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "production", MAP_TILE_URL: "" }).map).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "test" }).map).toBeUndefined();
    expect(loadConfig({ NODE_ENV: "test", MAP_TILE_URL: TILES }).map?.tileOrigin).toBe("http://127.0.0.1:9");
  });

  it("reads a server with subdomains, a port, {-y} and its own attribution", () => {
    expect(
      loadConfig({
        MAP_TILE_URL: "https://{s}.tiles.example.org:8443/osm/{z}/{x}/{-y}.png?key=abc&style=1",
        MAP_TILE_ATTRIBUTION: "  Tiles © Example, data © OpenStreetMap contributors ",
      }).map,
    ).toEqual({
      tileUrl: "https://{s}.tiles.example.org:8443/osm/{z}/{x}/{-y}.png?key=abc&style=1",
      attribution: "Tiles © Example, data © OpenStreetMap contributors",
      tileOrigin: "https://*.tiles.example.org:8443",
    });
  });

  it("refuses what is not a tile URL template, naming the variable", () => {
    const wrong = {
      "ftp://tiles.example.org/{z}/{x}/{y}.png": /MAP_TILE_URL must be an http\(s\) tile URL template/,
      "https://tiles.example.org/tile.png":
        /MAP_TILE_URL must be a tile URL template with \{z\}, \{x\} and \{y\}/,
      // The host becomes a CSP source: nothing that could add a directive gets through.
      "https://tiles.example.org; script-src *;/{z}/{x}/{y}.png": /MAP_TILE_URL must be an http\(s\)/,
      "https://tiles.example.org/{z}/{x}/{y}.png' data:": /MAP_TILE_URL must be an http\(s\)/,
      "tiles.example.org/{z}/{x}/{y}.png": /MAP_TILE_URL must be an http\(s\)/,
    };
    for (const [MAP_TILE_URL, message] of Object.entries(wrong)) {
      expect(() => loadConfig({ MAP_TILE_URL }), MAP_TILE_URL).toThrow(ConfigError);
      expect(() => loadConfig({ MAP_TILE_URL }), MAP_TILE_URL).toThrow(message);
    }
    expect(() => loadConfig({ MAP_TILE_ATTRIBUTION: " " })).toThrow(/MAP_TILE_ATTRIBUTION must be the text/);
  });
});

describe("the Content-Security-Policy", () => {
  const directives = (csp: string) =>
    new Map(csp.split(";").map((d) => [d.trim().split(" ")[0]!, d.trim().split(" ").slice(1)]));

  it("lets tile images in from the tile server, and nothing else from it", async () => {
    const csp = directives(String((await get("/cases")).headers["content-security-policy"]));
    expect(csp.get("img-src")).toEqual(["'self'", "data:", "http://127.0.0.1:9"]);
    for (const other of ["default-src", "script-src", "style-src", "connect-src", "font-src"])
      expect(csp.get(other), other).toEqual(["'self'"]);
  });

  it("allows no other image origin when maps are off", async () => {
    const app = await buildApp(
      { ...p.deps, config: loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", MAP_TILE_URL: "" }) },
      { logger: false },
    );
    try {
      const res = await app.inject({ url: "/cases" });
      expect(directives(String(res.headers["content-security-policy"])).get("img-src")).toEqual([
        "'self'",
        "data:",
      ]);
      // And no page shows a map, so none loads its assets.
      expect(res.body).not.toContain('data-module="map"');
      expect(res.body).not.toMatch(/\/assets\/map\./);
      expect((await app.inject({ url: `/cases/${code.exact}` })).body).not.toMatch(/\/assets\/map\./);
    } finally {
      await app.close();
    }
  });
});

describe("pages with and without a map", () => {
  const mapAssets =
    /<link rel="stylesheet" href="\/assets\/map\.[0-9a-f]{10}\.css"\/><script src="\/assets\/map\.[0-9a-f]{10}\.js" defer><\/script>/;

  it("loads the map's script and stylesheet only where a map is shown", async () => {
    const withMap = [
      "/cases",
      "/cases?municipality=gjilan&page=1",
      `/cases/${code.exact}`,
      `/cases/${code.sensitive}`,
    ];
    const without = [
      "/",
      "/m/prishtine",
      "/cases?from=2026-13-45", // the filters' error state: no list, no map
      "/cases?q=nothingmatcheszzq", // no results: no map
      `/cases/${code.noPoint}`, // no location to show
      "/login",
    ];
    for (const url of withMap) {
      const res = await get(url);
      expect(res.body, url).toMatch(mapAssets);
      expect(res.body.match(/\/assets\/map\.[0-9a-f]{10}\.js/g), url).toHaveLength(1);
    }
    for (const url of without) {
      const res = await get(url);
      expect(res.body, url).not.toMatch(/\/assets\/map\./);
      expect(res.body, url).not.toContain('data-module="map"');
    }
  });

  it("serves the map's assets hashed and cached, Leaflet's CSS bundled without its unused images", async () => {
    const page = (await get("/cases")).body;
    const css = page.match(/\/assets\/map\.[0-9a-f]{10}\.css/)![0];
    const js = page.match(/\/assets\/map\.[0-9a-f]{10}\.js/)![0];
    const style = await get(css);
    expect(style.statusCode).toBe(200);
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(style.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(style.body).toContain(".leaflet-container");
    expect(style.body).toContain(".leaflet-cluster-anim");
    expect(style.body).not.toMatch(/url\((?!#default#VML)/); // no image to fetch: markers are HTML
    const script = await get(js);
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.body).toContain("markerClusterGroup");
  });

  it("hides every map block until its script draws it, so the page is whole without JavaScript", async () => {
    const list = (await get("/cases")).body;
    const block = list.match(/<div class="map-block"[^>]*>/)![0];
    expect(block).toMatch(/ hidden>$/);
    expect(block).toContain('data-map="cases"');
    expect(block).toContain('data-source="/cases/map.json"');
    expect(block).toContain(`data-tiles="${TILES}"`);
    expect(block).toContain('data-attribution="© OpenStreetMap contributors"');
    expect(list).toContain('<section class="map map--cases" aria-label="Map of the inputs in the list"');
    // The list is all there, map or not.
    expect(list).toContain(`<a href="/cases/${code.noPoint}">Gropë pa koordinata</a>`);
  });

  it("asks the map for the list's filters, without the page number", async () => {
    const res = await get("/cases?municipality=gjilan&status=submitted&status=closed&q=gropë&page=1");
    expect(res.body).toContain(
      'data-source="/cases/map.json?q=grop%C3%AB&amp;municipality=gjilan&amp;status=submitted&amp;status=closed"',
    );
  });

  it("draws a case's public location: exact for ordinary categories, rounded for sensitive ones", async () => {
    const exact = (await get(`/cases/${code.exact}`)).body;
    expect(exact).toContain(`data-centre="${EXACT.latitude},${EXACT.longitude}" data-precision="exact"`);
    expect(exact).toContain('<section class="map map--case" aria-label="Map of the place"');

    const sensitive = (await get(`/cases/${code.sensitive}`)).body;
    expect(sensitive).toContain('data-centre="42.462,21.472" data-precision="approximate"');
    expect(sensitive).toContain("the exact point is not published for this category");
    expect(sensitive).not.toContain(String(SENSITIVE.latitude));
    expect(sensitive).not.toContain("42.46199");
  });

  it("puts a pin map on the journey's location step, centred on the municipality, in the form", async () => {
    const web = new WebClient(p.app);
    web.cookies.set("lang", "sq");
    const start = await web.submit("/m/prishtine/submit", { type: "issue_report" });
    const base = String(start.headers.location).replace(/\/category$/, "");
    await web.submit(`${base}/category`, { category: "potholes" });
    const details = await web.get(`${base}/details`);
    expect(details.body).not.toMatch(/\/assets\/map\./);
    await web.submit(`${base}/details`, { title: "Gropë", description: "Një gropë e thellë." });

    const location = await web.get(`${base}/location`);
    expect(location.statusCode).toBe(200);
    const form = location.body.slice(location.body.indexOf("<form"), location.body.indexOf("</form>"));
    expect(form).toContain(
      'data-map="pin" data-centre="42.6629,21.1655" data-bounds="41.85,20.01,43.27,21.8"',
    );
    expect(form).toContain('<input type="hidden" name="latitude" value=""/>');
    expect(form).toContain("Ose shënoni vendin në hartë");
    expect(location.body).toMatch(/\/assets\/map\.[0-9a-f]{10}\.js/);

    // What the pin fills in is what the step already accepted: the draft keeps it.
    const sent = await web.submit(`${base}/location`, {
      address: "",
      latitude: "42.6601",
      longitude: "21.1602",
    });
    expect(sent.statusCode).toBe(303);
    const again = await web.get(`${base}/location`);
    expect(again.body).toContain('<input type="hidden" name="latitude" value="42.6601"/>');
    expect(again.body).toContain('<input type="hidden" name="longitude" value="21.1602"/>');
  });
});

describe("GET /cases/map.json", () => {
  it("gives the newest public cases with a location, as points, cacheable for a minute", async () => {
    const res = await get("/cases/map.json");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("public, max-age=60");
    const body = res.json() as { points: Point[]; truncated: boolean; limit: number };
    expect(body.truncated).toBe(false);
    expect(body.limit).toBe(1000);
    expect(body.points.map((pt) => pt.trackingCode)).toEqual(await expected());
    expect(body.points.find((pt) => pt.trackingCode === code.exact)).toEqual({
      trackingCode: code.exact,
      title: "Gropë para shkollës",
      status: "submitted",
      ...EXACT,
      precision: "exact",
    });
  });

  it("answers the same whatever the language and session: no text to translate", async () => {
    const sq = await get("/cases/map.json?municipality=gjilan", "sq");
    const sr = await get("/cases/map.json?municipality=gjilan", "sr");
    expect(sq.body).toBe(sr.body);
  });

  it("shows no personal data: no address, no name, nothing but the point's fields", async () => {
    const res = await get("/cases/map.json");
    for (const pt of (res.json() as { points: Point[] }).points)
      expect(Object.keys(pt).sort()).toEqual([
        "latitude",
        "longitude",
        "precision",
        "status",
        "title",
        "trackingCode",
      ]);
    expect(res.body).not.toContain("Rruga");
    expect(res.body).not.toContain("contact");
  });

  it("rounds sensitive categories' locations as the case page does, and never gives the exact one", async () => {
    const res = await get("/cases/map.json?category=noise");
    const body = res.json() as { points: Point[] };
    expect(body.points.find((pt) => pt.trackingCode === code.sensitive)).toMatchObject({
      latitude: 42.462,
      longitude: 21.472,
      precision: "approximate",
    });
    for (const pt of body.points) expect(pt.precision).toBe("approximate");
    expect((await get("/cases/map.json")).body).not.toContain(String(SENSITIVE.latitude).slice(0, 7));
  });

  it("leaves private cases out, even asked for by their code", async () => {
    expect((await points()).points.map((pt) => pt.trackingCode)).not.toContain(code.hidden);
    expect((await points(`?q=${code.hidden}`)).points).toEqual([]);
    expect((await points(`?q=${code.exact}`)).points.map((pt) => pt.trackingCode)).toEqual([code.exact]);
  });

  it("leaves out cases without a location, which the list still shows", async () => {
    expect((await points(`?q=${code.noPoint}`)).points).toEqual([]);
    expect((await get(`/cases?q=${code.noPoint}`)).body).toContain(`/cases/${code.noPoint}`);
  });

  it("takes the list's filters", async () => {
    const codes = async (q: string) => (await points(q)).points.map((pt) => pt.trackingCode);
    expect(await codes("?municipality=prizren")).toEqual(await expected(eq(municipalities.slug, "prizren")));
    expect(await codes("?municipality=gjilan")).toEqual(await expected(eq(municipalities.slug, "gjilan")));
    expect(await codes("?type=request")).toEqual(await expected(eq(cases.type, "request")));
    expect(await codes("?type=request")).toContain(code.request);
    expect(await codes("?category=potholes")).toEqual(await expected(eq(categories.code, "potholes")));
    const inProgress = await expected(eq(cases.status, "in_progress"));
    expect(inProgress.length).toBeGreaterThan(0);
    expect(await codes("?status=in_progress")).toEqual(inProgress);
    expect(await codes("?q=shkollës&municipality=gjilan")).toEqual([code.exact]);
    expect(await codes("?from=2026-11-26&to=2026-11-26&municipality=gjilan")).toEqual(
      await expected(eq(municipalities.slug, "gjilan")),
    );
    expect(await codes("?to=2026-11-01&municipality=gjilan")).toEqual([]);
    // Every point of a filter is a case of the list with that filter.
    const list = (await get("/cases?municipality=prishtine&type=issue_report")).body;
    for (const c of await codes("?municipality=prishtine&type=issue_report"))
      expect(list).toContain(`/cases/${c}"`);
  });

  it("sends titles as data: the popup writes them as text", async () => {
    const pt = (await points(`?q=${code.xss}`)).points[0]!;
    expect(pt.title).toBe('<img src=x onerror="alert(1)"> & "quotes"');
    expect((await get(`/cases/map.json?q=${code.xss}`)).headers["content-type"]).toMatch(
      /^application\/json/,
    );
  });

  it("ignores the page number, which is not a filter of the map", async () => {
    expect((await points("?page=abc")).points.length).toBeGreaterThan(0);
    expect((await points("?page=999999")).points.length).toBeGreaterThan(0);
  });

  it("answers bad filters with 400 and a code, naming each field, never 500", async () => {
    const res = await get("/cases/map.json?municipality=atlantis&status=lost&from=2026-11-02&to=2026-11-01");
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    const { error } = res.json() as {
      error: { code: string; message: string; requestId: string; fields: Record<string, string> };
    };
    expect(error.code).toBe("invalid_filter");
    expect(error.requestId).toBe(res.headers["x-request-id"]);
    expect(error.fields).toEqual({
      municipality: "Choose a municipality from the list",
      status: expect.any(String),
      to: expect.any(String),
    });
    expect(error.message).toContain("Choose a municipality from the list");

    const odd = [
      "?from=2026-13-45",
      "?type=spaceship",
      "?category=no-such-category",
      `?q=${"a".repeat(300)}`,
      "?q=%F0%9F%98%80",
      "?status=%00",
      "?municipality=gjilan&municipality=prizren&municipality[]=x",
      `?municipality=${"x".repeat(5000)}`,
      "?from[a]=1",
      "?to=2026-02-30",
    ];
    for (const q of odd) {
      const r = await get(`/cases/map.json${q}`);
      expect(r.statusCode, q).toBeLessThan(500);
      if (r.statusCode !== 200) {
        expect(r.statusCode, q).toBe(400);
        expect((r.json() as { error: { code: string } }).error.code, q).toBe("invalid_filter");
      }
    }
    // Asked by a browser, it is still JSON: a program reads it.
    const html = await p.app.inject({ url: "/cases/map.json?type=x", headers: { accept: "text/html" } });
    expect(html.statusCode).toBe(400);
    expect(html.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("gives at most its limit of points, the newest, and says when there are more", async () => {
    const all = await expected();
    const capped = await listPublicCasePoints(
      p.deps.database.db,
      {},
      { timeZone: "Europe/Belgrade", limit: 3 },
    );
    expect(capped.truncated).toBe(true);
    expect(capped.limit).toBe(3);
    expect(capped.points.map((pt) => pt.trackingCode)).toEqual(all.slice(0, 3));
    const exact = await listPublicCasePoints(
      p.deps.database.db,
      {},
      { timeZone: "Europe/Belgrade", limit: all.length },
    );
    expect(exact.truncated).toBe(false);
    expect(exact.points).toHaveLength(all.length);
  });
});
