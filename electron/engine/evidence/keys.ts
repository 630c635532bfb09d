// The station's Ed25519 key pair, made at first run. The public key (SPKI PEM) is station.pem, the
// file a reviewer gives to `openssl pkeyutl -verify -pubin -inkey station.pem`. The private key
// (PKCS8 PEM, mode 0600) never leaves <dataDir>/keys/; a KeyProtector may wrap it (the desktop
// shell plugs in Electron safeStorage, i.e. the OS keystore).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../../shared/errorMessage.ts';

/** Wraps the private key PEM at rest. `protect` output is what lands on disk. */
export interface KeyProtector {
  /** Short name written next to the key so the right protector is used to open it, e.g. 'plain', 'safeStorage'. */
  readonly name: string;
  protect(pem: Buffer): Buffer;
  unprotect(stored: Buffer): Buffer;
}

export const plainKeyProtector: KeyProtector = {
  name: 'plain',
  protect: (pem) => pem,
  unprotect: (stored) => stored,
};

export interface StationKey {
  publicKey: KeyObject;
  /** Null when this process cannot open the private key: it can verify, not seal (see `unavailable`). */
  privateKey: KeyObject | null;
  /** Why the private key is not available, in words; null when it is. */
  unavailable: string | null;
  publicPem: string;
  /** SHA-256 of the public key's DER (SPKI), hex: `openssl pkey -pubin -in station.pem -outform DER | openssl dgst -sha256`. */
  fingerprint: string;
  publicFile: string;
}

export function keyFiles(dataDir: string): { dir: string; publicFile: string; privateFile: string; protectorFile: string } {
  const dir = path.join(dataDir, 'keys');
  return {
    dir,
    publicFile: path.join(dir, 'station.pem'),
    privateFile: path.join(dir, 'station.key'),
    protectorFile: path.join(dir, 'station.key.protector'),
  };
}

export function fingerprintOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** Groups a hex fingerprint for reading aloud or on paper: "ab12 cd34 …". */
export function formatFingerprint(hex: string): string {
  return hex.match(/.{1,4}/g)?.join(' ') ?? hex;
}

function writeFileSafely(file: string, data: Buffer | string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, 'w', mode);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.chmodSync(tmp, mode); // the umask may have widened it
  fs.renameSync(tmp, file);
}

/**
 * Reads the station key; only when there is none at all is a new pair made. When the private key
 * cannot be opened here (missing, or wrapped by a keystore this process has no access to, e.g. the
 * CLI on the desktop app's folder), the public key still verifies everything and `privateKey` is
 * null with the reason: this process can check but not seal, and says so instead of failing to start.
 */
export function loadOrCreateStationKey(dataDir: string, protector: KeyProtector = plainKeyProtector): StationKey {
  const f = keyFiles(dataDir);
  fs.mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const havePrivate = fs.existsSync(f.privateFile);
  const havePublic = fs.existsSync(f.publicFile);
  if (!havePrivate && havePublic) {
    // Never silently replace a key whose public half is already out there: every earlier
    // signature would look forged. A person must decide.
    return publicOnly(
      f.publicFile,
      `the station's private key ${f.privateFile} is missing (restore it from a backup, or move station.pem away to start a new key)`,
    );
  }
  if (!havePrivate) {
    const pair = generateKeyPairSync('ed25519');
    const pem = Buffer.from(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    writeFileSafely(f.privateFile, protector.protect(pem), 0o600);
    writeFileSafely(f.protectorFile, `${protector.name}\n`, 0o600);
    writeFileSafely(f.publicFile, pair.publicKey.export({ type: 'spki', format: 'pem' }) as string, 0o644);
  }
  const storedProtector = fs.existsSync(f.protectorFile) ? fs.readFileSync(f.protectorFile, 'utf8').trim() : 'plain';
  let privateKey: KeyObject;
  try {
    if (storedProtector === protector.name) {
      privateKey = createPrivateKey(protector.unprotect(fs.readFileSync(f.privateFile)));
    } else if (storedProtector === plainKeyProtector.name) {
      // A station that ran before the keystore was available: wrap its key now, same key pair.
      const pem = fs.readFileSync(f.privateFile);
      privateKey = createPrivateKey(pem);
      writeFileSafely(f.privateFile, protector.protect(pem), 0o600);
      writeFileSafely(f.protectorFile, `${protector.name}\n`, 0o600);
    } else {
      if (!havePublic) throw new Error(`the key is wrapped by "${storedProtector}" and station.pem is missing`);
      return publicOnly(
        f.publicFile,
        `the station's private key is protected by "${storedProtector}" (the desktop app's keystore), which this process cannot open`,
      );
    }
  } catch (err) {
    if (!havePublic) throw new Error(`The station key in ${f.dir} cannot be read: ${errorMessage(err)}`);
    return publicOnly(f.publicFile, `the station's private key cannot be opened: ${errorMessage(err)}`);
  }
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  const onDisk = havePublic ? fs.readFileSync(f.publicFile, 'utf8') : null;
  if (onDisk !== publicPem) {
    // station.pem is only a copy of the public half; rewrite it from the private key.
    writeFileSafely(f.publicFile, publicPem, 0o644);
  }
  return { publicKey, privateKey, publicPem, fingerprint: fingerprintOf(publicKey), publicFile: f.publicFile, unavailable: null };
}

function publicOnly(publicFile: string, reason: string): StationKey {
  const publicKey = createPublicKey(fs.readFileSync(publicFile));
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return { publicKey, privateKey: null, publicPem, fingerprint: fingerprintOf(publicKey), publicFile, unavailable: reason };
}

/** The public key as a reviewer has it: from station.pem alone, without the private key. */
export function signBytes(key: KeyObject, data: Buffer): Buffer {
  return sign(null, data, key);
}

export function verifyBytes(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return signature.length === 64 && verify(null, data, key, signature);
  } catch {
    return false;
  }
}
