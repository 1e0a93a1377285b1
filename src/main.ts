// The process entry: the `ekomuna` command line (serve, worker, migrate, seed, …). Wrong arguments
// print what is wrong and the usage, and exit with status 2; failures exit with status 1.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { NATIONAL_ROLES } from "./access/roles.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import type { Database } from "./db/client.ts";
import { DataDirLockedError } from "./db/lock.ts";
import { systemClock } from "./kernel/clock.ts";

// Heavy modules (the app, the database drivers, argon2) are imported by the commands that need them,
// so `ekomuna --help` and argument errors answer at once.
const platform = () => import("./platform.ts");

type ParseArgsOptionsConfig = NonNullable<Parameters<typeof parseArgs>[0]>["options"] & object;

const USAGE = `Usage: ekomuna <command> [options]

Commands:
  serve [--demo] [--port N] [--host H] [--no-worker]
                                         start the platform (applies migrations, seeds on first start);
                                         it delivers the outbox and runs the deadline checks itself
                                         unless --no-worker (PostgreSQL only: run \`ekomuna worker\`)
  worker                                 deliver the outbox, run the deadline checks
                                         and seal the audit log, without a web server, until SIGTERM;
                                         PostgreSQL only, as many as you like beside the servers
  migrate                                apply the database migrations
  seed [--demo]                          seed or update the national reference data; --demo adds demo data
  create-admin --email E --name N --role R [--password-stdin]
                                         create a ministry monitor or platform operator
                                         (R: ${NATIONAL_ROLES.join(" or ")})
  audit verify                           check the audit log's hash chain; exits 1 if it is broken
  api-key create --name N [--municipality SLUG] [--rate-limit N]
                                         make an API client and print its key (shown once); SLUG
                                         restricts it to one municipality, N requests per minute
  api-key list                           list the API clients (never their keys)
  api-key revoke PREFIX|ID               revoke an API client's key (by the prefix list shows, or id)
  stats rebuild                          recompute every case's statistics and all aggregates
                                         (docs/INDICATORS.md)
  boundaries import FILE [--property P] [--source S] [--skip-unmatched] [--dry-run]
                                         import municipal boundaries from a GeoJSON FeatureCollection;
                                         features are matched by property P (default "slug") to a
                                         municipality's slug, code or name; locations outside are refused
  backup FILE                            write the database and the uploaded files into FILE (a .tar.gz);
                                         the embedded database must not be in use (stop the server)
  restore FILE [--force]                 put a backup back; refuses a database or uploads directory that
                                         holds data unless --force (which replaces all of it)
  help [command]                         show this help

The database is embedded PGlite in EKOMUNA_DATA_DIR (default ./data) unless DATABASE_URL names a
PostgreSQL server. Photos and documents are files in EKOMUNA_UPLOADS_DIR unless EKOMUNA_STORAGE=s3 names
an S3-compatible bucket (EKOMUNA_S3_*). Other settings: PORT, HOST, SMTP_URL, PUBLIC_URL, LOG_LEVEL,
TRUST_PROXY, SLA_CHECK_SECONDS, EKOMUNA_DEMO, EKOMUNA_DEMO_API_KEY (README.md lists them all).`;

class UsageError extends Error {}

