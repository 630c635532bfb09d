// A hub whose S3 server or PostgreSQL is down gets a plain answer, not a hang: no server needed.
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPostgresHubIndex } from '../../electron/hub/index/postgres.ts';
import { S3ClipStore } from '../../electron/hub/store/s3.ts';
import { StoreError } from '../../electron/hub/store/types.ts';

/** A loopback port with nobody listening (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe('hub seams with their server down', () => {
  it('S3 unreachable: the probe says so, an upload is refused as unavailable', async () => {
    const port = await closedPort();
    const store = new S3ClipStore({
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'b',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    });
    try {
      const p = await store.probe();
      expect(p.writable).toBe(false);
      expect(p.message).toContain('cannot be reached');
      const e = await store.beginUpload('a'.repeat(64), 10).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(StoreError);
      expect((e as StoreError).code).toBe('unavailable');
    } finally {
      await store.close();
    }
  });

  it('PostgreSQL unreachable: opening the index fails with the connection error', async () => {
    const port = await closedPort();
    await expect(openPostgresHubIndex({ url: `postgres://postgres@127.0.0.1:${port}/postgres` })).rejects.toThrow(/ECONNREFUSED|connect/);
  });
});
