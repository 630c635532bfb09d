// A reviewer's offline check explains the clip's frames: verify.html, in a real Chromium, reads the
// signed record of the frame counter that travels in the evidence package (X.continuity.json) and
// says each gap with its cause; a record edited after signing fails the package.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { makeCounterWebm } from '../helpers/counterClip.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const ctx = { door: 'http' as const };

describe.runIf(chromiumAvailable())('verify.html explains the frames of the clip', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let exported: ExportResult;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;

  beforeAll(async () => {
    t = tmpDir('pw-continuity-html-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const webm = path.join(t.dir, 'gap.mkv');
    makeCounterWebm(webm, { frames: 90, skip: [40, 41] });
    const { recordingId } = await engine.call('recording.start', { order: 'SF-HTML-GAP', mimeType: 'video/webm;codecs=avc1' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webm) }, ctx);
    await engine.call('recording.events', { recordingId, incidents: [{ kind: 'late', from: 39, to: 39, at: Date.now(), ms: 80 }] }, ctx);
    await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1 }, ctx);
    await engine.continuity.idle();
    exported = await runExport(engine, { order: 'SF-HTML-GAP', preset: 'original' }, path.join(t.dir, 'original'));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  async function check(files: string[]): Promise<{ status: string; log: string }> {
    const page = await browser.context.newPage();
    try {
      await page.goto(pathToFileURL(path.join(exported.outDir, 'verify.html')).href);
      await page.setInputFiles('#files', files);
      await page.waitForFunction(() => ['ok', 'fail'].includes(document.getElementById('result')?.dataset.status ?? ''), undefined, { timeout: 60_000 });
      return { status: (await page.getAttribute('#result', 'data-status')) ?? '', log: (await page.textContent('#log')) ?? '' };
    } finally {
      await page.close();
    }
  }

  const files = () => exported.files.filter((f) => f.kind !== 'zip').map((f) => f.path);

  it('the package carries the signed record, and verify.html says each gap with its cause', async () => {
    const names = files().map((f) => path.basename(f));
    expect(names.some((n) => n.endsWith('.continuity.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('.continuity.json.sig'))).toBe(true);
    const r = await check(files());
    expect(r.status).toBe('ok');
    expect(r.log).toContain('Frames: 2 frames dropped by the encoder under load at 00:01.33 (after frame 39); recorded by the station on');
  });

  it('a record of the frames edited after signing fails the package', async () => {
    const dir = path.join(t.dir, 'edited');
    fs.cpSync(exported.outDir, dir, { recursive: true });
    const rec = fs.readdirSync(dir).find((n) => n.endsWith('.continuity.json'))!;
    const text = fs.readFileSync(path.join(dir, rec), 'utf8');
    fs.writeFileSync(path.join(dir, rec), text.replace('"cause":"encoder-under-load"', '"cause":"page-hidden"'));
    const r = await check(files().map((f) => path.join(dir, path.basename(f))));
    expect(r.status).toBe('fail');
  });
});
