// The operators' API clients page (/ops/api-clients) as an operator uses it: list, make a client (its key
// shown once, and working at once), revoke it (and it stops working), every step in the audit log like
// the command line's; others never see the page. And the demo key (EKOMUNA_DEMO_API_KEY): made once,
// whatever how often the demo starts.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_PATTERN, ApiKeyResolver, ensureDemoApiClient, hashApiKey } from "../../src/api/apiKeys.ts";
import { apiClients, auditLog, municipalities, users } from "../../src/db/schema.ts";
import { DEMO_PASSWORD } from "../../src/demo/demoContent.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";
import { WebClient } from "../support/webClient.ts";

let p: TestPlatform;
const db = () => p.deps.database.db;
const PAGE = "/ops/api-clients";

beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
});
afterAll(async () => {
  await p?.close();
});

async function signIn(local: string) {
  const web = new WebClient(p.app);
  const res = await web.submit("/login", { email: `${local}@demo.ekomuna.example`, password: DEMO_PASSWORD });
  expect(res.statusCode).toBe(303);
  return web;
}

async function userId(local: string) {
  const [u] = await db()
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, `${local}@demo.ekomuna.example`));
  return u!.id;
}

/** A key as the created page shows it. */
const keyOn = (html: string) => html.match(/data-api-key>(ek_live_[A-Za-z0-9_-]{43})</)?.[1];

/** Submits a service request through Open311 with a key: what an integrator does first with it. */
const submitWith = (key: string) =>
  p.app.inject({
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

describe("who may use the page", () => {
  it("sends a visitor to log in, and answers 404 to staff who are not operators", async () => {
    const visitor = await new WebClient(p.app).get(PAGE);
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe(`/login?next=${encodeURIComponent(PAGE)}`);
    for (const local of ["admin.prishtine", "ministria", "lirije.shala"]) {
      const web = await signIn(local);
      expect((await web.get(PAGE)).statusCode, local).toBe(404);
      const post = await web.postWithToken(PAGE, { name: "Sneaky" }, "/account");
      expect(post.statusCode, local).toBe(404);
    }
    expect(await db().select().from(apiClients).where(eq(apiClients.name, "Sneaky"))).toHaveLength(0);
  });
});

describe("an operator", () => {
  let web: WebClient;
  beforeAll(async () => {
    web = await signIn("operator");
  });

  it("makes a client restricted to a municipality: the key is shown once, works at once, never again listed", async () => {
    const page = await web.get(PAGE);
    expect(page.statusCode).toBe(200);
    const made = await web.submit(
      PAGE,
      { name: "Aplikacioni i Prishtinës", municipality: "prishtine", rateLimit: "120" },
      PAGE,
    );
    expect(made.statusCode).toBe(201);
    expect(made.headers["cache-control"]).toBe("no-store");
    const key = keyOn(made.body);
    expect(key).toMatch(API_KEY_PATTERN);
    const [row] = await db()
      .select()
      .from(apiClients)
      .where(eq(apiClients.keyHash, hashApiKey(key!)));
    const [prishtine] = await db().select().from(municipalities).where(eq(municipalities.slug, "prishtine"));
    expect(row).toMatchObject({
      name: "Aplikacioni i Prishtinës",
      municipalityId: prishtine!.id,
      rateLimit: 120,
      createdBy: await userId("operator"),
      revokedAt: null,
    });
    expect((await submitWith(key!)).statusCode).toBe(201);

    const list = await web.get(PAGE);
    expect(list.body).toContain("Aplikacioni i Prishtinës");
    expect(list.body).toContain(`${row!.keyPrefix}…`);
    expect(list.body).toContain("Prishtinë");
    expect(list.body).not.toContain(key!);
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "api_client.created"), eq(auditLog.subjectId, row!.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!).toMatchObject({ actorId: await userId("operator"), municipalityId: prishtine!.id });
    expect(audit[0]!.data).toMatchObject({ via: "web", keyPrefix: row!.keyPrefix, rateLimit: 120 });
    expect(JSON.stringify(audit[0]!.data)).not.toContain(key!);
    const listed = await db().select().from(auditLog).where(eq(auditLog.action, "api_client.listed"));
    expect(
      listed.some((e) => e.actorId === row!.createdBy && (e.data as { via?: string }).via === "web"),
    ).toBe(true);
  });

  it("keeps what was typed and says what is wrong (422) on a bad form", async () => {
    const empty = await web.submit(PAGE, { name: "  ", rateLimit: "fast" }, PAGE);
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toMatch(/<title>(Gabim|Error|Greška)[^<]*: /);
    expect(empty.body).toContain('class="error-summary"');
    expect(empty.body).toContain('href="#field-name"');
    expect(empty.body).toContain('href="#field-rateLimit"');
    expect(empty.body).toContain('value="fast"');
    const unknown = await web.submit(PAGE, { name: "X", municipality: "atlantis" }, PAGE);
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('href="#field-municipality"');
    expect(unknown.body).toContain('value="X"');
    const tooBig = await web.submit(PAGE, { name: "X", rateLimit: "10000000" }, PAGE);
    expect(tooBig.statusCode).toBe(422);
    expect(await db().select().from(apiClients).where(eq(apiClients.name, "X"))).toHaveLength(0);
  });

  it("refuses a form without its CSRF token", async () => {
    const res = await web.post(PAGE, { name: "No token" });
    expect(res.statusCode).toBe(403);
    expect(await db().select().from(apiClients).where(eq(apiClients.name, "No token"))).toHaveLength(0);
  });

  it("revokes a client: its key stops working, the list says so, and revoking twice changes nothing", async () => {
    const made = await web.submit(PAGE, { name: "Shërbimi civil" }, PAGE);
    const key = keyOn(made.body)!;
    const [row] = await db()
      .select()
      .from(apiClients)
      .where(eq(apiClients.keyHash, hashApiKey(key)));
    const action = `${PAGE}/${row!.id}/revoke`;
    const revoked = await web.submit(PAGE, {}, action);
    expect(revoked.statusCode).toBe(303);
    expect(revoked.headers.location).toBe(`${PAGE}?done=revoked`);
    const [after] = await db().select().from(apiClients).where(eq(apiClients.id, row!.id));
    expect(after!.revokedAt).not.toBeNull();
    // A fresh resolver (another process, or this one after its 30-second memory) no longer knows the key.
    expect(await new ApiKeyResolver(db(), () => p.clock.now()).resolve(key)).toBeUndefined();
    expect((await submitWith(key)).statusCode).toBe(403);
    const list = await web.get(`${PAGE}?done=revoked`);
    expect(list.body).toContain('role="status"');
    expect(list.body).not.toContain(action);

    const again = await web.postWithToken(action, {}, PAGE);
    expect(again.headers.location).toBe(`${PAGE}?done=already_revoked`);
    const entries = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "api_client.revoked"), eq(auditLog.subjectId, row!.id)));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.data).toMatchObject({ via: "web" });
    expect((await web.postWithToken(`${PAGE}/not-an-id/revoke`, {}, PAGE)).statusCode).toBe(404);
    expect(
      (await web.postWithToken(`${PAGE}/00000000-0000-4000-8000-000000000000/revoke`, {}, PAGE)).statusCode,
    ).toBe(404);
  });
});

