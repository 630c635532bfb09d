// Canonical JSON: the exact bytes that are hashed, signed and written as X.manifest.json and
// export-manifest.json. Keys sorted by code unit, no whitespace, UTF-8. The same value always gives
// the same bytes, so a manifest can be rebuilt from the index and compared byte for byte with its
// sidecar. Imports nothing from node: (the engine adds the Buffer form, evidence/canonicalJson.ts).
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // NaN and Infinity have no JSON form; writing "null" silently would change what was signed.
    if (!Number.isFinite(value)) throw new Error(`canonical JSON cannot hold the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = value[k];
      if (v === undefined) throw new Error(`canonical JSON cannot hold undefined (key "${k}")`);
      parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  throw new Error(`canonical JSON cannot hold a ${typeof value}`);
}
