// Door 2: the same contract and the same React UI over HTTP, for any Chromium browser on the LAN.
import http from 'node:http';
import path from 'node:path';
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isCallName, PwError } from '../../shared/contract.ts';
import type { Engine } from '../engine/engine.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit.ts';
import { answerMedia, mediaFilesOf, openAnswer, statusFor, wireError, type Answer, type WireResult } from '../doors/media.ts';
import { doorRules, judgeRequest, type DoorRules } from './door.ts';
import { lanAddresses } from './lan.ts';

export interface ServerOptions {
  engine: Engine;
  host?: string;
  port?: number;
  /** Required on every route when set; always set when listening beyond loopback. */
  token?: string | null;
  staticDir: string;
  /** Per-client flood limit (rateLimit.ts); false turns it off. */
  rateLimit?: RateLimitOptions | false;
  /** The LAN addresses a listener on every interface announces and answers under (door.ts). */
  addresses?: () => string[];
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  token: string | null;
  close(): Promise<void>;
}

const JSON_LIMIT = 1 << 20; // calls are small; anything larger is a mistake or an attack
const CHUNK_LIMIT = 64 << 20; // one second of 4K at a very high bitrate fits many times over

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: unknown): void {
  const wire = wireError(err);
  if (wire.code === 'too-large' && !res.headersSent) res.setHeader('connection', 'close');
  if (!res.headersSent) sendJson(res, statusFor(wire.code), { ok: false, error: wire } satisfies WireResult);
  else res.destroy();
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new PwError('too-large', `The request body is too large (${declared} bytes, at most ${limit}).`));
      req.resume();
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        // Answer 413 and close the connection after it; the rest of the body is read and dropped
        // (bounded by requestTimeout) so the client hears why instead of a reset.
        reject(new PwError('too-large', `The request body is too large (more than ${limit} bytes).`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function cookieToken(req: http.IncomingMessage): string | null {
  const m = /(?:^|;\s*)pw_token=([^;]+)/.exec(req.headers.cookie ?? '');
  try {
    return m?.[1] ? decodeURIComponent(m[1]) : null;
  } catch {
    return null; // a malformed cookie is no token, not a server error
  }
}

/** An Answer of the shared media module written to a node:http response. */
function sendAnswer(res: http.ServerResponse, answer: Answer): void {
  if (answer.kind === 'error') {
    sendJson(res, answer.status, { ok: false, error: answer.error } satisfies WireResult);
    return;
  }
  res.writeHead(answer.status, answer.headers);
  if (answer.kind === 'empty') {
    res.end();
    return;
  }
  openAnswer(answer)
    .on('error', () => res.destroy())
    .pipe(res);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? (isLoopback(host) ? null : newToken());
  const engine = opts.engine;
  const staticDir = path.resolve(opts.staticDir);
  const files = mediaFilesOf(engine);
  const sse = new Set<http.ServerResponse>();

  const unsubscribe = engine.on(({ event, payload }) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of sse) res.write(frame);
  });

  const authorized = (req: http.IncomingMessage, url: URL): boolean => {
    if (!token) return true;
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : (cookieToken(req) ?? url.searchParams.get('token'));
    return given !== null && sameSecret(given, token);
  };

  const limiter = opts.rateLimit === false ? null : new RateLimiter(opts.rateLimit ?? DEFAULT_RATE_LIMIT);
  // Set once the port is known (after listen); no request arrives before.
  let rules: DoorRules | null = null;

  const server = http.createServer(async (req, res) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    // Before anything else, even the token check: a flood must cost the engine nothing.
    const take = limiter?.take(req.socket.remoteAddress ?? '?', Date.now()) ?? { ok: true };
    if (!take.ok) {
      res.setHeader('retry-after', String(take.retryAfterSeconds));
      sendJson(res, 429, {
        ok: false,
        error: { code: 'rate-limited', message: `Too many requests from this address; try again in ${take.retryAfterSeconds} s.` },
      });
      req.resume();
      return;
    }
    try {
      const url = new URL(req.url ?? '/', 'http://station.invalid');
      const method = req.method ?? 'GET';

      // Foreign Host names (DNS rebinding) and other sites' requests: refused before the token and any work.
      const refusal = rules ? judgeRequest({ method, pathname: url.pathname, headers: req.headers }, rules) : null;
      if (refusal) {
        if (refusal.status === 421) res.setHeader('connection', 'close');
        sendJson(res, refusal.status, { ok: false, error: { code: refusal.code, message: refusal.message } });
        req.resume();
        return;
      }
      if (!authorized(req, url)) {
        sendJson(res, 401, { ok: false, error: { code: 'unauthorized', message: 'This station needs its access token (scan the QR code in its Settings).' } });
        return;
      }
      if (token && url.searchParams.get('token') && method === 'GET' && !url.pathname.startsWith('/api/')) {
        // A phone arrives with ?token= from the QR code: keep it in a cookie and drop it from the URL.
        res.writeHead(303, {
          'set-cookie': `pw_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          location: url.pathname,
        });
        res.end();
        return;
      }

      if (url.pathname.startsWith('/api/call/') && method === 'POST') {
        const name = decodeURIComponent(url.pathname.slice('/api/call/'.length));
        if (!isCallName(name) || name === 'recording.chunk') throw new PwError('not-found', `Unknown call: ${name.slice(0, 80)}`);
        const body = await readBody(req, JSON_LIMIT);
        let input: unknown;
        try {
          input = body.length ? JSON.parse(body.toString('utf8')) : {};
        } catch {
          throw new PwError('bad-input', 'The request body is not valid JSON.');
        }
        const result = await engine.call(name, input, { door: 'http' });
        sendJson(res, 200, { ok: true, result } satisfies WireResult);
        return;
      }

      const chunk = /^\/api\/recordings\/([^/]+)\/chunks\/(\d{1,7})$/.exec(url.pathname);
      // PUT only: no other site can send one without a CORS preflight, which is never approved.
      if (chunk && method === 'PUT') {
        const data = await readBody(req, CHUNK_LIMIT);
        const result = await engine.call('recording.chunk', { recordingId: chunk[1], seq: Number(chunk[2]), data }, { door: 'http' });
        sendJson(res, 200, { ok: true, result } satisfies WireResult);
        return;
      }

      if (url.pathname === '/api/events' && method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        sse.add(res);
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          sse.delete(res);
        });
        return;
      }

      if (method === 'GET' || method === 'HEAD') {
        const answer = await answerMedia({ method, pathname: url.pathname, range: req.headers.range }, files, staticDir);
        sendAnswer(res, answer);
        return;
      }
      throw new PwError('not-found', `No route for ${method} ${url.pathname.slice(0, 80)}`);
    } catch (err) {
      sendError(res, err);
    }
  });
  server.requestTimeout = 60_000;
  server.headersTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  rules = doorRules(host, addr.port, { addresses: opts.addresses ?? lanAddresses });
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`,
    port: addr.port,
    host,
    token,
    close: async () => {
      unsubscribe();
      for (const res of sse) res.end();
      sse.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle keep-alive sockets (and half-finished uploads) would hold close() open forever.
      server.closeAllConnections();
      await closed;
    },
  };
}
