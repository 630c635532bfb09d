// The station's private signing key, encrypted at rest with the OS keystore through Electron's
// safeStorage (DPAPI on Windows, the Keychain on macOS, libsecret/kwallet on Linux): a copied
// data folder then carries no usable key. The evidence module (electron/engine/evidence/keys.ts)
// records which protector wrapped the key and refuses to open it with another, so the choice here
// is made once, when the key is created, and followed afterwards.
import fs from 'node:fs';
import type { SafeStorage } from 'electron';
import { keyFiles, plainKeyProtector, type KeyProtector } from '../engine/evidence/keys.ts';

export const SAFE_STORAGE = 'safeStorage';

type Store = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'> & {
  getSelectedStorageBackend?: () => string;
};

export function safeStorageProtector(store: Store): KeyProtector {
  return {
    name: SAFE_STORAGE,
    protect: (pem) => store.encryptString(pem.toString('utf8')),
    unprotect: (stored) => Buffer.from(store.decryptString(stored), 'utf8'),
  };
}

/** Encryption that actually protects something: on Linux 'basic_text' is a fixed, public password. */
export function realEncryption(store: Store, platform: NodeJS.Platform = process.platform): boolean {
  if (!store.isEncryptionAvailable()) return false;
  if (platform === 'linux' && store.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

/**
 * Which protector opens (or creates) the key in dataDir. An existing key keeps its protector — a
 * key first made by `packwitness serve` stays plain, so both doors can still sign with it; a new
 * key is encrypted whenever the OS offers real encryption.
 */
export function chooseKeyProtector(dataDir: string, store: Store, platform: NodeJS.Platform = process.platform): { protector: KeyProtector; why: string } {
  const f = keyFiles(dataDir);
  const stored = fs.existsSync(f.privateFile) ? (fs.existsSync(f.protectorFile) ? fs.readFileSync(f.protectorFile, 'utf8').trim() : 'plain') : null;
  if (stored === SAFE_STORAGE) {
    if (!store.isEncryptionAvailable()) {
      throw new Error(
        `The station key ${f.privateFile} is encrypted with the OS keystore, which is not available now (log in as the same user, unlock the keyring).`,
      );
    }
    return { protector: safeStorageProtector(store), why: 'station key encrypted with the OS keystore' };
  }
  if (stored !== null) return { protector: plainKeyProtector, why: `station key kept as stored (${stored}); the file is readable only by this user` };
  if (realEncryption(store, platform)) return { protector: safeStorageProtector(store), why: 'new station key, encrypted with the OS keystore' };
  return { protector: plainKeyProtector, why: 'new station key; no OS keystore available, so it is protected by file permissions only' };
}
