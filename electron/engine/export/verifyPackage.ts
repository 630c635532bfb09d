// `packwitness verify PACKAGE` (an export folder or its ZIP): the checks verify.html makes in a
// reviewer's browser, made here with Node's crypto, in the same order and with the same verdict:
// the export manifest's signature first (nothing it says is believed before), then every listed file
// (missing, changed, or matching), files it does not list (foreign), each clip's signed manifest and
// the key it names, its chain segment (the one check verify.html runs too), and what each derived
// file is. Problems are the lines marked FAIL; the verdict is computed from them, so the summary
// never disagrees with the lines under it.
import { createHash, createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { givenTsaCerts, unverifiableText } from '../evidence/checks.ts';
import { parseTimestampResponse, shortTsaName } from '../evidence/tsa.ts';
import { nodeCrypto } from '../evidence/nodeCrypto.ts';
import { certsFromFile, type CertInfo } from '../evidence/tsaTrust.ts';
import { labelVerdict } from '../../../shared/evidence/labelVerdict.ts';
import { checkSegment, type SegmentCheck } from '../../../shared/evidence/segment.ts';
import { isCertName } from '../../../shared/evidence/tsaToken.ts';
import {
  HUB_FILES,
  HUB_KEY_NAME,
  HUB_RECEIPT_NAME,
  HUB_RECEIPT_SIG_NAME,
  HUB_README_NAME,
  MANIFEST_NAME,
  MANIFEST_SIG_NAME,
  MANIFEST_TSR_NAME,
  type ExportManifest,
  type PackageFile,
} from './package.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import {
  clipWord,
  editsWord,
  exportModeWord,
  fileWords,
  pkgWord,
  wordPackage,
  type PackageCode,
  type PackageParam,
  type PackageParams,
  type PackageWord,
} from '../../../shared/evidence/packageWords.ts';

export interface PackageLine {
  kind: 'ok' | 'fail' | 'info';
  /** The English line (the CLI's). */
  text: string;
  /** Its code and parameters (shared/evidence/packageWords.ts), when the line has one: how another language words it. */
  code?: PackageCode;
  params?: PackageParams;
}

export interface PackageReport {
  ok: boolean;
  headline: string;
  headlineCode: PackageCode;
  headlineParams: PackageParams;
  lines: PackageLine[];
  /** The file names the problem lines are about (missing, changed, foreign), in the order found. */
  problemFiles: string[];
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const short = (h: string): string => `${h.slice(0, 16)}…`;
const OWN = new Set([MANIFEST_NAME, MANIFEST_SIG_NAME, MANIFEST_TSR_NAME]);

/** The flat files of a ZIP (stored or deflated), as verify.html reads it. */
export function readZip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP file');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let k = 0; k < n; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('damaged ZIP directory');
    const method = buf.readUInt16LE(p + 10);
    const csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28);
    const lho = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nlen).toString('utf8');
    p += 46 + nlen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
    if (name.endsWith('/')) continue;
    const start = lho + 30 + buf.readUInt16LE(lho + 26) + buf.readUInt16LE(lho + 28);
    const raw = buf.subarray(start, start + csize);
    if (method !== 0 && method !== 8) throw new Error(`unsupported compression in ${name}`);
    out.set(name.split('/').pop()!, method === 0 ? Buffer.from(raw) : zlib.inflateRawSync(raw));
  }
  return out;
}

/** The package's files: a folder's plain files, or a ZIP's entries. */
export function packageFiles(target: string): Map<string, Buffer> {
  if (fs.statSync(target).isDirectory()) {
    const out = new Map<string, Buffer>();
    for (const e of fs.readdirSync(target, { withFileTypes: true })) {
      if (!e.isFile() || e.name.startsWith('.')) continue;
      // The package's own ZIP holds the same files again; the folder is what is checked.
      if (/\.zip$/i.test(e.name)) continue;
      out.set(e.name, fs.readFileSync(path.join(target, e.name)));
    }
    return out;
  }
  return readZip(fs.readFileSync(target));
}

/** Is this path an export package (a folder with export-manifest.json, or a ZIP holding one)? */
export function isPackage(target: string): boolean {
  try {
    const st = fs.statSync(target);
    if (st.isDirectory()) return fs.existsSync(path.join(target, MANIFEST_NAME));
    if (!/\.zip$/i.test(target)) return false;
    return readZip(fs.readFileSync(target)).has(MANIFEST_NAME);
  } catch {
    return false;
  }
}

