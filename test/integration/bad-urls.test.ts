// Malformed URLs: percent-encoding that does not decode (`%`, `%zz`, a cut UTF-8 sequence), a path segment
// past the router's length limit. Fastify's router refuses them before any hook or route runs, and used to
// answer with its own English JSON (`FST_ERR_BAD_URL`) everywhere; now each area answers in its own shape
// and in the caller's language (src/web/errors.tsx answerFrameworkError): Open311's error document in the
// format the URL's extension names, the REST API's error JSON, the site's 400 page — with the security
// headers and the request id every answer has, never a 500 and never Fastify's own body.
import { request } from "node:http";
import { connect } from "node:net";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../src/kernel/i18n.ts";
import { createTestPlatform, type TestPlatform } from "../support/platform.ts";

let p: TestPlatform;
beforeAll(async () => {
  p = await createTestPlatform();
});
afterAll(() => p.close());

let port: number | undefined;
/** The app on a real port (once), for what only a real connection shows. */
async function listening(): Promise<number> {
  if (port === undefined) {
    await p.app.listen({ port: 0, host: "127.0.0.1" });
    port = (p.app.server.address() as { port: number }).port;
  }
  return port;
}

const get = (url: string, headers: Record<string, string> = {}) =>
  p.app.inject({ method: "GET", url, headers });

/** What every answer carries, refused or not: the security headers and the request id. */
function expectEveryAnswerHeaders(res: LightMyRequestResponse) {
  expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
  expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
  expect(res.headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(res.headers["permissions-policy"]).toContain("camera=()");
  expect(res.headers["x-request-id"]).toMatch(/^[\w.-]+$/);
}

/** Nothing of the framework's own answer or of a stack trace. */
function expectNothingInternal(res: LightMyRequestResponse) {
  expect(res.statusCode).toBeLessThan(500);
  expect(res.body).not.toMatch(/FST_ERR|is not a valid url component|URIError|at \w+ \(/);
}

const BAD = ["%E0%A4%A", "%", "%zz", "%C3", "%ED%A0%80"];

describe("Open311: the specification's error document", () => {
  it("answers a URL it cannot decode with a 400 errors document in JSON, in the caller's language", async () => {
    const res = await get("/open311/v2/services/%E0%A4%A.json", { "accept-language": "sr" });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual([{ code: 400, description: translator("sr")("open311.errors.bad_url") }]);
    expectEveryAnswerHeaders(res);
  });

  it("answers in XML when the URL names .xml or no format, as the specification requires", async () => {
    for (const url of ["/open311/v2/services/%zz.xml", "/open311/v2/%"]) {
      const res = await get(url, { "accept-language": "en" });
      expect(res.statusCode).toBe(400);
      expect(res.headers["content-type"]).toBe("text/xml; charset=utf-8");
      expect(res.body).toBe(
        '<?xml version="1.0" encoding="utf-8"?>\n<errors><error><code>400</code><description>' +
          `${translator("en")("open311.errors.bad_url")}</description></error></errors>\n`,
      );
    }
  });

  it("takes the language from the site's cookie, Albanian by default", async () => {
    const byCookie = await get("/open311/v2/requests/%C3.json", { cookie: "lang=en" });
    expect(byCookie.json()[0].description).toBe(translator("en")("open311.errors.bad_url"));
    const byDefault = await get("/open311/v2/requests/%C3.json");
    expect(byDefault.json()[0].description).toBe(translator("sq")("open311.errors.bad_url"));
  });

  it("answers every malformed escape the same way", async () => {
    for (const bad of BAD) {
      const res = await get(`/open311/v2/requests/${bad}.json?jurisdiction_id=prishtine`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json()[0].code, bad).toBe(400);
      expectNothingInternal(res);
    }
  });
});

describe("the REST API: its error JSON", () => {
  it("answers with code bad_url, a message in the request's language and the request id", async () => {
    const res = await get("/api/v1/cases/%E0%A4%A", { "accept-language": "en", "x-request-id": "bad-url-1" });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.json()).toEqual({
      error: { code: "bad_url", message: translator("en")("errors.api.bad_url"), requestId: "bad-url-1" },
    });
    expect(res.headers["x-request-id"]).toBe("bad-url-1");
    expectEveryAnswerHeaders(res);
  });

  it("answers every malformed escape, with any method, in the same shape", async () => {
    for (const bad of BAD) {
      for (const method of ["GET", "POST", "DELETE"] as const) {
        const res = await p.app.inject({ method, url: `/api/v1/cases/${bad}/follow` });
        expect(res.statusCode, `${method} ${bad}`).toBe(400);
        expect(res.json().error.code, bad).toBe("bad_url");
        expectNothingInternal(res);
      }
    }
  });
});

describe("the site: its 400 page in the visitor's language", () => {
  it("shows the page in the language of the visitor's cookie, with every page's headers", async () => {
    const res = await get("/m/%E0%A4%A/cases", { cookie: "lang=en", "accept-language": "sr" });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toContain('<html lang="en">');
    const t = translator("en");
    expect(res.body).toContain(`<h1>${t("errors.badUrl.title")}</h1>`);
    expect(res.body).toContain(t("errors.badUrl.body"));
    expectEveryAnswerHeaders(res);
    expectNothingInternal(res);
  });

  it("shows Turkish or Bosnian chosen on a municipality's pages in their fallback: the URL names no page", async () => {
    const tr = await get("/m/%zz", { cookie: "lang=tr" });
    expect(tr.body).toContain('<html lang="sq">');
    const bs = await get("/m/%zz", { cookie: "lang=bs" });
    expect(bs.body).toContain('<html lang="sr-Latn">');
  });

  it("follows Accept-Language without a cookie, Albanian without either", async () => {
    const sr = await get("/%zz", { "accept-language": "sr-Latn-RS,sr;q=0.9" });
    expect(sr.body).toContain('<html lang="sr-Latn">');
    expect(sr.body).toContain(translator("sr")("errors.badUrl.title"));
    const sq = await get("/%");
    expect(sq.statusCode).toBe(400);
    expect(sq.body).toContain('<html lang="sq">');
  });

  it("answers a path segment past the router's limit with 414 and its own page", async () => {
    const res = await get(`/m/${"a".repeat(250)}`, { "accept-language": "en" });
    expect(res.statusCode).toBe(414);
    expect(res.body).toContain(translator("en")("errors.urlTooLong.title"));
    expectEveryAnswerHeaders(res);
  });

  it("answers a program that asks for JSON with the platform's error JSON", async () => {
    const res = await get("/cases/%E0%A4%A", { accept: "application/json", "accept-language": "en" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: "bad_url",
      message: translator("en")("errors.api.bad_url"),
    });
  });

  it("answers every malformed escape, in a query-carrying URL too, with the 400 page", async () => {
    for (const bad of BAD) {
      for (const url of [`/m/${bad}`, `/cases/PRI-2026-${bad}?tab=history`, `/${bad}/x`]) {
        const res = await get(url);
        expect(res.statusCode, url).toBe(400);
        expect(res.headers["content-type"], url).toBe("text/html; charset=utf-8");
        expectNothingInternal(res);
      }
    }
  });

  it("answers the same through a real connection, the way a browser sends it", async () => {
    const address = `http://127.0.0.1:${await listening()}`;
    const { status, type, body } = await new Promise<{ status: number; type: string; body: string }>(
      (resolve, reject) => {
        const req = request(
          `${address}/open311/v2/services/%E0%A4%A.json`,
          { headers: { "accept-language": "en" } },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (chunk) => {
              body += chunk;
            });
            res.on("end", () =>
              resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }),
            );
          },
        );
        req.on("error", reject);
        req.end();
      },
    );
    expect(status).toBe(400);
    expect(type).toBe("application/json; charset=utf-8");
    expect(JSON.parse(body)).toEqual([
      { code: 400, description: translator("en")("open311.errors.bad_url") },
    ]);
  });
});

