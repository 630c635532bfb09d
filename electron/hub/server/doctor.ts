// `packwitness hub doctor`: what a person running the hub must know, with what to do.
// - storage: the index, the clip store (writable? Object Lock enforced?), uploads left half-way;
// - holes: seqs of a station's chain the hub never received, with the time span they cover, and
//   holes the hub was told about (a clip deleted before it was published);
// - refused uploads: what was refused and why (bytes changed on the way, another key, a replay …);
// - per station: the newest anchor (a TSA's token over its chain head) and a flag when anchors
//   stopped while the chain grew (no anchor for more than 2 h of chain activity): a station whose
//   record is no longer stamped by a third party.
import type { HubChainHole, HubLostClip, HubRefusal } from '../index/types.ts';
import type { OpenedHub } from './open.ts';
import { indexLocation } from './open.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export const ANCHOR_STALE_MS = 2 * 3600_000;
const STALE_UPLOAD_MS = 24 * 3600_000;

export interface HubDoctorStation {
  name: string;
  fingerprint: string;
  enrolledAt: string;
  clips: number;
  chainEntries: number;
  newestEntryAt: string | null;
  newestAnchorAt: string | null;
  /** True when the chain grew for more than 2 h after the newest anchor (or without any anchor). */
  anchorsStopped: boolean;
}

