// CPU per MiB ingested, hub path against plain multipart PUTs of the same sizes to the same store,
// by process: the sender (this process), the hub (`packwitness hub` child), and the store's
// processes (radosgw, ceph-osd, ceph-mon, postgres) named by PID in PW_STORE_PIDS (comma
// separated; each with its children). On a CPU-bound machine throughput is about the inverse of
// CPU per byte, so this compares the two paths where wall-clock time on a shared box cannot.
//   PW_STORE_PIDS=1,2,3 node scripts/bench/hubCpu.ts [rounds] [MiB per clip]
// Needs PACKWITNESS_TEST_PG_URL and the S3 settings (scripts/services/*.sh). PW_HUB_NODE_OPTIONS
// goes to the hub's NODE_OPTIONS (e.g. --cpu-prof --cpu-prof-dir=DIR); PW_ROUND_CPU=1 prints each
// window's CPU by process too.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newEnrollCode } from '../../electron/hub/server/identity.ts';
import { openHubParts } from '../../electron/hub/server/open.ts';
import { putFileByParts } from '../../electron/hub/store/putFile.ts';
import { hubFolder, pgS3Backend, publishInput, sha256, startChildHub } from '../../test/hub/hubFixture.ts';
import { CpuMeter, round } from './stats.ts';
import { enrollStations, thumbnailsMade } from './hub.ts';

const MiB = 2 ** 20;
const STATIONS = 8;
const PART = 5 * MiB;
const rounds = Number(process.argv[2] ?? 3);
const clipBytes = Number(process.argv[3] ?? 18) * MiB;
const storePids = (process.env.PW_STORE_PIDS ?? '').split(',').filter(Boolean).map(Number);
if (process.env.PW_HUB_NODE_OPTIONS) process.env.NODE_OPTIONS = process.env.PW_HUB_NODE_OPTIONS;

const backend = await pgS3Backend();
const folder = await hubFolder(backend, 'CPU bench hub');
const parts = await openHubParts(folder.dir, folder.settings, { partSize: PART });
const codes: string[] = [];
for (let i = 0; i < STATIONS; i++) codes.push((await newEnrollCode(parts.index, parts.key.fingerprint)).code);
const hub = await startChildHub(folder.dir, PART);
delete process.env.NODE_OPTIONS;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hubcpu-'));
const stations = await enrollStations(hub.url, codes, work);
// The hub is a child of this process: the sender's time is this process's own (cpuUsage), not its tree.
const roots = (hubPid: number) => ({ hub: [hubPid], store: storePids });
const total: Record<'hub' | 'plain', Record<string, number>> = { hub: {}, plain: {} };
let order = 0;
let mib = 0;
const measure = async (side: 'hub' | 'plain', run: () => Promise<unknown>): Promise<number> => {
  const groups = roots(hub.child.pid!);
  const meters = Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, new CpuMeter(pids)]));
  for (const m of Object.values(meters)) m.start();
  const t = performance.now();
  const own = process.cpuUsage();
  await run();
  const used = process.cpuUsage(own);
  const wall = (performance.now() - t) / 1000;
  const before = { ...total[side] };
  total[side].sender = (total[side].sender ?? 0) + (used.user + used.system) / 1e6;
  for (const [k, m] of Object.entries(meters)) {
    const r = m.stop();
    if (k === 'store') for (const [name, s] of Object.entries(r.byKind)) total[side][name] = (total[side][name] ?? 0) + s;
    else total[side][k] = (total[side][k] ?? 0) + r.cpuS;
  }
  if (process.env.PW_ROUND_CPU)
    console.log(
      `  ${side}: ` +
        Object.entries(total[side])
          .map(([k, v]) => `${k} ${round(v - (before[k] ?? 0), 2)}`)
          .join(', '),
    );
  return wall;
};
for (let r = 0; r < rounds; r++) {
  const clips = stations.map((s) => s.st.clip(`SF15${String(++order).padStart(11, '0')}`, clipBytes));
  const plain = Array.from({ length: STATIONS }, () => {
    const data = randomBytes(clipBytes);
    const file = path.join(work, `plain-${randomBytes(4).toString('hex')}.bin`);
    fs.writeFileSync(file, data);
    return { file, sha: sha256(data) };
  });
  // The hub's thumbnails of the clips before are made first (as in the ingest bench, hub.ts).
  await thumbnailsMade(parts.index);
  const h = await measure('hub', () =>
    Promise.all(
      stations.map(async (s, i) => {
        await s.client.publishChain([clips[i]!.entry]);
        await s.client.publishClip(publishInput(clips[i]!));
      }),
    ),
  );
  await thumbnailsMade(parts.index);
  const p = await measure('plain', () => Promise.all(plain.map((q) => putFileByParts(parts.store, q.sha, q.file))));
  mib += (clipBytes * STATIONS) / MiB;
  console.log(`round ${r + 1}: hub ${round(h, 2)} s, plain ${round(p, 2)} s (wall, shared machine)`);
  for (const c of clips) fs.rmSync(c.file, { force: true });
  for (const q of plain) fs.rmSync(q.file, { force: true });
  // The test S3 server keeps objects in memory (2 GiB): each round's objects go.
  for (const sha of [...clips.map((c) => c.sha256), ...plain.map((q) => q.sha)]) await parts.store.delete(sha);
}
const fmt = (side: 'hub' | 'plain'): string => {
  const t = total[side];
  const sum = Object.values(t).reduce((a, b) => a + b, 0);
  const parts = Object.entries(t)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${round((v / mib) * 1000, 1)}`)
    .join(', ');
  return `${side}: ${round((sum / mib) * 1000, 1)} CPU ms/MiB (${parts})`;
};
console.log(`over ${mib} MiB each side`);
console.log(fmt('hub'));
console.log(fmt('plain'));
const ratio = Object.values(total.plain).reduce((a, b) => a + b, 0) / Object.values(total.hub).reduce((a, b) => a + b, 0);
console.log(`plain/hub CPU per MiB: ${round(ratio, 2)} (≈ the throughput ratio on a CPU-bound machine)`);
await hub.stop();
await parts.close();
await backend.cleanup();
folder.cleanup();
fs.rmSync(work, { recursive: true, force: true });
