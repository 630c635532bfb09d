// Reading the label with the camera, through door 2: a real `packwitness serve`, the
// real page in Chromium, and as its camera a y4m video made here of a packing table with printed
// labels (test/helpers/labelVideo.ts). The video loops, so the tests look for the sequence of
// states the window went through rather than sampling it at a moment.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Clip } from '../../shared/contract.ts';
import { writeLabelVideo, type LabelSpec } from '../helpers/labelVideo.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { apiCall, chromiumAvailable, launchBrowser, scan, startServe, waitForState, withDiagnostics, type Served } from '../helpers/station.ts';

const ready = chromiumAvailable();

const SF = 'SF1400123456789';
const ZTO = '773012345678901';
const UPS = '1Z999AA10123456784';
const DHL = 'JJD014600003828000000';
const EAN = '6901234567892';

interface Transition {
  state: string;
  order: string;
  cam: boolean;
}

/** Records every change of the window's state and order, and whether it said "read by camera". */
async function recordTransitions(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __pwTransitions: { state: string; order: string; cam: boolean }[] };
    w.__pwTransitions = [];
    const note = () => {
      const state = document.body.dataset.state ?? '';
      const order = document.body.dataset.order ?? '';
      const cam = document.querySelector('[data-testid="read-by-camera"]') !== null;
      const last = w.__pwTransitions.at(-1);
      if (!last || last.state !== state || last.order !== order) w.__pwTransitions.push({ state, order, cam });
      else if (cam) last.cam = true;
    };
    new MutationObserver(note).observe(document.body, { attributes: true, childList: true, subtree: true });
    note();
  });
}

const transitions = (page: Page) => page.evaluate(() => (window as unknown as { __pwTransitions: Transition[] }).__pwTransitions);

async function clipsOf(served: Served, order: string): Promise<Clip[]> {
  return (await apiCall<{ clips: Clip[] }>(served.url, 'clips.search', { q: order })).clips.filter((c) => c.order === order);
}

