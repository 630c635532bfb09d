// A station asks a TSA for every clip it seals and sends every clip to its hub, for weeks without a
// restart, each time with a signal that lives as long as the timestamp queue or the publisher
// (aborted at shutdown). A request must leave nothing behind on that signal: Node's AbortSignal.any
// kept a weak reference per request in it for good.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, sign } from 'node:crypto';
import { fingerprintOf } from '../../electron/engine/evidence/keys.ts';
import { requestTimestamp } from '../../electron/engine/evidence/tsa.ts';
import { openHubClient, type PublishClipInput } from '../../electron/hub/client/index.ts';
import { requestSignal } from '../../electron/engine/requestSignal.ts';

const SHA = 'ab'.repeat(32);

/** What signals composed from `signal` it still keeps (Node's own set; 0 when there is none). */
function dependants(signal: AbortSignal): number {
  const sym = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = sym ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[sym] : undefined;
  return set?.size ?? 0;
}

describe('the signal of a request to a TSA or the hub', () => {
  let server: http.Server;
  let base: string;
  /** Requests to /hang get no answer until the test ends. */
  const hanging: http.ServerResponse[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/hang') hanging.push(res);
      else res.writeHead(503).end('busy');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('leaves nothing on the queue-long signal after 300 requests', async () => {
    const queue = new AbortController();
    for (let i = 0; i < 300; i++) {
      await expect(requestTimestamp(`${base}/tsa`, SHA, 20_000, queue.signal)).rejects.toThrow('HTTP 503');
    }
    expect(dependants(queue.signal)).toBe(0);
    expect(getEventListeners(queue.signal, 'abort')).toHaveLength(0);
  });

  it("leaves nothing on the publisher's signal after 300 hub requests", async () => {
    const hub = generateKeyPairSync('ed25519');
    const station = generateKeyPairSync('ed25519');
    const client = openHubClient({
      url: base,
      hubFingerprint: fingerprintOf(hub.publicKey),
      hubPublicKeyPem: hub.publicKey.export({ type: 'spki', format: 'pem' }) as string,
      station: {
        fingerprint: fingerprintOf(station.publicKey),
        publicKeyPem: station.publicKey.export({ type: 'spki', format: 'pem' }) as string,
        sign: (data) => sign(null, data, station.privateKey),
      },
    });
    const clip = { sha256: SHA, size: 1, row: { clipId: 'c1' }, manifest: Buffer.from('{}'), signature: Buffer.alloc(64), tsr: null, chainSeq: 1 };
    const publisher = new AbortController();
    for (let i = 0; i < 300; i++) {
      await expect(
        client.publishClip({ ...clip, read: async () => Buffer.alloc(1) } as unknown as PublishClipInput, { signal: publisher.signal }),
      ).rejects.toThrow();
    }
    expect(dependants(publisher.signal)).toBe(0);
    expect(getEventListeners(publisher.signal, 'abort')).toHaveLength(0);
  });

  it('still ends a request in flight when the station shuts down', async () => {
    const queue = new AbortController();
    const asked = requestTimestamp(`${base}/hang`, SHA, 60_000, queue.signal);
    await expect.poll(() => hanging.length).toBeGreaterThan(0);
    queue.abort(new Error('the station is shutting down'));
    await expect(asked).rejects.toThrow('the station is shutting down');
    expect(getEventListeners(queue.signal, 'abort')).toHaveLength(0);
  });

  it('still gives up on a TSA that does not answer', async () => {
    const queue = new AbortController();
    const err = await requestTimestamp(`${base}/hang`, SHA, 200, queue.signal).catch((e: unknown) => e);
    expect((err as Error).name).toBe('TimeoutError');
    expect(getEventListeners(queue.signal, 'abort')).toHaveLength(0);
  });

  it('is aborted at once when the long-lived signal already is', () => {
    const queue = new AbortController();
    queue.abort(new Error('stopped'));
    const s = requestSignal(1000, queue.signal);
    expect(s.signal.aborted).toBe(true);
    expect((s.signal.reason as Error).message).toBe('stopped');
    s.release();
  });
});