function verifySig(key: KeyObject, data: Buffer, sig: Buffer): boolean {
  try {
    return sig.length === 64 && edVerify(null, data, key, sig);
  } catch {
    return false;
  }
}

/**
 * Checks a package. stationFingerprint: this station's key, when run on a station; the package's
 * station.pem must be that key (the reviewer's page can only show the fingerprint to compare).
 */
export async function verifyPackage(files: Map<string, Buffer>, stationFingerprint: string | null = null): Promise<PackageReport> {
  const lines: PackageLine[] = [];
  const problemFiles: string[] = [];
  const info = (text: string): void => void lines.push({ kind: 'info', text });
  // A coded line: its English from the shared table, its code kept for other languages.
  const coded = (kind: PackageLine['kind'], code: PackageCode, params: PackageParams, file?: string): void => {
    lines.push({ kind, text: wordPackage(code, params), code, params });
    if (kind === 'fail' && file && !problemFiles.includes(file)) problemFiles.push(file);
  };
  const say = (kind: PackageLine['kind'], w: PackageWord, file?: string): void => coded(kind, w.code, w.params ?? {}, file);
  let hub: HubSigner | null = null;
  const done = (): PackageReport => {
    const problems = lines.filter((l) => l.kind === 'fail').length;
    const [headlineCode, headlineParams]: [PackageCode, PackageParams] = problems
      ? ['pkg-not-verified', { count: problems, mark: 'FAIL' }]
      : hub
        ? ['pkg-verified-hub', { hub: hub.name }]
        : ['pkg-verified', {}];
    return {
      ok: problems === 0,
      headline: wordPackage(headlineCode, headlineParams),
      headlineCode,
      headlineParams,
      lines,
      problemFiles,
    };
  };

  const manBytes = files.get(MANIFEST_NAME);
  const sigBytes = files.get(MANIFEST_SIG_NAME);
  const pem = files.get('station.pem');
  if (!manBytes) {
    coded('fail', 'pkg-manifest-missing', { file: MANIFEST_NAME }, MANIFEST_NAME);
    return done();
  }
  if (!pem) {
    coded('fail', 'pkg-station-key-missing', { file: 'station.pem' }, 'station.pem');
    return done();
  }
  let key: KeyObject;
  let fp: string;
  try {
    key = createPublicKey(pem);
    fp = sha(key.export({ type: 'spki', format: 'der' }));
  } catch (err) {
    coded('fail', 'pkg-station-key-unreadable', { file: 'station.pem', error: errorMessage(err) }, 'station.pem');
    return done();
  }
  if (!sigBytes) {
    coded('fail', 'pkg-signature-missing', { file: MANIFEST_SIG_NAME }, MANIFEST_SIG_NAME);
    return done();
  }
  // Made on the warehouse hub: the hub's key in hub.pem signs the export manifest instead.
  if (!verifySig(key, manBytes, sigBytes)) hub = hubSigner(files, manBytes, sigBytes);
  if (!verifySig(key, manBytes, sigBytes) && !hub) {
    // A package made on the hub names hub.pem in its manifest: a changed or missing hub key is said by name.
    const hubMade = files.has(HUB_KEY_NAME) || namesHubKey(manBytes);
    if (hubMade && !files.has(HUB_KEY_NAME)) coded('fail', 'pkg-hub-key-missing', { file: HUB_KEY_NAME }, HUB_KEY_NAME);
    else if (hubMade) coded('fail', 'pkg-signature-broken-hub', { hubKey: HUB_KEY_NAME, manifest: MANIFEST_NAME }, MANIFEST_NAME);
    else coded('fail', 'pkg-signature-broken', { manifest: MANIFEST_NAME, signature: MANIFEST_SIG_NAME }, MANIFEST_NAME);
    problemFiles.push(MANIFEST_SIG_NAME, 'station.pem', ...(hubMade ? [HUB_KEY_NAME] : []));
    return done();
  }
  let man: ExportManifest;
  try {
    man = JSON.parse(manBytes.toString('utf8')) as ExportManifest;
  } catch {
    coded('fail', 'pkg-manifest-not-json', { file: MANIFEST_NAME }, MANIFEST_NAME);
    return done();
  }
  if (!man || typeof man.files !== 'object' || !Array.isArray(man.clips)) {
    coded('fail', 'pkg-manifest-unknown', { file: MANIFEST_NAME }, MANIFEST_NAME);
    return done();
  }
  if (hub) {
    coded('ok', 'pkg-signed-by-hub', {
      manifest: MANIFEST_NAME,
      hub: hub.name,
      hubKey: HUB_KEY_NAME,
      hubFingerprint: hub.fingerprint,
      readme: HUB_README_NAME,
      fingerprint: fp,
    });
    // Every file the hub adds is listed in the manifest it signed, so none can be swapped unseen.
    for (const name of HUB_FILES) if (!(name in man.files)) coded('fail', 'pkg-hub-file-not-covered', { file: name }, name);
    hubReceiptLines(hub, fp, man, coded);
  } else coded('ok', 'pkg-signed-by-station', { file: MANIFEST_NAME, fingerprint: fp });
  // A hub's package is of any station's clip: checked on another station, that is no problem.
  if (stationFingerprint && stationFingerprint !== fp && hub) coded('info', 'pkg-other-station-hub', {});
  else if (stationFingerprint && stationFingerprint !== fp) coded('fail', 'pkg-other-station', { fingerprint: stationFingerprint }, 'station.pem');
  if (man.stationKeyFingerprint && man.stationKeyFingerprint !== fp)
    coded('fail', 'pkg-manifest-other-key', { named: man.stationKeyFingerprint }, 'station.pem');
  coded('info', 'pkg-order', { order: man.order, createdAt: man.createdAt, station: man.station, preset: man.preset.name, mode: exportModeWord(man.mode) });
  if (man.edits?.length) coded('info', 'pkg-edited', { edits: editsWord(man.edits) });

  // TSA certificates: those given to this run (`--tsa-cert`) and any given with the package, as
  // verify.html takes them; a token whose TSA's certificate is nowhere at hand is unverifiable, not altered.
  const addedCerts: CertInfo[] = [...givenTsaCerts()];
  for (const [name, bytes] of files) if (isCertName(name)) addedCerts.push(...certsFromFile(bytes));
  // The chain segment is checked by the function verify.html runs (shared/evidence/segment.ts); its
  // anchor token by the engine's own token check, which also knows the public roots.
  const segmentCheck: SegmentCheck = {
    crypto: nodeCrypto,
    stationKey: key.export({ type: 'spki', format: 'der' }),
    fingerprint: fp,
    async stamp(token) {
      const t = parseTimestampResponse(Buffer.from(token), { addedCerts });
      if (t.trust.status === 'invalid') throw new Error(t.trust.reason ?? "the TSA's signature over the token is NOT valid");
      return {
        hashAlg: t.hashAlgorithm === 'sha256' ? 'SHA-256' : t.hashAlgorithm,
        hashed: t.hashedMessage,
        timeMs: t.time,
        tsa: shortTsaName(t.name),
        unverifiable: t.trust.status === 'unverifiable' ? `: ${unverifiableText(t)}` : null,
      };
    },
  };
  const manSha = sha(manBytes);
  const tsr = files.get(MANIFEST_TSR_NAME);
  if (tsr) {
    try {
      const t = parseTimestampResponse(tsr, { addedCerts });
      if (t.hashAlgorithm !== 'sha256' || t.hashedMessage !== manSha) throw new Error('the token covers a different file than the export manifest');
      if (t.trust.status === 'unverifiable') {
        info(`The export's trusted timestamp ${MANIFEST_TSR_NAME}: ${unverifiableText(t)}`);
      } else if (!t.signatureValid) throw new Error(t.trust.reason ?? "the TSA's signature over the token is NOT valid");
      else coded('ok', 'pkg-export-stamp', { time: new Date(t.time).toISOString(), tsa: shortTsaName(t.name), hash: short(manSha) });
    } catch (err) {
      coded('fail', 'pkg-export-stamp-invalid', { file: MANIFEST_TSR_NAME, error: errorMessage(err) }, MANIFEST_TSR_NAME);
    }
  } else coded('info', 'pkg-no-export-timestamp', { file: MANIFEST_TSR_NAME });

  const bad = new Set<string>();
  const got = new Map<string, string>();
  for (const [name, want] of Object.entries(man.files) as [string, PackageFile][]) {
    const bytes = files.get(name);
    if (!bytes) {
      bad.add(name);
      coded('fail', 'pkg-file-missing', { file: name, what: fileWords(want) }, name);
      continue;
    }
    const h = sha(bytes);
    got.set(name, h);
    if (h !== want.sha256 || bytes.length !== want.bytes) {
      bad.add(name);
      coded('fail', 'pkg-file-changed', { file: name, expected: want.sha256, got: h }, name);
    } else coded('ok', 'pkg-file-matches', { file: name, hash: short(h) });
  }
  for (const name of files.keys()) {
    // A hub file the manifest does not list is failed above as not covered.
    if (name in man.files || OWN.has(name) || /\.zip$/i.test(name) || (hub && HUB_FILES.includes(name))) continue;
    if (isCertName(name)) coded('info', 'pkg-tsa-cert-given', { file: name });
    else coded('fail', 'pkg-file-foreign', { file: name }, name);
  }

  const sealed = new Map<string, string>();
  for (const clip of man.clips) {
    const what = clipWord(clip);
    const m = clip.manifest ? files.get(clip.manifest) : undefined;
    const s = clip.signature ? files.get(clip.signature) : undefined;
    if (!clip.manifest) coded('info', 'pkg-clip-unsigned', { what });
    else if (!m || !s || bad.has(clip.manifest) || (clip.signature && bad.has(clip.signature))) coded('info', 'pkg-clip-manifest-unchecked', { what });
    else if (!verifySig(key, m, s)) coded('fail', 'pkg-clip-signature-invalid', { what }, clip.signature ?? undefined);
    else {
      let signed: { key?: unknown; sha256?: unknown; orders?: unknown; labels?: unknown } | null = null;
      try {
        signed = JSON.parse(m.toString('utf8')) as { key?: unknown; sha256?: unknown; orders?: unknown; labels?: unknown };
      } catch {
        signed = null;
      }
      if (!signed) coded('fail', 'pkg-clip-manifest-not-json', { what }, clip.manifest);
      else {
        coded('ok', 'pkg-clip-signed', { what });
        if (typeof signed.key === 'string' && signed.key !== fp) coded('fail', 'pkg-clip-other-key', { what, key: signed.key }, 'station.pem');
        else if (typeof signed.key === 'string') coded('ok', 'pkg-clip-key-named', { what });
        if (signed.sha256 === clip.originalSha256) {
          sealed.set(clip.clipId, clip.originalSha256);
          coded('ok', 'pkg-clip-hash', { what, hash: short(clip.originalSha256) });
        } else coded('fail', 'pkg-clip-hash-differs', { what }, clip.manifest);
        // The label in the picture, as verify.html shows it: information, never a failure.
        const label = labelVerdict(signed.labels, Array.isArray(signed.orders) ? signed.orders.map(String) : [clip.order]);
        // Its English from the table; in the report a line of text alone, as it always was (verify.html words it from the same verdict).
        if (label) info(wordPackage('pkg-clip-label', { what, label: label.word }));
      }
    }
    if (clip.timestamp && !bad.has(clip.timestamp)) {
      const tok = files.get(clip.timestamp);
      if (tok) {
        try {
          const t = parseTimestampResponse(tok, { addedCerts });
          if (t.hashedMessage !== clip.originalSha256) throw new Error('the token covers a different file');
          // The engine's own reason (English, like every CLI line).
          if (t.trust.status === 'unverifiable') info(`${wordPackage(what.code, what.params)}: ${unverifiableText(t)}`);
          else if (!t.signatureValid) throw new Error(t.trust.reason ?? "the TSA's signature over the token is NOT valid");
          else coded('ok', 'pkg-clip-stamp-short', { what, time: new Date(t.time).toISOString(), tsa: shortTsaName(t.name) });
        } catch (err) {
          coded('fail', 'pkg-clip-stamp-invalid-short', { what, file: clip.timestamp, error: errorMessage(err) }, clip.timestamp);
        }
      }
    } else if (!clip.timestamp) coded('info', 'pkg-clip-no-stamp-short', { what });
    await checkSegment(clip, what, files, bad, segmentCheck, {
      ok: (w) => say('ok', w),
      fail: (w, file) => say('fail', w, file),
      info: (w) => say('info', w),
    });
  }

  for (const [name, e] of Object.entries(man.files) as [string, PackageFile][]) {
    if (bad.has(name) || !e.from || e.role === 'evidence') continue;
    if (sealed.get(e.from.clipId) !== e.from.sha256) {
      // Its clip's signed manifest did not verify: that is failed above; the file is not described as if it had.
      coded('info', 'pkg-derived-unverified', { clip: e.from.clipId, file: name });
      continue;
    }
    if (e.how?.method === 'original') {
      if (got.get(name) === e.from.sha256) coded('ok', 'pkg-derived-original', { file: name });
      else coded('fail', 'pkg-derived-original-differs', { file: name }, name);
    } else coded('info', 'pkg-derived', { file: name, what: fileWords(e) });
  }
  return done();
}

