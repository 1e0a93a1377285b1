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
});

/** The validated configuration the whole process runs on. */
export interface Config {
  env: "development" | "production" | "test";
  port: number;
  host: string;
  dataDir: string;
  /** Where uploaded photos are kept (local disk store): EKOMUNA_UPLOADS_DIR, else `<dataDir>/uploads`. */
  uploadsDir: string;
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
  return {
    env: v.NODE_ENV,
    port: v.PORT,
    host: v.HOST,
    dataDir: v.EKOMUNA_DATA_DIR,
    uploadsDir: v.EKOMUNA_UPLOADS_DIR ?? join(v.EKOMUNA_DATA_DIR, "uploads"),
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
    ...overrides,
  };
}
