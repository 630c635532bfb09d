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
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LocalClipStore } from '../../engine/store/local.ts';
import { runExport, type ExportServices } from '../../engine/export/run.ts';
import { ExportCancelled } from '../../engine/ffmpeg.ts';
import { HUB_KEY_NAME, HUB_README_NAME, HUB_RECEIPT_NAME, HUB_RECEIPT_SIG_NAME, zipFolder } from '../../engine/export/package.ts';
import { findPreset, type CustomLimits, type ExportForm } from '../../engine/export/presets.ts';
import { canonicalBytes } from '../../engine/evidence/canonicalJson.ts';
import { signBytes } from '../../engine/evidence/keys.ts';
import { noCustody } from '../../engine/custody.ts';
import type { ClipRow } from '../../engine/index/types.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { ConsoleExport } from '../../../shared/consoleWire.ts';
import type { HubClip, HubIndex } from '../index/types.ts';
import { objectKey, type ClipStore, type ObjectKind } from '../store/types.ts';
import type { HubKey } from '../server/identity.ts';
import { dialectOf } from '../auth/accounts.ts';
import type { SqlDialect } from '../index/sqlIndex.ts';
import { verifyOnHub } from './verify.ts';
import type { CertInfo } from '../../engine/evidence/tsaTrust.ts';

export interface HubExportOptions {
  index: HubIndex;
  store: ClipStore;
  key: HubKey;
  hubName: string;
  /** Exports run at once (default 1); the rest wait. */
  exportsAtOnce?: number;
  /** Where packages are made (default a folder under the system's temp folder). */
  workDir?: string;
  /**
   * Who runs the jobs this object starts, stable across restarts of the same hub (its data folder):
   * at start-up the hub marks its own jobs left queued or running as interrupted. Default: a new
   * name per process (no job of an earlier process is taken for its own).
   */
  runner?: string;
  now?: () => number;
  /** TSA certificates of the hub's settings, for the check before an export. */
  addedCerts?: CertInfo[];
}

interface Job {
  view: ConsoleExport;
  user: string;
  clip: HubClip;
  custom: CustomLimits | null;
  abort: AbortController;
  dir: string;
  /** The index row's writes, one after another (the last state is written last). */
  saving: Promise<void>;
  savedProgress: number;
}

/** Finished jobs (and their packages in the store) are kept this long. */
const KEEP_FINISHED_MS = 30 * 24 * 3600_000;
/** A job another hub runs whose row was not written for this long is taken for interrupted (that hub is gone). */
const STALE_MS = 10 * 60_000;
/** Progress is written to the index in steps of this much (and at every stage). */
const PROGRESS_STEP = 0.05;

export const INTERRUPTED_LINE = 'The hub stopped while this export was waiting or running; nothing was kept. Start the export again.';
const STALE_LINE = 'The hub that ran this export stopped answering for its progress; nothing was kept. Start the export again.';

const JOB_COLUMNS =
  'id, station, clip_id, order_code, preset, form, custom, user_name, state, progress, stage, error, zip_name, zip_bytes, zip_sha256, runner, created_at, updated_at, finished_at';

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The name a hub's export jobs carry: the same for every run of one hub (its key, host and data folder). */
export function exportRunner(fingerprint: string, dataDir: string): string {
  return createHash('sha256')
    .update(`${fingerprint}\n${os.hostname()}\n${path.resolve(dataDir)}`)
    .digest('hex')
    .slice(0, 24);
}

/**
 * The hub's exports. Each job is a row of the hub index (hub_export_jobs): any hub on the same
 * index sees its state, and a hub restarted mid-export shows its own unfinished jobs as
 * interrupted. A finished package is a `package` object of the hub's store, keyed by its SHA-256:
 * every hub on the same store can hand it out, after a restart too.
 */
export class HubExports {
  private readonly o: HubExportOptions;
  private readonly db: SqlDialect;
  private readonly jobs = new Map<string, Job>();
  private readonly waiting: Job[] = [];
  private running = 0;
  private closing = false;
  private readonly root: string;
  private readonly now: () => number;
  readonly runner: string;
  /** Jobs of an earlier run of this hub, marked interrupted before anything else is answered. */
  private readonly ready: Promise<void>;

