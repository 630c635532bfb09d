// The evidence checks' crypto (shared/evidence/crypto.ts) on node:crypto, for the engine's side of
// the checks it shares with verify.html.
import { constants, createHash, createPublicKey, verify } from 'node:crypto';
import type { EvidenceCrypto, HashName } from '../../../shared/evidence/crypto.ts';

const NODE_HASH: Record<HashName, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

export const nodeCrypto: EvidenceCrypto = {
  async digest(hash, data) {
    return createHash(NODE_HASH[hash]).update(data).digest();
  },
  async verify(spki, scheme, signature, data) {
    const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    switch (scheme.name) {
      case 'Ed25519':
        return signature.length === 64 && verify(null, data, key, signature);
      case 'RSASSA-PKCS1-v1_5':
        return verify(NODE_HASH[scheme.hash], data, key, signature);
      case 'RSA-PSS':
        return verify(NODE_HASH[scheme.hash], data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength }, signature);
      case 'ECDSA':
        return verify(NODE_HASH[scheme.hash], data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    }
  },
};
