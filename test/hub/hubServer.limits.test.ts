// The hub's connection limits tell header time from body time: a connection still sending its
// headers after the header limit is closed, while a station's 5 MiB part crawling over a slow link
// for longer than that is stored.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { HubService } from '../../electron/hub/server/ingest.ts';
import { startHubServer, type RunningHub } from '../../electron/hub/server/http.ts';
import { openHubParts, type OpenedHub } from '../../electron/hub/server/open.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { embeddedBackend, enrolledClient, FakeStation, hubFolder, publishInput } from './hubFixture.ts';

const PART = 5 << 20;
const LIMITS = { headersMs: 2000, idleMs: 60_000, perAddress: 10, keepAliveMs: 120_000 };

/** A link that carries the station's bytes to the hub at about 640 KiB/s (the hub's answers at full speed). */
async function slowLink(target: URL): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const up = net.connect({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(up);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    up.pipe(client);
    const queue: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const drip = (): void => {
      timer = null;
      const chunk = queue.shift();
      if (!chunk) return;
      if (chunk.length > 32 << 10) queue.unshift(chunk.subarray(32 << 10));
      up.write(chunk.subarray(0, 32 << 10));
      timer = setTimeout(drip, 50);
    };
    client.on('data', (c: Buffer) => {
      queue.push(c);
      if (!timer) drip();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('hub connection limits', () => {
  let t: ReturnType<typeof tmpDir>;
  let parts: OpenedHub;
  let running: RunningHub;
  let cleanup: () => void;

  beforeAll(async () => {
    t = tmpDir('pw-hub-limits-');
    const f = await hubFolder({ ...embeddedBackend(), partSize: PART });
    cleanup = f.cleanup;
    parts = await openHubParts(f.dir, f.settings, { partSize: PART });
    const service = new HubService({ index: parts.index, store: parts.store, key: parts.key, name: f.settings.name, onRefusal: () => {} });
    // The slow link reaches the hub as 127.0.0.1 on the link's own port: that name is the hub's too.
    running = await startHubServer({ service, host: '127.0.0.1', port: 0, extraNames: ['127.0.0.1'], limits: LIMITS });
  });
  afterAll(async () => {
    await running?.close();
    await parts?.close();
    cleanup?.();
    t?.cleanup();
  });

  it('a 5 MiB part over a slow link, for longer than the header limit, is stored and indexed', async () => {
    const link = await slowLink(new URL(running.url));
    try {
      const st = new FakeStation('Packing slow', t.dir);
      const client = await enrolledClient(link.url, (await newEnrollCode(parts.index, parts.key.fingerprint)).code, st);
      st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
      const c = st.clip('SF1700000000201', PART);
      await client.publishChain(st.chain);
      const t0 = performance.now();
      await client.publishClip(publishInput(c));
      // The part took longer than the header limit to arrive (so this case shows body time apart from header time).
      expect(performance.now() - t0).toBeGreaterThan(LIMITS.headersMs);
      expect((await parts.index.findClips({ order: 'SF1700000000201' })).map((x) => x.sha256)).toEqual([c.sha256]);
    } finally {
      await link.close();
    }
  });
});
