// The engine: plain Node, no Electron. Both doors hand it validated calls and forward its events.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  contract,
  parseInput,
  PwError,
  type CallName,
  type CallOutput,
  type Clip,
  type EventName,
  type EventPayload,
  type RecordingEndCause,
  type Settings,
  type StopReason,
} from '../../shared/contract.ts';
import { parseOrderCode } from '../../shared/orderCode.ts';
import { LabelStore } from './labels.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';
import { ClipsRepo, type ClipRow } from './clipsRepo.ts';
import { openDb, type Db } from './db.ts';
import { probe, remuxToMp4, thumbnail } from './ffmpeg.ts';
import { sha256File } from './hash.ts';
import { insideRoot, layout, type DataLayout } from './paths.ts';
import { SettingsStore } from './settingsStore.ts';
import { clipFileName, dayFolder } from './clipNames.ts';
import { noCustody, type Custody } from './custody.ts';
import { acquireOwnership, checkBeforeRecording, checkDataDirWritable, describeFsError, lowSpaceMessage, MARKER_FILE, prepareClipsFolder, probeWritable, spaceOf, startHeadroomBytes } from './storage.ts';
import { Retention } from './retention.ts';
import type { SpaceInfo } from '../../shared/contract/storage.ts';
import { storageHandlers } from './storageHandlers.ts';
import { exportHandlers } from './export/handlers.ts';
import { lanHandlers, type LanSlot } from './lanHandlers.ts';
import { ExportJobs } from './export/jobs.ts';
import type { CallContext, EngineServices, HandlerMap } from './services.ts';
import { checkClipsDirSetting, configuredClipsDir } from './clipsDirSetting.ts';
import { checkTsaCertsSetting } from './evidence/tsaTrust.ts';
import { engineHealth } from './doctor.ts';
import { StationCustody } from './evidence/stationCustody.ts';
import { evidenceHandlers } from './evidence/handlers.ts';
import type { KeyProtector } from './evidence/keys.ts';
import { ContinuityPass } from './continuity.ts';
import type { PageIncident } from '../../shared/contract/continuity.ts';

export const VERSION = '0.1.0';

export type { CallContext, Door } from './services.ts';

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

interface Session {
  id: string;
  order: string;
  partial: string;
  nextSeq: number;
  bytes: number;
  startedAt: number;
  startedMono: number;
  // Chunks are written strictly in order, each flushed before the next is accepted.
  queue: Promise<void>;
  closed: boolean;
  /** Set when the engine ended this recording on its own; later chunks get this answer. */
  stopMessage?: string;
  endCause?: RecordingEndCause;
  /** Monotonic ms of the start or the last chunk: a page that vanished stops sending (reapStalled). */
  lastChunkMono: number;
}

export interface EngineOptions {
  dataDir: string;
  clipsDir?: string;
  log?: (line: string) => void;
  /** Wraps the station's private key at rest (the desktop shell passes an Electron safeStorage one). */
  keyProtector?: KeyProtector;
  /** Ask TSAs for timestamps in the background (default true; one-shot CLI commands pass false). */
  timestampWorker?: boolean;
}

