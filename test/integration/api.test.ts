// The REST API as an integrator and a citizen's own scripts use it: API keys, idempotent case creation,
// the one error shape in three languages, reading without personal data, lists, information, following,
// photos, rate limits and the OpenAPI description — through app.inject on a real database.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, like, sql } from "drizzle-orm";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, revokeApiClient } from "../../src/api/apiKeys.ts";
import {
  apiClients,
  auditLog,
  caseEvents,
  caseFollowers,
  casePhotos,
  cases,
  users,
} from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
let uploads: string;
beforeAll(async () => {
  uploads = await mkdtemp(join(tmpdir(), "ekomuna-api-"));
  p = await createTestPlatform({ demo: true, env: { EKOMUNA_UPLOADS_DIR: uploads } });
});
afterAll(async () => {
  await p?.close();
  await rm(uploads, { recursive: true, force: true });
});

const db = () => p.deps.database.db;

/** A parsed JSON answer: its shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are explored by the assertions themselves
type Json = any;

async function newKey(options: { municipality?: string; rateLimit?: number } = {}) {
  const made = await createApiClient(db(), {
    name: `Test client ${Math.random().toString(36).slice(2, 8)}`,
    ...options,
    now: p.clock.now(),
    via: "test",
  });
  if (!made.ok) throw new Error(made.reason);
  return { key: made.key, id: made.client.id };
}

interface Call {
  key?: string;
  web?: WebClient;
  body?: unknown;
  /** A raw payload (then `body` is ignored) with its content type. */
  raw?: { payload: string | Buffer; type: string };
  headers?: Record<string, string>;
}

