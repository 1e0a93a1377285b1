// The page shell, languages, errors and protections every page relies on, through app.inject().
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform({ demo: true });
  // Routes that exist only in this test, to drive the error handler with bodies no page route takes yet.
  p.app.post(
    "/api/v1/test-echo",
    { schema: { body: { type: "object", required: ["n"], properties: { n: { type: "integer" } } } } },
    async (req) => req.body,
  );
  p.app.get("/test-boom", async () => {
    throw new Error("secret internal detail at /srv/app/src/x.ts:12");
  });
});
afterAll(() => p.close());

const get = (url: string, headers: Record<string, string> = {}) => p.app.inject({ url, headers });

describe("the home page", () => {
  it("lists all 38 municipalities, in Albanian by default", async () => {
    const res = await get("/");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toMatch(/^<!doctype html><html lang="sq">/);
    expect(res.body.match(/href="\/m\/[a-z-]+"/g)).toHaveLength(38);
    expect(res.body).toContain("<h1>Komuna juaj, me përgjigje në kohë</h1>");
    expect(res.body).toContain("38 komuna");
  });

  it("speaks Serbian to a browser that asks for it, with Serbian municipality names", async () => {
    const res = await get("/", { "accept-language": "sr-Latn-RS,sr;q=0.9,en;q=0.5" });
    expect(res.body).toContain('<html lang="sr-Latn">');
    expect(res.body).toContain("<span>Priština</span>");
    expect(res.body).toContain('<span class="alt-name" lang="sq">Prishtinë</span>');
    expect(res.body).toContain("38 opština");
    // Serbian Latin alphabetical order: D, Dž, Đ (not Đ sorted as a D with a mark).
    expect(res.body.indexOf(">Dragaš<")).toBeLessThan(res.body.indexOf(">Đakovica<"));
    expect(res.body.indexOf(">Zubin Potok<")).toBeLessThan(res.body.indexOf(">Zvečan<"));
  });

  it("remembers a chosen language over the browser's", async () => {
    const res = await get("/", { cookie: "lang=en", "accept-language": "sr" });
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain("Your municipality, answering on time");
  });

  it("ignores a language it has no catalog for", async () => {
    const res = await get("/", { cookie: "lang=de", "accept-language": "fr" });
    expect(res.body).toContain('<html lang="sq">');
  });

  it("has a skip link to the main region first, and marks the current language", async () => {
    const res = await get("/", { cookie: "lang=en" });
    expect(res.body).toMatch(/<body><a class="skip-link" href="#main">Skip to main content<\/a>/);
    expect(res.body).toContain('<main id="main"');
    expect(res.body).toContain('aria-current="true">English</span>');
    expect(res.body).toContain('href="/language/sq?next=%2F" lang="sq" hreflang="sq">Shqip</a>');
  });
});

