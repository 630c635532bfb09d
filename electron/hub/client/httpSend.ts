// One request to the hub over Node's own http(s) client and its pooled keep-alive connections.
// Not fetch: a part is a 5 MiB buffer, and fetch (undici) passes it through a web stream and
// copies it on the way; node:http writes it to the socket as it is. Measured here with a local
// server: fetch 1.5–2.4 CPU ms per MiB sent, node:http 0.8–1.0 (docs/hub.md). The station sends
// every byte it records, so this is the larger part of what publishing costs it.
import http from 'node:http';
import https from 'node:https';

// The hub client's own pools: connections it leaves idle are not handed to other code in the
// process (whose request would then meet a connection the hub closed meanwhile), and theirs not to it.
const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

export interface RawAnswer {
  status: number;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Aborts the request (and the reading of its answer) with the signal's reason. */
  signal: AbortSignal;
}

/**
 * Rejects with the socket's own error (its `code`: ECONNRESET, ECONNREFUSED, …) or with the
 * signal's reason; never follows a redirect (a 3xx is an answer like any other).
 */
export function httpSend(url: string, r: RawRequest): Promise<RawAnswer> {
  const u = new URL(url);
  const client = u.protocol === 'https:' ? https : u.protocol === 'http:' ? http : null;
  if (!client) return Promise.reject(new Error(`${u.protocol} is not http: or https:`));
  return new Promise<RawAnswer>((resolve, reject) => {
    if (r.signal.aborted) {
      reject(r.signal.reason);
      return;
    }
    const headers: Record<string, string | number> = { ...r.headers, 'content-length': r.body?.length ?? 0 };
    const req = client.request(u, { method: r.method, headers, agent: agents[u.protocol as keyof typeof agents] });
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      r.signal.removeEventListener('abort', onAbort);
      reject(err);
    };
    // The signal's reason (a timeout, the station stopping), not the socket's "aborted".
    const onAbort = (): void => {
      fail(r.signal.reason);
      req.destroy();
    };
    r.signal.addEventListener('abort', onAbort, { once: true });
    // on, not once: a socket may report more than one error, and after the first nothing else may throw.
    req.on('error', fail);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', fail);
      res.once('aborted', () => fail(Object.assign(new Error('the connection closed before the whole answer came'), { code: 'ECONNRESET' })));
      res.once('end', () => {
        if (settled) return;
        settled = true;
        r.signal.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) });
      });
    });
    req.end(r.body);
  });
}
