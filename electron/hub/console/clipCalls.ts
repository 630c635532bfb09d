// The console's calls on one clip that do more than read it: verify on demand and legal hold
// (POST /console/api/clips/:station/:clipId/{verify,hold}). http.ts routes here after its door,
// session and role checks; every call is a row of the audit log, refused ones included.
import type http from 'node:http';
import type { ConsoleUser } from '../auth/accounts.ts';
import type { HubIndex } from '../index/types.ts';
import type { ClipStore } from '../store/types.ts';
import { HubHttpError } from '../server/ingest.ts';
import { readBody } from '../server/body.ts';
import type { AuditLog } from './audit.ts';
import { verifyOnHub } from './verify.ts';
import { setHold } from './hold.ts';
import { ExportStartRequest, HoldRequest, type ConsoleCall, type ConsoleExport, type ConsoleHoldAnswer } from '../../../shared/consoleWire.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { HubExports } from './export.ts';
import type { CertInfo } from '../../engine/evidence/tsaTrust.ts';
import { PRESETS } from '../../engine/export/presets.ts';
import { presetView } from '../../engine/export/handlers.ts';
import { pipeline } from 'node:stream/promises';

export type ClipCall = Extract<ConsoleCall, 'verify' | 'hold' | 'exportStart' | 'exportStatus' | 'exportCancel' | 'exportZip' | 'exportPresets'>;

const HOLD_BODY_LIMIT = 8 << 10;

/**
 * `/clips/:station/:clipId/verify|hold|export` (POST) and `/exports/:id[/cancel|/zip]` → the call
 * and what it names; null for any other route.
 */
export function clipCallRoute(method: string, route: string): { call: ClipCall; station?: string; clipId?: string; exportId?: string } | null {
  if (route === '/export-presets') return method === 'GET' || method === 'HEAD' ? { call: 'exportPresets' } : null;
  const e = /^\/exports\/([0-9a-f]{16})(\/cancel|\/zip)?$/.exec(route);
  if (e) {
    if (e[2] === '/cancel') return method === 'POST' ? { call: 'exportCancel', exportId: e[1]! } : null;
    if (method !== 'GET' && method !== 'HEAD') return null;
    return { call: e[2] === '/zip' ? 'exportZip' : 'exportStatus', exportId: e[1]! };
  }
  const m = /^\/clips\/([^/]+)\/([^/]+)\/(verify|hold|export)$/.exec(route);
  if (!m || method !== 'POST') return null;
  try {
    return { call: m[3] === 'export' ? 'exportStart' : (m[3] as ClipCall), station: decodeURIComponent(m[1]!), clipId: decodeURIComponent(m[2]!) };
  } catch {
    return null;
  }
}

