// verify.html: a self-contained page put into every evidence package. A reviewer opens it in any
// current browser, offline, gives it the package (the ZIP or the files of the folder), and it checks
// with WebCrypto alone:
//   1. export-manifest.json carries a valid Ed25519 signature by the station key in the package
//      (station.pem, export-manifest.json.sig), before anything it says is believed; with
//      export-manifest.tsr, the export's own trusted time;
//   2. every file it lists is there with the signed SHA-256 and size (one changed byte fails); a
//      file it does not list is named foreign, a listed one not given is named missing;
//   3. each original clip's manifest carries a valid signature by the same key, names the same
//      clip hash, and names that key's fingerprint; an "Original" export is the signed clip itself;
//      what it records about the label in the picture is shown (seen, when; another tracking number);
//   4. each derived file (part, still, sheet) is described: clip, method, span of the original;
//   5. the original clip's RFC 3161 timestamp (X.tsr), when there is one, covers the hash the signed
//      manifest names and carries a valid TSA signature, by a timestamping certificate valid at that
//      time whose chain, as far as the token carries it, holds (shared/evidence/tsaToken.ts); whether
//      the chain's anchor is trusted is left to the reviewer (its fingerprint is shown) and
//      `openssl ts -verify -CAfile`;
//   6. the clip's chain segment up to a TSA-stamped anchor (shared/evidence/segment.ts, the check
//      `packwitness verify PACKAGE` runs too).
// No network, no PackWitness. Bundled with its shared modules into one HTML file with the script
// inline (electron/engine/export/verifyHtml.ts); typechecked with the web side (tsconfig.web.json).
import { ed25519Holds, sha256Hex } from '../../shared/evidence/crypto.ts';
import { namePart } from '../../shared/evidence/der.ts';
import { labelVerdict } from '../../shared/evidence/labelVerdict.ts';
import {
  clipWord,
  editsWord,
  exportModeWord,
  fileWords,
  packageLangOf,
  pkgWord,
  wordPackage,
  type PackageCode,
  type PackageLang,
  type PackageParam,
  type PackageParams,
  type PackageWord,
  type FileEntry,
} from '../../shared/evidence/packageWords.ts';
import { checkSegment, stampTime, type SegmentCheck } from '../../shared/evidence/segment.ts';
import {
  base64Bytes,
  checkTimestampToken,
  genTimeMs,
  givenCertDers,
  isCertName,
  TokenError,
  UnverifiableToken,
  type TokenFacts,
} from '../../shared/evidence/tsaToken.ts';
import { LATE_STAMP_MS } from '../../shared/stampDelay.ts';
import { unzip } from './unzip.ts';
import { webCrypto } from './webCrypto.ts';

/** What the page reads of export-manifest.json (electron/engine/export/package.ts ExportManifest). */
interface PageManifest {
  format?: string;
  order: string;
  createdAt: string;
  station: string;
  stationKeyFingerprint?: string | null;
  preset: { name: string };
  mode?: string;
  edits?: string[];
  clips: PageClip[];
  files: Record<string, PageFile>;
}
interface PageClip {
  clipId: string;
  order: string;
  mode: string;
  endedAt: string;
  originalSha256: string;
  manifest: string | null;
  signature: string | null;
  timestamp: string | null;
  continuity?: string | null;
  continuitySignature?: string | null;
  chainSegment?: string | null;
  anchorToken?: string | null;
}
interface PageFile extends FileEntry {
  sha256: string;
  bytes: number;
  from: { clipId: string; sha256: string; order?: string; mode?: string } | null;
}
type Files = Map<string, Uint8Array>;
type Kind = 'ok' | 'fail' | 'info' | 'warn';

const wc = webCrypto();
const logEl = document.getElementById('log')!;
const resultEl = document.getElementById('result')!;

/** A check the page no longer shows (the language was switched, or other files given): it stops at its next line. */
class StaleCheck extends Error {}
/** Which check may write: each new one counts up, so a stale one finds it is not current and stops. */
let current = 0;
let writing = 0;

