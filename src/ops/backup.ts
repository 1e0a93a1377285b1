// `ekomuna backup FILE` and `ekomuna restore FILE [--force]`: the whole platform in one file. A backup is
// a gzipped tar that standard tools read (`tar tzf`): ekomuna-backup.json (what it holds), then the
// database — database.pgdump (pg_dump's custom format) from a PostgreSQL server, or pgdata/… (the embedded
// database's data directory, copied while it is closed) — then uploads/… (photos and documents).
// Restore reads the whole archive once before it changes anything, so a damaged file changes nothing,
// and replaces a database only in one transaction (PostgreSQL) or from a complete copy (PGlite).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, readdirSync } from "node:fs";
import { lstat, mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs, promisify } from "node:util";
import { createGunzip, createGzip } from "node:zlib";
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Config } from "../config.ts";
import { type Database, openDatabase } from "../db/client.ts";
import { lockDataDir } from "../db/lock.ts";

const MANIFEST = "ekomuna-backup.json";
const PG_DUMP = "database.pgdump";
// Inside the data directory, so the rename into place never crosses file systems.
const STAGING = ".ekomuna-restore";
const LOCK_FILE = "ekomuna.lock";

const manifestSchema = z.object({
  format: z.literal("ekomuna-backup"),
  version: z.literal(1),
  database: z.enum(["postgres", "pglite"]),
  createdAt: z.string(),
  cases: z.number(),
  newestCase: z.object({ trackingCode: z.string(), createdAt: z.string() }).nullable(),
  uploads: z.number(),
  /** The major version of the pg_dump that wrote database.pgdump: pg_restore must be at least as new. */
  pgDumpMajor: z.number().optional(),
});
type Manifest = z.infer<typeof manifestSchema>;
type Kind = Manifest["database"];
type Newest = Manifest["newestCase"];

// ── The tar format (POSIX ustar): enough to write and read back regular files and directories.

const BLOCK = 512;
/** Largest size in an octal field; larger (a pg_dump of a big database) is written base-256, as GNU tar does. */
const OCTAL_LIMIT = 8 ** 11;

/** What goes into an archive: a directory, or a file's bytes from disk or from memory. */
export type TarSource =
  | { name: string; type: "dir" }
  | { name: string; type: "file"; path: string; size: number }
  | { name: string; type: "file"; data: Buffer };

export interface TarEntry {
  name: string;
  type: "file" | "dir";
  size: number;
  /** The entry's bytes; what is not read is skipped. */
  body(): AsyncGenerator<Buffer>;
}

/** The archive is not readable as a whole: truncated, corrupt, or holding what restore never writes. */
export class DamagedArchiveError extends Error {}

function splitName(name: string): { name: string; prefix: string } {
  if (Buffer.byteLength(name) <= 100) return { name, prefix: "" };
  for (let i = name.indexOf("/"); i !== -1; i = name.indexOf("/", i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) > 155) break;
    if (rest && Buffer.byteLength(rest) <= 100) return { name: rest, prefix };
  }
  throw new Error(`a name too long for the archive: ${name}`);
}

