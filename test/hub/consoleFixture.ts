// A hub with its console (in this process, a clock the test moves), two stations that published
// clips, and a plain HTTP client that sets any Host, Origin or cookie (what a browser, a tool or
// an attacker would send).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { ffmpegBin } from '../helpers/video.ts';
import { HubService } from '../../electron/hub/server/ingest.ts';
import { HUB_CONNECTION_LIMITS, startHubServer, type RunningHub } from '../../electron/hub/server/http.ts';
import { newEnrollCode, type HubSettings } from '../../electron/hub/server/identity.ts';
import { openHubParts, type OpenedHub } from '../../electron/hub/server/open.ts';
import { createHubConsole, type HubConsole } from '../../electron/hub/console/http.ts';
import { HubExports } from '../../electron/hub/console/export.ts';
import type { CertInfo } from '../../electron/engine/evidence/tsaTrust.ts';
import { FakeStation, enrolledClient, hubFolder, publishInput, type Backend, type FakeClip } from './hubFixture.ts';

export interface ConsoleHub {
  url: string;
  host: string;
  dir: string;
  parts: OpenedHub;
  console: HubConsole;
  running: RunningHub;
  clock: { now: number };
  close(): Promise<void>;
}

/**
 * `folder`: a hub folder made already (a second hub on the same storage, or a restart); it is left in place.
 * `o.limits`: the HTTP door's connection limits, when a test needs others than the hub's own;
 * `o.tsaCerts`: the TSA certificates hub.json names, as `hub serve` reads them (hubTsaCerts).
 */
export async function startConsoleHub(
  b: Backend,
  folder?: { dir: string; settings: HubSettings },
  o: { limits?: Partial<typeof HUB_CONNECTION_LIMITS>; tsaCerts?: CertInfo[] } = {},
): Promise<ConsoleHub> {
  const f = folder ? { ...folder, cleanup: () => {} } : await hubFolder(b);
  const parts = await openHubParts(f.dir, f.settings, { partSize: b.partSize });
  const service = new HubService({ index: parts.index, store: parts.store, key: parts.key, name: f.settings.name, onRefusal: () => {} });
  const clock = { now: Date.now() };
  const exports = new HubExports({ index: parts.index, store: parts.store, key: parts.key, hubName: f.settings.name });
  const hubConsole = createHubConsole({
    index: parts.index,
    store: parts.store,
    now: () => clock.now,
    hubFingerprint: parts.key.fingerprint,
    exports,
    ...(o.tsaCerts ? { tsaCerts: o.tsaCerts } : {}),
  });
  const running = await startHubServer({ service, host: '127.0.0.1', port: 0, console: hubConsole, ...(o.limits ? { limits: o.limits } : {}) });
  return {
    url: running.url,
    host: new URL(running.url).host,
    dir: f.dir,
    parts,
    console: hubConsole,
    running,
    clock,
    async close() {
      await running.close();
      await exports.close();
      await hubConsole.close();
      await parts.close();
      f.cleanup();
    },
  };
}

/** Enrolls a station on the hub and publishes one clip per order code. */
export async function publishClips(h: ConsoleHub, st: FakeStation, orders: string[], size: number): Promise<FakeClip[]> {
  const client = await enrolledClient(h.url, (await newEnrollCode(h.parts.index, h.parts.key.fingerprint)).code, st);
  st.append('genesis', null, { station: st.name, publicKey: st.publicKeyPem });
  const clips = orders.map((o) => st.clip(o, size));
  await client.publishChain(st.chain);
  for (const c of clips) await client.publishClip(publishInput(c));
  return clips;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json(): any;
}

export interface Ask {
  method?: string;
  cookie?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sends from this local address on a fresh connection (the hub's per-address limits count connections). */
  localAddress?: string;
}

export function ask(h: ConsoleHub, path: string, o: Ask = {}): Promise<Answer> {
  const method = o.method ?? (o.body !== undefined ? 'POST' : 'GET');
  const body = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
  const headers: Record<string, string> = {
    host: h.host,
    ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
    ...(o.cookie ? { cookie: o.cookie } : {}),
    ...o.headers,
  };
  const u = new URL(h.url);
  return new Promise((resolve, reject) => {
    const from = o.localAddress ? { localAddress: o.localAddress, agent: false as const } : {};
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, ...from }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body: b, json: () => JSON.parse(b.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The cookie pair (name=value) a login answer set, for the next requests. */
export function cookieOf(a: Answer): string {
  const set = a.headers['set-cookie']?.[0];
  if (!set) throw new Error(`no cookie set (status ${a.status}: ${a.body.toString()})`);
  return set.split(';')[0]!;
}

/** A call as a browser at `localAddress` makes it, on a fresh connection: its status, the cookie it set and its JSON. */
export async function callFrom(
  h: ConsoleHub,
  localAddress: string,
  path: string,
  cookie?: string,
  body?: unknown,
): Promise<{ status: number; cookie?: string; json: any }> {
  const a = await ask(h, path, { cookie, body, localAddress });
  return { status: a.status, cookie: a.headers['set-cookie']?.[0]?.split(';')[0], json: JSON.parse(a.body.toString() || 'null') };
}

export async function login(h: ConsoleHub, name: string, password: string): Promise<string> {
  return cookieOf(await ask(h, '/console/api/login', { body: { name, password } }));
}

export const fileBytes = (c: FakeClip): Buffer => fs.readFileSync(c.file);

/** A real H.264 MP4 of `seconds` of test pattern, moov first as stations write it; the title makes its bytes its own. */
export function makeMp4(file: string, seconds: number, title: string): Buffer {
  // prettier-ignore
  execFileSync(ffmpegBin(), [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=320x240:rate=30:duration=${seconds}`,
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-g', '30', '-movflags', '+faststart', '-metadata', `title=${title}`, file,
  ]);
  return fs.readFileSync(file);
}