describe("the language switch", () => {
  it("remembers the choice in a cookie and returns to the page", async () => {
    const res = await get("/language/sr?next=%2Fm%2Fprishtine");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/m/prishtine");
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^lang=sr; Max-Age=31536000; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it.each(["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"])(
    "never redirects away from the platform (next=%s)",
    async (next) => {
      const res = await get(`/language/en?next=${encodeURIComponent(next)}`);
      expect(res.headers.location).toBe("/");
    },
  );

  it("refuses a language it does not have", async () => {
    expect((await get("/language/de?next=/")).statusCode).toBe(404);
  });
});

describe("a municipality's page", () => {
  it("counts its cases by status, with a total that matches the database", async () => {
    const res = await get("/m/prishtine", { cookie: "lang=en" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<h1>Municipality of Prishtinë</h1>");
    const { rows } = (await p.deps.database.db.execute(
      sql`select count(*)::int as n from cases c join municipalities m on m.id = c.municipality_id where m.slug = 'prishtine'`,
    )) as unknown as { rows: { n: number }[] };
    expect(res.body).toContain(`<th scope="row">Total</th><td class="number">${rows[0]!.n}</td>`);
    for (const status of ["Submitted", "In progress", "Rejected", "Merged as a duplicate"]) {
      expect(res.body).toContain(`<th scope="row">${status}</th>`);
    }
  });

  it("says so when nothing has been received yet", async () => {
    const res = await get("/m/junik", { cookie: "lang=sr" });
    expect(res.body).toContain("<h1>Opština Junik</h1>");
    expect(res.body).toContain("Opština još nije primila nijedan doprinos.");
    expect(res.body).not.toContain("<table>");
  });

  it("answers 404 in the page language for an unknown municipality", async () => {
    const res = await get("/m/atlantis", { cookie: "lang=sq" });
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain("<h1>Faqja nuk u gjet</h1>");
  });
});

describe("errors", () => {
  it("shows a 404 page to people", async () => {
    const res = await get("/no/such/page", { "accept-language": "sr" });
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("<title>Stranica nije pronađena – E-Komuna</title>");
  });

  it("answers JSON with a machine-readable code to programs", async () => {
    const res = await get("/no/such/page", { accept: "application/json", "accept-language": "en" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: {
        code: "not_found",
        message: "No resource exists at this address.",
        requestId: res.headers["x-request-id"],
      },
    });
    expect((await get("/api/v1/nothing-here")).json().error.code).toBe("not_found");
  });

  it.each([
    ["malformed JSON", "application/json", '{"n": 1', 400, "invalid_json"],
    ["an empty JSON body", "application/json", "", 400, "empty_json"],
    ["a body the schema refuses", "application/json", '{"n": "one"}', 400, "bad_request"],
    ["an unsupported media type", "text/csv", "n\n1", 415, "unsupported_media_type"],
  ])("answers %s with a readable 4xx", async (_what, type, payload, status, code) => {
    const res = await p.app.inject({
      method: "POST",
      url: "/api/v1/test-echo",
      headers: { "content-type": type, "accept-language": "sq" },
      payload,
    });
    expect(res.statusCode).toBe(status);
    const body = res.json();
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/\S/);
    expect(res.body).not.toMatch(/at \S+\.ts:\d+/);
  });

  it("answers a body over the limit with 413", async () => {
    const res = await p.app.inject({
      method: "POST",
      url: "/api/v1/test-echo",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ n: 1, pad: "x".repeat(1_100_000) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe("payload_too_large");
  });

  it("turns an unexpected failure into a page without internals, with a reference to quote", async () => {
    const res = await get("/test-boom", { cookie: "lang=sq", "x-request-id": "ref-123" });
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain("<h1>Diçka shkoi keq</h1>");
    expect(res.body).toContain("ref-123");
    expect(res.body).not.toContain("secret internal detail");
    expect(res.body).not.toContain("x.ts");
    const json = await get("/test-boom", { accept: "application/json" });
    expect(json.statusCode).toBe(500);
    expect(json.json().error.code).toBe("internal");
    expect(json.body).not.toContain("secret");
  });
});

describe("protections and operations", () => {
  it("sends a strict Content-Security-Policy and the other security headers", async () => {
    const res = await get("/");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(res.headers["permissions-policy"]).toContain("camera=()");
    // Plain http (no PUBLIC_URL on https): no HSTS.
    expect(res.headers["strict-transport-security"]).toBeUndefined();
  });

  it("registers each page's sample URL once (not again for the HEAD route Fastify adds)", () => {
    expect(p.app.pageSamples).toEqual(expect.arrayContaining(["/", "/m/prishtine"]));
    expect(new Set(p.app.pageSamples).size).toBe(p.app.pageSamples.length);
  });

  it("has no inline script or style in its pages", async () => {
    for (const url of p.app.pageSamples) {
      const body = (await get(url)).body;
      expect(body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(body).not.toMatch(/\sstyle="/);
      expect(body).not.toMatch(/<style/);
    }
  });

  it("serves assets under hashed names, cached for a year", async () => {
    const page = (await get("/")).body;
    const href = page.match(/href="(\/assets\/app\.[0-9a-f]{10}\.css)"/)?.[1];
    expect(href).toBeDefined();
    const css = await get(href!);
    expect(css.statusCode).toBe(200);
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(css.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect((await get("/assets/app.css")).statusCode).toBe(404);
    expect((await get("/assets/app.0000000000.css")).statusCode).toBe(404);
  });

  it("gives every response a request id, reusing a sane one from the caller", async () => {
    expect((await get("/healthz")).headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect((await get("/healthz", { "x-request-id": "abc-123" })).headers["x-request-id"]).toBe("abc-123");
    expect((await get("/healthz", { "x-request-id": "<script>" })).headers["x-request-id"]).toMatch(
      /^[0-9a-f-]{36}$/,
    );
  });

  it("reports health when the database answers", async () => {
    const res = await get("/healthz");
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });
});

describe("behind TLS", () => {
  it("adds HSTS and marks the language cookie Secure", async () => {
    const tls = await createTestPlatform({ env: { PUBLIC_URL: "https://ekomuna.example.org" } });
    try {
      const res = await tls.app.inject({ url: "/language/en?next=/" });
      expect(res.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
      expect(String(res.headers["set-cookie"])).toContain("Secure");
    } finally {
      await tls.close();
    }
  });
});

describe("health without a database", () => {
  it("answers 503 when the database does not answer", async () => {
    const broken = await createTestPlatform();
    try {
      await broken.deps.database.close();
      const res = await broken.app.inject({ url: "/healthz" });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: "unavailable" });
    } finally {
      await broken.close();
    }
  });
});

describe("authorization failures", () => {
  it("answer 404, not 403, so nothing is disclosed", async () => {
    const { authorize } = await import("../../src/access/policy.ts");
    const guarded = await createTestPlatform();
    try {
      guarded.app.get("/test-guarded", async (req) => {
        authorize(req.actor, "platform.settings");
        return { secret: true };
      });
      const res = await guarded.app.inject({ url: "/test-guarded", headers: { cookie: "lang=en" } });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain("Page not found");
      expect(res.body).not.toContain("secret");
    } finally {
      await guarded.close();
    }
  });
});

describe("typed text shown again in a form", () => {
  it("comes back exactly as typed, entities included", async () => {
    const { WebClient } = await import("../support/webClient.ts");
    const web = new WebClient(p.app);
    const res = await web.submit("/register", {
      name: 'a &lt; b & "c"',
      email: "x",
      password: "",
      language: "sq",
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('value="a &amp;lt; b &amp; &#34;c&#34;"');
  });
});
