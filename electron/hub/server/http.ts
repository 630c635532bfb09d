// The hub's HTTP door: routes /hub/v1/* to the HubService. The station door's rules apply first
// (electron/server/door.ts: only the hub's own names as Host, nothing changed from another origin);
// on top, no browser has any business with this API (the console is a separate door), so a request
// a browser marks as coming from any page is refused, and bodies have hard limits: JSON calls
// 8 MiB (a batch of 500 chain entries), a part the store's part size.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { z } from 'zod';
import {
  BeginRequest,
  ChainRequest,
  CompleteRequest,
  EnrollRequest,
  HUB_API,
  MAX_CHAIN_BATCH,
  PART_DIGEST_HEADER,
  SHA256_HEX_RE,
  TsrRequest,
} from '../../../shared/hubWire.ts';
import { doorRules } from '../../server/door.ts';
import { judgeHubRequest } from './door.ts';
import { lanAddresses } from '../../server/lan.ts';
import { HubHttpError, type HubService } from './ingest.ts';
import { readBody } from './body.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { HubConsole } from '../console/http.ts';
import { IndexUnavailableError } from '../index/types.ts';
import { StoreError } from '../store/types.ts';

const JSON_LIMIT = 8 << 20;

/**
 * How long a connection may take over each part of a request. Header time and body time are
 * apart on purpose: a request's headers are a few hundred bytes and come at once from any real
 * client, so a connection still sending them after HEADERS_MS is a slow-loris and is closed; a
 * body (a station's 5 MiB part on a slow LAN link) may take minutes as long as bytes keep coming,
 * so it is cut only after IDLE_MS without a byte, or past REQUEST_MS in all (5 MiB at 18 kB/s).
 */
export const HUB_CONNECTION_LIMITS = {
  headersMs: 10_000,
  idleMs: 30_000,
  requestMs: 5 * 60_000,
  keepAliveMs: 5_000,
  /**
   * Open connections one address may hold; more are closed at once. A station uses a few, a
   * console tab a handful; a load balancer or a NAT in front brings many users under one address.
   */
  perAddress: 256,
};

export interface HubServerOptions {
  service: HubService;
  host?: string;
  port?: number;
  /** Extra names the hub answers under as Host (a load balancer's name). */
  extraNames?: string[];
  /** Each request's outcome (method, path, status) for the log; off by default. */
  onRequest?: (line: string) => void;
  /** The console's calls under /console/ (their own door: same-origin pages and sessions). */
  console?: HubConsole;
  /** Connection limits (tests); HUB_CONNECTION_LIMITS otherwise. */
  limits?: Partial<typeof HUB_CONNECTION_LIMITS>;
}

export interface RunningHub {
  url: string;
  port: number;
  host: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (status === 413) res.setHeader('connection', 'close');
  sendJson(res, status, { error: { code, message } });
}

function parse<S extends z.ZodType>(schema: S, body: Buffer): z.infer<S> {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HubHttpError(400, 'bad-request', 'the body is not JSON');
  }
  const r = schema.safeParse(v);
  if (!r.success)
    throw new HubHttpError(
      400,
      'bad-request',
      `the body does not follow the protocol: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? ''}`,
    );
  return r.data;
}

/** A part signed over its MD5 (the stations that know it), for a store that can take it streamed. */
function streamsParts(service: HubService, headers: http.IncomingHttpHeaders): boolean {
  return headers[PART_DIGEST_HEADER] === 'md5' && service.store.uploadPartStream !== undefined;
}

function mediaType(v: string | undefined): string {
  return (v ?? '').split(';')[0]!.trim().toLowerCase();
}

