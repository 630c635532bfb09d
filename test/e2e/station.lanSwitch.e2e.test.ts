// Settings through door 2 on a station serving this computer only: LAN access is switched on
// (the panel shows the token and, when the machine has a LAN address, its QR code), a new token
// replaces the old one, and off closes the listener; the storage folder field names what is wrong
// and says the change waits for a restart.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { tmpDir } from '../helpers/tmp.ts';
import { chromiumAvailable, launchBrowser, startServe, type Served } from '../helpers/station.ts';

// A fresh connection per request (no keep-alive pool): a reopened or closed listener is seen as it is.
const stationInfo = (port: number, token?: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    const req = request(`http://127.0.0.1:${port}/api/call/station.info`, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });

describe.skipIf(!chromiumAvailable())('LAN access and storage folder from Settings (door 2, loopback station)', () => {
  const t = tmpDir('pw-lanswitch-');
  let served: Served;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    served = await startServe(['--data', path.join(t.dir, 'data')]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(served.url);
    await page.getByTestId('nav-settings').click();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    t.cleanup();
  });

  it('LAN access: on shows the token (and QR codes), a new token locks the old one out, off closes it', async () => {
    await page.getByTestId('lan-off').waitFor({ timeout: 10_000 });
    await page.getByTestId('lan-switch').click();
    await page.getByTestId('lan-on').waitFor({ timeout: 10_000 });
    const token = (await page.getByTestId('lan-token').textContent())!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const lan = (await (
      await fetch(`${served.url}api/call/station.lan`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json()) as { result: { port: number; urls: string[] } };
    const port = lan.result.port;
    expect(await page.getByTestId('lan-qr').count()).toBe(lan.result.urls.length);
    expect(await stationInfo(port)).toBe(401);
    expect(await stationInfo(port, token)).toBe(200);

    await page.getByTestId('lan-new-token').click();
    await expect.poll(() => page.getByTestId('lan-token').textContent(), { timeout: 10_000 }).not.toBe(token);
    const renewed = (await page.getByTestId('lan-token').textContent())!;
    expect(await stationInfo(port, token)).toBe(401);
    expect(await stationInfo(port, renewed)).toBe(200);

    await page.getByTestId('lan-switch').click();
    await page.getByTestId('lan-off').waitFor({ timeout: 10_000 });
    await expect(stationInfo(port, renewed)).rejects.toThrow();
  });

  it('LAN port: chosen in the panel, moved while on, a port in use refused in plain words with the old one kept', async () => {
    const freePort = async (): Promise<number> => {
      const srv = createServer();
      await new Promise<void>((r) => srv.listen(0, '0.0.0.0', r));
      const p = (srv.address() as AddressInfo).port;
      await new Promise((r) => srv.close(r));
      return p;
    };
    await page.getByTestId('lan-off').waitFor({ timeout: 10_000 });
    await page.getByTestId('lan-port').fill('70000');
    expect(await page.getByTestId('lan-port-error').textContent()).toContain('1 to 65535');
    expect(await page.getByTestId('lan-switch').isDisabled()).toBe(true);
    const first = await freePort();
    await page.getByTestId('lan-port').fill(String(first));
    await page.getByTestId('lan-switch').click();
    await page.getByTestId('lan-on').waitFor({ timeout: 10_000 });
    const token = (await page.getByTestId('lan-token').textContent())!;
    expect(await stationInfo(first, token)).toBe(200);

    // Moved while on: the same token answers on the new port, the old one is closed.
    const second = await freePort();
    await page.getByTestId('lan-port').fill(String(second));
    await page.getByTestId('lan-port-apply').click();
    await expect.poll(() => stationInfo(second, token).catch(() => 0), { timeout: 10_000 }).toBe(200);
    await expect(stationInfo(first, token)).rejects.toThrow();

    // A port another program holds: said in plain words, and the station stays where it was.
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '0.0.0.0', r));
    try {
      const taken = (squatter.address() as AddressInfo).port;
      await page.getByTestId('lan-port').fill(String(taken));
      await page.getByTestId('lan-port-apply').click();
      await expect.poll(() => page.getByTestId('lan-error').textContent(), { timeout: 10_000 }).toContain(`Port ${taken} is already in use by another program`);
      expect(await stationInfo(second, token)).toBe(200);
    } finally {
      await new Promise((r) => squatter.close(r));
    }
    await page.getByTestId('lan-switch').click();
    await page.getByTestId('lan-off').waitFor({ timeout: 10_000 });
  });

  it('storage folder: a relative path is marked at once, a valid one is saved for the next start', async () => {
    const field = page.getByTestId('set-clipsDir');
    await field.fill('clips-here');
    await expect.poll(() => page.getByTestId('error-clipsDir').textContent(), { timeout: 5_000 }).toContain('absolute path');
    const photos = path.join(t.dir, 'photos');
    await import('node:fs').then((fs) => {
      fs.mkdirSync(photos);
      fs.writeFileSync(path.join(photos, 'a.jpg'), 'x');
    });
    await field.fill(photos);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-status').textContent(), { timeout: 5_000 }).toContain('not a PackWitness clips folder');
    const next = path.join(t.dir, 'disk2', 'clips');
    await field.fill(next);
    await page.getByTestId('settings-save').click();
    await expect.poll(() => page.getByTestId('settings-status').textContent(), { timeout: 5_000 }).toContain('Saved');
    expect(await page.getByTestId('clips-dir-restart').textContent()).toContain('Takes effect when the station restarts');
    expect(await page.getByTestId('clips-dir').textContent()).toBe(path.join(t.dir, 'data', 'clips')); // still the folder in use
  });
});