function header(name: string, type: "file" | "dir", size: number, mtime: Date): Buffer {
  const h = Buffer.alloc(BLOCK);
  const split = splitName(type === "dir" ? `${name}/` : name);
  h.write(split.name, 0, 100, "utf8");
  h.write(type === "dir" ? "0000755\0" : "0000644\0", 100, "ascii");
  h.write("0000000\0", 108, "ascii");
  h.write("0000000\0", 116, "ascii");
  if (size < OCTAL_LIMIT) h.write(`${size.toString(8).padStart(11, "0")}\0`, 124, "ascii");
  else {
    h[124] = 0x80;
    let rest = BigInt(size);
    for (let i = 135; i > 124; i--, rest >>= 8n) h[i] = Number(rest & 0xffn);
  }
  h.write(
    `${Math.floor(mtime.getTime() / 1000)
      .toString(8)
      .padStart(11, "0")}\0`,
    136,
    "ascii",
  );
  h.fill(0x20, 148, 156);
  h.write(type === "dir" ? "5" : "0", 156, "ascii");
  h.write("ustar\u000000", 257, "ascii");
  h.write(split.prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

/** The archive's bytes, file by file; a file that changes size while it is read stops the archive. */
export async function* tarStream(sources: Iterable<TarSource>, mtime: Date): AsyncGenerator<Buffer> {
  for (const s of sources) {
    if (s.type === "dir") {
      yield header(s.name, "dir", 0, mtime);
      continue;
    }
    const size = "data" in s ? s.data.length : s.size;
    yield header(s.name, "file", size, mtime);
    if ("data" in s) yield s.data;
    else {
      let read = 0;
      for await (const chunk of createReadStream(s.path)) {
        read += (chunk as Buffer).length;
        if (read > size) break;
        yield chunk as Buffer;
      }
      if (read !== size) throw new Error(`${s.path} changed while it was being backed up`);
    }
    if (padding(size)) yield Buffer.alloc(padding(size));
  }
  yield Buffer.alloc(2 * BLOCK);
}

/** Reads exact amounts from a stream of chunks. */
class Bytes {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;
  constructor(source: AsyncIterable<Buffer>) {
    this.chunks = source[Symbol.asyncIterator]();
  }
  /** Up to `max` bytes, at least one; the end of the input here means the archive was cut short. */
  async take(max: number): Promise<Buffer> {
    while (this.buffer.length === 0) {
      const next = await this.chunks.next();
      if (next.done) throw new DamagedArchiveError("the archive ends too early");
      this.buffer = next.value;
    }
    const out = this.buffer.subarray(0, max);
    this.buffer = this.buffer.subarray(out.length);
    return out;
  }
  async exactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let got = 0; got < n; ) {
      const part = await this.take(n - got);
      parts.push(part);
      got += part.length;
    }
    return Buffer.concat(parts, n);
  }
  async skip(n: number): Promise<void> {
    for (let left = n; left > 0; ) left -= (await this.take(Math.min(left, 1 << 20))).length;
  }
  /** Reads on to the end, so a gzip stream checks its trailer (length and CRC). */
  async drain(): Promise<void> {
    while (!(await this.chunks.next()).done) {}
  }
}

const text = (h: Buffer, from: number, length: number) => {
  const field = h.subarray(from, from + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString("utf8");
};

function parseHeader(h: Buffer): { name: string; type: "file" | "dir"; size: number } {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  if (sum !== Number.parseInt(text(h, 148, 8).trim(), 8))
    throw new DamagedArchiveError("a header of the archive is corrupt");
  const flag = h[156];
  // Only files and directories: a link or device from a crafted archive is never written anywhere.
  const type = flag === 0x35 ? "dir" : flag === 0x30 || flag === 0 ? "file" : undefined;
  if (!type)
    throw new DamagedArchiveError(`the archive holds an entry of type "${String.fromCharCode(flag!)}"`);
  let size = 0;
  if (h[124]! & 0x80) for (let i = 125; i < 136; i++) size = size * 256 + h[i]!;
  else size = Number.parseInt(text(h, 124, 12).trim() || "0", 8);
  const prefix = text(h, 257, 6) === "ustar" ? text(h, 345, 155) : "";
  const name = (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100)).replace(/\/$/, "");
  return { name, type, size };
}

/** The entries of a tar archive, in order; the input is read to its end (a gzip trailer is checked). */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const bytes = new Bytes(source);
  for (;;) {
    const h = await bytes.exactly(BLOCK);
    if (h.every((b) => b === 0)) break;
    const entry = parseHeader(h);
    let left = entry.size;
    yield {
      ...entry,
      async *body() {
        while (left > 0) {
          const chunk = await bytes.take(Math.min(left, 1 << 20));
          left -= chunk.length;
          yield chunk;
        }
      },
    };
    await bytes.skip(left + padding(entry.size));
  }
  await bytes.drain();
}

/** Where an archived path goes under `root`; undefined for a name that could lead out of it. */
export function entryTarget(root: string, relativeName: string): string | undefined {
  const parts = relativeName.split("/");
  const unsafe = (p: string) => p === "" || p === "." || p === ".." || p.includes("\\") || p.includes("\0");
  return parts.some(unsafe) ? undefined : join(root, ...parts);
}

