// `packwitness verify PACKAGE` (an export folder or its ZIP): the checks verify.html makes in a
// reviewer's browser, made here with Node's crypto, in the same order and with the same verdict:
// the export manifest's signature first (nothing it says is believed before), then every listed file
// (missing, changed, or matching), files it does not list (foreign), each clip's signed manifest and
// the key it names, and what each derived file is. Problems are the lines marked FAIL; the verdict
// is computed from them, so the summary never disagrees with the lines under it.
import { createHash, createPublicKey, verify as edVerify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { givenTsaCerts, unverifiableText } from '../evidence/checks.ts';
import { parseTimestampResponse, shortTsaName } from '../evidence/tsa.ts';
import { certsFromFile, type CertInfo } from '../evidence/tsaTrust.ts';
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

export interface PackageLine {
  kind: 'ok' | 'fail' | 'info';
  text: string;
}

export interface PackageReport {
  ok: boolean;
  headline: string;
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
export function verifyPackage(files: Map<string, Buffer>, stationFingerprint: string | null = null): PackageReport {
  const lines: PackageLine[] = [];
  const problemFiles: string[] = [];
  const ok = (text: string): void => void lines.push({ kind: 'ok', text });
  const info = (text: string): void => void lines.push({ kind: 'info', text });
  const fail = (text: string, file?: string): void => {
    lines.push({ kind: 'fail', text });
    if (file && !problemFiles.includes(file)) problemFiles.push(file);
  };
  let hub: HubSigner | null = null;
  const done = (): PackageReport => {
    const problems = lines.filter((l) => l.kind === 'fail').length;
    return {
      ok: problems === 0,
      headline: problems
        ? `NOT VERIFIED: ${problems} problem(s) found; see the lines marked FAIL.`
        : hub
          ? `VERIFIED: the export manifest is signed by the warehouse hub "${hub.name}" (the clips in it are sealed by the station), every file matches it, and the signatures hold.`
          : 'VERIFIED: the export manifest is signed by the station, every file matches it, and the signatures hold.',
      lines,
      problemFiles,
    };
  };

  const manBytes = files.get(MANIFEST_NAME);
  const sigBytes = files.get(MANIFEST_SIG_NAME);
  const pem = files.get('station.pem');
  if (!manBytes) {
    fail(`${MANIFEST_NAME} is missing: without it nothing in the package can be checked.`, MANIFEST_NAME);
    return done();
  }
  if (!pem) {
    fail("station.pem (the station's public key) is missing: the signature of the export manifest cannot be checked.", 'station.pem');
    return done();
  }
  let key: KeyObject;
  let fp: string;
  try {
    key = createPublicKey(pem);
    fp = sha(key.export({ type: 'spki', format: 'der' }));
  } catch (err) {
    fail(`station.pem cannot be read as an Ed25519 public key (${errorMessage(err)}).`, 'station.pem');
    return done();
  }
  if (!sigBytes) {
    fail(`${MANIFEST_SIG_NAME} is missing: the export manifest is not signed, so nothing ties these files to the station.`, MANIFEST_SIG_NAME);
    return done();
  }
  // Made on the warehouse hub: the hub's key in hub.pem signs the export manifest instead.
  if (!verifySig(key, manBytes, sigBytes)) hub = hubSigner(files, manBytes, sigBytes);
  if (!verifySig(key, manBytes, sigBytes) && !hub) {
    fail(
      `The signature of the export manifest does NOT hold: ${MANIFEST_NAME}, ${MANIFEST_SIG_NAME} and station.pem do not belong together (the manifest was changed after the station signed it, the signature was changed, or station.pem is not the key that signed it). None of the hashes it lists can be trusted, so no file of this package is vouched for.`,
      MANIFEST_NAME,
    );
    problemFiles.push(MANIFEST_SIG_NAME, 'station.pem');
    return done();
  }
  let man: ExportManifest;
  try {
    man = JSON.parse(manBytes.toString('utf8')) as ExportManifest;
  } catch {
    fail(`${MANIFEST_NAME} is signed but is not JSON.`, MANIFEST_NAME);
    return done();
  }
  if (!man || typeof man.files !== 'object' || !Array.isArray(man.clips)) {
    fail(`${MANIFEST_NAME} is signed but is not an export manifest this version knows.`, MANIFEST_NAME);
    return done();
  }
  if (hub) {
    ok(
      `${MANIFEST_NAME} is signed by the warehouse hub "${hub.name}" with its key in ${HUB_KEY_NAME} (fingerprint ${hub.fingerprint}), not by the station: the hub made this export from the station's sealed clip (${HUB_README_NAME}). station.pem (fingerprint ${fp}) is the station's key, which signed the clip's own manifest.`,
    );
    hubReceiptLines(hub, fp, man, ok, fail);
  } else ok(`${MANIFEST_NAME} is signed by the station key in station.pem (fingerprint ${fp}).`);
  // A hub's package is of any station's clip: checked on another station, that is no problem.
  if (stationFingerprint && stationFingerprint !== fp && hub) info(`station.pem is not this station's key: the clip was recorded at another station.`);
  else if (stationFingerprint && stationFingerprint !== fp)
    fail(`station.pem is not this station's key (${stationFingerprint}): the package was signed elsewhere.`, 'station.pem');
  if (man.stationKeyFingerprint && man.stationKeyFingerprint !== fp)
    fail(`The export manifest names station key ${man.stationKeyFingerprint}, not the key in station.pem.`, 'station.pem');
  info(
    `Order ${man.order}, exported ${man.createdAt} by station ${man.station} with preset ${man.preset.name}; clips: ${man.mode === 'returns' ? 'returns (unboxing)' : man.mode === 'all' ? 'shipping and returns' : 'shipping (packing)'}.`,
  );
  if (man.edits?.length) info(`This export is EDITED: ${man.edits.join(', ')}.`);

  // TSA certificates: those given to this run (`--tsa-cert`) and any given with the package, as
  // verify.html takes them; a token whose TSA's certificate is nowhere at hand is unverifiable, not altered.
  const addedCerts: CertInfo[] = [...givenTsaCerts()];
  for (const [name, bytes] of files) if (isCertName(name)) addedCerts.push(...certsFromFile(bytes));
  const manSha = sha(manBytes);
  const tsr = files.get(MANIFEST_TSR_NAME);
  if (tsr) {
    try {
      const t = parseTimestampResponse(tsr, { addedCerts });
      if (t.hashAlgorithm !== 'sha256' || t.hashedMessage !== manSha) throw new Error('the token covers a different file than the export manifest');
      if (t.trust.status === 'unverifiable') {
        info(`The export's trusted timestamp ${MANIFEST_TSR_NAME}: ${unverifiableText(t)}`);
      } else if (!t.signatureValid) throw new Error(t.trust.reason ?? "the TSA's signature over the token is NOT valid");
      else
        ok(
          `Trusted time of the export: ${new Date(t.time).toISOString()} from ${shortTsaName(t.name)}; the token covers the signed export manifest (${short(manSha)}).`,
        );
    } catch (err) {
      fail(`The export's trusted timestamp ${MANIFEST_TSR_NAME} does NOT verify: ${errorMessage(err)}.`, MANIFEST_TSR_NAME);
    }
  } else info(`The export manifest has no trusted timestamp (${MANIFEST_TSR_NAME}): the time of the export is the station's own clock.`);

  const bad = new Set<string>();
  const got = new Map<string, string>();
  for (const [name, want] of Object.entries(man.files) as [string, PackageFile][]) {
    const bytes = files.get(name);
    if (!bytes) {
      bad.add(name);
      fail(`${name} is missing: the signed manifest lists it (${want.text}), but it is not in what was given.`, name);
      continue;
    }
    const h = sha(bytes);
    got.set(name, h);
    if (h !== want.sha256 || bytes.length !== want.bytes) {
      bad.add(name);
      fail(
        `${name}: SHA-256 does NOT match the signed manifest: this is not the file the station exported (it was changed, or another file was put in its place). Expected ${want.sha256}, got ${h}.`,
        name,
      );
    } else ok(`${name}: SHA-256 matches the signed manifest (${short(h)}).`);
  }
  for (const name of files.keys()) {
    if (name in man.files || OWN.has(name) || /\.zip$/i.test(name) || (hub && HUB_FILES.includes(name))) continue;
    if (isCertName(name)) info(`${name} is not part of the export: it was given as a TSA certificate to check the timestamps with.`);
    else fail(`${name} is a foreign file: the signed manifest does not list it, so it is not part of this export.`, name);
  }

  const sealed = new Map<string, string>();
  for (const clip of man.clips) {
    const what = `Clip ${clip.clipId} of order ${clip.order} (${clip.mode === 'returns' ? 'RETURN, unboxing' : 'shipping, packing'})`;
    const m = clip.manifest ? files.get(clip.manifest) : undefined;
    const s = clip.signature ? files.get(clip.signature) : undefined;
    if (!clip.manifest) info(`${what} has no signed clip manifest (recorded before signing).`);
    else if (!m || !s || bad.has(clip.manifest) || (clip.signature && bad.has(clip.signature)))
      info(`${what}: its signed clip manifest is not checked (see the lines above).`);
    else if (!verifySig(key, m, s)) fail(`${what}: the manifest signature is NOT valid.`, clip.signature ?? undefined);
    else {
      let signed: { key?: unknown; sha256?: unknown } | null = null;
      try {
        signed = JSON.parse(m.toString('utf8')) as { key?: unknown; sha256?: unknown };
      } catch {
        signed = null;
      }
      if (!signed) fail(`${what}: the signed manifest is not JSON.`, clip.manifest);
      else {
        ok(`${what}: the manifest is signed by the station key.`);
        if (typeof signed.key === 'string' && signed.key !== fp)
          fail(`${what}: the manifest was signed for another station key (${signed.key}), not the one in station.pem.`, 'station.pem');
        else if (typeof signed.key === 'string') ok(`${what}: station.pem is the key its signed manifest names.`);
        if (signed.sha256 === clip.originalSha256) {
          sealed.set(clip.clipId, clip.originalSha256);
          ok(`${what}: the signed manifest names the original clip hash ${short(clip.originalSha256)}.`);
        } else fail(`${what}: the signed clip manifest names a different clip hash than the export manifest.`, clip.manifest);
      }
    }
    if (clip.timestamp && !bad.has(clip.timestamp)) {
      const tok = files.get(clip.timestamp);
      if (tok) {
        try {
          const t = parseTimestampResponse(tok, { addedCerts });
          if (t.hashedMessage !== clip.originalSha256) throw new Error('the token covers a different file');
          if (t.trust.status === 'unverifiable') info(`${what}: ${unverifiableText(t)}`);
          else if (!t.signatureValid) throw new Error(t.trust.reason ?? "the TSA's signature over the token is NOT valid");
          else ok(`${what}: trusted time ${new Date(t.time).toISOString()} from ${shortTsaName(t.name)}, covering the clip's SHA-256.`);
        } catch (err) {
          fail(`${what}: the trusted timestamp ${clip.timestamp} does NOT verify: ${errorMessage(err)}.`, clip.timestamp);
        }
      }
    } else if (!clip.timestamp) info(`${what} has no trusted timestamp in this package.`);
    checkSegment(clip, what, files, bad, key, fp, addedCerts, { ok, fail, info });
  }

  for (const [name, e] of Object.entries(man.files) as [string, PackageFile][]) {
    if (bad.has(name) || !e.from || e.role === 'evidence') continue;
    if (sealed.get(e.from.clipId) !== e.from.sha256) {
      // Its clip's signed manifest did not verify: that is failed above; the file is not described as if it had.
      info(`Made from clip ${e.from.clipId}, whose signed clip manifest is not verified here: ${name} is not described.`);
      continue;
    }
    if (e.how?.method === 'original') {
      if (got.get(name) === e.from.sha256) ok(`${name} is the original recording itself, byte for byte.`);
      else fail(`${name} claims to be the original recording, but its hash differs from the signed clip's.`, name);
    } else info(`${name}: ${e.text}.`);
  }
  return done();
}

const stampTime = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');

interface SegmentEntry {
  seq: number;
  body: string;
  hash: string;
  signature: string;
}

/**
 * The clip's chain segment (X.chain.json, anchors.ts) and its anchor's token (X.anchor.tsr), as
 * verify.html checks them: every entry's hash is the SHA-256 of its body and its signature is the
 * station key's; each entry names the one before (prev) and numbers on from it; the first is this
 * clip's signed manifest; the last is an anchor whose stamped entry is in the segment, and the
 * TSA's token covers exactly that entry's hash. A rewrite that keeps every signature and link
 * still changes that hash, which a third party stamped.
 */
function checkSegment(
  clip: ExportManifest['clips'][number],
  what: string,
  files: Map<string, Buffer>,
  bad: Set<string>,
  key: KeyObject,
  fp: string,
  addedCerts: CertInfo[],
  out: { ok: (t: string) => void; fail: (t: string, file?: string) => void; info: (t: string) => void },
): void {
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
    entries = (JSON.parse(segBytes.toString('utf8')) as { entries: SegmentEntry[] }).entries;
    if (!Array.isArray(entries) || entries.length === 0) throw new Error('no entries');
  } catch {
    fail(`${segName} is not a chain segment this version can read.`);
    return;
  }
  let broken = false;
  const bodies: (Record<string, unknown> | null)[] = [];
  entries.forEach((e, i) => {
    const name = `chain entry ${e.seq}`;
    const body = Buffer.from(String(e.body), 'utf8');
    const h = sha(body);
    let b: Record<string, unknown> | null = null;
    try {
      b = JSON.parse(e.body) as Record<string, unknown>;
    } catch {
      b = null;
    }
    bodies.push(b);
    const bail = (t: string): void => {
      broken = true;
      fail(`${name} in ${segName}: ${t}`);
    };
    if (h !== e.hash) bail('its SHA-256 is not the hash the segment gives it: its body was changed.');
    if (!verifySig(key, body, Buffer.from(String(e.signature), 'base64')))
      bail("the station's signature over it does NOT hold (it was changed, or signed with another key than station.pem).");
    if (!b) return bail('its body is not JSON.');
    if (b.seq !== e.seq) bail(`its signed body says it is entry ${String(b.seq)}.`);
    if (b.key !== fp) bail(`it was signed for station key ${String(b.key)}, not the key in station.pem.`);
    if (i > 0) {
      const before = entries[i - 1]!;
      if (b.prev !== sha(Buffer.from(String(before.body), 'utf8')))
        bail(`it does not follow chain entry ${before.seq} (its "prev" names another entry's hash): an entry was removed, inserted or reordered here.`);
      if (typeof b.seq === 'number' && b.seq !== Number(bodies[i - 1]?.seq) + 1)
        bail(`it is numbered ${b.seq} right after entry ${String(bodies[i - 1]?.seq)}: an entry is missing or out of order.`);
    }
  });
  const manifest = clip.manifest ? files.get(clip.manifest) : undefined;
  const first = entries[0]!;
  if (!manifest || sha(Buffer.from(String(first.body), 'utf8')) !== sha(manifest) || bodies[0]?.kind !== 'clip') {
    broken = true;
    fail(`${segName} does not start at this clip's entry: its first entry (${first.seq}) is not the signed clip manifest ${clip.manifest ?? ''}.`);
  }
  const last = entries[entries.length - 1]!;
  const a = bodies[bodies.length - 1];
  if (!a || a.kind !== 'anchor' || typeof a.head !== 'number' || typeof a.token !== 'string') {
    fail(`${segName} does not end at an anchor entry (its last entry ${last.seq} is no anchor): nothing a third party stamped covers this clip's entry.`);
    return;
  }
  const anchorName = `anchor entry ${last.seq}`;
  const stamped = entries.find((e) => e.seq === a.head);
  if (!stamped || a.head < first.seq) {
    fail(`${anchorName} stamps chain entry ${a.head}, which is not in the segment from ${first.seq}: it does not cover this clip's entry.`);
    return;
  }
  const stampedHash = sha(Buffer.from(String(stamped.body), 'utf8'));
  if (a.headHash !== stampedHash) {
    broken = true;
    fail(`${anchorName} names ${short(String(a.headHash))} as the hash of chain entry ${a.head}, but that entry hashes to ${short(stampedHash)}.`);
  }
  if (!token.equals(Buffer.from(a.token, 'base64'))) {
    out.fail(`${what}: ${tokenName} is not the token ${anchorName} holds: the anchor's token was swapped.`, tokenName);
    return;
  }
  let t: ReturnType<typeof parseTimestampResponse>;
  try {
    t = parseTimestampResponse(token, { addedCerts });
  } catch (err) {
    out.fail(`${what}: the anchor token ${tokenName} cannot be read (${errorMessage(err)}).`, tokenName);
    return;
  }
  const by = `${shortTsaName(t.name)} at ${stampTime(t.time)}`;
  if (t.hashAlgorithm !== 'sha256' || t.hashedMessage !== stampedHash) {
    fail(
      `${anchorName}: ${by} stamped ${short(t.hashedMessage)}, not chain entry ${a.head} as this segment has it (${short(stampedHash)}): the record up to it was changed, reordered or re-signed after that time.`,
    );
    return;
  }
  // Without the TSA's certificate nothing vouches for the anchor's time: said, and not claimed.
  if (t.trust.status === 'unverifiable') {
    out.info(`${what}: the anchor token ${tokenName}: ${unverifiableText(t)}`);
    return;
  } else if (!t.signatureValid || t.trust.status === 'invalid') {
    out.fail(`${what}: the anchor token ${tokenName} does NOT verify: ${t.trust.reason ?? "the TSA's signature over the token is NOT valid"}.`, tokenName);
    return;
  }
  if (broken) return;
  out.ok(
    `${what}: in the station's record by ${stampTime(t.time)} at the latest (anchor of ${shortTsaName(t.name)}): chain entries ${first.seq}–${last.seq} are signed by the station and linked, and ${shortTsaName(t.name)} stamped entry ${a.head}.`,
  );
}

/** A certificate file given beside the package (a TSA's, to check its tokens); station.pem is the station's key. */
function isCertName(name: string): boolean {
  return /\.(pem|crt|cer|der)$/i.test(name) && name !== 'station.pem';
}

interface HubSigner {
  name: string;
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
  return { name: typeof receipt?.hubName === 'string' ? receipt.hubName : 'unnamed hub', fingerprint, receipt, receiptSigned };
}

/** What the hub's receipt says (when it received and checked the clip), and that it belongs to this package. */
function hubReceiptLines(hub: HubSigner, stationFp: string, man: ExportManifest, ok: (t: string) => void, fail: (t: string, f?: string) => void): void {
  const r = hub.receipt;
  if (!r) return fail(`${HUB_RECEIPT_NAME} is missing or unreadable: the hub's receipt for the clip cannot be shown.`, HUB_RECEIPT_NAME);
  if (!hub.receiptSigned)
    return fail(`${HUB_RECEIPT_NAME} is NOT signed by the hub key in ${HUB_KEY_NAME} (changed, or its signature is missing).`, HUB_RECEIPT_NAME);
  if (r.hubFingerprint !== hub.fingerprint) fail(`${HUB_RECEIPT_NAME} names another hub key than ${HUB_KEY_NAME}.`, HUB_RECEIPT_NAME);
  if (r.stationFingerprint !== stationFp) fail(`${HUB_RECEIPT_NAME} is for another station key than station.pem.`, HUB_RECEIPT_NAME);
  if (!man.clips.some((c) => c.originalSha256 === r.sha256))
    fail(`${HUB_RECEIPT_NAME} is for another clip than the one this export was made from.`, HUB_RECEIPT_NAME);
  const at = (v: unknown): string => (typeof v === 'number' ? new Date(v).toISOString() : '?');
  ok(
    `${HUB_RECEIPT_NAME}: the hub "${hub.name}" received clip ${String(r.clipId)} (SHA-256 ${short(String(r.sha256))}) from the station with key ${short(stationFp)} at ${at(r.receivedAt)} and checked it again at ${at(r.verifiedAt)}; the hub's signature over the receipt holds.`,
  );
}
