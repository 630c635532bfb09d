// The console's pages: the built bundle (out/console, `npm run build`) served under /console/.
// Only index.html and files under assets/ are served; a strict CSP (no inline script; antd writes
// its styles inline, so style-src allows that) and no framing.
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';

export const CONSOLE_PAGES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'out', 'console');

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Serves a page or asset for GET/HEAD under /console/; false when `pathname` is none of them. */
export function serveConsolePage(res: http.ServerResponse, method: string, pathname: string, dir = CONSOLE_PAGES_DIR): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (pathname === '/console') {
    // The relative asset URLs of the bundle need the trailing slash.
    res.writeHead(308, { location: '/console/', 'cache-control': 'no-store' });
    res.end();
    return true;
  }
  let file: string;
  if (pathname === '/console/' || pathname === '/console/index.html') file = 'index.html';
  else {
    const m = /^\/console\/assets\/([A-Za-z0-9._-]+)$/.exec(pathname);
    if (!m || m[1]!.startsWith('.')) return false;
    file = path.join('assets', m[1]!);
  }
  const full = path.join(dir, file);
  let body: Buffer;
  try {
    body = fs.readFileSync(full);
  } catch {
    if (file !== 'index.html') return false;
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end('The console pages are not built on this hub (run `npm run build`).\n');
    return true;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(body.length),
    // Asset names carry their content hash; the page itself is always asked again.
    'cache-control': file === 'index.html' ? 'no-store' : 'public, max-age=31536000, immutable',
    'content-security-policy': CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  });
  res.end(method === 'HEAD' ? undefined : body);
  return true;
}
