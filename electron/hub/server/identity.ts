// The hub's own identity and settings, in its data folder:
// - hub-key/hub.key (PKCS8 PEM, 0600) and hub-key/hub.pem: its Ed25519 key, made at first start.
//   Stations pin its fingerprint (SHA-256 of the public key's DER, the same function as a
//   station's). Two hub processes serving one warehouse (PostgreSQL + S3) use one key: copy the
//   hub-key folder to each.
// - hub.json: the name and the storage it was started with (--pg, --s3), so `hub enroll-code`,
//   `hub clips` and `hub doctor` find the same index and store without the flags again. No secret
//   goes there: S3 keys come from the environment or a credentials file.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, createHash, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprintOf } from '../../engine/evidence/keys.ts';
import { defaultDataDir } from '../../engine/paths.ts';
import type { HubIndex } from '../index/types.ts';

export interface HubKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
  fingerprint: string;
}

export interface HubSettings {
  name: string;
  pg: string | null;
  s3: string | null;
  s3CredentialsFile: string | null;
  retention: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number } | null;
  /** Extra TSA certificates the console's verify trusts: a PEM/DER file or a folder of them (absent: none). */
  tsaCerts?: string | null;
}

/** `<the station's default data folder>/hub` unless --data or PACKWITNESS_HUB_DATA says otherwise. */
export function hubDataDir(value: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (value) return path.resolve(value);
  if (env.PACKWITNESS_HUB_DATA) return path.resolve(env.PACKWITNESS_HUB_DATA);
  return path.join(defaultDataDir(env), 'hub');
}

function writeSafely(file: string, data: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export function loadOrCreateHubKey(dataDir: string): HubKey {
  const dir = path.join(dataDir, 'hub-key');
  const keyFile = path.join(dir, 'hub.key');
  const pubFile = path.join(dir, 'hub.pem');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(keyFile)) {
    if (fs.existsSync(pubFile)) {
      // Stations pinned the old key: a new one would make the hub an impostor to all of them.
      throw new Error(
        `the hub's private key ${keyFile} is missing while hub.pem is there; restore it from a backup (or move hub.pem away and enroll every station again)`,
      );
    }
    const pair = generateKeyPairSync('ed25519');
    // link-free create: of two hubs starting at once on one folder, the second keeps the first's key
    const pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const tmp = `${keyFile}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, pem, { mode: 0o600 });
    try {
      fs.linkSync(tmp, keyFile);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  const privateKey = createPrivateKey(fs.readFileSync(keyFile));
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  if (!fs.existsSync(pubFile) || fs.readFileSync(pubFile, 'utf8') !== publicPem) writeSafely(pubFile, publicPem, 0o644);
  return { privateKey, publicKey, publicPem, fingerprint: fingerprintOf(publicKey) };
}

const SETTINGS_FILE = 'hub.json';

export function readHubSettings(dataDir: string): HubSettings {
  const file = path.join(dataDir, SETTINGS_FILE);
  const defaults: HubSettings = { name: os.hostname() || 'hub', pg: null, s3: null, s3CredentialsFile: null, retention: null };
  if (!fs.existsSync(file)) return defaults;
  const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<HubSettings>;
  return { ...defaults, ...v };
}

export function writeHubSettings(dataDir: string, s: HubSettings): void {
  fs.mkdirSync(dataDir, { recursive: true });
  writeSafely(path.join(dataDir, SETTINGS_FILE), `${JSON.stringify(s, null, 2)}\n`, 0o600);
}

/** The settings with this run's flags applied (flags win and are remembered). */
export function settingsWithFlags(dataDir: string, flags: { pg?: string | undefined; s3?: string | undefined; name?: string | undefined }): HubSettings {
  const s = readHubSettings(dataDir);
  const next: HubSettings = {
    ...s,
    ...(flags.pg !== undefined ? { pg: flags.pg || null } : {}),
    ...(flags.s3 !== undefined ? { s3: flags.s3 || null } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
  };
  return next;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const ENROLL_CODE_TTL_MS = 24 * 3600_000;

export const codeHash = (code: string): string => createHash('sha256').update(code.trim(), 'utf8').digest('hex');

/** A one-time enrollment code, valid 24 h: PWE1-<20 base32>-<first 16 hex of the hub fingerprint>. */
export async function newEnrollCode(index: HubIndex, hubFingerprint: string, now = Date.now()): Promise<{ code: string; expiresAt: number }> {
  const bytes = randomBytes(20);
  let secret = '';
  for (let i = 0; i < 20; i++) secret += BASE32[bytes[i]! & 31];
  const code = `PWE1-${secret}-${hubFingerprint.slice(0, 16)}`;
  const expiresAt = now + ENROLL_CODE_TTL_MS;
  await index.addEnrollCode(codeHash(code), now, expiresAt);
  return { code, expiresAt };
}
