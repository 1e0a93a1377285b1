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
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

interface Entry {
  expires: number;
  type: string;
  body: string;
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

  set(key: string, type: string, body: string): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { expires: this.now() + this.ttlMs, type, body });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

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
    reply.type(hit.type).header("cache-control", "no-store").send(hit.body);
  });

  app.addHook("onSend", (req, reply, payload, done) => {
    const key = req.pageCacheKey;
    if (key && reply.statusCode === 200 && typeof payload === "string" && !reply.hasHeader("set-cookie")) {
      cache.set(key, String(reply.getHeader("content-type") ?? "text/html; charset=utf-8"), payload);
    }
    done(null, payload);
  });

  app.addHook("onResponse", (req, reply, done) => {
    if (!SAFE.has(req.method) && reply.statusCode < 400) cache.clear();
    done();
  });
}
