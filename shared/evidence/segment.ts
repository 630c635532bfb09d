// A clip's chain segment (X.chain.json, electron/engine/evidence/anchors.ts) and its anchor's token
// (X.anchor.tsr), checked the one way both verify.html and `packwitness verify PACKAGE` check them:
// each entry's hash is the SHA-256 of its body and its signature the station key's; each names the
// one before (prev) and numbers on from it; the first is this clip's signed manifest; the last is an
// anchor whose stamped entry is in the segment, and the TSA's token covers exactly that entry's hash.
// A rewrite that keeps every signature and link still changes that hash, which a third party stamped.
import { ed25519Holds, sha256Hex, type EvidenceCrypto } from './crypto.ts';
import { bytesEqual } from './der.ts';
import { pkgWord, type PackageParam, type PackageWord } from './packageWords.ts';
import { base64Bytes, TokenError } from './tsaToken.ts';

/** Where the check's lines go, as codes each side words (shared/evidence/packageWords.ts); file names the file a problem is about. */
export interface CheckLines {
  ok(line: PackageWord): void;
  fail(line: PackageWord, file?: string): void;
  info(line: PackageWord): void;
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
  unverifiable: PackageParam | null;
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
  what: PackageParam,
  files: ReadonlyMap<string, Uint8Array>,
  bad: ReadonlySet<string>,
  c: SegmentCheck,
  out: CheckLines,
): Promise<void> {
  if (clip.chainSegment === undefined) return;
  if (clip.chainSegment === null || !clip.anchorToken) {
    out.info(pkgWord('pkg-seg-none', { what }));
    return;
  }
  const segName = clip.chainSegment;
  const tokenName = clip.anchorToken;
  const segBytes = files.get(segName);
  const token = files.get(tokenName);
  if (!segBytes || !token || bad.has(segName) || bad.has(tokenName)) {
    out.info(pkgWord('pkg-seg-unchecked', { what }));
    return;
  }
  const fail = (t: PackageWord): void => out.fail(t, segName);
  let entries: SegmentEntry[];
  try {
    entries = (JSON.parse(new TextDecoder().decode(segBytes)) as { entries: SegmentEntry[] }).entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new Error('no entries');
  } catch {
    fail(pkgWord('pkg-seg-unreadable', { what, file: segName }));
    return;
  }
  const enc = new TextEncoder();
  let broken = false;
  const bodies: (Body | null)[] = [];
  const hashes: string[] = [];
  for (const [i, e] of entries.entries()) {
    const bail = (problem: PackageWord): void => {
      broken = true;
      fail(pkgWord('pkg-seg-entry', { what, seq: String(e.seq), file: segName, problem }));
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
    if (h !== e.hash) bail(pkgWord('pkg-seg-entry-hash'));
    let sig: Uint8Array | null = null;
    try {
      sig = base64Bytes(String(e.signature));
    } catch {
      sig = null;
    }
    if (!sig || !(await ed25519Holds(c.crypto, c.stationKey, sig, bytes))) bail(pkgWord('pkg-seg-entry-signature'));
    if (!b) {
      bail(pkgWord('pkg-seg-entry-not-json'));
      continue;
    }
    if (b.seq !== e.seq) bail(pkgWord('pkg-seg-entry-seq', { seq: String(b.seq) }));
    if (b.key !== c.fingerprint) bail(pkgWord('pkg-seg-entry-key', { key: String(b.key) }));
    if (i > 0) {
      const before = bodies[i - 1];
      if (b.prev !== hashes[i - 1]) bail(pkgWord('pkg-seg-entry-prev', { prev: String(entries[i - 1]!.seq) }));
      if (typeof b.seq === 'number' && before && b.seq !== Number(before.seq) + 1)
        bail(pkgWord('pkg-seg-entry-number', { seq: b.seq, before: String(before.seq) }));
    }
  }
  const first = entries[0]!;
  const last = entries[entries.length - 1]!;
  const manifest = clip.manifest ? files.get(clip.manifest) : undefined;
  const manSha = manifest ? await sha256Hex(c.crypto, manifest) : null;
  if (manSha === null || hashes[0] !== manSha || bodies[0]?.kind !== 'clip') {
    broken = true;
    fail(pkgWord('pkg-seg-start', { what, file: segName, seq: String(first.seq), manifest: clip.manifest ?? '' }));
  }
  const a = bodies[bodies.length - 1];
  if (!a || a.kind !== 'anchor' || typeof a.head !== 'number' || typeof a.token !== 'string') {
    fail(pkgWord('pkg-seg-no-anchor', { what, file: segName, seq: String(last.seq) }));
    return;
  }
  const head = a.head;
  const anchor = String(last.seq);
  const at = entries.findLastIndex((e) => e.seq === head);
  if (at < 0 || head < first.seq) {
    fail(pkgWord('pkg-seg-anchor-outside', { what, anchor, head, first: String(first.seq) }));
    return;
  }
  const stampedHash = hashes[at]!;
  if (a.headHash !== stampedHash) {
    broken = true;
    fail(pkgWord('pkg-seg-anchor-hash', { what, anchor, named: short(String(a.headHash)), head, hash: short(stampedHash) }));
  }
  let held: Uint8Array | null = null;
  try {
    held = base64Bytes(a.token);
  } catch {
    held = null;
  }
  if (!held || !bytesEqual(token, held)) {
    out.fail(pkgWord('pkg-seg-token-swapped', { what, token: tokenName, anchor }), tokenName);
    return;
  }
  let t: AnchorStamp;
  try {
    t = await c.stamp(token);
  } catch (err) {
    out.fail(pkgWord('pkg-seg-token-invalid', { what, token: tokenName, error: err instanceof TokenError ? err.word : (err as Error).message }), tokenName);
    return;
  }
  if (t.hashAlg !== 'SHA-256' || t.hashed !== stampedHash) {
    fail(pkgWord('pkg-seg-stamped-other', { what, anchor, tsa: t.tsa, time: stampTime(t.timeMs), stamped: short(t.hashed), head, hash: short(stampedHash) }));
    return;
  }
  // Without the TSA's certificate nothing vouches for the anchor's time: said, and not claimed.
  if (t.unverifiable !== null) {
    out.info(pkgWord('pkg-seg-token-unverifiable', { what, token: tokenName, rest: t.unverifiable }));
    return;
  }
  if (broken) return;
  out.ok(pkgWord('pkg-seg-ok', { what, time: stampTime(t.timeMs), tsa: t.tsa, first: String(first.seq), last: String(last.seq), head }));
}
