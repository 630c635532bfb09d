// Per-client flood limit of the HTTP door: a token bucket per remote address. A station page
// needs about one chunk upload and a few calls a second, a lookup page a burst of thumbnails and
// video range requests; a script hammering the door gets 429 long before the engine or the disk
// feel it. Pure (time is passed in) so it can be tested without waiting.
export interface RateLimitOptions {
  /** Requests a client may make at once after a quiet spell. */
  burst: number;
  /** Sustained requests per second. */
  perSecond: number;
  /** Clients remembered at most; full (idle) buckets are forgotten first. */
  maxClients?: number;
}

// 300 at once covers a lookup page loading 100 thumbnails and its assets several times over; 100
// a second is ~30 station pages on one address (a NAT) each uploading a chunk and polling.
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 300, perSecond: 100 };

interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { ok: true } | { ok: false; retryAfterSeconds: number };

export class RateLimiter {
  private readonly opts: Required<RateLimitOptions>;
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: RateLimitOptions = DEFAULT_RATE_LIMIT) {
    this.opts = { maxClients: 10_000, ...opts };
  }

  take(client: string, now: number): Take {
    const { burst, perSecond } = this.opts;
    const b = this.buckets.get(client) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * perSecond);
    b.at = now;
    this.buckets.delete(client); // re-insert: the map's order is least recently seen first
    this.buckets.set(client, b);
    this.prune(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perSecond)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private prune(now: number): void {
    if (this.buckets.size <= this.opts.maxClients) return;
    // A client idle long enough to have refilled its bucket loses nothing by being forgotten.
    const refill = (this.opts.burst / this.opts.perSecond) * 1000;
    for (const [k, b] of this.buckets) {
      if (this.buckets.size <= this.opts.maxClients) break;
      if (now - b.at >= refill) this.buckets.delete(k);
    }
    // Still too many (a spoofed-address storm): drop the least recently seen.
    for (const k of this.buckets.keys()) {
      if (this.buckets.size <= this.opts.maxClients) break;
      this.buckets.delete(k);
    }
  }
}