describe("other malformed requests", () => {
  it("answers an encoded NUL in a path as an address that leads nowhere, in each area's shape", async () => {
    const page = await get("/m/prishtine/%00", { "accept-language": "en" });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain(translator("en")("errors.notFound.title"));
    const api = await get("/api/v1/cases/%00");
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe("not_found");
    const open311 = await get("/open311/v2/requests/%00.json?jurisdiction_id=prishtine");
    expect(open311.statusCode).toBeGreaterThanOrEqual(400);
    expect(open311.statusCode).toBeLessThan(500);
    expect(Array.isArray(open311.json())).toBe(true);
  });

  it("refuses a raw NUL, a space or an unreadable Content-Length on the wire with a 400, never a 500", async () => {
    const port = await listening();
    const heads = [
      "GET /m/\u0000x HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /api/v1/cases/a b HTTP/1.1\r\nHost: a\r\n\r\n",
      "POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
    ];
    for (const head of heads) {
      const answer = await rawExchange(port, head);
      expect(answer, JSON.stringify(head)).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).not.toMatch(/at \w+ \(/);
    }
  });

  it("answers a CSV download that names no table of the page with text, not the HTML page", async () => {
    const res = await get("/statistics?format=csv&table=unknown", { "accept-language": "en" });
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(res.body).toBe(`${translator("en")("stats.errors.table")}\n`);
  });
});

/** Writes a raw request head and reads what comes back until the server closes or a second passes. */
function rawExchange(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    let answer = "";
    const timer = setTimeout(() => socket.destroy(), 1000);
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => {
      answer += chunk;
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on("error", reject);
  });
}
