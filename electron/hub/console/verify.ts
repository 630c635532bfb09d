// Verify on demand, on the hub: the clip's bytes as the store holds them now (hashed while they
// stream, never trusted from the index), its manifest and signature against the station's enrolled
// key, its chain entry and the neighbours the hub holds, its RFC 3161 token. The answer is a
// station's VerifyAnswer (the same verdict lines, as message codes the console words in its
// language) plus the holes in that station's chain near the clip, and, as a station says it, the
// anchor that covers the clip's entry in the chain the hub holds.
//
// The checks are the engine's (chain.ts checkEntryAlone, keys.ts verifyBytes, tsa.ts, checks.ts
// wording); only where the data comes from differs: the hub's index and store, not a station's db.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { checkEntryAlone, GENESIS_PREV, parseBody, type ChainRow } from '../../engine/evidence/chain.ts';
import { anchorFindings, anchorMessage } from '../../engine/evidence/anchors.ts';
import { LABELS, otherHashText, trustedTimeMessage, unverifiableText, chainText, when, findingsText, findingsWords } from '../../engine/evidence/checks.ts';
import { verifyBytes } from '../../engine/evidence/keys.ts';
import { parseTimestampResponse, shortTsaName } from '../../engine/evidence/tsa.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { formatMessage, msg, type Message } from '../../../shared/messages.ts';
import type { VerifyAnswer, VerifyCheck } from '../../../shared/contract/evidence.ts';
import type { ConsoleHole, ConsoleVerifyAnswer } from '../../../shared/consoleWire.ts';
import type { HubChainEntry, HubClip, HubIndex } from '../index/types.ts';
import { objectKey, type ClipStore } from '../store/types.ts';
import type { CertInfo } from '../../engine/evidence/tsaTrust.ts';
import { certsFromFile } from '../../engine/evidence/tsaTrust.ts';
import { continuityCheck } from '../../engine/evidence/continuityCheck.ts';
import { readFrameCounters, type CounterReport } from '../../engine/frameCounters.ts';
import { dialectOf } from '../auth/accounts.ts';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Holes this many seqs around the clip's entry are shown with it. */
const HOLE_REACH_SEQS = 200;

function said(what: VerifyCheck['what'], ok: boolean | null, m: Message): VerifyCheck {
  return { what, ok, text: formatMessage(m), message: m };
}

function failed(what: VerifyCheck['what'], text: string): VerifyCheck {
  return { what, ok: false, text };
}

function asRow(e: HubChainEntry): ChainRow {
  return { seq: e.seq, kind: e.kind, clip_id: e.clipId, at: e.at, body: e.body, prev_hash: e.prev, entry_hash: e.hash, signature: e.signature };
}

/** SHA-256 and size of the stored object, read through once; null when the store has no such object. */
async function hashStored(store: ClipStore, sha256: string): Promise<{ sha256: string; size: number } | null> {
  const stat = await store.stat(sha256, 'clip');
  if (!stat) return null;
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.stream(sha256, 'clip')) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

async function sidecar(store: ClipStore, sha256: string, kind: 'manifest' | 'sig' | 'tsr'): Promise<Buffer | null> {
  return (await store.stat(sha256, kind)) ? store.read(sha256, kind) : null;
}

/** The hub's copy of the station's chain around `seq`: the entry and its two neighbours. */
async function entriesAround(index: HubIndex, station: string, seq: number): Promise<Map<number, ChainRow>> {
  const rows = await index.listChain(station, { fromSeq: Math.max(1, seq - 1), limit: 3 });
  return new Map(rows.map((e) => [e.seq, asRow(e)]));
}

function tokenLine(
  tsr: Buffer | null,
  sha256: string,
  addedCerts: CertInfo[],
): { check: VerifyCheck; ok: boolean | null; time: number | null; tsa: string | null } {
  if (!tsr) {
    const m = msg('hub-verify-timestamp-none');
    return { check: said('timestamp', null, m), ok: null, time: null, tsa: null };
  }
  try {
    const info = parseTimestampResponse(tsr, { addedCerts });
    const base = { time: info.time, tsa: shortTsaName(info.name) };
    const bad = (text: string) => ({ ...base, ok: false, check: failed('timestamp', `${LABELS['token-mismatch']}: ${text}`) });
    if (info.hashAlgorithm !== 'sha256') return bad(otherHashText(info));
    if (info.hashedMessage !== sha256) return bad('The timestamp token covers a different file than this clip.');
    if (info.trust.status === 'invalid') return bad(`The timestamp token does not hold: ${info.trust.reason}.`);
    if (info.trust.status === 'unverifiable') {
      const m = msg('verify-timestamp-unverifiable', { tsa: shortTsaName(info.name), time: when(info.time) });
      return { ...base, ok: null, check: { what: 'timestamp', ok: null, text: unverifiableText(info), message: m } };
    }
    const m = trustedTimeMessage(info);
    // The time, then where the TSA's chain ends, said once: the same words as a station's check.
    const text = `Trusted time: ${shortTsaName(info.name)} attests the file existed at ${when(info.time)}. ${chainText(info)}`.trim();
    return {
      ...base,
      ok: true,
      check: { what: 'timestamp', ok: true, text, message: m },
    };
  } catch (err) {
    return {
      ok: false,
      time: null,
      tsa: null,
      check: failed('timestamp', `${LABELS['token-mismatch']}: the timestamp token cannot be read (${errorMessage(err)}).`),
    };
  }
}

