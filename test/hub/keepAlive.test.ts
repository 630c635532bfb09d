// A station whose event loop was busy past the hub's keep-alive time reuses a pooled connection the
// hub has just closed; the call must still reach the hub (every hub call is idempotent).
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp.ts';
import { embeddedBackend, enrolledClient, FakeStation, startInProcessHub, type InProcessHub } from './hubFixture.ts';

/** Node's http server closes an idle kept-alive connection after this long (its default). */
const KEEP_ALIVE_MS = 5000;

/** Blocks this thread, as a long synchronous step (a spawnSync, a big SQLite query) does. */
function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('hub client on a connection the hub closed while idle', () => {
  const hubs: InProcessHub[] = [];
  const t = tmpDir('pw-hub-keepalive-');
  afterAll(async () => {
    for (const h of hubs) await h.close();
    t.cleanup();
  });

  it('publishes after the station was blocked past the hub keep-alive time', async () => {
    const h = await startInProcessHub(embeddedBackend());
    hubs.push(h);
    const st = new FakeStation('Packing 1', t.dir);
    const client = await enrolledClient(h.url, await h.code(), st);
    for (let i = 0; i < 3; i++) st.append('discarded', `c${i}`, { reason: 'too short' });
    const [e1, e2, e3] = st.chain;
    expect((await client.publishChain([e1!, e2!])).head).toBe(2);
    blockFor(KEEP_ALIVE_MS + 1000);
    expect((await client.publishChain([e3!])).head).toBe(3);
    blockFor(KEEP_ALIVE_MS + 1000);
    expect(await client.holds(0)).toEqual([]);
  });
});
