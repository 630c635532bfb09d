// The best any hub that carries the bytes can do on this machine: the ingest bench's plain
// multipart PUTs against the same uploads sent through the thinnest relay that still does what the
// hub must do with each byte (receive it over HTTP, hash it with SHA-256 in order, send it on to
// the store with the sender's Content-MD5 for the store to check). No signatures, no index, no
// buffering of parts: the relay streams each part from the station's request into the store's.
// If this relay does not reach 0.8 of plain PUTs here, no hub will on this machine.
//   node scripts/bench/relayBound.ts [rounds] [MiB per clip]
// Needs the S3 settings of the tests (scripts/services/s3.sh; source its env file). PW_STORE_PIDS
// (comma separated) names the store's processes to count their CPU too.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CompleteMultipartUploadCommand, DeleteObjectCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client } from '@aws-sdk/client-s3';
import { S3ClipStore, unsignedPayload } from '../../electron/hub/store/s3.ts';
import { putFileByParts } from '../../electron/hub/store/putFile.ts';
import { s3Env } from '../../test/hub/services.ts';
import { CpuMeter, cpuSeconds, round } from './stats.ts';

const MiB = 2 ** 20;
const PART = 5 * MiB;
const STATIONS = 8;

// A bucket of its own without versioning: deleted objects free the test server's memory.
const BUCKET = process.env.PW_RELAY_BUCKET ?? `pw-relay-bound-${randomBytes(4).toString('hex')}`;

function openStore(): S3ClipStore {
  const env = s3Env();
  if (!env) throw new Error('no S3 server: start one with scripts/services/s3.sh and source its env file');
  const u = new URL(env.url);
  return new S3ClipStore({
    endpoint: `${u.protocol}//${u.host}`,
    bucket: BUCKET,
    credentials: { accessKeyId: env.accessKeyId, secretAccessKey: env.secretAccessKey },
    partSize: PART,
  });
}

/** SHA-256 of the bytes passing through, in order. */
class Hashing extends Transform {
  private readonly hash: ReturnType<typeof createHash>;
  constructor(hash: ReturnType<typeof createHash>) {
    super();
    this.hash = hash;
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

// ---- the relay (a child process, so its CPU is its own) ----

function relay(): void {
  const store = openStore();
  const client: S3Client = store.client;
  const bucket = BUCKET;
  const hashes = new Map<string, ReturnType<typeof createHash>>();
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://relay');
    const key = u.searchParams.get('key')!;
    const done = (code: number, body: unknown): void => {
      res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const fail = (e: unknown): void => done(500, { error: String(e) });
    if (u.pathname === '/begin') {
      hashes.set(key, createHash('sha256'));
      client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key })).then((o) => done(200, { uploadId: o.UploadId }), fail);
      req.resume();
    } else if (u.pathname === '/part') {
      const cmd = new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: u.searchParams.get('id')!,
        PartNumber: Number(u.searchParams.get('n')),
        Body: req.pipe(new Hashing(hashes.get(key)!)),
        ContentLength: Number(req.headers['content-length']),
        ContentMD5: req.headers['content-md5'] as string,
      });
      cmd.middlewareStack.add(unsignedPayload, { step: 'build', name: 'relayUnsigned' });
      client.send(cmd).then((o) => done(200, { etag: o.ETag }), fail);
    } else if (u.pathname === '/complete') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const parts = JSON.parse(Buffer.concat(chunks).toString()) as { n: number; etag: string }[];
        const sha = hashes.get(key)!.digest('hex');
        hashes.delete(key);
        client
          .send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              UploadId: u.searchParams.get('id')!,
              MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.n, ETag: p.etag })) },
            }),
          )
          .then(() => done(200, { sha256: sha }), fail);
      });
    } else done(404, {});
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(`relay http://127.0.0.1:${(server.address() as { port: number }).port}`);
  });
}

// ---- the comparison ----

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function call(base: string, method: string, pathQ: string, body: Buffer, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathQ, base), { method, agent, headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode !== 200) reject(new Error(`${pathQ}: ${res.statusCode} ${text}`));
        else resolve(JSON.parse(text) as Record<string, string>);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** What a station does: reads each part, takes its MD5, sends it; then checks the relay's SHA-256. */