/** Entries read at a time while looking for the anchor that covers a clip. */
const ANCHOR_PAGE = 500;

/**
 * The anchor line of a station's verify, from the chain the hub holds: the first anchor entry whose
 * stamped head is at or after the clip's entry (a station's anchorCovering), checked as a station
 * checks it (its token stamps the hash the hub holds for that head) and its own signature. None yet:
 * no line, as on a station. The search stops at the station's newest anchor.
 */
async function anchorLine(index: HubIndex, station: string, seq: number, key: KeyObject, addedCerts: CertInfo[]): Promise<VerifyCheck | null> {
  const newest = (await index.chainSummary(station)).anchorSeq;
  if (newest === null || newest <= seq) return null;
  const held = new Map<number, ChainRow>();
  for (let from = seq; from <= newest;) {
    const page = await index.listChain(station, { fromSeq: from, limit: ANCHOR_PAGE });
    if (!page.length) return null;
    for (const e of page) {
      const row = asRow(e);
      held.set(row.seq, row);
      const b = row.kind === 'anchor' ? parseBody(row) : null;
      if (!b || typeof b.head !== 'number' || b.head < seq) continue;
      const chain = { get: async (s: number) => held.get(s), byHash: async (h: string) => [...held.values()].find((r) => r.entry_hash === h) };
      const findings = await anchorFindings(chain, row, { addedCerts });
      const alone = checkEntryAlone(row, key);
      const own =
        alone.hashOk && alone.seqOk && alone.signatureOk
          ? []
          : [`${LABELS['bad-signature']}: anchor entry ${row.seq}: the station's signature does not match its content.`];
      if (findings.length || own.length) {
        const words = own.length ? undefined : findingsWords(findings);
        return { what: 'chain', ok: false, text: [findingsText(findings), ...own].filter(Boolean).join(' '), ...(words ? { findings: words } : {}) };
      }
      if (typeof b.tsaTime !== 'number') return null;
      return said('chain', true, anchorMessage({ seq: row.seq, head: b.head, tsa: String(b.tsa ?? 'a TSA'), tsaTime: b.tsaTime }));
    }
    from = page.at(-1)!.seq + 1;
  }
  return null;
}

/** Holes recorded for the station (and gaps computed from the chain) within reach of `seq`. */
async function holesNear(index: HubIndex, station: string, seq: number | null): Promise<ConsoleHole[]> {
  const recorded = await index.listHoles(station);
  const gaps = await index.findChainGaps(station);
  const byKey = new Map<string, ConsoleHole>();
  for (const g of gaps) byKey.set(`${g.fromSeq}-${g.toSeq}`, { fromSeq: g.fromSeq, toSeq: g.toSeq, fromTime: g.fromTime, toTime: g.toTime, reason: null });
  for (const h of recorded)
    byKey.set(`${h.fromSeq}-${h.toSeq}`, { fromSeq: h.fromSeq, toSeq: h.toSeq, fromTime: h.fromTime, toTime: h.toTime, reason: h.reason });
  const near = (h: ConsoleHole): boolean => seq === null || (h.toSeq >= seq - HOLE_REACH_SEQS && h.fromSeq <= seq + HOLE_REACH_SEQS);
  return [...byKey.values()].filter(near).sort((a, b) => a.fromSeq - b.fromSeq);
}

export interface HubVerifyOptions {
  /** TSA certificates of the hub's settings (`tsaCerts`): they check tokens that carry none, as a station's do. */
  addedCerts?: CertInfo[];
  /** Read the frame counters back from the stored file (at nice 10, one thread), as a station's Check-a-clip does. */
  readFrames?: boolean;
}