export interface ClipCallContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  index: HubIndex;
  store: ClipStore;
  audit: AuditLog;
  user: ConsoleUser;
  at: number;
  address: string;
  station?: string;
  clipId?: string;
  exportId?: string;
  /** The hub's exports (absent: this hub makes none, and says so). */
  exports?: HubExports;
  /** TSA certificates of the hub's settings (verify trusts them as a station trusts its own). */
  tsaCerts?: CertInfo[];
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function handleClipCall(call: ClipCall, c: ClipCallContext): Promise<void> {
  // The channels the hub exports for: every station preset, custom with the limits the request gives.
  if (call === 'exportPresets') return sendJson(c.res, 200, { presets: PRESETS.map(presetView) });
  if (call === 'exportStatus' || call === 'exportCancel' || call === 'exportZip') return exportCall(call, c);
  const stationRow = await c.index.getStation(c.station!);
  const clip = stationRow ? await c.index.getClip(stationRow.fingerprint, c.clipId!) : null;
  if (!clip) throw new HubHttpError(404, 'not-found', 'No such clip on this hub.');
  const who = { at: c.at, user: c.user.name, role: c.user.role, station: clip.station, clipId: clip.clipId, sha256: clip.sha256, address: c.address };

  if (call === 'verify') {
    const v = await verifyOnHub(c.index, c.store, clip, { addedCerts: c.tsaCerts ?? [] });
    const bad = v.answer.checks.filter((x) => x.ok === false).map((x) => x.what);
    await c.audit.record({ ...who, action: 'verify', detail: `${v.answer.verdict}${bad.length ? ` (${bad.join(', ')})` : ''}` });
    return sendJson(c.res, 200, v);
  }

  if (call === 'exportStart') {
    if (!c.exports) throw new HubHttpError(503, 'unavailable', 'This hub makes no exports (started without them).');
    let req: ExportStartRequest;
    try {
      const r = ExportStartRequest.safeParse(JSON.parse((await readBody(c.req, HOLD_BODY_LIMIT)).toString('utf8')));
      if (!r.success) throw new Error('shape');
      req = r.data;
    } catch (e) {
      if (e instanceof HubHttpError) throw e;
      throw new HubHttpError(400, 'bad-request', 'export takes {"preset": "shopee|ebay|…", "form": "video"|"stills" (optional)}');
    }
    let started: ConsoleExport;
    try {
      started = await c.exports.start(clip, { preset: req.preset, form: req.form ?? null, custom: req.custom ?? null }, c.user.name);
    } catch (e) {
      throw new HubHttpError(400, 'bad-request', errorMessage(e));
    }
    const limits = req.custom ? ` (${req.custom.maxMB ?? '-'} MB, ${req.custom.maxSeconds ?? '-'} s)` : '';
    await c.audit.record({ ...who, action: 'export', detail: `${req.preset}${limits}${req.form ? ` ${req.form}` : ''} (export ${started.id})` });
    return sendJson(c.res, 202, started);
  }

  let parsed: HoldRequest;
  try {
    const r = HoldRequest.safeParse(JSON.parse((await readBody(c.req, HOLD_BODY_LIMIT)).toString('utf8')));
    if (!r.success) throw new Error('shape');
    parsed = r.data;
  } catch (e) {
    if (e instanceof HubHttpError) throw e;
    throw new HubHttpError(400, 'bad-request', 'hold takes {"held": true|false, "reason": "why (required)"}');
  }
  const out = await setHold(c.index, c.store, clip, { held: parsed.held, reason: parsed.reason, by: c.user.name, at: c.at });
  const lock = typeof out.objectLock === 'string' ? out.objectLock : `failed: ${out.objectLock.failed}`;
  await c.audit.record({ ...who, action: parsed.held ? 'hold' : 'release', detail: `${parsed.reason} (object lock: ${lock})` });
  const answer: ConsoleHoldAnswer = out;
  return sendJson(c.res, 200, answer);
}

async function exportCall(call: 'exportStatus' | 'exportCancel' | 'exportZip', c: ClipCallContext): Promise<void> {
  const id = c.exportId!;
  const view = c.exports ? await c.exports.get(id) : null;
  if (!c.exports || !view) throw new HubHttpError(404, 'not-found', 'No such export on this hub (finished more than 30 days ago, or never started).');
  if (call === 'exportStatus') return sendJson(c.res, 200, view);
  if (call === 'exportCancel') {
    await c.audit.record({
      at: c.at,
      user: c.user.name,
      role: c.user.role,
      action: 'export-cancel',
      station: view.station,
      clipId: view.clipId,
      detail: `export ${id}`,
      address: c.address,
    });
    return sendJson(c.res, 200, await c.exports.cancel(id));
  }
  const zip = await c.exports.zipOf(id);
  if (!zip) throw new HubHttpError(409, 'not-ready', `The export is ${view.state}; its ZIP is there once it is done.`);
  await c.audit.record({
    at: c.at,
    user: c.user.name,
    role: c.user.role,
    action: 'export-download',
    station: view.station,
    clipId: view.clipId,
    detail: zip.name,
    address: c.address,
  });
  const size = zip.bytes;
  c.res.writeHead(200, {
    'content-type': 'application/zip',
    'content-length': String(size),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-disposition': `attachment; filename="${zip.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
  });
  if (c.req.method === 'HEAD') {
    c.res.end();
    return;
  }
  await pipeline(await zip.open(), c.res).catch(() => c.res.destroy());
}
