// Parts the hub server tests share: a backend (embedded SQLite + folder, or PostgreSQL + S3 on the
// real test servers), a hub in this process or as a real child process (`packwitness hub`), and a
// fake station that signs its chain exactly as a station does (canonical JSON bodies, Ed25519).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { canonicalBytes, type JsonValue } from '../../electron/engine/evidence/canonicalJson.ts';
import { fingerprintOf } from '../../electron/engine/evidence/keys.ts';
import { enrollStation, openHubClient, type HubClient, type StationSigner } from '../../electron/hub/client/index.ts';
import { newEnrollCode, writeHubSettings, type HubSettings } from '../../electron/hub/server/identity.ts';
import { HubService } from '../../electron/hub/server/ingest.ts';
import { startHubServer, type RunningHub } from '../../electron/hub/server/http.ts';
import { openHubParts, type OpenedHub } from '../../electron/hub/server/open.ts';
import { S3ClipStore, parseS3Url } from '../../electron/hub/store/s3.ts';
import type { ChainEntryWire, ClipWire } from '../../shared/hubWire.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { freshPgDatabase, s3Env, uniqueName } from './services.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(root, 'bin', 'packwitness.mjs');
export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

export interface Backend {
  name: string;
  /** What the store's start-up probe says about Object Lock (the suite's bucket is made with it). */
  objectLock: 'unsupported' | 'enforced';
  /** Part size the hubs of this backend use (S3 needs at least 5 MiB). */
  partSize: number;
  /** Storage settings for one new hub (a fresh database; the suite's bucket). */
  storage(): Promise<{ pg: string | null; s3: string | null }>;
  cleanup(): Promise<void>;
}

export function embeddedBackend(): Backend {
  return {
    name: 'embedded (SQLite + folder)',
    objectLock: 'unsupported',
    partSize: 64 * 1024,
    storage: async () => ({ pg: null, s3: null }),
    cleanup: async () => {},
  };
}

export async function pgS3Backend(): Promise<Backend> {
  const env = s3Env()!;
  const bucket = uniqueName('pw-hubsrv');
  const s3 = `${env.url}/${bucket}`;
  const { endpoint } = parseS3Url(s3);
  const admin = new S3ClipStore({ endpoint, bucket, credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey } });
  await admin.ensureBucket({ objectLock: true });
  await admin.close();
  const drops: (() => Promise<void>)[] = [];
  return {
    name: 'PostgreSQL + S3',
    objectLock: 'enforced',
    partSize: 5 * 1024 * 1024,
    async storage() {
      const db = await freshPgDatabase();
      drops.push(db.drop);
      return { pg: db.url, s3 };
    },
    async cleanup() {
      for (const d of drops) await d().catch(() => {});
    },
  };
}

/** A hub's folder with its settings written (what `packwitness hub --pg … --s3 …` leaves behind). */
export async function hubFolder(b: Backend, name = 'Test hub'): Promise<{ dir: string; settings: HubSettings; cleanup: () => void }> {
  const t = tmpDir('pw-hubsrv-');
  const settings: HubSettings = { name, ...(await b.storage()), s3CredentialsFile: null, retention: null };
  writeHubSettings(t.dir, settings);
  return { dir: t.dir, settings, cleanup: t.cleanup };
}

export interface InProcessHub {
  url: string;
  dir: string;
  parts: OpenedHub;
  service: HubService;
  running: RunningHub;
  refusals: string[];
  code(): Promise<string>;
  close(): Promise<void>;
}

export async function startInProcessHub(b: Backend, folder?: { dir: string; settings: HubSettings }): Promise<InProcessHub> {
  const f = folder ?? (await hubFolder(b));
  const parts = await openHubParts(f.dir, f.settings, { partSize: b.partSize });
  const refusals: string[] = [];
  const service = new HubService({ index: parts.index, store: parts.store, key: parts.key, name: f.settings.name, onRefusal: (l) => refusals.push(l) });
  const running = await startHubServer({ service, host: '127.0.0.1', port: 0 });
  return {
    url: running.url,
    dir: f.dir,
    parts,
    service,
    running,
    refusals,
    code: async () => (await newEnrollCode(parts.index, parts.key.fingerprint)).code,
    async close() {
      await running.close();
      await parts.close();
    },
  };
}

export interface ChildHub {
  url: string;
  child: ChildProcess;
  output: () => string;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

/** `packwitness hub` as a real process on its folder (settings from hub.json). */
export async function startChildHub(dir: string, partSize: number): Promise<ChildHub> {
  const child = spawn(process.execPath, [BIN, 'hub', '--data', dir, '--host', '127.0.0.1', '--port', '0', '--part-size-mb', String(partSize / 2 ** 20)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`the hub exited (${code}) before it listened:\n${out}`)));
  });
  return {
    url,
    child,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** `packwitness hub …` run to its end. */
export function hubCli(args: string[]): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, 'hub', ...args], { encoding: 'utf8', timeout: 60_000, env: process.env });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

export interface FakeClip {
  file: string;
  sha256: string;
  size: number;
  row: ClipWire;
  manifest: Buffer;
  signature: Buffer;
  chainSeq: number;
  entry: ChainEntryWire;
}

/** A station's key and chain, signed the way electron/engine/evidence/chain.ts signs them. */
export class FakeStation {
  readonly name: string;
  readonly fingerprint: string;
  readonly publicKeyPem: string;
  readonly chain: ChainEntryWire[] = [];
  private readonly privateKey;
  private readonly dir: string;
  private clock = Date.UTC(2026, 11, 1, 8, 0, 0);

