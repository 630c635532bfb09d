// The few cryptographic operations the shared evidence checks need, behind one small interface:
// WebCrypto in verify.html (renderer/verify/webCrypto.ts), node:crypto in the engine
// (electron/engine/evidence/nodeCrypto.ts). The checks themselves import nothing from node:.
import { toHex } from './der.ts';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type SignatureScheme =
  | { name: 'RSASSA-PKCS1-v1_5'; hash: HashName }
  | { name: 'RSA-PSS'; hash: HashName; saltLength: number }
  /** The signature is raw r||s (IEEE P1363), as WebCrypto verifies it. */
  | { name: 'ECDSA'; hash: HashName; namedCurve: 'P-256' | 'P-384' | 'P-521' }
  | { name: 'Ed25519' };

export interface EvidenceCrypto {
  digest(hash: HashName, data: Uint8Array): Promise<Uint8Array>;
  /** true / false: the signature holds or not; throws when the key (DER SubjectPublicKeyInfo) does not fit the scheme. */
  verify(spki: Uint8Array, scheme: SignatureScheme, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
}

export async function sha256Hex(c: EvidenceCrypto, data: Uint8Array): Promise<string> {
  return toHex(await c.digest('SHA-256', data));
}

/** Ed25519 by the station key: false (never a throw) when the key or the signature is unusable. */
export async function ed25519Holds(c: EvidenceCrypto, spki: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  try {
    return await c.verify(spki, { name: 'Ed25519' }, signature, data);
  } catch {
    return false;
  }
}
