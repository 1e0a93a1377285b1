// Public pages as a visitor sees them, kept for a few seconds in the process (PAGE_CACHE_SECONDS,
// default 5; 0 turns it off). A case page shared on social media, or a municipality page on the evening
// news, is then rendered once every few seconds instead of once per reader: rendering, not the database,
// is what a public page mostly costs (docs/PERFORMANCE.md).
//
// What may be kept: a 200 answer to a GET of a route marked `config: { publicCache: true }`, for a visitor
// without a signed-in session, that sets no cookie (so no CSRF token or session is ever shared), keyed by
// the page's language and full URL. Every successful write through this process (any POST, PUT, PATCH or
// DELETE answered below 400) empties the cache, so a citizen or officer who changes something sees it at
// once; a change made by another instance or a background job shows within the time to live.
//
// A page is kept as bytes with its compressed copies, each made by the first request that accepts its
// coding: a hit compresses nothing, and the compression hook leaves an answer whose content-encoding is
// already set alone.

import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { acceptedEncoding, COMPRESS_MIN_BYTES, type Encoding } from "./assets.ts";

/**
 * How a page is compressed per request (and per kept page): brotli 4 costs ~46 µs per KB of HTML, like
 * gzip 6, for 16 % of the size; brotli 5 costs twice as much for 5 % fewer bytes (docs/PERFORMANCE.md).
 */
export const PAGE_COMPRESSION = { brotliQuality: 4, gzipLevel: 6 } as const;

/** A page's body in `encoding`, at the page level. */
export function compressPage(body: Buffer, encoding: Encoding): Buffer {
  return encoding === "br"
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: PAGE_COMPRESSION.brotliQuality,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipSync(body, { level: PAGE_COMPRESSION.gzipLevel });
}

export interface Entry {
  expires: number;
  type: string;
  body: Buffer;
  /** The body in each coding, made when first asked for. */
  copies: Partial<Record<Encoding, Buffer>>;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set on a cache miss for a page that may be kept: the key to keep its answer under. */
    pageCacheKey: string | undefined;
  }
  interface FastifyInstance {
    pageCache: PageCache;
  }
}

export class PageCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;
  /** Compressed copies made (at most one per coding per kept page). */
  compressions = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxEntries = 2_000,
  ) {}

  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, type: string, body: Buffer): Entry {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    const entry: Entry = { expires: this.now() + this.ttlMs, type, body, copies: {} };
    this.entries.set(key, entry);
    return entry;
  }

  /** The entry's body in `encoding` (undefined: as it is), compressing it the first time only. */
  bodyIn(entry: Entry, encoding: Encoding | undefined): Buffer {
    if (!encoding) return entry.body;
    let copy = entry.copies[encoding];
    if (!copy) {
      copy = compressPage(entry.body, encoding);
      entry.copies[encoding] = copy;
      this.compressions++;
    }
    return copy;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Adds `field` to the reply's Vary header unless it is there. */
function vary(reply: FastifyReply, field: string): void {
  const current = String(reply.getHeader("vary") ?? "");
  if (current.split(",").some((f) => f.trim().toLowerCase() === field)) return;
  reply.header("vary", current ? `${current}, ${field}` : field);
}

/** Sets the coding headers for a kept page and answers the body to send. */
function encoded(cache: PageCache, req: FastifyRequest, reply: FastifyReply, entry: Entry): Buffer {
  vary(reply, "accept-encoding");
  const encoding =
    entry.body.length >= COMPRESS_MIN_BYTES ? acceptedEncoding(req.headers["accept-encoding"]) : undefined;
  if (encoding) reply.header("content-encoding", encoding);
  return cache.bodyIn(entry, encoding);
}

/** Registers the cache's hooks; after the session and language hooks (it reads req.user and req.lang). */
export function registerPageCache(app: FastifyInstance, cache: PageCache): void {
  app.decorate("pageCache", cache);
  app.decorateRequest("pageCacheKey", undefined);
  if (!cache.enabled) return;

  app.addHook("preHandler", (req: FastifyRequest, reply: FastifyReply, done) => {
    if (req.method !== "GET" || req.user || !req.routeOptions.config.publicCache) return done();
    const key = `${req.lang}\n${req.url}`;
    const hit = cache.get(key);
    if (!hit) {
      cache.misses++;
      req.pageCacheKey = key;
      return done();
    }
    cache.hits++;
    reply
      .type(hit.type)
      .header("cache-control", "no-store")
      .send(encoded(cache, req, reply, hit));
  });

  // Runs before the compression plugin's hook (route hooks follow the app's), so it sees the page as text.
  app.addHook("onSend", (req, reply, payload, done) => {
    const key = req.pageCacheKey;
    if (key && reply.statusCode === 200 && typeof payload === "string" && !reply.hasHeader("set-cookie")) {
      const type = String(reply.getHeader("content-type") ?? "text/html; charset=utf-8");
      const entry = cache.set(key, type, Buffer.from(payload));
      return done(null, encoded(cache, req, reply, entry));
    }
    done(null, payload);
  });

  app.addHook("onResponse", (req, reply, done) => {
    if (!SAFE.has(req.method) && reply.statusCode < 400) cache.clear();
    done();
  });
}