export interface HubDoctorReport {
  index: string;
  store: { location: string; writable: boolean; objectLock: string; message: string };
  stats: { stations: number; clips: number; chainEntries: number; refused: number };
  stations: HubDoctorStation[];
  holes: (Omit<HubChainHole, 'detectedAt'> & { stationName: string; detectedAt: number | null })[];
  /** Sealed clips deleted (or discarded) on their station before they reached the hub: they never will. */
  lostClips: (Omit<HubLostClip, 'startedAt' | 'endedAt' | 'sealedAt' | 'goneAt'> & {
    stationName: string;
    startedAt: string | null;
    endedAt: string | null;
    sealedAt: string;
    goneAt: string;
    reason: string;
  })[];
  refused: (HubRefusal & { stationName: string | null })[];
  uploadsUnderWay: { sha256: string; station: string; size: number; startedAt: string; stale: boolean }[];
  problems: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export async function hubDoctor(h: OpenedHub, now = Date.now()): Promise<HubDoctorReport> {
  const probe = await h.store
    .probe()
    .catch((e: unknown) => ({ writable: false, objectLock: 'unknown', message: `the clip store cannot be reached: ${errorMessage(e)}` }));
  const stats = await h.index.stats();
  const stations = await h.index.listStations();
  const nameOf = new Map(stations.map((s) => [s.fingerprint, s.name]));
  const rows: HubDoctorStation[] = [];
  const holes: HubDoctorReport['holes'] = [];
  for (const s of stations) {
    const sum = await h.index.chainSummary(s.fingerprint);
    const first = sum.entries > 0 ? ((await h.index.listChain(s.fingerprint, { limit: 1 }))[0]?.at ?? null) : null;
    const since = sum.anchorAt ?? first;
    const anchorsStopped = sum.newestAt !== null && since !== null && sum.newestAt - since > ANCHOR_STALE_MS;
    const clips = (await h.index.findClips({ station: s.fingerprint, limit: 1000 })).length;
    rows.push({
      name: s.name,
      fingerprint: s.fingerprint,
      enrolledAt: new Date(s.enrolledAt).toISOString(),
      clips,
      chainEntries: sum.entries,
      newestEntryAt: iso(sum.newestAt),
      newestAnchorAt: iso(sum.anchorAt),
      anchorsStopped,
    });
    for (const g of await h.index.findChainGaps(s.fingerprint))
      holes.push({ ...g, stationName: s.name, reason: 'never published to the hub', detectedAt: null });
  }
  for (const hole of await h.index.listHoles()) holes.push({ ...hole, stationName: nameOf.get(hole.station) ?? hole.station });
  const lostClips = (await h.index.findLostClips()).map((l) => ({
    ...l,
    stationName: nameOf.get(l.station) ?? l.station,
    startedAt: iso(l.startedAt),
    endedAt: iso(l.endedAt),
    sealedAt: new Date(l.sealedAt).toISOString(),
    goneAt: new Date(l.goneAt).toISOString(),
    reason: lostClipReason(l),
  }));
  const refused = (await h.index.listRefusals({ limit: 50 })).map((r) => ({ ...r, stationName: r.station ? (nameOf.get(r.station) ?? null) : null }));
  const uploadsUnderWay = (await h.index.listUploads()).map((u) => ({
    sha256: u.sha256,
    station: nameOf.get(u.station) ?? u.station,
    size: u.size,
    startedAt: new Date(u.startedAt).toISOString(),
    stale: now - u.startedAt > STALE_UPLOAD_MS,
  }));
  const problems =
    (probe.writable ? 0 : 1) +
    holes.length +
    lostClips.length +
    refused.length +
    rows.filter((r) => r.anchorsStopped).length +
    uploadsUnderWay.filter((u) => u.stale).length;
  return {
    index: indexLocation(h.dataDir, h.settings),
    store: { location: h.store.location, writable: probe.writable, objectLock: probe.objectLock, message: probe.message },
    stats: { stations: stats.stations, clips: stats.clips, chainEntries: stats.chainEntries, refused: stats.refused },
    stations: rows,
    holes,
    lostClips,
    refused,
    uploadsUnderWay,
    problems,
  };
}

export function printHubDoctor(r: HubDoctorReport): void {
  const out = (s: string): void => console.log(s);
  out(`Index: ${r.index} (${r.stats.stations} stations, ${r.stats.clips} clips, ${r.stats.chainEntries} chain entries)`);
  out(`Clip store: ${r.store.location}: ${r.store.writable ? 'writable' : 'NOT WRITABLE: check the folder or the S3 server and its keys'}`);
  out(`Object Lock: ${r.store.message}`);
  out('');
  out(r.stations.length === 0 ? 'No station is enrolled yet: make a code with `packwitness hub enroll-code`.' : 'Stations:');
  for (const s of r.stations) {
    const anchor = s.newestAnchorAt ? `newest anchor ${s.newestAnchorAt}` : 'no anchor yet';
    out(`  ${s.name} (${s.fingerprint.slice(0, 16)}…): ${s.clips} clips, ${s.chainEntries} chain entries, newest ${s.newestEntryAt ?? '-'}, ${anchor}`);
    if (s.anchorsStopped)
      out(
        `    ANCHORS STOPPED: the chain grew for more than 2 h without a trusted-time anchor; check the station's timestamp authority (packwitness doctor on the station).`,
      );
  }
  out('');
  if (r.holes.length === 0) out('Holes: none.');
  else {
    out("Holes in stations' chains (entries the hub does not hold):");
    for (const h of r.holes) {
      const span = `${h.fromTime !== null ? new Date(h.fromTime).toISOString() : 'the start'} … ${h.toTime !== null ? new Date(h.toTime).toISOString() : 'now'}`;
      out(`  ${h.stationName}: entries ${h.fromSeq}${h.toSeq !== h.fromSeq ? `–${h.toSeq}` : ''}, between ${span}: ${h.reason}`);
    }
  }
  if (r.lostClips.length > 0) {
    out('Clips that will never reach the hub (deleted on their station before they were published):');
    for (const l of r.lostClips) out(`  ${l.stationName}: ${lostClipLine(l)}`);
  }
  if (r.refused.length === 0) out('Refused uploads: none.');
  else {
    out('Refused uploads (kept out of the index; the station keeps its copy):');
    for (const f of r.refused) out(`  ${new Date(f.at).toISOString()} ${f.stationName ?? f.station ?? 'unknown station'}: ${f.reason}: ${f.detail}`);
  }
  const stale = r.uploadsUnderWay.filter((u) => u.stale);
  if (r.uploadsUnderWay.length > 0)
    out(`Uploads under way: ${r.uploadsUnderWay.length}${stale.length ? ` (${stale.length} older than a day: their station has not come back)` : ''}.`);
  out('');
  out(r.problems === 0 ? 'All good.' : `${r.problems} thing(s) to look at (above).`);
}

/** Why a lost clip will never arrive, in the station's own words (its chain entry). */
export function lostClipReason(l: Pick<HubLostClip, 'kind' | 'who' | 'why' | 'goneSeq' | 'goneAt'>): string {
  const what = l.kind === 'discarded' ? 'discarded' : 'deleted';
  return `${what} on the station before it reached the hub${l.why ? `: ${l.why}` : ''}${l.who ? ` (by ${l.who}` : ' ('}${l.who ? ', ' : ''}chain entry ${l.goneSeq}, ${new Date(l.goneAt).toISOString()})`;
}

/** One line for a lost clip: which clip, the time span it covered, and why it never arrives. */
export function lostClipLine(l: { clipId: string; order: string | null; startedAt: string | null; endedAt: string | null; reason: string }): string {
  const span = l.startedAt ? `, recorded ${l.startedAt} … ${l.endedAt ?? '?'}` : '';
  return `clip ${l.clipId}${l.order ? ` of order ${l.order}` : ''}${span}: ${l.reason}`;
}
