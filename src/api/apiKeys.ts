// API keys: how a program (a municipality's app, a civic-tech service, later an Open311 client) proves
// which API client it is. A key is `ek_live_` and 43 random base64url characters (256 bits), shown once
// when it is made; the table keeps only its SHA-256, which is also how a request's key is looked up — a
// fast hash is enough for a random 256-bit secret (no password-style hashing per request), and looking
// it up by hash gives no timing hint about any stored key. Keys are made, listed and revoked by an
// operator (`ekomuna api-key …`), every time with an audit entry.
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, isNull } from "drizzle-orm";
import { appendAudit } from "../audit/audit.ts";
import type { Db } from "../db/client.ts";
import { apiClients, municipalities } from "../db/schema.ts";

export const KEY_PREFIX = "ek_live_";
/** A key as it may arrive: the prefix and 43 base64url characters; anything else is not a key of ours. */
export const API_KEY_PATTERN = /^ek_live_[A-Za-z0-9_-]{43}$/;
/** How much of a key lists show: the prefix and 8 characters (48 random bits: enough to tell keys apart). */
const SHOWN = KEY_PREFIX.length + 8;

/** The API client a request's key belongs to, as the API needs it on every request. */
export interface ApiClient {
  id: string;
  name: string;
  keyPrefix: string;
  /** Set: the client may submit only to this municipality. */
  municipality: { id: number; slug: string } | null;
  /** Requests per minute of each kind; null: the default. */
  rateLimit: number | null;
}

export function newApiKey(): { key: string; hash: string; prefix: string } {
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { key, hash: hashApiKey(key), prefix: key.slice(0, SHOWN) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

type Outcome<T, R extends string> = ({ ok: true } & T) | { ok: false; reason: R };

/** Makes an API client and its key; the key is in the answer and nowhere else. */
export async function createApiClient(
  db: Db,
  input: {
    name: string;
    municipality?: string | undefined;
    rateLimit?: number | undefined;
    createdBy?: string | null;
    now: Date;
    via: string;
  },
): Promise<Outcome<{ client: ApiClient; key: string }, "unknown_municipality">> {
  let municipality: { id: number; slug: string } | null = null;
  if (input.municipality !== undefined) {
    const [m] = await db
      .select({ id: municipalities.id, slug: municipalities.slug })
      .from(municipalities)
      .where(eq(municipalities.slug, input.municipality))
      .limit(1);
    if (!m) return { ok: false, reason: "unknown_municipality" };
    municipality = m;
  }
  const { key, hash, prefix } = newApiKey();
  const row = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(apiClients)
      .values({
        name: input.name,
        municipalityId: municipality?.id ?? null,
        keyHash: hash,
        keyPrefix: prefix,
        rateLimit: input.rateLimit ?? null,
        createdBy: input.createdBy ?? null,
        createdAt: input.now,
      })
      .returning();
    await appendAudit(tx, {
      at: input.now,
      actorId: input.createdBy ?? null,
      action: "api_client.created",
      subjectType: "api_client",
      subjectId: created!.id,
      municipalityId: municipality?.id ?? null,
      data: { name: input.name, keyPrefix: prefix, rateLimit: input.rateLimit ?? null, via: input.via },
    });
    return created!;
  });
  return {
    ok: true,
    key,
    client: {
      id: row.id,
      name: row.name,
      keyPrefix: row.keyPrefix,
      municipality,
      rateLimit: row.rateLimit,
    },
  };
}