function gunzipped(file: string): AsyncIterable<Buffer> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on("error", (e) => gunzip.destroy(e));
  return input.pipe(gunzip);
}

/** Files and directories under `root` as archive sources named `prefix/…`, leaving out what `skip` says. */
async function listTree(root: string, prefix: string, skip: (path: string, name: string) => boolean) {
  const out: TarSource[] = [];
  const walk = async (dir: string, name: string) => {
    for (const child of (await readdir(dir)).sort()) {
      const path = join(dir, child);
      if (skip(path, child)) continue;
      const info = await lstat(path);
      if (info.isDirectory()) {
        out.push({ name: `${name}/${child}`, type: "dir" });
        await walk(path, `${name}/${child}`);
      } else if (info.isFile()) out.push({ name: `${name}/${child}`, type: "file", path, size: info.size });
      else throw new Error(`${path} is neither a file nor a directory; it cannot be backed up`);
    }
  };
  if (existsSync(root)) await walk(root, prefix);
  return out;
}

/** Whether `inner` is `outer` or lies inside it. */
const within = (inner: string, outer: string) =>
  resolve(inner) === resolve(outer) || resolve(inner).startsWith(resolve(outer) + sep);

// The photo store writes `.…tmp` beside a file before renaming it into place: never part of a backup.
const uploadsOf = (config: Config) =>
  listTree(config.uploadsDir, "uploads", (_p, name) => name.startsWith("."));

async function hasFiles(dir: string): Promise<boolean> {
  return (await listTree(dir, "", (_p, name) => name.startsWith("."))).some((s) => s.type === "file");
}