export async function verifyOnHub(index: HubIndex, store: ClipStore, clip: HubClip, opts: HubVerifyOptions = {}): Promise<ConsoleVerifyAnswer> {
  const addedCerts = opts.addedCerts ?? [];
  const sha = clip.sha256;
  const station = await index.getStation(clip.station);
  const stationName = clip.stationName ?? station?.name ?? clip.station;
  const checks: VerifyCheck[] = [];

  // The bytes, as the store holds them now.
  const stored = await hashStored(store, sha);
  if (!stored) {
    checks.push(failed('file', `${LABELS['missing-file']}: the hub's clip store has no object for this clip (SHA-256 ${sha}).`));
  } else if (stored.sha256 !== sha) {
    checks.push(
      said(
        'file',
        false,
        stored.size < clip.sizeBytes
          ? msg('verify-file-cut', { sha: stored.sha256, sealed: sha, size: stored.size, sealedSize: clip.sizeBytes })
          : msg('verify-file-modified', { sha: stored.sha256, sealed: sha }),
      ),
    );
  } else {
    checks.push(said('file', true, msg('verify-file-ok', { sha })));
  }

  // The signed manifest: it is the clip's chain entry body (chain.ts), signed by the enrolled key.
  let key: KeyObject | null = null;
  try {
    key = station ? createPublicKey(station.publicKeyPem) : null;
  } catch {
    key = null;
  }
  const manifest = await sidecar(store, sha, 'manifest');
  const signature = await sidecar(store, sha, 'sig');
  const body = manifest ? parseBody({ body: manifest.toString('utf8') }) : null;
  const seq = body && typeof body.seq === 'number' ? body.seq : null;
  if (!key || !station) {
    checks.push(failed('signature', `${LABELS['wrong-key']}: the station of this clip is not enrolled on this hub any more; its key is unknown.`));
  } else if (!manifest || !signature) {
    checks.push(failed('signature', `${LABELS['missing-sidecar']}: the hub's store has no ${manifest ? 'signature' : 'manifest'} for this clip.`));
  } else if (!verifyBytes(key, manifest, signature)) {
    checks.push(failed('signature', `${LABELS['bad-signature']}: the manifest's signature does not hold for the station's enrolled key.`));
  } else if (!body || body.sha256 !== sha || body.clipId !== clip.clipId || body.key !== station.fingerprint) {
    checks.push(failed('signature', `${LABELS['modified-manifest']}: the signed manifest names other bytes, another clip or another key.`));
  } else {
    checks.push(said('signature', true, msg('verify-signature-ok', { fingerprint: station.fingerprint.slice(0, 16) })));
  }

  // The chain: the entry the hub holds under the manifest's seq is this manifest, and it links.
  if (seq !== null && key && manifest) {
    const rows = await entriesAround(index, clip.station, seq);
    const entry = rows.get(seq);
    const problems: string[] = [];
    if (!entry) problems.push(`${LABELS['missing-entry']}: the hub does not hold chain entry ${seq} of this station.`);
    else {
      const alone = checkEntryAlone(entry, key);
      if (entry.body !== manifest.toString('utf8')) problems.push(`${LABELS['broken-link']}: chain entry ${seq} the hub holds is another manifest.`);
      if (!alone.hashOk || !alone.seqOk) problems.push(`${LABELS['broken-link']}: chain entry ${seq} was altered after it was written.`);
      if (!alone.signatureOk) problems.push(`${LABELS['bad-signature']}: chain entry ${seq}: the station's signature does not match its content.`);
      const prev = rows.get(seq - 1);
      if (seq === 1 && entry.prev_hash !== GENESIS_PREV) problems.push(`${LABELS['broken-link']}: chain entry 1 points to an earlier entry.`);
      if (prev && prev.entry_hash !== entry.prev_hash) problems.push(`${LABELS['broken-link']}: chain entry ${seq} does not link to entry ${seq - 1}.`);
      const next = rows.get(seq + 1);
      if (next && next.prev_hash !== entry.entry_hash) problems.push(`${LABELS['broken-link']}: chain entry ${seq + 1} does not link back to entry ${seq}.`);
    }
    checks.push(problems.length ? failed('chain', problems.join(' ')) : said('chain', true, msg('verify-chain-ok', { seq })));
  } else if (key && manifest) {
    checks.push(failed('chain', `${LABELS['modified-manifest']}: the stored manifest names no chain position.`));
  }

  const token = tokenLine(await sidecar(store, sha, 'tsr'), sha, addedCerts);
  checks.push(token.check);
  const anchor = seq !== null && key ? await anchorLine(index, clip.station, seq, key, addedCerts) : null;
  if (anchor) checks.push(anchor);
  // The frames: the station's signed continuity entry, and the counters read again from the stored bytes.
  if (stored && stored.sha256 === sha) {
    const frames = await continuityLine(index, store, clip, key, opts.readFrames ?? true);
    if (frames) checks.push(frames);
  }

  const holes = await holesNear(index, clip.station, seq);
  const startedAt = when(clip.startedAt);
  const params = { order: clip.order, station: stationName, time: startedAt };
  const bad = checks.filter((c) => c.ok === false);
  const headlineMessage: Message = bad.length
    ? msg('verify-problem', params)
    : token.ok
      ? msg('verify-intact-stamped', { ...params, tsaTime: when(token.time), tsa: token.tsa ?? '' })
      : msg('verify-intact', params);
  const answer: VerifyAnswer = {
    verdict: bad.length ? 'problem' : 'intact',
    headline: `${bad.length ? 'PROBLEM' : 'INTACT'}: ${formatMessage(headlineMessage)}`,
    headlineMessage,
    notes: clip.operator ? [msg('verify-recorded-by', { operator: clip.operator })] : [],
    sha256: sha,
    clip: {
      id: clip.clipId,
      order: clip.order,
      station: stationName,
      operator: clip.operator,
      mode: clip.mode,
      startedAt: new Date(clip.startedAt).toISOString(),
      endedAt: new Date(clip.endedAt).toISOString(),
      durationMs: clip.durationMs,
      status: clip.status,
      stopReason: clip.stopReason,
      seq,
    },
    checks,
  };
  return { answer, holes, storedSha256: stored?.sha256 ?? null };
}

