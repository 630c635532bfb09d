// Clips sealed while no timestamp authority was configured (the default) get a trusted timestamp
// once one is, with a real local TSA; the verdicts say how long after the recording that was.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { sidecarsOf } from '../../electron/engine/evidence/manifest.ts';
import { formatDelay, stampDelay } from '../../shared/stampDelay.ts';
import { startLocalTsa, type LocalTsa } from '../helpers/localTsa.ts';
import { recordClip } from '../helpers/orderClip.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };
const DAY = 86_400_000;

describe('trusted timestamps for clips sealed before a TSA was configured', () => {
  let t: ReturnType<typeof tmpDir>;
  let tsa: LocalTsa;
  const webms: string[] = [];

  beforeAll(async () => {
    t = tmpDir('pw-tsa-backfill-');
    for (const fps of [15, 12]) {
      const f = path.join(t.dir, `src${fps}.webm`);
      makeWebmH264(f, 2, '320x240', fps);
      webms.push(f);
    }
    tsa = await startLocalTsa(path.join(t.dir, 'tsa'));
  });
  afterAll(async () => {
    await tsa?.close();
    t?.cleanup();
  });

  it('are stamped once a TSA is set, openssl accepts the tokens, and a late one is called late', async () => {
    const dataDir = path.join(t.dir, 'station');
    const engine = await Engine.open({ dataDir });
    let old, recent;
    try {
      // A clip recorded three days ago (the clock is moved; the recording itself is real)…
      vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
      vi.setSystemTime(Date.now() - 3 * DAY);
      try {
        old = await recordClip(engine, 'OLD-1', webms[0]!);
      } finally {
        vi.useRealTimers();
      }
      // …and one just now; neither has a TSA to ask.
      recent = await recordClip(engine, 'NEW-1', webms[1]!);
      for (const c of [old, recent]) expect((await engine.call('clips.get', { id: c.id }, ctx)).evidence?.timestamp).toBe('none');

      await engine.call('settings.update', { tsaUrls: [tsa.url] }, ctx);
      for (const c of [old, recent]) {
        await expect.poll(async () => (await engine.call('clips.get', { id: c.id }, ctx)).evidence?.timestamp, { timeout: 20_000 }).toBe('done');
        // The token next to the clip (written just after the index row says done) is a real RFC 3161
        // token over the clip, as openssl sees it.
        await expect.poll(() => fs.existsSync(sidecarsOf(clipPath(engine, c)).timestamp), { timeout: 20_000 }).toBe(true);
        const v = spawnSync(
          'openssl',
          ['ts', '-verify', '-data', clipPath(engine, c), '-in', sidecarsOf(clipPath(engine, c)).timestamp, '-CAfile', tsa.caFile],
          { encoding: 'utf8' },
        );
        expect(v.stdout).toContain('Verification: OK');
      }
      const lateVerdict = await engine.call('evidence.verifyHash', { sha256: old.sha256! }, ctx);
      expect(lateVerdict.verdict).toBe('intact');
      expect(lateVerdict.headline).toMatch(/\(stamped 3 days after the recording ended: unchanged since then is proven, not when it was recorded\)/);
      const onTime = await engine.call('evidence.verifyHash', { sha256: recent.sha256! }, ctx);
      expect(onTime.headline).toContain('existed at');
      expect(onTime.headline).not.toContain('stamped');
      expect(tsa.served()).toBe(2);
    } finally {
      await engine.close();
    }
    // Shutdown had the chain head stamped (a chain anchor, anchors.ts); a restart with the same TSA
    // and nothing new asks for nothing again.
    const served = tsa.served();
    expect(served).toBe(3);
    const again = await Engine.open({ dataDir });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(tsa.served()).toBe(served);
    } finally {
      await again.close();
    }
  });

  it('says a delay only when it is worth saying, in plain units', () => {
    expect(stampDelay(1_000_000 + 5 * 60_000, 1_000_000)).toBeNull(); // minutes late is normal (offline, retry)
    expect(stampDelay(null, 1_000_000)).toBeNull();
    expect(formatDelay(stampDelay(11 * 60_000, 0)!)).toBe('11 min');
    expect(formatDelay(5 * 3_600_000 + 12 * 60_000)).toBe('5 h 12 min');
    expect(formatDelay(3 * DAY + 4 * 3_600_000)).toBe('3 days 4 h');
  });
});
