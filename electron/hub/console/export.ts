// Export on the hub: the station's own export (engine/export/run.ts: every preset, parts and
// stills, sheets, verify.html, signed manifest) run from the stored clip, whether or not its station
// is switched on. What differs from a station:
// - the clip comes from the hub's store: a folder store is read in place (its sidecars lie next to
//   it under the names a station gives them); S3 is downloaded once to a temporary folder;
// - the station's key never leaves the station, so the HUB signs the export manifest with its own
//   key; the package carries hub.pem, the hub's signed receipt (when it received and checked the
//   clip, the station's and the hub's fingerprints) and README-HUB.txt saying so; `packwitness
//   verify PACKAGE` accepts such a manifest and names the hub;
// - at most `exportsAtOnce` run at a time (default 1), ffmpeg on one thread, so an export never
//   takes more than one core from ingest; the others wait in line. Each has progress and can be
//   cancelled.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { LocalClipStore } from '../../engine/store/local.ts';
import { runExport, type ExportServices } from '../../engine/export/run.ts';
import { ExportCancelled } from '../../engine/ffmpeg.ts';
import { HUB_KEY_NAME, HUB_README_NAME, MANIFEST_NAME, HUB_RECEIPT_NAME, HUB_RECEIPT_SIG_NAME, zipFolder } from '../../engine/export/package.ts';
import { findPreset, type ExportForm } from '../../engine/export/presets.ts';
import { canonicalBytes } from '../../engine/evidence/canonicalJson.ts';
import { signBytes } from '../../engine/evidence/keys.ts';
import { noCustody } from '../../engine/custody.ts';
import type { ClipRow } from '../../engine/index/types.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { ConsoleExport } from '../../../shared/consoleWire.ts';
import type { HubClip, HubIndex } from '../index/types.ts';
import { objectKey, type ClipStore, type ObjectKind } from '../store/types.ts';
import type { HubKey } from '../server/identity.ts';
import { verifyOnHub } from './verify.ts';

export interface HubExportOptions {
  index: HubIndex;
  store: ClipStore;
  key: HubKey;
  hubName: string;
  /** Exports run at once (default 1); the rest wait. */
  exportsAtOnce?: number;
  /** Where packages are made (default a folder under the system's temp folder). */
  workDir?: string;
  now?: () => number;
}

interface Job {
  view: ConsoleExport;
  user: string;
  clip: HubClip;
  abort: AbortController;
  dir: string;
  zip: string | null;
}

const KEEP_FINISHED = 50;

export class HubExports {
  private readonly o: HubExportOptions;
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running = 0;
  private readonly root: string;
  private readonly now: () => number;

  constructor(o: HubExportOptions) {
    this.o = o;
    this.now = o.now ?? Date.now;
    this.root = o.workDir ?? path.join(os.tmpdir(), `pw-hub-exports-${process.pid}`);
  }

  /** Queues an export of one stored clip; the answer is its first state (queued or running). */
  start(clip: HubClip, req: { preset: string; form?: ExportForm | null }, user: string): ConsoleExport {
    const preset = findPreset(req.preset);
    if (!preset || preset.id === 'custom') throw new Error(`Unknown preset "${req.preset.slice(0, 60)}".`);
    const id = randomBytes(8).toString('hex');
    const job: Job = {
      view: {
        id,
        station: clip.station,
        clipId: clip.clipId,
        order: clip.order,
        preset: preset.id,
        form: req.form ?? null,
        state: 'queued',
        progress: 0,
        stage: null,
        error: null,
        zipName: null,
        zipBytes: null,
        createdAt: this.now(),
        finishedAt: null,
      },
      user,
      clip,
      abort: new AbortController(),
      dir: path.join(this.root, id),
      zip: null,
    };
    this.jobs.set(id, job);
    this.waiting.push(job);
    this.pump();
    return { ...job.view };
  }

  get(id: string): ConsoleExport | null {
    const j = this.jobs.get(id);
    return j ? { ...j.view } : null;
  }

  owner(id: string): string | null {
    return this.jobs.get(id)?.user ?? null;
  }