async function waitForClip(served: Served, order: string, ok: (c: Clip) => boolean): Promise<Clip> {
  for (let i = 0; i < 120; i++) {
    const c = (await clipsOf(served, order)).find(ok);
    if (c) return c;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no clip of ${order} as expected: ${JSON.stringify(await clipsOf(served, order))}`);
}

async function stationWith(videoFile: string, settings: Record<string, unknown>) {
  const t = tmpDir();
  const served = await startServe(['--data', t.dir]);
  await apiCall(served.url, 'settings.update', settings);
  const browser = await launchBrowser({ videoFile, fps: 5 });
  const page = await browser.context.newPage();
  await page.goto(served.url);
  return { t, served, browser, page };
}

describe.skipIf(!ready)('the camera reads the label: starts, switches, stops; never a product barcode', () => {
  const v = tmpDir();
  let s: Awaited<ReturnType<typeof stationWith>>;
  const product: LabelSpec[] = [
    { text: EAN, format: 'EAN13', at: [0.78, 0.3], module: 2 },
    // A carton code in Code 128 with the product's number: read, and refused as a product.
    { text: EAN, format: 'Code128', at: [0.78, 0.75], module: 2 },
  ];
  beforeAll(async () => {
    const file = await writeLabelVideo(path.join(v.dir, 'table.y4m'), [
      { seconds: 3, labels: [] },
      { seconds: 4, labels: product }, // a product box alone
      { seconds: 5, labels: [{ text: SF, format: 'Code128', at: [0.3, 0.5], module: 2 }, ...product] }, // label + product box
      { seconds: 4, labels: [] },
      { seconds: 5, labels: [{ text: ZTO, format: 'Code128', at: [0.4, 0.5], module: 2.5, rotate: 15, blur: 1 }] }, // tilted, slightly blurred
      { seconds: 4, labels: [] },
      { seconds: 5, labels: [{ text: ZTO, format: 'Code128', at: [0.4, 0.5], module: 2.5, rotate: 15, blur: 1 }] }, // shown again
      { seconds: 4, labels: [] },
    ]);
    s = await stationWith(file, { cameraReading: 'camera' });
    await waitForState(s.page, 'idle', undefined, 30_000);
    await recordTransitions(s.page);
  });
  afterAll(async () => {
    await s?.browser.close();
    await s?.served.stop();
    s?.t.cleanup();
    v.cleanup();
  });

  it('label SF starts, label ZTO switches, ZTO shown again stops; each clip says its label was seen', { timeout: 240_000 }, async () => {
    await withDiagnostics(s.page, s.served, () =>
      s.page.waitForFunction(
        ([sf, zto]) => {
          const tr = (window as unknown as { __pwTransitions: Transition[] }).__pwTransitions;
          return tr.some(
            (t, i) => t.state === 'recording' && t.order === sf && tr[i + 1]?.state === 'recording' && tr[i + 1]?.order === zto && tr[i + 2]?.state === 'idle',
          );
        },
        [SF, ZTO] as const,
        { timeout: 180_000, polling: 500 },
      ),
    );
    const tr = await transitions(s.page);
    const i = tr.findIndex((t, k) => t.state === 'recording' && t.order === SF && tr[k + 1]?.order === ZTO);
    expect(tr[i]!.cam, 'the window says "read by camera"').toBe(true);
    expect(tr[i + 1]!.cam).toBe(true);

    const sf = await waitForClip(s.served, SF, (c) => c.stopReason === 'next-scan');
    expect(sf.labels?.source).toBe('camera');
    expect(sf.labels?.seenAtMs).not.toBeNull();
    expect(sf.labels!.seenAtMs!).toBeLessThan(1500); // it started from that very label
    expect(sf.labels?.mismatch).toEqual([]);
    const seen = sf.labels!.reads.find((r) => r.code === SF)!;
    expect(seen.format).toBe('Code128');
    expect(seen.box[0]).toBeGreaterThan(0.1); // where in the frame: the label's left third
    expect(seen.box[0]).toBeLessThan(0.3);

    const zto = await waitForClip(s.served, ZTO, (c) => c.stopReason === 'same-code');
    expect(zto.labels?.source).toBe('camera');
    expect(zto.labels?.mismatch).toEqual([]);
    expect(zto.durationMs).toBeGreaterThan(5000); // not stopped by the first sighting, only by the label shown again
  });

  it('the product barcode never started a recording, alone or beside the label', async () => {
    expect(await clipsOf(s.served, EAN)).toEqual([]);
    const tr = await transitions(s.page);
    expect(
      tr
        .filter((t) => t.state === 'recording')
        .map((t) => t.order)
        .filter((o) => o !== SF && o !== ZTO),
    ).toEqual([]);
    const log = await s.page.locator('[data-testid="scan-log"] li[data-source="camera"]').allTextContents();
    expect(log.some((l) => l.includes(EAN))).toBe(true); // noted as refused, without starting anything
  });
});

describe.skipIf(!ready)('a label in the picture that is not the order the clip is filed under', () => {
  const v = tmpDir();
  let s: Awaited<ReturnType<typeof stationWith>>;
  beforeAll(async () => {
    const file = await writeLabelVideo(path.join(v.dir, 'qr.y4m'), [{ seconds: 2, labels: [{ text: DHL, format: 'QRCode', at: [0.5, 0.5], module: 5 }] }]);
    s = await stationWith(file, { cameraReading: 'beside', cameraFormats: ['Code128', 'QRCode'] });
  });
  afterAll(async () => {
    await s?.browser.close();
    await s?.served.stop();
    s?.t.cleanup();
    v.cleanup();
  });

  it(
    'the QR label starts by camera; a scanned other code switches; the label still in the picture is flagged at once and sealed',
    { timeout: 180_000 },
    async () => {
      const { page, served } = s;
      await withDiagnostics(page, served, () => waitForState(page, 'recording', DHL, 60_000));
      await page.locator('[data-testid="read-by-camera"]').waitFor();
      await scan(page, UPS); // the packer scans another parcel's label; the DHL parcel stays in the picture
      await withDiagnostics(page, served, () => waitForState(page, 'recording', UPS));
      await withDiagnostics(page, served, () => page.locator('[data-testid="scan-log"] li[data-outcome="mismatch"]').first().waitFor({ timeout: 30_000 }));
      expect(await page.locator('[data-testid="scan-log"] li[data-outcome="mismatch"]').first().textContent()).toContain(DHL);
      expect(await page.locator('[data-testid="read-by-camera"]').count()).toBe(0); // this clip was scanned
      await scan(page, 'PW:STOP');
      await waitForState(page, 'idle');

      const ups = await waitForClip(served, UPS, (c) => c.stopReason === 'stop-code');
      expect(ups.labels?.source).toBe('scanner');
      expect(ups.labels?.seenAtMs).toBeNull();
      expect(ups.labels?.mismatch).toEqual([DHL]);
      const dhl = await waitForClip(served, DHL, (c) => c.stopReason === 'next-scan');
      expect(dhl.labels?.source).toBe('camera');
      expect(dhl.labels?.seenAtMs).not.toBeNull();
      expect(dhl.labels?.mismatch).toEqual([]);
      expect(dhl.labels?.reads.find((r) => r.code === DHL)?.format).toBe('QRCode');
      // Still in the picture, already taken: the station does not start it again by itself.
      await new Promise((r) => setTimeout(r, 3000));
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
      // A still picture is decoded once, then skipped as unchanged while its reads still count.
      const stats = (await page.evaluate(() => window.__pwStation?.diagnostics.labels)) as { decoded: number; skipped: number };
      expect(stats.skipped).toBeGreaterThan(stats.decoded);
    },
  );

  it('the lookup shows the mismatch on the scanned clip and "label seen at" on the camera clip', async () => {
    const { page } = s;
    await page.getByTestId('nav-lookup').click();
    const ups = page.locator(`[data-testid="result"][data-order="${UPS}"]`);
    await ups.getByTestId('label-check').waitFor();
    expect(await ups.getByTestId('label-check').getAttribute('data-verdict')).toBe('mismatch');
    expect(await ups.getByTestId('label-check').textContent()).toContain(DHL);
    const dhl = page.locator(`[data-testid="result"][data-order="${DHL}"]`); // the UPS result names DHL too
    expect(await dhl.getByTestId('label-check').getAttribute('data-verdict')).toBe('seen');
    expect(await dhl.getByTestId('label-check').textContent()).toMatch(/label seen at 00:0\d\.\d/);
  });

  it('the read region is drawn by dragging on the preview in Settings and saved', async () => {
    const { page, served } = s;
    await page.getByTestId('nav-settings').click();
    const picker = page.getByTestId('region-picker');
    await picker.waitFor();
    await picker.scrollIntoViewIfNeeded();
    const box = (await picker.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.8, { steps: 5 });
    await page.mouse.up();
    await page.getByTestId('settings-save').click();
    await expect
      .poll(async () => (await apiCall<{ cameraReadRegion: number[] | null }>(served.url, 'settings.get')).cameraReadRegion, { timeout: 10_000 })
      .not.toBeNull();
    const region = (await apiCall<{ cameraReadRegion: number[] }>(served.url, 'settings.get')).cameraReadRegion;
    expect(region[0]).toBeCloseTo(0.25, 1);
    expect(region[1]).toBeCloseTo(0.2, 1);
    expect(region[2]).toBeCloseTo(0.5, 1);
    expect(region[3]).toBeCloseTo(0.6, 1);
  });
});
