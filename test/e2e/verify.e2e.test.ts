// The Verify view through door 2 in a real Chromium: choose a clip file, read in plain words which
// order it is, when and where it was recorded, and whether it is intact.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Engine } from '../../electron/engine/engine.ts';
import { formatFingerprint } from '../../electron/engine/evidence/keys.ts';
import { stationCustodyOf } from '../../electron/engine/evidence/handlers.ts';
import type { Clip } from '../../shared/contract.ts';
import { apiCall, chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const ctx = { door: 'http' as const };

describe.skipIf(!chromiumAvailable())('Verify view', () => {
  let t: ReturnType<typeof tmpDir>;
  let served: Served;
  let browser: { browser: Browser; close(): Promise<void> };
  let page: Page;
  let clip: Clip;
  let fingerprint: string;
  let webm: string;

  beforeAll(async () => {
    t = tmpDir('pw-verify-e2e-');
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2, '320x240', 15);
    const dataDir = path.join(t.dir, 'data');
    const engine = await Engine.open({ dataDir, timestampWorker: false });
    const { recordingId } = await engine.call('recording.start', { order: 'VERIFY-42', mimeType: 'video/webm', operator: 'Mei' }, ctx);
    await engine.call('recording.chunk', { recordingId, seq: 0, data: fs.readFileSync(webm) }, ctx);
    clip = (await engine.call('recording.finish', { recordingId, reason: 'same-code', chunkCount: 1 }, ctx)).clip!;
    fingerprint = stationCustodyOf(engine).key.fingerprint;
    await engine.close();
    // --tsa as a site would pass it. Nothing listens there: the clip, sealed before a TSA was
    // configured, is queued for a token that does not come, and nothing waits for it.
    served = await startServe(['--data', dataDir, '--tsa', 'http://127.0.0.1:9/tsa', '--tsa', 'http://127.0.0.1:9/backup']);
    browser = await launchBrowser();
    page = await browser.browser.newPage();
    await page.goto(`${served.url}#/verify`);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t?.cleanup();
  });

  it('shows the station key fingerprint; serve --tsa set the TSA list', async () => {
    await expect.poll(() => page.getByTestId('verify-fingerprint').textContent()).toBe(formatFingerprint(fingerprint));
    const key = await apiCall<{ tsaUrls: string[]; fingerprint: string }>(served.url, 'evidence.key');
    expect(key).toMatchObject({ fingerprint, tsaUrls: ['http://127.0.0.1:9/tsa', 'http://127.0.0.1:9/backup'] });
  });

  it('says an untouched clip is intact, which order it is, when and where it was recorded', async () => {
    await page.getByTestId('verify-file').setInputFiles(clipPath(path.join(t.dir, 'data', 'clips'), clip));
    const result = page.getByTestId('verify-result');
    await result.waitFor();
    expect(await result.getAttribute('data-verdict')).toBe('intact');
    expect(await page.getByTestId('verify-order').textContent()).toBe('VERIFY-42');
    const text = (await result.textContent()) ?? '';
    expect(text).toContain('Intact');
    expect(text).toContain(`station "${clip.station}"`);
    expect(text).toContain('by Mei');
    expect(await page.getByTestId('verify-check-signature').textContent()).toContain('Signed by this station');
    await page.screenshot({ path: path.join(t.dir, 'verify-intact.png') });
  });

  it('says a changed copy is not intact and names the clip it claims to be', async () => {
    const copy = path.join(t.dir, 'nas', path.basename(clipPath(path.join(t.dir, 'data', 'clips'), clip)));
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    const bytes = fs.readFileSync(clipPath(path.join(t.dir, 'data', 'clips'), clip));
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    fs.writeFileSync(copy, bytes);
    await page.getByTestId('verify-file').setInputFiles(copy);
    await page.locator('[data-verdict="problem"]').waitFor();
    const text = (await page.getByTestId('verify-result').textContent()) ?? '';
    expect(text).toContain('Not intact');
    expect(text).toMatch(/order VERIFY-42.*changed after it was sealed/);
  });

  it('says a file from elsewhere was not recorded by this station', async () => {
    await page.getByTestId('verify-file').setInputFiles(webm);
    await page.locator('[data-verdict="unknown"]').waitFor();
    expect(await page.getByTestId('verify-headline').textContent()).toBe('Not recorded by this station');
  });

  it('shows the seal and trusted-time state with the clip in the lookup', async () => {
    await page.goto(`${served.url}#/lookup`);
    await page.locator('[data-testid="result"][data-order="VERIFY-42"]').click();
    expect(await page.getByTestId('clip-seal').textContent()).toMatch(/Signed, entry 2 of the station's hash chain/);
    expect(await page.getByTestId('clip-tsa').textContent()).toBe('Requested, not received yet');
    expect(await page.getByTestId('clip-anchor').textContent()).toMatch(
      /^Not stamped yet: a chain anchor covers it once a timestamp authority stamps the chain/,
    );
    await page.goto(`${served.url}#/verify`);
  });

  it('edits the timestamp authorities, refusing what is not an http(s) URL', async () => {
    await expect.poll(() => page.getByTestId('tsa-urls').inputValue()).toBe('http://127.0.0.1:9/tsa\nhttp://127.0.0.1:9/backup');
    await page.getByTestId('tsa-urls').fill('ftp://wrong');
    await page.getByTestId('tsa-save').click();
    await expect.poll(() => page.getByTestId('tsa-message').textContent()).toMatch(/http/);
    await page.getByTestId('tsa-urls').fill('http://127.0.0.1:9/only');
    await page.getByTestId('tsa-save').click();
    await expect.poll(() => page.getByTestId('tsa-message').textContent()).toBe('Saved.');
    expect((await apiCall<{ tsaUrls: string[] }>(served.url, 'settings.get')).tsaUrls).toEqual(['http://127.0.0.1:9/only']);
  });

  it('checks every clip on the station', async () => {
    await page.getByTestId('verify-all').click();
    await expect.poll(() => page.getByTestId('verify-all-result').textContent()).toContain('Everything holds');
  });
});
