import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../electron/server/rateLimit.ts';

describe('per-client flood limit', () => {
  it('allows a burst, then the sustained rate, per client', () => {
    const rl = new RateLimiter({ burst: 5, perSecond: 2 });
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(rl.take('a', t0).ok).toBe(true);
    expect(rl.take('a', t0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(rl.take('b', t0).ok).toBe(true); // another client is not affected
    expect(rl.take('a', t0 + 499).ok).toBe(false);
    expect(rl.take('a', t0 + 1000).ok).toBe(true); // ~2 tokens back after a second
    expect(rl.take('a', t0 + 1000).ok).toBe(true);
    expect(rl.take('a', t0 + 1000).ok).toBe(false);
    expect(rl.take('a', t0 + 60_000).ok).toBe(true); // refills, never beyond the burst
    for (let i = 0; i < 4; i++) rl.take('a', t0 + 60_000);
    expect(rl.take('a', t0 + 60_000).ok).toBe(false);
  });

  it('forgets idle clients first when it must bound its memory', () => {
    const rl = new RateLimiter({ burst: 2, perSecond: 1, maxClients: 3 });
    rl.take('idle', 0);
    rl.take('x', 10_000);
    rl.take('y', 10_000);
    rl.take('z', 10_000);
    expect(rl.size).toBe(3);
    rl.take('x', 10_000);
    rl.take('x', 10_000);
    expect(rl.take('x', 10_000).ok).toBe(false); // a busy client keeps its empty bucket
  });
});
