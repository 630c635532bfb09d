// Door 2: the same contract and the same React UI over HTTP, for any Chromium browser on the LAN.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { timingSafeEqual, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { isCallName, PwError, type WireError } from '../../shared/contract.ts';
import type { Engine } from '../engine/engine.ts';
import { parseRange } from './range.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rateLimit.ts';
import { exportFile } from '../engine/export/files.ts';
import { CONTENT_SECURITY_POLICY, mimeFor } from './mime.ts';
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

function statusFor(code: WireError['code']): number {
  return { 'bad-input': 400, 'not-found': 404, refused: 409, unauthorized: 401, 'too-large': 413, 'rate-limited': 429, internal: 500 }[code];
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: http.ServerResponse, err: unknown): void {
  const wire: WireError =
    err instanceof PwError ? { code: err.code, message: err.message } : { code: 'internal', message: `Internal error: ${(err as Error)?.message ?? String(err)}` };
  if (wire.code === 'too-large' && !res.headersSent) res.setHeader('connection', 'close');
  if (!res.headersSent) sendJson(res, statusFor(wire.code), { ok: false, error: wire });
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

function serveFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, cache: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    sendJson(res, 404, { ok: false, error: { code: 'not-found', message: 'No such file.' } });
    return;
  }
  const type = mimeFor(file);
  const range = parseRange(req.headers.range, stat.size);
  const base = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': cache };
  if (range.kind === 'unsatisfiable') {
    res.writeHead(416, { ...base, 'content-range': `bytes */${stat.size}` });
    res.end();
    return;
  }
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, stat.size - 1, 200];
  res.writeHead(status, {
    ...base,
    'content-length': String(Math.max(0, end - start + 1)),
    ...(range.kind === 'partial' ? { 'content-range': `bytes ${start}-${end}/${stat.size}` } : {}),
  });
  if (req.method === 'HEAD' || stat.size === 0) {
    res.end();
    return;
  }
  fs.createReadStream(file, { start, end }).on('error', () => res.destroy()).pipe(res);
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? (isLoopback(host) ? null : newToken());
  const engine = opts.engine;
  const staticDir = path.resolve(opts.staticDir);
  const sse = new Set<http.ServerResponse>();

  const unsubscribe = engine.on((event, payload) => {
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
      sendJson(res, 429, { ok: false, error: { code: 'rate-limited', message: `Too many requests from this address; try again in ${take.retryAfterSeconds} s.` } });
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
        sendJson(res, 200, { ok: true, result });
        return;
      }

      const chunk = /^\/api\/recordings\/([^/]+)\/chunks\/(\d{1,7})$/.exec(url.pathname);
      // PUT only: no other site can send one without a CORS preflight, which is never approved.
      if (chunk && method === 'PUT') {
        const data = await readBody(req, CHUNK_LIMIT);
        const result = await engine.call('recording.chunk', { recordingId: chunk[1], seq: Number(chunk[2]), data }, { door: 'http' });
        sendJson(res, 200, { ok: true, result });
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

      const media = /^\/media\/(clips|thumbs)\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
      if (media && (method === 'GET' || method === 'HEAD')) {
        const file = media[1] === 'clips' ? engine.clipFile(media[2]!) : engine.thumbFile(media[2]!);
        if (!file) throw new PwError('not-found', 'No such clip.');
        // Clip files never change once sealed; the id is unique, so caching is safe.
        serveFile(req, res, file, 'private, max-age=3600');
        return;
      }

      const exported = /^\/media\/exports\/([A-Za-z0-9_-]{1,64})\/([^/]{1,600})$/.exec(url.pathname);
      if (exported && (method === 'GET' || method === 'HEAD')) {
        const file = exportFile(engine, exported[1]!, exported[2]!);
        if (!file) throw new PwError('not-found', 'No such export file.');
        // Always a download: an exported verify.html must never run as a page of the station.
        res.setHeader('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(path.basename(file))}`);
        serveFile(req, res, file, 'no-store');
        return;
      }

      if (method === 'GET' || method === 'HEAD') {
        let rel: string;
        try {
          rel = decodeURIComponent(url.pathname);
        } catch {
          throw new PwError('bad-input', 'Malformed URL.');
        }
        const candidate = path.resolve(staticDir, '.' + path.posix.normalize('/' + rel));
        const inside = candidate === staticDir || candidate.startsWith(staticDir + path.sep);
        const isAsset = inside && path.extname(candidate) !== '' && fs.existsSync(candidate);
        const file = isAsset ? candidate : path.join(staticDir, 'index.html');
        if (!isAsset && path.extname(rel) !== '') throw new PwError('not-found', 'No such file.');
        if (file.endsWith('index.html')) res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
        serveFile(req, res, file, file.endsWith('index.html') ? 'no-store' : 'public, max-age=31536000, immutable');
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
