// The HTTP door under hostile input: every bad request gets a clear JSON error, nothing outside the
// served folders leaks, a flood is answered 429, and afterwards the station works and its clips
// are intact.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../electron/engine/engine.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { startServer, type RunningServer } from '../../electron/server/http.ts';
import { LanListener } from '../../electron/server/lanListener.ts';
import { setLanController } from '../../electron/engine/lanHandlers.ts';
import { recordClip } from '../helpers/record.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the path is sent exactly as given (fetch would normalise ../ and %2e). */
function raw(
  base: string,
  method: string,
  rawPath: string,
  opts: { headers?: Record<string, string>; body?: Buffer | string; chunks?: Buffer[] } = {},
): Promise<Reply> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath, headers: opts.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.chunks) {
      // Streamed without a content-length, so only the running count can stop it.
      let i = 0;
      const next = (): void => {
        if (i >= opts.chunks!.length) return void req.end();
        const ok = req.write(opts.chunks![i++]!);
        if (ok) setImmediate(next);
        else req.once('drain', next);
      };
      req.on('error', () => {});
      next();
    } else {
      req.end(opts.body);
    }
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const json = (r: Reply) => JSON.parse(r.body) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };

describe('HTTP door: hostile requests', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let open: RunningServer;
  let locked: RunningServer;
  let clip: { id: string; startedAt: string; fileName: string; sha256: string };
  const TOKEN = 'correct-horse-battery-staple-0123456789';

  beforeAll(async () => {
    t = tmpDir('pw-http-');
    const staticDir = path.join(t.dir, 'www', 'renderer');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>station</title>');
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    // Secrets just outside the served folder, where a traversal would land.
    fs.writeFileSync(path.join(t.dir, 'www', 'secret.txt'), 'TOP-SECRET-OUTSIDE');
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
    const webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    fs.writeFileSync(path.join(engine.paths.dataDir, 'secret.txt'), 'TOP-SECRET-OUTSIDE');
    clip = (await recordClip(engine, 'HOSTILE-1', webm)).clip!;
    open = await startServer({ engine, port: 0, staticDir });
    locked = await startServer({ engine, port: 0, staticDir, token: TOKEN });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
    await engine?.close();
    t.cleanup();
  });

  it('refuses oversized bodies with 413, declared or streamed', async () => {
    const declared = await raw(open.url, 'POST', '/api/call/station.info', {
      headers: { 'content-type': 'application/json', 'content-length': String(5 << 20) },
      body: '{}',
    });
    expect(declared.status).toBe(413);
    expect(json(declared).error).toMatchObject({ code: 'too-large', message: expect.stringMatching(/too large/) });
    const streamed = await raw(open.url, 'POST', '/api/call/clips.search', {
      headers: { 'content-type': 'application/json' },
      chunks: Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x20)),
    });
    expect(streamed.status).toBe(413);
    expect(json(streamed).error!.code).toBe('too-large');
    const chunk = await raw(open.url, 'PUT', '/api/recordings/abc/chunks/0', { headers: { 'content-length': String(200 << 20) }, body: 'x' });
    expect(chunk.status).toBe(413);
  });

  it.each([
    ['broken JSON', '{"q": "abc"', /not valid JSON/],
    ['JSON of the wrong shape', '[1,2,3]', /clips\.search/],
    ['a wrong field type', '{"limit": "all"}', /limit/],
    ['an unknown field', '{"q": "a", "sql": "DROP TABLE clips"}', /clips\.search/],
    ['a NUL byte in a string', '{"q": "a\\u0000b"}', null],
  ])('answers %s with 400 and a readable reason', async (_label, body, reason) => {
    const r = await raw(open.url, 'POST', '/api/call/clips.search', { headers: { 'content-type': 'application/json' }, body });
    if (reason === null) {
      expect([200, 400]).toContain(r.status); // a NUL is just a character in a search; it must not break anything
    } else {
      expect(r.status).toBe(400);
      expect(json(r).error).toMatchObject({ code: 'bad-input', message: expect.stringMatching(reason) });
    }
  });

  it.each([
    ['GET', '/no/such/route.js', 404],
    ['DELETE', '/api/call/station.info', 404],
    ['POST', '/api/call/no.such.call', 404],
    ['POST', '/api/call/recording.chunk', 404],
    ['POST', '/api/call/__proto__', 404],
    ['POST', '/api/call/constructor', 404],
    ['PUT', '/api/recordings/nope/chunks/0', 404],
    ['PUT', '/api/recordings/..%2f..%2fdata/chunks/0', 400],
    ['PUT', '/api/recordings/abc/chunks/99999999', 404],
    ['GET', '/media/clips/does-not-exist', 404],
  ])('%s %s → %i with a JSON error', async (method, p, status) => {
    const r = await raw(open.url, method, p, { headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
    expect(r.status).toBe(status);
    expect(json(r).ok).toBe(false);
    expect(json(r).error!.message.length).toBeGreaterThan(5);
  });

  it.each([
    '/../secret.txt',
    '/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e/%2e%2e/secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/secret.txt%00.js',
    '/assets/app.js%00/../../secret.txt',
    '/%00',
    '//secret.txt',
    '/media/clips/..%2f..%2fsecret.txt',
    '/media/clips/%2e%2e',
    '/media/thumbs/../../../data/secret.txt',
    '/media/exports/x/..%2f..%2f..%2fsecret.txt',
    '/media/exports/..%2f..%2fdata/secret.txt',
    '/etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
  ])('never serves a file outside its folders: GET %s', async (p) => {
    const r = await raw(open.url, 'GET', p);
    expect(r.body).not.toContain('TOP-SECRET-OUTSIDE');
    expect(r.body).not.toMatch(/root:.*:0:0:/);
    expect(r.status).toBeLessThan(500);
    // Either a clear refusal, or the app's own page (the single-page app answers unknown paths).
    if (r.status !== 200) expect(json(r).ok).toBe(false);
    else expect(r.body).toContain('<title>station</title>');
  });

  it('serves the real clip and asset normally', async () => {
    const a = await raw(open.url, 'GET', '/assets/app.js');
    expect(a.status).toBe(200);
    const m = await raw(open.url, 'GET', `/media/clips/${clip.id}`, { headers: { range: 'bytes=0-3' } });
    expect(m.status).toBe(206);
  });

  it('needs the token when bound with one, and says so', async () => {
    const none = await raw(locked.url, 'POST', '/api/call/station.info', { headers: JSON_TYPE, body: '{}' });
    expect(none.status).toBe(401);
    expect(json(none).error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/access token/) });
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer wrong' },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: TOKEN },
      { cookie: 'pw_token=%E0%A4%A' }, // malformed percent-encoding: no token, not a crash
      { cookie: `pw_token=${TOKEN.toUpperCase()}` },
    ];
    for (const headers of attempts) {
      const r = await raw(locked.url, 'POST', '/api/call/station.info', { headers: { ...JSON_TYPE, ...headers }, body: '{}' });
      expect(r.status, JSON.stringify(headers)).toBe(401);
    }
    const media = await raw(locked.url, 'GET', `/media/clips/${clip.id}`);
    expect(media.status).toBe(401);
    const q = await raw(locked.url, 'GET', `/media/clips/${clip.id}?token=nope`);
    expect(q.status).toBe(401);
    const ok = await raw(locked.url, 'POST', '/api/call/station.info', { headers: { ...JSON_TYPE, authorization: `Bearer ${TOKEN}` }, body: '{}' });
    expect(ok.status).toBe(200);
  });

  it('answers a flood with 429 and stays up; afterwards calls work and the clip is intact', async () => {
    const replies = await Promise.all(Array.from({ length: 900 }, () => raw(open.url, 'POST', '/api/call/station.info', { headers: JSON_TYPE, body: '{}' })));
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.status !== 429 && r.status !== 200)).toEqual([]);
    expect(json(limited[0]!).error).toMatchObject({ code: 'rate-limited', message: expect.stringMatching(/Too many requests/) });
    const wait = Number(limited[0]!.headers['retry-after']);
    expect(wait).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, wait * 1000 + 200));

    const info = await raw(open.url, 'POST', '/api/call/station.info', { headers: JSON_TYPE, body: '{}' });
    expect(info.status).toBe(200);
    expect((json(info).result as { clipCount: number }).clipCount).toBe(1);
    expect(await sha256File(clipPath(engine, clip))).toBe(clip.sha256);
    const again = await raw(open.url, 'POST', '/api/call/clips.get', { headers: JSON_TYPE, body: JSON.stringify({ id: clip.id }) });
    expect((json(again).result as { sha256: string }).sha256).toBe(clip.sha256);
  });
});

