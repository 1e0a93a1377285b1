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

describe("photo and document storage", () => {
  const s3 = { EKOMUNA_STORAGE: "s3", EKOMUNA_S3_BUCKET: "ekomuna-uploads" };

  it("keeps files on the local disk unless told otherwise", () => {
    expect(loadConfig({}).storage).toEqual({ kind: "local" });
    expect(loadConfig({ EKOMUNA_STORAGE: "local", EKOMUNA_S3_BUCKET: "" }).storage).toEqual({
      kind: "local",
    });
  });

  it("reads an S3-compatible bucket: path-style at an endpoint of one's own, host-style on Amazon S3", () => {
    expect(
      loadConfig({
        ...s3,
        EKOMUNA_S3_ENDPOINT: "http://minio.internal:9000",
        EKOMUNA_S3_ACCESS_KEY_ID: "ekomuna",
        EKOMUNA_S3_SECRET_ACCESS_KEY: "s3cret-s3cret",
      }).storage,
    ).toEqual({
      kind: "s3",
      bucket: "ekomuna-uploads",
      endpoint: "http://minio.internal:9000",
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "ekomuna", secretAccessKey: "s3cret-s3cret" },
    });
    // No key pair: the SDK's own credentials (an instance role); no endpoint: Amazon S3.
    expect(loadConfig({ ...s3, EKOMUNA_S3_REGION: "eu-central-1" }).storage).toEqual({
      kind: "s3",
      bucket: "ekomuna-uploads",
      endpoint: undefined,
      region: "eu-central-1",
      forcePathStyle: false,
      credentials: undefined,
    });
    expect(
      loadConfig({ ...s3, EKOMUNA_S3_ENDPOINT: "https://s3.example.org", EKOMUNA_S3_FORCE_PATH_STYLE: "no" })
        .storage,
    ).toMatchObject({ forcePathStyle: false });
  });

  it("refuses S3 without a bucket, and half a key pair, with what to set", () => {
    expect(() => loadConfig({ EKOMUNA_STORAGE: "s3" })).toThrow(
      /EKOMUNA_STORAGE=s3 needs EKOMUNA_S3_BUCKET, the bucket photos and documents are kept in/,
    );
    try {
      loadConfig({ EKOMUNA_STORAGE: "s3", EKOMUNA_S3_ACCESS_KEY_ID: "ekomuna" });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
      expect((e as ConfigError).problems[1]).toMatch(
        /EKOMUNA_S3_ACCESS_KEY_ID and EKOMUNA_S3_SECRET_ACCESS_KEY must be set together, or neither/,
      );
    }
  });

  it("refuses S3 settings while the store is the local disk: uploads would stay on each machine", () => {
    expect(() =>
      loadConfig({ EKOMUNA_S3_BUCKET: "ekomuna-uploads", EKOMUNA_S3_REGION: "eu-central-1" }),
    ).toThrow(
      "EKOMUNA_S3_BUCKET, EKOMUNA_S3_REGION are set but EKOMUNA_STORAGE is not s3: set EKOMUNA_STORAGE=s3 to keep photos and documents in the bucket, or unset them",
    );
  });

  it("names a wrong store, bucket name or endpoint", () => {
    expect(() => loadConfig({ EKOMUNA_STORAGE: "nfs" })).toThrow(
      /EKOMUNA_STORAGE must be local \(files under EKOMUNA_UPLOADS_DIR\) or s3/,
    );
    expect(() => loadConfig({ ...s3, EKOMUNA_S3_BUCKET: "Uploads_2026" })).toThrow(
      /EKOMUNA_S3_BUCKET must be a bucket name: 3 to 63 lowercase letters/,
    );
    expect(() => loadConfig({ ...s3, EKOMUNA_S3_ENDPOINT: "minio:9000" })).toThrow(
      /EKOMUNA_S3_ENDPOINT must be the http\(s\) address of an S3-compatible server, such as https:\/\/s3\.example\.org \(got "minio:9000"\)/,
    );
  });
});

describe("SLA checks", () => {
  it("look once a minute by default; SLA_CHECK_SECONDS changes it within 1 s to an hour", () => {
    expect(loadConfig({}).slaCheckSeconds).toBe(60);
    expect(loadConfig({ SLA_CHECK_SECONDS: "5" }).slaCheckSeconds).toBe(5);
    expect(() => loadConfig({ SLA_CHECK_SECONDS: "0" })).toThrow(
      /SLA_CHECK_SECONDS must be at least 1 second/,
    );
    expect(() => loadConfig({ SLA_CHECK_SECONDS: "7200" })).toThrow(/at most 3600 seconds/);
  });
});
