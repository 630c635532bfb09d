// What both doors answer for files: the built pages, clips and thumbnails, and exported files, with
// HTTP Range so the clip player seeks, and how an error becomes the wire's {ok:false,error}. Door 1
// (app:// in electron/main/protocol.ts) turns an Answer into a fetch Response, door 2
// (electron/server/http.ts) writes it to a node:http response; neither decides anything about files
// on its own, so a clip plays, seeks and fails the same way whichever door serves it.
import fs from 'node:fs';
import path from 'node:path';
import { PwError, type ErrorCode, type WireError, type WireResult } from '../../shared/contract.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import type { Engine } from '../engine/engine.ts';
import { exportFile } from '../engine/export/files.ts';
import { CONTENT_SECURITY_POLICY, mimeFor } from './mime.ts';
import { parseRange } from './range.ts';

export type { WireResult };

/** Sent with every answer of both doors. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

/** A PwError keeps its code and words; anything else is an internal error with its message. */
export function wireError(err: unknown): WireError {
  if (err instanceof PwError) return err.words ? { code: err.code, message: err.message, words: err.words } : { code: err.code, message: err.message };
  return { code: 'internal', message: `Internal error: ${errorMessage(err)}` };
}

export function statusFor(code: ErrorCode): number {
  return { 'bad-input': 400, 'not-found': 404, refused: 409, unauthorized: 401, 'too-large': 413, 'rate-limited': 429, internal: 500, ended: 410 }[code];
}

/** The answer to one GET or HEAD: a JSON error, a bodiless reply, or a byte range of a file. */
export type Answer =
  | { kind: 'error'; status: number; headers: Record<string, string>; error: WireError }
  | { kind: 'empty'; status: number; headers: Record<string, string> }
  | { kind: 'file'; status: number; headers: Record<string, string>; file: string; start: number; end: number };

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function errorAnswer(err: unknown, status?: number): Answer {
  const error = wireError(err);
  return { kind: 'error', status: status ?? statusFor(error.code), headers: { ...SECURITY_HEADERS, ...JSON_HEADERS }, error };
}

/** The JSON body of an error answer. */
export function errorBody(error: WireError): string {
  return JSON.stringify({ ok: false, error } satisfies WireResult);
}

/** One file (or the requested part of it), its type from the name. */
export function answerFile(method: string, rangeHeader: string | null | undefined, file: string, cache: string, extra: Record<string, string> = {}): Answer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    if (!stat.isFile()) throw new Error('not a file');
  } catch {
    return errorAnswer(new PwError('not-found', 'No such file.'));
  }
  const base = { ...SECURITY_HEADERS, ...extra, 'content-type': mimeFor(file), 'accept-ranges': 'bytes', 'cache-control': cache };
  const range = parseRange(rangeHeader, stat.size);
  if (range.kind === 'unsatisfiable') return { kind: 'empty', status: 416, headers: { ...base, 'content-range': `bytes */${stat.size}` } };
  const [start, end, status] = range.kind === 'partial' ? [range.start, range.end, 206] : [0, stat.size - 1, 200];
  const headers: Record<string, string> = { ...base, 'content-length': String(Math.max(0, end - start + 1)) };
  if (range.kind === 'partial') headers['content-range'] = `bytes ${start}-${end}/${stat.size}`;
  if (method === 'HEAD' || stat.size === 0) return { kind: 'empty', status, headers };
  return { kind: 'file', status, headers, file, start, end };
}

/** Where the media routes find their files. */
export interface MediaFiles {
  clipFile(id: string): Promise<string | null | undefined>;
  thumbFile(id: string): Promise<string | null | undefined>;
  exportFile(jobId: string, name: string): string | null | undefined;
}

export function mediaFilesOf(engine: Engine): MediaFiles {
  return {
    clipFile: (id) => engine.clipFile(id),
    thumbFile: (id) => engine.thumbFile(id),
    exportFile: (jobId, name) => exportFile(engine, jobId, name),
  };
}

/** A real asset inside staticDir, the single page (for app routes), or null for a 404 (a malformed URL too). */
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

export interface MediaRequest {
  /** GET or HEAD; the doors refuse or route other methods before asking. */
  method: string;
  pathname: string;
  range: string | null | undefined;
}

/**
 * The answer to a GET or HEAD that is not a call: clips, thumbnails, export files, or the built
 * pages under staticDir. Never throws: a failure is an error answer.
 */
export async function answerMedia(req: MediaRequest, files: MediaFiles, staticDir: string): Promise<Answer> {
  try {
    const media = /^\/media\/(clips|thumbs)\/([A-Za-z0-9_-]{1,64})$/.exec(req.pathname);
    if (media) {
      const file = await (media[1] === 'clips' ? files.clipFile(media[2]!) : files.thumbFile(media[2]!));
      if (!file) return errorAnswer(new PwError('not-found', 'No such clip.'));
      // Sealed clips never change and ids are unique, so caching is safe.
      return answerFile(req.method, req.range, file, 'private, max-age=3600');
    }
    const exported = /^\/media\/exports\/([A-Za-z0-9_-]{1,64})\/([^/]{1,600})$/.exec(req.pathname);
    if (exported) {
      const file = files.exportFile(exported[1]!, exported[2]!);
      if (!file) return errorAnswer(new PwError('not-found', 'No such export file.'));
      // Always a download, never a page: an exported verify.html must not run as a page of the station.
      const disposition = `attachment; filename*=UTF-8''${encodeURIComponent(path.basename(file))}`;
      return answerFile(req.method, req.range, file, 'no-store', { 'content-disposition': disposition });
    }
    if (req.pathname.startsWith('/media/') || req.pathname.startsWith('/api/')) return errorAnswer(new PwError('not-found', 'No such file.'));
    const file = resolveStaticFile(staticDir, req.pathname);
    if (!file) return errorAnswer(new PwError('not-found', 'No such file.'));
    const isPage = file.endsWith('.html');
    return answerFile(
      req.method,
      req.range,
      file,
      isPage ? 'no-store' : 'public, max-age=31536000, immutable',
      isPage ? { 'content-security-policy': CONTENT_SECURITY_POLICY } : {},
    );
  } catch (err) {
    return errorAnswer(err);
  }
}

/** The bytes of a file answer. */
export function openAnswer(answer: Extract<Answer, { kind: 'file' }>): fs.ReadStream {
  return fs.createReadStream(answer.file, { start: answer.start, end: answer.end });
}