/**
 * The TSA certificates named in the hub's settings (`tsaCerts`: a PEM or DER file, or a folder of
 * them), as a station keeps its own in Settings → TSA certificates. A file that holds none is said.
 */
export function hubTsaCerts(where: string | null | undefined, log: (line: string) => void = () => {}): CertInfo[] {
  if (!where) return [];
  const out: CertInfo[] = [];
  let files: string[];
  try {
    files = fs.statSync(where).isDirectory() ? fs.readdirSync(where).map((n) => path.join(where, n)) : [where];
  } catch (e) {
    log(`TSA certificates: ${where} cannot be read (${errorMessage(e)})`);
    return [];
  }
  for (const f of files) {
    try {
      if (!fs.statSync(f).isFile()) continue;
      const certs = certsFromFile(fs.readFileSync(f));
      if (!certs.length) log(`TSA certificates: no X.509 certificate in ${f}`);
      out.push(...certs);
    } catch (e) {
      log(`TSA certificates: ${f} cannot be read (${errorMessage(e)})`);
    }
  }
  return out;
}

/** The clip's newest 'continuity' entry in the chain the hub holds, when its station signed it. */
async function continuityEntry(index: HubIndex, clip: HubClip, key: KeyObject | null): Promise<ChainRow | undefined> {
  const rows = await dialectOf(index).all(`SELECT seq FROM hub_chain WHERE station = ? AND clip_id = ? AND kind = 'continuity' ORDER BY seq DESC LIMIT 1`, [
    clip.station,
    clip.clipId,
  ]);
  if (!rows[0]) return undefined;
  const entry = (await index.listChain(clip.station, { fromSeq: Number(rows[0].seq), limit: 1 }))[0];
  if (!entry || !key) return undefined;
  const row = asRow(entry);
  const alone = checkEntryAlone(row, key);
  return alone.hashOk && alone.seqOk && alone.signatureOk ? row : undefined;
}

/** The counters read back from the stored clip: in place on a folder store, else from a copy made for it. */
async function readBack(store: ClipStore, sha256: string): Promise<CounterReport | null> {
  if (store.kind === 'folder') {
    const inPlace = path.join(store.location, objectKey(sha256, 'clip'));
    if (fs.existsSync(inPlace)) return readFrameCounters(inPlace, { background: true }).catch(() => null);
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pw-hub-frames-'));
  try {
    const file = path.join(dir, 'clip.mp4');
    await pipeline(await store.stream(sha256, 'clip'), fs.createWriteStream(file));
    return await readFrameCounters(file, { background: true }).catch(() => null);
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** The continuity line of a station's verify, from the hub's chain and store (continuityCheck.ts words it). */
async function continuityLine(index: HubIndex, store: ClipStore, clip: HubClip, key: KeyObject | null, readFrames: boolean): Promise<VerifyCheck | null> {
  const entry = await continuityEntry(index, clip, key);
  const frames = readFrames ? await readBack(store, clip.sha256).catch(() => null) : null;
  // Neither a record nor a file that decodes as video: nothing to say about frames (no line).
  if (!entry && !frames) return null;
  return continuityCheck(entry, frames);
}