async function api(method: "GET" | "POST" | "PUT" | "DELETE", path: string, call: Call = {}) {
  const headers: Record<string, string> = { ...call.headers };
  if (call.key) headers.authorization = `Bearer ${call.key}`;
  if (call.web) headers.cookie = [...call.web.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  let payload: string | Buffer | undefined;
  if (call.raw) {
    payload = call.raw.payload;
    headers["content-type"] = call.raw.type;
  } else if (call.body !== undefined) {
    payload = JSON.stringify(call.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await p.app.inject({
    method,
    url: `/api/v1${path}`,
    headers,
    remoteAddress: call.web?.remoteAddress ?? "203.0.113.7",
    ...(payload !== undefined ? { payload } : {}),
  });
  const json = res.body && res.headers["content-type"]?.toString().includes("json") ? res.json() : undefined;
  return Object.assign(res, { data: json as Record<string, Json> });
}

let keyCounter = 0;
const newIdempotencyKey = () => `test-key-${++keyCounter}-${Date.now()}`;

const pothole = (over: Record<string, unknown> = {}) => ({
  municipality: "prishtine",
  type: "issue_report",
  category: "potholes",
  title: "Gropë para shkollës",
  description: "Në korsinë e djathtë, rreth 40 cm e gjerë.",
  location: { latitude: 42.6629, longitude: 21.1655 },
  contact: { name: "Arta Krasniqi", email: "arta.krasniqi@example.org", phone: "044 123 456" },
  language: "sq",
  ...over,
});

async function signIn(local: string) {
  const web = new WebClient(p.app);
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  expect(res.statusCode).toBe(303);
  return web;
}

const rowsWithKey = async (key: string) =>
  db()
    .select()
    .from(cases)
    .where(like(cases.idempotencyKey, `api:%:${key}`));

describe("creating a case with an API key", () => {
  it("answers 201 with the tracking code, links, the private tracking link and the due dates", async () => {
    const { key, id } = await newKey();
    const idem = newIdempotencyKey();
    const res = await api("POST", "/cases", { key, body: pothole(), headers: { "idempotency-key": idem } });
    expect(res.statusCode, res.body).toBe(201);
    const code = res.data.trackingCode as string;
    expect(code).toMatch(/^PRI-2026-\d{6}$/);
    expect(res.headers.location).toBe(`http://127.0.0.1:3000/api/v1/cases/${code}`);
    expect(res.data).toMatchObject({
      url: `http://127.0.0.1:3000/cases/${code}`,
      apiUrl: `http://127.0.0.1:3000/api/v1/cases/${code}`,
      responseDueAt: expect.stringMatching(/^2026-12-\d\dT/),
      resolutionDueAt: expect.any(String),
    });
    expect(res.data.trackingUrl).toBe(`http://127.0.0.1:3000/track/${code}?token=${res.data.trackingToken}`);
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    expect(row).toMatchObject({
      channel: "api",
      submitterId: null,
      idempotencyKey: `api:${id}:${idem}`,
      contactEmail: "arta.krasniqi@example.org",
      visibility: "public",
    });
    // The client is marked used (at most once a minute, without waiting for it).
    await new Promise((r) => setTimeout(r, 50));
    const [client] = await db().select().from(apiClients).where(eq(apiClients.id, id));
    expect(client!.lastUsedAt).not.toBeNull();
  });

  it("takes the key in X-Api-Key as well", async () => {
    const { key } = await newKey();
    const res = await api("POST", "/cases", {
      body: pothole(),
      headers: { "x-api-key": key, "idempotency-key": newIdempotencyKey() },
    });
    expect(res.statusCode).toBe(201);
  });

  it("answers a retry with the same key and body with 200, the same case and the same body, and makes no second case", async () => {
    const { key } = await newKey();
    const idem = newIdempotencyKey();
    const first = await api("POST", "/cases", { key, body: pothole(), headers: { "idempotency-key": idem } });
    expect(first.statusCode).toBe(201);
    // Even in another language (the language was given in the body, so nothing else is asked).
    const again = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": idem, "accept-language": "sr" },
    });
    expect(again.statusCode).toBe(200);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const { trackingUrl: _u, trackingToken: _t, ...rest } = first.data;
    expect(again.data).toEqual(rest);
    expect(await rowsWithKey(idem)).toHaveLength(1);
  });

  it("refuses the same key with a different body (422 idempotency_key_reused)", async () => {
    const { key } = await newKey();
    const idem = newIdempotencyKey();
    expect(
      (await api("POST", "/cases", { key, body: pothole(), headers: { "idempotency-key": idem } }))
        .statusCode,
    ).toBe(201);
    for (const changed of [
      pothole({ title: "Another pothole" }),
      pothole({ contact: { email: "someone.else@example.org" } }),
      pothole({ category: "pavement" }),
    ]) {
      const res = await api("POST", "/cases", { key, body: changed, headers: { "idempotency-key": idem } });
      expect(res.statusCode).toBe(422);
      expect(res.data.error.code).toBe("idempotency_key_reused");
    }
    expect(await rowsWithKey(idem)).toHaveLength(1);
  });

  it("scopes keys per client: the same key from two clients makes two cases", async () => {
    const a = await newKey();
    const b = await newKey();
    const idem = newIdempotencyKey();
    const one = await api("POST", "/cases", {
      key: a.key,
      body: pothole(),
      headers: { "idempotency-key": idem },
    });
    const two = await api("POST", "/cases", {
      key: b.key,
      body: pothole(),
      headers: { "idempotency-key": idem },
    });
    expect([one.statusCode, two.statusCode]).toEqual([201, 201]);
    expect(one.data.trackingCode).not.toBe(two.data.trackingCode);
    expect(await rowsWithKey(idem)).toHaveLength(2);
  });

  it("makes exactly one case from 20 requests at once with the same key", async () => {
    const { key } = await newKey();
    const idem = newIdempotencyKey();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api("POST", "/cases", { key, body: pothole(), headers: { "idempotency-key": idem } }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(new Set(answers.map((a) => a.data.trackingCode)).size).toBe(1);
    expect(await rowsWithKey(idem)).toHaveLength(1);
  });

  it("requires an Idempotency-Key from a client, and a sane one", async () => {
    const { key } = await newKey();
    const missing = await api("POST", "/cases", { key, body: pothole() });
    expect(missing.statusCode).toBe(400);
    expect(missing.data.error.code).toBe("idempotency_key_required");
    const bad = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": "x".repeat(129) },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.data.error.code).toBe("idempotency_key_invalid");
  });

  it("answers 401 without a key, with an unknown, malformed or revoked key", async () => {
    const none = await api("POST", "/cases", { body: pothole(), headers: { "idempotency-key": "k1" } });
    expect(none.statusCode).toBe(401);
    expect(none.data.error.code).toBe("unauthorized");
    const revoked = await newKey();
    const out = await revokeApiClient(db(), { which: revoked.id, now: p.clock.now(), via: "test" });
    expect(out.ok).toBe(true);
    const unknown = `ek_live_${"A".repeat(43)}`;
    for (const key of [unknown, "not-a-key", revoked.key]) {
      const res = await api("POST", "/cases", { key, body: pothole(), headers: { "idempotency-key": "k2" } });
      expect(res.statusCode, key).toBe(401);
      expect(res.data.error.code).toBe("invalid_api_key");
      expect(res.headers["www-authenticate"]).toContain("Bearer");
    }
    const basic = await api("GET", "/cases", { headers: { authorization: "Basic dXNlcjpwYXNz" } });
    expect(basic.statusCode).toBe(401);
  });

  it("lets a key restricted to a municipality submit there only (403 municipality_not_allowed elsewhere)", async () => {
    const { key } = await newKey({ municipality: "prizren" });
    const elsewhere = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.data.error).toMatchObject({ code: "municipality_not_allowed" });
    expect(elsewhere.data.error.message).toContain("prizren");
    const there = await api("POST", "/cases", {
      key,
      body: pothole({ municipality: "prizren", location: { latitude: 42.2139, longitude: 20.7397 } }),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    expect(there.statusCode, there.body).toBe(201);
    expect(there.data.trackingCode).toMatch(/^PRZ-/);
  });
});

describe("a citizen's own calls, by session", () => {
  it("submits as the signed-in person (a proposal too), JSON only, with or without an Idempotency-Key", async () => {
    const lirije = await signIn("lirije.shala");
    const [user] = await db()
      .select()
      .from(users)
      .where(eq(users.email, "lirije.shala@demo.ekomuna.example"));
    const proposal = await api("POST", "/cases", {
      web: lirije,
      body: {
        municipality: "prishtine",
        type: "proposal",
        category: "infrastructure-proposal",
        title: "Një park në Lagjen e Muhaxhirëve",
        description: "Toka e lirë pranë shkollës mund të bëhet park.",
      },
    });
    expect(proposal.statusCode, proposal.body).toBe(201);
    const [row] = await db().select().from(cases).where(eq(cases.trackingCode, proposal.data.trackingCode));
    expect(row).toMatchObject({ submitterId: user!.id, channel: "api", type: "proposal" });
    expect(row!.idempotencyKey).toMatch(new RegExp(`^api:user:${user!.id}:once:`));

    const idem = newIdempotencyKey();
    const keyed = await api("POST", "/cases", {
      web: lirije,
      body: pothole(),
      headers: { "idempotency-key": idem },
    });
    const again = await api("POST", "/cases", {
      web: lirije,
      body: pothole(),
      headers: { "idempotency-key": idem },
    });
    expect([keyed.statusCode, again.statusCode]).toEqual([201, 200]);
    expect(again.data.trackingCode).toBe(keyed.data.trackingCode);

    const form = await api("POST", "/cases", {
      web: lirije,
      raw: {
        payload: new URLSearchParams({ title: "x" }).toString(),
        type: "application/x-www-form-urlencoded",
      },
    });
    expect([form.statusCode, form.data.error.code]).toEqual([415, "json_required"]);
    const cross = await api("POST", "/cases", {
      web: lirije,
      body: pothole(),
      headers: { origin: "https://evil.example" },
    });
    expect([cross.statusCode, cross.data.error.code]).toEqual([403, "cross_site_request"]);
  });

  it("adds photos to one's own new case with the page's CSRF token, not without", async () => {
    const lirije = await signIn("lirije.shala");
    const made = await api("POST", "/cases", { web: lirije, body: pothole() });
    expect(made.statusCode).toBe(201);
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#ffffff" } })
      .png()
      .toBuffer();
    const data = new FormData();
    data.append("photos", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "a.png");
    const request = new Request("http://localhost/", { method: "POST", body: data });
    const raw = {
      payload: Buffer.from(await request.arrayBuffer()),
      type: request.headers.get("content-type")!,
    };
    const url = `/cases/${made.data.trackingCode}/photos`;
    const without = await api("POST", url, { web: lirije, raw });
    expect([without.statusCode, without.data.error.code]).toEqual([403, "csrf"]);
    const page = await lirije.get("/account/cases");
    const token = page.body.match(/name="_csrf" value="([^"]+)"/)?.[1];
    expect(token, "a CSRF token on the page").toBeTruthy();
    const withToken = await api("POST", url, { web: lirije, raw, headers: { "x-csrf-token": token! } });
    expect(withToken.statusCode, withToken.body).toBe(201);
    const stefan = await signIn("stefan.ilic");
    const stefanPage = await stefan.get("/account/cases");
    const stefanToken = stefanPage.body.match(/name="_csrf" value="([^"]+)"/)![1]!;
    const notTheirs = await api("POST", url, { web: stefan, raw, headers: { "x-csrf-token": stefanToken } });
    expect(notTheirs.statusCode).toBe(404);
  });
});

describe("refusals, in the error shape and the request's language", () => {
  let key: string;
  beforeAll(async () => {
    key = (await newKey()).key;
  });
  const post = (call: Call) =>
    api("POST", "/cases", {
      key,
      ...call,
      headers: { "idempotency-key": newIdempotencyKey(), ...call.headers },
    });

  it("names every refused field, with messages in Serbian when asked", async () => {
    const res = await post({
      body: {
        municipality: "prishtine",
        type: "complaint",
        category: "potholes",
        title: "   ",
        description: "x".repeat(4001),
        location: { latitude: "42.6", longitude: 21.1 },
        contact: { email: "not-an-email", phone: "call me" },
        colour: "red",
      },
      headers: { "accept-language": "sr" },
    });
    expect(res.statusCode).toBe(422);
    expect(res.data.error.code).toBe("validation_failed");
    expect(res.data.error.message).toBe("Neka polja nedostaju ili nisu ispravna: pogledajte fields.");
    expect(res.data.error.requestId).toBe(res.headers["x-request-id"]);
    expect(res.data.error.fields).toEqual({
      type: "Mora biti jedno od: issue_report, request, feedback, proposal.",
      title: "Ovo ne sme biti prazno.",
      description: "Najviše 4000 znakova.",
      "location.latitude": "Pogrešan tip: očekuje se number.",
      "contact.email": "Ovo nije adresa e-pošte u ispravnom obliku, na primer ime@primer.com.",
      "contact.phone": "Ovo nije broj telefona, na primer 044 123 456 ili +383 44 123 456.",
      colour: "Nepoznato polje.",
    });
    const empty = await post({ body: {}, headers: { "accept-language": "en" } });
    expect(empty.data.error.fields).toEqual(
      Object.fromEntries(
        ["municipality", "type", "category", "title", "description"].map((f) => [f, "This is required."]),
      ),
    );
  });

  it("counts characters as people do and refuses what PostgreSQL cannot store", async () => {
    const emoji = await post({ body: pothole({ title: "🕳️".repeat(70) }) });
    expect(emoji.statusCode).toBe(201);
    const nul = await post({ body: pothole({ title: "a\u0000b" }), headers: { "accept-language": "en" } });
    expect(nul.statusCode).toBe(422);
    expect(nul.data.error.fields).toEqual({ title: "Contains a character that cannot be stored (NUL)." });
    const nulEverywhere = await post({
      body: pothole({
        municipality: "prish\u0000tine",
        category: "pot\u0000holes",
        answers: { x: "\u0000" },
      }),
    });
    expect(nulEverywhere.statusCode).toBe(422);
    expect(Object.keys(nulEverywhere.data.error.fields).sort()).toEqual([
      "answers.x",
      "category",
      "municipality",
    ]);
  });

  it("answers malformed JSON, empty JSON, a wrong content type and a huge body with 4xx codes, never 500", async () => {
    const cases: [Call, number, string][] = [
      [{ raw: { payload: '{"title": ', type: "application/json" } }, 400, "invalid_json"],
      [{ raw: { payload: "", type: "application/json" } }, 400, "empty_json"],
      [{ raw: { payload: '{"__proto__": {"x": 1}}', type: "application/json" } }, 400, "invalid_json"],
      [{ raw: { payload: "title=x", type: "application/x-www-form-urlencoded" } }, 415, "json_required"],
      [{ raw: { payload: '{"title":"x"}', type: "text/plain" } }, 415, "json_required"],
      [
        {
          raw: {
            payload: JSON.stringify(pothole({ description: "x".repeat(70_000) })),
            type: "application/json",
          },
        },
        413,
        "payload_too_large",
      ],
      [{ body: [1, 2, 3] }, 422, "validation_failed"],
      [{ body: null }, 422, "validation_failed"],
    ];
    for (const [call, status, code] of cases) {
      const res = await post(call);
      expect(res.statusCode, JSON.stringify(call).slice(0, 80)).toBe(status);
      expect(res.data.error.code).toBe(code);
      expect(typeof res.data.error.message).toBe("string");
    }
  });

  it("refuses a place outside the municipality, an unknown municipality or category, and an anonymous proposal", async () => {
    const outside = await post({
      body: pothole({ location: { latitude: 48.85, longitude: 2.35 } }),
      headers: { "accept-language": "en" },
    });
    expect(outside.statusCode).toBe(422);
    expect(outside.data.error.code).toBe("outside_area");
    expect(outside.data.error.fields).toEqual({ location: "This location is not in the municipality." });
    const noMunicipality = await post({ body: pothole({ municipality: "atlantis" }) });
    expect(noMunicipality.data.error).toMatchObject({
      code: "unknown_municipality",
      fields: { municipality: expect.any(String) },
    });
    const noCategory = await post({ body: pothole({ category: "dragons" }) });
    expect(noCategory.data.error).toMatchObject({
      code: "category_not_offered",
      fields: { category: expect.any(String) },
    });
    const noPlace = await post({ body: pothole({ location: undefined }) });
    expect(noPlace.data.error.code).toBe("location_required");
    const proposal = await post({
      body: pothole({ type: "proposal", category: "infrastructure-proposal", location: undefined }),
    });
    expect([proposal.statusCode, proposal.data.error.code]).toEqual([422, "account_required"]);
  });

  it("answers an unknown API address, or a method an address does not take, with the error shape", async () => {
    for (const [method, path] of [
      ["GET", "/nothing-here"],
      ["POST", "/nothing-here"],
      ["DELETE", "/cases"],
    ] as const) {
      const res = await api(method, path, { key, body: {} });
      expect([res.statusCode, res.data.error.code], `${method} ${path}`).toEqual([404, "not_found"]);
    }
  });
});

describe("reading a case", () => {
  let created: { code: string; token: string };
  let key: string;
  beforeAll(async () => {
    key = (await newKey()).key;
    const res = await api("POST", "/cases", {
      key,
      body: pothole({
        address: "Rruga B 12",
        contact: { name: "Arta Krasniqi", email: "arta@example.org", phone: "044 987 654" },
      }),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    created = { code: res.data.trackingCode, token: res.data.trackingToken };
  });

  it("shows the public view, never contact details", async () => {
    const res = await api("GET", `/cases/${created.code}`);
    expect(res.statusCode).toBe(200);
    expect(res.data).toMatchObject({
      trackingCode: created.code,
      type: "issue_report",
      status: "submitted",
      visibility: "public",
      channel: "api",
      municipality: { slug: "prishtine" },
      category: { code: "potholes" },
      submitterName: null,
      address: "Rruga B 12",
      location: { latitude: 42.6629, longitude: 21.1655, precision: "exact" },
      timeline: [{ type: "submitted", toStatus: "submitted" }],
      url: `http://127.0.0.1:3000/cases/${created.code}`,
    });
    for (const secret of [
      "arta@example.org",
      "044 987 654",
      "Arta Krasniqi",
      "contact",
      "idempotency",
      "token",
    ])
      expect(res.body).not.toContain(secret);
  });

  it("answers 404 for an unknown or malformed code", async () => {
    expect((await api("GET", "/cases/PRI-2026-999999")).statusCode).toBe(404);
    expect((await api("GET", "/cases/..%2F..%2Fetc")).statusCode).toBe(404);
  });

  it("serves a private case only to its submitter, the tracking token or allowed staff", async () => {
    const lirije = await signIn("lirije.shala");
    const own = "PRI-2026-000001";
    await db().update(cases).set({ visibility: "private" }).where(eq(cases.trackingCode, own));
    await db().update(cases).set({ visibility: "private" }).where(eq(cases.trackingCode, created.code));
    try {
      expect((await api("GET", `/cases/${own}`)).statusCode).toBe(404);
      expect((await api("GET", `/cases/${own}`, { key })).statusCode).toBe(404);
      const list = await api("GET", "/cases?municipality=prishtine");
      expect(list.body).not.toContain(own);
      const seen = await api("GET", `/cases/${own}`, { web: lirije });
      expect(seen.statusCode).toBe(200);
      expect(seen.data.visibility).toBe("private");
      expect(seen.headers["cache-control"]).toBe("private, no-store");
      expect(seen.body).not.toContain("lirije.shala@");
      const other = await signIn("stefan.ilic");
      expect((await api("GET", `/cases/${own}`, { web: other })).statusCode).toBe(404);
      const byToken = await api("GET", `/cases/${created.code}`, {
        headers: { "x-tracking-token": created.token },
      });
      expect(byToken.statusCode).toBe(200);
      const wrong = `${created.token.slice(0, -1)}${created.token.endsWith("A") ? "B" : "A"}`;
      expect(
        (await api("GET", `/cases/${created.code}`, { headers: { "x-tracking-token": wrong } })).statusCode,
      ).toBe(404);
    } finally {
      await db().update(cases).set({ visibility: "public" }).where(eq(cases.trackingCode, own));
      await db().update(cases).set({ visibility: "public" }).where(eq(cases.trackingCode, created.code));
    }
  });
});

describe("listing cases", () => {
  it("filters like the web list and pages with links", async () => {
    const { key } = await newKey();
    // Enough public cases in Prishtina for two pages.
    for (let i = 0; i < 22; i++) {
      const res = await api("POST", "/cases", {
        key,
        body: pothole({ title: `Gropë numër ${i}` }),
        headers: { "idempotency-key": newIdempotencyKey() },
      });
      expect(res.statusCode).toBe(201);
    }
    const first = await api("GET", "/cases?municipality=prishtine&type=issue_report");
    expect(first.statusCode).toBe(200);
    expect(first.data.items).toHaveLength(20);
    expect(first.data.page).toBe(1);
    expect(first.data.pageCount).toBeGreaterThanOrEqual(2);
    expect(
      first.data.items.every(
        (c: { municipality: { slug: string }; type: string }) =>
          c.municipality.slug === "prishtine" && c.type === "issue_report",
      ),
    ).toBe(true);
    expect(first.data.links.prev).toBeUndefined();
    expect(first.data.links.next).toBe(
      "http://127.0.0.1:3000/api/v1/cases?municipality=prishtine&type=issue_report&page=2",
    );
    for (const item of first.data.items) {
      expect(Object.keys(item).sort()).toEqual([
        "apiUrl",
        "category",
        "municipality",
        "receivedAt",
        "status",
        "title",
        "trackingCode",
        "type",
        "url",
      ]);
    }
    const second = await api("GET", "/cases?municipality=prishtine&type=issue_report&page=2");
    expect(second.data.page).toBe(2);
    expect(second.data.links.prev).toContain("type=issue_report");
    const codes = new Set(first.data.items.map((i: { trackingCode: string }) => i.trackingCode));
    expect(second.data.items.some((i: { trackingCode: string }) => codes.has(i.trackingCode))).toBe(false);

    const found = await api("GET", "/cases?q=numër%2017");
    expect(found.data.items.map((i: { title: string }) => i.title)).toContain("Gropë numër 17");
    const byStatus = await api("GET", "/cases?status=awaiting_citizen&status=answered");
    expect(
      byStatus.data.items.every((i: { status: string }) =>
        ["awaiting_citizen", "answered"].includes(i.status),
      ),
    ).toBe(true);
  });

  it("answers 400 invalid_query naming each parameter that cannot mean anything", async () => {
    const res = await api("GET", "/cases?municipality=atlantis&from=2026-13-45&status=lost&page=0", {
      headers: { "accept-language": "en" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.data.error.code).toBe("invalid_query");
    expect(Object.keys(res.data.error.fields).sort()).toEqual(["from", "municipality", "page", "status"]);
    expect(res.data.error.fields.municipality).toBe("Choose a municipality from the list");
  });

  it("lists what a municipality takes, with the extra questions", async () => {
    const res = await api("GET", "/categories?municipality=prishtine");
    expect(res.statusCode).toBe(200);
    expect(res.data.municipality.slug).toBe("prishtine");
    const potholes = res.data.categories.find((c: { code: string }) => c.code === "potholes");
    expect(potholes).toMatchObject({
      type: "issue_report",
      accountRequired: false,
      questions: expect.any(Array),
    });
    expect(
      res.data.categories
        .filter((c: { type: string }) => c.type === "proposal")
        .every((c: { accountRequired: boolean }) => c.accountRequired),
    ).toBe(true);
    expect((await api("GET", "/categories")).data.error.code).toBe("invalid_query");
    expect((await api("GET", "/categories?municipality=atlantis")).statusCode).toBe(400);
  });
});

describe("adding information", () => {
  it("lets the owner add it by session, and resumes a case that waited for it", async () => {
    const lirije = await signIn("lirije.shala");
    const code = "PRI-2026-000005"; // awaiting the citizen in the demo
    const res = await api("POST", `/cases/${code}/information`, {
      web: lirije,
      body: { text: "Mbeturinat e vëllimshme, si mobiliet e vjetra." },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.data).toMatchObject({ trackingCode: code, resumed: true });
    expect(res.data.status).not.toBe("awaiting_citizen");
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    const events = await db().select().from(caseEvents).where(eq(caseEvents.caseId, kase!.id));
    expect(events.map((e) => e.type)).toContain("information_added");
    // The text is for staff: the public view says only that information was added.
    const view = await api("GET", `/cases/${code}`);
    expect(view.body).not.toContain("mobiliet e vjetra");
  });

  it("lets the holder of the tracking token add it; a wrong token or another person is 404", async () => {
    const { key } = await newKey();
    const made = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    const { trackingCode: code, trackingToken: token } = made.data;
    const byToken = await api("POST", `/cases/${code}/information`, {
      body: { text: "Është bërë më e madhe." },
      headers: { "x-tracking-token": token },
    });
    expect(byToken.statusCode).toBe(201);
    expect(byToken.data.resumed).toBe(false);
    const wrong = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const call of [
      { headers: { "x-tracking-token": wrong } },
      {},
      { key },
      { web: await signIn("stefan.ilic") },
    ] as Call[]) {
      const res = await api("POST", `/cases/${code}/information`, { ...call, body: { text: "x" } });
      expect(res.statusCode).toBe(404);
    }
    const empty = await api("POST", `/cases/${code}/information`, {
      body: { text: "  " },
      headers: { "x-tracking-token": token },
    });
    expect([empty.statusCode, empty.data.error.code]).toEqual([422, "validation_failed"]);
  });

  it("refuses a session write that is not JSON, or comes from another site", async () => {
    const lirije = await signIn("lirije.shala");
    const code = "PRI-2026-000001";
    const form = await api("POST", `/cases/${code}/information`, {
      web: lirije,
      raw: { payload: "text=hello", type: "application/x-www-form-urlencoded" },
    });
    expect([form.statusCode, form.data.error.code]).toEqual([415, "json_required"]);
    const plain = await api("POST", `/cases/${code}/information`, {
      web: lirije,
      raw: { payload: '{"text":"hello"}', type: "text/plain" },
    });
    expect(plain.statusCode).toBe(415);
    const crossSite: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of crossSite) {
      const res = await api("POST", `/cases/${code}/information`, {
        web: lirije,
        body: { text: "hello" },
        headers,
      });
      expect([res.statusCode, res.data.error.code]).toEqual([403, "cross_site_request"]);
    }
    const same = await api("POST", `/cases/${code}/information`, {
      web: lirije,
      body: { text: "Ende aty." },
      headers: { origin: "http://localhost:80", host: "localhost:80", "sec-fetch-site": "same-origin" },
    });
    expect(same.statusCode, same.body).toBe(201);
  });
});

describe("following", () => {
  it("follows and stops following by session; a key or nobody cannot", async () => {
    const stefan = await signIn("stefan.ilic");
    const code = "PRI-2026-000002";
    const [kase] = await db().select().from(cases).where(eq(cases.trackingCode, code));
    const [user] = await db().select().from(users).where(eq(users.email, "stefan.ilic@demo.ekomuna.example"));
    const followers = () =>
      db()
        .select()
        .from(caseFollowers)
        .where(eq(caseFollowers.caseId, kase!.id))
        .then((r) => r.filter((f) => f.userId === user!.id));

    const put = await api("PUT", `/cases/${code}/followers/me`, { web: stefan });
    expect(put.statusCode).toBe(204);
    expect(await followers()).toHaveLength(1);
    expect((await api("PUT", `/cases/${code}/followers/me`, { web: stefan })).statusCode).toBe(204);
    expect(await followers()).toHaveLength(1);
    const del = await api("DELETE", `/cases/${code}/followers/me`, { web: stefan });
    expect(del.statusCode).toBe(204);
    expect(await followers()).toHaveLength(0);

    const { key } = await newKey();
    const byKey = await api("PUT", `/cases/${code}/followers/me`, { key });
    expect([byKey.statusCode, byKey.data.error.code]).toEqual([403, "session_required"]);
    const anonymous = await api("PUT", `/cases/${code}/followers/me`);
    expect([anonymous.statusCode, anonymous.data.error.code]).toEqual([401, "unauthorized"]);
    const cross = await api("PUT", `/cases/${code}/followers/me`, {
      web: stefan,
      headers: { origin: "https://evil.example" },
    });
    expect(cross.statusCode).toBe(403);
    expect((await api("PUT", "/cases/PRI-2026-999999/followers/me", { web: stefan })).statusCode).toBe(404);
  });
});

describe("photos", () => {
  const jpeg = (width = 800, height = 600) =>
    sharp({ create: { width, height, channels: 3, background: "#2a7a3b" } })
      .jpeg()
      .toBuffer();

  async function upload(code: string, files: { bytes: Buffer; type: string; name?: string }[], call: Call) {
    const data = new FormData();
    for (const f of files)
      data.append("photos", new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name ?? "photo.jpg");
    const request = new Request("http://localhost/", { method: "POST", body: data });
    return api("POST", `/cases/${code}/photos`, {
      ...call,
      raw: { payload: Buffer.from(await request.arrayBuffer()), type: request.headers.get("content-type")! },
    });
  }

  it("adds photos for the client that made the case, refuses others, non-images and too many", async () => {
    const { key } = await newKey();
    const made = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    const code = made.data.trackingCode as string;

    const ok = await upload(
      code,
      [
        { bytes: await jpeg(), type: "image/jpeg" },
        { bytes: await jpeg(300, 500), type: "image/jpeg" },
      ],
      { key },
    );
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.data.photos).toHaveLength(2);
    expect(ok.data.photos[1]).toMatchObject({ width: 300, height: 500 });
    const view = await api("GET", `/cases/${code}`);
    expect(view.data.photos.map((ph: { id: string }) => ph.id)).toEqual(
      ok.data.photos.map((ph: { id: string }) => ph.id),
    );
    const served = await p.app.inject({ url: `/photos/${ok.data.photos[0].id}` });
    expect([served.statusCode, served.headers["content-type"]]).toEqual([200, "image/jpeg"]);

    const text = await upload(code, [{ bytes: Buffer.from("not an image at all"), type: "image/jpeg" }], {
      key,
      headers: { "accept-language": "en" },
    });
    expect(text.statusCode).toBe(422);
    expect(text.data.error).toMatchObject({
      code: "photo_refused",
      fields: { "photos[0]": "The file is not a photo. Choose a JPEG, PNG or WebP image." },
    });

    const four = await Promise.all([1, 2, 3, 4].map(() => jpeg(100, 100)));
    const tooMany = await upload(
      code,
      four.map((bytes) => ({ bytes, type: "image/jpeg" })),
      { key },
    );
    expect([tooMany.statusCode, tooMany.data.error.code]).toEqual([422, "too_many_photos"]);
    const six = await upload(
      code,
      [...four, ...four.slice(0, 2)].map((bytes) => ({ bytes, type: "image/jpeg" })),
      { key },
    );
    expect([six.statusCode, six.data.error.code]).toEqual([422, "too_many_photos"]);
    expect(
      await db()
        .select()
        .from(casePhotos)
        .where(
          eq(casePhotos.caseId, (await db().select().from(cases).where(eq(cases.trackingCode, code)))[0]!.id),
        ),
    ).toHaveLength(2);

    const other = await newKey();
    expect(
      (await upload(code, [{ bytes: await jpeg(), type: "image/jpeg" }], { key: other.key })).statusCode,
    ).toBe(404);
    expect((await upload(code, [{ bytes: await jpeg(), type: "image/jpeg" }], {})).statusCode).toBe(401);
    const json = await api("POST", `/cases/${code}/photos`, { key, body: { photos: [] } });
    expect(json.statusCode).toBe(415);
    const none = await upload(code, [], { key });
    expect([none.statusCode, none.data.error.code]).toEqual([422, "no_file"]);
    for (const payload of [
      "garbage",
      '--xyz\r\nContent-Disposition: form-data; name="photos"; filename="a"\r\n\r\nab',
    ]) {
      const broken = await api("POST", `/cases/${code}/photos`, {
        key,
        raw: { payload, type: `multipart/form-data${payload === "garbage" ? "" : "; boundary=xyz"}` },
      });
      expect([broken.statusCode, broken.data.error.code]).toEqual([400, "invalid_multipart"]);
    }
  });

  it("closes the window an hour after the case was made", async () => {
    const { key } = await newKey();
    const made = await api("POST", "/cases", {
      key,
      body: pothole(),
      headers: { "idempotency-key": newIdempotencyKey() },
    });
    p.clock.advance(61 * 60 * 1000);
    try {
      const late = await upload(made.data.trackingCode, [{ bytes: await jpeg(), type: "image/jpeg" }], {
        key,
      });
      expect([late.statusCode, late.data.error.code]).toEqual([409, "photo_window_closed"]);
    } finally {
      p.clock.advance(-61 * 60 * 1000);
    }
  });
});

describe("rate limits", () => {
  it("answers 429 in the error shape, with Retry-After, past a key's limit", async () => {
    const { key } = await newKey({ rateLimit: 3 });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api("GET", "/cases?municipality=prizren", { key }));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 429]);
    const last = answers[3]!;
    expect(last.data.error.code).toBe("too_many_requests");
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
  });
});

