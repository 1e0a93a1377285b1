// Speed on a slow phone (issue 10): what a first visit to each public page costs on the wire, and the
// compression and caching that keep it small. Every public page sample (app.pages without `as`) is
// fetched as a browser would (accept-encoding: br, gzip), with the stylesheets and scripts it links.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from "node:zlib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { submitCase } from "../../src/cases/commands/submitCase.ts";
import { addDraftPhoto } from "../../src/cases/photos/photoCommands.ts";
import { photoStoreOf } from "../../src/cases/photos/storage.ts";
import { createDraft } from "../../src/cases/web/submitJourney.ts";
import { hashToken } from "../../src/identity/tokens.ts";
import { DEMO_DOCUMENT } from "../../src/participation/consultations/demo.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

/** The budget per page: HTML, stylesheets and scripts, compressed (photos and map tiles aside). */
const BUDGET = 60 * 1024;
const BROWSER = { "accept-encoding": "br, gzip" };

let p: TestPlatform;
let uploads: string;
/** A public case page with a photo: no demo case has one, and the image rules need one to check. */
let photoCase: string;
let photoPath: string;

beforeAll(async () => {
  uploads = await mkdtemp(join(tmpdir(), "ekomuna-weight-"));
  p = await createTestPlatform({
    demo: true,
    // Maps on (tests default to off), so pages with a map carry its script and stylesheet as in production.
    env: { MAP_TILE_URL: "https://tiles.example.org/{z}/{x}/{y}.png", EKOMUNA_UPLOADS_DIR: uploads },
  });
  const db = p.deps.database.db;
  // The demo's PDF is under a kilobyte, below where anything is compressed: one of a real size instead.
  await photoStoreOf(p.deps).put(
    DEMO_DOCUMENT.key,
    Buffer.concat([DEMO_DOCUMENT.bytes, Buffer.alloc(20_000, "% padding\n")]),
    "application/pdf",
  );
  const { token } = await createDraft(db, { municipality: "prishtine" }, null, p.clock.now());
  // Noise, so that even the thumbnail weighs what a photo does (a flat colour is a few hundred bytes).
  const bytes = await sharp({
    create: {
      width: 1200,
      height: 900,
      channels: 3,
      background: "#2a7a3b",
      noise: { type: "gaussian", mean: 128, sigma: 40 },
    },
  })
    .jpeg()
    .toBuffer();
  const added = await addDraftPhoto(db, photoStoreOf(p.deps), {
    draftId: hashToken(token),
    bytes,
    now: p.clock.now(),
  });
  if (!added.ok) throw new Error(`photo refused: ${added.reason}`);
  photoPath = `/photos/${added.photo.id}`;
  const made = await submitCase(
    {
      municipality: "prishtine",
      type: "issue_report",
      category: "potholes",
      answers: {},
      title: "Gropë para shkollës",
      description: "Një gropë e thellë para hyrjes së shkollës.",
      location: { latitude: 42.6629, longitude: 21.1655 },
      contact: { showName: false },
      language: "sq",
      channel: "web",
      idempotencyKey: hashToken(token),
      draftId: hashToken(token),
    },
    {
      db,
      now: p.clock.now(),
      calendar: p.deps.calendar,
      bounds: p.deps.profile.bounds,
      baseUrl: "https://ekomuna.example.org",
      poke: () => {},
      actor: { kind: "visitor" },
    },
  );
  if (!made.ok) throw new Error(`not submitted: ${made.reason}`);
  photoCase = `/cases/${made.trackingCode}`;
});
afterAll(async () => {
  await p?.close();
  await rm(uploads, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = BROWSER) =>
  p.app.inject({ method: "GET", url, headers });

type Answer = Awaited<ReturnType<typeof get>>;

/** The body as the client reads it, whatever its coding. */
function decoded(res: Answer): Buffer {
  const coding = res.headers["content-encoding"];
  if (coding === "br") return brotliDecompressSync(res.rawPayload);
  if (coding === "gzip") return gunzipSync(res.rawPayload);
  expect(coding).toBeUndefined();
  return res.rawPayload;
}

/** The attributes of every `<tag …>` in the HTML, by name (a bare attribute has the value ""). */
function tags(html: string, tag: string): Map<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, "gi"))].map(
    (m) =>
      new Map([...m[1]!.matchAll(/([\w:-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!.toLowerCase(), a[2] ?? ""])),
  );
}

interface Weight {
  page: string;
  bytes: number;
  parts: string[];
  problems: string[];
}

/** A first visit to `path`: the page and what it links to, compressed, with the rules it breaks. */
async function weigh(path: string): Promise<Weight> {
  const res = await get(path);
  const html = decoded(res).toString("utf8");
  const parts = [`html ${res.rawPayload.length}`];
  let bytes = res.rawPayload.length;
  const problems: string[] = [];

  const linked = [
    ...tags(html, "link")
      .filter((a) => a.get("rel") === "stylesheet")
      .map((a) => ({ url: a.get("href") ?? "", blocking: true })),
    ...tags(html, "script")
      .filter((a) => a.has("src"))
      .map((a) => ({ url: a.get("src") ?? "", blocking: !a.has("async") && !a.has("defer") })),
  ];
  const modules = new Set([...html.matchAll(/data-module="([\w-]+)"/g)].map((m) => m[1]));
  for (const { url, blocking } of linked) {
    if (!url.startsWith("/") || url.startsWith("//")) {
      if (blocking) problems.push(`render-blocking third-party resource ${url}`);
      continue;
    }
    // Beyond the shell's own (app.css, app.js), a page loads a script or stylesheet only for a block
    // of it that uses it: the map's with a map block, never on a page without one.
    const [, name, ext] = url.match(/^\/assets\/([\w-]+)\.[0-9a-f]{10}\.(\w+)$/) ?? [];
    if (!name) problems.push(`asset without a content hash ${url}`);
    else if (name !== "app" && !modules.has(name)) problems.push(`${url} without a data-module="${name}"`);
    const asset = await get(url);
    expect(asset.statusCode, url).toBe(200);
    bytes += asset.rawPayload.length;
    parts.push(`${name ? `${name}.${ext}` : url} ${asset.rawPayload.length}`);
  }
  for (const module of modules) {
    if (module === "map" && !linked.some((l) => /\/assets\/map\./.test(l.url)))
      problems.push("a map block without the map's script");
  }
  // Images are sized (no layout shift when they arrive) and lazy: a public page shows none above the
  // fold (photos sit below a case's text), so none is exempt.
  for (const img of tags(html, "img")) {
    for (const attr of ["width", "height"])
      if (!/^\d+$/.test(img.get(attr) ?? "")) problems.push(`<img src="${img.get("src")}"> without ${attr}`);
    if (img.get("loading") !== "lazy") problems.push(`<img src="${img.get("src")}"> not loading="lazy"`);
  }
  return { page: path, bytes, parts, problems };
}

describe("the weight budget", () => {
  it(`keeps every public page within ${BUDGET / 1024} KB, compressed, with what it links`, async () => {
    const samples = p.app.pages.filter((page) => !page.as).map((page) => page.sample);
    expect(samples.length).toBeGreaterThan(20);
    const weights: Weight[] = [];
    for (const path of [...new Set([...samples, photoCase])]) weights.push(await weigh(path));
    weights.sort((a, b) => b.bytes - a.bytes);
    const heaviest = weights
      .slice(0, 5)
      .map((w) => `${w.page}: ${w.bytes} B (${w.parts.join(", ")})`)
      .join("\n");
    expect(
      weights.filter((w) => w.bytes > BUDGET).map((w) => w.page),
      `pages over ${BUDGET} B; the heaviest five:\n${heaviest}`,
    ).toEqual([]);
    expect(weights.flatMap((w) => w.problems.map((problem) => `${w.page}: ${problem}`))).toEqual([]);

    // The rules had something to judge: a page with a map, one with charts and none, one with a photo.
    const html = async (path: string) => decoded(await get(path)).toString("utf8");
    expect(await html("/cases")).toContain('data-module="map"');
    const statistics = await html("/statistics");
    expect(statistics).toContain("<svg");
    expect(statistics).not.toMatch(/\/assets\/map\./);
    expect(await html(photoCase)).toContain(`<img src="${photoPath}/thumbnail"`);
  });

  it("serves every asset a page links under a content hash, kept a year", async () => {
    const html = decoded(await get("/cases")).toString("utf8");
    const urls = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const url of urls) {
      const res = await get(url);
      expect(res.headers["cache-control"], url).toBe("public, max-age=31536000, immutable");
    }
  });
});