function line(kind: Kind, text: string): void {
  if (writing !== current) throw new StaleCheck();
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  logEl.appendChild(li);
}
// The page's language: the browser's (zh* reads Chinese), switched with the button at the top; every
// line is a code (shared/evidence/packageWords.ts) worded in it. A reason a token or key check gives
// (an Error's message) stays in its English inside the line.
let lang: PackageLang = packageLangOf(navigator.languages?.length ? navigator.languages : [navigator.language]);
const say = (code: PackageCode, params: PackageParams = {}): string => wordPackage(code, params, lang);
const sayWord = (w: PackageWord): string => wordPackage(w.code, w.params, lang);
const ok = (t: string): void => line('ok', t);
const fail = (t: string): void => line('fail', t);
const info = (t: string): void => line('info', t);
const short = (h: string): string => `${String(h).slice(0, 16)}…`;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const pemToDer = (pem: string): Uint8Array => base64Bytes(pem.replace(/-----[^-]+-----/g, ''));
/** The name a line gives a TSA: the token's own tsa field's CN, else its certificate's CN. */
const tsaCn = (t: TokenFacts): PackageParam => (t.tsaName ? namePart(t.tsaName, 'CN') || t.tsaName : pkgWord('pkg-a-tsa'));
/** Why a token cannot be checked: worded when it is the missing TSA certificate, else the check's own English. */
const tokenReason = (e: Error): PackageParam =>
  e instanceof UnverifiableToken && e.reason
    ? pkgWord('pkg-tsa-unverifiable', {
        carried: pkgWord(e.reason.carriesCerts ? 'pkg-tsa-carries-other' : 'pkg-tsa-carries-none'),
        given: pkgWord(e.reason.given ? 'pkg-tsa-given-nomatch' : 'pkg-tsa-given-none'),
      })
    : e instanceof TokenError
      ? e.word
      : e.message;

// Files every package carries besides those its manifest lists: the manifest itself, its signature
// and its token (the manifest cannot hold its own hash), and the ZIP that holds them all.
const PACKAGE_OWN = new Set(['export-manifest.json', 'export-manifest.json.sig', 'export-manifest.tsr']);
// A package the warehouse hub made: the hub's key in hub.pem signs the export manifest (the station's
// key never leaves the station); its key, signed receipt and read-me are listed in that manifest.
const HUB_FILES = new Set(['hub.pem', 'hub-receipt.json', 'hub-receipt.json.sig', 'README-HUB.txt']);
interface HubSigner {
  name: PackageParam;
  fp: string;
  receipt: Record<string, unknown> | null;
  signed: boolean;
}
let hub: HubSigner | null = null;

/** Whether the export manifest (not yet verified) lists hub.pem: said only to name what is missing. */
function namesHubKey(manBytes: Uint8Array): boolean {
  try {
    const m = JSON.parse(text(manBytes)) as { files?: Record<string, unknown> };
    return !!m.files && typeof m.files === 'object' && Object.hasOwn(m.files, 'hub.pem');
  } catch {
    return false;
  }
}

/** The hub's key in hub.pem, when it is the one that signed the export manifest; its name from its receipt. */
async function hubSigner(files: Files, manBytes: Uint8Array, sigBytes: Uint8Array): Promise<HubSigner | null> {
  const pem = files.get('hub.pem');
  if (!pem) return null;
  try {
    const key = pemToDer(text(pem));
    if (!(await ed25519Holds(wc, key, sigBytes, manBytes))) return null;
    const receiptBytes = files.get('hub-receipt.json');
    const receiptSig = files.get('hub-receipt.json.sig');
    let receipt: Record<string, unknown> | null = null;
    try {
      receipt = receiptBytes ? (JSON.parse(text(receiptBytes)) as Record<string, unknown>) : null;
    } catch {
      receipt = null;
    }
    const signed = !!(receiptBytes && receiptSig && (await ed25519Holds(wc, key, receiptSig, receiptBytes)));
    return { name: typeof receipt?.hubName === 'string' ? receipt.hubName : pkgWord('pkg-unnamed-hub'), fp: await sha256Hex(wc, key), receipt, signed };
  } catch {
    return null;
  }
}

