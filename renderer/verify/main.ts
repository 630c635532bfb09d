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
import { packageLangOf, wordPackage, type PackageCode, type PackageLang, type PackageParams } from '../../shared/evidence/packageWords.ts';
import { checkSegment, stampTime, type SegmentCheck } from '../../shared/evidence/segment.ts';
import { base64Bytes, checkTimestampToken, genTimeMs, givenCertDers, isCertName, UnverifiableToken, type TokenFacts } from '../../shared/evidence/tsaToken.ts';
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
interface PageFile {
  sha256: string;
  bytes: number;
  role: string;
  from: { clipId: string; sha256: string } | null;
  how: { method: string } | null;
  text: string;
}
type Files = Map<string, Uint8Array>;
type Kind = 'ok' | 'fail' | 'info' | 'warn';

const wc = webCrypto();
const logEl = document.getElementById('log')!;
const resultEl = document.getElementById('result')!;

function line(kind: Kind, text: string): void {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  logEl.appendChild(li);
}
// The page's language: the browser's (zh* reads Chinese), switched with the button at the top; the
// lines with a code (shared/evidence/packageWords.ts) are worded in it, the others stay English.
let lang: PackageLang = packageLangOf(navigator.languages?.length ? navigator.languages : [navigator.language]);
const say = (code: PackageCode, params: PackageParams = {}): string => wordPackage(code, params, lang);
const ok = (t: string): void => line('ok', t);
const fail = (t: string): void => line('fail', t);
const info = (t: string): void => line('info', t);
const short = (h: string): string => `${String(h).slice(0, 16)}…`;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const pemToDer = (pem: string): Uint8Array => base64Bytes(pem.replace(/-----[^-]+-----/g, ''));
/** The name a line gives a TSA: the token's own tsa field's CN, else its certificate's CN. */
const tsaCn = (t: TokenFacts): string => (t.tsaName ? namePart(t.tsaName, 'CN') || t.tsaName : 'a TSA');

// Files every package carries besides those its manifest lists: the manifest itself, its signature
// and its token (the manifest cannot hold its own hash), and the ZIP that holds them all.
const PACKAGE_OWN = new Set(['export-manifest.json', 'export-manifest.json.sig', 'export-manifest.tsr']);
// A package the warehouse hub made: the hub's key in hub.pem signs the export manifest (the station's
// key never leaves the station); its key, signed receipt and read-me are listed in that manifest.
const HUB_FILES = new Set(['hub.pem', 'hub-receipt.json', 'hub-receipt.json.sig', 'README-HUB.txt']);
interface HubSigner {
  name: string;
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
    return { name: typeof receipt?.hubName === 'string' ? receipt.hubName : 'unnamed hub', fp: await sha256Hex(wc, key), receipt, signed };
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
    fail(`export-manifest.json is signed but is not an export manifest this page knows (${man && man.format}).`);
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
  info(
    `Order ${man.order}, exported ${man.createdAt} by station ${man.station} with preset ${man.preset.name}; clips: ${man.mode === 'returns' ? 'returns (unboxing)' : man.mode === 'all' ? 'shipping and returns' : 'shipping (packing)'}.`,
  );
  if (man.edits && man.edits.length) info(`This export is EDITED: ${man.edits.join(', ')}.`);