async function clearDirectory(dir: string, keep: (path: string, name: string) => boolean = () => false) {
  if (!existsSync(dir)) return;
  for (const name of await readdir(dir)) {
    if (!keep(join(dir, name), name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

// ── What a database holds, for the manifest and the restore's report.

async function rows<T>(database: Database, query: SQL): Promise<T[]> {
  return ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

async function describe(database: Database): Promise<{ cases: number; newestCase: Newest }> {
  const [row] = await rows<{ cases: number; code: string | null; at: string | Date | null }>(
    database,
    sql`
      select (select count(*) from cases)::int as cases, newest.tracking_code as code, newest.created_at as at
      from (select 1) one
      left join (select tracking_code, created_at from cases order by created_at desc, id desc limit 1) newest
        on true`,
  );
  return {
    cases: Number(row?.cases ?? 0),
    newestCase: row?.code ? { trackingCode: row.code, createdAt: new Date(row.at!).toISOString() } : null,
  };
}

// ── PostgreSQL's client programs.

export type ClientChoice =
  | { ok: true; path: string; major: number }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "too_old"; newest: number };

/** The newest of the client programs found, if it is at least version `atLeast`. */
export function pickClient(found: { path: string; major: number }[], atLeast: number): ClientChoice {
  const best = found.reduce<(typeof found)[number] | undefined>(
    (b, f) => (!b || f.major > b.major ? f : b),
    undefined,
  );
  if (!best) return { ok: false, reason: "missing" };
  return best.major < atLeast ? { ok: false, reason: "too_old", newest: best.major } : { ok: true, ...best };
}

const run = promisify(execFile);

/** `tool` in Debian's and Red Hat's versioned directories and on PATH, newest first. */
async function findClient(tool: string, atLeast: number): Promise<string> {
  const versioned = (parent: string, pattern: RegExp, bin: (name: string) => string) => {
    try {
      return readdirSync(parent)
        .filter((n) => pattern.test(n))
        .map((n) => join(parent, bin(n)));
    } catch {
      return [];
    }
  };
  const dirs = [
    ...versioned("/usr/lib/postgresql", /^\d+$/, (n) => join(n, "bin")),
    ...versioned("/usr", /^pgsql-\d+$/, (n) => join(n, "bin")),
    ...(process.env.PATH ?? "").split(delimiter).filter(Boolean),
  ];
  const found: { path: string; major: number }[] = [];
  for (const dir of new Set(dirs)) {
    const path = join(dir, tool);
    if (!existsSync(path)) continue;
    try {
      const { stdout } = await run(path, ["--version"]);
      const major = /\(PostgreSQL\)\s+(\d+)/.exec(stdout)?.[1];
      if (major) found.push({ path, major: Number(major) });
    } catch {
      // not runnable: look further
    }
  }
  const choice = pickClient(found, atLeast);
  if (choice.ok) return choice.path;
  const install = `install the PostgreSQL client programs, version ${atLeast} or newer (on Debian: apt-get install postgresql-client-${atLeast})`;
  throw new Error(
    choice.reason === "missing"
      ? `${tool} not found in /usr/lib/postgresql/*/bin, /usr/pgsql-*/bin or PATH: ${install}`
      : `${tool} ${choice.newest} is older than version ${atLeast}, which this needs: ${install}`,
  );
}

/** The connection for libpq's programs: the URL without its password, which goes in PGPASSWORD (not in `ps`). */
export function libpqConnection(url: string): { dbname: string; env: Record<string, string> } {
  const u = new URL(url);
  const env: Record<string, string> = { PGOPTIONS: "-c client_min_messages=warning" };
  if (u.password) {
    env.PGPASSWORD = decodeURIComponent(u.password);
    u.password = "";
  }
  return { dbname: u.toString(), env };
}

/** Resolves when the program exits 0; otherwise rejects with what it wrote to standard error. */
function finished(child: ChildProcess, what: string): Promise<void> {
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolvePromise, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${what} failed (exit ${code}): ${stderr.trim()}`)),
    );
  });
}

async function serverMajor(database: Database): Promise<number> {
  const [row] = await rows<{ v: string }>(database, sql`select current_setting('server_version_num') as v`);
  return Math.floor(Number(row!.v) / 10_000);
}

// ── Backup.

export interface BackupSummary {
  database: Kind;
  cases: number;
  newestCase: Newest;
  uploads: number;
  bytes: number;
}

/** Writes the platform's database and uploads into `file` (replaced only once the new one is whole). */
export async function backupPlatform(config: Config, file: string, now: Date): Promise<BackupSummary> {
  const target = resolve(file);
  const partial = `${target}.partial`;
  const dump = `${target}.partial.pgdump`;
  let unlock = () => {};
  try {
    let entries: TarSource[];
    let manifest: Manifest;
    const base = { format: "ekomuna-backup", version: 1, createdAt: now.toISOString() } as const;
    if (config.databaseUrl) {
      const db = await openDatabase({ kind: "postgres", url: config.databaseUrl, poolSize: 1 });
      let major: number;
      let described: Awaited<ReturnType<typeof describe>>;
      try {
        major = await serverMajor(db);
        described = await describe(db);
      } finally {
        await db.close();
      }
      const pgDump = await findClient("pg_dump", major);
      const conn = libpqConnection(config.databaseUrl);
      // One consistent snapshot; owners and grants left out so another role can restore it.
      const args = ["--format=custom", "--no-owner", "--no-acl", `--file=${dump}`, `--dbname=${conn.dbname}`];
      await finished(spawn(pgDump, args, { env: { ...process.env, ...conn.env }, stdio: "pipe" }), "pg_dump");
      const uploads = await uploadsOf(config);
      manifest = {
        ...base,
        database: "postgres",
        ...described,
        uploads: countFiles(uploads),
        pgDumpMajor: major,
      };
      entries = [{ name: PG_DUMP, type: "file", path: dump, size: (await stat(dump)).size }, ...uploads];
    } else {
      if (!existsSync(join(config.dataDir, "PG_VERSION")))
        throw new Error(`there is no embedded database in ${config.dataDir} (EKOMUNA_DATA_DIR)`);
      // Held until the copy is done: no server may open the directory while it is read.
      unlock = lockDataDir(config.dataDir);
      const db = await openDatabase({ kind: "pglite", dataDir: config.dataDir });
      let described: Awaited<ReturnType<typeof describe>>;
      try {
        described = await describe(db);
      } finally {
        // A clean close leaves the directory consistent on disk: it is the database, file for file.
        await db.close();
      }
      const skip = (path: string, name: string) =>
        within(path, config.uploadsDir) ||
        (dirname(path) === resolve(config.dataDir) && (name === LOCK_FILE || name === STAGING));
      const uploads = await uploadsOf(config);
      manifest = { ...base, database: "pglite", ...described, uploads: countFiles(uploads) };
      entries = [...(await listTree(resolve(config.dataDir), "pgdata", skip)), ...uploads];
    }
    entries.unshift({
      name: MANIFEST,
      type: "file",
      data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    });
    // Photos and pg_dump's output are compressed already; the fastest level still shrinks a data directory.
    await pipeline(
      Readable.from(tarStream(entries, now)),
      createGzip({ level: 1 }),
      createWriteStream(partial, { mode: 0o600 }),
    );
    const handle = await open(partial, "r");
    await handle.sync();
    await handle.close();
    await rename(partial, target);
    return {
      database: manifest.database,
      cases: manifest.cases,
      newestCase: manifest.newestCase,
      uploads: manifest.uploads,
      bytes: (await stat(target)).size,
    };
  } finally {
    unlock();
    await rm(partial, { force: true });
    await rm(dump, { force: true });
  }
}

const countFiles = (sources: TarSource[]) => sources.filter((s) => s.type === "file").length;

// ── Restore.

export type RestoreOutcome =
  | { ok: true; database: Kind; createdAt: string; cases: number; newestCase: Newest; uploads: number }
  | { ok: false; reason: "damaged" | "other_database" | "not_empty" | "in_use"; detail: string };

/** Reads the whole archive, checking each entry's name and place, without writing anything. */
async function inspect(
  file: string,
): Promise<{ ok: true; manifest: Manifest } | { ok: false; detail: string }> {
  let manifest: Manifest | undefined;
  let inUploads = false;
  try {
    for await (const entry of readTar(gunzipped(file))) {
      if (!manifest) {
        if (entry.name !== MANIFEST)
          return { ok: false, detail: "it does not start with ekomuna-backup.json" };
        const chunks: Buffer[] = [];
        for await (const chunk of entry.body()) chunks.push(chunk);
        const parsed = manifestSchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        if (!parsed.success)
          return { ok: false, detail: "ekomuna-backup.json is not one this version reads" };
        manifest = parsed.data;
        continue;
      }
      const [top, ...rest] = entry.name.split("/");
      const inDatabase =
        manifest.database === "postgres" ? entry.name === PG_DUMP : top === "pgdata" && rest.length > 0;
      inUploads ||= top === "uploads";
      const placed = inUploads ? top === "uploads" && rest.length > 0 : inDatabase;
      if (!placed || (rest.length > 0 && !entryTarget("/", rest.join("/"))))
        return { ok: false, detail: `unexpected entry "${entry.name}"` };
    }
  } catch (e) {
    return { ok: false, detail: (e as Error).message };
  }
  return manifest ? { ok: true, manifest } : { ok: false, detail: "it is empty" };
}

/** Puts the backup in `file` back; refuses to replace a database or uploads holding data unless `force`. */
export async function restorePlatform(
  config: Config,
  file: string,
  options: { force: boolean },
): Promise<RestoreOutcome> {
  const checked = await inspect(resolve(file));
  if (!checked.ok) return { ok: false, reason: "damaged", detail: checked.detail };
  const { manifest } = checked;
  const here: Kind = config.databaseUrl ? "postgres" : "pglite";
  if (manifest.database !== here) {
    const name = { postgres: "a PostgreSQL server (DATABASE_URL)", pglite: "the embedded database" };
    return {
      ok: false,
      reason: "other_database",
      detail: `the backup is of ${name[manifest.database]}, and this configuration uses ${name[here]}`,
    };
  }
  return here === "postgres"
    ? restorePostgres(config, resolve(file), manifest, options)
    : restorePglite(config, resolve(file), manifest, options);
}

async function writeFile(target: string, body: AsyncIterable<Buffer>, mode: number) {
  await mkdir(dirname(target), { recursive: true });
  await pipeline(Readable.from(body), createWriteStream(target, { mode }));
}

/**
 * Extracts the archive (checked already): the database's entries through `database`, then `databaseDone`,
 * then the uploads into the uploads directory (emptied first when `clearUploads`). Answers the files written.
 */
async function restoreEntries(
  file: string,
  config: Config,
  database: (entry: TarEntry) => Promise<void>,
  databaseDone: () => Promise<void>,
  clearUploads: boolean,
): Promise<number> {
  let uploads = 0;
  let done = false;
  const finishDatabase = async () => {
    if (done) return;
    done = true;
    await databaseDone();
    // Only once the database is back: a failed restore leaves the old files with the old database.
    if (clearUploads) await clearDirectory(config.uploadsDir);
  };
  for await (const entry of readTar(gunzipped(file))) {
    if (entry.name === MANIFEST) continue;
    if (!entry.name.startsWith("uploads/")) {
      await database(entry);
      continue;
    }
    await finishDatabase();
    const target = entryTarget(config.uploadsDir, entry.name.slice("uploads/".length))!;
    if (entry.type === "dir") await mkdir(target, { recursive: true });
    else {
      await writeFile(target, entry.body(), 0o640);
      uploads++;
    }
  }
  await finishDatabase();
  return uploads;
}

async function restorePglite(
  config: Config,
  file: string,
  manifest: Manifest,
  options: { force: boolean },
): Promise<RestoreOutcome> {
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const unlock = lockDataDir(dataDir);
  try {
    const hasDatabase = existsSync(join(dataDir, "PG_VERSION"));
    const hasUploads = await hasFiles(config.uploadsDir);
    if ((hasDatabase || hasUploads) && !options.force)
      return notEmpty(hasDatabase ? `${dataDir} holds a database` : `${config.uploadsDir} holds files`);
    const staging = join(dataDir, STAGING);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging);
    const uploads = await restoreEntries(
      file,
      config,
      async (entry) => {
        const target = entryTarget(staging, entry.name.slice("pgdata/".length))!;
        if (entry.type === "dir") await mkdir(target, { recursive: true });
        else await writeFile(target, entry.body(), 0o600);
      },
      async () => {
        // The old database goes only now that the new one is whole beside it.
        const keep = (path: string, name: string) =>
          name === LOCK_FILE || name === STAGING || within(config.uploadsDir, path);
        await clearDirectory(dataDir, keep);
        for (const name of await readdir(staging)) await rename(join(staging, name), join(dataDir, name));
        await rm(staging, { recursive: true });
      },
      options.force,
    );
    const db = await openDatabase({ kind: "pglite", dataDir });
    try {
      return {
        ok: true,
        database: "pglite",
        createdAt: manifest.createdAt,
        ...(await describe(db)),
        uploads,
      };
    } finally {
      await db.close();
    }
  } finally {
    unlock();
  }
}

const notEmpty = (what: string): RestoreOutcome => ({
  ok: false,
  reason: "not_empty",
  detail: `${what}; restore replaces everything there only with --force`,
});

async function restorePostgres(
  config: Config,
  file: string,
  manifest: Manifest,
  options: { force: boolean },
): Promise<RestoreOutcome> {
  const url = config.databaseUrl!;
  const db = await openDatabase({ kind: "postgres", url, poolSize: 1 });
  let tables: number;
  let others: number;
  try {
    const [row] = await rows<{ tables: number; others: number }>(
      db,
      sql`
        select
          (select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema'))::int as tables,
          (select count(*) from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid())::int as others`,
    );
    tables = Number(row!.tables);
    others = Number(row!.others);
  } finally {
    await db.close();
  }
  if (others > 0)
    return {
      ok: false,
      reason: "in_use",
      detail: `${others} other connection(s) to the database: stop the servers and workers first`,
    };
  const hasUploads = await hasFiles(config.uploadsDir);
  if ((tables > 0 || hasUploads) && !options.force)
    return notEmpty(tables > 0 ? `the database holds ${tables} tables` : `${config.uploadsDir} holds files`);
  const pgRestore = await findClient("pg_restore", manifest.pgDumpMajor ?? 0);
  const psqlBeside = join(dirname(pgRestore), "psql");
  const psql = existsSync(psqlBeside) ? psqlBeside : await findClient("psql", 0);
  const dump = join(tmpdir(), `ekomuna-restore-${randomBytes(6).toString("hex")}.pgdump`);
  try {
    const uploads = await restoreEntries(
      file,
      config,
      (entry) => writeFile(dump, entry.body(), 0o600),
      () => replaceDatabase({ pgRestore, psql, dump, url, wipe: tables > 0 }),
      options.force,
    );
    const restored = await openDatabase({ kind: "postgres", url, poolSize: 1 });
    try {
      return {
        ok: true,
        database: "postgres",
        createdAt: manifest.createdAt,
        ...(await describe(restored)),
        uploads,
      };
    } finally {
      await restored.close();
    }
  } finally {
    await rm(dump, { force: true });
  }
}

/**
 * pg_restore's SQL through psql in one transaction, after dropping the platform's schemas when `wipe`:
 * if anything fails, the database is as it was.
 */
async function replaceDatabase(o: {
  pgRestore: string;
  psql: string;
  dump: string;
  url: string;
  wipe: boolean;
}) {
  const conn = libpqConnection(o.url);
  const env = { ...process.env, ...conn.env };
  const psql = spawn(
    o.psql,
    ["-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-", `--dbname=${conn.dbname}`],
    { env, stdio: ["pipe", "ignore", "pipe"] },
  );
  const restore = spawn(o.pgRestore, ["--no-owner", "--no-acl", "-f", "-", o.dump], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const done = Promise.allSettled([finished(psql, "psql"), finished(restore, "pg_restore")]);
  // drizzle keeps its record of applied migrations in its own schema.
  if (o.wipe)
    psql.stdin!.write(
      "drop schema if exists drizzle cascade;\ndrop schema public cascade;\ncreate schema public;\n",
    );
  // A failing psql stops reading; its own error, not pg_restore's broken pipe, says what went wrong.
  await pipeline(restore.stdout!, psql.stdin!).catch(() => {});
  for (const outcome of await done) if (outcome.status === "rejected") throw outcome.reason;
}

// ── The command line.

type Io = { out(s: string): void; err(s: string): void };

const uploaded = (n: number) => `${n} uploaded file${n === 1 ? "" : "s"}`;
const describeNewest = (n: Newest) => (n ? `, the newest ${n.trackingCode} of ${n.createdAt}` : "");

/** `backup FILE` and `restore FILE [--force]`: the exit status, or what is wrong with the arguments. */
export async function backupCommand(
  command: "backup" | "restore",
  args: string[],
  config: () => Config,
  io: Io,
  now: () => Date,
): Promise<{ status: number } | { usage: string }> {
  let parsed: { positionals: string[]; values: { force?: boolean } };
  try {
    parsed = parseArgs({
      args,
      options: command === "restore" ? { force: { type: "boolean" } } : {},
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (e) {
    return { usage: (e as Error).message };
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) return { usage: `${command} needs exactly one file.` };
  const names = { postgres: "PostgreSQL database", pglite: "embedded database" };
  if (command === "backup") {
    const c = config();
    const s = await backupPlatform(c, file, now());
    io.out(
      `Backed up the ${names[s.database]} (${s.cases} cases${describeNewest(s.newestCase)}) and ${uploaded(s.uploads)} to ${file} (${(s.bytes / 1e6).toFixed(1)} MB).`,
    );
    // Photos and documents in a bucket are not in the file: say so rather than let "0 files" reassure.
    if (c.storage.kind === "s3")
      io.out(
        `Photos and documents are in the bucket ${c.storage.bucket}, not in this file: back the bucket up with its own tools (versioning or replication; docs/DEPLOYMENT.md).`,
      );
    return { status: 0 };
  }
  const r = await restorePlatform(config(), file, { force: parsed.values.force === true });
  if (!r.ok) {
    const why = {
      damaged: "the backup cannot be read",
      other_database: "wrong database",
      not_empty: "not empty",
      in_use: "in use",
    };
    io.err(`ekomuna: nothing restored (${why[r.reason]}): ${r.detail}.`);
    return { status: 1 };
  }
  io.out(
    `Restored the ${names[r.database]} backed up at ${r.createdAt}: ${r.cases} cases${describeNewest(r.newestCase)}; ${uploaded(r.uploads)}.`,
  );
  io.out("The next start applies the migrations this version adds, if any.");
  return { status: 0 };
}
