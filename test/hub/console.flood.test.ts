// A flood against the hub's console: many wrong-password logins at once, a storm of searches,
// oversized bodies, connections that send their headers a byte at a time and never finish. Each
// is refused or limited, the hub stays up and answers a legitimate user (signed in from another
// address, as a colleague's PC would be), and nothing in the index changed. Behaviour, not timings.
import net from 'node:net';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { embeddedBackend, FakeStation } from './hubFixture.ts';
import { callFrom, publishClips, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';

const PASSWORD = 'correct horse battery';
/** The legitimate user's own address (all of 127/8 is this machine): the flood's lock-out of 127.0.0.1 is not theirs. */
const COLLEAGUE = '127.0.0.2';

type Outcome = number | 'reset';

/** One request as an attacker sends it; a connection the hub cut is `reset` (also a refusal). */
function send(
  h: ConsoleHub,
  o: { path: string; method?: string; headers?: Record<string, string>; body?: Buffer; chunked?: boolean; localAddress?: string },
): Promise<Outcome> {
  const u = new URL(h.url);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        method: o.method ?? (o.body ? 'POST' : 'GET'),
        path: o.path,
        agent: false,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
        headers: {
          host: h.host,
          ...(o.body ? { 'content-type': 'application/json' } : {}),
          ...(o.body && !o.chunked ? { 'content-length': String(o.body.length) } : {}),
          ...o.headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', () => resolve(res.statusCode!));
      },
    );
    req.on('error', () => resolve('reset'));
    if (o.body && o.chunked) {
      // Without a length: Node sends it chunked, one piece at a time.
      for (let i = 0; i < o.body.length; i += 64 << 10) req.write(o.body.subarray(i, i + (64 << 10)));
      req.end();
    } else req.end(o.body);
  });
}

/** A call from the colleague's PC. */
const call = (h: ConsoleHub, path: string, cookie?: string, body?: unknown) => callFrom(h, COLLEAGUE, path, cookie, body);

/** Signs in from the colleague's PC; a login that meets the flood's limit on password checks (503 busy) is tried again, as a person would. */
async function colleagueLogin(h: ConsoleHub, name: string): Promise<string> {
  let l = await call(h, '/console/api/login', undefined, { name, password: PASSWORD });
  for (let i = 0; l.status === 503 && i < 50; i++) {
    await new Promise((r) => setTimeout(r, 200));
    l = await call(h, '/console/api/login', undefined, { name, password: PASSWORD });
  }
  expect(l.status, JSON.stringify(l.json)).toBe(200);
  return l.cookie!;
}

/** What a colleague at another PC does meanwhile: signs in and finds an order. */
async function colleagueFinds(h: ConsoleHub): Promise<string[]> {
  const found = await call(h, '/console/api/clips?q=SF16', await colleagueLogin(h, 'sam'));
  expect(found.status).toBe(200);
  return (found.json.clips as { order: string }[]).map((c) => c.order).sort();
}

