import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { helmetHeaders, registerSecurityHeaders } from "./securityHeaders.ts";

const options = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", "data:"] },
  },
  strictTransportSecurity: false as const,
  crossOriginEmbedderPolicy: false,
};

describe("the security headers worked out once", () => {
  it("are helmet's for the options: the CSP as configured, no HSTS when switched off", () => {
    const { set, remove } = helmetHeaders(options);
    expect(set["content-security-policy"]).toBe("default-src 'self';img-src 'self' data:");
    expect(set["x-content-type-options"]).toBe("nosniff");
    expect(set).not.toHaveProperty("strict-transport-security");
    expect(remove).toContain("x-powered-by");
  });

  it("are on every answer, a 404 and an error included", async () => {
    const app = Fastify();
    registerSecurityHeaders(app, options);
    app.get("/ok", async () => "ok");
    app.get("/fails", async () => {
      throw new Error("boom");
    });
    for (const url of ["/ok", "/missing", "/fails"]) {
      const res = await app.inject({ url });
      expect(res.headers["content-security-policy"], url).toBe("default-src 'self';img-src 'self' data:");
      expect(res.headers["x-frame-options"], url).toBe("SAMEORIGIN");
    }
    await app.close();
  });
});
