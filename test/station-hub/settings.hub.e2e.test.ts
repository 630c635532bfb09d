// Settings → Warehouse hub in Chromium (door 2): the code typed into the panel enrolls the running
// station with a real (embedded) hub, which then receives its clip; the Status view says so.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { call, recordOverHttp } from '../helpers/faults.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { embeddedBackend, startInProcessHub, type InProcessHub } from '../hub/hubFixture.ts';

const haveChromium = chromiumAvailable();

describe.skipIf(!haveChromium)('Settings → Warehouse hub (door 2, Chromium)', () => {
  const t = tmpDir('pw-hubpanel-e2e-');
  let served: Served;
  let hub: InProcessHub;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let webm: string;

  beforeAll(async () => {
    webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 1, '320x180');
    hub = await startInProcessHub(embeddedBackend());
    served = await startServe(['--data', path.join(t.dir, 'data')]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await hub?.close();
    t.cleanup();
  });

  it('refuses a code for another hub in plain words, enrolls with the right one, and Status shows the clip published', async () => {
    await page.goto(`${served.url}#/settings`);
    await page.getByTestId('hub-url').fill(hub.url);
    await page.getByTestId('hub-code').fill('PWE1-AAAAAAAAAAAAAAAAAAAA-0000000000000000');
    await page.getByTestId('hub-enroll').click();
    await expect.poll(() => page.getByTestId('hub-message').textContent()).toContain('not the hub the code was made for');
    await expect.poll(() => page.getByTestId('hub-not-enrolled').count()).toBe(1);
    await page.getByTestId('hub-code').fill(await hub.code());
    await page.getByTestId('hub-enroll').click();
    await expect.poll(() => page.getByTestId('hub-enrolled').textContent()).toContain(`Enrolled with Test hub at ${hub.url}`);

    const r = await recordOverHttp(served.url, 'HUB-PANEL-1', fs.readFileSync(webm));
    const clip = (await call(served.url, 'recording.finish', { recordingId: r.id, reason: 'next-scan', chunkCount: r.chunkCount })).result.clip as {
      sha256: string;
    };
    await page.goto(`${served.url}#/status`);
    await expect.poll(() => page.getByTestId('hub-outbox').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('hub-depth').textContent(), { timeout: 60_000 }).toBe('Every sealed clip is on the hub.');
    const found = await hub.parts.index.findClips({ order: 'HUB-PANEL-1', limit: 10 });
    expect(found.map((c) => c.sha256)).toEqual([clip.sha256]);
  });
});