/** Whether the export manifest (not yet verified) lists hub.pem: said only to name what is missing. */
function namesHubKey(manBytes: Buffer): boolean {
  try {
    const m = JSON.parse(manBytes.toString('utf8')) as { files?: Record<string, unknown> };
    return !!m.files && typeof m.files === 'object' && HUB_KEY_NAME in m.files;
  } catch {
    return false;
  }
}

interface HubSigner {
  name: PackageParam;
  fingerprint: string;
  receipt: Record<string, unknown> | null;
  receiptSigned: boolean;
}

/** The hub's key in hub.pem, when it is the one that signed the export manifest; its name from its receipt. */
function hubSigner(files: Map<string, Buffer>, manBytes: Buffer, sigBytes: Buffer): HubSigner | null {
  const pem = files.get(HUB_KEY_NAME);
  if (!pem) return null;
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return null;
  }
  if (!verifySig(key, manBytes, sigBytes)) return null;
  const fingerprint = sha(key.export({ type: 'spki', format: 'der' }));
  const receiptBytes = files.get(HUB_RECEIPT_NAME);
  const receiptSig = files.get(HUB_RECEIPT_SIG_NAME);
  let receipt: Record<string, unknown> | null = null;
  try {
    receipt = receiptBytes ? (JSON.parse(receiptBytes.toString('utf8')) as Record<string, unknown>) : null;
  } catch {
    receipt = null;
  }
  const receiptSigned = !!(receiptBytes && receiptSig && verifySig(key, receiptBytes, receiptSig));
  return { name: typeof receipt?.hubName === 'string' ? receipt.hubName : pkgWord('pkg-unnamed-hub'), fingerprint, receipt, receiptSigned };
}

