// A clip's chain segment (X.chain.json, electron/engine/evidence/anchors.ts) and its anchor's token
// (X.anchor.tsr), checked the one way both verify.html and `packwitness verify PACKAGE` check them:
// each entry's hash is the SHA-256 of its body and its signature the station key's; each names the
// one before (prev) and numbers on from it; the first is this clip's signed manifest; the last is an
// anchor whose stamped entry is in the segment, and the TSA's token covers exactly that entry's hash.
// A rewrite that keeps every signature and link still changes that hash, which a third party stamped.
import { ed25519Holds, sha256Hex, type EvidenceCrypto } from './crypto.ts';
import { bytesEqual } from './der.ts';
import { base64Bytes } from './tsaToken.ts';

/** Where the check's sentences go; file names the file a problem is about. */
export interface CheckLines {
  ok(text: string): void;
  fail(text: string, file?: string): void;
  info(text: string): void;
}

/** What the anchor's token says, read by each side's own token check. */
export interface AnchorStamp {
  hashAlg: 'SHA-256' | string;
  /** Hex of the hash the token covers. */
  hashed: string;
  timeMs: number;
  /** The TSA as a person names it. */
  tsa: string;
  /**
   * null when the token verifies; else the rest of the sentence "X: the anchor token T…" saying why
   * nothing vouches for its time (no certificate of its TSA at hand).
   */
  unverifiable: string | null;
}

export interface SegmentCheck {
  crypto: EvidenceCrypto;
  /** The station key (DER SubjectPublicKeyInfo) and its SHA-256 fingerprint. */
  stationKey: Uint8Array;
  fingerprint: string;
  /** Reads the anchor token; throws an Error saying why when it does not verify. */
  stamp(token: Uint8Array): Promise<AnchorStamp>;
}

export interface SegmentClip {
  manifest: string | null;
  chainSegment?: string | null;
  anchorToken?: string | null;
}

interface SegmentEntry {
  seq: number;
  body: string;
  hash: string;
  signature: string;
}
type Body = Record<string, unknown>;

const short = (h: string): string => `${String(h).slice(0, 16)}…`;
/** "YYYY-MM-DD HH:MM:SS UTC", to the second. */
export const stampTime = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