  constructor(o: HubExportOptions) {
    this.o = o;
    this.db = dialectOf(o.index);
    this.now = o.now ?? Date.now;
    this.root = o.workDir ?? path.join(os.tmpdir(), `pw-hub-exports-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.runner = o.runner ?? `${os.hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
    // What a killed run left in its work folder goes first.
    this.ready = fsp
      .rm(this.root, { recursive: true, force: true })
      .catch(() => {})
      .then(() =>
        this.db.run(
          `UPDATE hub_export_jobs SET state = 'interrupted', error = ?, stage = NULL, finished_at = ?, updated_at = ? WHERE runner = ? AND state IN ('queued', 'running')`,
          [INTERRUPTED_LINE, this.now(), this.now(), this.runner],
        ),
      )
      .then(() => undefined);
    // Not awaited here: the first call awaits it; a failure shows there.
    this.ready.catch(() => {});
  }

  /** Queues an export of one stored clip; the answer is its first state (queued or running). */
  async start(clip: HubClip, req: { preset: string; form?: ExportForm | null; custom?: CustomLimits | null }, user: string): Promise<ConsoleExport> {
    await this.ready;
    const preset = findPreset(req.preset);
    if (!preset) throw new Error(`Unknown preset "${req.preset.slice(0, 60)}".`);
    const custom = preset.id === 'custom' ? (req.custom ?? null) : null;
    const id = randomBytes(8).toString('hex');
    const at = this.now();
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
        createdAt: at,
        finishedAt: null,
      },
      user,
      clip,
      custom,
      abort: new AbortController(),
      dir: path.join(this.root, id),
      saving: Promise.resolve(),
      savedProgress: 0,
    };
    await this.db.run(`INSERT INTO hub_export_jobs (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      id,
      clip.station,
      clip.clipId,
      clip.order,
      preset.id,
      job.view.form,
      custom ? JSON.stringify(custom) : null,
      user,
      'queued',
      0,
      null,
      null,
      null,
      null,
      null,
      this.runner,
      at,
      at,
      null,
    ]);
    this.jobs.set(id, job);
    this.waiting.push(job);
    this.pump();
    return { ...job.view };
  }

  /** The job as this hub runs it, else as the index has it (a job of another hub, or of an earlier run). */
  async get(id: string): Promise<ConsoleExport | null> {
    const j = this.jobs.get(id);
    // A job that ended is answered once its row says so: every hub then reads the same end.
    if (j && j.view.finishedAt !== null) await j.saving;
    if (j) return { ...j.view };
    await this.ready;
    const r = await this.row(id);
    return r ? this.viewOf(r) : null;
  }

  async owner(id: string): Promise<string | null> {
    const j = this.jobs.get(id);
    if (j) return j.user;
    const r = await this.row(id);
    return r ? String(r.user_name) : null;
  }

  /** Stops a job this hub runs or queued; a job of another hub is answered as it is. */
  async cancel(id: string): Promise<ConsoleExport | null> {
    const j = this.jobs.get(id);
    if (!j) return this.get(id);
    if (j.view.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(j), 1);
      this.finish(j, 'cancelled', null);
      await j.saving;
    } else if (j.view.state === 'running') j.abort.abort();
    return { ...j.view };
  }

  /** The finished package: its name, size and a stream of it from the store; null when there is none. */
  async zipOf(id: string): Promise<{ name: string; bytes: number; open: () => Promise<Readable> } | null> {
    await this.jobs.get(id)?.saving;
    const r = await this.row(id);
    if (!r || r.state !== 'done' || !r.zip_sha256 || !r.zip_name) return null;
    const sha256 = String(r.zip_sha256);
    const st = await this.o.store.stat(sha256, 'package');
    if (!st) return null;
    return { name: String(r.zip_name), bytes: st.size, open: () => this.o.store.stream(sha256, 'package') };
  }

  /** Stops: jobs under way end as interrupted (written to the index before this returns). */
  async close(): Promise<void> {
    this.closing = true;
    await this.ready.catch(() => {});
    for (const j of this.waiting.splice(0)) this.finish(j, 'interrupted', INTERRUPTED_LINE);
    const under = [...this.jobs.values()];
    for (const j of under) if (j.view.state === 'running') j.abort.abort();
    while (this.running > 0) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(under.map((j) => j.saving));
    await fsp.rm(this.root, { recursive: true, force: true }).catch(() => {});
  }

  private async row(id: string): Promise<Record<string, unknown> | null> {
    const rows = await this.db.all(`SELECT ${JOB_COLUMNS} FROM hub_export_jobs WHERE id = ?`, [id]);
    return rows[0] ?? null;
  }

  private viewOf(r: Record<string, unknown>): ConsoleExport {
    let state = String(r.state) as ConsoleExport['state'];
    let error = strOrNull(r.error);
    // Another hub's job whose row stopped moving: that hub is gone (its restart will say so too).
    if ((state === 'queued' || state === 'running') && r.runner !== this.runner && this.now() - num(r.updated_at) > STALE_MS) {
      state = 'interrupted';
      error = STALE_LINE;
    }
    return {
      id: String(r.id),
      station: String(r.station),
      clipId: String(r.clip_id),
      order: String(r.order_code),
      preset: String(r.preset),
      form: (strOrNull(r.form) as ConsoleExport['form']) ?? null,
      state,
      progress: num(r.progress),
      stage: state === 'interrupted' ? null : strOrNull(r.stage),
      error,
      zipName: strOrNull(r.zip_name),
      zipBytes: numOrNull(r.zip_bytes),
      createdAt: num(r.created_at),
      finishedAt: numOrNull(r.finished_at),
    };
  }

  /** Writes the job's row as it is now, after the writes before it. */
  private save(j: Job, zipSha256: string | null = null): void {
    const v = { ...j.view };
    j.savedProgress = v.progress;
    j.saving = j.saving
      .then(() =>
        this.db.run(
          `UPDATE hub_export_jobs SET state = ?, progress = ?, stage = ?, error = ?, zip_name = ?, zip_bytes = ?, zip_sha256 = COALESCE(?, zip_sha256), updated_at = ?, finished_at = ? WHERE id = ?`,
          [v.state, v.progress, v.stage, v.error, v.zipName, v.zipBytes, zipSha256, this.now(), v.finishedAt, v.id],
        ),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  }

  private progress(j: Job, fraction: number, stage: string | null): void {
    const changed = stage !== j.view.stage;
    j.view.progress = fraction;
    j.view.stage = stage;
    if (changed || fraction - j.savedProgress >= PROGRESS_STEP) this.save(j);
  }

  private pump(): void {
    while (!this.closing && this.running < Math.max(1, this.o.exportsAtOnce ?? 1) && this.waiting.length) {
      const j = this.waiting.shift()!;
      this.running++;
      void this.run(j).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private finish(j: Job, state: ConsoleExport['state'], error: string | null, zipSha256: string | null = null): void {
    j.view.state = state;
    j.view.error = error;
    j.view.finishedAt = this.now();
    if (state === 'done') j.view.progress = 1;
    else j.view.stage = null;
    this.save(j, zipSha256);
    // This process forgets it once written: the index answers for it from then on.
    const saved = j.saving;
    void saved.then(() => {
      if (this.jobs.get(j.view.id) === j && j.view.finishedAt !== null) this.jobs.delete(j.view.id);
    });
    void saved.then(() => this.prune());
  }

  /** Finished jobs older than KEEP_FINISHED_MS go, with their packages. */
  private async prune(): Promise<void> {
    try {
      const before = this.now() - KEEP_FINISHED_MS;
      const old = await this.db.all(`SELECT id, zip_sha256 FROM hub_export_jobs WHERE finished_at IS NOT NULL AND finished_at < ? LIMIT 100`, [before]);
      for (const r of old) {
        if (r.zip_sha256) await this.o.store.delete(String(r.zip_sha256)).catch(() => {});
        await this.db.run('DELETE FROM hub_export_jobs WHERE id = ?', [r.id]);
      }
    } catch {
      // the next finished job tries again
    }
  }

  private async run(j: Job): Promise<void> {
    const signal = j.abort.signal;
    j.view.state = 'running';
    this.progress(j, 0, 'reading the stored clip');
    try {
      const { clip } = j;
      const station = await this.o.index.getStation(clip.station);
      if (!station) throw new Error('the station of this clip is not enrolled on this hub any more');
      // The hub checks the stored clip first: a package is made only from bytes that still hold.
      const checked = await verifyOnHub(this.o.index, this.o.store, clip, { addedCerts: this.o.addedCerts ?? [], readFrames: false });
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
        // The hub's own files go in before the manifest is made: it lists each with its hash, so a
        // reviewer holding only the package can tell that none of them was swapped. The receipt
        // names the clip and when the hub received and checked it (not the manifest, which lists it).
        packageExtras: async (dir: string, exportWords: string) => {
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
            exportedBy: j.user,
          });
          await fsp.writeFile(path.join(dir, HUB_KEY_NAME), this.o.key.publicPem);
          await fsp.writeFile(path.join(dir, HUB_RECEIPT_NAME), receipt);
          await fsp.writeFile(path.join(dir, HUB_RECEIPT_SIG_NAME), signBytes(this.o.key.privateKey, receipt));
          await fsp.writeFile(
            path.join(dir, HUB_README_NAME),
            hubReadme(this.o.hubName, this.o.key.fingerprint, station.name, station.fingerprint, clip, verifiedAt),
          );
          return [
            {
              name: HUB_KEY_NAME,
              role: 'key' as const,
              text: `the public key of the warehouse hub "${this.o.hubName}", which signed the manifest of ${exportWords}`,
            },
            {
              name: HUB_RECEIPT_NAME,
              role: 'package' as const,
              text: `the hub's receipt for the clip of ${exportWords}: when the hub received it and checked it again`,
            },
            { name: HUB_RECEIPT_SIG_NAME, role: 'package' as const, text: `the hub's signature of its receipt in ${exportWords}` },
            { name: HUB_README_NAME, role: 'package' as const, text: `the hub's read-me of ${exportWords}` },
          ];
        },
      } as unknown as ExportServices;
      const out = path.join(j.dir, 'package');
      const result = await runExport(
        services,
        {
          order: clip.order,
          clipIds: [clip.clipId],
          preset: j.view.preset,
          form: j.view.form,
          custom: j.custom,
          zip: false,
          mode: 'all',
          actor: j.user,
        },
        out,
        {
          signal,
          // One ffmpeg thread (at nice 10, as every export's ffmpeg runs): ingest keeps the other core.
          threads: 1,
          onProgress: (f, stage) => this.progress(j, Math.min(0.9, f * 0.9), stage),
        },
      );
      this.progress(j, 0.9, 'ZIP');
      const names = result.files.map((f) => f.name);
      const zipName = `${path.basename(result.files.find((f) => f.kind === 'video' || f.kind === 'still')?.name ?? clip.order).replace(/(_part\d+of\d+|_still\d+.*)?\.(mp4|jpg)$/, '')}_hub_evidence.zip`;
      const zipFile = path.join(j.dir, zipName);
      await zipFolder(out, names, zipFile, signal);
      if (signal.aborted) throw new ExportCancelled();
      // Into the hub's store, keyed by its SHA-256: every hub on this store hands it out, restarts included.
      this.progress(j, 0.95, 'storing the package');
      const bytes = await fsp.readFile(zipFile);
      const zipSha256 = createHash('sha256').update(bytes).digest('hex');
      await this.o.store.putSidecar(zipSha256, 'package', bytes);
      j.view.zipName = zipName;
      j.view.zipBytes = bytes.length;
      this.finish(j, 'done', null, zipSha256);
    } catch (err) {
      const cancelled = err instanceof ExportCancelled || signal.aborted;
      if (cancelled && this.closing) this.finish(j, 'interrupted', INTERRUPTED_LINE);
      else this.finish(j, cancelled ? 'cancelled' : 'failed', cancelled ? null : errorMessage(err));
    } finally {
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
    'export-manifest.json lists every file of this package with its SHA-256, these hub files (hub.pem, hub-receipt.json, its .sig and this',
    'read-me) included: a file changed, swapped or taken out fails the check.',
    '  openssl pkeyutl -verify -pubin -inkey hub.pem -rawin -in export-manifest.json -sigfile export-manifest.json.sig',
    '  openssl pkeyutl -verify -pubin -inkey hub.pem -rawin -in hub-receipt.json -sigfile hub-receipt.json.sig',
    '',
  ].join('\n');
}
