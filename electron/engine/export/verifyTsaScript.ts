// The part of verify.html that checks the original clip's RFC 3161 timestamp (X.tsr) in the
// reviewer's browser, offline, with WebCrypto alone: a tiny DER reader, the TimeStampResp → CMS
// SignedData → TSTInfo walk, the signed attributes (contentType, messageDigest, the ESS signing
// certificate when present) and the TSA's signature (RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA; SHA-1
// to SHA-512) checked against the signer's certificate, found by issuer and serial or by subject
// key identifier among the token's certificates and those the reviewer gave; then the certificate
// chain (verifyTsaChainScript.ts). Whether the anchor of that chain is to be trusted, and
// revocation, are not decided here: the page names the anchor and its fingerprint, and `openssl ts
// -verify ... -CAfile` does that. The engine makes the same checks (evidence/tsa.ts, tsaTrust.ts).
// Plain ES2017 inside a string (no template literals, no "</script>"), spliced into VERIFY_HTML.
// checkTimestampToken(tsrBytes, wantSha256Hex, addedCertDers?) resolves to what the page prints, or
// rejects with an Error whose message says, in plain words, what did not match; the Error carries
// unverifiable = true when the signer's certificate is nowhere at hand (not a sign of alteration).
// wantSha256Hex null reads a token of other data (tests of genuine public tokens).
import { VERIFY_TSA_CHAIN_SCRIPT } from './verifyTsaChainScript.ts';

