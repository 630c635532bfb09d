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
import { HoldRequest, type ConsoleCall, type ConsoleHoldAnswer } from '../../../shared/consoleWire.ts';

export type ClipCall = Extract<ConsoleCall, 'verify' | 'hold'>;

const HOLD_BODY_LIMIT = 8 << 10;

/** `/clips/:station/:clipId/verify|hold` (POST) → the call and the clip; null for any other route. */
export function clipCallRoute(method: string, route: string): { call: ClipCall; station: string; clipId: string } | null {
  const m = /^\/clips\/([^/]+)\/([^/]+)\/(verify|hold)$/.exec(route);
  if (!m || method !== 'POST') return null;
  try {
    return { call: m[3] as ClipCall, station: decodeURIComponent(m[1]!), clipId: decodeURIComponent(m[2]!) };
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
  station: string;
  clipId: string;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function handleClipCall(call: ClipCall, c: ClipCallContext): Promise<void> {
  const stationRow = await c.index.getStation(c.station);
  const clip = stationRow ? await c.index.getClip(stationRow.fingerprint, c.clipId) : null;
  if (!clip) throw new HubHttpError(404, 'not-found', 'No such clip on this hub.');
  const who = { at: c.at, user: c.user.name, role: c.user.role, station: clip.station, clipId: clip.clipId, sha256: clip.sha256, address: c.address };

  if (call === 'verify') {
    const v = await verifyOnHub(c.index, c.store, clip);
    const bad = v.answer.checks.filter((x) => x.ok === false).map((x) => x.what);
    await c.audit.record({ ...who, action: 'verify', detail: `${v.answer.verdict}${bad.length ? ` (${bad.join(', ')})` : ''}` });
    return sendJson(c.res, 200, v);
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
