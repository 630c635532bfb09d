// The evidence checks' crypto (shared/evidence/crypto.ts) on WebCrypto: what verify.html uses in
// the reviewer's browser, and what the tests run on Node's WebCrypto.
import type { EvidenceCrypto, SignatureScheme } from '../../shared/evidence/crypto.ts';

// A copy over its own ArrayBuffer: what WebCrypto's BufferSource takes.
const plain = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

function importParams(s: SignatureScheme): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  if (s.name === 'RSASSA-PKCS1-v1_5' || s.name === 'RSA-PSS') return { name: s.name, hash: s.hash };
  if (s.name === 'ECDSA') return { name: 'ECDSA', namedCurve: s.namedCurve };
  return { name: 'Ed25519' };
}
function verifyParams(s: SignatureScheme): Algorithm | RsaPssParams | EcdsaParams {
  if (s.name === 'RSA-PSS') return { name: 'RSA-PSS', saltLength: s.saltLength };
  if (s.name === 'ECDSA') return { name: 'ECDSA', hash: s.hash };
  return { name: s.name };
}

export function webCrypto(subtle: SubtleCrypto = globalThis.crypto.subtle): EvidenceCrypto {
  return {
    async digest(hash, data) {
      return new Uint8Array(await subtle.digest(hash, plain(data)));
    },
    async verify(spki, scheme, signature, data) {
      const key = await subtle.importKey('spki', plain(spki), importParams(scheme), false, ['verify']);
      return subtle.verify(verifyParams(scheme), key, plain(signature), plain(data));
    },
  };
}
