// The console's calls on the hub (`/console/api/…`, shapes and the role table in
// shared/consoleWire.ts). The hub's HTTP server hands every `/console/` request here.
//
// The door, before any work:
// - Host must be one of the hub's own names (421), as for the station API: a DNS-rebinding page
//   sends its own name and gets nothing.
// - A browser request from another origin is refused (403): Origin, when sent, must be this very
//   scheme://host:port; without Origin, Sec-Fetch-Site must say same-origin (or none for a GET
//   typed into the address bar). Tools send neither. Changes are POST with application/json only
//   (415), which no foreign page can send without a preflight the hub never approves.
// - Then the session cookie (HttpOnly, SameSite=Strict, Secure over https) and the role table:
//   401 without a valid session, 403 when the role may not make the call.
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { judgeHubRequest } from '../server/door.ts';
import type { HubIndex, HubClip } from '../index/types.ts';
import type { ClipStore, ByteRange } from '../store/types.ts';
import { HubHttpError } from '../server/ingest.ts';
import { readBody } from '../server/body.ts';
import { AccountError, Accounts, SESSION_TTL_MS, type ConsoleUser } from '../auth/accounts.ts';
import { AuditLog, auditCsv } from './audit.ts';
import { serveConsolePage } from './pages.ts';
import { clipCallRoute, handleClipCall } from './clipCalls.ts';
import { currentHold } from './hold.ts';
import type { HubExports } from './export.ts';
import type { CertInfo } from '../../engine/evidence/tsaTrust.ts';
import { ClipFinder, isClipTag, type FoundClip } from './find.ts';
import { ThumbMaker, type ThumbOptions } from './thumbs.ts';
import { ConsoleAdmin } from './admin.ts';
import {
  CONSOLE_API,
  CONSOLE_CALLS,
  LoginRequest,
  SESSION_COOKIE,
  UserAddRequest,
  UserNameRequest,
  type ConsoleCall,
  type ConsoleClip,
  type ConsoleMe,
  type ConsoleSearchAnswer,
} from '../../../shared/consoleWire.ts';

export interface ConsoleOptions {
  index: HubIndex;
  store: ClipStore;
  /** Sets Secure on the cookie even over http (the hub behind a TLS proxy that does not say so). */
  secureCookies?: boolean;
  /** The clock (tests move it to expire sessions and lock-outs). */
  now?: () => number;
  /** The built console pages (default out/console of this checkout). */
  pagesDir?: string;
  /** Exports made on the hub (console/export.ts); absent: the export calls answer 503. */
  exports?: HubExports;
  /** The hub key's fingerprint: enrollment codes made on the admin page carry its start. */
  hubFingerprint?: string;
  /** Starts the thumbnail loop (the hub server); without it thumbnails are made only by `thumbs.runOnce()`. */
  thumbnails?: ThumbOptions;
  /** Password checks at once; further logins are refused with 503 `busy` (a flood of logins cannot eat the CPU). */
  maxLoginChecks?: number;
  /** TSA certificates of the hub's settings (`tsaCerts`): verify on demand trusts them (console/verify.ts). */
  tsaCerts?: CertInfo[];
}

export interface ConsoleDoorContext {
  method: string;
  url: URL;
  /** The hub's own names (same rule as the station API). */
  isOwnHost(name: string, port: number): boolean;
}

export interface HubConsole {
  accounts: Accounts;
  audit: AuditLog;
  thumbs: ThumbMaker;
  /** Stops the thumbnail loop (waits for the thumbnail under way). */
  close(): Promise<void>;
  handle(req: http.IncomingMessage, res: http.ServerResponse, ctx: ConsoleDoorContext): Promise<void>;
}

const LOGIN_BODY_LIMIT = 16 << 10;
const ADMIN_BODY_LIMIT = 16 << 10;
/** scrypt takes 32 MiB and a libuv thread per check: a few at once keep the hub answering during a flood of logins. */
const MAX_LOGIN_CHECKS = 4;

