// The evidence package: a folder (and the same content as one ZIP) that a reviewer can check
// without PackWitness. export-manifest.json (canonical JSON, signed by the station key in
// export-manifest.json.sig) lists every file with its SHA-256 and size and says what each derived
// file comes from; verify.html checks all of it offline.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { canonicalBytes, type JsonValue } from '../evidence/canonicalJson.ts';
import { verifyHtml } from './verifyHtml.ts';

export const MANIFEST_NAME = 'export-manifest.json';
/** Raw 64-byte Ed25519 signature of export-manifest.json by the station key (as X.manifest.json.sig). */
export const MANIFEST_SIG_NAME = 'export-manifest.json.sig';
/** RFC 3161 token over export-manifest.json's SHA-256, when a TSA answered: the export's trusted time. */
export const MANIFEST_TSR_NAME = 'export-manifest.tsr';
export const VERIFY_NAME = 'verify.html';
export const README_NAME = 'README.txt';
/**
 * A package the warehouse hub made from a station's sealed clip: the hub signs the export manifest
 * with its own key (the station's key never leaves the station) and adds its key, its signed
 * receipt for the clip and a read-me saying so. The clip's own manifest stays the station's.
 */
export const HUB_KEY_NAME = 'hub.pem';
export const HUB_RECEIPT_NAME = 'hub-receipt.json';
export const HUB_RECEIPT_SIG_NAME = 'hub-receipt.json.sig';
export const HUB_README_NAME = 'README-HUB.txt';
export const HUB_FILES: readonly string[] = [HUB_KEY_NAME, HUB_RECEIPT_NAME, HUB_RECEIPT_SIG_NAME, HUB_README_NAME];
export const EXPORT_FORMAT = 'packwitness-export/2';

/** Which clips of an order an export takes: the packing (shipping) clips, the unboxing (returns) ones, or both. */
export type ExportMode = 'shipping' | 'returns' | 'all';
export type ClipMode = 'shipping' | 'returns';

export interface PackagedExport {
  file: string;
  sha256: string;
  bytes: number;
  part: number;
  parts: number;
  startMs: number;
  endMs: number;
  durationMs: number;
  speed: number;
  /** true for "Original": the signed file itself. */
  copyOfOriginal: boolean;
  /** false: cut from the original's packets (stream copy), every frame bit-identical. */
  reencoded: boolean;
}

export interface PackagedClip {
  clipId: string;
  order: string;
  mode: ClipMode;
  station: string;
  operator: string | null;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  originalFile: string;
  originalSha256: string;
  manifest: string | null;
  signature: string | null;
  timestamp: string | null;
  /** The signed record of the clip's frames (X.continuity.json) and its signature, when there is one. */
  continuity?: string | null;
  continuitySignature?: string | null;
  seq: number | null;
  /**
   * The station's chain from this clip's entry up to the anchor that covers it (X.chain.json) and
   * that anchor's RFC 3161 token (X.anchor.tsr); null when no anchor covered the clip at export
   * time (a later export carries one). Absent in packages made before segments were carried.
   */
  chainSegment?: string | null;
  anchorToken?: string | null;
  exports: PackagedExport[];
  stills: { file: string; sha256: string; atMs: number }[];
  sheets: { png: string; pdf: string }[];
}

/** How a derived file was made from the sealed clip. */
export type Derivation =
  | { method: 'original' }
  | { method: 'stream-copy'; frames: { first: number; end: number } }
  | {
      method: 're-encode';
      frames: { first: number; end: number };
      params: { codec: 'H.264'; width: number; height: number; fps: number; videoBps: number; maxrateBps: number; audioBps: number; speed: number };
    }
  | { method: 'still'; atMs: number; params: { width: number | null; jpegQuality: number; crop?: [number, number, number, number] } }
  | { method: 'sheet'; of: string | null; format: 'png' | 'pdf' };

/**
 * One file of the package. Derived files (video, still, sheet) name the sealed clip they come from,
 * how they were made, and the span of the original they cover; evidence files name their clip.
 */
export interface PackageFile {
  sha256: string;
  bytes: number;
  role: 'video' | 'still' | 'sheet' | 'evidence' | 'key' | 'package';
  /** The sealed clip this file comes from or belongs to; null for station.pem, verify.html, README.txt. */
  from: { clipId: string; order: string; mode: ClipMode; sha256: string; seq: number | null } | null;
  how: Derivation | null;
  /** Span of the original clip the file covers, ms into the clip (a still: its instant). */
  span: { startMs: number; endMs: number } | null;
  part: { index: number; count: number } | null;
  /** "part 2 of 3 of …, re-encoded from clip X …": what verify says about the file, in words. */
  text: string;
}