type Out = { out: (s: string) => void; err: (s: string) => void; stdin: () => Promise<string> };
const defaultIo: Out = {
  out: (s) => process.stdout.write(`${s}\n`),
  err: (s) => process.stderr.write(`${s}\n`),
  stdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/**
 * Runs the command line; resolves to the exit status (serve resolves when the server has started,
 * worker when it has stopped).
 */
export async function main(argv: string[], env = process.env, io: Out = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === "help" || command === "--help" || command === "-h") {
      io.out(USAGE);
      return command ? 0 : 2;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      io.out(USAGE);
      return 0;
    }
    switch (command) {
      case "serve":
        return await serve(rest, env, io);
      case "worker":
        return await worker(rest, env, io);
      case "migrate":
        parse(rest, {});
        return await withDatabase(loadConfig(env), async (database) => {
          const { migrate } = await import("./db/migrate.ts");
          await migrate(database);
          io.out("Migrations applied.");
        });
      case "seed":
        return await seed(rest, env, io);
      case "create-admin":
        return await createAdmin(rest, env, io);
      case "boundaries":
        return await boundaries(rest, env, io);
      case "api-key":
        return await apiKey(rest, env, io);
      case "stats":
        return await stats(rest, env, io);
      case "backup":
      case "restore": {
        const { backupCommand } = await import("./ops/backup.ts");
        const done = await backupCommand(
          command,
          rest,
          () => loadConfig(env),
          io,
          () => systemClock.now(),
        );
        if ("usage" in done) throw new UsageError(done.usage);
        return done.status;
      }
      case "audit": {
        const [subcommand, ...options] = rest;
        if (subcommand !== "verify") {
          throw new UsageError(
            subcommand ? `Unknown audit command "${subcommand}".` : "audit needs a command: verify.",
          );
        }
        parse(options, {});
        let status = 0;
        await withDatabase(loadConfig(env), async (database) => {
          const { verifyAuditChain } = await import("./audit/audit.ts");
          const result = await verifyAuditChain(database.db);
          if (result.ok) io.out(`Audit log intact: ${result.checked} entries checked.`);
          else {
            io.err(
              `Audit log BROKEN at entry ${result.brokenAt} (${result.reason}): entries from there on cannot be trusted.`,
            );
            status = 1;
          }
        });
        return status;
      }
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`ekomuna: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.err(`ekomuna: ${e.message}`);
      return 2;
    }
    if (e instanceof DataDirLockedError) {
      io.err(`ekomuna: ${e.message}`);
      return 1;
    }
    io.err(`ekomuna: ${(e as Error).message}`);
    return 1;
  }
}

function parse<O extends ParseArgsOptionsConfig>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function withDatabase(config: Config, work: (db: Database) => Promise<void>): Promise<number> {
  const database = await (await platform()).openConfiguredDatabase(config);
  try {
    await work(database);
    return 0;
  } finally {
    await database.close();
  }
}

async function seed(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  const values = parse(args, { demo: { type: "boolean" } });
  return withDatabase(loadConfig(env), async (database) => {
    const { loadProfile } = await import("./reference/profile.ts");
    const { seedReference } = await import("./reference/seedReference.ts");
    const { migrate } = await import("./db/migrate.ts");
    const { hasDemoData, seedDemo } = await import("./demo/seedDemo.ts");
    const { loadCalendar } = await import("./reference/loadCalendar.ts");
    const profile = loadProfile();
    await migrate(database);
    await seedReference(database.db, profile);
    io.out(
      `Reference data seeded: ${profile.municipalities.length} municipalities, ${profile.categories.length} categories, ${profile.reasonCodes.length} reason codes, ${profile.holidays.length} holidays.`,
    );
    if (values.demo) {
      if (await hasDemoData(database.db)) io.out("Demo data is already there.");
      else {
        await seedDemo(database.db, await loadCalendar(database.db, profile), systemClock.now());
        io.out("Demo data seeded.");
      }
    }
  });
}

const apiKeyInput = z.object({
  name: z.string({ error: "--name is required" }).trim().min(1, "--name must not be empty").max(200),
  municipality: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/, "--municipality must be a municipality's slug, e.g. prishtine")
    .optional(),
  "rate-limit": z
    .string()
    .regex(/^\d{1,7}$/, "--rate-limit must be a whole number of requests per minute")
    .transform(Number)
    .refine((n) => n >= 1, "--rate-limit must be at least 1")
    .optional(),
});

/** `stats rebuild`: every case's statistics facts and every aggregate anew (src/stats/aggregator.ts). */
async function stats(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  if (args.length !== 1 || args[0] !== "rebuild") throw new UsageError("stats needs a command: rebuild.");
  return withDatabase(loadConfig(env), async (database) => {
    const now = systemClock.now();
    const { calendar } = await (await platform()).prepareDatabase(database, { demo: false, now });
    const { rebuildStats } = await import("./stats/aggregator.ts");
    const started = Date.now();
    const { cases } = await rebuildStats(database.db, calendar, now, { log: (e) => io.err(String(e)) });
    io.out(`Statistics rebuilt from ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  });
}

