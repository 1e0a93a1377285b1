// Typed configuration from the environment, validated in one place. A wrong value stops start-up with a
// message naming the variable and what it expects, instead of failing later somewhere less obvious.
import { join } from "node:path";
import { z } from "zod";

const port = z.coerce
  .number({ error: "a port number" })
  .int("a whole number")
  .min(1, "a port number from 1 to 65535")
  .max(65535, "a port number from 1 to 65535");

const bool = z
  .enum(["1", "0", "true", "false", "yes", "no", ""], { error: "1, 0, true, false, yes or no" })
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** OpenStreetMap's standard tiles: the default map background (its usage policy asks for attribution). */
export const OSM_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

/**
 * A Leaflet tile URL template: http(s), a host (a leading `{s}.` for subdomains) and a path with {z}, {x}
 * and {y} (or {-y}). The host becomes a CSP source, so it may hold nothing but host characters.
 */
const TILE_TEMPLATE =
  /^(https?):\/\/((?:\{s\}\.)?(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?)(\/[^\s"'<>\\]*)$/;

/** The origin a tile template loads from, as a CSP source (`https://*.tile.example.org` for `{s}.`). */
export function tileOrigin(template: string): string {
  const m = TILE_TEMPLATE.exec(template);
  if (!m) throw new Error(`Not a tile URL template: ${template}`);
  return `${m[1]}://${m[2]!.replace(/^\{s\}\./, "*.")}`;
}

const tileTemplate = z
  .string()
  .regex(TILE_TEMPLATE, "an http(s) tile URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png")
  .refine(
    (s) => s.includes("{z}") && s.includes("{x}") && (s.includes("{y}") || s.includes("{-y}")),
    "a tile URL template with {z}, {x} and {y}",
  );

/** Unset when empty: an optional variable set to "" in a container's environment counts as not set. */
const optionalText = (what: string) =>
  z
    .string()
    .min(1, what)
    .optional()
    .or(z.literal("").transform(() => undefined));

/** S3's rule for bucket names: 3–63 lowercase letters, digits, dots and hyphens, a letter or digit at each end. */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const schema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"], { error: "development, production or test" })
    .default("development"),
  PORT: port.default(3000),
  HOST: z.string().min(1, "a host name or address").default("127.0.0.1"),
  EKOMUNA_DATA_DIR: z.string().min(1, "a directory path").default("./data"),
  EKOMUNA_UPLOADS_DIR: z
    .string()
    .min(1, "a directory path")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/.+/, "a postgres:// or postgresql:// connection URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, "an smtp:// or smtps:// URL")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PUBLIC_URL: z.url({ error: "an absolute URL such as https://ekomuna.example.org" }).optional(),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
      error: "fatal, error, warn, info, debug, trace or silent",
    })
    .default("info"),
  EKOMUNA_DEMO: bool.optional(),
  TRUST_PROXY: bool.default(false),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number({ error: "a number of milliseconds" }).int().min(0).default(10_000),
  MAIL_FROM: z
    .string()
    .min(3, "an address such as E-Komuna <no-reply@ekomuna.example.org>")
    .default("E-Komuna <no-reply@ekomuna.localhost>"),
  SESSION_IDLE_MINUTES: z.coerce
    .number({ error: "a number of minutes" })
    .int()
    .min(5, "at least 5 minutes")
    .max(43_200)
    .default(240),
  SESSION_MAX_DAYS: z.coerce
    .number({ error: "a number of days" })
    .int()
    .min(1, "at least 1 day")
    .max(365)
    .default(30),
  OIDC_ISSUER: z
    .url({ error: "the OpenID provider's issuer URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_PROVIDER_NAME: z.string().min(1).default("e-Kosova"),
  // Where photos and documents are kept: files under EKOMUNA_UPLOADS_DIR, or an S3-compatible bucket.
  EKOMUNA_STORAGE: z
    .enum(["local", "s3"], {
      error: "local (files under EKOMUNA_UPLOADS_DIR) or s3 (an S3-compatible bucket, EKOMUNA_S3_*)",
    })
    .default("local"),
  EKOMUNA_S3_BUCKET: z
    .string()
    .regex(BUCKET, "a bucket name: 3 to 63 lowercase letters, digits, dots and hyphens")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  EKOMUNA_S3_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      error: "the http(s) address of an S3-compatible server, such as https://s3.example.org",
    })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  EKOMUNA_S3_REGION: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/, "a region name such as eu-central-1 (us-east-1 for most other servers)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  EKOMUNA_S3_ACCESS_KEY_ID: optionalText("an access key id"),
  EKOMUNA_S3_SECRET_ACCESS_KEY: optionalText("a secret access key"),
  EKOMUNA_S3_FORCE_PATH_STYLE: bool.optional(),
  // How often each process running the background work looks for deadlines reached (src/cases/slaScheduler.ts).
  SLA_CHECK_SECONDS: z.coerce
    .number({ error: "a number of seconds" })
    .int("a whole number of seconds")
    .min(1, "at least 1 second")
    .max(3600, "at most 3600 seconds (an hour)")
    .default(60),
  // In demo mode, an API client with this key exists, so integrators can try Open311 and the API at once.
  EKOMUNA_DEMO_API_KEY: z
    .string()
    .regex(/^ek_live_[A-Za-z0-9_-]{43}$/, "an API key: ek_live_ and 43 characters of A-Z a-z 0-9 _ -")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  // Unset: 5 seconds, except under NODE_ENV=test (0: tests see every change at once; see loadConfig).
  PAGE_CACHE_SECONDS: z.coerce
    .number({ error: "a number of seconds" })
    .int("a whole number of seconds")
    .min(0, "0 (off) or more seconds")
    .max(300, "at most 300 seconds")
    .optional(),
  // Empty turns maps off; unset means OpenStreetMap, except under NODE_ENV=test (see loadConfig).
  MAP_TILE_URL: tileTemplate.optional().or(z.literal("")),
  MAP_TILE_ATTRIBUTION: z
    .string()
    .trim()
    .min(1, "the text crediting the map data, such as © OpenStreetMap contributors")
    .max(300, "at most 300 characters")
    .default("© OpenStreetMap contributors"),
});