// DNS rebinding and cross-site requests, over raw sockets: the Host header is whatever a browser
// would send after a foreign name was pointed at the station, on both listeners (the LAN one with
// its valid token), for the pages, the API, the event stream and the media. Refused before any work.
describe('HTTP doors: foreign Host names and other sites', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let loop: RunningServer;
  let lan: LanListener;
  let lanToken: string;
  let lanUrl: string;
  let clipId: string;
  const replies: Reply[] = [];
  const FOREIGN = ['rebind.evil.example', 'localhost.evil.example', '127.0.0.1.nip.io', '192.0.2.99'];
  const ANNOUNCED = '192.0.2.10'; // what the LAN listener announces (TEST-NET; reached here over loopback)

  const send = async (base: string, method: string, p: string, headers: Record<string, string>, body?: string): Promise<Reply> => {
    const r = await raw(base, method, p, { headers, body });
    replies.push(r);
    return r;
  };
  const state = async () => ({
    settings: await engine.call('settings.get', {}, { door: 'http' }),
    lan: await engine.call('station.lan', {}, { door: 'http' }),
    clip: await engine.call('clips.get', { id: clipId }, { door: 'http' }),
    chain: (engine.db.prepare('SELECT COUNT(*) AS n FROM chain').get() as { n: number }).n,
  });

  beforeAll(async () => {
    t = tmpDir('pw-door-');
    const staticDir = path.join(t.dir, 'www');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>station</title>');
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    const webm = path.join(t.dir, 'src.webm');
    makeWebmH264(webm, 2);
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    clipId = (await recordClip(engine, 'DOOR-1', webm)).clip!.id;
    // The thumbnail is made after the clip is saved; wait for it so "nothing changed" compares like with like.
    for (let i = 0; i < 600 && !(await engine.call('clips.get', { id: clipId }, { door: 'http' })).thumbUrl; i++) await new Promise((r) => setTimeout(r, 100));
    loop = await startServer({ engine, port: 0, staticDir, rateLimit: false });
    lan = new LanListener({ engine, main: loop, requestedPort: 0, staticDir, rateLimit: false, addresses: () => [ANNOUNCED] });
    setLanController(engine, lan);
    const on = await engine.call('station.lanSet', { enabled: true }, { door: 'http' });
    lanToken = on.token!;
    lanUrl = `http://127.0.0.1:${on.port}/`;
  });
  afterAll(async () => {
    setLanController(engine, null);
    await lan?.close();
    await loop?.close();
    await engine?.close();
    t.cleanup();
  });

  const routes = (): [string, string, string?][] => [
    ['GET', '/'],
    ['GET', '/assets/app.js'],
    ['HEAD', '/'],
    ['GET', '/api/events'],
    ['GET', `/media/clips/${clipId}`],
    ['GET', `/media/thumbs/${clipId}`],
    ['GET', '/media/exports/job/x.zip'],
    ['POST', '/api/call/station.info', '{}'],
    ['POST', '/api/call/station.lan', '{}'],
    ['POST', '/api/call/clips.search', '{}'],
    ['POST', '/api/call/settings.update', '{"keepDays":1}'],
    ['POST', '/api/call/station.lanSet', '{"enabled":false}'],
    ['PUT', '/api/recordings/abc/chunks/0', 'xxxx'],
  ];

  it('a foreign Host is answered 421 on the loopback listener, pages and media included, and nothing changes', async () => {
    const before = await state();
    for (const name of FOREIGN) {
      for (const [method, p, body] of routes()) {
        const r = await send(loop.url, method, p, { host: `${name}:${loop.port}`, 'content-type': 'application/json' }, body);
        expect(r.status, `${method} ${p} as ${name}`).toBe(421);
        expect(r.headers['content-type']).toMatch(/application\/json/); // never the page, a clip or an event stream
        if (method !== 'HEAD') expect(json(r).error!.message).toMatch(/its own address/);
        expect(r.body).not.toContain(lanToken);
        expect(r.body).not.toContain('<title>station</title>');
      }
    }
    // The right name on the wrong port is a foreign address too.
    expect((await send(loop.url, 'GET', '/', { host: `127.0.0.1:${loop.port + 1}` })).status).toBe(421);
    expect(await state()).toEqual(before);
  });

  it('a foreign Host is answered 421 on the LAN listener even with its valid token', async () => {
    const before = await state();
    for (const name of FOREIGN) {
      for (const [method, p, body] of routes()) {
        for (const auth of [{ authorization: `Bearer ${lanToken}` }, { cookie: `pw_token=${lanToken}` }] as Record<string, string>[]) {
          const r = await send(
            lanUrl,
            method,
            `${p}${p.includes('?') ? '&' : '?'}token=${lanToken}`,
            { host: `${name}:${new URL(lanUrl).port}`, 'content-type': 'application/json', ...auth },
            body,
          );
          expect(r.status, `${method} ${p} as ${name}`).toBe(421);
          expect(r.body).not.toContain(lanToken);
          expect(r.headers['set-cookie']).toBeUndefined();
        }
      }
    }
    expect(await state()).toEqual(before);
  });

  it('the LAN listener answers under the address it announces and over loopback, with its token', async () => {
    const port = new URL(lanUrl).port;
    for (const host of [`${ANNOUNCED}:${port}`, `127.0.0.1:${port}`, `localhost:${port}`]) {
      const page = await send(lanUrl, 'GET', '/', { host, cookie: `pw_token=${lanToken}` });
      expect(page.status, host).toBe(200);
      expect(page.body).toContain('<title>station</title>');
      const info = await send(
        lanUrl,
        'POST',
        '/api/call/station.info',
        { host, authorization: `Bearer ${lanToken}`, ...JSON_TYPE, origin: `http://${host}` },
        '{}',
      );
      expect(info.status, host).toBe(200);
      const media = await send(lanUrl, 'GET', `/media/clips/${clipId}`, { host, cookie: `pw_token=${lanToken}`, range: 'bytes=0-3' });
      expect(media.status, host).toBe(206);
    }
    // Without the token the right Host is not enough.
    expect((await send(lanUrl, 'POST', '/api/call/station.info', { host: `${ANNOUNCED}:${port}`, ...JSON_TYPE }, '{}')).status).toBe(401);
  });

  it.each([
    ['text/plain (no-cors fetch, a text/plain form, sendBeacon)', { 'content-type': 'text/plain;charset=UTF-8' }, 415],
    ['urlencoded (a form)', { 'content-type': 'application/x-www-form-urlencoded' }, 415],
    ['multipart (a form)', { 'content-type': 'multipart/form-data; boundary=----x' }, 415],
    ['no Content-Type', {}, 415],
    ['JSON from another origin', { ...JSON_TYPE, origin: 'http://evil.example' }, 403],
    ['JSON from another port of this host', { ...JSON_TYPE, origin: 'http://127.0.0.1:1' }, 403],
    ['JSON from Origin null', { ...JSON_TYPE, origin: 'null' }, 403],
    ['JSON marked cross-site', { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' }, 403],
  ])('a change sent as %s is refused on both listeners and changes nothing', async (_label, headers, expected) => {
    const before = await state();
    const port = new URL(lanUrl).port;
    const calls: [string, unknown][] = [
      ['settings.update', { keepDays: 1 }],
      ['station.lanSet', { enabled: false }],
      ['clips.setHold', { id: clipId, hold: true, reason: 'attack' }],
      ['retention.run', {}],
    ];
    for (const [name, input] of calls) {
      const a = await send(loop.url, 'POST', `/api/call/${name}`, { host: `127.0.0.1:${loop.port}`, ...headers }, JSON.stringify(input));
      expect(a.status, name).toBe(expected);
      expect(json(a).error!.code).toBe('refused');
      const b = await send(
        lanUrl,
        'POST',
        `/api/call/${name}`,
        { host: `127.0.0.1:${port}`, authorization: `Bearer ${lanToken}`, ...headers },
        JSON.stringify(input),
      );
      expect(b.status, name).toBe(expected);
    }
    expect(await state()).toEqual(before);
  });

  it('chunks are taken only as PUT from the station itself; a POST finds no route', async () => {
    const own = { host: `127.0.0.1:${loop.port}` };
    expect((await send(loop.url, 'POST', '/api/recordings/abc/chunks/0', { ...own, 'content-type': 'text/plain' }, 'x')).status).toBe(404);
    expect((await send(loop.url, 'PUT', '/api/recordings/abc/chunks/0', { ...own, origin: 'http://evil.example' }, 'x')).status).toBe(403);
    expect((await send(loop.url, 'PUT', '/api/recordings/abc/chunks/0', { ...own, origin: `http://127.0.0.1:${loop.port}` }, 'x')).status).toBe(404); // no such recording: it got through
  });

  it('the event stream and media refuse other sites but serve the station page', async () => {
    const own = { host: `127.0.0.1:${loop.port}` };
    for (const p of ['/api/events', `/media/clips/${clipId}`, `/media/thumbs/${clipId}`]) {
      for (const site of ['cross-site', 'same-site']) {
        const r = await send(loop.url, 'GET', p, { ...own, 'sec-fetch-site': site, 'sec-fetch-dest': 'video' });
        expect(r.status, `${p} ${site}`).toBe(403);
      }
    }
    const mine = await send(loop.url, 'GET', `/media/clips/${clipId}`, { ...own, 'sec-fetch-site': 'same-origin', range: 'bytes=0-3' });
    expect(mine.status).toBe(206);
  });

  it('a CORS preflight is never approved, and no reply ever carries an Access-Control header', async () => {
    const pre = await send(loop.url, 'OPTIONS', '/api/call/station.lanSet', {
      host: `127.0.0.1:${loop.port}`,
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    });
    expect(pre.status).toBe(403);
    expect(replies.length).toBeGreaterThan(100);
    for (const r of replies) expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});