export async function checkSegment(
  clip: SegmentClip,
  what: string,
  files: ReadonlyMap<string, Uint8Array>,
  bad: ReadonlySet<string>,
  c: SegmentCheck,
  out: CheckLines,
): Promise<void> {
  if (clip.chainSegment === undefined) return;
  if (clip.chainSegment === null || !clip.anchorToken) {
    out.info(
      `${what}: no chain anchor covered it when it was exported, so this package carries no chain segment: its place in the station's record is not stamped by a third party yet (not a failure; a later export carries one).`,
    );
    return;
  }
  const segName = clip.chainSegment;
  const tokenName = clip.anchorToken;
  const segBytes = files.get(segName);
  const token = files.get(tokenName);
  if (!segBytes || !token || bad.has(segName) || bad.has(tokenName)) {
    out.info(`${what}: its chain segment is not checked (see the lines above).`);
    return;
  }
  const fail = (t: string): void => out.fail(`${what}: ${t}`, segName);
  let entries: SegmentEntry[];
  try {
    entries = (JSON.parse(new TextDecoder().decode(segBytes)) as { entries: SegmentEntry[] }).entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new Error('no entries');
  } catch {
    fail(`${segName} is not a chain segment that can be read.`);
    return;
  }
  const enc = new TextEncoder();
  let broken = false;
  const bodies: (Body | null)[] = [];
  const hashes: string[] = [];
  for (const [i, e] of entries.entries()) {
    const bail = (t: string): void => {
      broken = true;
      fail(`chain entry ${e.seq} in ${segName}: ${t}`);
    };
    const bytes = enc.encode(String(e.body));
    const h = await sha256Hex(c.crypto, bytes);
    hashes.push(h);
    let b: Body | null = null;
    try {
      const v = JSON.parse(String(e.body)) as unknown;
      b = v && typeof v === 'object' ? (v as Body) : null;
    } catch {
      b = null;
    }
    bodies.push(b);
    if (h !== e.hash) bail('its SHA-256 is not the hash the segment gives it: its body was changed.');
    let sig: Uint8Array | null = null;
    try {
      sig = base64Bytes(String(e.signature));
    } catch {
      sig = null;
    }
    if (!sig || !(await ed25519Holds(c.crypto, c.stationKey, sig, bytes)))
      bail("the station's signature over it does NOT hold (it was changed, or signed with another key than station.pem).");
    if (!b) {
      bail('its body is not JSON.');
      continue;
    }
    if (b.seq !== e.seq) bail(`its signed body says it is entry ${String(b.seq)}.`);
    if (b.key !== c.fingerprint) bail(`it was signed for station key ${String(b.key)}, not the key in station.pem.`);
    if (i > 0) {
      const before = bodies[i - 1];
      if (b.prev !== hashes[i - 1])
        bail(
          `it does not follow chain entry ${entries[i - 1]!.seq} (its "prev" names another entry's hash): an entry was removed, inserted or reordered here.`,
        );
      if (typeof b.seq === 'number' && before && b.seq !== Number(before.seq) + 1)
        bail(`it is numbered ${b.seq} right after entry ${String(before.seq)}: an entry is missing or out of order.`);
    }
  }
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const manifest = clip.manifest ? files.get(clip.manifest) : undefined;
  const manSha = manifest ? await sha256Hex(c.crypto, manifest) : null;
  if (manSha === null || hashes[0] !== manSha || bodies[0]?.kind !== 'clip') {
    broken = true;
    fail(`${segName} does not start at this clip's entry: its first entry (${first.seq}) is not the signed clip manifest ${clip.manifest ?? ''}.`);
  }
  const a = bodies[bodies.length - 1];
  if (!a || a.kind !== 'anchor' || typeof a.head !== 'number' || typeof a.token !== 'string') {
    fail(`${segName} does not end at an anchor entry (its last entry ${last.seq} is no anchor): nothing a third party stamped covers this clip's entry.`);
    return;
  }
  const head = a.head;
  const anchorName = `anchor entry ${last.seq}`;
  const at = entries.findLastIndex((e) => e.seq === head);
  if (at < 0 || head < first.seq) {
    fail(`${anchorName} stamps chain entry ${head}, which is not in the segment from ${first.seq}: it does not cover this clip's entry.`);
    return;
  }
  const stampedHash = hashes[at]!;
  if (a.headHash !== stampedHash) {
    broken = true;
    fail(`${anchorName} names ${short(String(a.headHash))} as the hash of chain entry ${head}, but that entry hashes to ${short(stampedHash)}.`);
  }
  let held: Uint8Array | null = null;
  try {
    held = base64Bytes(a.token);
  } catch {
    held = null;
  }
  if (!held || !bytesEqual(token, held)) {
    out.fail(`${what}: ${tokenName} is not the token ${anchorName} holds: the anchor's token was swapped.`, tokenName);
    return;
  }
  let t: AnchorStamp;
  try {
    t = await c.stamp(token);
  } catch (err) {
    out.fail(`${what}: the anchor token ${tokenName} does NOT verify: ${(err as Error).message}.`, tokenName);
    return;
  }
  const by = `${t.tsa} at ${stampTime(t.timeMs)}`;
  if (t.hashAlg !== 'SHA-256' || t.hashed !== stampedHash) {
    fail(
      `${anchorName}: ${by} stamped ${short(t.hashed)}, not chain entry ${head} as this segment has it (${short(stampedHash)}): the record up to it was changed, reordered or re-signed after that time.`,
    );
    return;
  }
  // Without the TSA's certificate nothing vouches for the anchor's time: said, and not claimed.
  if (t.unverifiable !== null) {
    out.info(`${what}: the anchor token ${tokenName}${t.unverifiable}`);
    return;
  }
  if (broken) return;
  out.ok(
    `${what}: in the station's record by ${stampTime(t.timeMs)} at the latest (anchor of ${t.tsa}): chain entries ${first.seq}–${last.seq} are signed by the station and linked, and ${t.tsa} stamped entry ${head}.`,
  );
}
