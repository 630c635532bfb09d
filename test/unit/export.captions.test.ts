// Still captions show whole: the longest order code a station accepts (80 characters) and a
// station named in Chinese, read back from the JPEG's caption band by tesseract.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { stillCaptionSize, textEm } from '../../electron/engine/export/caption.ts';
import { runExport, type ExportResult } from '../../electron/engine/export/run.ts';
import { tesseractAvailable } from '../helpers/ocr.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffmpegBin, ffprobeJson } from '../helpers/video.ts';

// 80 characters, the longest code a station takes; digits and letters tesseract cannot mistake.
const LONG = `JT${'2345679'.repeat(11)}ACE`.slice(0, 80);
const STATION = '杭州萧山一号仓库打包台';

/** The caption band under the picture (the still is taller than the clip by the band), read by tesseract. */
function ocrCaption(jpg: string, clipHeight: number, dir: string): string {
  const height = ffprobeJson(jpg).streams[0]!.height as number;
  const band = height - clipHeight;
  const png = path.join(dir, `${path.basename(jpg)}.band.png`);
  execFileSync(ffmpegBin(), ['-hide_banner', '-loglevel', 'error', '-y', '-i', jpg, '-vf', `crop=iw:${band}:0:ih-${band},scale=iw*3:-1:flags=bicubic`, png]);
  return execFileSync('tesseract', [png, 'stdout', '--psm', '6'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
}

describe('still captions', () => {
  it('are sized from their text: no line is wider than the picture, a long one is wrapped rather than cut', () => {
    for (const [w, h] of [
      [320, 180],
      [640, 360],
      [1280, 720],
    ] as const) {
      const fit = stillCaptionSize(
        [`${LONG}   Station: ${STATION}   shipping (packing)`, '2026-12-02 10:14:07 UTC   01:10.0 into the clip   still 12 of 12'],
        w,
        h,
      );
      for (const line of fit.lines) expect(textEm(line) * fit.fontSize).toBeLessThanOrEqual(w - 20);
      expect(fit.fontSize).toBeGreaterThanOrEqual(12);
      expect(fit.lines.join('').replace(/\s/g, '')).toBe(`${LONG}Station:${STATION}shipping(packing)2026-12-0210:14:07UTC01:10.0intotheclipstill12of12`);
    }
  });
});

describe.runIf(tesseractAvailable())('still captions read back', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let stills: ExportResult;

  beforeAll(async () => {
    t = tmpDir('pw-captions-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    await engine.call('settings.update', { stationName: STATION }, { door: 'http' });
    const webm = path.join(t.dir, 'c.webm');
    makeOrderWebm(webm, 'CAPTION TEST', 6, '640x360', 30);
    await recordClip(engine, LONG, webm);
    stills = await runExport(engine, { order: LONG, preset: 'ebay', stillsAtMs: [1000, 4000], zip: false }, path.join(t.dir, 'out'));
  });
  afterAll(async () => {
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  it('OCR reads the whole caption of every still: the 80-character order code, what follows the Chinese station name, and the end of each line', () => {
    const jpgs = stills.files.filter((f) => f.kind === 'still');
    expect(jpgs).toHaveLength(2);
    for (const [i, j] of jpgs.entries()) {
      const text = ocrCaption(j.path, 360, t.dir).replace(/\s/g, '');
      expect({ still: j.name, code: text.includes(LONG) }).toEqual({ still: j.name, code: true });
      expect(text).toContain('shipping(packing)');
      expect(text).toContain(`into the clip still ${i + 1} of 2`.replace(/\s/g, ''));
      expect(text).toMatch(/\d{4}-\d\d-\d\d\d\d:\d\d:\d\dUTC/);
    }
  });
});
