// Open311 reads kept for a few seconds (PAGE_CACHE_SECONDS, like public pages; 0 turns it off). A
// list of requests is up to 1,000 cases with their latest public note: costly to read and to write out,
// and polled by every app that shows a municipality's map. Kept, it is read once per few seconds per
// distinct query however many clients ask, and sent gzipped to those that accept it.
//
// Bounded by bytes, not entries (one answer can weigh a megabyte); oldest out first. Concurrent misses of
// one key share one computation, so an expiry under load costs one query, not one per waiting client.
// A create through Open311 empties it; other changes (staff at work) show within the time to live.
import { gzipSync } from "node:zlib";

export interface CachedAnswer {
  status: number;
  type: string;
  body: Buffer;
  /** Made on the first request that accepts gzip. */
  gzipped?: Buffer;
}

interface Entry {
  expires: number;
  answer: CachedAnswer;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<CachedAnswer>>();
  private bytes = 0;
  /** Raised by clear(): an answer made before it is not kept after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The kept answer of `key`, if there is one still fresh (nothing is computed). */
  peek(key: string): CachedAnswer | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > this.now() ? hit.answer : undefined;
  }

  /** The kept answer of `key`, or `make`'s (kept when it is a 200 small enough to keep). */
  async get(key: string, make: () => Promise<CachedAnswer>): Promise<CachedAnswer> {
    if (this.ttlMs <= 0) return make();
    const hit = this.entries.get(key);
    if (hit && hit.expires > this.now()) return hit.answer;
    if (hit) this.drop(key, hit);
    const waiting = this.pending.get(key);
    if (waiting) return waiting;
    const generation = this.generation;
    const made = make().finally(() => {
      if (this.pending.get(key) === made) this.pending.delete(key);
    });
    this.pending.set(key, made);
    const answer = await made;
    if (answer.status === 200 && generation === this.generation && !this.entries.has(key))
      this.keep(key, answer);
    return answer;
  }

  /** The gzipped body of an answer (made once per kept answer). */
  static gzipped(answer: CachedAnswer): Buffer {
    answer.gzipped ??= gzipSync(answer.body);
    return answer.gzipped;
  }

  clear(): void {
    this.entries.clear();
    this.pending.clear();
    this.bytes = 0;
    this.generation++;
  }

  get size(): number {
    return this.entries.size;
  }

  /** A body's weight with room for its gzipped copy (rarely more than a quarter of it). */
  private static weight(answer: CachedAnswer): number {
    return answer.body.length + (answer.body.length >> 2);
  }

  private keep(key: string, answer: CachedAnswer): void {
    const weight = ResponseCache.weight(answer);
    if (weight > this.maxBytes / 4) return;
    while (this.bytes + weight > this.maxBytes) {
      const oldest = this.entries.entries().next().value;
      if (!oldest) break;
      this.drop(oldest[0], oldest[1]);
    }
    this.entries.set(key, { expires: this.now() + this.ttlMs, answer });
    this.bytes += weight;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= ResponseCache.weight(entry.answer);
  }
}
