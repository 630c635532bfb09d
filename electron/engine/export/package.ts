// The evidence package: a folder (and the same content as one ZIP) that a reviewer can check
// without PackWitness. export-manifest.json lists every file with its SHA-256 and ties each export
// to the original clip's signed manifest; verify.html checks all of it offline.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import { VERIFY_HTML } from './verifyHtml.ts';

export const MANIFEST_NAME = 'export-manifest.json';
export const VERIFY_NAME = 'verify.html';

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
  exports: PackagedExport[];
  stills: { file: string; sha256: string; atMs: number }[];
  sheets: { png: string; pdf: string }[];
}

export interface ExportManifest {
  format: 'packwitness-export/1';
  createdAt: string;
  order: string;
  preset: { id: string; name: string };
  form: string;
  edits: string[];
  stationKey: string | null;
  stationKeyFingerprint: string | null;
  clips: PackagedClip[];
  /** Every file of the package but verify.html and this manifest, with its SHA-256. */
  files: Record<string, string>;
}

const README = (m: ExportManifest): string =>
  [
    `PackWitness evidence package - order ${m.order}`,
    '',
    `Exported ${m.createdAt} with preset "${m.preset.name}".${m.edits.length ? ` EDITED: ${m.edits.join(', ')}.` : ' Continuous, unedited footage.'}`,
    '',
    'To check it without PackWitness: open verify.html in a current browser (Chrome, Edge, Firefox,',
    'Safari) and choose this ZIP or all files of this folder. Or by hand:',
    '  sha256sum *.mp4            compare with export-manifest.json',
    '  openssl pkeyutl -verify -pubin -inkey station.pem -rawin -in X.manifest.json -sigfile X.manifest.json.sig',
    '  openssl ts -reply -in X.tsr -text     shows the trusted time of the original clip',
    '  openssl ts -verify -digest SHA256 -in X.tsr -CAfile TSA-CA.pem',
    '      checks that token and the TSA certificate\'s chain of trust; SHA256 is the "sha256" of',
    '      X.manifest.json, TSA-CA.pem the CA certificate the time-stamping authority publishes',
    '',
  ].join('\n');

export async function writePackageFiles(dir: string, manifest: ExportManifest): Promise<void> {
  await fsp.writeFile(path.join(dir, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n');
  await fsp.writeFile(path.join(dir, VERIFY_NAME), VERIFY_HTML);
  await fsp.writeFile(path.join(dir, 'README.txt'), README(manifest));
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
