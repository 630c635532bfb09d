// Re-encodings of RFC 3161 replies that keep them valid: the SignedData's certificates and the
// SignerInfo's signer identifier are not signed, and a TSA key at hand can sign again with RSASSA-PSS.
import { constants, sign } from 'node:crypto';
import { children, int, octets, oid, readTlv, seq, tlv, type Tlv } from '../../electron/engine/evidence/der.ts';

/** The reply with its SignedData's certificates and/or its (first) SignerInfo's fields replaced. */
export function rebuild(reply: Buffer, edit: { signerInfo?: (f: Tlv[]) => Buffer[]; certs?: (c: Tlv[]) => Tlv[] }): Buffer {
  const resp = children(readTlv(reply).body);
  const ci = children(resp[1]!.body);
  const sd = children(children(ci[1]!.body)[0]!.body);
  const last = sd[sd.length - 1]!;
  const parts = sd.map((t) => {
    if (t.tag === 0xa0 && edit.certs) return tlv(0xa0, Buffer.concat(edit.certs(children(t.body)).map((c) => c.raw)));
    if (t === last && edit.signerInfo) return tlv(0x31, seq(...edit.signerInfo(children(children(t.body)[0]!.body))));
    return t.raw;
  });
  return seq(resp[0]!.raw, seq(ci[0]!.raw, tlv(0xa0, seq(...parts))));
}
export const tokenOf = (reply: Buffer): Buffer => Buffer.from(children(readTlv(reply).body)[1]!.raw);
export const certElements = (reply: Buffer): Tlv[] => {
  const sd = children(children(children(children(readTlv(reply).body)[1]!.body)[1]!.body)[0]!.body);
  return children(sd.find((t) => t.tag === 0xa0)!.body);
};
/**
 * The reply with its signer named by subject key identifier (SignerInfo version 3) and its
 * certificates reversed, after `first` (more certificates, as DigiCert's tokens list their root first).
 */
export function bySki(reply: Buffer, ski: Buffer, first: Buffer[] = []): Buffer {
  return rebuild(reply, {
    signerInfo: (f) => [int(3), tlv(0x80, ski), ...f.slice(2).map((x) => x.raw)],
    certs: (c) => [...first.map((d) => readTlv(d)), ...[...c].reverse()],
  });
}

/** The reply signed again by `key` with RSASSA-PSS (SHA-256, MGF1 SHA-256, salt 32), as some TSAs sign. */
export function resignPss(reply: Buffer, key: Buffer): Buffer {
  const pssAlg = seq(
    oid('1.2.840.113549.1.1.10'),
    seq(tlv(0xa0, seq(oid('2.16.840.1.101.3.4.2.1'))), tlv(0xa1, seq(oid('1.2.840.113549.1.1.8'), seq(oid('2.16.840.1.101.3.4.2.1')))), tlv(0xa2, int(32))),
  );
  return rebuild(reply, {
    signerInfo: (f) => {
      const signedAttrs = f[3]!;
      const signature = sign('sha256', Buffer.concat([Buffer.from([0x31]), signedAttrs.raw.subarray(1)]), {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
      return [...f.slice(0, 4).map((x) => x.raw), pssAlg, octets(signature), ...f.slice(6).map((x) => x.raw)];
    },
  });
}
