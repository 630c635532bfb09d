// Both doors answer files from one module (electron/doors/media.ts): the same request gets the same
// status, headers and bytes whether the desktop window (app://) or a browser (HTTP) asks.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { createAppHandler } from '../../electron/main/protocol.ts';
import { startServer, type RunningServer } from '../../electron/server/http.ts';
import { tmpDir } from '../helpers/tmp.ts';

const COMPARED = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'cache-control',
  'content-security-policy',
  'content-disposition',
  'x-content-type-options',
];

describe('one media module behind both doors', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let server: RunningServer;
  let appHandler: (r: Request) => Promise<Response>;

  beforeAll(async () => {
    t = tmpDir();
    const web = path.join(t.dir, 'renderer');
    fs.mkdirSync(path.join(web, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>PackWitness</title>');
    fs.writeFileSync(path.join(web, 'assets', 'app.js'), 'console.log("both doors")');
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'secret');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    appHandler = createAppHandler({ engine, staticDir: web });
    server = await startServer({ engine, port: 0, staticDir: web, rateLimit: false });
  });
  afterAll(async () => {
    await server.close();
    await engine.close();
    t.cleanup();
  });

  async function seen(res: Response): Promise<{ status: number; headers: Record<string, string | null>; body: string }> {
    const headers = Object.fromEntries(COMPARED.map((h) => [h, res.headers.get(h)]));
    return { status: res.status, headers, body: await res.text() };
  }

  it.each([
    ['GET', '/', null],
    ['GET', '/index.html', null],
    ['GET', '/search', null],
    ['GET', '/assets/app.js', null],
    ['HEAD', '/assets/app.js', null],
    ['GET', '/assets/app.js', 'bytes=2-5'],
    ['GET', '/assets/app.js', 'bytes=-4'],
    ['GET', '/assets/app.js', 'bytes=999-'],
    ['GET', '/nope.js', null],
    ['GET', '/%2e%2e/secret.txt', null],
    ['GET', '/%E0%A4%A.js', null],
    ['GET', '/media/clips/no-such-clip', null],
    ['GET', '/media/thumbs/no-such-clip', null],
    ['GET', '/media/exports/no-such-job/sheet.pdf', null],
    ['GET', '/media/elsewhere', null],
    ['GET', '/api/no-such-route', null],
  ] as const)('%s %s (Range %s) is answered alike', async (method, pathname, range) => {
    const init: RequestInit = { method, headers: range ? { range } : {} };
    const viaApp = await seen(await appHandler(new Request(`app://packwitness${pathname}`, init)));
    const viaHttp = await seen(await fetch(new URL(pathname, server.url), init));
    expect(viaHttp).toEqual(viaApp);
    expect(viaApp.body).not.toContain('secret');
  });

  it('answers a range of the asset with 206 and exactly those bytes', async () => {
    const res = await fetch(new URL('/assets/app.js', server.url), { headers: { range: 'bytes=8-11' } });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 8-11/25');
    expect(await res.text()).toBe('log(');
  });

  it('records the command line as its own door', async () => {
    const info = await engine.call('station.info', {}, { door: 'cli' });
    expect(info.door).toBe('cli');
  });
});