/** An S3-compatible bucket for photos and documents (src/cases/photos/s3Store.ts). */
export interface S3Settings {
  bucket: string;
  /** Unset: Amazon S3 itself, at the region's address. */
  endpoint: string | undefined;
  region: string;
  /** Bucket in the path (`https://host/bucket/key`) rather than the host name (`https://bucket.host/key`). */
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's own chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance or pod role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** The validated configuration the whole process runs on. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  /** Where uploaded photos are kept (local disk store): EKOMUNA_UPLOADS_DIR, else `<dataDir>/uploads`. */
  uploadsDir: string;
  /** Photos and documents: files under `uploadsDir`, or an S3-compatible bucket (EKOMUNA_STORAGE=s3). */
  storage: { kind: "local" } | ({ kind: "s3" } & S3Settings);
  /** Seconds between two looks of the SLA scheduler for deadlines reached (SLA_CHECK_SECONDS). */
  slaCheckSeconds: number;
  /** Set: a PostgreSQL server through node-postgres. Unset: embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  smtpUrl: string | undefined;
  publicUrl: string | undefined;
  logLevel: string;
  /** Demo mode seeds demo municipalities' staff, citizens and cases and prints the demo logins. */
  demo: boolean;
  trustProxy: boolean;
  shutdownTimeoutMs: number;
  mailFrom: string;
  session: { idleMinutes: number; maxDays: number };
  /** National eID over OpenID Connect; set only when issuer, client id and secret are all configured. */
  oidc: { issuer: string; clientId: string; clientSecret: string; name: string } | undefined;
  /**
   * Maps (Leaflet) over this tile server; undefined: no maps, pages show their text alone. `tileOrigin`
   * is what the CSP's img-src allows.
   */
  map: { tileUrl: string; attribution: string; tileOrigin: string } | undefined;
  /** How long a public page is kept for visitors (src/web/pageCache.ts); 0: not kept. */
  pageCacheSeconds: number;
  /** Demo mode only: the key of an API client made at start-up (EKOMUNA_DEMO_API_KEY). */
  demoApiKey: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads the configuration from `env`; throws ConfigError listing every wrong variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const got = env[name];
      return `${name} must be ${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`;
    });
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  const oidcSet = [v.OIDC_ISSUER, v.OIDC_CLIENT_ID, v.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcSet > 0 && oidcSet < 3) {
    throw new ConfigError([
      "OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together (national eID login)",
    ]);
  }
  const storage = storageOf(v, env);
  // Tests run offline: no tile server unless a test names one (a failed tile load is a failed request).
  const tileUrl = v.MAP_TILE_URL ?? (v.NODE_ENV === "test" ? "" : OSM_TILE_URL);
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    dataDir: v.EKOMUNA_DATA_DIR,
    uploadsDir: v.EKOMUNA_UPLOADS_DIR ?? join(v.EKOMUNA_DATA_DIR, "uploads"),
    storage,
    slaCheckSeconds: v.SLA_CHECK_SECONDS,
    databaseUrl: v.DATABASE_URL,
    smtpUrl: v.SMTP_URL,
    publicUrl: v.PUBLIC_URL,
    logLevel: v.LOG_LEVEL,
    demo: v.EKOMUNA_DEMO ?? false,
    trustProxy: v.TRUST_PROXY,
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    mailFrom: v.MAIL_FROM,
    session: { idleMinutes: v.SESSION_IDLE_MINUTES, maxDays: v.SESSION_MAX_DAYS },
    oidc:
      v.OIDC_ISSUER && v.OIDC_CLIENT_ID && v.OIDC_CLIENT_SECRET
        ? {
            issuer: v.OIDC_ISSUER,
            clientId: v.OIDC_CLIENT_ID,
            clientSecret: v.OIDC_CLIENT_SECRET,
            name: v.OIDC_PROVIDER_NAME,
          }
        : undefined,
    map: tileUrl
      ? { tileUrl, attribution: v.MAP_TILE_ATTRIBUTION, tileOrigin: tileOrigin(tileUrl) }
      : undefined,
    pageCacheSeconds: v.PAGE_CACHE_SECONDS ?? (v.NODE_ENV === "test" ? 0 : 5),
    demoApiKey: v.EKOMUNA_DEMO_API_KEY,
    ...overrides,
  };
}

