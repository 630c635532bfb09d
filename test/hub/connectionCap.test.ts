// The hub's cap on open connections per address: 256 kept-alive connections from one address
// fill its share, the next connection from that address is closed unanswered, a colleague at
// another address (all of 127/8 is this machine) still signs in and finds a clip, and once the
// 256 close the first address is served again. Behaviour a client sees, not timings.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_CONNECTION_LIMITS } from '../../electron/hub/server/http.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { embeddedBackend, FakeStation, hubFolder } from './hubFixture.ts';
import { callFrom, publishClips, startConsoleHub, type ConsoleHub } from './consoleFixture.ts';

const PASSWORD = 'correct horse battery';
const COLLEAGUE = '127.0.0.2';
const CAP = HUB_CONNECTION_LIMITS.perAddress;

/**
 * One connection from `localAddress` that sends a valid request and waits for its answer:
 * `answered` with the connection still open (kept alive), or `closed` if the hub closed it first.
 */
function keptAlive(h: ConsoleHub, localAddress = '127.0.0.1'): Promise<{ outcome: 'answered' | 'closed'; socket: net.Socket }> {
  const u = new URL(h.url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: u.hostname, port: Number(u.port), localAddress });
    let got = '';
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      // The whole answer (headers and the short JSON body, sized or chunked) is in: the connection stays open for the next request.
      const end = got.indexOf('\r\n\r\n');
      const len = /content-length: (\d+)/i.exec(got);
      const whole = len ? got.length >= end + 4 + Number(len[1]) : got.endsWith('\r\n0\r\n\r\n');
      if (end >= 0 && whole) resolve({ outcome: 'answered', socket });
    });
    socket.on('close', () => resolve({ outcome: 'closed', socket }));
    socket.write(`GET /console/api/me HTTP/1.1\r\nHost: ${h.host}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

async function findsFrom(h: ConsoleHub, localAddress: string): Promise<string[]> {
  const l = await callFrom(h, localAddress, '/console/api/login', undefined, { name: 'sam', password: PASSWORD });
  expect(l.status, JSON.stringify(l.json)).toBe(200);
  const found = await callFrom(h, localAddress, '/console/api/clips?q=SF17', l.cookie);
  expect(found.status).toBe(200);
  return (found.json.clips as { order: string }[]).map((c) => c.order).sort();
}

describe('hub connection cap per address', () => {
  let h: ConsoleHub;
  let t: ReturnType<typeof tmpDir>;
  let folder: Awaited<ReturnType<typeof hubFolder>>;

  beforeAll(async () => {
    t = tmpDir('pw-hub-cap-');
    const b = await embeddedBackend();
    folder = await hubFolder(b);
    // The station publishes to the hub, which then restarts: its connections from 127.0.0.1 are gone and the test's own fill the share.
    const first = await startConsoleHub(b, folder);
    await publishClips(first, new FakeStation('Packing 1', t.dir), ['SF1700000000301', 'SF1700000000302'], 50_000);
    await first.console.accounts.addUser('sam', 'service', PASSWORD);
    await first.close();
    // Kept-alive connections are not closed for being idle while the test runs (the cap, not the idle limit, is under test).
    h = await startConsoleHub(b, folder, { limits: { keepAliveMs: 600_000, idleMs: 600_000 } });
  });
  afterAll(async () => {
    await h?.close();
    folder?.cleanup();
    t?.cleanup();
  });

  it(`${CAP} kept-alive connections from 127.0.0.1: the next from there is closed, another address is served, and 127.0.0.1 again once they close`, async () => {
    const held: net.Socket[] = [];
    try {
      // One after another in small batches: each was answered, so the hub counts it before the next test step.
      for (let i = 0; i < CAP; i += 32) {
        const batch = await Promise.all(Array.from({ length: Math.min(32, CAP - i) }, () => keptAlive(h)));
        for (const b of batch) held.push(b.socket);
        expect(batch.map((b) => b.outcome)).toEqual(batch.map(() => 'answered'));
      }
      expect(held.filter((s) => s.destroyed)).toEqual([]);

      // The next connection from 127.0.0.1 is closed without an answer.
      const over = await keptAlive(h);
      expect(over.outcome).toBe('closed');
      await expect(callFrom(h, '127.0.0.1', '/console/api/me')).rejects.toThrow();

      // A colleague at another address signs in and finds the clips.
      expect(await findsFrom(h, COLLEAGUE)).toEqual(['SF1700000000301', 'SF1700000000302']);
      // The held connections were not touched.
      expect(held.filter((s) => s.destroyed)).toEqual([]);
    } finally {
      for (const s of held) s.destroy();
    }

    // Once they close, 127.0.0.1 is served again. The hub learns of each close a moment after the
    // client does, so a connection may still be refused until it has; a user would simply retry.
    let again = await keptAlive(h);
    for (let i = 0; again.outcome === 'closed' && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await keptAlive(h);
    }
    again.socket.destroy();
    expect(again.outcome).toBe('answered');
    expect(await findsFrom(h, '127.0.0.1')).toEqual(['SF1700000000301', 'SF1700000000302']);
  });
});