export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  createdAt: string;
  order: string;
  /** Which clips of the order were asked for. */
  mode: ExportMode;
  preset: { id: string; name: string };
  form: string;
  edits: string[];
  station: string;
  stationKey: string | null;
  stationKeyFingerprint: string | null;
  clips: PackagedClip[];
  /**
   * Every file of the package with its SHA-256, size and origin, except this manifest, its
   * signature and token, and the ZIP (which holds them).
   */
  files: Record<string, PackageFile>;
}

const README = (m: Pick<ExportManifest, 'order' | 'createdAt' | 'preset' | 'edits'>): string =>
  [
    `PackWitness evidence package - order ${m.order}`,
    '',
    `Exported ${m.createdAt} with preset "${m.preset.name}".${m.edits.length ? ` EDITED: ${m.edits.join(', ')}.` : ' Continuous, unedited footage.'}`,
    '',
    'To check it without PackWitness: open verify.html in a current browser (Chrome, Edge, Firefox,',
    'Safari) and choose this ZIP or all files of this folder. Or by hand:',
    '  openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in export-manifest.json -sigfile export-manifest.json.sig',
    '                             the station signed export-manifest.json ("Signature Verified Successfully")',
    '  sha256sum *                compare each file with its "sha256" in export-manifest.json',
    '  openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in X.manifest.json -sigfile X.manifest.json.sig',
    '  openssl ts -reply -in X.tsr -text     shows the trusted time of the original clip',
    '  openssl ts -verify -digest SHA256 -in X.tsr -CAfile TSA-CA.pem',
    '      checks that token and the TSA certificate\'s chain of trust; SHA256 is the "sha256" of',
    '      X.manifest.json, TSA-CA.pem the CA certificate the time-stamping authority publishes',
    '  openssl ts -verify -data export-manifest.json -in export-manifest.tsr -CAfile TSA-CA.pem',
    '      the trusted time of the export itself (when the package has export-manifest.tsr)',
    '  openssl ts -verify -digest HEADHASH -in X.anchor.tsr -CAfile TSA-CA.pem',
    "      the chain anchor: a TSA stamped the station's record up to the entry of X.chain.json whose",
    '      "seq" is the anchor\'s "head"; HEADHASH is that entry\'s "hash". X.chain.json holds every',
    "      entry from the clip's own (its body is X.manifest.json) to the anchor; verify.html checks",
    "      each entry's hash, signature and link to the one before",
    '',
  ].join('\n');

/** verify.html and README.txt: written first, so the manifest lists them with their hashes. */
export async function writePackageHelpers(dir: string, m: Pick<ExportManifest, 'order' | 'createdAt' | 'preset' | 'edits'>): Promise<void> {
  await fsp.writeFile(path.join(dir, VERIFY_NAME), await verifyHtml());
  await fsp.writeFile(path.join(dir, README_NAME), README(m));
}

/** The manifest as signed: canonical JSON (sorted keys, no spaces, UTF-8), the same form as clip manifests. */
export function manifestBytes(manifest: ExportManifest): Buffer {
  return canonicalBytes(manifest as unknown as JsonValue);
}

/** Already-compressed media are stored as they are: deflating them costs time and saves nothing. */
const STORED = /\.(mp4|jpe?g|png|pdf|zip)$/i;

/** Zips the package folder's files (flat) into zipFile, streaming: memory stays small for big videos. */
export async function zipFolder(dir: string, names: string[], zipFile: string, signal?: AbortSignal): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const name of names) zip.addFile(path.join(dir, name), name, { compress: !STORED.test(name) });
  zip.end();
  const tmp = `${zipFile}.part`;
  await new Promise<void>((resolve, reject) => {
    const out = fs.createWriteStream(tmp);
    const onAbort = (): void => {
      out.destroy();
      reject(new Error('The export was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    zip.outputStream.on('error', reject);
    out.on('error', reject);
    out.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    zip.outputStream.pipe(out);
  }).catch(async (err: unknown) => {
    await fsp.rm(tmp, { force: true });
    throw err;
  });
  await fsp.rename(tmp, zipFile);
}