function newId(): string {
  // Sortable by time, unguessable enough that ids cannot be enumerated through the HTTP door.
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

const monoNow = (): number => Number(process.hrtime.bigint() / 1_000_000n);

// A chunk is appended to the partial file that recording.start created, never creating one: if the
// file is gone (its folder moved away, the disk unplugged), the write fails instead of starting a
// new file somewhere else.
const APPEND_ONLY = fs.constants.O_WRONLY | fs.constants.O_APPEND;

type Room = { cause: 'disk-full' | 'storage'; text: string } | null;

function causeOfFsError(err: unknown): 'disk-full' | 'storage' {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? 'disk-full' : 'storage';
}

export class Engine implements EngineServices {
  readonly paths: DataLayout;
  readonly db: Db;
  readonly clips: ClipsRepo;
  readonly settings: SettingsStore;
  /** What the camera read during each clip (labels.ts). */
  readonly labels: LabelStore;
  private readonly listeners = new Set<Listener>();
  private readonly sessions = new Map<string, Session>();
  private readonly problems: string[] = [];
  private readonly log: (line: string) => void;
  private closing = false;
  private readonly thumbnails = new Set<Promise<void>>();
  /**
   * Recordings ended because their storage failed (folder gone, read-only) and so not sealed then:
   * their raw video is sealed as soon as recording.ready finds the storage back (sealWhenBack).
   */
  private sealingBack: Promise<void> | null = null;
  private readonly unsealed = new Map<string, { order: string; partial: string; startedAt: number; endedAt: number; monoMs: number; reason: string; note: string | null }>();
  /** Recordings the engine ended itself (disk full, shutdown, …): a late chunk or finish gets this answer. */
  private readonly stopped = new Map<string, { message: string; result: Promise<CallOutput<'recording.finish'>> }>();
  readonly retention: Retention;
  private exportQueue: ExportJobs | null = null;
  /** The export queue of this engine (export/jobs.ts), made at its first use: it lists earlier exports then. */
  get exportJobs(): ExportJobs {
    return (this.exportQueue ??= new ExportJobs(this));
  }
  /** The LAN listener a door registered, if any (lanHandlers.ts). */
  readonly lan: LanSlot = { controller: null };
  /** False when another live process (the running station) owns the data folder: no recovery, no retention. */
  ownsData = true;
  private releaseOwnership: (() => void) | null = null;
  /** Replaced by the evidence module when it is wired in; see custody.ts. */
  custody: Custody = noCustody;
  /** Reads each sealed clip's frame counters back and seals its gaps (continuity.ts). */
  readonly continuity: ContinuityPass;
  /** What each page saw while recording (recording.events), until its clip is read back. */
  private readonly pageIncidents = new Map<string, PageIncident[]>();

  private constructor(paths: DataLayout, db: Db, log: (line: string) => void) {
    this.paths = paths;
    this.db = db;
    this.clips = new ClipsRepo(db);
    this.labels = new LabelStore(db);
    this.settings = new SettingsStore(db);
    this.log = log;
    this.retention = new Retention(this);
    this.continuity = new ContinuityPass(async (job, fields) => {
      // Deleted or replaced meanwhile: the entry would name a file that is not the one read.
      const now = this.clips.get(job.row.id);
      if (!now || now.sha256 !== job.row.sha256 || now.status === 'deleted') return;
      await this.custody.continuityChecked?.(now, fields);
    }, log);
  }

  /** Tells the packer: kept for station.info and the Status view, logged, and pushed to open pages. */
  reportProblem(message: string): void {
    this.problems.push(message);
    if (this.problems.length > 100) this.problems.splice(0, this.problems.length - 100);
    this.log(message);
    this.emit('station.problem', { message });
  }

  currentProblems(): string[] {
    return [...this.problems];
  }

  logLine(line: string): void {
    this.log(line);
  }

  /** Retention now, hourly and after each clip: for the long-running doors (serve, the desktop app), not one-shot CLI commands. */
  startMaintenance(): void {
    if (!this.ownsData) return;
    this.retention.start();
    this.stallTimer ??= setInterval(() => this.reapStalled(), 5_000);
    this.stallTimer.unref();
    this.readBackUnchecked();
    // The start-up check: whatever it finds is told to the packer like a recovered clip is.
    void engineHealth(this)
      .then((h) => {
        for (const c of h.checks) if (c.level === 'problem' && c.id !== 'startup') this.reportProblem(c.text);
      })
      .catch((err: unknown) => this.reportProblem(`The start-up check failed: ${(err as Error).message}`));
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const base = layout(opts.dataDir);
    checkDataDirWritable(base.dataDir);
    const db = openDb(base.dbFile);
    let paths = base;
    try {
      // --clips for this run, else the folder chosen in Settings (applied here, at start), else <data>/clips.
      paths = layout(opts.dataDir, opts.clipsDir ?? configuredClipsDir(db));
      // Fails closed when a configured clips folder vanished or is read-only (storage.ts says why).
      const hasFiles = (db.prepare(`SELECT count(*) AS n FROM clips WHERE file IS NOT NULL AND status IN ('ok','recovered','interrupted')`).get() as { n: number }).n > 0;
      prepareClipsFolder(paths, db, hasFiles);
    } catch (err) {
      db.close();
      throw err;
    }
    const engine = new Engine(paths, db, opts.log ?? (() => {}));
    const release = acquireOwnership(paths.dataDir);
    engine.ownsData = release !== null;
    engine.releaseOwnership = release;
    // Evidence before recovery: clips recovered from a crash are sealed and chained like any other.
    const custody = new StationCustody({
      dataDir: paths.dataDir,
      clipsDir: paths.clipsDir,
      db: engine.db,
      stationName: () => engine.settings.get().stationName,
      tsaUrls: () => engine.settings.get().tsaUrls,
      log: engine.log,
      keyProtector: opts.keyProtector,
      // Only the process that owns the data folder asks TSAs: a CLI beside the running station does not.
      timestampWorker: opts.timestampWorker !== false && engine.ownsData,
    });
    engine.custody = custody;
    engine.on((event) => {
      if (event === 'settings.changed') custody.tsaSettingsChanged();
    });
    // A second process (the CLI while the station runs) must not "recover" recordings still in progress.
    if (engine.ownsData) await engine.recoverUnfinished();
    return engine;
  }

  /** Ids of the recordings in progress (the desktop shell keeps the PC awake while there are any). */
  activeRecordings(): string[] {
    return [...this.sessions.keys()];
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Public so that handler modules (exports' progress) can speak on both doors. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (err) {
        this.log(`event listener failed: ${String(err)}`);
      }
    }
  }

  /** The single entry point of both doors: validates, runs, and maps failures to readable errors. */
  async call<K extends CallName>(name: K, rawInput: unknown, ctx: CallContext): Promise<CallOutput<K>> {
    if (!Object.hasOwn(contract, name)) throw new PwError('not-found', `unknown call: ${String(name)}`);
    const input = parseInput(name, rawInput);
    const handler = this.handlers[name] as (i: unknown, c: CallContext) => Promise<CallOutput<K>>;
    return handler(input, ctx);
  }

  toClip(row: ClipRow): Clip {
    return {
      id: row.id,
      order: row.order_code,
      station: row.station,
      operator: row.operator,
      mode: row.mode,
      startedAt: new Date(row.started_at).toISOString(),
      endedAt: new Date(row.ended_at ?? row.started_at).toISOString(),
      durationMs: row.duration_ms ?? 0,
      sizeBytes: row.size_bytes ?? 0,
      file: row.file ? path.join(this.paths.clipsDir, row.file) : '',
      sha256: row.sha256 ?? '',
      status: row.status === 'recovered' || row.status === 'interrupted' || row.status === 'failed' ? row.status : 'ok',
      stopReason: row.stop_reason,
      note: row.note,
      mediaUrl: `/media/clips/${row.id}`,
      thumbUrl: row.thumb_file ? `/media/thumbs/${row.id}` : null,
      legalHold: row.legal_hold === 1,
      holdReason: row.hold_reason ?? null,
      evidence: this.custody.describe?.(row.id) ?? null,
      ...this.labelsOf(row.id),
    };
  }

  /** A clip carries `labels` only when the camera was reading while it recorded. */
  private labelsOf(id: string): { labels?: ClipLabels } {
    const labels = this.labels.get(id);
    return labels ? { labels } : {};
  }

  /** Absolute path of a finished clip's MP4, or undefined; never a path outside the clips folder. */
  clipFile(id: string): string | undefined {
    const row = this.clips.get(id);
    if (!row?.file || row.status === 'recording' || row.status === 'discarded' || row.status === 'deleted') return undefined;
    return insideRoot(this.paths.clipsDir, row.file);
  }

  thumbFile(id: string): string | undefined {
    const row = this.clips.get(id);
    if (!row?.thumb_file) return undefined;
    return insideRoot(this.paths.clipsDir, row.thumb_file);
  }

  readonly handlers: HandlerMap<CallName> = {
    'station.info': async (_input, ctx) => {
      const settings = this.settings.get();
      return {
        stationName: settings.stationName,
        version: VERSION,
        dataDir: this.paths.dataDir,
        clipsDir: this.paths.clipsDir,
        clipCount: this.clips.count(),
        door: ctx.door,
        settings,
        problems: [...this.problems],
      };
    },

    'recording.start': async (input) => {
      if (this.closing) throw new PwError('refused', 'The station is shutting down; recording is not possible.');
      const parsed = parseOrderCode(input.order);
      if (!parsed.ok) throw new PwError('bad-input', parsed.reason);
      const order = parsed.code;
      const settings = this.settings.get();
      // Before any file exists: the folder is still ours and the disk above its reserve (storage.ts).
      await this.ensureRoom(settings, 0, true);
      const id = newId();
      const partialRel = path.join('.recording', `${id}.webm`);
      const partial = insideRoot(this.paths.clipsDir, partialRel);
      try {
        // 'wx': never reuse or overwrite an existing file. Each chunk opens it again and closes it
        // (APPEND_ONLY): the station never holds the clips disk open between chunks, so a disk
        // turned read-only or unplugged is refused at the next chunk instead of written blind.
        await (await fsp.open(partial, 'wx')).close();
      } catch (err) {
        throw new PwError('refused', `${describeFsError(err, this.paths.clipsDir)} Nothing was recorded.`);
      }
      const startedAt = Date.now();
      const previous = this.clips.byOrder(order).map((r) => ({
        id: r.id,
        startedAt: new Date(r.started_at).toISOString(),
        station: r.station,
        mode: r.mode,
      }));
      this.clips.insertRecording({
        id,
        order_code: order,
        station: settings.stationName,
        operator: input.operator,
        mode: input.mode,
        started_at: startedAt,
        mime_type: input.mimeType,
        partial_file: partialRel,
      });
      this.sessions.set(id, {
        id,
        order,
        partial,
        nextSeq: 0,
        bytes: 0,
        startedAt,
        startedMono: monoNow(),
        lastChunkMono: monoNow(),
        queue: Promise.resolve(),
        closed: false,
      });
      this.emit('recording.started', { recordingId: id, order });
      return { recordingId: id, order, startedAt: new Date(startedAt).toISOString(), previous };
    },

    'recording.chunk': async (input) => {
      const s = this.sessions.get(input.recordingId);
      if (!s || s.closed) throw this.notRecording(input.recordingId);
      const write = s.queue.then(async () => {
        if (s.stopMessage) throw new PwError('ended', s.stopMessage);
        if (input.seq < s.nextSeq) return; // a retried chunk that already landed
        if (input.seq > s.nextSeq) {
          // The page sends chunks strictly in order and gives one up only when it cannot be
          // delivered: a later one means a hole in the clip, so the clip ends with what came.
          s.endCause = 'chunks-refused';
          s.stopMessage = `Recording of ${s.order} stopped: second ${s.nextSeq + 1} of the video never reached the station (second ${input.seq + 1} came instead), so the clip would have a hole. What arrived until then is kept as an interrupted clip; scan the order again to record the rest.`;
          throw new PwError('ended', s.stopMessage);
        }
        // The folder must still be ours and the disk must not run into its reserve; if either fails, what arrived is kept.
        const room = await this.roomNow(this.settings.get(), input.data.byteLength);
        if (room) {
          s.endCause = room.cause;
          s.stopMessage = `Recording of ${s.order} stopped: ${room.text} What was recorded until now is kept as an interrupted clip.`;
          throw new PwError('ended', s.stopMessage);
        }
        try {
          const handle = await fsp.open(s.partial, APPEND_ONLY);
          try {
            await handle.write(input.data);
            // Flushed before we answer: once the page hears "ok", a power cut cannot take this second.
            await handle.datasync();
          } finally {
            await handle.close().catch(() => {});
          }
        } catch (err) {
          // ENOSPC, EROFS, EIO (a disk unplugged), ENOENT (folder gone): the earlier chunks are on disk; finish with them.
          s.endCause = causeOfFsError(err);
          s.stopMessage = `Recording of ${s.order} stopped: ${describeFsError(err, this.paths.clipsDir)} What was recorded until now is kept as an interrupted clip.`;
          throw new PwError('ended', s.stopMessage);
        }
        s.nextSeq += 1;
        s.lastChunkMono = monoNow();
        s.bytes += input.data.byteLength;
      });
      s.queue = write.catch(() => {});
      try {
        await write;
      } catch (err) {
        if (s.stopMessage && s.endCause && !this.stopped.has(s.id)) {
          this.endRecording(s, s.endCause, s.stopMessage, s.endCause === 'chunks-refused' ? 'chunks-refused' : 'disk-full', 'interrupted', s.stopMessage);
        }
        throw err;
      }
      return { bytes: s.bytes };
    },

    'recording.finish': async (input) => {
      const s = this.sessions.get(input.recordingId);
      const stopped = this.stopped.get(input.recordingId);
      if (!s && stopped) return stopped.result; // the engine already finished it
      if (!s) {
        // Ended by an earlier run of the station (killed, restarted): say what became of it.
        const row = this.clips.get(input.recordingId);
        const err = this.notRecording(input.recordingId);
        if (!row || err.code !== 'ended') throw err;
        const kept = row.status === 'ok' || row.status === 'recovered' || row.status === 'interrupted';
        return { clip: kept ? this.toClip(row) : null, message: err.message };
      }
      // Stored before sealing: the manifest carries what the camera read.
      if (input.labels) this.labels.set(s.id, input.labels);
      return this.finishSession(s, input.reason, input.status, input.note, input.chunkCount);
    },

    'recording.events': async (input) => {
      // Kept only for a recording of this run (in progress or just finished): a few per clip.
      if (!this.sessions.has(input.recordingId) && !this.clips.get(input.recordingId)) throw new PwError('not-found', `No recording ${input.recordingId}.`);
      const list = this.pageIncidents.get(input.recordingId) ?? [];
      list.push(...input.incidents.slice(0, Math.max(0, 500 - list.length)));
      this.pageIncidents.set(input.recordingId, list);
      while (this.pageIncidents.size > 50) this.pageIncidents.delete(this.pageIncidents.keys().next().value!);
      return { accepted: list.length };
    },
    'recording.ready': async () => {
      if (this.closing) return { ready: false, cause: 'shutdown' as const, message: 'The station is shutting down; start it again to record.' };
      // Ready means a scan would start: the same headroom above the reserve that recording.start asks for.
      const settings = this.settings.get();
      const room = await this.roomNow(settings, startHeadroomBytes(settings.videoBitsPerSecond));
      if (room) return { ready: false, cause: room.cause, message: room.text };
      try {
        probeWritable(this.paths.partialDir); // a read-only disk shows only when writing
      } catch (err) {
        return { ready: false, cause: causeOfFsError(err), message: describeFsError(err, this.paths.clipsDir) };
      }
      if (this.unsealed.size) {
        this.sealingBack ??= this.sealWhenBack()
          .catch((err: unknown) => this.log(`sealing after the storage came back failed: ${(err as Error).message}`))
          .finally(() => (this.sealingBack = null));
      }
      return { ready: true, cause: null, message: null };
    },

    'recording.discard': async (input) => {
      const s = this.sessions.get(input.recordingId);
      if (!s) return { discarded: false };
      this.sessions.delete(s.id);
      s.closed = true;
      await s.queue;
      await fsp.rm(s.partial, { force: true });
      this.clips.setStatus(s.id, 'discarded', `Discarded: ${input.reason}`);
      await this.custody.clipDiscarded(this.clips.get(s.id)!, { who: 'station', why: input.reason });
      return { discarded: true };
    },

    'clips.search': async (input) => {
      const { rows, total } = this.clips.search(input);
      return { clips: rows.map((r) => this.toClip(r)), total };
    },

    'clips.get': async (input) => {
      const row = this.clips.get(input.id);
      if (!row || row.status === 'recording' || row.status === 'discarded' || row.status === 'deleted') throw new PwError('not-found', `No clip with id ${input.id}.`);
      return this.toClip(row);
    },

    'clips.stats': async ({ from, to }) => {
      const { shipping, returns } = this.clips.stats(from, to);
      return { shipping, returns };
    },

    'clips.today': async () => {
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      const { rows } = this.clips.search({ q: '', from: start.getTime(), to: null, mode: null, limit: 50, offset: 0 });
      const { all } = this.clips.stats(start.getTime(), null);
      return { count: all.count, avgDurationMs: all.avgDurationMs, clips: rows.map((r) => this.toClip(r)) };
    },

    'settings.get': async () => this.settings.get(),

    'settings.update': async (input) => {
      const patch = input as Partial<Settings>;
      if (patch.clipsDir) patch.clipsDir = checkClipsDirSetting(patch.clipsDir, this.db);
      if (patch.tsaCerts) patch.tsaCerts = checkTsaCertsSetting(patch.tsaCerts);
      const next = this.settings.update(patch);
      this.emit('settings.changed', next);
      return next;
    },

    ...evidenceHandlers(this),
    ...storageHandlers(this),
    ...exportHandlers(this),
    ...lanHandlers(this.lan),
  };

  private async finishSession(
    s: Session,
    reason: string,
    status: 'ok' | 'interrupted' | 'recovered',
    note: string | null,
    expectedChunks: number | null,
  ): Promise<CallOutput<'recording.finish'>> {
    this.sessions.delete(s.id);
    s.closed = true;
    await s.queue;
    const monoMs = monoNow() - s.startedMono;
    const endedAt = Date.now();
    const notes: string[] = note ? [note] : [];
    if (expectedChunks !== null && expectedChunks > s.nextSeq) {
      notes.push(`${expectedChunks - s.nextSeq} of ${expectedChunks} chunks did not arrive.`);
    }
    const jump = endedAt - s.startedAt - monoMs;
    if (Math.abs(jump) > 2000) notes.push(`The wall clock moved by ${Math.round(jump / 1000)} s during this recording.`);
    if (s.bytes === 0) {
      await fsp.rm(s.partial, { force: true });
      this.clips.setStatus(s.id, 'failed', 'No video reached the station.');
      const message = `Nothing was recorded for ${s.order}: no video reached the station.`;
      this.reportProblem(message); // in the log and the Status view too: a station that records nothing must be looked at
      return { clip: null, message };
    }
    // Too short: kept and marked, never dropped. A fraction of a second may still be the only
    // picture of a parcel (a fast order switch, a camera that died), costs a few hundred kB, and
    // nothing pretends it is a full recording; discarding it would lose a real clip silently.
    const minMs = this.settings.get().minClipMs;
    const short = minMs > 0 && monoMs < minMs;
    if (short) notes.push(`Shorter than the minimum of ${(minMs / 1000).toFixed(1)} s (${(monoMs / 1000).toFixed(1)} s); kept and marked.`);
    const note2 = notes.join(' ') || null;
    const clip = await this.sealPartial(s.id, s.order, s.partial, s.startedAt, endedAt, monoMs, status, reason, note2);
    // The storage itself failed (folder gone, read-only): the clip is sealed once it is back.
    if (!clip && s.endCause === 'storage') this.unsealed.set(s.id, { order: s.order, partial: s.partial, startedAt: s.startedAt, endedAt, monoMs, reason, note: note2 });
    const messages: string[] = [];
    if (clip && short) messages.push(`The clip of ${s.order} is only ${(monoMs / 1000).toFixed(1)} s long (the minimum is ${(minMs / 1000).toFixed(1)} s): it was kept and marked as short.`);
    if (clip && s.stopMessage) messages.push(s.stopMessage);
    if (clip) this.retention.afterClip();
    return { clip, message: messages.join(' ') || null };
  }

  /** A page sends a chunk every second while it records; this long without one means it is gone. */
  stallMs = 60_000;
  private stallTimer: NodeJS.Timeout | null = null;

  /**
   * Finishes recordings whose page vanished (tab or browser closed, PC of a LAN browser switched
   * off, network gone): what arrived is kept as an interrupted clip and the packer is told,
   * instead of the recording staying open until the station shuts down.
   */
  reapStalled(): void {
    const now = monoNow();
    for (const s of [...this.sessions.values()]) {
      if (s.closed || s.stopMessage || now - s.lastChunkMono < this.stallMs) continue;
      const message = `Recording of ${s.order} was finished by the station: no video arrived for ${Math.round(this.stallMs / 1000)} s (the page was closed or lost its connection). What arrived is kept as an interrupted clip.`;
      this.endRecording(s, 'page-closed', message, 'page-closed', 'interrupted', message);
    }
  }

  /**
   * The engine ends a recording for its own reasons (disk at the reserve, folder gone, a hole in
   * the video, a vanished page, shutdown): what arrived is finished and kept, every open page hears
   * it at once (recording.ended) so no window goes on showing "Recording", and a late chunk or
   * finish of it gets the same answer.
   */
  private endRecording(s: Session, cause: RecordingEndCause, message: string, reason: StopReason, status: 'ok' | 'interrupted', note: string): void {
    if (this.stopped.has(s.id)) return;
    s.stopMessage ??= message;
    s.endCause ??= cause;
    this.emit('recording.ended', { recordingId: s.id, order: s.order, cause, message });
    const result = this.finishSession(s, reason, status, note, null);
    result.catch(() => {});
    this.stopped.set(s.id, { message, result });
    while (this.stopped.size > 50) this.stopped.delete(this.stopped.keys().next().value!);
    this.reportProblem(message);
  }

  /** The storage is back: what was recorded before it failed becomes a sealed, interrupted clip. */
  private async sealWhenBack(): Promise<void> {
    for (const [id, u] of [...this.unsealed]) {
      if (this.closing || !(await fsp.stat(u.partial).catch(() => null))) continue; // still gone
      if (!this.unsealed.delete(id)) continue; // another page's readiness check got there first
      const clip = await this.sealPartial(id, u.order, u.partial, u.startedAt, u.endedAt, u.monoMs, 'interrupted', u.reason, u.note);
      if (clip) this.log(`the clip of ${u.order} was sealed once its storage was back`);
    }
  }

  /** The answer to a chunk or finish for a recording that is not in progress here. */
  private notRecording(id: string): PwError {
    const stopped = this.stopped.get(id);
    if (stopped) return new PwError('ended', stopped.message);
    const row = this.clips.get(id);
    if (!row || row.status === 'recording') return new PwError('not-found', `No recording ${id} is in progress.`);
    const order = row.order_code;
    if (row.stop_reason === 'crash' || row.status === 'recovered') {
      return new PwError('ended', `Recording of ${order} was ended when the station restarted; what reached it before is kept as a recovered clip. Scan the order again to record it anew.`);
    }
    if (row.status === 'failed') return new PwError('ended', `Recording of ${order} was ended when the station restarted; no video of it had reached the disk. Scan the order again to record it.`);
    return new PwError('ended', `Recording of ${order} is already finished (${row.stop_reason ?? row.status}). Scan the order again to record it anew.`);
  }

  /**
   * Mid-recording and for recording.ready: the clips folder is still the station's (an unplugged
   * disk leaves an empty mount point, a folder moved away is gone) and `incoming` more bytes stay
   * above the reserve, after space retention when the settings allow it.
   */
  private async roomNow(settings: Settings, incoming: number): Promise<Room> {
    const dir = this.paths.clipsDir;
    const marked = await fsp.stat(path.join(dir, MARKER_FILE)).then(
      () => true,
      () => false,
    );
    if (!marked) return { cause: 'storage', text: `The clips folder ${dir} is missing or is not the station's folder any more: is its disk unplugged? Reconnect it (or put the folder back) and the station records again.` };
    let space: SpaceInfo;
    try {
      space = await spaceOf(dir, settings.reserveMb);
    } catch (err) {
      return { cause: 'storage', text: describeFsError(err, dir) };
    }
    let low = lowSpaceMessage(space, incoming);
    if (low && settings.deleteOldestForSpace && this.ownsData) {
      await this.retention.run({ needBytes: incoming });
      space = await spaceOf(dir, settings.reserveMb).catch(() => space);
      low = lowSpaceMessage(space, incoming);
    }
    return low ? { cause: 'disk-full', text: low } : null;
  }

  /**
   * Room for `incoming` more bytes above the reserve? Runs space retention first when the settings
   * allow it. At start it throws a refusal (nothing has been created yet); mid-recording it returns
   * the reason so the caller can finish the clip with what already arrived.
   */
  private async ensureRoom(settings: Settings, incoming: number, atStart: boolean): Promise<string | null> {
    if (atStart) incoming = Math.max(incoming, startHeadroomBytes(settings.videoBitsPerSecond));
    let space: SpaceInfo;
    if (atStart) {
      space = await checkBeforeRecording(this.paths, settings.reserveMb);
    } else {
      try {
        space = await spaceOf(this.paths.clipsDir, settings.reserveMb);
      } catch (err) {
        return describeFsError(err, this.paths.clipsDir);
      }
    }
    let low = lowSpaceMessage(space, incoming);
    let why: string | null = null;
    if (low && settings.deleteOldestForSpace && this.ownsData) {
      why = (await this.retention.run({ needBytes: incoming })).message;
      space = await spaceOf(this.paths.clipsDir, settings.reserveMb).catch(() => space);
      low = lowSpaceMessage(space, incoming);
    }
    // Only protected or held clips left: besides the refusal, the alarm goes to the Status view and
    // every open page, as the hourly run raises it (at most every 10 minutes, not at every scan).
    if (low && why && atStart && Date.now() - this.spaceAlarmAt > 600_000) {
      this.spaceAlarmAt = Date.now();
      this.reportProblem(why);
    }
    if (low && atStart) throw new PwError('refused', `Recording refused: ${why ?? low} Nothing was recorded.`);
    return low;
  }

  private spaceAlarmAt = 0;

  /** Partial WebM → MP4 in the day folder, hashed and indexed. The partial is kept if anything fails. */
  private async sealPartial(
    id: string,
    order: string,
    partial: string,
    startedAt: number,
    endedAt: number,
    monoMs: number | null,
    status: 'ok' | 'interrupted' | 'recovered',
    reason: string,
    note: string | null,
  ): Promise<Clip | null> {
    const rel = path.join(dayFolder(startedAt), clipFileName(order, startedAt, id));
    const final = insideRoot(this.paths.clipsDir, rel);
    const temp = `${final}.part`;
    try {
      // The day folder only: a clips folder that vanished (disk unplugged) is never recreated here.
      await fsp.mkdir(path.dirname(final)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      await remuxToMp4(partial, temp, monoMs ?? Math.max(0, endedAt - startedAt));
      const [info, sha256, stat] = await Promise.all([probe(temp), sha256File(temp), fsp.stat(temp)]);
      // Rename last: a file with the final name is always complete.
      await fsp.rename(temp, final);
      this.clips.finish(id, {
        ended_at: endedAt,
        duration_ms: info.durationMs,
        mono_ms: monoMs,
        size_bytes: stat.size,
        file: rel,
        sha256,
        status,
        stop_reason: reason,
        note,
      });
      await fsp.rm(partial, { force: true });
    } catch (err) {
      await fsp.rm(temp, { force: true }).catch(() => {});
      const message = `The clip of ${order} could not be finished (${(err as Error).message.split('\n')[0]}); its raw recording is kept at ${partial}.`;
      this.clips.setStatus(id, 'failed', message);
      this.db.prepare('UPDATE clips SET partial_file=? WHERE id=?').run(path.relative(this.paths.clipsDir, partial), id);
      this.log(message);
      this.emit('station.problem', { message });
      return null;
    }
    const row = this.clips.get(id)!;
    try {
      await this.custody.clipSealed(row, final);
    } catch (err) {
      // The clip itself is safe on disk and indexed; sealing can be retried by `verify --all`/doctor.
      this.log(`sealing ${id} failed: ${(err as Error).message}`);
      this.emit('station.problem', { message: `The clip of ${order} was saved but could not be sealed: ${(err as Error).message}` });
    }
    const clip = this.toClip(this.clips.get(id)!);
    this.emit('clip.saved', clip);
    if (this.ownsData && this.custody.continuityChecked && clip.evidence) {
      this.continuity.enqueue({ row: this.clips.get(id)!, file: final, incidents: this.pageIncidents.get(id) ?? [] });
      this.pageIncidents.delete(id);
    }
    const thumb = this.makeThumbnail(row).finally(() => this.thumbnails.delete(thumb));
    this.thumbnails.add(thumb);
    return clip;
  }

  private async makeThumbnail(row: ClipRow): Promise<void> {
    if (!row.file) return;
    const rel = path.join('.thumbs', `${row.id}.jpg`);
    try {
      const at = Math.min(1000, Math.max(0, (row.duration_ms ?? 0) / 2));
      await thumbnail(insideRoot(this.paths.clipsDir, row.file), insideRoot(this.paths.clipsDir, rel), at);
      this.clips.setThumb(row.id, rel);
    } catch (err) {
      this.log(`thumbnail of ${row.id} failed: ${(err as Error).message}`);
    }
  }

  /**
   * At start: clips of the last two days sealed without a read-back (the station stopped before it
   * ran) are read back now, oldest first, behind whatever the station records meanwhile. Older
   * clips (recorded before the station read counters back) stay as they are: verify reads them.
   */
  private readBackUnchecked(): void {
    if (!this.custody.continuityChecked) return;
    const rows = this.db
      .prepare(
        `SELECT c.* FROM clips c
          WHERE c.file IS NOT NULL AND c.status IN ('ok','recovered','interrupted') AND c.started_at > ?
            AND EXISTS (SELECT 1 FROM chain k WHERE k.clip_id = c.id AND k.kind = 'clip')
            AND NOT EXISTS (SELECT 1 FROM chain k WHERE k.clip_id = c.id AND k.kind = 'continuity')
          ORDER BY c.started_at`,
      )
      .all(Date.now() - 2 * 86_400_000) as ClipRow[];
    for (const row of rows) this.continuity.enqueue({ row, file: insideRoot(this.paths.clipsDir, row.file!), incidents: [] });
  }

  /** At start: every recording the last run left open is turned into a clip from what reached disk. */
  private async recoverUnfinished(): Promise<void> {
    const recovered: Clip[] = [];
    for (const row of this.clips.unfinished()) {
      const partial = row.partial_file ? insideRoot(this.paths.clipsDir, row.partial_file) : null;
      const stat = partial ? await fsp.stat(partial).catch(() => null) : null;
      if (!partial || !stat || stat.size === 0) {
        if (partial) await fsp.rm(partial, { force: true });
        this.clips.setStatus(row.id, 'failed', 'The station stopped before any video of this recording reached disk.');
        continue;
      }
      const clip = await this.sealPartial(
        row.id,
        row.order_code,
        partial,
        row.started_at,
        Math.round(stat.mtimeMs),
        null,
        'recovered',
        'crash',
        'Recovered after the station stopped unexpectedly; at most the last second is missing.',
      );
      if (clip) recovered.push(clip);
    }
    if (recovered.length) {
      const message = `Recovered ${recovered.length} clip(s) after an unexpected stop: ${recovered.map((c) => c.order).join(', ')}.`;
      this.problems.push(message);
      this.log(message);
      this.emit('recording.recovered', { clips: recovered, message });
    }
  }

  /**
   * The first step of shutting down: no new recording, and each one in progress is finished from
   * what has arrived, with every open page told before the doors close (serve calls this first).
   */
  announceShutdown(): void {
    this.closing = true;
    for (const s of [...this.sessions.values()]) {
      const message = `Recording of ${s.order} was finished because the station is shutting down; what arrived is kept. Start the station again to record.`;
      this.endRecording(s, 'shutdown', message, 'shutdown', 'ok', 'Finished because the station was shut down.');
    }
  }

  /** Quitting while recording finishes each clip from what has arrived before the index closes. */
  async close(): Promise<void> {
    this.announceShutdown();
    this.retention.stop();
    if (this.stallTimer) clearInterval(this.stallTimer);
    await Promise.allSettled([...this.stopped.values()].map((x) => x.result));
    await this.sealingBack;
    await this.retention.idle();
    // Thumbnails write their row when done; let them finish before the index closes.
    await Promise.allSettled([...this.thumbnails]);
    await this.continuity.stop();
    await this.custody.close?.();
    this.db.close();
    this.releaseOwnership?.();
  }
}