  // 2. The export's own trusted time: a token over the signed manifest's SHA-256.
  const manSha = await sha256Hex(wc, manBytes);
  const exportTsr = files.get('export-manifest.tsr');
  if (exportTsr) {
    try {
      const et = await checkTimestampToken(wc, exportTsr, manSha, given);
      ok(`Trusted time of the export: ${et.genTime} from ${et.tsa}; the token covers the signed export manifest (${short(manSha)}).`);
    } catch (e) {
      // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
      if (e instanceof UnverifiableToken)
        info(`The export's trusted timestamp export-manifest.tsr names ${tsaCn(e.tsa)} and ${e.tsa.genTime}, but ${e.message}.`);
      else fail(`The export's trusted timestamp export-manifest.tsr does NOT verify: ${(e as Error).message}.`);
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
      fail(say('pkg-file-missing', { file: name, what: want.text }));
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
    const what = `Clip ${clip.clipId} of order ${clip.order} (${clip.mode === 'returns' ? 'RETURN, unboxing' : 'shipping, packing'})`;
    const m = clip.manifest ? files.get(clip.manifest) : undefined;
    const s = clip.signature ? files.get(clip.signature) : undefined;
    let signed: Record<string, unknown> | null = null;
    if (!clip.manifest) info(`${what} has no signed clip manifest (recorded before signing).`);
    else if (bad.has(clip.manifest) || (clip.signature && bad.has(clip.signature)) || !m || !s)
      info(`${what}: its signed clip manifest is not checked (see the lines above).`);
    else {
      const good = await ed25519Holds(wc, key, s, m);
      try {
        signed = JSON.parse(text(m)) as Record<string, unknown>;
      } catch {
        signed = null;
      }
      if (!good) fail(`${what}: the manifest signature is NOT valid.`);
      else if (!signed) fail(`${what}: the signed manifest is not JSON.`);
      else {
        ok(`${what}: the manifest is signed by the station key.`);
        if (signed.key && signed.key !== fp)
          fail(`${what}: the manifest was signed for another station key (${String(signed.key)}), not the one in station.pem.`);
        else if (signed.key) ok(`${what}: station.pem is the key its signed manifest names.`);
        if (typeof signed.sha256 === 'string') signedSha = signed.sha256;
        if (typeof signed.endedAt === 'number') signedEnd = signed.endedAt;
        if (signedSha === clip.originalSha256) {
          sealed.set(clip.clipId, signedSha);
          ok(`${what}: the signed manifest names the original clip hash ${short(signedSha)}.`);
        } else fail(`${what}: the signed clip manifest names a different clip hash than the export manifest.`);
        // The label in the picture, as the signed manifest records it (said, never a failure).
        const orders = Array.isArray(signed.orders) ? signed.orders.map(String) : [clip.order];
        const label = labelVerdict(signed.labels, orders);
        if (label) line(label.kind === 'mismatch' ? 'warn' : 'info', `${what}: ${label.text}`);
      }
    }
    const sha = signedSha ?? clip.originalSha256;
    if (clip.timestamp && bad.has(clip.timestamp)) info(`${what}: its trusted timestamp is not checked (see the lines above).`);
    else await checkTimestamp(clip, sha, clip.timestamp ? files.get(clip.timestamp) : undefined, signedEnd ?? Date.parse(clip.endedAt), given);
    if (clip.continuity && (bad.has(clip.continuity) || (clip.continuitySignature && bad.has(clip.continuitySignature))))
      info(`${what}: its record of frames is not checked (see the lines above).`);
    else await checkContinuity(clip, files, key, sha);
    await checkSegment(clip, what, files, bad, segment, { ok, fail, info });
  }

  // 5. What each derived file is: where it comes from, how it was made, which span it covers.
  for (const f of names) {
    const e = man.files[f]!;
    if (bad.has(f) || !e.from || e.role === 'evidence') continue;
    // Its clip's signed manifest did not verify: that is failed above; the file is not described as if it had.
    if (e.from.sha256 !== sealed.get(e.from.clipId)) {
      info(`Made from clip ${e.from.clipId}, whose signed clip manifest is not verified here: ${f} is not described.`);
      continue;
    }
    if (e.how && e.how.method === 'original') {
      if (got.get(f) === sealed.get(e.from.clipId)) ok(`${f} is the original recording itself, byte for byte.`);
      else fail(`${f} claims to be the original recording, but its hash differs from the signed clip's.`);
    } else info(`${f}: ${e.text}.`);
  }
  return finish();
}

/** The anchor token of a chain segment, read by the page's token check. */
async function anchorStamp(token: Uint8Array, given: Uint8Array[]): Promise<Awaited<ReturnType<SegmentCheck['stamp']>>> {
  try {
    const t = await checkTimestampToken(wc, token, null, given);
    const tsa = (t.tsaName && (namePart(t.tsaName, 'CN') || t.tsaName)) || namePart(t.cert.subject, 'CN') || t.tsa || 'a TSA';
    return { hashAlg: t.hashAlg, hashed: t.hashed, timeMs: genTimeMs(t.genTime), tsa, unverifiable: null };
  } catch (e) {
    if (!(e instanceof UnverifiableToken)) throw e;
    const f = e.tsa;
    const tsa = (f.tsaName && (namePart(f.tsaName, 'CN') || f.tsaName)) || 'a TSA';
    const timeMs = genTimeMs(f.genTime);
    return { hashAlg: f.hashAlg, hashed: f.hashed, timeMs, tsa, unverifiable: ` names ${tsa} at ${stampTime(timeMs)}, but ${e.message}.` };
  }
}

// A missing token is no failure (the station may have been offline); a token that is there but
// does not verify is, because a wrong token in an evidence package means it was tampered with.
async function checkTimestamp(clip: PageClip, sha: string, tsr: Uint8Array | undefined, endedMs: number, given: Uint8Array[]): Promise<void> {
  if (!clip.timestamp) {
    info(`Clip ${clip.clipId} has no trusted timestamp (.tsr) in this package: no trusted time, only the station's own clock.`);
    return;
  }
  if (!tsr) {
    info(`${clip.timestamp} was not given: the trusted time of clip ${clip.clipId} is not checked.`);
    return;
  }
  let t;
  try {
    t = await checkTimestampToken(wc, tsr, sha, given);
  } catch (e) {
    // No certificate of its TSA at hand: nothing says it was altered, and nothing vouches for it.
    if (e instanceof UnverifiableToken)
      info(`Clip ${clip.clipId}: the trusted timestamp ${clip.timestamp} names ${tsaCn(e.tsa)} and ${e.tsa.genTime}, but ${e.message}.`);
    else fail(`Clip ${clip.clipId}: the trusted timestamp ${clip.timestamp} does NOT verify: ${(e as Error).message}.`);
    return;
  }
  ok(`Trusted time: ${t.genTime} from ${t.tsa}, token signature valid, covers this recording's SHA-256 (${sha.slice(0, 16)}…).`);
  // A token asked for long after the recording (the station was offline, or had no TSA yet) proves less.
  const lateMin = Math.round((genTimeMs(t.genTime) - endedMs) / 60000);
  if (lateMin * 60000 > LATE_STAMP_MS)
    info(
      `The trusted time is ${lateMin < 120 ? `${lateMin} min` : `${Math.round(lateMin / 60)} h`} after the recording ended (${new Date(endedMs).toISOString()}): it proves the recording existed unchanged by then, not when it was recorded.`,
    );
  info(
    `Timestamp ${clip.timestamp}: serial ${t.serial}${t.tsaName ? `, TSA name ${t.tsaName}` : ''}. TSA certificate: subject ${t.cert.subject}; issuer ${t.cert.issuer}; SHA-256 fingerprint ${t.cert.fingerprint}.`,
  );
  const ch = t.chain;
  const a = ch.anchor;
  ok(
    `TSA certificate: a timestamping certificate valid at that time; chain intact: ${ch.path.join(' → ')}${a.selfSigned ? ' (a self-signed root)' : `, issued by ${a.issuer} (not in the token)`}.`,
  );
  if (ch.unchecked.length) info(`Signature(s) on ${ch.unchecked.join('; ')} use an algorithm this page cannot check.`);
  if (a.given) info(`The chain ends at ${a.subject}, a certificate you gave with the package (SHA-256 fingerprint ${a.fingerprint}).`);
  else
    info(
      `Whether ${a.subject} is to be trusted is not decided here: its SHA-256 fingerprint is ${a.fingerprint}; compare it with the one the TSA publishes, or run: openssl ts -verify -digest ${sha} -in ${clip.timestamp} -CAfile <the TSA's CA certificate>.pem`,
    );
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
const GAP_CAUSE: Record<string, string> = {
  'encoder-under-load': 'dropped by the encoder under load',
  encoder: "dropped by the encoder (found by the station's read-back of the file)",
  'page-hidden': 'not recorded while the station page was hidden',
};
const STALL_CAUSE: Record<string, string> = {
  'camera-stalled': 'the camera gave no picture',
  'page-hidden': 'the station page was hidden',
  'no-frames': 'no frame came from the camera',
};
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
    info(`Clip ${clip.clipId}: no record of its frames in this package (the frame counter was not read back).`);
    return;
  }
  const rec = files.get(clip.continuity);
  const sig = clip.continuitySignature ? files.get(clip.continuitySignature) : undefined;
  if (!rec || !sig) {
    info(`${clip.continuity} or its signature was not given: the frames of clip ${clip.clipId} are not checked.`);
    return;
  }
  if (!(await ed25519Holds(wc, key, sig, rec))) {
    fail(`Clip ${clip.clipId}: the record of its frames (${clip.continuity}) is NOT validly signed.`);
    return;
  }
  let c: Continuity;
  try {
    c = JSON.parse(text(rec)) as Continuity;
  } catch {
    fail(`${clip.continuity} is not JSON.`);
    return;
  }
  if (c.sha256 !== sha) {
    fail(`Clip ${clip.clipId}: the record of its frames names another clip hash.`);
    return;
  }
  const when = new Date(c.checkedAt).toISOString();
  const gaps = c.gaps ?? [];
  const stalls = c.stalls ?? [];
  if (c.frames > 0 && c.unreadable === c.frames) {
    info(`Clip ${clip.clipId}: the station could not read its frame counter (${c.frames} frames).`);
    return;
  }
  if (!gaps.length)
    ok(`Frames: the frame counter runs without a gap through all ${c.frames} frames of the original clip (read back and signed by the station on ${when}).`);
  for (const x of gaps)
    info(
      `Frames: ${x.missing} frame${x.missing === 1 ? '' : 's'} ${GAP_CAUSE[x.cause] ?? x.cause} at ${clipTime(x.atMs)} (after frame ${x.after}); recorded by the station on ${when}, signed.`,
    );
  for (const st of stalls)
    info(
      `Frames: the picture stands still for ${(st.ms / 1000).toFixed(1)} s at ${clipTime(st.atMs)} (no frame missing): ${STALL_CAUSE[st.cause] ?? st.cause}; recorded by the station on ${when}.`,
    );
}