  constructor(name: string, dir: string) {
    const pair = generateKeyPairSync('ed25519');
    this.privateKey = pair.privateKey;
    this.name = name;
    this.fingerprint = fingerprintOf(pair.publicKey);
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    this.dir = dir;
  }

  signer(): StationSigner & { name: string } {
    return { name: this.name, fingerprint: this.fingerprint, publicKeyPem: this.publicKeyPem, sign: (d) => sign(null, d, this.privateKey) };
  }

  sign(d: Buffer): Buffer {
    return sign(null, d, this.privateKey);
  }

  /** Appends an entry; `atStep` ms later than the previous one. */
  append(kind: string, clipId: string | null, fields: Record<string, JsonValue>, atStep = 60_000): ChainEntryWire {
    const seq = this.chain.length + 1;
    const prev = this.chain.at(-1)?.hash ?? '0'.repeat(64);
    this.clock += atStep;
    const body = canonicalBytes({ v: 1, seq, prev, kind, at: this.clock, key: this.fingerprint, ...fields });
    const e: ChainEntryWire = {
      seq,
      prev,
      hash: sha256(body),
      signature: this.sign(body).toString('base64'),
      kind,
      at: this.clock,
      clipId,
      body: body.toString('utf8'),
    };
    this.chain.push(e);
    return e;
  }

  /** A clip file of `size` random bytes, sealed as the next chain entry (a shipping clip unless `mode` says returns). */
  clip(order: string, size: number, bytes?: Buffer, mode: 'shipping' | 'returns' = 'shipping'): FakeClip {
    const data = bytes ?? randomBytes(size);
    const sha = sha256(data);
    const clipId = `clip-${randomBytes(4).toString('hex')}`;
    const file = path.join(this.dir, `${clipId}.mp4`);
    fs.writeFileSync(file, data);
    const startedAt = this.clock + 1000;
    const row: ClipWire = {
      clipId,
      order,
      mode,
      operator: 'amy',
      startedAt,
      endedAt: startedAt + 30_000,
      durationMs: 30_000,
      sizeBytes: data.length,
      status: 'ok',
      stopReason: 'next-scan',
      note: null,
    };
    const entry = this.append('clip', clipId, {
      clipId,
      orders: [order],
      station: this.name,
      operator: row.operator,
      mode: row.mode,
      startedAt: row.startedAt,
      endedAt: row.endedAt,
      durationMs: row.durationMs,
      sizeBytes: row.sizeBytes,
      sha256: sha,
      file: `${clipId}.mp4`,
      status: row.status,
      recovered: false,
      stopReason: row.stopReason,
      note: row.note,
    });
    const manifest = Buffer.from(entry.body, 'utf8');
    return { file, sha256: sha, size: data.length, row, manifest, signature: Buffer.from(entry.signature, 'base64'), chainSeq: entry.seq, entry };
  }
}

export async function enrolledClient(hubUrl: string, code: string, st: FakeStation): Promise<HubClient> {
  const e = await enrollStation(hubUrl, code, st.signer());
  return openHubClient({ url: hubUrl, hubFingerprint: e.hubFingerprint, hubPublicKeyPem: e.hubPublicKeyPem, station: st.signer() });
}

export function publishInput(c: FakeClip): Parameters<HubClient['publishClip']>[0] {
  return { sha256: c.sha256, size: c.size, file: c.file, row: c.row, manifest: c.manifest, signature: c.signature, tsr: null, chainSeq: c.chainSeq };
}

export interface Proxy {
  url: string;
  /** Every request that passed: method, path, headers, body. */
  seen: { method: string; path: string; headers: http.IncomingHttpHeaders; body: Buffer }[];
  close(): Promise<void>;
}

/**
 * A man in the middle: forwards to the hub (with the hub's Host, as a router on the wire would)
 * and may change a request's body on the way.
 */
/** `alter` changes request bodies on the way to the hub, `answer` the hub's answer bodies on the way back. */
export async function startProxy(
  target: string,
  alter?: (method: string, path: string, body: Buffer) => Buffer,
  answer?: (method: string, path: string, body: Buffer) => Buffer,
): Promise<Proxy> {
  const t = new URL(target);
  const seen: Proxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const original = Buffer.concat(chunks);
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body: original });
      const body = alter ? alter(req.method!, req.url!, original) : original;
      const headers = { ...req.headers, host: t.host, 'content-length': String(body.length) };
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (r) => {
        if (!answer) {
          res.writeHead(r.statusCode!, r.headers);
          r.pipe(res);
          return;
        }
        const back: Buffer[] = [];
        r.on('data', (c: Buffer) => back.push(c));
        r.on('end', () => {
          const out = answer(req.method!, req.url!, Buffer.concat(back));
          const { 'transfer-encoding': _chunked, ...kept } = r.headers;
          res.writeHead(r.statusCode!, { ...kept, 'content-length': String(out.length) });
          res.end(out);
        });
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Sends a captured request again, byte for byte, to the hub. */
export async function resend(hubUrl: string, r: Proxy['seen'][number]): Promise<{ status: number; body: string }> {
  const t = new URL(hubUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: t.hostname, port: t.port, method: r.method, path: r.path, headers: { ...r.headers, host: t.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}
