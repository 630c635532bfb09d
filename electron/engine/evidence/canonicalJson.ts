// Canonical JSON (shared/evidence/canonicalJson.ts, the one definition) as the bytes the engine
// hashes, signs and writes.
import { canonicalJson, type JsonValue } from '../../../shared/evidence/canonicalJson.ts';

export { canonicalJson, type JsonValue };

export function canonicalBytes(value: JsonValue): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