describe("the demo key", () => {
  const demoKey = `ek_live_${"Demo0311".repeat(5)}abc`;

  it("makes one client with the given key however often it is asked, and the key works", async () => {
    expect(demoKey).toMatch(API_KEY_PATTERN);
    const first = await ensureDemoApiClient(db(), demoKey, p.clock.now());
    const [second, third] = await Promise.all([
      ensureDemoApiClient(db(), demoKey, p.clock.now()),
      ensureDemoApiClient(db(), demoKey, p.clock.now()),
    ]);
    expect(first).toMatchObject({ ok: true, created: true, revoked: false });
    expect(second).toMatchObject({ ok: true, created: false });
    expect(third).toMatchObject({ ok: true, created: false });
    const rows = await db()
      .select()
      .from(apiClients)
      .where(eq(apiClients.keyHash, hashApiKey(demoKey)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ municipalityId: null, keyPrefix: demoKey.slice(0, 16) });
    const audit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "api_client.created"), eq(auditLog.subjectId, rows[0]!.id)));
    expect(audit).toHaveLength(1);
    expect((await submitWith(demoKey)).statusCode).toBe(201);
  });

  it("leaves a revoked demo client revoked, and refuses a key that could never be used", async () => {
    const key = `ek_live_${"Revoked1".repeat(5)}xyz`;
    const made = await ensureDemoApiClient(db(), key, p.clock.now());
    if (!made.ok) throw new Error(made.reason);
    await db().update(apiClients).set({ revokedAt: p.clock.now() }).where(eq(apiClients.id, made.clientId));
    expect(await ensureDemoApiClient(db(), key, p.clock.now())).toMatchObject({
      ok: true,
      created: false,
      revoked: true,
    });
    expect(await ensureDemoApiClient(db(), "demo", p.clock.now())).toEqual({
      ok: false,
      reason: "malformed_key",
    });
  });
});