async function throughRelay(base: string, file: string, sha: string): Promise<void> {
  const size = fs.statSync(file).size;
  const key = `bound/${sha}`;
  const q = `key=${encodeURIComponent(key)}`;
  const { uploadId } = await call(base, 'POST', `/begin?${q}`, Buffer.alloc(0));
  const fh = await fs.promises.open(file, 'r');
  const parts: { n: number; etag: string }[] = [];
  try {
    for (let n = 1; (n - 1) * PART < size; n++) {
      const len = Math.min(PART, size - (n - 1) * PART);
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, (n - 1) * PART);
      const md5 = createHash('md5').update(buf).digest('base64');
      const { etag } = await call(base, 'PUT', `/part?${q}&id=${uploadId}&n=${n}`, buf, { 'content-md5': md5 });
      parts.push({ n, etag: etag! });
    }
  } finally {
    await fh.close();
  }
  const out = await call(base, 'POST', `/complete?${q}&id=${uploadId}`, Buffer.from(JSON.stringify(parts)));
  if (out.sha256 !== sha) throw new Error(`relay hashed ${out.sha256}, expected ${sha}`);
}

async function compare(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 3);
  const clipBytes = Number(process.argv[3] ?? 18) * MiB;
  const storePids = (process.env.PW_STORE_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const store = openStore();
  await store.ensureBucket();
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'relay'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PW_RELAY_BUCKET: BUCKET },
  });
  const base = await new Promise<string>((resolve) => {
    child.stdout!.on('data', (d: Buffer) => {
      const m = /relay (http:\/\/\S+)/.exec(d.toString());
      if (m) resolve(m[1]!);
    });
  });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-relay-bound-'));
  const total = { relay: { wall: 0, sender: 0, relay: 0, store: 0 }, plain: { wall: 0, sender: 0, relay: 0, store: 0 } };
  const files = (): { file: string; sha: string }[] =>
    Array.from({ length: STATIONS }, () => {
      const data = randomBytes(clipBytes);
      const file = path.join(work, `${randomBytes(4).toString('hex')}.bin`);
      fs.writeFileSync(file, data);
      return { file, sha: createHash('sha256').update(data).digest('hex') };
    });
  const measure = async (side: 'relay' | 'plain', run: () => Promise<unknown>): Promise<number> => {
    const meter = new CpuMeter(storePids);
    meter.start();
    const r0 = cpuSeconds(child.pid!) ?? 0;
    const own = process.cpuUsage();
    const t = performance.now();
    await run();
    const wall = (performance.now() - t) / 1000;
    const used = process.cpuUsage(own);
    total[side].wall += wall;
    total[side].sender += (used.user + used.system) / 1e6;
    total[side].relay += (cpuSeconds(child.pid!) ?? r0) - r0;
    total[side].store += meter.stop().cpuS;
    return wall;
  };
  try {
    for (let r = 0; r < rounds; r++) {
      const a = files();
      const b = files();
      const w1 = await measure('relay', () => Promise.all(a.map((f) => throughRelay(base, f.file, f.sha))));
      const w2 = await measure('plain', () => Promise.all(b.map((f) => putFileByParts(store, f.sha, f.file))));
      console.log(`round ${r + 1}: relay ${round(w1, 2)} s, plain ${round(w2, 2)} s for ${STATIONS} × ${clipBytes / MiB} MiB`);
      for (const f of [...a, ...b]) fs.rmSync(f.file, { force: true });
      for (const f of a) await store.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `bound/${f.sha}` }));
      for (const f of b) await store.delete(f.sha);
    }
    const mib = (rounds * STATIONS * clipBytes) / MiB;
    const per = (s: number): number => round((s / mib) * 1000, 1);
    console.log(
      `throughput: relay ${round(mib / total.relay.wall, 1)} MiB/s, plain ${round(mib / total.plain.wall, 1)} MiB/s, ratio ${round(total.plain.wall / total.relay.wall, 2)}`,
    );
    for (const side of ['relay', 'plain'] as const) {
      const t = total[side];
      console.log(
        `CPU ms per MiB, ${side}: sender ${per(t.sender)}, relay ${per(t.relay)}, store ${storePids.length ? per(t.store) : 'not counted'}; sum ${per(t.sender + t.relay + t.store)}`,
      );
    }
  } finally {
    child.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'relay') relay();
else await compare();
