// A station asks a TSA for every clip it seals, for weeks without a restart, with one signal that
// lives as long as the timestamp queue (aborted at shutdown). Each request must leave nothing
// behind on that signal: Node's AbortSignal.any kept a weak reference per request in it for good.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestTimestamp } from '../../electron/engine/evidence/tsa.ts';
import { requestSignal } from '../../electron/engine/requestSignal.ts';

const SHA = 'ab'.repeat(32);

/** What signals composed from `signal` it still keeps (Node's own set; 0 when there is none). */
function dependants(signal: AbortSignal): number {
  const sym = Object.getOwnPropertySymbols(signal).find((s) => s.description === 'kDependantSignals');
  const set = sym ? (signal as unknown as Record<symbol, Set<unknown> | undefined>)[sym] : undefined;
  return set?.size ?? 0;
}

describe('the signal of a TSA request', () => {
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