export const VERIFY_TSA_SCRIPT =
  VERIFY_TSA_CHAIN_SCRIPT +
  String.raw`
var TSA_OID = {
  signedData: "1.2.840.113549.1.7.2", tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3", messageDigest: "1.2.840.113549.1.9.4",
  signingCert: "1.2.840.113549.1.9.16.2.12", signingCertV2: "1.2.840.113549.1.9.16.2.47",
  rsa: "1.2.840.113549.1.1.1", ec: "1.2.840.10045.2.1", ski: "2.5.29.14", pss: "1.2.840.113549.1.1.10", mgf1: "1.2.840.113549.1.1.8"
};
var TSA_HASHES = { "1.3.14.3.2.26": "SHA-1", "2.16.840.1.101.3.4.2.1": "SHA-256", "2.16.840.1.101.3.4.2.2": "SHA-384", "2.16.840.1.101.3.4.2.3": "SHA-512" };
// Signature algorithm OIDs: the key type, and the hash when the OID fixes one (else the signer's digestAlgorithm).
var TSA_SIGALGS = {
  "1.2.840.113549.1.1.1": { kind: "RSA" }, "1.2.840.113549.1.1.10": { kind: "PSS" },
  "1.2.840.113549.1.1.5": { kind: "RSA", hash: "SHA-1" }, "1.2.840.10045.4.1": { kind: "EC", hash: "SHA-1" },
  "1.2.840.113549.1.1.11": { kind: "RSA", hash: "SHA-256" }, "1.2.840.113549.1.1.12": { kind: "RSA", hash: "SHA-384" }, "1.2.840.113549.1.1.13": { kind: "RSA", hash: "SHA-512" },
  "1.2.840.10045.2.1": { kind: "EC" },
  "1.2.840.10045.4.3.2": { kind: "EC", hash: "SHA-256" }, "1.2.840.10045.4.3.3": { kind: "EC", hash: "SHA-384" }, "1.2.840.10045.4.3.4": { kind: "EC", hash: "SHA-512" }
};
var TSA_CURVES = { "1.2.840.10045.3.1.7": { name: "P-256", size: 32 }, "1.3.132.0.34": { name: "P-384", size: 48 }, "1.3.132.0.35": { name: "P-521", size: 66 } };
// Name attributes as openssl prints them (the engine's list in evidence/tsaTrust.ts); others show as their OID.
var TSA_NAMES = {
  "2.5.4.3": "CN", "2.5.4.4": "SN", "2.5.4.5": "serialNumber", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "street",
  "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.12": "title", "2.5.4.13": "description", "2.5.4.15": "businessCategory", "2.5.4.17": "postalCode",
  "2.5.4.42": "GN", "2.5.4.43": "initials", "2.5.4.46": "dnQualifier", "2.5.4.65": "pseudonym", "2.5.4.97": "organizationIdentifier",
  "1.2.840.113549.1.9.1": "emailAddress", "0.9.2342.19200300.100.1.1": "UID", "0.9.2342.19200300.100.1.25": "DC",
  "1.3.6.1.4.1.311.60.2.1.1": "jurisdictionL", "1.3.6.1.4.1.311.60.2.1.2": "jurisdictionST", "1.3.6.1.4.1.311.60.2.1.3": "jurisdictionC"
};

// One DER element at off in the Uint8Array b: tag, body and raw (whole element) are views into b.
function derRead(b, off) {
  if (off + 2 > b.length) throw new Error("truncated data");
  var tag = b[off], len = b[off + 1], p = off + 2;
  if ((tag & 0x1f) === 0x1f) throw new Error("unsupported multi-byte tag");
  if (len & 0x80) {
    var n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > b.length) throw new Error("bad length");
    len = 0;
    for (var i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > b.length) throw new Error("an element runs past the end of the data");
  return { tag: tag, body: b.subarray(p, p + len), raw: b.subarray(off, p + len), end: p + len };
}
function derKids(body) { var out = [], p = 0; while (p < body.length) { var t = derRead(body, p); out.push(t); p = t.end; } return out; }
function derNeed(t, tag, what) { if (!t || t.tag !== tag) throw new Error("expected " + what); return t; }
function derOid(body) {
  var out = [], v = 0;
  for (var i = 0; i < body.length; i++) {
    v = v * 128 + (body[i] & 0x7f);
    if (!(body[i] & 0x80)) { if (out.length === 0) out.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80); else out.push(v); v = 0; }
  }
  return out.join(".");
}
function derEq(a, b) { if (a.length !== b.length) return false; for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false; return true; }
function derHex(b) { return Array.prototype.map.call(new Uint8Array(b), function (x) { return x.toString(16).padStart(2, "0"); }).join(""); }
// A directory string by its ASN.1 type: BMPString (UTF-16BE), UniversalString (UTF-32BE), TeletexString (Latin-1), else UTF-8/ASCII.
function derText(t) {
  var s = "", i;
  if (t.tag === 0x1e) { for (i = 0; i + 1 < t.body.length; i += 2) s += String.fromCharCode(t.body[i] * 256 + t.body[i + 1]); return s; }
  if (t.tag === 0x1c) { for (i = 0; i + 3 < t.body.length; i += 4) s += String.fromCodePoint(((t.body[i] << 24) >>> 0) + (t.body[i + 1] << 16) + (t.body[i + 2] << 8) + t.body[i + 3]); return s; }
  if (t.tag === 0x14) return String.fromCharCode.apply(null, Array.prototype.slice.call(t.body));
  return new TextDecoder().decode(t.body);
}
// RSASSA-PSS parameters (RFC 4055), defaults SHA-1 and salt 20; ok false when MGF1 uses another hash than the signature (WebCrypto cannot check that).
function tsaPss(params) {
  var r = { hash: "SHA-1", mgf: "SHA-1", saltLength: 20 };
  if (params && params.tag === 0x30) derKids(params.body).forEach(function (f) {
    var inner = derKids(f.body)[0];
    if (!inner) return;
    if (f.tag === 0xa0) r.hash = TSA_HASHES[derOid(derKids(inner.body)[0].body)] || "an unknown hash";
    if (f.tag === 0xa1) { var m = derKids(inner.body); r.mgf = m[0] && derOid(m[0].body) === TSA_OID.mgf1 && m[1] ? TSA_HASHES[derOid(derKids(m[1].body)[0].body)] || "an unknown hash" : "an unknown function"; }
    if (f.tag === 0xa2) { r.saltLength = 0; for (var i = 0; i < inner.body.length; i++) r.saltLength = r.saltLength * 256 + inner.body[i]; }
  });
  r.ok = r.hash === r.mgf && r.hash.indexOf("SHA") === 0;
  return r;
}
// Verifies signature over data with the public key spki (a DER SubjectPublicKeyInfo element) by
// the algorithm sigAlg (a TSA_SIGALGS entry) with hash, RSASSA-PSS parameters pss when kind is PSS.
// true / false; throws when the key does not fit the algorithm.
async function tsaVerifyWith(spki, sigAlg, hash, pss, signature, data) {
  var keyAlg = derKids(derKids(spki.body)[0].body), keyOid = derOid(keyAlg[0].body);
  if (sigAlg.kind === "RSA" && keyOid === TSA_OID.rsa) {
    var rsaKey = await crypto.subtle.importKey("spki", spki.raw, { name: "RSASSA-PKCS1-v1_5", hash: hash }, false, ["verify"]);
    return crypto.subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, rsaKey, signature, data);
  }
  if (sigAlg.kind === "PSS" && (keyOid === TSA_OID.rsa || keyOid === TSA_OID.pss)) {
    var pssKey = await crypto.subtle.importKey("spki", spki.raw, { name: "RSA-PSS", hash: pss.hash }, false, ["verify"]);
    return crypto.subtle.verify({ name: "RSA-PSS", saltLength: pss.saltLength }, pssKey, signature, data);
  }
  if (sigAlg.kind === "EC" && keyOid === TSA_OID.ec) {
    var curve = TSA_CURVES[keyAlg[1] ? derOid(keyAlg[1].body) : ""];
    if (!curve) throw new Error("the key's curve is not supported here");
    var ecKey = await crypto.subtle.importKey("spki", spki.raw, { name: "ECDSA", namedCurve: curve.name }, false, ["verify"]);
    return crypto.subtle.verify({ name: "ECDSA", hash: hash }, ecKey, ecdsaRaw(signature, curve.size), data);
  }
  throw new Error("the signature algorithm does not match the certificate's key");
}
// A Name as "CN=..., O=...", in the certificate's order.
function derName(name) {
  var parts = [];
  derKids(name.body).forEach(function (rdn) {
    derKids(rdn.body).forEach(function (atv) {
      var k = derKids(atv.body);
      if (k.length < 2) return;
      var o = derOid(k[0].body);
      parts.push((TSA_NAMES[o] || o) + "=" + derText(k[1]));
    });
  });
  return parts.join(", ");
}
function derNamePart(text, key) { var m = new RegExp("(?:^|, )" + key + "=([^,]+)").exec(text); return m ? m[1] : null; }
// GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" as "YYYY-MM-DD HH:MM:SS[.f] UTC".
function derTime(body) {
  var s = new TextDecoder().decode(body);
  var m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})([.,]\d+)?Z$/.exec(s);
  if (!m) throw new Error("the time " + s + " is not a UTC GeneralizedTime");
  return m[1] + "-" + m[2] + "-" + m[3] + " " + m[4] + ":" + m[5] + ":" + m[6] + (m[7] ? "." + m[7].slice(1) : "") + " UTC";
}
// The certificate fields the check needs.
function tsaCert(c) {
  var tbs = derKids(derNeed(derKids(c.body)[0], 0x30, "a certificate").body), i = 0;
  if (tbs[0] && tbs[0].tag === 0xa0) i = 1; // [0] version
  var serial = derNeed(tbs[i], 0x02, "a certificate serial"), issuer = derNeed(tbs[i + 2], 0x30, "a certificate issuer");
  var subject = derNeed(tbs[i + 4], 0x30, "a certificate subject"), spki = derNeed(tbs[i + 5], 0x30, "a certificate public key");
  var ski = null;
  tbs.slice(i + 6).forEach(function (t) {
    if (t.tag !== 0xa3) return;
    derKids(derKids(t.body)[0].body).forEach(function (ext) {
      var e = derKids(ext.body);
      if (derOid(e[0].body) === TSA_OID.ski) ski = derRead(e[e.length - 1].body, 0).body;
    });
  });
  return { raw: c.raw, serial: serial.body, issuerRaw: issuer.raw, issuer: derName(issuer), subject: derName(subject), spki: spki, ski: ski };
}
// DER ECDSA-Sig-Value (SEQUENCE of r, s) to the raw r||s WebCrypto verifies.
function ecdsaRaw(sig, size) {
  var rs = derKids(derNeed(derRead(sig, 0), 0x30, "an ECDSA signature").body);
  var out = new Uint8Array(2 * size);
  [0, 1].forEach(function (k) {
    var v = derNeed(rs[k], 0x02, "an ECDSA signature").body, j = 0;
    while (j < v.length - 1 && v[j] === 0) j++;
    v = v.subarray(j);
    if (v.length > size) throw new Error("the ECDSA signature does not fit the curve");
    out.set(v, (k + 1) * size - v.length);
  });
  return out;
}

// The TSA certificates a reviewer gives with the package: .pem, .crt, .cer or .der files other than
// station.pem (a PEM file may hold a whole chain). They check tokens that carry none, and anchor chains.
function tsaGivenCerts(files) {
  var out = [];
  Object.keys(files).forEach(function (name) {
    if (!/\.(pem|crt|cer|der)$/i.test(name) || name === "station.pem") return;
    var bytes = new Uint8Array(files[name]);
    var blocks = new TextDecoder("latin1").decode(bytes).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
    if (!blocks) { if (bytes[0] === 0x30) out.push(bytes); return; }
    blocks.forEach(function (b) {
      var bin = atob(b.replace(/-----[A-Z ]+-----|\s/g, "")), a = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) a[i] = bin.charCodeAt(i);
      out.push(a);
    });
  });
  return out;
}

async function checkTimestampToken(buf, wantSha256, addedCerts) {
  try { return await tsaCheckToken(buf, wantSha256, addedCerts || []); }
  catch (e) {
    // A damaged token can leave a piece missing where the walk expects one: say so, not "undefined".
    if (e instanceof TypeError || e instanceof RangeError) throw new Error("it is damaged: part of it is missing or malformed (" + e.message + ")");
    throw e;
  }
}
async function tsaCheckToken(buf, wantSha256, addedCerts) {
  var der = new Uint8Array(buf);
  var top;
  try { top = derRead(der, 0); } catch (e) { throw new Error("it is not a timestamp reply (" + e.message + ")"); }
  if (top.end !== der.length) throw new Error("there are extra bytes after the timestamp reply");
  var out = {}, parts;
  try {
    var resp = derKids(derNeed(top, 0x30, "a TimeStampResp").body);
    var statusInfo = derKids(derNeed(resp[0], 0x30, "the reply status").body);
    var status = derNeed(statusInfo[0], 0x02, "the reply status").body;
    if (status.length !== 1 || status[0] > 1) throw new Error("the TSA did not grant this timestamp (status " + derHex(status) + ")");
    var ci = derKids(derNeed(resp[1], 0x30, "a TimeStampToken").body);
    if (derOid(derNeed(ci[0], 0x06, "a content type").body) !== TSA_OID.signedData) throw new Error("the token is not CMS SignedData");
    var sd = derKids(derNeed(derKids(derNeed(ci[1], 0xa0, "the SignedData").body)[0], 0x30, "the SignedData").body);
    var encap = derKids(derNeed(sd[2], 0x30, "the encapsulated content").body);
    if (derOid(derNeed(encap[0], 0x06, "a content type").body) !== TSA_OID.tstInfo) throw new Error("the token does not hold a TSTInfo");
    var eContent = derNeed(derKids(derNeed(encap[1], 0xa0, "the TSTInfo").body)[0], 0x04, "the TSTInfo octets").body;
    var tstTop = derRead(eContent, 0);
    if (tstTop.end !== eContent.length) throw new Error("extra bytes after the TSTInfo");
    var tst = derKids(derNeed(tstTop, 0x30, "the TSTInfo").body);
    var imprint = derKids(derNeed(tst[2], 0x30, "the message imprint").body);
    out.hashAlg = TSA_HASHES[derOid(derKids(derNeed(imprint[0], 0x30, "the imprint algorithm").body)[0].body)] || "an unknown hash";
    out.hashed = derHex(derNeed(imprint[1], 0x04, "the hashed message").body);
    out.serial = derHex(derNeed(tst[3], 0x02, "the token serial number").body).replace(/^(00)+(?=.)/, "").toUpperCase(); // as openssl prints it
    out.genTime = derTime(derNeed(tst[4], 0x18, "the time (genTime)").body);
    out.tsaName = null;
    tst.slice(5).forEach(function (t) {
      if (t.tag !== 0xa0) return;
      var gn = derKids(t.body)[0];
      out.tsaName = gn && gn.tag === 0xa4 ? derName(derKids(gn.body)[0]) : gn ? new TextDecoder().decode(gn.body) : null;
    });
    var certs = [];
    sd.forEach(function (t) { if (t.tag === 0xa0) derKids(t.body).forEach(function (c) { if (c.tag === 0x30) certs.push(c); }); });
    var signerInfos = derNeed(sd[sd.length - 1], 0x31, "the signer infos");
    var si = derKids(derNeed(derKids(signerInfos.body)[0], 0x30, "a signer info").body);
    var k = 1;
    var sid = si[k++];
    var digestAlg = TSA_HASHES[derOid(derKids(derNeed(si[k++], 0x30, "the signer's digest algorithm").body)[0].body)];
    var signedAttrs = si[k] && si[k].tag === 0xa0 ? si[k++] : null;
    var sigAlgKids = derKids(derNeed(si[k++], 0x30, "the signature algorithm").body);
    var sigAlg = TSA_SIGALGS[derOid(sigAlgKids[0].body)];
    var pss = sigAlg && sigAlg.kind === "PSS" ? tsaPss(sigAlgKids[1]) : null;
    var signature = derNeed(si[k], 0x04, "the signature").body;
    parts = { eContent: eContent, certs: certs, sid: sid, digestAlg: digestAlg, signedAttrs: signedAttrs, sigAlg: sigAlg, pss: pss, signature: signature };
  } catch (e) {
    throw new Error("it does not parse as an RFC 3161 timestamp (" + e.message + ")");
  }

  // 1. What the token covers must be this recording.
  if (wantSha256 !== null) {
    if (out.hashAlg !== "SHA-256") throw new Error("this token stamps a " + out.hashAlg + " hash; PackWitness clips are sealed with SHA-256, so it is not this clip's");
    if (out.hashed !== String(wantSha256).toLowerCase()) throw new Error("the token covers a different file: its SHA-256 is " + out.hashed + ", this recording's is " + wantSha256);
  }

  // 2. The signer's certificate, as the SignerInfo names it (issuer and serial, or subject key
  // identifier), in the token or among the certificates the reviewer gave; never "the first one".
  var added = [];
  addedCerts.forEach(function (d) { try { added.push(derRead(new Uint8Array(d), 0)); } catch (e) { /* not DER: not used */ } });
  var candidates = parts.certs.concat(added), cert = null;
  for (var c = 0; c < candidates.length && !cert; c++) {
    var cand;
    try { cand = tsaCert(candidates[c]); } catch (e) { continue; }
    if (parts.sid && parts.sid.tag === 0x30) {
      var ias = derKids(parts.sid.body);
      if (ias.length === 2 && derEq(ias[0].raw, cand.issuerRaw) && derEq(ias[1].body, cand.serial)) cert = cand;
    } else if (parts.sid && parts.sid.tag === 0x80) {
      if (cand.ski && derEq(parts.sid.body, cand.ski)) cert = cand;
    }
  }
  if (!cert) {
    var why = new Error("it is unverifiable without the TSA's certificate (" + (parts.certs.length ? "the token does not carry the certificate of its signer" : "the token carries no certificate of its TSA") +
      (added.length ? ", and none of the certificates given matches it" : ", and none was given") + "). That is not a sign it was altered: give the TSA's certificate (a .pem, .crt or .cer file) with the package to check it");
    why.unverifiable = true;
    why.tsa = out;
    throw why;
  }
  out.cert = { subject: cert.subject, issuer: cert.issuer, fingerprint: derHex(await crypto.subtle.digest("SHA-256", cert.raw)) };
  var cn = derNamePart(cert.subject, "CN"), org = derNamePart(cert.subject, "O");
  out.tsa = cn && org ? cn + " (" + org + ")" : cn || org || cert.subject || "an unnamed TSA";

  // 3. The signed attributes: the token's type and the digest of exactly this TSTInfo.
  if (!parts.digestAlg) throw new Error("the token's signature uses an unsupported digest");
  if (!parts.signedAttrs) throw new Error("the token has no signed attributes");
  var contentTypeOk = false, md = null, essOk = true;
  var certSha1 = null, certDigests = {};
  var attrs = derKids(parts.signedAttrs.body);
  for (var a = 0; a < attrs.length; a++) {
    var kv = derKids(attrs[a].body), type = derOid(kv[0].body), val = derKids(derNeed(kv[1], 0x31, "an attribute value").body)[0];
    if (type === TSA_OID.contentType) contentTypeOk = derOid(val.body) === TSA_OID.tstInfo;
    else if (type === TSA_OID.messageDigest) md = derNeed(val, 0x04, "the message digest").body;
    else if (type === TSA_OID.signingCertV2 || type === TSA_OID.signingCert) {
      // ESS: the token names the hash of its signer's certificate; a swapped certificate with the same key fails here.
      var first = derKids(derKids(val.body)[0].body)[0], f = derKids(first.body), alg = "SHA-1", h;
      if (type === TSA_OID.signingCertV2) {
        if (f[0].tag === 0x30) { alg = TSA_HASHES[derOid(derKids(f[0].body)[0].body)]; h = f[1].body; } else { alg = "SHA-256"; h = f[0].body; }
      } else h = f[0].body;
      if (alg) {
        certDigests[alg] = certDigests[alg] || new Uint8Array(await crypto.subtle.digest(alg, cert.raw));
        if (!derEq(certDigests[alg], h)) essOk = false;
      }
    }
  }
  if (!contentTypeOk) throw new Error("the signed content type is not a TSTInfo");
  if (!md) throw new Error("the token has no signed message digest");
  var tstDigest = new Uint8Array(await crypto.subtle.digest(parts.digestAlg, parts.eContent));
  if (!derEq(md, tstDigest)) throw new Error("the TSTInfo (time, hash, serial) was changed after signing: its digest does not match the signed one");
  if (!essOk) throw new Error("the token names another signing certificate than the one it carries");

  // 4. The TSA's signature over the signed attributes, re-tagged as SET OF (RFC 5652, 5.4).
  if (!parts.sigAlg) throw new Error("the token's signature algorithm is not supported here (RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA are)");
  if (parts.pss && !parts.pss.ok) throw new Error("the token's RSASSA-PSS parameters are not supported here");
  var signedBytes = parts.signedAttrs.raw.slice();
  signedBytes[0] = 0x31;
  var valid;
  try {
    valid = await tsaVerifyWith(cert.spki, parts.sigAlg, parts.sigAlg.hash || parts.digestAlg, parts.pss, parts.signature, signedBytes);
  } catch (e) {
    throw new Error("the token's signature cannot be checked: " + e.message);
  }
  if (!valid) throw new Error("the TSA's signature over the token is NOT valid");

  // 5. The TSA's certificate and the chain above it, as far as the token carries it.
  out.chain = await tsaCheckChain(cert.raw, parts.certs, out.genTime, added);
  return out;
}
`;
