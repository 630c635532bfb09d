// The hub client's request over node:http: the bytes arrive as sent, a redirect is an answer and not
// followed, a hub that never answers is given up on by the signal (with its reason), and an answer
// cut off half-way is a reset (which the client retries once on a fresh connection).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpSend } from '../../electron/hub/client/httpSend.ts';
import { requestSignal } from '../../electron/engine/requestSignal.ts';

describe('httpSend', () => {
  let server: http.Server;
  let base = '';
  const got: { method: string; length: string | undefined; bytes: Buffer }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ method: req.method!, length: req.headers['content-length'], bytes: Buffer.concat(chunks) });
        if (req.url === '/silent') return; // never answers
        if (req.url === '/moved') {
          res.writeHead(302, { location: 'http://elsewhere.invalid/' }).end();
        } else if (req.url === '/cut') {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('x'.repeat(10), () => res.socket!.destroy());
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('sends a part byte for byte with its length, and reads the answer', async () => {
    const part = Buffer.alloc(5 * 2 ** 20 + 17, 7);
    part[12345] = 1;
    const s = requestSignal(10_000);
    const a = await httpSend(`${base}/part`, { method: 'PUT', headers: { 'content-md5': 'x' }, body: part, signal: s.signal });
    s.release();
    expect(a.status).toBe(200);
    expect(JSON.parse(a.body.toString())).toEqual({ ok: true });
    const last = got.at(-1)!;
    expect(last).toMatchObject({ method: 'PUT', length: String(part.length) });
    expect(last.bytes.equals(part)).toBe(true);
  });

  it('a redirect is the answer: the client never follows it to another address', async () => {
    const s = requestSignal(10_000);
    const a = await httpSend(`${base}/moved`, { method: 'GET', headers: {}, signal: s.signal });
    s.release();
    expect(a.status).toBe(302);
  });

  it('a hub that never answers is given up on with the timeout as the reason', async () => {
    const s = requestSignal(300);
    const err = await httpSend(`${base}/silent`, { method: 'POST', headers: {}, body: Buffer.from('{}'), signal: s.signal }).catch((e: unknown) => e);
    s.release();
    expect((err as DOMException).name).toBe('TimeoutError');
  });

  it('an answer cut off half-way is a reset, not an answer', async () => {
    const s = requestSignal(10_000);
    const err = await httpSend(`${base}/cut`, { method: 'GET', headers: {}, signal: s.signal }).catch((e: unknown) => e);
    s.release();
    expect((err as { code?: string }).code).toBe('ECONNRESET');
  });

  it('refuses an address that is not http or https before sending anything', async () => {
    const before = got.length;
    const s = requestSignal(10_000);
    await expect(httpSend('ftp://127.0.0.1/x', { method: 'GET', headers: {}, signal: s.signal })).rejects.toThrow('ftp: is not http: or https:');
    s.release();
    expect(got.length).toBe(before);
  });
});