/** What the hub's receipt says (when it received and checked the clip), and that it belongs to this package. */
function hubReceiptLines(
  hub: HubSigner,
  stationFp: string,
  man: ExportManifest,
  coded: (kind: PackageLine['kind'], code: PackageCode, params: PackageParams, file?: string) => void,
): void {
  const r = hub.receipt;
  const file = HUB_RECEIPT_NAME;
  if (!r) return coded('fail', 'pkg-hub-receipt-missing', { file }, file);
  if (!hub.receiptSigned) return coded('fail', 'pkg-hub-receipt-unsigned', { file, hubKey: HUB_KEY_NAME }, file);
  if (r.hubFingerprint !== hub.fingerprint) coded('fail', 'pkg-hub-receipt-other-hub', { file, hubKey: HUB_KEY_NAME }, file);
  if (r.stationFingerprint !== stationFp) coded('fail', 'pkg-hub-receipt-other-station', { file }, file);
  if (!man.clips.some((c) => c.originalSha256 === r.sha256)) coded('fail', 'pkg-hub-receipt-other-clip', { file }, file);
  const at = (v: unknown): string => (typeof v === 'number' ? new Date(v).toISOString() : '?');
  coded('ok', 'pkg-hub-receipt', {
    file,
    hub: hub.name,
    clip: String(r.clipId),
    hash: short(String(r.sha256)),
    stationKey: short(stationFp),
    receivedAt: at(r.receivedAt),
    verifiedAt: at(r.verifiedAt),
  });
}
