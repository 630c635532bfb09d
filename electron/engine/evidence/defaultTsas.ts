// The timestamp authorities a fresh station asks, in this order, so that its clips carry a third
// party's time out of the box. Each is free, public and answers plain RFC 3161 over HTTP(S). What
// leaves the PC is a TimeStampReq: the clip's (or chain head's) SHA-256, a nonce and "send your
// certificate" (tsa.ts buildTimestampRequest); never the video, the order code or the station's name.
// Settings → TSA URLs changes the list; an empty list turns trusted time off.
// PACKWITNESS_DEFAULT_TSA=off starts stations without it (air-gapped sites; the test suite, whose
// tests that want trusted time run their own local TSA).

export interface DefaultTsa {
  url: string;
  name: string;
  /** The root CA its timestamping certificate chains to, and where that is published. */
  root: string;
  source: string;
}

export const DEFAULT_TSAS: readonly DefaultTsa[] = [
  {
    url: 'http://timestamp.digicert.com',
    name: 'DigiCert',
    // "DigiCert Timestamp 2023" ← "DigiCert Trusted G4 RSA4096 SHA256 TimeStamping CA" ← this root,
    // in the public root stores Node ships (tls.rootCertificates): verify names it a public root.
    root: 'DigiCert Trusted Root G4',
    source: 'https://www.digicert.com/kb/digicert-root-certificates.htm',
  },
  {
    url: 'http://timestamp.sectigo.com',
    name: 'Sectigo',
    // "Sectigo RSA Time Stamping Signer" ← "Sectigo RSA Time Stamping CA" ← this root (public).
    root: 'USERTrust RSA Certification Authority',
    source: 'https://www.sectigo.com/resource-library/time-stamping-server',
  },
  {
    url: 'https://freetsa.org/tsr',
    name: 'FreeTSA',
    // Its own root, in no public store: its tokens verify once the root is added (Settings → TSA
    // certificates, or verify --tsa-cert cacert.pem); until then verify says "not a known root".
    root: 'FreeTSA.org root CA (cacert.pem)',
    source: 'https://freetsa.org/index_en.php (https://freetsa.org/files/cacert.pem)',
  },
];

export function defaultTsaUrls(env: NodeJS.ProcessEnv = process.env): string[] {
  return env.PACKWITNESS_DEFAULT_TSA === 'off' ? [] : DEFAULT_TSAS.map((t) => t.url);
}