async function jsonBody<T>(
  req: http.IncomingMessage,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  what: string,
): Promise<T> {
  const body = await readBody(req, ADMIN_BODY_LIMIT);
  try {
    const r = schema.safeParse(JSON.parse(body.toString('utf8')));
    if (r.success) return r.data;
  } catch {
    // not JSON: the same answer
  }
  throw new HubHttpError(400, 'bad-request', what);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...extra });
  res.end(JSON.stringify(body));
}

function cookieValue(req: http.IncomingMessage, name: string): string | null {
  for (const part of (header(req, 'cookie') ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

/** Single range `bytes=a-b`, `bytes=a-`, `bytes=-n` → inclusive bounds; null = whole; 'bad' = 416. */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (value === undefined) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0 || size === 0) return 'bad';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'bad';
  return { start, end };
}

function toConsoleClip(c: HubClip | FoundClip): ConsoleClip {
  return {
    ...('tags' in c ? { tags: c.tags, thumb: c.thumb } : {}),
    station: c.station,
    stationName: c.stationName ?? c.station,
    clipId: c.clipId,
    order: c.order,
    mode: c.mode,
    operator: c.operator,
    startedAt: c.startedAt,
    endedAt: c.endedAt,
    durationMs: c.durationMs,
    sizeBytes: c.sizeBytes,
    sha256: c.sha256,
    status: c.status,
    stopReason: c.stopReason,
    note: c.note,
    publishedAt: c.publishedAt,
  };
}

/** A time filter: epoch ms or an ISO 8601 date. */
function timeParam(v: string | null, name: string): number | undefined {
  if (v === null || v === '') return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new HubHttpError(400, 'bad-request', `${name} is a time (epoch ms or ISO 8601)`);
  return n;
}

function routeOf(method: string, route: string): { call: ConsoleCall; station?: string; clipId?: string; exportId?: string } | null {
  const clipCall = clipCallRoute(method, route);
  if (clipCall) return clipCall;
  const m = /^\/clips\/([^/]+)\/([^/]+)(\/media|\/thumb)?$/.exec(route);
  if (m && (method === 'GET' || method === 'HEAD')) {
    let station: string;
    let clipId: string;
    try {
      station = decodeURIComponent(m[1]!);
      clipId = decodeURIComponent(m[2]!);
    } catch {
      return null;
    }
    return { call: m[3] === '/media' ? 'media' : m[3] === '/thumb' ? 'thumb' : 'clip', station, clipId };
  }
  for (const [call, spec] of Object.entries(CONSOLE_CALLS) as [ConsoleCall, (typeof CONSOLE_CALLS)[ConsoleCall]][]) {
    if (spec.path.includes(':')) continue;
    if (spec.path === route && (spec.method === method || (spec.method === 'GET' && method === 'HEAD'))) return { call };
  }
  return null;
}

export function createHubConsole(opts: ConsoleOptions): HubConsole {
  const accounts = new Accounts(opts.index);
  const audit = new AuditLog(opts.index);
  const now = opts.now ?? Date.now;
  const { index, store } = opts;
  const finder = new ClipFinder(index);
  const admin = new ConsoleAdmin(index);
  const thumbs = new ThumbMaker(index, store, opts.thumbnails ?? {});
  if (opts.thumbnails) thumbs.start();
  const maxLoginChecks = opts.maxLoginChecks ?? MAX_LOGIN_CHECKS;
  let loginChecks = 0;

  const allowed = (role: ConsoleUser['role']): ConsoleCall[] =>
    (Object.keys(CONSOLE_CALLS) as ConsoleCall[]).filter((c) => {
      const r = CONSOLE_CALLS[c].roles;
      return r !== 'public' && r.includes(role);
    });

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, ctx: ConsoleDoorContext): Promise<void> => {
    const { method, url } = ctx;
    // The door.
    const refused = judgeHubRequest('console', { method, headers: req.headers }, ctx.isOwnHost);
    if (refused) throw new HubHttpError(refused.status, 'refused', refused.message);
    const encrypted = !!(req.socket as TLSSocket).encrypted || header(req, 'x-forwarded-proto') === 'https';
    if (!url.pathname.startsWith(`${CONSOLE_API}/`)) {
      if (serveConsolePage(res, method, url.pathname, opts.pagesDir)) return;
      throw new HubHttpError(404, 'not-found', 'no such console page');
    }
    const route = routeOf(method, url.pathname.slice(CONSOLE_API.length));
    if (!route) throw new HubHttpError(404, 'not-found', 'no such console call');
    if (method === 'POST' && (header(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      throw new HubHttpError(415, 'bad-request', 'Console calls are accepted only with Content-Type: application/json.');
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const cookie = (value: string, maxAgeSec: number): string =>
      `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSec}${encrypted || opts.secureCookies ? '; Secure' : ''}`;

    if (route.call === 'login') {
      const body = await readBody(req, LOGIN_BODY_LIMIT);
      let parsed: LoginRequest;
      try {
        const r = LoginRequest.safeParse(JSON.parse(body.toString('utf8')));
        if (!r.success) throw new Error('shape');
        parsed = r.data;
      } catch {
        throw new HubHttpError(400, 'bad-request', 'login takes {"name", "password"}');
      }
      const at = now();
      // Only the password check is limited (a slow body holds no place): a flood gets 503 at once.
      if (loginChecks >= maxLoginChecks) {
        return sendJson(
          res,
          503,
          { error: { code: 'busy', message: 'The hub is checking many logins at once: try again in a second.' } },
          { 'retry-after': '1' },
        );
      }
      loginChecks++;
      let r: Awaited<ReturnType<Accounts['login']>>;
      try {
        r = await accounts.login(parsed.name, parsed.password, address, at);
      } finally {
        loginChecks--;
      }
      if (!r.ok) {
        await audit.record({ at, user: parsed.name.slice(0, 64), role: null, action: r.reason === 'locked' ? 'login-locked' : 'login-refused', address });
        if (r.reason === 'locked') {
          const sec = Math.ceil(r.retryAfterMs / 1000);
          return sendJson(res, 429, { error: { code: 'locked', message: `Too many wrong passwords: try again in ${sec} s.` } }, { 'retry-after': String(sec) });
        }
        return sendJson(res, 401, { error: { code: 'wrong-password', message: 'The name or the password is wrong.' } });
      }
      await audit.record({ at, user: r.user.name, role: r.user.role, action: 'login', address });
      const me: ConsoleMe = { name: r.user.name, role: r.user.role, calls: allowed(r.user.role) };
      return sendJson(res, 200, me, { 'set-cookie': cookie(r.sessionId, Math.floor(SESSION_TTL_MS / 1000)) });
    }

    // Every other call needs a session, then the role table.
    const sessionId = cookieValue(req, SESSION_COOKIE);
    const user = sessionId ? await accounts.session(sessionId, now()) : null;
    if (!user || !sessionId) throw new HubHttpError(401, 'no-session', 'Log in first (no session, or it ended).');
    const roles = CONSOLE_CALLS[route.call].roles;
    if (roles === 'public' || !roles.includes(user.role)) {
      throw new HubHttpError(403, 'forbidden', `A ${user.role} account may not do this (${route.call}).`);
    }
    const at = now();

    switch (route.call) {
      case 'logout':
        await accounts.logout(sessionId);
        return sendJson(res, 200, { ok: true }, { 'set-cookie': cookie('', 0) });
      case 'logoutEverywhere':
        await accounts.logoutEverywhere(user.id, at);
        return sendJson(res, 200, { ok: true }, { 'set-cookie': cookie('', 0) });
      case 'me':
        return sendJson(res, 200, { name: user.name, role: user.role, calls: allowed(user.role) } satisfies ConsoleMe);
      case 'search': {
        const p = url.searchParams;
        const q = p.get('q')?.trim();
        const order = p.get('order')?.trim();
        const limit = Math.max(1, Math.min(200, Number(p.get('limit') ?? '50') || 50));
        const beforeRaw = p.get('before');
        let before: { startedAt: number; rowId: number } | undefined;
        if (beforeRaw) {
          const m = /^(\d+)\.(\d+)$/.exec(beforeRaw);
          if (!m) throw new HubHttpError(400, 'bad-request', 'before is the `next` of the previous page');
          before = { startedAt: Number(m[1]), rowId: Number(m[2]) };
        }
        const from = timeParam(p.get('from'), 'from');
        const to = timeParam(p.get('to'), 'to');
        const status = p.get('status') || undefined;
        if (status !== undefined && !isClipTag(status))
          throw new HubHttpError(400, 'bad-request', 'status is one of ok, interrupted, recovered, held, late, hole');
        const rows = await finder.find({
          ...(status ? { status } : {}),
          ...(order ? { order } : {}),
          ...(q ? { orderContains: q } : {}),
          ...(p.get('station') ? { station: p.get('station')! } : {}),
          ...(p.get('operator') ? { operator: p.get('operator')! } : {}),
          ...(p.get('mode') ? { mode: p.get('mode')! } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(before ? { before } : {}),
          limit: limit + 1,
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const answer: ConsoleSearchAnswer = {
          clips: page.map((c) => ({ ...toConsoleClip(c), hold: c.hold, ...(c.thumbFailed !== null ? { thumbFailed: c.thumbFailed } : {}) })),
          next: rows.length > limit && last ? `${last.startedAt}.${last.rowId}` : null,
        };
        const detail = [...p.entries()]
          .filter(([k]) => k !== 'limit')
          .map(([k, v]) => `${k}=${v}`)
          .join('&');
        await audit.record({ at, user: user.name, role: user.role, action: 'search', detail: `${detail} → ${page.length}`, address });
        return sendJson(res, 200, answer);
      }
      case 'thumb': {
        const stationRow = await index.getStation(route.station!);
        const clip = stationRow ? await index.getClip(stationRow.fingerprint, route.clipId!) : null;
        if (!clip) throw new HubHttpError(404, 'not-found', 'No such clip on this hub.');
        let jpeg: Buffer;
        try {
          jpeg = await store.read(clip.sha256, 'thumb');
        } catch {
          throw new HubHttpError(404, 'not-found', 'No thumbnail of this clip yet.');
        }
        // Named by the clip's bytes, so it never changes: the browser may keep it.
        res.writeHead(200, {
          'content-type': 'image/jpeg',
          'content-length': String(jpeg.length),
          'cache-control': 'private, max-age=86400, immutable',
          'x-content-type-options': 'nosniff',
        });
        res.end(method === 'HEAD' ? undefined : jpeg);
        return;
      }
      case 'users':
        return sendJson(res, 200, { users: await admin.users(at) });
      case 'userAdd': {
        const b = await jsonBody(req, UserAddRequest, 'userAdd takes {"name", "role", "password"}');
        try {
          const u = await accounts.addUser(b.name, b.role, b.password, at);
          await audit.record({ at, user: user.name, role: user.role, action: 'user-add', detail: `${u.name} (${u.role})`, address });
          return sendJson(res, 200, { name: u.name, role: u.role, createdAt: u.createdAt, sessions: 0 });
        } catch (e) {
          if (e instanceof AccountError) throw new HubHttpError(e.code === 'exists' ? 409 : 400, e.code === 'exists' ? 'exists' : 'bad-request', e.message);
          throw e;
        }
      }
      case 'userRemove':
      case 'userLogout': {
        const b = await jsonBody(req, UserNameRequest, `${route.call} takes {"name"}`);
        const target = await accounts.getUser(b.name);
        if (!target) throw new HubHttpError(404, 'not-found', `There is no user ${b.name}.`);
        if (route.call === 'userLogout') {
          await accounts.logoutEverywhere(target.id, at);
          await audit.record({ at, user: user.name, role: user.role, action: 'user-logout', detail: target.name, address });
          return sendJson(res, 200, { ok: true });
        }
        // The hub must keep someone who can run it.
        if (target.role === 'admin' && (await accounts.listUsers()).filter((u) => u.role === 'admin').length <= 1) {
          throw new HubHttpError(409, 'last-admin', 'This is the only admin: add another admin before removing this one.');
        }
        await accounts.removeUser(target.name);
        await audit.record({ at, user: user.name, role: user.role, action: 'user-remove', detail: target.name, address });
        return sendJson(res, 200, { ok: true });
      }
      case 'enrollCode': {
        await jsonBody(
          req,
          {
            safeParse: (v: unknown) =>
              v !== null && typeof v === 'object' && Object.keys(v).length === 0 ? { success: true as const, data: {} } : { success: false as const },
          },
          'enrollCode takes {}',
        );
        if (!opts.hubFingerprint) throw new HubHttpError(503, 'unavailable', 'This hub process makes no enrollment codes (use `packwitness hub enroll-code`).');
        const answer = await admin.enrollCode(opts.hubFingerprint, at);
        await audit.record({
          at,
          user: user.name,
          role: user.role,
          action: 'enroll-code',
          detail: `expires ${new Date(answer.expiresAt).toISOString()}`,
          address,
        });
        return sendJson(res, 200, answer);
      }
      case 'stations':
        return sendJson(res, 200, { stations: await admin.stations() });
      case 'clip':
      case 'media': {
        const stationRow = await index.getStation(route.station!);
        const clip = stationRow ? await index.getClip(stationRow.fingerprint, route.clipId!) : null;
        if (!clip) throw new HubHttpError(404, 'not-found', 'No such clip on this hub.');
        if (route.call === 'clip') return sendJson(res, 200, { clip: { ...toConsoleClip(clip), hold: await currentHold(index, clip) } });
        const stat = await store.stat(clip.sha256, 'clip');
        if (!stat) throw new HubHttpError(404, 'not-found', 'The clip is indexed but its file is not in the clip store (see `packwitness hub doctor`).');
        const range = parseRange(header(req, 'range'), stat.size);
        const base = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' };
        if (range === 'bad') {
          res.writeHead(416, { ...base, 'content-range': `bytes */${stat.size}` });
          res.end();
          return;
        }
        // One play is one row: the player's further range reads (seeking) are not each logged.
        if (method === 'GET' && (range === null || range.start === 0)) {
          await audit.record({
            at,
            user: user.name,
            role: user.role,
            action: 'play',
            station: clip.station,
            clipId: clip.clipId,
            sha256: clip.sha256,
            address,
          });
        }
        const r: ByteRange | undefined = range ?? undefined;
        const length = range ? range.end - range.start + 1 : stat.size;
        const headers: Record<string, string> = { ...base, 'content-length': String(length) };
        if (range) headers['content-range'] = `bytes ${range.start}-${range.end}/${stat.size}`;
        if (method === 'HEAD') {
          res.writeHead(range ? 206 : 200, headers);
          res.end();
          return;
        }
        const body = await store.stream(clip.sha256, 'clip', r);
        res.writeHead(range ? 206 : 200, headers);
        await new Promise<void>((resolve) => {
          body.on('error', () => {
            res.destroy();
            resolve();
          });
          res.on('close', () => {
            body.destroy();
            resolve();
          });
          body.pipe(res);
        });
        return;
      }
      case 'audit':
      case 'auditCsv': {
        const p = url.searchParams;
        const before = p.get('before');
        const from = timeParam(p.get('from'), 'from');
        const to = timeParam(p.get('to'), 'to');
        const rows = await audit.list({
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          limit: Number(p.get('limit') ?? (route.call === 'auditCsv' ? '10000' : '100')) || 100,
          ...(before && /^\d+$/.test(before) ? { before: Number(before) } : {}),
          ...(p.get('user') ? { user: p.get('user')! } : {}),
          ...(p.get('action') ? { action: p.get('action')! } : {}),
        });
        if (route.call === 'audit') return sendJson(res, 200, { entries: rows, next: rows.length ? rows.at(-1)!.id : null });
        res.writeHead(200, {
          'content-type': 'text/csv; charset=utf-8',
          'cache-control': 'no-store',
          'content-disposition': `attachment; filename="packwitness-audit-${new Date(at).toISOString().slice(0, 10)}.csv"`,
        });
        res.end(auditCsv(rows));
        return;
      }
      case 'verify':
      case 'hold':
      case 'exportStart':
      case 'exportStatus':
      case 'exportCancel':
      case 'exportZip':
      case 'exportPresets':
        return handleClipCall(route.call, { req, res, index, store, audit, user, at, address, ...route, exports: opts.exports, tsaCerts: opts.tsaCerts });
      default:
        throw new HubHttpError(404, 'not-found', 'no such console call');
    }
  };

  return { accounts, audit, thumbs, close: () => thumbs.stop(), handle };
}
