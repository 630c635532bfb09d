// Reading DER (ASN.1), the little RFC 3161 tokens and X.509 certificates need, on plain bytes: the
// engine (Buffers, evidence/tsa.ts, tsaTrust.ts) and verify.html (Uint8Arrays, renderer/verify/)
// read with this one reader. Imports nothing from node: so the page can bundle it.

export interface Tlv<B extends Uint8Array = Uint8Array> {
  tag: number; // the full first identifier byte (class + constructed bit + number); tags > 30 are refused
  /** Offset of the whole element (tag byte) in the buffer it was read from. */
  start: number;
  /** The content bytes (a view into the original buffer). */
  body: B;
  /** The whole element: tag, length and content. */
  raw: B;
}

/** One element at offset; body and raw are views of the same kind as buf (a Buffer gives Buffers). */
export function readTlv<B extends Uint8Array>(buf: B, offset = 0): Tlv<B> & { end: number } {
  if (offset + 2 > buf.length) throw new Error('DER: truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new Error('DER: multi-byte tags are not supported');
  let len = buf[offset + 1]!;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: unsupported length form');
    if (p + n > buf.length) throw new Error('DER: truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  const end = p + len;
  if (end > buf.length) throw new Error('DER: element runs past the end of the data');
  // subarray keeps the receiver's kind (Buffer.prototype.subarray returns a Buffer).
  return { tag, start: offset, body: buf.subarray(p, end) as B, raw: buf.subarray(offset, end) as B, end };
}

/** The elements inside a constructed element's body. */
export function children<B extends Uint8Array>(body: B): Tlv<B>[] {
  const out: Tlv<B>[] = [];
  let p = 0;
  while (p < body.length) {
    const t = readTlv(body, p);
    out.push(t);
    p = t.end;
  }
  return out;
}

export function expectTag<B extends Uint8Array>(t: Tlv<B> | undefined, tag: number, what: string): Tlv<B> {
  if (!t || t.tag !== tag) throw new Error(`DER: expected ${what}`);
  return t;
}

export function oidToString(body: Uint8Array): string {
  const out: number[] = [];
  let v = 0;
  for (let i = 0; i < body.length; i++) {
    v = v * 128 + (body[i]! & 0x7f);
    if (!(body[i]! & 0x80)) {
      if (out.length === 0) out.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else out.push(v);
      v = 0;
    }
  }
  return out.join('.');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Hex of an INTEGER's bytes as openssl prints a serial: upper case, no leading 00 bytes. */
export function serialHex(body: Uint8Array): string {
  return toHex(body)
    .replace(/^(00)+(?=.)/, '')
    .toUpperCase();
}

/** A directory string decoded by its ASN.1 type (UTF8, Printable, IA5, Teletex, BMP, Universal). */
export function derString(t: Tlv): string {
  const b = t.body;
  let s = '';
  switch (t.tag) {
    case 0x1e: // BMPString: UTF-16BE
      for (let i = 0; i + 1 < b.length; i += 2) s += String.fromCharCode(b[i]! * 256 + b[i + 1]!);
      return s;
    case 0x1c: // UniversalString: UTF-32BE
      for (let i = 0; i + 3 < b.length; i += 4) s += String.fromCodePoint(((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!);
      return s;
    case 0x14: // TeletexString: in practice Latin-1
      for (const x of b) s += String.fromCharCode(x);
      return s;
    default: // UTF8String, PrintableString, IA5String, VisibleString, NumericString
      return new TextDecoder().decode(b);
  }
}

// Attribute names as openssl and RFC 4514 print them; any other type shows as its OID.
const NAME_ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

/** A Name as "C=US, O=IdenTrust, CN=...", in the certificate's order. */
export function nameToString(name: Tlv): string {
  const parts: string[] = [];
  for (const rdn of children(name.body)) {
    for (const atv of children(rdn.body)) {
      const [type, value] = children(atv.body);
      if (!type || !value) continue;
      const o = oidToString(type.body);
      parts.push(`${NAME_ATTRS[o] ?? o}=${derString(value)}`);
    }
  }
  return parts.join(', ');
}

/** One attribute of a "CN=…, O=…" string (the CN, say); null when it has none. */
export function namePart(text: string, key: string): string | null {
  return new RegExp(`(?:^|, )${key}=([^,]+)`).exec(text)?.[1] ?? null;
}