describe('hub console under a flood', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let before: unknown;
  const snapshot = async () => ({
    stats: await h.parts.index.stats(),
    clips: (await h.parts.index.findClips({ limit: 1000 })).map((c) => `${c.station}/${c.clipId}/${c.sha256}`),
    users: (await h.console.accounts.listUsers()).map((u) => `${u.name}:${u.role}`),
  });

  beforeAll(async () => {
    t = tmpDir('pw-console-flood-');
    h = await startConsoleHub(await embeddedBackend());
    await publishClips(h, new FakeStation('Packing 1', t.dir), ['SF1600000000001', 'SF1600000000002'], 50_000);
    await h.console.accounts.addUser('sam', 'service', PASSWORD);
    await h.console.accounts.addUser('ada', 'admin', PASSWORD);
    before = await snapshot();
  });
  afterAll(async () => {
    await h?.close();
    t?.cleanup();
  });

  it('hundreds of wrong-password logins at once are refused or limited; a colleague still signs in and finds', async () => {
    const guesses = Array.from({ length: 200 }, (_, i) =>
      send(h, { path: '/console/api/login', body: Buffer.from(JSON.stringify({ name: `guess${i % 40}`, password: `wrong password ${i}` })) }),
    );
    const colleague = colleagueFinds(h);
    const outcomes = await Promise.all(guesses);
    expect(outcomes.filter((o) => o === 200)).toEqual([]);
    expect(new Set(outcomes.filter((o) => o !== 401 && o !== 429 && o !== 503))).toEqual(new Set());
    // Limited: the hub checked only a few passwords at once (503 busy) and locked the address out (429).
    expect(outcomes.some((o) => o === 429 || o === 503)).toBe(true);
    expect(await colleague).toEqual(['SF1600000000001', 'SF1600000000002']);
    // Wrong passwords one after another from the flooding address lock it out, a right password too; the colleague's is not.
    for (let i = 0; i < 25; i++)
      await send(h, { path: '/console/api/login', body: Buffer.from(JSON.stringify({ name: `other${i}`, password: 'wrong password' })) });
    expect(await send(h, { path: '/console/api/login', body: Buffer.from(JSON.stringify({ name: 'sam', password: PASSWORD })) })).toBe(429);
    expect(await colleagueFinds(h)).toHaveLength(2);
  });

  it('a storm of searches with and without a session: answered or refused, never a crash', async () => {
    // From the colleague's address: 127.0.0.1 is locked out by the previous flood.
    const cookie = await colleagueLogin(h, 'sam');
    const storm = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        send(h, {
          path: `/console/api/clips?q=${encodeURIComponent(`%_${i}' OR 1=1 --`)}&limit=200`,
          headers: i % 3 === 0 ? {} : { cookie },
        }),
      ),
    );
    expect(storm.filter((o, i) => i % 3 === 0 && o !== 401)).toEqual([]);
    expect(storm.filter((o, i) => i % 3 !== 0 && o !== 200)).toEqual([]);
    expect(await colleagueFinds(h)).toHaveLength(2);
  });

  it('oversized bodies are refused with 413 (or the connection cut) before they are held', async () => {
    const big = Buffer.alloc(4 << 20, 0x7b);
    const admin = await colleagueLogin(h, 'ada');
    const outcomes = await Promise.all([
      ...Array.from({ length: 10 }, () => send(h, { path: '/console/api/login', body: big })),
      ...Array.from({ length: 10 }, () => send(h, { path: '/console/api/admin/users/add', body: big, headers: { cookie: admin } })),
      // No length declared: cut off once past the limit.
      ...Array.from({ length: 5 }, () => send(h, { path: '/console/api/login', body: big, chunked: true })),
    ]);
    for (const o of outcomes) expect([413, 'reset']).toContain(o);
    // Without a session the body is not even read.
    expect(await send(h, { path: '/console/api/admin/users/add', body: big })).toBe(401);
    expect(await colleagueFinds(h)).toHaveLength(2);
  });

  it('connections that never finish their headers do not keep a colleague out', async () => {
    const u = new URL(h.url);
    const sockets: net.Socket[] = [];
    for (let i = 0; i < 150; i++) {
      const s = net.connect({ host: u.hostname, port: Number(u.port) });
      s.on('error', () => {});
      s.write(`GET /console/api/me HTTP/1.1\r\nHost: ${h.host}\r\nX-Slow-${i}: `);
      sockets.push(s);
    }
    // A slow body too: a login that declares 10 kB and sends a byte.
    for (let i = 0; i < 50; i++) {
      const s = net.connect({ host: u.hostname, port: Number(u.port) });
      s.on('error', () => {});
      s.write(`POST /console/api/login HTTP/1.1\r\nHost: ${h.host}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{`);
      sockets.push(s);
    }
    for (const s of sockets) s.write('a');
    expect(await colleagueFinds(h)).toHaveLength(2);
    for (const s of sockets) s.destroy();
    expect(await colleagueFinds(h)).toHaveLength(2);
  });

  it('200 connections sending their headers a byte at a time are closed by the header limit while a colleague signs in and finds', async () => {
    const u = new URL(h.url);
    const sockets: net.Socket[] = [];
    const closed: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      const s = net.connect({ host: u.hostname, port: Number(u.port) });
      s.on('error', () => {});
      closed.push(new Promise((r) => s.once('close', () => r())));
      s.write(`GET /console/api/me HTTP/1.1\r\nHost: ${h.host}\r\nX-Slow-${i}: `);
      sockets.push(s);
    }
    // A byte every half second: never idle, so only the header limit (HUB_CONNECTION_LIMITS.headersMs) ends them.
    const drip = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write('a');
    }, 500);
    try {
      expect(await colleagueFinds(h)).toHaveLength(2);
      await Promise.all(closed);
    } finally {
      clearInterval(drip);
    }
    expect(sockets.every((s) => s.destroyed)).toBe(true);
    expect(await colleagueFinds(h)).toHaveLength(2);
  });

  it('after it all: the index holds the same stations, clips, chain and users', async () => {
    expect(await snapshot()).toEqual(before);
    // Every refused login is in the audit log, for the admin to see who tried.
    const refused = await h.console.audit.list({ action: 'login-refused', limit: 1000 });
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((e) => e.user.startsWith('guess') || e.user.startsWith('other'))).toBe(true);
  });
});