/** `api-key create|list|revoke`: API clients for the REST API (src/api/apiKeys.ts), each step audited. */
async function apiKey(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  const [subcommand, ...rest] = args;
  const now = systemClock.now();
  const open = async (database: Database) => {
    await (await platform()).prepareDatabase(database, { demo: false, now });
    return import("./api/apiKeys.ts");
  };
  let status = 0;
  switch (subcommand) {
    case "create": {
      const parsed = apiKeyInput.safeParse(
        parse(rest, {
          name: { type: "string" },
          municipality: { type: "string" },
          "rate-limit": { type: "string" },
        }),
      );
      if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
      const { name, municipality, "rate-limit": rateLimit } = parsed.data;
      await withDatabase(loadConfig(env), async (database) => {
        const keys = await open(database);
        const made = await keys.createApiClient(database.db, {
          name,
          municipality,
          rateLimit,
          now,
          via: "cli",
        });
        if (!made.ok) throw new UsageError(`--municipality: there is no municipality "${municipality}".`);
        const only = made.client.municipality ? `, restricted to ${made.client.municipality.slug}` : "";
        io.out(
          `Created API client "${name}" (id ${made.client.id}, prefix ${made.client.keyPrefix}${only}).`,
        );
        io.out(`API key (shown once, keep it secret): ${made.key}`);
      });
      return status;
    }
    case "list":
      parse(rest, {});
      await withDatabase(loadConfig(env), async (database) => {
        const clients = await (await open(database)).listApiClients(database.db, { now, via: "cli" });
        if (clients.length === 0) io.out("No API clients.");
        for (const c of clients) {
          const state = c.revokedAt ? `revoked ${c.revokedAt.toISOString()}` : "active";
          io.out(
            [
              c.keyPrefix,
              c.id,
              state,
              c.municipality ?? "all municipalities",
              `${c.rateLimit ?? "default"} req/min`,
              `last used ${c.lastUsedAt?.toISOString() ?? "never"}`,
              c.name,
            ].join("  "),
          );
        }
      });
      return status;
    case "revoke": {
      let positionals: string[];
      try {
        positionals = parseArgs({
          args: rest,
          options: {},
          allowPositionals: true,
          strict: true,
        }).positionals;
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const [which, ...extra] = positionals;
      if (!which || extra.length > 0)
        throw new UsageError("api-key revoke needs one key prefix or client id.");
      await withDatabase(loadConfig(env), async (database) => {
        const keys = await open(database);
        const done = await keys.revokeApiClient(database.db, { which, now, via: "cli" });
        if (!done.ok) {
          io.err(
            done.reason === "ambiguous"
              ? `ekomuna: "${which}" names several API clients; give the client's id (see api-key list).`
              : `ekomuna: no API client "${which}".`,
          );
          status = 1;
          return;
        }
        const c = done.client;
        io.out(
          done.already
            ? `API client "${c.name}" (${c.keyPrefix}) was already revoked.`
            : `Revoked API client "${c.name}" (${c.keyPrefix}); its key stops working within ${keys.KEY_CACHE_MS / 1000} seconds.`,
        );
      });
      return status;
    }
    default:
      throw new UsageError(
        subcommand
          ? `Unknown api-key command "${subcommand}".`
          : "api-key needs a command: create, list or revoke.",
      );
  }
}

async function boundaries(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== "import") {
    throw new UsageError(
      subcommand ? `Unknown boundaries command "${subcommand}".` : "boundaries needs a command: import.",
    );
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        property: { type: "string", default: "slug" },
        source: { type: "string" },
        "skip-unmatched": { type: "boolean" },
        "dry-run": { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) throw new UsageError("boundaries import needs exactly one GeoJSON file.");
  const values = parsed.values as {
    property: string;
    source?: string;
    "skip-unmatched"?: boolean;
    "dry-run"?: boolean;
  };
  const { readFileSync } = await import("node:fs");
  const { basename } = await import("node:path");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { loadProfile } = await import("./reference/profile.ts");
  const { readBoundaries, saveBoundaries } = await import("./reference/boundaries.ts");
  const found = readBoundaries(text, values.property, loadProfile().municipalities);
  for (const error of found.errors) io.err(`ekomuna: ${file}: ${error}`);
  for (const u of found.unmatched)
    io.err(`ekomuna: ${file}: feature ${u.index}: "${u.value}" is no municipality's slug, code or name`);
  if (found.errors.length > 0 || (found.unmatched.length > 0 && !values["skip-unmatched"])) {
    io.err("Nothing imported.");
    return 1;
  }
  io.out(`${found.matched.length} municipalities matched.`);
  if (found.missing.length > 0)
    io.out(`Without a boundary (only the country's bounds apply there): ${found.missing.join(", ")}.`);
  if (values["dry-run"]) {
    io.out("Dry run: nothing written.");
    return 0;
  }
  return withDatabase(loadConfig(env), async (database) => {
    await (await platform()).prepareDatabase(database, { demo: false, now: systemClock.now() });
    const n = await saveBoundaries(database.db, {
      matched: found.matched,
      source: values.source ?? basename(file),
      now: systemClock.now(),
    });
    io.out(`Imported ${n} boundaries.`);
  });
}

const adminInput = z.object({
  email: z.email({ error: "--email must be an email address" }),
  name: z.string({ error: "--name is required" }).trim().min(1, "--name must not be empty"),
  role: z.enum(NATIONAL_ROLES, { error: `--role must be ${NATIONAL_ROLES.join(" or ")}` }),
});

async function createAdmin(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  const values = parse(args, {
    email: { type: "string" },
    name: { type: "string" },
    role: { type: "string" },
    "password-stdin": { type: "boolean" },
  });
  const parsed = adminInput.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => i.message).join("; "));
  const config = loadConfig(env);
  let password = randomBytes(12).toString("base64url");
  if (values["password-stdin"]) {
    password = (await io.stdin()).replace(/\r?\n$/, "");
    if (password.length < 12)
      throw new UsageError("the password from standard input must have at least 12 characters");
  }
  return withDatabase(config, async (database) => {
    const { hash } = await import("@node-rs/argon2");
    const { roleAssignments, users } = await import("./db/schema.ts");
    await (await platform()).prepareDatabase(database, { demo: false, now: systemClock.now() });
    const { email, name, role } = parsed.data;
    const passwordHash = await hash(password);
    await database.db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email, name, passwordHash, emailVerifiedAt: systemClock.now() })
        .onConflictDoNothing()
        .returning();
      if (!user) throw new Error(`an account with the email ${email} already exists`);
      await tx.insert(roleAssignments).values({ userId: user.id, role });
    });
    io.out(`Created ${role} ${email}.`);
    if (!values["password-stdin"])
      io.out(`Password (shown once, change it after the first login): ${password}`);
  });
}