export async function startHubServer(opts: HubServerOptions): Promise<RunningHub> {
  const { service } = opts;
  const host = opts.host ?? '127.0.0.1';
  let rules = doorRules(host, opts.port ?? 0, { addresses: lanAddresses });
  const extra = new Set((opts.extraNames ?? []).map((n) => n.toLowerCase()));

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const u = new URL(rawUrl, 'http://hub.invalid');
    const pathname = u.pathname;
    const headers = req.headers;
    const isOwnHost = (name: string, port: number): boolean => extra.has(name) || (port === rules.port && rules.isOwnName(name));
    if (opts.console && (pathname === '/console' || pathname.startsWith('/console/'))) {
      return opts.console.handle(req, res, { method, url: u, isOwnHost });
    }
    const refusal = judgeHubRequest('station', { method, headers }, isOwnHost);
    if (refusal) return sendError(res, refusal.status, 'refused', refusal.message);
    if (!pathname.startsWith(`${HUB_API}/`)) return sendError(res, 404, 'not-found', 'no such hub call');
    const route = pathname.slice(HUB_API.length);
    const pathWithQuery = rawUrl.startsWith('/') ? rawUrl : `${pathname}${u.search}`;

    if (method === 'GET' && route === '/hello') return sendJson(res, 200, service.hello(u.searchParams.get('nonce') ?? ''));
    if (method === 'POST' && route === '/enroll') {
      if (mediaType(headers['content-type']) !== 'application/json') return sendError(res, 415, 'bad-request', 'Content-Type: application/json');
      const body = parse(EnrollRequest, await readBody(req, 64 << 10));
      return sendJson(res, 200, await service.enroll(body));
    }

    const clip = /^\/clips\/([^/]+)\/(begin|parts\/(\d{1,5})|complete|tsr|state)$/.exec(route);
    const isPart = method === 'PUT' && !!clip?.[3];
    if (method === 'POST' && mediaType(headers['content-type']) !== 'application/json')
      return sendError(res, 415, 'bad-request', 'Content-Type: application/json');
    if (method === 'PUT' && mediaType(headers['content-type']) !== 'application/octet-stream')
      return sendError(res, 415, 'bad-request', 'Content-Type: application/octet-stream');
    if (method !== 'GET' && method !== 'POST' && method !== 'PUT') return sendError(res, 405, 'bad-request', 'method not allowed');
    if (isPart && streamsParts(service, headers)) {
      // Signed over its MD5 and bound for a store that checks each part's MD5 itself: the credential
      // is checked on the headers, then the part streams through to the store as it arrives.
      const length = Number(headers['content-length'] ?? '-1');
      if (headers['transfer-encoding'] !== undefined || !Number.isSafeInteger(length) || length < 0)
        throw new HubHttpError(411, 'bad-request', 'a part needs its Content-Length');
      if (length > service.store.partSize)
        throw new HubHttpError(413, 'too-large', `the body is larger than the ${service.store.partSize} bytes this call takes`);
      const sha256 = clip![1]!;
      const { station, taken, upload } = await service.authenticate({ method, pathWithQuery, headers, body: null, partOf: sha256 });
      if (!SHA256_HEX_RE.test(sha256)) throw new HubHttpError(400, 'bad-request', 'a clip is named by its SHA-256 (64 lowercase hex digits)');
      const md5 = headers['content-md5'];
      await service.partStream(station, sha256, Number(clip![3]), req, length, Array.isArray(md5) ? md5[0] : md5, upload);
      await taken?.();
      res.writeHead(204).end();
      return;
    }
    const body = method === 'GET' ? Buffer.alloc(0) : await readBody(req, isPart ? service.store.partSize : JSON_LIMIT);
    const { station, key, bodyMd5 } = await service.authenticate({ method, pathWithQuery, headers, body });

    if (method === 'POST' && route === '/chain') {
      const r = parse(ChainRequest, body);
      if (r.entries.length > MAX_CHAIN_BATCH) throw new HubHttpError(413, 'too-large', `at most ${MAX_CHAIN_BATCH} entries per call`);
      return sendJson(res, 200, await service.chain(station, key, r.entries));
    }
    if (method === 'GET' && route === '/holds') {
      const since = Number(u.searchParams.get('since') ?? '0');
      return sendJson(res, 200, { holds: await service.holds(station, Number.isFinite(since) ? since : 0) });
    }
    if (clip) {
      const sha256 = clip[1]!;
      if (!SHA256_HEX_RE.test(sha256)) throw new HubHttpError(400, 'bad-request', 'a clip is named by its SHA-256 (64 lowercase hex digits)');
      const action = clip[2]!;
      if (method === 'POST' && action === 'begin') return sendJson(res, 200, await service.begin(station, sha256, parse(BeginRequest, body).size));
      if (isPart) {
        const md5 = headers['content-md5'];
        await service.part(station, sha256, Number(clip[3]), body, Array.isArray(md5) ? md5[0] : md5, bodyMd5);
        res.writeHead(204).end();
        return;
      }
      if (method === 'POST' && action === 'complete') return sendJson(res, 200, await service.complete(station, key, sha256, parse(CompleteRequest, body)));
      if (method === 'POST' && action === 'tsr') {
        await service.tsr(station, sha256, Buffer.from(parse(TsrRequest, body).tsr, 'base64'));
        res.writeHead(204).end();
        return;
      }
      if (method === 'GET' && action === 'state') return sendJson(res, 200, await service.state(station, sha256));
    }
    return sendError(res, 404, 'not-found', 'no such hub call');
  };

  const limits = { ...HUB_CONNECTION_LIMITS, ...opts.limits };
  /** Connections in the middle of sending a request (headers or body). */
  const receiving = new WeakSet<Socket>();
  const server = http.createServer(
    {
      headersTimeout: limits.headersMs,
      requestTimeout: limits.requestMs,
      keepAliveTimeout: limits.keepAliveMs,
      // Node looks for connections past their header or request time this often (default 30 s).
      connectionsCheckingInterval: Math.max(250, Math.min(1000, Math.floor(limits.headersMs / 4))),
    },
    (req, res) => {
      // The request has fully arrived: from here the client waits on the hub (a long search, a
      // paused video stream), which is no reason to cut it.
      const sock = req.socket;
      if (req.complete) receiving.delete(sock);
      else req.once('end', () => receiving.delete(sock));
      res.once('finish', () => receiving.add(sock));
      handle(req, res).then(
        () => opts.onRequest?.(`${req.method} ${req.url} ${res.statusCode}`),
        (err: unknown) => {
          if (err instanceof HubHttpError) sendError(res, err.status, err.code, err.message);
          else if (err instanceof IndexUnavailableError) sendError(res, 503, 'index-unavailable', `${err.message}; the station keeps its copy and tries again`);
          else if (err instanceof StoreError && err.code === 'unavailable')
            sendError(res, 503, 'store-unavailable', `the hub's clip store cannot be reached: ${err.message}; the station keeps its copy and tries again`);
          else {
            // Anything else the hub could not do now: the station retries later.
            sendError(res, 503, 'unavailable', `the hub cannot do this now: ${errorMessage(err)}`);
          }
          opts.onRequest?.(`${req.method} ${req.url} ${res.statusCode}`);
        },
      );
    },
  );
  // No byte for idleMs while a request's headers or body are coming: the peer is gone or stalling on purpose.
  server.setTimeout(limits.idleMs, (socket) => {
    if (receiving.has(socket)) socket.destroy();
  });
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const from = socket.remoteAddress ?? '?';
    const n = (open.get(from) ?? 0) + 1;
    if (n > limits.perAddress) {
      socket.destroy();
      return;
    }
    open.set(from, n);
    receiving.add(socket);
    socket.once('close', () => {
      const left = (open.get(from) ?? 1) - 1;
      if (left > 0) open.set(from, left);
      else open.delete(from);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  rules = doorRules(host, port, { addresses: lanAddresses });
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}`,
    port,
    host,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