  cancel(id: string): ConsoleExport | null {
    const j = this.jobs.get(id);
    if (!j) return null;
    if (j.view.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(j), 1);
      this.finish(j, 'cancelled', null);
    } else if (j.view.state === 'running') j.abort.abort();
    return { ...j.view };
  }

  /** The finished package's ZIP file, or null. */
  zipOf(id: string): { file: string; name: string } | null {
    const j = this.jobs.get(id);
    return j && j.view.state === 'done' && j.zip ? { file: j.zip, name: j.view.zipName! } : null;
  }

  async close(): Promise<void> {
    for (const j of this.jobs.values()) j.abort.abort();
    this.waiting.length = 0;
    await fsp.rm(this.root, { recursive: true, force: true }).catch(() => {});
  }

  private pump(): void {
    while (this.running < Math.max(1, this.o.exportsAtOnce ?? 1) && this.waiting.length) {
      const j = this.waiting.shift()!;
      this.running++;
      void this.run(j).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private finish(j: Job, state: ConsoleExport['state'], error: string | null): void {
    j.view.state = state;
    j.view.error = error;
    j.view.finishedAt = this.now();
    if (state === 'done') j.view.progress = 1;
    // Old finished jobs go, with their files.
    const finished = [...this.jobs.values()].filter((x) => x.view.finishedAt !== null);
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(old.view.id);
      void fsp.rm(old.dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  private async run(j: Job): Promise<void> {
    const signal = j.abort.signal;
    j.view.state = 'running';
    j.view.stage = 'reading the stored clip';
    try {
      const { clip } = j;
      const station = await this.o.index.getStation(clip.station);
      if (!station) throw new Error('the station of this clip is not enrolled on this hub any more');
      // The hub checks the stored clip first: a package is made only from bytes that still hold.
      const checked = await verifyOnHub(this.o.index, this.o.store, clip);
      const bad = checked.answer.checks.filter((c) => c.ok === false && c.what !== 'timestamp');
      if (bad.length) throw new Error(`the stored clip does not verify (${bad.map((c) => c.text).join(' ')})`);
      const verifiedAt = this.now();
      if (signal.aborted) throw new ExportCancelled();

      const data = path.join(j.dir, 'station');
      await fsp.mkdir(path.join(data, 'keys'), { recursive: true });
      await fsp.writeFile(path.join(data, 'keys', 'station.pem'), station.publicKeyPem);
      const clipFile = await this.clipFile(clip.sha256, path.join(j.dir, 'clip'));
      const row: ClipRow = {
        id: clip.clipId,
        order_code: clip.order,
        station: station.name,
        operator: clip.operator,
        mode: clip.mode === 'returns' ? 'returns' : 'shipping',
        started_at: clip.startedAt,
        ended_at: clip.endedAt,
        duration_ms: clip.durationMs,
        mono_ms: null,
        size_bytes: clip.sizeBytes,
        file: path.basename(clipFile),
        sha256: clip.sha256,
        status: clip.status as ClipRow['status'],
        stop_reason: clip.stopReason as ClipRow['stop_reason'],
        note: clip.note,
        mime_type: 'video/mp4',
        partial_file: null,
        thumb_file: null,
        legal_hold: 0,
        hold_reason: null,
      };
      // The engine's export reads only these parts of a station's services (run.ts): one clip,
      // its file, where the station key lies, no TSA, no chain of the hub's own; the hub signs.
      const services = {
        clips: { byOrder: async () => [row] },
        clipFile: async () => clipFile,
        // Its sidecars lie next to the clip file under a station's names (clipFile above).
        store: new LocalClipStore(path.dirname(clipFile)),
        paths: { dataDir: data },
        settings: { get: () => ({ tsaUrls: [] as string[] }) },
        custody: noCustody,
        exportSigner: { sign: (bytes: Buffer) => signBytes(this.o.key.privateKey, bytes) },
      } as unknown as ExportServices;
      const out = path.join(j.dir, 'package');
      const result = await runExport(
        services,
        { order: clip.order, clipIds: [clip.clipId], preset: j.view.preset, form: j.view.form, zip: false, mode: 'all', actor: j.user },
        out,
        {
          signal,
          threads: 1,
          onProgress: (f, stage) => {
            j.view.progress = Math.min(0.95, f * 0.95);
            j.view.stage = stage;
          },
        },
      );
      j.view.stage = 'hub receipt';
      const manifestSha256 = createHash('sha256')
        .update(await fsp.readFile(path.join(out, MANIFEST_NAME)))
        .digest('hex');
      const receipt = canonicalBytes({
        hubName: this.o.hubName,
        hubFingerprint: this.o.key.fingerprint,
        station: station.name,
        stationFingerprint: station.fingerprint,
        clipId: clip.clipId,
        order: clip.order,
        sha256: clip.sha256,
        receivedAt: clip.publishedAt,
        verifiedAt,
        exportManifestSha256: manifestSha256,
        exportedBy: j.user,
      });
      await fsp.writeFile(path.join(out, HUB_KEY_NAME), this.o.key.publicPem);
      await fsp.writeFile(path.join(out, HUB_RECEIPT_NAME), receipt);
      await fsp.writeFile(path.join(out, HUB_RECEIPT_SIG_NAME), signBytes(this.o.key.privateKey, receipt));
      await fsp.writeFile(
        path.join(out, HUB_README_NAME),
        hubReadme(this.o.hubName, this.o.key.fingerprint, station.name, station.fingerprint, clip, verifiedAt),
      );
      j.view.stage = 'ZIP';
      const names = [...result.files.map((f) => f.name), HUB_KEY_NAME, HUB_RECEIPT_NAME, HUB_RECEIPT_SIG_NAME, HUB_README_NAME];
      const zipName = `${path.basename(result.files.find((f) => f.kind === 'video' || f.kind === 'still')?.name ?? clip.order).replace(/(_part\d+of\d+|_still\d+.*)?\.(mp4|jpg)$/, '')}_hub_evidence.zip`;
      j.zip = path.join(j.dir, zipName);
      await zipFolder(out, names, j.zip, signal);
      j.view.zipName = zipName;
      j.view.zipBytes = (await fsp.stat(j.zip)).size;
      this.finish(j, 'done', null);
    } catch (err) {
      const cancelled = err instanceof ExportCancelled || signal.aborted;
      this.finish(j, cancelled ? 'cancelled' : 'failed', cancelled ? null : errorMessage(err));
      await fsp.rm(j.dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** The clip as a file ffmpeg can read: in place on a folder store, else downloaded once with its sidecars. */
  private async clipFile(sha256: string, dir: string): Promise<string> {
    const store = this.o.store;
    if (store.kind === 'folder') {
      const inPlace = path.join(store.location, objectKey(sha256, 'clip'));
      if (fs.existsSync(inPlace)) return inPlace;
    }
    await fsp.mkdir(dir, { recursive: true });
    const kinds: ObjectKind[] = ['clip', 'manifest', 'sig', 'tsr'];
    for (const kind of kinds) {
      if (kind !== 'clip' && !(await store.stat(sha256, kind))) continue;
      await pipeline(await store.stream(sha256, kind), fs.createWriteStream(path.join(dir, path.basename(objectKey(sha256, kind)))));
    }
    return path.join(dir, path.basename(objectKey(sha256, 'clip')));
  }
}

function hubReadme(hubName: string, hubFp: string, stationName: string, stationFp: string, clip: HubClip, verifiedAt: number): string {
  return [
    'MADE ON THE WAREHOUSE HUB',
    '',
    `This package was made by the PackWitness warehouse hub "${hubName}" from the clip that station "${stationName}" sealed and published to it.`,
    "The station signed the clip itself: its manifest (*.manifest.json) and signature (*.manifest.json.sig) are the station's, checked with station.pem",
    `(fingerprint ${stationFp}).`,
    "The station's key never leaves the station, so the export manifest (export-manifest.json) is signed by the HUB's key, in hub.pem",
    `(fingerprint ${hubFp}). verify.html and \`packwitness verify\` accept a manifest signed by hub.pem and name the hub.`,
    '',
    `hub-receipt.json, signed by the hub (hub-receipt.json.sig), says when the hub received the clip (${new Date(clip.publishedAt).toISOString()})`,
    `and when it checked it again before this export (${new Date(verifiedAt).toISOString()}): SHA-256 ${clip.sha256}.`,
    '',
  ].join('\n');
}