/** What the hub's receipt says (when it received and checked the clip), and that it belongs to this package. */
function hubReceipt(h: HubSigner, stationFp: string, man: PageManifest): void {
  const r = h.receipt;
  const at = (v: unknown): string => (typeof v === 'number' ? new Date(v).toISOString() : '?');
  const file = 'hub-receipt.json';
  if (!r) return fail(say('pkg-hub-receipt-missing', { file }));
  if (!h.signed) return fail(say('pkg-hub-receipt-unsigned', { file, hubKey: 'hub.pem' }));
  if (r.hubFingerprint !== h.fp) fail(say('pkg-hub-receipt-other-hub', { file, hubKey: 'hub.pem' }));
  if (r.stationFingerprint !== stationFp) fail(say('pkg-hub-receipt-other-station', { file }));
  if (!man.clips.some((c) => c.originalSha256 === r.sha256)) fail(say('pkg-hub-receipt-other-clip', { file }));
  ok(
    say('pkg-hub-receipt', {
      file,
      hub: h.name,
      clip: String(r.clipId),
      hash: short(String(r.sha256)),
      stationKey: short(stationFp),
      receivedAt: at(r.receivedAt),
      verifiedAt: at(r.verifiedAt),
    }),
  );
}

// Problems are the lines of class "fail"; finish() counts those lines, so the summary can never
// disagree with them. A file whose hash did not match gets no positive line at all.
async function check(files: Files): Promise<boolean> {
  logEl.textContent = '';
  hub = null;
  const given = givenCertDers(files);

  // 1. The station key and its signature over the export manifest, before anything the manifest says is believed.
  const manBytes = files.get('export-manifest.json');
  const sigBytes = files.get('export-manifest.json.sig');
  const pem = files.get('station.pem');
  if (!manBytes) {
    fail(say('pkg-manifest-missing', { file: 'export-manifest.json' }));
    return finish();
  }
  if (!pem) {
    fail(say('pkg-station-key-missing', { file: 'station.pem' }));
    return finish();
  }
  let key: Uint8Array;
  let fp: string;
  try {
    key = pemToDer(text(pem));
    fp = await sha256Hex(wc, key);
    await globalThis.crypto.subtle.importKey('spki', new Uint8Array(key), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    fail(say('pkg-station-key-unreadable', { file: 'station.pem', error: (e as Error).message }));
    return finish();
  }
  if (!sigBytes) {
    fail(say('pkg-signature-missing', { file: 'export-manifest.json.sig' }));
    return finish();
  }
  const stationSigned = await ed25519Holds(wc, key, sigBytes, manBytes);
  if (!stationSigned) hub = await hubSigner(files, manBytes, sigBytes);
  if (!stationSigned && !hub) {
    // A package made on the hub names hub.pem in its manifest: a changed or missing hub key is said by name.
    const hubMade = files.has('hub.pem') || namesHubKey(manBytes);
    if (hubMade && !files.has('hub.pem')) fail(say('pkg-hub-key-missing', { file: 'hub.pem' }));
    else if (hubMade) fail(say('pkg-signature-broken-hub', { hubKey: 'hub.pem', manifest: 'export-manifest.json' }));
    else fail(say('pkg-signature-broken', { manifest: 'export-manifest.json', signature: 'export-manifest.json.sig' }));
    return finish();
  }
  let man: PageManifest;
  try {
    man = JSON.parse(text(manBytes)) as PageManifest;
  } catch {
    fail(say('pkg-manifest-not-json', { file: 'export-manifest.json' }));
    return finish();
  }
  if (!man || typeof man.files !== 'object' || !Array.isArray(man.clips)) {
    fail(say('pkg-manifest-unknown-page', { file: 'export-manifest.json', format: String(man && man.format) }));
    return finish();
  }
  if (hub) {
    ok(
      say('pkg-signed-by-hub', {
        manifest: 'export-manifest.json',
        hub: hub.name,
        hubKey: 'hub.pem',
        hubFingerprint: hub.fp,
        readme: 'README-HUB.txt',
        fingerprint: fp,
      }),
    );
    // Every file the hub adds is listed in the manifest it signed, so none can be swapped unseen.
    for (const n of HUB_FILES) if (!Object.hasOwn(man.files, n)) fail(say('pkg-hub-file-not-covered', { file: n }));
    hubReceipt(hub, fp, man);
  } else ok(say('pkg-signed-by-station-compare', { file: 'export-manifest.json', fingerprint: fp }));
  if (man.stationKeyFingerprint && man.stationKeyFingerprint !== fp) fail(say('pkg-manifest-other-key', { named: man.stationKeyFingerprint }));
  info(say('pkg-order', { order: man.order, createdAt: man.createdAt, station: man.station, preset: man.preset.name, mode: exportModeWord(man.mode) }));
  if (man.edits && man.edits.length) info(say('pkg-edited', { edits: editsWord(man.edits) }));

  // 2. The export's own trusted time: a token over the signed manifest's SHA-256.
  const manSha = await sha256Hex(wc, manBytes);
  const exportTsr = files.get('export-manifest.tsr');
  if (exportTsr) {
    try {
      const et = await checkTimestampToken(wc, exportTsr, manSha, given);
      ok(say('pkg-export-stamp', { time: et.genTime, tsa: et.tsa, hash: short(manSha) }));
    } catch (e) {
      if (e instanceof StaleCheck) throw e;
      // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
      if (e instanceof UnverifiableToken)
        info(say('pkg-export-stamp-unverifiable', { file: 'export-manifest.tsr', tsa: tsaCn(e.tsa), time: e.tsa.genTime, reason: tokenReason(e) }));
      else fail(say('pkg-export-stamp-invalid', { file: 'export-manifest.tsr', error: tokenReason(e as Error) }));
    }
  } else info(say('pkg-no-export-timestamp', { file: 'export-manifest.tsr' }));

  // 3. Every file: listed and present with its signed hash and size; missing; or foreign.
  const bad = new Set<string>();
  const got = new Map<string, string>();
  const names = Object.keys(man.files);
  for (const name of names) {
    const want = man.files[name]!;
    const bytes = files.get(name);
    if (!bytes) {
      bad.add(name);
      fail(say('pkg-file-missing', { file: name, what: fileWords(want) }));
      continue;
    }
    const h = await sha256Hex(wc, bytes);
    got.set(name, h);
    if (h !== want.sha256 || bytes.byteLength !== want.bytes) {
      bad.add(name);
      fail(say('pkg-file-changed', { file: name, expected: want.sha256, got: h }));
    } else ok(say('pkg-file-matches', { file: name, hash: short(h) }));
  }
  for (const n of files.keys()) {
    // A hub file the manifest does not list is failed above as not covered.
    if (Object.hasOwn(man.files, n) || PACKAGE_OWN.has(n) || /\.zip$/i.test(n) || (hub && HUB_FILES.has(n))) continue;
    // A TSA's certificate the reviewer adds to check the tokens is no export file.
    if (isCertName(n)) info(say('pkg-tsa-cert-given', { file: n }));
    else fail(say('pkg-file-foreign', { file: n }));
  }

  // 4. Each original clip: its signed manifest, the key it names, its trusted time, its frames,
  // the label in its picture, its chain segment.
  const segment: SegmentCheck = { crypto: wc, stationKey: key, fingerprint: fp, stamp: (token) => anchorStamp(token, given) };
  const sealed = new Map<string, string>();
  for (const clip of man.clips) {
    let signedSha: string | null = null;
    let signedEnd: number | null = null;
    const what = clipWord(clip);
    const m = clip.manifest ? files.get(clip.manifest) : undefined;
    const s = clip.signature ? files.get(clip.signature) : undefined;
    let signed: Record<string, unknown> | null = null;
    if (!clip.manifest) info(say('pkg-clip-unsigned', { what }));
    else if (bad.has(clip.manifest) || (clip.signature && bad.has(clip.signature)) || !m || !s) info(say('pkg-clip-manifest-unchecked', { what }));
    else {
      const good = await ed25519Holds(wc, key, s, m);
      try {
        signed = JSON.parse(text(m)) as Record<string, unknown>;
      } catch {
        signed = null;
      }
      if (!good) fail(say('pkg-clip-signature-invalid', { what }));
      else if (!signed) fail(say('pkg-clip-manifest-not-json', { what }));
      else {
        ok(say('pkg-clip-signed', { what }));
        if (signed.key && signed.key !== fp) fail(say('pkg-clip-other-key', { what, key: String(signed.key) }));
        else if (signed.key) ok(say('pkg-clip-key-named', { what }));
        if (typeof signed.sha256 === 'string') signedSha = signed.sha256;
        if (typeof signed.endedAt === 'number') signedEnd = signed.endedAt;
        if (signedSha === clip.originalSha256) {
          sealed.set(clip.clipId, signedSha);
          ok(say('pkg-clip-hash', { what, hash: short(signedSha) }));
        } else fail(say('pkg-clip-hash-differs', { what }));
        // The label in the picture, as the signed manifest records it (said, never a failure).
        const orders = Array.isArray(signed.orders) ? signed.orders.map(String) : [clip.order];
        const label = labelVerdict(signed.labels, orders);
        if (label) line(label.kind === 'mismatch' ? 'warn' : 'info', say('pkg-clip-label', { what, label: label.word }));
      }
    }
    const sha = signedSha ?? clip.originalSha256;
    if (clip.timestamp && bad.has(clip.timestamp)) info(say('pkg-clip-stamp-unchecked', { what }));
    else await checkTimestamp(clip, sha, clip.timestamp ? files.get(clip.timestamp) : undefined, signedEnd ?? Date.parse(clip.endedAt), given);
    if (clip.continuity && (bad.has(clip.continuity) || (clip.continuitySignature && bad.has(clip.continuitySignature))))
      info(say('pkg-clip-frames-unchecked', { what }));
    else await checkContinuity(clip, files, key, sha);
    await checkSegment(clip, what, files, bad, segment, { ok: (w) => ok(sayWord(w)), fail: (w) => fail(sayWord(w)), info: (w) => info(sayWord(w)) });
  }

  // 5. What each derived file is: where it comes from, how it was made, which span it covers.
  for (const f of names) {
    const e = man.files[f]!;
    if (bad.has(f) || !e.from || e.role === 'evidence') continue;
    // Its clip's signed manifest did not verify: that is failed above; the file is not described as if it had.
    if (e.from.sha256 !== sealed.get(e.from.clipId)) {
      info(say('pkg-derived-unverified', { clip: e.from.clipId, file: f }));
      continue;
    }
    if (e.how && e.how.method === 'original') {
      if (got.get(f) === sealed.get(e.from.clipId)) ok(say('pkg-derived-original', { file: f }));
      else fail(say('pkg-derived-original-differs', { file: f }));
    } else info(say('pkg-derived', { file: f, what: fileWords(e) }));
  }
  return finish();
}

/** The anchor token of a chain segment, read by the page's token check. */
async function anchorStamp(token: Uint8Array, given: Uint8Array[]): Promise<Awaited<ReturnType<SegmentCheck['stamp']>>> {
  try {
    const t = await checkTimestampToken(wc, token, null, given);
    const tsa = (t.tsaName && (namePart(t.tsaName, 'CN') || t.tsaName)) || namePart(t.cert.subject, 'CN') || t.tsa || wordPackage('pkg-a-tsa', {}, lang);
    return { hashAlg: t.hashAlg, hashed: t.hashed, timeMs: genTimeMs(t.genTime), tsa, unverifiable: null };
  } catch (e) {
    if (!(e instanceof UnverifiableToken)) throw e;
    const f = e.tsa;
    const tsa = (f.tsaName && (namePart(f.tsaName, 'CN') || f.tsaName)) || wordPackage('pkg-a-tsa', {}, lang);
    const timeMs = genTimeMs(f.genTime);
    return {
      hashAlg: f.hashAlg,
      hashed: f.hashed,
      timeMs,
      tsa,
      unverifiable: pkgWord('pkg-seg-token-names', { tsa, time: stampTime(timeMs), reason: tokenReason(e) }),
    };
  }
}

// A missing token is no failure (the station may have been offline); a token that is there but
// does not verify is, because a wrong token in an evidence package means it was tampered with.
async function checkTimestamp(clip: PageClip, sha: string, tsr: Uint8Array | undefined, endedMs: number, given: Uint8Array[]): Promise<void> {
  if (!clip.timestamp) {
    info(say('pkg-clip-no-stamp', { clip: clip.clipId }));
    return;
  }
  if (!tsr) {
    info(say('pkg-clip-stamp-not-given', { file: clip.timestamp, clip: clip.clipId }));
    return;
  }
  let t;
  try {
    t = await checkTimestampToken(wc, tsr, sha, given);
  } catch (e) {
    // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
    if (e instanceof UnverifiableToken)
      info(say('pkg-clip-stamp-unverifiable', { clip: clip.clipId, file: clip.timestamp, tsa: tsaCn(e.tsa), time: e.tsa.genTime, reason: tokenReason(e) }));
    else fail(say('pkg-clip-stamp-invalid', { clip: clip.clipId, file: clip.timestamp, error: tokenReason(e as Error) }));
    return;
  }
  ok(say('pkg-clip-stamp', { time: t.genTime, tsa: t.tsa, hash: `${sha.slice(0, 16)}…` }));
  // A token asked for long after the recording (the station was offline, or had no TSA yet) proves less.
  const lateMin = Math.round((genTimeMs(t.genTime) - endedMs) / 60000);
  if (lateMin * 60000 > LATE_STAMP_MS)
    info(
      say('pkg-clip-stamp-late', {
        late: lateMin < 120 ? pkgWord('pkg-minutes', { n: lateMin }) : pkgWord('pkg-hours', { n: Math.round(lateMin / 60) }),
        ended: new Date(endedMs).toISOString(),
      }),
    );
  info(
    say('pkg-clip-stamp-facts', {
      file: clip.timestamp,
      serial: t.serial,
      tsaName: t.tsaName ? pkgWord('pkg-tsa-name', { name: t.tsaName }) : '',
      subject: t.cert.subject,
      issuer: t.cert.issuer,
      fingerprint: t.cert.fingerprint,
    }),
  );
  const ch = t.chain;
  const a = ch.anchor;
  ok(
    say('pkg-tsa-chain', {
      path: ch.path.join(' → '),
      root: a.selfSigned ? pkgWord('pkg-tsa-root-self-signed') : pkgWord('pkg-tsa-root-issued', { issuer: a.issuer }),
    }),
  );
  if (ch.unchecked.length) info(say('pkg-tsa-unchecked', { certs: ch.unchecked.join('; ') }));
  if (a.given) info(say('pkg-tsa-root-given', { subject: a.subject, fingerprint: a.fingerprint }));
  else info(say('pkg-tsa-root-unjudged', { subject: a.subject, fingerprint: a.fingerprint, hash: sha, file: clip.timestamp }));
}

// The clip's frames (X.continuity.json, electron/engine/continuity.ts): the station read the burned-in
// frame counter back from the sealed file and signed every gap with its cause. Missing record: no
// failure (older clips have none); a record whose signature or clip hash does not hold: failure.
function clipTime(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const m = Math.floor(cs / 6000);
  const s = Math.floor((cs % 6000) / 100);
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(cs % 100).padStart(2, '0')}`;
}
const GAP_CAUSE: Record<string, PackageCode> = {
  'encoder-under-load': 'pkg-gap-encoder-under-load',
  encoder: 'pkg-gap-encoder',
  'page-hidden': 'pkg-gap-page-hidden',
};
const STALL_CAUSE: Record<string, PackageCode> = {
  'camera-stalled': 'pkg-stall-camera-stalled',
  'page-hidden': 'pkg-stall-page-hidden',
  'no-frames': 'pkg-stall-no-frames',
};
/** A cause the page knows, worded; another one as the record gives it. */
const causeWord = (table: Record<string, PackageCode>, cause: string): PackageParam => (Object.hasOwn(table, cause) ? pkgWord(table[cause]!) : cause);
interface Continuity {
  sha256?: string;
  checkedAt: number;
  frames: number;
  unreadable: number;
  gaps?: { missing: number; cause: string; atMs: number; after: number }[];
  stalls?: { ms: number; cause: string; atMs: number }[];
}
async function checkContinuity(clip: PageClip, files: Files, key: Uint8Array, sha: string): Promise<void> {
  if (!clip.continuity) {
    info(say('pkg-frames-none', { clip: clip.clipId }));
    return;
  }
  const rec = files.get(clip.continuity);
  const sig = clip.continuitySignature ? files.get(clip.continuitySignature) : undefined;
  if (!rec || !sig) {
    info(say('pkg-frames-not-given', { file: clip.continuity, clip: clip.clipId }));
    return;
  }
  if (!(await ed25519Holds(wc, key, sig, rec))) {
    fail(say('pkg-frames-unsigned', { clip: clip.clipId, file: clip.continuity }));
    return;
  }
  let c: Continuity;
  try {
    c = JSON.parse(text(rec)) as Continuity;
  } catch {
    fail(say('pkg-frames-not-json', { file: clip.continuity }));
    return;
  }
  if (c.sha256 !== sha) {
    fail(say('pkg-frames-other-hash', { clip: clip.clipId }));
    return;
  }
  const when = new Date(c.checkedAt).toISOString();
  const gaps = c.gaps ?? [];
  const stalls = c.stalls ?? [];
  if (c.frames > 0 && c.unreadable === c.frames) {
    info(say('pkg-frames-unreadable', { clip: clip.clipId, frames: c.frames }));
    return;
  }
  if (!gaps.length) ok(say('pkg-frames-ok', { frames: c.frames, when }));
  for (const x of gaps)
    info(
      say('pkg-frames-gap', {
        missing: x.missing,
        unit: pkgWord(x.missing === 1 ? 'pkg-frame-one' : 'pkg-frame-many'),
        cause: causeWord(GAP_CAUSE, x.cause),
        at: clipTime(x.atMs),
        after: x.after,
        when,
      }),
    );
  for (const st of stalls)
    info(say('pkg-frames-stall', { seconds: (st.ms / 1000).toFixed(1), at: clipTime(st.atMs), cause: causeWord(STALL_CAUSE, st.cause), when }));
}

function finish(): boolean {
  if (writing !== current) throw new StaleCheck();
  const problems = logEl.querySelectorAll('li.fail').length;
  resultEl.dataset.status = problems ? 'fail' : 'ok';
  resultEl.textContent = problems
    ? say('pkg-not-verified', { count: problems, mark: '\u2717' })
    : hub
      ? say('pkg-verified-hub', { hub: hub.name })
      : say('pkg-verified');
  return problems === 0;
}

/** The files last given: a switch of language checks them again, worded in the new language. */
let lastFiles: Files | null = null;
let queue: Promise<void> = Promise.resolve();

/**
 * Runs a check once the one before it has stopped: one check writes the log at a time. A newer
 * request makes the running one stale, so it stops at its next line and its lines are cleared.
 */
function run(job: () => Promise<unknown>): void {
  const me = ++current;
  resultEl.dataset.status = 'busy';
  resultEl.textContent = PAGE_WORDS[lang].checking;
  queue = queue.then(async () => {
    if (me !== current) return;
    writing = me;
    logEl.textContent = '';
    try {
      await job();
    } catch (e) {
      if (e instanceof StaleCheck || me !== current) return;
      fail(say('pkg-check-stopped', { error: (e as Error).message }));
      finish();
    }
  });
}

function load(list: FileList | null): void {
  const given = [...(list ?? [])];
  lastFiles = null;
  run(async () => {
    const files: Files = new Map();
    for (const f of given) {
      const buf = new Uint8Array(await f.arrayBuffer());
      if (/\.zip$/i.test(f.name)) for (const [k, v] of await unzip(buf)) files.set(k, v);
      else files.set(f.name, buf);
    }
    lastFiles = files;
    await check(files);
  });
}

// The page's own words (title, instructions) in both languages; the English is verify.html's.
const PAGE_WORDS: Record<PackageLang, { title: string; intro: string; drop: string; waiting: string; checking: string; switchTo: string }> = {
  en: {
    title: 'PackWitness evidence package check',
    intro: "Choose the package's ZIP file, or all files of the package folder. Everything is checked in this browser; nothing is uploaded.",
    drop: 'or drop the ZIP / the files here',
    waiting: 'Waiting for the package…',
    checking: 'Checking…',
    switchTo: '中文',
  },
  'zh-CN': {
    title: 'PackWitness 证据包核验',
    intro: '请选择证据包的 ZIP 文件，或证据包文件夹中的全部文件。所有检查都在本浏览器中完成，不会上传任何内容。',
    drop: '或将 ZIP / 文件拖放到这里',
    waiting: '等待证据包…',
    checking: '正在检查…',
    switchTo: 'English',
  },
};

function showLang(): void {
  const w = PAGE_WORDS[lang];
  document.documentElement.lang = lang;
  document.title = w.title;
  document.getElementById('title')!.textContent = w.title;
  document.getElementById('intro')!.textContent = w.intro;
  document.getElementById('dropText')!.textContent = w.drop;
  document.getElementById('lang')!.textContent = w.switchTo;
  if (resultEl.dataset.status === 'idle') resultEl.textContent = w.waiting;
}
showLang();
document.getElementById('lang')!.addEventListener('click', () => {
  lang = lang === 'en' ? 'zh-CN' : 'en';
  showLang();
  const files = lastFiles;
  if (files) run(() => check(files));
});

// The token check stays a global of the page, as it always was: a reviewer (or a test) can run it
// from the browser's console on any token, offline.
Object.assign(window, {
  checkTimestampToken: (tsr: Uint8Array | ArrayBuffer, wantSha256: string | null, addedCerts?: Uint8Array[]) =>
    checkTimestampToken(wc, tsr, wantSha256, addedCerts),
});

document.getElementById('files')!.addEventListener('change', (ev) => load((ev.target as HTMLInputElement).files));
const drop = document.getElementById('drop')!;
drop.addEventListener('dragover', (ev) => ev.preventDefault());
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  load(ev.dataTransfer?.files ?? null);
});