/** Where mail goes: SMTP_URL (a pool of connections), else the development mailbox in demo mode, else nowhere. */
async function mailerFor(config: Config, database: Database) {
  const { devMailboxMailer, noMailer, smtpMailer } = await import("./notifications/mailer.ts");
  return config.smtpUrl
    ? smtpMailer(config.smtpUrl, config.mailFrom, { pool: SMTP_CONNECTIONS })
    : config.demo
      ? devMailboxMailer(database.db)
      : noMailer;
}
const SMTP_CONNECTIONS = 4;

type Background = { poke(): void; stop(options?: { graceMs?: number }): Promise<{ abandoned: number }> };

/**
 * The work beside the web pages: outbox delivery through every channel, the SLA scheduler and the audit
 * sealer. The server runs it (the only choice on the embedded database), or `ekomuna worker` does.
 */
async function startBackground(
  database: Database,
  deps: {
    calendar: Awaited<ReturnType<Awaited<ReturnType<typeof platform>>["prepareDatabase"]>>["calendar"];
    baseUrl: string;
    mailer: Awaited<ReturnType<typeof mailerFor>>;
    log: (err: unknown, what: string) => void;
    /** How often the SLA scheduler looks for deadlines reached (SLA_CHECK_SECONDS). */
    slaCheckSeconds: number;
  },
): Promise<Background> {
  const { emailChannel } = await import("./notifications/mailer.ts");
  const { startOutboxWorker } = await import("./notifications/worker.ts");
  const { startAuditSealer } = await import("./audit/audit.ts");
  const { startSlaScheduler } = await import("./cases/slaScheduler.ts");
  // Each channel is claimed and delivered on its own, so a slow one never holds up another
  // (src/notifications/worker.ts). A new channel is one more line here.
  const { webhookChannel } = await import("./notifications/webhooks.ts");
  const { startDigestScheduler } = await import("./notifications/digest.ts");
  const { startStatsAggregator } = await import("./stats/aggregator.ts");
  const { startParticipationScheduler } = await import("./participation/scheduler.ts");
  const { startOversightScheduler } = await import("./ministry/oversightScheduler.ts");
  const { startStandardsScheduler } = await import("./standards/standardsScheduler.ts");
  const channels = [
    emailChannel(deps.mailer),
    webhookChannel(database.db, { log: (message, details) => deps.log(details, message) }),
  ];
  const outbox = startOutboxWorker(database.db, channels, () => systemClock.now(), {
    log: (err) => deps.log(err, "outbox delivery failed"),
  });
  // Audit entries are chained into the hash chain within a second of their commit (src/audit).
  const sealer = startAuditSealer(database.db, { log: (err) => deps.log(err, "audit sealing failed") });
  // Deadline warnings and escalations, every SLA_CHECK_SECONDS (a minute by default); several processes
  // on one PostgreSQL share the work without making a mark twice (src/cases/slaScheduler.ts).
  const slaScheduler = startSlaScheduler(database.db, deps.calendar, deps.baseUrl, {
    intervalMs: deps.slaCheckSeconds * 1000,
    log: (err) => deps.log(err, "SLA pass failed"),
  });
  // Each person's daily digest, after 07:00 in the calendar's time zone, once a day (src/notifications/digest.ts).
  const digests = startDigestScheduler(database.db, deps.baseUrl, {
    timeZone: deps.calendar.timeZone,
    log: (err) => deps.log(err, "digest pass failed"),
  });
  // The statistics' aggregates follow the case events within seconds (src/stats/aggregator.ts).
  const stats = startStatsAggregator(database.db, deps.calendar, {
    log: (err) => deps.log(err, "statistics pass failed"),
  });
  // Proposals whose support window ended, and the yearly public-meetings minimum (src/participation).
  const participation = startParticipationScheduler(database.db, deps.calendar, deps.baseUrl, {
    log: (err) => deps.log(err, "participation pass failed"),
  });
  // Alerts on systematic lateness for the ministry's monitors (src/ministry).
  const oversight = startOversightScheduler(database.db, deps.calendar, deps.baseUrl, {
    log: (err) => deps.log(err, "oversight pass failed"),
  });
  // National standards' changes dated for a later day take effect on that day (src/standards).
  const standards = startStandardsScheduler(database.db, deps.calendar, {
    baseUrl: deps.baseUrl,
    log: (err) => deps.log(err, "standards pass failed"),
  });
  return {
    poke: outbox.poke,
    async stop(options) {
      const { abandoned } = await outbox.stop(options);
      for (const channel of channels) channel.close?.();
      await standards.stop();
      await oversight.stop();
      await participation.stop();
      await stats.stop();
      await digests.stop();
      await slaScheduler.stop();
      await sealer.stop();
      return { abandoned };
    },
  };
}