describe("compression", () => {
  it("answers a page in brotli, else gzip, else as it is, saying it varies by Accept-Encoding", async () => {
    const plain = await get("/statistics", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    const cases: [string, string | undefined][] = [
      ["br, gzip", "br"],
      ["gzip, deflate", "gzip"],
      ["gzip;q=1, br;q=0.5", "gzip"],
      ["br;q=0, gzip", "gzip"],
      ["*", "gzip"],
      ["identity", undefined],
    ];
    for (const [accept, coding] of cases) {
      const res = await get("/statistics", { "accept-encoding": accept });
      expect(res.headers["content-encoding"], accept).toBe(coding);
      expect(decoded(res).toString("utf8"), accept).toBe(plain.body);
      if (coding) {
        expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
        expect(res.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
      }
    }
  });

  it("serves assets in copies made once at the best quality (brotli 11, gzip 9)", async () => {
    const html = decoded(await get("/cases")).toString("utf8");
    const script = html.match(/src="(\/assets\/map\.[0-9a-f]{10}\.js)"/)?.[1];
    expect(script).toBeDefined();
    const plain = await get(script!, {});
    const best = {
      br: brotliCompressSync(plain.rawPayload, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: plain.rawPayload.length,
        },
      }),
      gzip: gzipSync(plain.rawPayload, { level: 9 }),
    };
    for (const coding of ["br", "gzip"] as const) {
      const res = await get(script!, { "accept-encoding": coding });
      expect(res.headers["content-encoding"]).toBe(coding);
      expect(res.headers.vary).toBe("accept-encoding");
      expect(res.rawPayload.equals(best[coding])).toBe(true);
    }
  });

  it("streams an open-data download compressed, whole", async () => {
    const plain = await get("/open-data/cases.csv", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.split("\n").length).toBeGreaterThan(10);
    for (const coding of ["br", "gzip"]) {
      const res = await get("/open-data/cases.csv", { "accept-encoding": coding });
      expect(res.headers["content-encoding"]).toBe(coding);
      expect(decoded(res).toString("utf8")).toBe(plain.body);
    }
  });

  it("leaves Open311's own gzipped answer as it is, compressed once", async () => {
    const url = "/open311/v2/requests.json?jurisdiction_id=prishtine";
    const res = await get(url);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(Array.isArray(JSON.parse(gunzipSync(res.rawPayload).toString("utf8")))).toBe(true);
  });

  it("never compresses photos or PDFs, which are compressed already", async () => {
    const consultation = decoded(await get("/consultations/1")).toString("utf8");
    const pdf = consultation.match(/href="(\/consultations\/1\/documents\/[^"]+)"/)?.[1];
    expect(pdf).toBeDefined();
    for (const url of [pdf!, photoPath, `${photoPath}/thumbnail`]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"], url).toMatch(/^(application\/pdf|image\/jpeg)/);
      expect(res.rawPayload.length, url).toBeGreaterThan(1024);
      expect(res.headers["content-encoding"], url).toBeUndefined();
    }
  });
});