export interface ApiClientListing {
  id: string;
  name: string;
  keyPrefix: string;
  municipality: string | null;
  rateLimit: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Every API client, oldest first, revoked ones too (never a key or its hash). Audited: who looked. */
export async function listApiClients(
  db: Db,
  input: { actorId?: string | null; now: Date; via: string },
): Promise<ApiClientListing[]> {
  const rows = await db
    .select({
      id: apiClients.id,
      name: apiClients.name,
      keyPrefix: apiClients.keyPrefix,
      municipality: municipalities.slug,
      rateLimit: apiClients.rateLimit,
      createdAt: apiClients.createdAt,
      lastUsedAt: apiClients.lastUsedAt,
      revokedAt: apiClients.revokedAt,
    })
    .from(apiClients)
    .leftJoin(municipalities, eq(municipalities.id, apiClients.municipalityId))
    .orderBy(asc(apiClients.createdAt), asc(apiClients.id));
  await appendAudit(db, {
    at: input.now,
    actorId: input.actorId ?? null,
    action: "api_client.listed",
    subjectType: "api_client",
    data: { count: rows.length, via: input.via },
  });
  return rows;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PREFIX_TEXT = /^ek_live_[A-Za-z0-9_-]{8,}$/;

/** How `which` names a client: its id, its whole key, or its key's prefix as lists show it; else nothing. */
function clientNamed(which: string) {
  if (UUID.test(which)) return eq(apiClients.id, which.toLowerCase());
  if (API_KEY_PATTERN.test(which)) return eq(apiClients.keyHash, hashApiKey(which));
  if (PREFIX_TEXT.test(which)) return eq(apiClients.keyPrefix, which.slice(0, SHOWN));
  return undefined;
}

/**
 * Revokes a client named by its id, its key's prefix (as lists show it) or the key itself. A prefix that
 * names several clients is refused rather than guessed. Revoking twice changes nothing the second time.
 */
export async function revokeApiClient(
  db: Db,
  input: { which: string; actorId?: string | null; now: Date; via: string },
): Promise<
  Outcome<
    { client: { id: string; name: string; keyPrefix: string }; already: boolean },
    "not_found" | "ambiguous"
  >
> {
  const where = clientNamed(input.which.trim());
  if (!where) return { ok: false, reason: "not_found" };
  return db.transaction(async (tx) => {
    const found = await tx.select().from(apiClients).where(where).for("update");
    if (found.length === 0) return { ok: false as const, reason: "not_found" as const };
    if (found.length > 1) return { ok: false as const, reason: "ambiguous" as const };
    const client = found[0]!;
    const already = client.revokedAt !== null;
    if (!already) {
      await tx.update(apiClients).set({ revokedAt: input.now }).where(eq(apiClients.id, client.id));
      await appendAudit(tx, {
        at: input.now,
        actorId: input.actorId ?? null,
        action: "api_client.revoked",
        subjectType: "api_client",
        subjectId: client.id,
        municipalityId: client.municipalityId,
        data: { name: client.name, keyPrefix: client.keyPrefix, via: input.via },
      });
    }
    return {
      ok: true as const,
      already,
      client: { id: client.id, name: client.name, keyPrefix: client.keyPrefix },
    };
  });
}

/** How long a looked-up key is trusted before it is read again (a revocation takes effect within this). */
export const KEY_CACHE_MS = 30_000;
/** An unknown key is remembered for less: it costs a lookup, not a risk. */
const UNKNOWN_CACHE_MS = 5_000;
const CACHE_LIMIT = 10_000;
/** last_used_at is written at most this often per client and process. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Finds the API client of a key, from a short in-memory cache so that a busy client costs no database
 * round-trip per request; marks it used at most once a minute, without waiting for that write.
 */
export class ApiKeyResolver {
  private readonly cache = new Map<string, { client: ApiClient | undefined; until: number }>();
  private readonly touched = new Map<string, number>();
  private readonly pending = new Map<string, Promise<ApiClient | undefined>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** The key's client, or undefined for a key that is malformed, unknown or revoked. */
  async resolve(key: string): Promise<ApiClient | undefined> {
    if (!API_KEY_PATTERN.test(key)) return undefined;
    const hash = hashApiKey(key);
    // Expiry by wall time (the platform clock may be fixed in tests); usage stamps use the platform clock.
    const wall = Date.now();
    const cached = this.cache.get(hash);
    let client: ApiClient | undefined;
    if (cached && cached.until > wall) client = cached.client;
    else {
      // Requests that arrive together with a key not cached yet (50 connections opening at once) share
      // one lookup instead of each making its own.
      let pending = this.pending.get(hash);
      if (!pending) {
        pending = this.lookUp(hash).finally(() => this.pending.delete(hash));
        this.pending.set(hash, pending);
      }
      client = await pending;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(hash, { client, until: wall + (client ? KEY_CACHE_MS : UNKNOWN_CACHE_MS) });
    }
    if (client) this.touch(client.id, wall);
    return client;
  }

  private async lookUp(hash: string): Promise<ApiClient | undefined> {
    const [row] = await this.db
      .select({
        id: apiClients.id,
        name: apiClients.name,
        keyPrefix: apiClients.keyPrefix,
        municipalityId: apiClients.municipalityId,
        municipalitySlug: municipalities.slug,
        rateLimit: apiClients.rateLimit,
      })
      .from(apiClients)
      .leftJoin(municipalities, eq(municipalities.id, apiClients.municipalityId))
      .where(and(eq(apiClients.keyHash, hash), isNull(apiClients.revokedAt)))
      .limit(1);
    if (!row) return undefined;
    return {
      id: row.id,
      name: row.name,
      keyPrefix: row.keyPrefix,
      municipality:
        row.municipalityId !== null && row.municipalitySlug !== null
          ? { id: row.municipalityId, slug: row.municipalitySlug }
          : null,
      rateLimit: row.rateLimit,
    };
  }

  private touch(id: string, wall: number): void {
    const last = this.touched.get(id);
    if (last !== undefined && wall - last < TOUCH_EVERY_MS) return;
    if (this.touched.size >= CACHE_LIMIT) this.touched.clear();
    this.touched.set(id, wall);
    this.db
      .update(apiClients)
      .set({ lastUsedAt: this.now() })
      .where(eq(apiClients.id, id))
      .then(
        () => {},
        (err) => this.onError(err),
      );
  }
}

/** The name the demo's API client is listed under. */
export const DEMO_CLIENT_NAME = "Demo client (EKOMUNA_DEMO_API_KEY)";

/**
 * In demo mode, an API client whose key is `key` (EKOMUNA_DEMO_API_KEY), so that integrators can try the
 * APIs at once with a key they were told. Idempotent: a client with this key is kept as it is (revoked
 * too: an operator who revoked it meant it), else made with an audit entry; two processes starting at
 * once make one (the key's hash is unique). The key must look like one of ours, or it could never be used.
 */
export async function ensureDemoApiClient(
  db: Db,
  key: string,
  now: Date = new Date(),
): Promise<Outcome<{ created: boolean; revoked: boolean; clientId: string }, "malformed_key">> {
  if (!API_KEY_PATTERN.test(key)) return { ok: false, reason: "malformed_key" };
  const hash = hashApiKey(key);
  const existing = async () => {
    const [row] = await db
      .select({ id: apiClients.id, revokedAt: apiClients.revokedAt })
      .from(apiClients)
      .where(eq(apiClients.keyHash, hash))
      .limit(1);
    return row;
  };
  const found = await existing();
  if (found) return { ok: true, created: false, revoked: found.revokedAt !== null, clientId: found.id };
  const made = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiClients)
      .values({
        name: DEMO_CLIENT_NAME,
        keyHash: hash,
        keyPrefix: key.slice(0, SHOWN),
        createdAt: now,
      })
      .onConflictDoNothing({ target: apiClients.keyHash })
      .returning({ id: apiClients.id });
    if (!row) return undefined;
    await appendAudit(tx, {
      at: now,
      actorId: null,
      action: "api_client.created",
      subjectType: "api_client",
      subjectId: row.id,
      data: { name: DEMO_CLIENT_NAME, keyPrefix: key.slice(0, SHOWN), rateLimit: null, via: "demo" },
    });
    return row;
  });
  if (made) return { ok: true, created: true, revoked: false, clientId: made.id };
  // Another process made it between the look and the insert.
  const raced = await existing();
  if (!raced) throw new Error("demo API client neither made nor found");
  return { ok: true, created: false, revoked: raced.revokedAt !== null, clientId: raced.id };
}
