// Door 1 serves its pages and media from app://packwitness/, a privileged scheme of our own: the
// window never loads file:// (which would open the whole disk to the page) nor http://localhost
// (which any local process could impersonate). The renderer uses the same relative URLs as over
// HTTP (door 2): /index.html, /assets/…, /media/clips/<id>, /media/thumbs/<id>, with HTTP Range so
// the clip player seeks. No 'electron' import here: the handler is plain Request → Response and is
// unit-tested under Node.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Protocol } from 'electron';
import type { Engine } from '../engine/engine.ts';
import { parseRange } from '../server/range.ts';
import { exportFile } from '../engine/export/files.ts';
import { CONTENT_SECURITY_POLICY, mimeFor } from '../server/mime.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'packwitness';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** True only for URLs of our own pages. (URL.origin is "null" for custom schemes, so compare parts.) */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: {
        standard: true, // real origin, so 'self' in the CSP and relative URLs work as over HTTP
        secure: true, // a secure context: getUserMedia (the camera) is only offered to those
        stream: true, // <video> reads clips in ranges instead of loading whole files
        supportFetchAPI: true,
        // corsEnabled, bypassCSP, allowServiceWorkers: deliberately not granted.
      },
    },
  ]);
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function jsonError(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ ok: false, error: { code, message } }), {
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/** The same decision as the HTTP door: a real asset inside staticDir, the SPA page, or 404. */
export function resolveStaticFile(staticDir: string, pathname: string): string | null {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  const root = path.resolve(staticDir);
  const candidate = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  const inside = candidate === root || candidate.startsWith(root + path.sep);
  const isAsset = inside && path.extname(candidate) !== '' && fs.existsSync(candidate);
  if (isAsset) return candidate;
  // Unknown paths without an extension are app routes; a missing file with one is a real 404.
  if (path.extname(rel) !== '') return null;
  return path.join(root, 'index.html');
}

function serveFile(request: Request, file: string, cache: string, extra: Record<string, string> = {}): Response {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    return jsonError(404, 'not-found', 'No such file.');
  }
  const base = { ...SECURITY_HEADERS, ...extra, 'content-type': mimeFor(file), 'accept-ranges': 'bytes', 'cache-control': cache };
  const range = parseRange(request.headers.get('range'), stat.size);
  if (range.kind === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { ...base, 'content-range': `bytes */${stat.size}` } });
  }
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, stat.size - 1, 200];
  const headers: Record<string, string> = { ...base, 'content-length': String(Math.max(0, end - start + 1)) };
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
  if (request.method === 'HEAD' || stat.size === 0) return new Response(null, { status, headers });
  const body = Readable.toWeb(fs.createReadStream(file, { start, end })) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

export interface AppHandlerOptions {
  engine: Engine;
  /** The built renderer: out/renderer. */
  staticDir: string;
}

/** The app:// request handler for `protocol.handle('app', …)`. */
export function createAppHandler(opts: AppHandlerOptions): (request: Request) => Promise<Response> {
  const staticDir = path.resolve(opts.staticDir);
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return jsonError(400, 'bad-input', 'Malformed URL.');
    }
    if (!isAppUrl(request.url)) return jsonError(404, 'not-found', 'Unknown host.');
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') {
      // Calls go over IPC; nothing here accepts a body.
      return jsonError(405, 'refused', `${method} is not served here.`);
    }
    try {
      const media = /^\/media\/(clips|thumbs)\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
      if (media) {
        const file = media[1] === 'clips' ? opts.engine.clipFile(media[2]!) : opts.engine.thumbFile(media[2]!);
        if (!file) return jsonError(404, 'not-found', 'No such clip.');
        // Sealed clips never change and ids are unique, so caching is safe.
        return serveFile(request, file, 'private, max-age=3600');
      }
      const exported = /^\/media\/exports\/([A-Za-z0-9_-]{1,64})\/([^/]{1,600})$/.exec(url.pathname);
      if (exported) {
        const file = exportFile(opts.engine, exported[1]!, exported[2]!);
        if (!file) return jsonError(404, 'not-found', 'No such export file.');
        // A download, never a page: an exported verify.html must not run inside the app.
        return serveFile(request, file, 'no-store', { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(path.basename(file))}` });
      }
      if (url.pathname.startsWith('/media/') || url.pathname.startsWith('/api/')) {
        return jsonError(404, 'not-found', 'No such file.');
      }
      const file = resolveStaticFile(staticDir, url.pathname);
      if (!file) return jsonError(404, 'not-found', 'No such file.');
      const isPage = file.endsWith('.html');
      return serveFile(
        request,
        file,
        isPage ? 'no-store' : 'public, max-age=31536000, immutable',
        isPage ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {},
      );
    } catch (err) {
      return jsonError(500, 'internal', `Internal error: ${(err as Error).message}`);
    }
  };
}
