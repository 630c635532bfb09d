// The camera's reads during a clip reach the index and the signed manifest: a page's
// recording.finish carries them, the clip shows when its own label was seen and which other
// tracking number the picture showed, and the sealed manifest (the signed sidecar) holds them.
import { createPublicKey, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { sidecarsOf } from '../../electron/engine/evidence/manifest.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };

describe('label evidence sealed with the clip', () => {
  const t = tmpDir();
  let engine: Engine;
  const webm = path.join(t.dir, 'src.webm');
  beforeAll(async () => {
    makeWebmH264(webm, 2, '320x180');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
  });
  afterAll(async () => {
    await engine.close();
    t.cleanup();
  });

  async function record(order: string, labels?: ClipLabels) {
    const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webm) }, ctx);
    const { clip } = await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1, ...(labels ? { labels } : {}) }, ctx);
    return clip!;
  }

  it('a clip whose label was seen carries where and when, signed in its manifest', async () => {
    const labels: ClipLabels = {
      source: 'camera',
      reads: [
        { code: 'SF1400123456789', format: 'Code128', firstMs: 3200, lastMs: 9100, reads: 31, box: [0.2, 0.3, 0.25, 0.08] },
        { code: '773012345678901', format: 'Code128', firstMs: 5000, lastMs: 6000, reads: 4, box: [0.6, 0.5, 0.2, 0.07] },
      ],
      seenAtMs: 3200,
      mismatch: ['773012345678901'],
    };
    const clip = await record('SF1400123456789', labels);
    expect(clip.labels).toEqual(labels);
    expect((await engine.call('clips.get', { id: clip.id }, ctx)).labels).toEqual(labels);
    const body = fs.readFileSync(sidecarsOf(clipPath(engine, clip)).manifest);
    const manifest = JSON.parse(body.toString('utf8')) as { labels: ClipLabels };
    expect(manifest.labels).toEqual(labels);
    const { publicKeyPem } = await engine.call('evidence.key', {}, ctx);
    expect(verify(null, body, createPublicKey(publicKeyPem), fs.readFileSync(sidecarsOf(clipPath(engine, clip)).signature))).toBe(true);
    const all = await engine.call('evidence.verifyAll', {}, ctx);
    expect(all.problems).toEqual([]);
    // verify (CLI and the Check a clip view) says what the signed manifest records, as information.
    const v = await engine.call('evidence.verifyHash', { sha256: clip.sha256 }, ctx);
    expect(v.verdict).toBe('intact');
    expect(v.checks.find((c) => c.text.startsWith('LABEL MISMATCH'))?.text).toContain('773012345678901');
  });

  it('a clip recorded without camera reading has no labels field, in the clip or the manifest', async () => {
    const clip = await record('SF1400123456790');
    expect('labels' in clip).toBe(false);
    expect(fs.readFileSync(sidecarsOf(clipPath(engine, clip)).manifest, 'utf8')).not.toContain('"labels"');
    const v = await engine.call('evidence.verifyHash', { sha256: clip.sha256 }, ctx);
    expect(v.checks.some((c) => /label/i.test(c.text))).toBe(false);
  });

  it('a clip whose label was seen: verify says where', async () => {
    const clip = await record('SF1400123456792', {
      source: 'scanner',
      reads: [{ code: 'SF1400123456792', format: 'Code128', firstMs: 3249, lastMs: 5000, reads: 9, box: [0.1, 0.1, 0.3, 0.1] }],
      seenAtMs: 3249,
      mismatch: [],
    });
    const v = await engine.call('evidence.verifyHash', { sha256: clip.sha256 }, ctx);
    expect(v.checks.map((c) => c.text)).toContain('The label SF1400123456792 is in the picture: seen at 00:03.2 (signed in the manifest).');
  });

  it('labels are checked at the door: a box outside the frame is refused', async () => {
    const { recordingId } = await engine.call('recording.start', { order: 'SF1400123456791', mimeType: 'video/webm;codecs=avc1' }, ctx);
    await expect(
      engine.call(
        'recording.finish',
        {
          recordingId,
          reason: 'same-code',
          chunkCount: 0,
          labels: {
            source: 'camera',
            reads: [{ code: 'X', format: 'Code128', firstMs: 0, lastMs: 0, reads: 1, box: [2, 0, 0, 0] }],
            seenAtMs: null,
            mismatch: [],
          },
        },
        ctx,
      ),
    ).rejects.toThrow(/box/);
    await engine.call('recording.discard', { recordingId, reason: 'test' }, ctx);
  });
});
