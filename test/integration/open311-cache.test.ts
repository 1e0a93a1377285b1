// Open311 reads kept for a few seconds (PAGE_CACHE_SECONDS): what a polling app sees. A list is answered
// from the kept copy (gzipped for clients that accept it), a request made through Open311 shows at once,
// concurrent misses of one query run it once, and the copies stay within their byte budget.
import { gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient } from "../../src/api/apiKeys.ts";
import { type CachedAnswer, ResponseCache } from "../../src/open311/responseCache.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
let key: string;
const LIST = "/open311/v2/requests.json?jurisdiction_id=prishtine";

beforeAll(async () => {
  p = await createTestPlatform({ demo: true, env: { PAGE_CACHE_SECONDS: "30" } });
  const made = await createApiClient(p.deps.database.db, {
    name: "cache test",
    now: p.clock.now(),
    via: "test",
  });
  if (!made.ok) throw new Error(made.reason);
  key = made.key;
});
afterAll(async () => {
  await p?.close();
});

const ids = (body: string) =>
  (JSON.parse(body) as { service_request_id: string }[]).map((r) => r.service_request_id);

describe("the kept copy of a list", () => {
  it("answers later readers until it expires, says how long it may be kept, and shows an Open311 create at once", async () => {
    const first = await p.app.inject({ method: "GET", url: LIST });
    expect(first.statusCode).toBe(200);
    expect(first.headers["cache-control"]).toBe("public, max-age=30");
    // A case written behind the endpoint's back (staff, another instance) shows when the copy expires.
    await p.deps.database.db.execute(sql`
      insert into cases (tracking_code, municipality_id, type, category_id, status, title, description, received_at)
      select 'PRI-2019-000001', m.id, 'issue_report', c.id, 'submitted', 'Kept', 'Kept',
        ${p.clock.now().toISOString()}::timestamptz - interval '1 hour'
      from municipalities m, categories c where m.slug = 'prishtine' and c.code = 'waste'`);
    const kept = await p.app.inject({ method: "GET", url: LIST });
    expect(kept.body).toBe(first.body);

    const created = await p.app.inject({
      method: "POST",
      url: "/open311/v2/requests.json",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({
        api_key: key,
        jurisdiction_id: "prishtine",
        service_code: "waste",
        lat: "42.6629",
        long: "21.1655",
        description: "Kontejneri është plot.",
      }).toString(),
    });
    expect(created.statusCode).toBe(201);
    const after = ids((await p.app.inject({ method: "GET", url: LIST })).body);
    expect(after).toContain(JSON.parse(created.body)[0].service_request_id);
    expect(after).toContain("PRI-2019-000001");
  });

  it("does not count reads answered from the kept copy against the read limit (as public pages)", async () => {
    const url = "/open311/v2/services.json?jurisdiction_id=prizren";
    for (let i = 0; i < 320; i++) {
      const res = await p.app.inject({ method: "GET", url, remoteAddress: "203.0.113.50" });
      expect(res.statusCode).toBe(200);
    }
  });

  it("sends the kept copy gzipped to a client that accepts it", async () => {
    const plain = await p.app.inject({ method: "GET", url: LIST });
    const zipped = await p.app.inject({
      method: "GET",
      url: LIST,
      headers: { "accept-encoding": "gzip, br" },
    });
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers.vary).toContain("accept-encoding");
    expect(gunzipSync(zipped.rawPayload).toString("utf8")).toBe(plain.body);
  });
});

describe("ResponseCache", () => {
  const answer = (bytes: number): CachedAnswer => ({
    status: 200,
    type: "application/json",
    body: Buffer.alloc(bytes),
  });

  it("runs one computation for concurrent misses of a key, and keeps only 200 answers", async () => {
    const cache = new ResponseCache(60_000, () => Date.now());
    let runs = 0;
    const make = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return answer(10);
    };
    const got = await Promise.all(Array.from({ length: 20 }, () => cache.get("k", make)));
    expect(runs).toBe(1);
    expect(new Set(got).size).toBe(1);
    await cache.get("k", make);
    expect(runs).toBe(1);
    let missing = 0;
    const notFound = async () => {
      missing++;
      return { ...answer(0), status: 404 };
    };
    await cache.get("gone", notFound);
    await cache.get("gone", notFound);
    expect(missing).toBe(2);
  });

  it("forgets expired answers, drops the oldest past its byte budget, and keeps nothing made before a clear", async () => {
    let now = 0;
    // Each answer weighs 300 bytes and room for its gzipped copy (75): four fit in 1,600 bytes, not five.
    const cache = new ResponseCache(1_000, () => now, 1_600);
    let runs = 0;
    const make = async () => {
      runs++;
      return answer(300);
    };
    for (const k of ["a", "b", "c", "d", "e"]) await cache.get(k, make);
    expect(cache.size).toBe(4);
    await cache.get("b", make);
    expect(runs).toBe(5);
    await cache.get("a", make);
    expect(runs).toBe(6);
    now = 1_001;
    await cache.get("c", make);
    expect(runs).toBe(7);
    // An answer larger than a quarter of the budget is never kept.
    await cache.get("big", async () => answer(500));
    expect(cache.size).toBeLessThanOrEqual(4);
    let bigRuns = 0;
    await cache.get("big", async () => {
      bigRuns++;
      return answer(500);
    });
    expect(bigRuns).toBe(1);

    let release: () => void = () => {};
    const slow = cache.get("d", () => new Promise<CachedAnswer>((r) => (release = () => r(answer(10)))));
    cache.clear();
    release();
    await slow;
    expect(cache.size).toBe(0);
  });
});