/** Time left for the deliveries in flight at shutdown, inside the forced-exit limit. */
const graceOf = (config: Config) => Math.max(0, config.shutdownTimeoutMs - 2_000);

async function serve(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  const values = parse(args, {
    demo: { type: "boolean" },
    port: { type: "string" },
    host: { type: "string" },
    "no-worker": { type: "boolean" },
  });
  const config = loadConfig({
    ...env,
    ...(values.port !== undefined ? { PORT: values.port } : {}),
    ...(values.host !== undefined ? { HOST: values.host } : {}),
    ...(values.demo ? { EKOMUNA_DEMO: "1" } : {}),
  });
  const separateWorkers = values["no-worker"] === true;
  if (separateWorkers && !config.databaseUrl) {
    throw new UsageError(
      "--no-worker needs a PostgreSQL server (DATABASE_URL): the embedded database belongs to one process, so the server must deliver the outbox itself.",
    );
  }
  const { openConfiguredDatabase, prepareDatabase } = await platform();
  const { buildApp, baseUrl } = await import("./app.ts");
  const { Assets } = await import("./web/assets.ts");
  const { DEMO_PASSWORD } = await import("./demo/demoContent.ts");
  const { demoLogins } = await import("./demo/seedDemo.ts");
  const database = await openConfiguredDatabase(config);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let background: Background | undefined;
  try {
    const { profile, calendar } = await prepareDatabase(database, {
      demo: config.demo,
      now: systemClock.now(),
      baseUrl: baseUrl(config),
    });
    if (config.demo && config.demoApiKey) {
      // An API client whose key the integrator already knows (docs/OPEN311.md).
      const { ensureDemoApiClient } = await import("./api/apiKeys.ts");
      const made = await ensureDemoApiClient(database.db, config.demoApiKey, systemClock.now());
      if (made.ok && made.revoked)
        io.err("EKOMUNA_DEMO_API_KEY: that API client was revoked by an operator and stays revoked.");
    }
    const mailer = await mailerFor(config, database);
    if (!separateWorkers) {
      background = await startBackground(database, {
        calendar,
        baseUrl: baseUrl(config),
        mailer,
        log: (err, what) => app?.log.error({ err }, what),
        slaCheckSeconds: config.slaCheckSeconds,
      });
    }
    app = await buildApp({
      config,
      database,
      profile,
      calendar,
      clock: systemClock,
      assets: new Assets(),
      mailer,
      // With separate workers, they find new messages at their next look (within two seconds).
      pokeOutbox: background?.poke ?? (() => {}),
    });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    await app?.close();
    await background?.stop({ graceMs: 0 });
    await database.close();
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`port ${config.port} on ${config.host} is already in use; set PORT to another port`);
    }
    throw e;
  }
  const started = app;
  const address = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${config.port}`;
  io.out(`E-Komuna is running at ${address}`);
  io.out(
    database.kind === "pglite"
      ? `Database: embedded PGlite in ${config.dataDir}`
      : "Database: PostgreSQL server (DATABASE_URL)",
  );
  io.out(
    config.storage.kind === "s3"
      ? `Photos and documents: S3 bucket ${config.storage.bucket}${config.storage.endpoint ? ` at ${config.storage.endpoint}` : ""}`
      : `Photos and documents: files in ${config.uploadsDir}`,
  );
  io.out(
    config.smtpUrl
      ? "Mail: sent over SMTP (SMTP_URL)"
      : config.demo
        ? `Mail: kept in the development mailbox at ${address}/dev/mailbox`
        : "Mail: no SMTP_URL, nothing can be sent",
  );
  if (separateWorkers) {
    io.out("Outbox and deadline checks: left to separate `ekomuna worker` processes (--no-worker)");
  }
  if (config.demo) {
    io.out(`Demo mode. Demo logins, all with the password ${DEMO_PASSWORD}:`);
    for (const l of demoLogins()) {
      io.out(`  ${l.email.padEnd(46)} ${l.role}${l.municipality ? ` (${l.municipality})` : ""}`);
    }
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    started.log.info({ signal }, "shutting down: finishing in-flight requests");
    const force = setTimeout(() => {
      started.log.error("shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    force.unref();
    try {
      await started.close();
      const { abandoned } = (await background?.stop({ graceMs: graceOf(config) })) ?? { abandoned: 0 };
      if (abandoned > 0) {
        started.log.warn(
          { abandoned },
          "outbox deliveries left in flight; they are sent again after their lease",
        );
      }
      // The last entries are sealed before the database closes.
      const { sealAudit } = await import("./audit/audit.ts");
      await sealAudit(database.db);
      await database.close();
      started.log.info("stopped cleanly");
      process.exitCode = 0;
    } catch (e) {
      started.log.error({ err: e }, "shutdown failed");
      process.exitCode = 1;
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return 0;
}

/**
 * `ekomuna worker`: the background work alone (outbox, SLA scheduler, audit sealer), until SIGTERM or
 * SIGINT; then the deliveries in flight are finished and it exits 0. On PostgreSQL only: the embedded
 * database belongs to one process, and there the server runs this work itself.
 */
async function worker(args: string[], env: NodeJS.ProcessEnv, io: Out): Promise<number> {
  parse(args, {});
  const config = loadConfig(env);
  if (!config.databaseUrl) {
    io.err(
      "ekomuna: worker needs a PostgreSQL server (DATABASE_URL). The embedded database (PGlite) belongs to one process: there `ekomuna serve` delivers the outbox itself.",
    );
    return 2;
  }
  const { openConfiguredDatabase, prepareDatabase } = await platform();
  const { baseUrl } = await import("./app.ts");
  const { reasonOf } = await import("./notifications/outbox.ts");
  const database = await openConfiguredDatabase(config);
  // No web server to log through: one line per problem on standard error.
  const log = (err: unknown, what: string) =>
    io.err(`${systemClock.now().toISOString()} ${what}: ${reasonOf(err)}`);
  let background: Background;
  try {
    // Brings the schema up to date like every command (no demo data: the server seeds that).
    const { calendar } = await prepareDatabase(database, { demo: false, now: systemClock.now() });
    const mailer = await mailerFor(config, database);
    background = await startBackground(database, {
      calendar,
      baseUrl: baseUrl(config),
      mailer,
      log,
      slaCheckSeconds: config.slaCheckSeconds,
    });
    io.out(
      `E-Komuna worker running: outbox (mail ${config.smtpUrl ? "over SMTP" : config.demo ? "to the development mailbox" : "nowhere: no SMTP_URL"}), deadline checks, audit sealing. Stop it with SIGTERM.`,
    );
  } catch (e) {
    await database.close();
    throw e;
  }
  // The background timers do not hold the process open (they are unref'd for the server's sake).
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<string>((resolve) => {
    const on = (s: NodeJS.Signals) => () => {
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve(s);
    };
    const onTerm = on("SIGTERM");
    const onInt = on("SIGINT");
    process.once("SIGTERM", onTerm);
    process.once("SIGINT", onInt);
  });
  io.out(`${signal}: finishing the deliveries in flight`);
  const force = setTimeout(() => {
    io.err("ekomuna: worker shutdown timed out; exiting");
    process.exit(1);
  }, config.shutdownTimeoutMs);
  force.unref();
  try {
    const { abandoned } = await background.stop({ graceMs: graceOf(config) });
    if (abandoned > 0) {
      io.err(`ekomuna: ${abandoned} deliveries left in flight; they are sent again after their lease.`);
    }
    const { sealAudit } = await import("./audit/audit.ts");
    await sealAudit(database.db);
  } finally {
    await database.close();
    clearInterval(keepAlive);
    clearTimeout(force);
  }
  io.out("Worker stopped cleanly.");
  return 0;
}