function finish(): boolean {
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

async function load(list: FileList | null): Promise<void> {
  resultEl.dataset.status = 'busy';
  resultEl.textContent = PAGE_WORDS[lang].checking;
  lastFiles = null;
  try {
    const files: Files = new Map();
    for (const f of list ?? []) {
      const buf = new Uint8Array(await f.arrayBuffer());
      if (/\.zip$/i.test(f.name)) for (const [k, v] of await unzip(buf)) files.set(k, v);
      else files.set(f.name, buf);
    }
    lastFiles = files;
    await check(files);
  } catch (e) {
    fail(say('pkg-check-stopped', { error: (e as Error).message }));
    finish();
  }
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
  if (lastFiles) void check(lastFiles).catch((e: unknown) => (fail(say('pkg-check-stopped', { error: (e as Error).message })), finish()));
});

// The token check stays a global of the page, as it always was: a reviewer (or a test) can run it
// from the browser's console on any token, offline.
Object.assign(window, {
  checkTimestampToken: (tsr: Uint8Array | ArrayBuffer, wantSha256: string | null, addedCerts?: Uint8Array[]) =>
    checkTimestampToken(wc, tsr, wantSha256, addedCerts),
});

document.getElementById('files')!.addEventListener('change', (ev) => void load((ev.target as HTMLInputElement).files));
const drop = document.getElementById('drop')!;
drop.addEventListener('dragover', (ev) => ev.preventDefault());
drop.addEventListener('drop', (ev) => {
  ev.preventDefault();
  void load(ev.dataTransfer?.files ?? null);
});