const S3_VARIABLES = [
  "EKOMUNA_S3_BUCKET",
  "EKOMUNA_S3_ENDPOINT",
  "EKOMUNA_S3_REGION",
  "EKOMUNA_S3_ACCESS_KEY_ID",
  "EKOMUNA_S3_SECRET_ACCESS_KEY",
  "EKOMUNA_S3_FORCE_PATH_STYLE",
] as const;

/**
 * The store the settings describe; throws ConfigError for a combination that cannot be what was meant:
 * S3 without a bucket, half a key pair, or S3 settings while the store is the local disk (several
 * instances would then each keep their uploads on their own disk, unseen by the others).
 */
function storageOf(v: z.infer<typeof schema>, env: Record<string, string | undefined>): Config["storage"] {
  // Set means set to something: an empty variable in a container's environment counts as unset.
  const given = (name: string) => (env[name] ?? "") !== "";
  if (v.EKOMUNA_STORAGE === "local") {
    const set = S3_VARIABLES.filter(given);
    if (set.length > 0) {
      throw new ConfigError([
        `${set.join(", ")} ${set.length === 1 ? "is" : "are"} set but EKOMUNA_STORAGE is not s3: set EKOMUNA_STORAGE=s3 to keep photos and documents in the bucket, or unset ${set.length === 1 ? "it" : "them"}`,
      ]);
    }
    return { kind: "local" };
  }
  const problems: string[] = [];
  if (!v.EKOMUNA_S3_BUCKET) {
    problems.push("EKOMUNA_STORAGE=s3 needs EKOMUNA_S3_BUCKET, the bucket photos and documents are kept in");
  }
  const keys = [v.EKOMUNA_S3_ACCESS_KEY_ID, v.EKOMUNA_S3_SECRET_ACCESS_KEY].filter(Boolean).length;
  if (keys === 1) {
    problems.push(
      "EKOMUNA_S3_ACCESS_KEY_ID and EKOMUNA_S3_SECRET_ACCESS_KEY must be set together, or neither (then the AWS SDK's own credentials are used: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or an instance role)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    kind: "s3",
    bucket: v.EKOMUNA_S3_BUCKET!,
    endpoint: v.EKOMUNA_S3_ENDPOINT,
    region: v.EKOMUNA_S3_REGION ?? "us-east-1",
    // A server of one's own (MinIO, Ceph, Garage) is usually reached by path: a bucket host name needs
    // DNS for every bucket. Amazon S3 itself wants the host name form.
    forcePathStyle: given("EKOMUNA_S3_FORCE_PATH_STYLE")
      ? v.EKOMUNA_S3_FORCE_PATH_STYLE === true
      : v.EKOMUNA_S3_ENDPOINT !== undefined,
    credentials:
      v.EKOMUNA_S3_ACCESS_KEY_ID && v.EKOMUNA_S3_SECRET_ACCESS_KEY
        ? { accessKeyId: v.EKOMUNA_S3_ACCESS_KEY_ID, secretAccessKey: v.EKOMUNA_S3_SECRET_ACCESS_KEY }
        : undefined,
  };
}
