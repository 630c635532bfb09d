// The second half of verify.html's timestamp check (verifyTsaScript.ts holds the first): the TSA
// certificate itself. It must be a timestamping certificate (extended key usage timeStamping, RFC
// 3161 2.3), valid at the time it states, and each certificate the token carries above it must
// really have signed the one below (WebCrypto, RSA PKCS#1 v1.5, RSASSA-PSS or ECDSA) and be a CA.
// The walk ends at a self-signed root or at an issuer neither the token nor the reviewer's own
// certificates hold. Whether that anchor is one to trust cannot be decided offline without a list of
// trusted roots; the page names it (as one the reviewer gave, when so) and its SHA-256 fingerprint
// for the reviewer to compare with what the TSA publishes, and gives the `openssl ts -verify
// -CAfile` command. Plain ES2017 in a string, as verifyTsaScript.ts.
export const VERIFY_TSA_CHAIN_SCRIPT = String.raw`
var TSA_X509 = { eku: "2.5.29.37", basicConstraints: "2.5.29.19", timeStamping: "1.3.6.1.5.5.7.3.8" };

// X.509 Time (UTCTime or GeneralizedTime, UTC) as a Date.
function tsaX509Time(t) {
  var s = new TextDecoder().decode(t.body);
  var m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) throw new Error("the certificate time " + s + " is not a UTC time");
  var y = Number(m[1]);
  if (t.tag === 0x17) y += y < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  return new Date(Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}
function tsaDay(d) { return d.toISOString().slice(0, 10); }

// Everything the chain walk needs of one certificate (element c of the token's certificate set).
function tsaCertFull(c) {
  var info = tsaCert(c);
  var top = derKids(derNeed(c, 0x30, "a certificate").body);
  var tbsEl = derNeed(top[0], 0x30, "a certificate body");
  var tbs = derKids(tbsEl.body), i = tbs[0] && tbs[0].tag === 0xa0 ? 1 : 0;
  var validity = derKids(derNeed(tbs[i + 3], 0x30, "a certificate validity").body);
  info.tbsRaw = tbsEl.raw;
  info.subjectRaw = tbs[i + 4].raw;
  info.notBefore = tsaX509Time(validity[0]);
  info.notAfter = tsaX509Time(validity[1]);
  var sigAlgKids = derKids(derNeed(top[1], 0x30, "a certificate signature algorithm").body);
  info.sigAlgOid = derOid(sigAlgKids[0].body);
  info.sigAlgParams = sigAlgKids[1] || null;
  var bits = derNeed(top[2], 0x03, "a certificate signature").body;
  info.signature = bits.subarray(1); // the BIT STRING's unused-bits byte
  info.eku = null;
  info.ca = false;
  tbs.slice(i + 6).forEach(function (t) {
    if (t.tag !== 0xa3) return;
    derKids(derKids(t.body)[0].body).forEach(function (ext) {
      var e = derKids(ext.body), oid = derOid(e[0].body), value = derRead(e[e.length - 1].body, 0);
      if (oid === TSA_X509.eku) info.eku = derKids(value.body).map(function (k) { return derOid(k.body); });
      if (oid === TSA_X509.basicConstraints) {
        var bc = derKids(value.body);
        info.ca = !!(bc[0] && bc[0].tag === 0x01 && bc[0].body[0]);
      }
    });
  });
  return info;
}

// true / false: the signature over data by issuer's key holds or not; null: not checkable here.
async function tsaSignedBy(issuer, cert) {
  var alg = TSA_SIGALGS[cert.sigAlgOid];
  if (!alg || (!alg.hash && alg.kind !== "PSS")) return null;
  var pss = alg.kind === "PSS" ? tsaPss(cert.sigAlgParams) : null;
  if (pss && !pss.ok) return null;
  try {
    return await tsaVerifyWith(issuer.spki, alg, alg.hash, pss, cert.signature, cert.tbsRaw);
  } catch (e) {
    return false; // a key or signature that does not even import, or an RSA signature on an EC key: not a valid signature
  }
}

function tsaValidAt(cert, when, what) {
  if (when < cert.notBefore || when > cert.notAfter) {
    throw new Error(what + " (" + cert.subject + ") was not valid at the time the token states: valid from " + tsaDay(cert.notBefore) + " to " + tsaDay(cert.notAfter));
  }
}

// signerRaw: the signer's certificate element (raw bytes); certEls: every certificate in the token;
// genTime: "YYYY-MM-DD HH:MM:SS[.f] UTC" as derTime gives it.
// added: the certificates the reviewer gave (elements), issuers and anchors like the token's own.
async function tsaCheckChain(signerRaw, certEls, genTime, added) {
  var when = new Date(genTime.replace(" UTC", "Z").replace(" ", "T"));
  var signer = tsaCertFull(derRead(signerRaw, 0));
  if (!signer.eku || signer.eku.indexOf(TSA_X509.timeStamping) < 0) throw new Error("the TSA's certificate (" + signer.subject + ") is not a timestamping certificate: it lacks the timeStamping extended key usage");
  tsaValidAt(signer, when, "the TSA's certificate");
  var pool = [];
  certEls.concat(added || []).forEach(function (c) { try { pool.push(tsaCertFull(c)); } catch (e) { /* not a certificate this walk can read: not used */ } });
  var given = function (c) { return (added || []).some(function (a) { return derEq(a.raw, c.raw); }); };
  var path = [signer], cur = signer, unchecked = [], selfSigned = false;
  for (var depth = 0; depth < 8; depth++) {
    if (derEq(cur.issuerRaw, cur.subjectRaw)) {
      var own = await tsaSignedBy(cur, cur);
      if (own === false) throw new Error("the root certificate " + cur.subject + " in the token is not signed by its own key");
      if (own === null) unchecked.push(cur.subject);
      selfSigned = true;
      break;
    }
    // Of the certificates named as its issuer, the one that signed it (a same-named impostor in the
    // token must not hide the real one the reviewer gave).
    var named = pool.filter(function (p) { return derEq(p.subjectRaw, cur.issuerRaw) && !derEq(p.raw, cur.raw); });
    if (!named.length) break;
    var issuer = null, good = false;
    for (var i = 0; i < named.length && good !== true; i++) {
      var g = await tsaSignedBy(named[i], cur);
      if (g === true || (g === null && !issuer)) { issuer = named[i]; good = g; }
    }
    if (!issuer) throw new Error("the certificate " + cur.subject + " is NOT signed by " + named[0].subject + ", the issuer certificate the token carries");
    if (good === null) unchecked.push(cur.subject);
    if (!issuer.ca) throw new Error(issuer.subject + " issued " + cur.subject + " but is not a CA certificate");
    tsaValidAt(issuer, when, "the issuing certificate");
    path.push(issuer);
    cur = issuer;
  }
  return {
    path: path.map(function (c) { return c.subject; }),
    anchor: { subject: cur.subject, issuer: cur.issuer, selfSigned: selfSigned, fingerprint: derHex(await crypto.subtle.digest("SHA-256", cur.raw)), given: path.some(given) },
    unchecked: unchecked
  };
}
`;