describe("the OpenAPI description", () => {
  it("describes every route with its security, error shape and examples, and every reference resolves", async () => {
    const res = await api("GET", "/openapi.json");
    expect(res.statusCode).toBe(200);
    const doc = res.data;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "E-Komuna API", version: "1" });
    const operations = Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(
      ([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort()).toEqual(
      [
        "DELETE /api/v1/cases/{code}/followers/me",
        "GET /api/v1/cases",
        "GET /api/v1/cases/{code}",
        "GET /api/v1/categories",
        "POST /api/v1/cases",
        "POST /api/v1/cases/{code}/information",
        "POST /api/v1/cases/{code}/photos",
        "PUT /api/v1/cases/{code}/followers/me",
      ].sort(),
    );
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const { path, method, op } of operations) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.tags, where).toHaveLength(1);
      expect(Object.keys(op.responses).length, where).toBeGreaterThan(1);
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        expect(response.description, `${where} ${status}`).toBeTruthy();
        if (Number(status) >= 400)
          expect(
            response.content["application/json"].schema.properties.error.required,
            `${where} ${status}`,
          ).toEqual(["code", "message", "requestId"]);
      }
      for (const requirement of op.security ?? [])
        for (const name of Object.keys(requirement)) expect(schemes).toContain(name);
      for (const param of op.parameters ?? [])
        if (param.in === "path") expect(path).toContain(`{${param.name}}`);
    }
    const create = doc.paths["/api/v1/cases"].post;
    expect(
      create.parameters.some(
        (p: { in: string; name: string }) => p.in === "header" && p.name === "idempotency-key",
      ),
    ).toBe(true);
    expect(create.requestBody.content["application/json"].example.municipality).toBe("prishtine");
    expect(create.requestBody.content["application/json"].schema.required).toEqual(
      expect.arrayContaining(["municipality", "type", "category", "title", "description"]),
    );
    expect(doc.paths["/api/v1/cases/{code}/photos"].post.requestBody.content).toHaveProperty(
      "multipart/form-data",
    );
    // Every $ref points at something in the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice(8, -1);
      expect(pointer.startsWith("#/")).toBe(true);
      const target = pointer
        .slice(2)
        .split("/")
        .reduce<Json>((node, part) => node?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
      expect(target, pointer).toBeDefined();
    }
  });
});

describe("the audit log", () => {
  it("records the API clients made and revoked (once: revoking twice changes nothing)", async () => {
    const { id } = await newKey();
    const first = await revokeApiClient(db(), { which: id, now: p.clock.now(), via: "test" });
    const second = await revokeApiClient(db(), { which: id, now: p.clock.now(), via: "test" });
    expect([first, second]).toMatchObject([
      { ok: true, already: false },
      { ok: true, already: true },
    ]);
    const entries = await db()
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(sql`${auditLog.subjectType} = 'api_client' and ${auditLog.subjectId} = ${id}`);
    expect(entries.map((e) => e.action)).toEqual(["api_client.created", "api_client.revoked"]);
  });
});
