// Door 1 serves its pages and media from app://packwitness/, a privileged scheme of our own: the
// window never loads file:// (which would open the whole disk to the page) nor http://localhost
// (which any local process could impersonate). The renderer uses the same relative URLs as over
// HTTP (door 2): /index.html, /assets/…, /media/clips/<id>, /media/thumbs/<id>, with HTTP Range so
// the clip player seeks (electron/doors/media.ts, shared with door 2). No 'electron' import here: the handler is plain Request → Response and is
// unit-tested under Node.
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Protocol } from 'electron';
import { PwError, type WireError } from '../../shared/contract.ts';
import type { Engine } from '../engine/engine.ts';
import { answerMedia, errorAnswer, errorBody, mediaFilesOf, openAnswer, type Answer } from '../doors/media.ts';

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

function jsonError(status: number, code: WireError['code'], message: string): Response {
  return toResponse(errorAnswer(new PwError(code, message), status));
}

/** An Answer of the shared media module as a fetch Response. */
function toResponse(answer: Answer): Response {
  const { status, headers } = answer;
  if (answer.kind === 'error') return new Response(errorBody(answer.error), { status, headers });
  if (answer.kind === 'empty') return new Response(null, { status, headers });
  return new Response(Readable.toWeb(openAnswer(answer)) as ReadableStream<Uint8Array>, { status, headers });
}

export interface AppHandlerOptions {
  engine: Engine;
  /** The built renderer: out/renderer. */
  staticDir: string;
}

/** The app:// request handler for `protocol.handle('app', …)`. */
export function createAppHandler(opts: AppHandlerOptions): (request: Request) => Promise<Response> {
  const staticDir = path.resolve(opts.staticDir);
  const files = mediaFilesOf(opts.engine);
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
    return toResponse(await answerMedia({ method, pathname: url.pathname, range: request.headers.get('range') }, files, staticDir));
  };
}
