// A reviewer's offline check says what the clip's signed manifest records about the shipping label
// in the picture: verify.html, in a real Chromium from file://, shows "seen at 00:03.2" for a clip
// whose own label the camera read, and LABEL MISMATCH for one whose picture showed another tracking
// number; neither is a failure of the package (the picture says nothing about tampering), and a
// clip recorded without camera reading gets no label line.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { packageFiles, verifyPackage } from '../../electron/engine/export/verifyPackage.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const ctx = { door: 'http' as const };

describe.runIf(chromiumAvailable())('verify.html shows the label verdict of the signed manifest', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  const exported: Record<'seen' | 'mismatch' | 'none', ExportResult> = {} as never;

  async function recordAndExport(order: string, labels: ClipLabels | null, dir: string): Promise<ExportResult> {
    const webm = path.join(t.dir, 'src.webm');
    const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webm) }, ctx);
    await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1, ...(labels ? { labels } : {}) }, ctx);
    return runExport(engine, { order, preset: 'original' }, path.join(t.dir, dir));
  }

  beforeAll(async () => {
    t = tmpDir('pw-labels-html-');
    makeWebmH264(path.join(t.dir, 'src.webm'), 2, '320x180');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    exported.seen = await recordAndExport(
      'SF1400123456792',
      {
        source: 'camera',
        reads: [{ code: 'SF1400123456792', format: 'Code128', firstMs: 3249, lastMs: 5000, reads: 9, box: [0.1, 0.1, 0.3, 0.1] }],
        seenAtMs: 3249,
        mismatch: [],
      },
      'seen',
    );
    exported.mismatch = await recordAndExport(
      'SF1400123456789',
      {
        source: 'camera',
        reads: [
          { code: 'SF1400123456789', format: 'Code128', firstMs: 3200, lastMs: 9100, reads: 31, box: [0.2, 0.3, 0.25, 0.08] },
          { code: '773012345678901', format: 'Code128', firstMs: 5000, lastMs: 6000, reads: 4, box: [0.6, 0.5, 0.2, 0.07] },
        ],
        seenAtMs: 3200,
        mismatch: ['773012345678901'],
      },
      'mismatch',
    );
    exported.none = await recordAndExport('SF1400123456790', null, 'none');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  /** The package's files given to verify.html opened from file://, as a reviewer does; its verdict and lines. */
  async function check(x: ExportResult): Promise<{ status: string; lines: { kind: string; text: string }[] }> {
    const page = await browser.context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(x.outDir, 'verify.html')).href);
      await page.setInputFiles(
        '#files',
        x.files.filter((f) => f.kind !== 'zip').map((f) => f.path),
      );
      await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 60_000 });
      const lines = await page.$$eval('#log li', (lis) => lis.map((li) => ({ kind: li.className, text: li.textContent ?? '' })));
      return { status: (await page.getAttribute('#result', 'data-status')) ?? '', lines };
    } finally {
      await page.close();
    }
  }
  const labelLines = (lines: { kind: string; text: string }[]) => lines.filter((l) => /label/i.test(l.text) && !/\.(json|sig|tsr|mp4)\b/.test(l.text));

  it('a clip whose label the camera read: "seen at 00:03.2", and the package verifies', async () => {
    const r = await check(exported.seen);
    expect(r.status).toBe('ok');
    expect(labelLines(r.lines)).toEqual([
      {
        kind: 'info',
        text: expect.stringMatching(
          /^Clip \S+ of order SF1400123456792 \(shipping, packing\): The label SF1400123456792 is in the picture: seen at 00:03\.2 \(signed in the manifest\)\. The code was read by the camera\.$/,
        ) as string,
      },
    ]);
    // `packwitness verify PACKAGE` says the same line.
    const cli = await verifyPackage(packageFiles(exported.seen.outDir));
    expect(cli.ok).toBe(true);
    expect(cli.lines).toContainEqual({ kind: 'info', text: labelLines(r.lines)[0]!.text });
  });

  it('a clip whose picture showed another tracking number: LABEL MISMATCH, marked, and still no failure of the package', async () => {
    const r = await check(exported.mismatch);
    expect(r.status).toBe('ok');
    expect(labelLines(r.lines)).toEqual([
      {
        kind: 'warn',
        text: expect.stringContaining(
          'LABEL MISMATCH: the picture showed 773012345678901, but the clip is filed under SF1400123456789 (signed in the manifest).',
        ) as string,
      },
    ]);
    const cli = await verifyPackage(packageFiles(exported.mismatch.outDir));
    expect(cli.ok).toBe(true);
    expect(cli.lines).toContainEqual({ kind: 'info', text: labelLines(r.lines)[0]!.text });
  });

  it('a clip recorded without camera reading: no label line', async () => {
    const r = await check(exported.none);
    expect(r.status).toBe('ok');
    expect(labelLines(r.lines)).toEqual([]);
  });

  it('a label verdict edited in the manifest fails the package instead of being shown', async () => {
    const dir = path.join(t.dir, 'edited');
    fs.cpSync(exported.mismatch.outDir, dir, { recursive: true });
    const name = fs.readdirSync(dir).find((n) => n.endsWith('.manifest.json'))!;
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    fs.writeFileSync(path.join(dir, name), text.replace('"mismatch":["773012345678901"]', '"mismatch":[]'));
    const r = await check({
      ...exported.mismatch,
      outDir: dir,
      files: exported.mismatch.files.map((f) => ({ ...f, path: path.join(dir, path.basename(f.path)) })),
    });
    expect(r.status).toBe('fail');
    expect(labelLines(r.lines).filter((l) => l.kind !== 'fail')).toEqual([]);
  });
});
