// LAN access switched while the station runs: a second listener on 0.0.0.0 that wants the token on
// every route, closed again when turned off, remembered for the next start (also through the real
// `packwitness serve` process).
import fs from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { readLanConfig } from '../../electron/engine/lanConfig.ts';
import { setLanController } from '../../electron/engine/lanHandlers.ts';
import { LanListener } from '../../electron/server/lanListener.ts';
import { startServer, type RunningServer } from '../../electron/server/http.ts';
import { startServe } from '../helpers/station.ts';
import { tmpDir } from '../helpers/tmp.ts';

const http = { door: 'http' } as const;

// A fresh connection per request (no keep-alive pool): a closed or reopened listener must be seen as it is.
function status(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
const info = (base: string, token?: string) =>
  status(`${base}api/call/station.info`, {
    method: 'POST',
    body: '{}',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });

describe('LAN access on and off at runtime (door 2)', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let main: RunningServer;
  let staticDir: string;
  beforeAll(async () => {
    t = tmpDir('pw-lan-');
    staticDir = path.join(t.dir, 'static');
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>station</title>');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    main = await startServer({ engine, port: 0, staticDir, rateLimit: false });
  });
  afterAll(async () => {
    await main.close();
    await engine.close();
    t.cleanup();
  });

  it('without a controller (the desktop window) says plainly that this door cannot do it', async () => {
    const lan = await engine.call('station.lan', {}, http);
    expect(lan).toMatchObject({ listening: false, switchable: false, urls: [] });
    expect(lan.howToEnable).toContain('not available in this window');
    await expect(engine.call('station.lanSet', { enabled: true }, http)).rejects.toThrow(/not available in this window/);
  });

  it('on: a second listener wants the token on every route; off: it is closed; the choice is remembered', async () => {
    const lan = new LanListener({ engine, main, requestedPort: 0, staticDir, rateLimit: false });
    setLanController(engine, lan);
    expect(await engine.call('station.lan', {}, http)).toMatchObject({ listening: false, switchable: true });

    const on = await engine.call('station.lanSet', { enabled: true }, http);
    expect(on.listening).toBe(true);
    expect(on.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(on.port).not.toBe(main.port);
    for (const u of on.urls) expect(u).toBe(`${u.split('/?')[0]}/?token=${on.token}`);
    expect(lan.running!.host).toBe('0.0.0.0');
    // Reached here through 127.0.0.1 because that is the address a test can always use; the
    // listener is the 0.0.0.0 one, so phones on the LAN get exactly this treatment.
    const lanBase = `http://127.0.0.1:${on.port}/`;
    expect(await info(lanBase)).toBe(401);
    expect(await info(lanBase, 'wrong-token-wrong-token-wrong-to')).toBe(401);
    expect(await info(lanBase, on.token!)).toBe(200);
    expect(await status(lanBase)).toBe(401); // the page itself too, not only the API
    expect(await status(`${lanBase}media/clips/abc`)).toBe(401);
    expect(await status(`${lanBase}?token=${on.token}`)).toBe(303); // the QR code's URL: token into a cookie
    expect(await status(lanBase, { headers: { cookie: `pw_token=${on.token}` } })).toBe(200);
    // The station's own loopback listener is unchanged: no token.
    expect(await info(main.url)).toBe(200);
    expect(readLanConfig(engine.db)).toEqual({ enabled: true, port: null, token: on.token });

    // A new token: phones must rescan, the old one stops working at once.
    const renewed = await engine.call('station.lanSet', { enabled: true, newToken: true }, http);
    expect(renewed.token).not.toBe(on.token);
    const base2 = `http://127.0.0.1:${renewed.port}/`;
    expect(await info(base2, on.token!)).toBe(401);
    expect(await info(base2, renewed.token!)).toBe(200);

    // The next start reopens it with the same token.
    await lan.close();
    const again = new LanListener({ engine, main, requestedPort: 0, staticDir, rateLimit: false });
    setLanController(engine, again);
    const restored = await again.restore();
    expect(restored).toMatchObject({ listening: true, token: renewed.token });
    expect(await info(`http://127.0.0.1:${restored!.port}/`, renewed.token!)).toBe(200);

    const off = await engine.call('station.lanSet', { enabled: false }, http);
    expect(off).toMatchObject({ listening: false, switchable: true, token: null });
    await expect(status(`http://127.0.0.1:${restored!.port}/`)).rejects.toThrow(/ECONNREFUSED/);
    expect(readLanConfig(engine.db).enabled).toBe(false);
    expect(await new LanListener({ engine, main, requestedPort: 0, staticDir }).restore()).toBeNull();
    setLanController(engine, null);
  });

  it('a port in use is refused with a sentence, and not remembered as on', async () => {
    const lan = new LanListener({ engine, main, requestedPort: 0, staticDir, rateLimit: false });
    setLanController(engine, lan);
    await expect(engine.call('station.lanSet', { enabled: true, port: main.port }, http)).rejects.toThrow(`Port ${main.port} is already in use`);
    expect(readLanConfig(engine.db).enabled).toBe(false);
    expect((await engine.call('station.lan', {}, http)).listening).toBe(false);
    setLanController(engine, null);
  });

  it('a station started with --host 0.0.0.0 serves the LAN as before and reports it as fixed', async () => {
    const wide = await startServer({ engine, host: '0.0.0.0', port: 0, staticDir, rateLimit: false });
    try {
      setLanController(engine, new LanListener({ engine, main: wide, requestedPort: 0, staticDir }));
      const lan = await engine.call('station.lan', {}, http);
      expect(lan).toMatchObject({ listening: true, switchable: false, token: wide.token, port: wide.port });
      await expect(engine.call('station.lanSet', { enabled: false }, http)).rejects.toThrow(/started with `--host`/);
      expect(await info(`http://127.0.0.1:${wide.port}/`)).toBe(401);
    } finally {
      setLanController(engine, null);
      await wide.close();
    }
  });
});

describe('packwitness serve reopens LAN access at the next start', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('pw-lan-serve-');
  });
  afterAll(() => t.cleanup());

  it('turned on in one run, it is listening with the same token in the next', async () => {
    const data = path.join(t.dir, 'data');
    const call = async (base: string, name: string, body: unknown, token?: string) => {
      const r = await fetch(`${base}api/call/${name}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
      return (await r.json()) as { ok: boolean; result: { listening: boolean; port: number; token: string } };
    };
    const first = await startServe(['--data', data]);
    let port: number;
    let token: string;
    try {
      const on = await call(first.url, 'station.lanSet', { enabled: true });
      expect(on.ok).toBe(true);
      ({ port, token } = on.result);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const second = await startServe(['--data', data]);
    try {
      await expect.poll(() => second.output(), { timeout: 10_000 }).toMatch(/LAN/);
      const lan = await call(second.url, 'station.lan', {});
      expect(lan.result).toMatchObject({ listening: true, token });
      expect(await info(`http://127.0.0.1:${lan.result.port}/`)).toBe(401);
      expect(await info(`http://127.0.0.1:${lan.result.port}/`, token)).toBe(200);
      expect(port).toBeGreaterThan(0);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 60_000);
});
