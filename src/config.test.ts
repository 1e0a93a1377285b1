import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("configuration from the environment", () => {
  it("has working defaults: embedded database in ./data on 127.0.0.1:3000", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      dataDir: "./data",
      databaseUrl: undefined,
      demo: false,
    });
  });

  it("uses a PostgreSQL server when DATABASE_URL is set", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/ekomuna" }).databaseUrl).toBe(
      "postgres://u:p@db:5432/ekomuna",
    );
  });

  it("treats an empty optional URL as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", SMTP_URL: "" })).toMatchObject({
      databaseUrl: undefined,
      smtpUrl: undefined,
    });
  });

  it("names the variable, what it expects and what it got when a value is wrong", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT must be a port number.*\(got "eighty"\)/);
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT must be a port number from 1 to 65535/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL must be a postgres:\/\//);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL must be fatal, error/);
  });

  it("lists every wrong variable at once", () => {
    try {
      loadConfig({ PORT: "x", SMTP_URL: "http://mail", EKOMUNA_DEMO: "maybe" });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.split(" ")[0]).sort()).toEqual([
        "EKOMUNA_DEMO",
        "PORT",
        "SMTP_URL",
      ]);
    }
  });

  it("reads yes/no switches", () => {
    expect(loadConfig({ EKOMUNA_DEMO: "1", TRUST_PROXY: "yes" })).toMatchObject({
      demo: true,
      trustProxy: true,
    });
    expect(loadConfig({ EKOMUNA_DEMO: "false" }).demo).toBe(false);
  });
});

describe("national eID settings", () => {
  it("turns eID login on only when issuer, client id and secret are all set", () => {
    expect(loadConfig({}).oidc).toBeUndefined();
    expect(
      loadConfig({
        OIDC_ISSUER: "https://eid.example/",
        OIDC_CLIENT_ID: "ekomuna",
        OIDC_CLIENT_SECRET: "s3cret",
      }).oidc,
    ).toEqual({
      issuer: "https://eid.example/",
      clientId: "ekomuna",
      clientSecret: "s3cret",
      name: "e-Kosova",
    });
  });

  it("refuses a half configuration, naming the three variables", () => {
    expect(() => loadConfig({ OIDC_ISSUER: "https://eid.example/" })).toThrow(
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET/,
    );
  });
});
