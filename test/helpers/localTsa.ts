// A real RFC 3161 TSA for tests: a throwaway CA and TSA certificate, and `openssl ts -reply`
// behind a small HTTP handler on 127.0.0.1. Tests check its tokens with `openssl ts -verify`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { children, readTlv, seq, tlv } from '../../electron/engine/evidence/der.ts';

export interface LocalTsa {
  url: string;
  caFile: string;
  /** Requests answered so far. */
  served: () => number;
  /** While true the TSA answers 503, like a TSA that is down. */
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
}

const openssl = (args: string[], cwd: string): Buffer => execFileSync('openssl', args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });

export interface LocalTsaOptions {
  /** The TSA's signing key: RSA 2048 (default) or ECDSA P-256, to exercise both signature kinds. */
  key?: 'rsa' | 'ec';
  name?: string;
  /** Replies carry no certificates (as some TSAs' do): the tokens stay valid, but need the TSA's certificate to be checked. */
  withoutCerts?: boolean;
}

/** A TimeStampResp with the certificates taken out of its SignedData (they are not signed). */
export function withoutCertificates(reply: Buffer): Buffer {
  const resp = children(readTlv(reply).body);
  const ci = children(resp[1]!.body);
  const sd = children(children(ci[1]!.body)[0]!.body).filter((t) => t.tag !== 0xa0);
  return seq(resp[0]!.raw, seq(ci[0]!.raw, tlv(0xa0, seq(...sd.map((t) => t.raw)))));
}

/**
 * Which certificates the tokens carry besides the TSA's own:
 * - 'signer': none (the root stays outside, as with most public TSAs' roots);
 * - 'root': the root CA too;
 * - 'intermediate': the TSA is issued by an intermediate CA, which the token carries (the root not);
 * - 'intermediate-not-ca': the same, but the "intermediate" is no CA certificate;
 * - 'impostor': a different self-signed certificate with the root's name, in place of the root.
 */
export type TsaChain = 'signer' | 'root' | 'intermediate' | 'intermediate-not-ca' | 'impostor';

/** Makes the CA, the TSA key and certificate, and the openssl ts config in dir. */
export function makeTsaFiles(
  dir: string,
  name = 'PackWitness Test TSA',
  key: LocalTsaOptions['key'] = 'rsa',
  chain: TsaChain = 'signer',
): { caFile: string; config: string } {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n');
  fs.writeFileSync(path.join(dir, 'ca-ext.cnf'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
  fs.writeFileSync(path.join(dir, 'leaf-ext.cnf'), 'basicConstraints=CA:FALSE\n');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=PackWitness Test Root'], dir);
  let issuer = ['-CA', 'ca.pem', '-CAkey', 'ca.key'];
  let carried = 'tsa.pem';
  if (chain === 'intermediate' || chain === 'intermediate-not-ca') {
    openssl(
      [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-384',
        '-nodes',
        '-keyout',
        'int.key',
        '-out',
        'int.csr',
        '-subj',
        '/O=Test Time Co/CN=PackWitness Test Timestamping CA',
      ],
      dir,
    );
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'int.csr',
        ...issuer,
        '-CAcreateserial',
        '-out',
        'int.pem',
        '-days',
        '30',
        '-extfile',
        chain === 'intermediate' ? 'ca-ext.cnf' : 'leaf-ext.cnf',
      ],
      dir,
    );
    issuer = ['-CA', 'int.pem', '-CAkey', 'int.key'];
    carried = 'int.pem';
  } else if (chain === 'root') {
    carried = 'ca.pem';
  } else if (chain === 'impostor') {
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'impostor.key', '-out', 'impostor.pem', '-days', '30', '-subj', '/CN=PackWitness Test Root'],
      dir,
    );
    carried = 'impostor.pem';
  }
  const newkey = key === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
  openssl(['req', ...newkey, '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', `/O=Test Time Co/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', 'tsa.csr', ...issuer, '-CAcreateserial', '-out', 'tsa.pem', '-days', '30', '-extfile', 'ext.cnf'], dir);
  const config = path.join(dir, 'tsa.cnf');
  fs.writeFileSync(
    config,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `dir = ${dir}`,
      'serial = $dir/serial',
      'signer_cert = $dir/tsa.pem',
      `certs = $dir/${carried}`,
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  return { caFile: path.join(dir, 'ca.pem'), config };
}

export async function startLocalTsa(dir: string, opts: LocalTsaOptions = {}): Promise<LocalTsa> {
  const { caFile, config } = makeTsaFiles(dir, opts.name, opts.key);
  let count = 0;
  let down = false;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      if (down || req.method !== 'POST') {
        res.writeHead(503).end();
        return;
      }
      const n = ++count;
      const q = path.join(dir, `q${n}.tsq`);
      const r = path.join(dir, `r${n}.tsr`);
      try {
        fs.writeFileSync(q, Buffer.concat(parts));
        openssl(['ts', '-reply', '-config', config, '-queryfile', q, '-out', r], dir);
        const reply = fs.readFileSync(r);
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(opts.withoutCerts ? withoutCertificates(reply) : reply);
      } catch (err) {
        res.writeHead(500).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    caFile,
    served: () => count,
    setDown: (d) => {
      down = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
