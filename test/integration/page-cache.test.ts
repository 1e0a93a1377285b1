// Public pages kept a few seconds for visitors (PAGE_CACHE_SECONDS): what a visitor may be served from
// the cache, what is never kept, and what empties it.
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cases } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const CODE = "PRI-2026-000001";

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, env: { PAGE_CACHE_SECONDS: "5" } });
});
afterAll(() => p.close());

/** Changes the title behind the app's back, as another instance or a background job would. */
const retitle = (title: string) => db().update(cases).set({ title }).where(eq(cases.trackingCode, CODE));

describe("public page cache", () => {
  it("serves a visitor the kept page until it expires, per language", async () => {
    await retitle("Gropë e parë");
    const visitor = new WebClient(p.app);
    const first = await visitor.get(`/cases/${CODE}`);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain("Gropë e parë");

    await retitle("Gropë e dytë");
    const kept = await visitor.get(`/cases/${CODE}`);
    expect(kept.body).toBe(first.body);
    expect(kept.headers["cache-control"]).toBe("no-store");

    // Another language is another page, rendered now.
    const english = await visitor.get(`/cases/${CODE}`, { "accept-language": "en" });
    expect(english.body).toContain("Gropë e dytë");

    p.clock.advance(5_001);
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë e dytë");
  });

  it("never serves a signed-in person from the cache", async () => {
    await retitle("Gropë A");
    p.clock.advance(10_000);
    const visitor = new WebClient(p.app);
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë A");
    const citizen = new WebClient(p.app);
    const login = await citizen.submit("/login", {
      email: "stefan.ilic@demo.ekomuna.example",
      password: DEMO_PASSWORD,
    });
    expect(login.statusCode).toBe(303);
    await retitle("Gropë B");
    expect((await citizen.get(`/cases/${CODE}`)).body).toContain("Gropë B");
  });

  it("is emptied by any successful write through the app", async () => {
    await retitle("Gropë C");
    p.clock.advance(10_000);
    const visitor = new WebClient(p.app);
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë C");
    await retitle("Gropë D");
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë C");

    // A refused write (no CSRF token) changes nothing, and keeps the cache.
    const refused = await visitor.post(`/cases/${CODE}/follow`, {});
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë C");

    // Logging in is a successful write: what anyone sees next is rendered anew.
    const someone = new WebClient(p.app);
    const login = await someone.submit("/login", {
      email: "lirije.shala@demo.ekomuna.example",
      password: DEMO_PASSWORD,
    });
    expect(login.statusCode).toBe(303);
    expect((await visitor.get(`/cases/${CODE}`)).body).toContain("Gropë D");
  });

  it("keeps only pages marked public, and never an error page", async () => {
    const visitor = new WebClient(p.app);
    const before = p.app.pageCache.size;
    expect((await visitor.get("/cases/PRI-2026-999999")).statusCode).toBe(404);
    expect((await visitor.get("/login")).statusCode).toBe(200);
    expect(p.app.pageCache.size).toBe(before);
    expect((await visitor.get("/m/prishtine")).statusCode).toBe(200);
    expect(p.app.pageCache.size).toBe(before + 1);
  });

  it("keeps a page's compressed copies: a hit in a coding made once compresses nothing", async () => {
    p.clock.advance(10_000);
    const url = "/m/prishtine/statistics";
    const cache = p.app.pageCache;
    const ask = (coding: string) => p.app.inject({ url, headers: { "accept-encoding": coding } });

    const before = cache.compressions;
    const first = await ask("br, gzip");
    expect(first.headers["content-encoding"]).toBe("br");
    expect(cache.compressions).toBe(before + 1);
    const plain = brotliDecompressSync(first.rawPayload).toString("utf8");
    expect(plain).toContain("<!doctype html>");

    // Hits: the same bytes, nothing compressed again, and the header that keeps shared caches apart.
    const hit = await ask("gzip, deflate, br");
    expect(hit.headers["content-encoding"]).toBe("br");
    expect(hit.headers.vary).toMatch(/accept-encoding/);
    expect(hit.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(cache.compressions).toBe(before + 1);

    // Another coding is made once, from the kept bytes; a client that takes none gets the page as it is.
    const gzip = await ask("gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.rawPayload).toString("utf8")).toBe(plain);
    await ask("gzip");
    expect(cache.compressions).toBe(before + 2);
    const identity = await ask("identity");
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.body).toBe(plain);
    expect(cache.compressions).toBe(before + 2);
  });
});
