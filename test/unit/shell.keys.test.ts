// The station's signing key at rest in the desktop app: encrypted with the OS keystore through
// safeStorage when the OS has a real one, plain (mode 0600) otherwise, and a key keeps the
// protection it was created with, so neither door locks the other out of an existing key.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOrCreateStationKey, signBytes, verifyBytes } from '../../electron/engine/evidence/keys.ts';
import { chooseKeyProtector } from '../../electron/main/keyProtector.ts';
import { createFakeElectron } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';

let t: ReturnType<typeof tmpDir>;
beforeEach(() => (t = tmpDir()));
afterEach(() => t.cleanup());

describe('station key protection', () => {
  it('encrypts a new key with the OS keystore and opens it again', () => {
    const { safeStorage } = createFakeElectron();
    const first = chooseKeyProtector(t.dir, safeStorage, 'linux');
    expect(first.protector.name).toBe('safeStorage');
    const key = loadOrCreateStationKey(t.dir, first.protector);
    const onDisk = fs.readFileSync(path.join(t.dir, 'keys', 'station.key'));
    expect(onDisk.toString('latin1')).not.toContain('PRIVATE KEY');
    const again = loadOrCreateStationKey(t.dir, chooseKeyProtector(t.dir, safeStorage, 'linux').protector);
    expect(again.fingerprint).toBe(key.fingerprint);
    const sig = signBytes(again.privateKey!, Buffer.from('manifest'));
    expect(verifyBytes(key.publicKey, Buffer.from('manifest'), sig)).toBe(true);
  });

  it("does not count Linux's basic_text backend (a fixed password) as protection", () => {
    const { safeStorage } = createFakeElectron();
    safeStorage.backend = 'basic_text';
    expect(chooseKeyProtector(t.dir, safeStorage, 'linux').protector.name).toBe('plain');
    expect(chooseKeyProtector(t.dir, safeStorage, 'win32').protector.name).toBe('safeStorage');
  });

  it('keeps a key made plain by `packwitness serve` plain, so both doors can sign with it', () => {
    loadOrCreateStationKey(t.dir);
    const { safeStorage } = createFakeElectron();
    const chosen = chooseKeyProtector(t.dir, safeStorage, 'darwin');
    expect(chosen.protector.name).toBe('plain');
    expect(() => loadOrCreateStationKey(t.dir, chosen.protector)).not.toThrow();
  });

  it('says clearly when the keystore that encrypted the key is not available', () => {
    const { safeStorage } = createFakeElectron();
    loadOrCreateStationKey(t.dir, chooseKeyProtector(t.dir, safeStorage, 'linux').protector);
    safeStorage.available = false;
    expect(() => chooseKeyProtector(t.dir, safeStorage, 'linux')).toThrow(/OS keystore, which is not available/);
  });
});
