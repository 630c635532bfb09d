// The engine: plain Node, no Electron. Both doors hand it validated calls and forward its events.
import {
  contract,
  engineEvent,
  parseInput,
  PwError,
  type CallName,
  type CallOutput,
  type Clip,
  type EngineEvent,
  type EventName,
  type EventPayload,
  type Settings,
} from '../../shared/contract.ts';
import { LabelStore } from './labels.ts';
import type { ClipIndex, ClipRow } from './index/types.ts';
import { SqliteClipIndex, sqliteIndex } from './index/sqlite.ts';
import { LocalClipStore } from './store/local.ts';
import { openDb, type Db } from './db.ts';
import { layout, type DataLayout } from './paths.ts';
import { SettingsStore } from './settingsStore.ts';
import { noCustody, type Custody } from './custody.ts';
import { acquireOwnership, checkDataDirWritable, prepareClipsFolder } from './storage.ts';
import { Retention } from './retention.ts';
import { storageHandlers } from './storageHandlers.ts';
import { exportHandlers } from './export/handlers.ts';
import { lanHandlers, type LanSlot } from './lanHandlers.ts';
import { ExportJobs } from './export/jobs.ts';
import type { CallContext, EngineServices, HandlerMap } from './services.ts';
import { toClip } from './clipView.ts';
import { Sealer } from './recording/sealing.ts';
import { RecordingSessions } from './recording/sessions.ts';
import { readBackUnchecked, recoverUnfinished } from './recording/recovery.ts';
import { checkClipsDirSetting, configuredClipsDir } from './clipsDirSetting.ts';
import { checkTsaCertsSetting } from './evidence/tsaTrust.ts';
import { engineHealth } from './doctor.ts';
import { StationCustody } from './evidence/stationCustody.ts';
import { evidenceHandlers } from './evidence/handlers.ts';
import type { KeyProtector } from './evidence/keys.ts';
import { ContinuityPass, PageIncidentStore } from './continuity.ts';
import { Publisher } from './publish/publisher.ts';
import { HubGate } from './publish/gate.ts';
import { hubHandlers } from './publish/handlers.ts';
import { hubConnector } from './publish/connect.ts';
import type { HubConnector, StationSignerLike } from './publish/hubApi.ts';
import type { HubIndex } from './publish/outbox.ts';
import { signBytes } from './evidence/keys.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import { formatMessage, msg, type Message } from '../../shared/messages.ts';

export const VERSION = '0.1.0';

export type { CallContext, Door } from './services.ts';

/** Hears every engine event; checking `e.event` narrows `e.payload` to that event's shape. */
type Listener = (e: EngineEvent) => void;

export interface EngineOptions {
  dataDir: string;
  clipsDir?: string;
  log?: (line: string) => void;
  /** Wraps the station's private key at rest (the desktop shell passes an Electron safeStorage one). */
  keyProtector?: KeyProtector;
  /** Ask TSAs for timestamps in the background (default true; one-shot CLI commands pass false). */
  timestampWorker?: boolean;
  /** The hub client library (tests pass a fake hub); default: electron/hub/client. */
  hubConnector?: HubConnector;
}

export class Engine implements EngineServices {
  readonly paths: DataLayout;
  readonly db: Db;
  readonly clips: ClipIndex;
  /** Where clip files live (store/): the clips folder. */
  readonly store: LocalClipStore;
  readonly settings: SettingsStore;
  /** What the camera read during each clip (labels.ts). */
  readonly labels: LabelStore;
  /** What pages reported while clips recorded, kept for a read-back after a restart (continuity.ts). */
  readonly incidents: PageIncidentStore;
  private readonly listeners = new Set<Listener>();
  private readonly problems: string[] = [];
  /** problems[i] as a code, where it was reported as one. */
  private problemWords = new Map<number, Message | null>();
  private readonly log: (line: string) => void;
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
  /** Publishes sealed clips and the chain to the hub this station is enrolled with (publish/). */
  readonly publisher: Publisher;
  /** Retention asks it before deleting a clip once the station is enrolled. */
  readonly hubGate: HubGate;
  /** The enrolled hub and the outbox of sealed clips (index/types.ts HubLinkIndex, OutboxIndex). */
  readonly hubIndex: HubIndex;
  private hubConnector: HubConnector = hubConnector;

  private constructor(paths: DataLayout, db: Db, log: (line: string) => void) {
    this.paths = paths;
    this.db = db;
    const index = sqliteIndex(db);
    this.clips = index.clips;
    this.hubIndex = { hubLink: index.hubLink, outbox: index.outbox };
    this.store = new LocalClipStore(paths.clipsDir);
    this.labels = new LabelStore(db);
    this.incidents = new PageIncidentStore(db);
    this.settings = new SettingsStore(db);
    this.log = log;
    this.retention = new Retention(this);
    this.continuity = new ContinuityPass(async (job, fields) => {
      // Deleted or replaced meanwhile: the entry would name a file that is not the one read.
      const now = await this.clips.get(job.row.id);
      if (!now || now.sha256 !== job.row.sha256 || now.status === 'deleted') return;
      await this.custody.continuityChecked?.(now, fields);
      // The entry goes to the hub now, not with the next minute's round.
      this.publisher.kick();
    }, log);
    const connector: HubConnector = { enroll: (...a) => this.hubConnector.enroll(...a), open: (cfg) => this.hubConnector.open(cfg) };
    this.publisher = new Publisher({
      hub: this.hubIndex,
      chain: index.chain,
      timestamps: index.timestamps,
      store: this.store,
      connector,
      signer: () => this.stationSigner(),
      clipRow: (id) => this.clips.get(id),
      applyHold: async (id, hold, reason, by) => {
        await this.call('clips.setHold', { id, hold, reason, by }, { door: 'cli' });
      },
      log,
      alarm: (message) => this.reportProblem(message),
    });
    this.hubGate = new HubGate({ hub: this.hubIndex, connector, signer: () => this.stationSigner(), log });
  }

  /** The station's id: its key's fingerprint, as the hub names it (null before the evidence module is wired in). */
  get stationId(): string | null {
    return this.custody instanceof StationCustody ? this.custody.key.fingerprint : null;
  }

  /** The station key as the hub client signs with it; null when this process has no private key. */
  private stationSigner(): StationSignerLike | null {
    const key = this.custody instanceof StationCustody ? this.custody.key : null;
    const privateKey = key?.privateKey;
    if (!key || !privateKey) return null;
    return { fingerprint: key.fingerprint, publicKeyPem: key.publicPem, sign: (data) => signBytes(privateKey, data) };
  }

  /** Tells the packer: kept for station.info and the Status view, logged, and pushed to open pages. */
  reportProblem(problem: string | Message): void {
    const message = typeof problem === 'string' ? problem : formatMessage(problem);
    const words = typeof problem === 'string' ? null : problem;
    this.problems.push(message);
    this.problemWords.set(this.problems.length - 1, words);
    if (this.problems.length > 100) {
      const drop = this.problems.length - 100;
      this.problems.splice(0, drop);
      this.problemWords = new Map([...this.problemWords].filter(([i]) => i >= drop).map(([i, w]) => [i - drop, w]));
    }
    this.log(message);
    this.emit('station.problem', words ? { message, words } : { message });
  }

  currentProblems(): string[] {
    return [...this.problems];
  }

  currentProblemWords(): (Message | null)[] {
    return this.problems.map((_p, i) => this.problemWords.get(i) ?? null);
  }

  logLine(line: string): void {
    this.log(line);
  }

  /** Retention now, hourly and after each clip: for the long-running doors (serve, the desktop app), not one-shot CLI commands. */
  startMaintenance(): void {
    if (!this.ownsData) return;
    this.retention.start();
    this.publisher.start();
    this.on((e) => {
      if (e.event === 'clip.saved') this.publisher.kick();
    });
    this.recording.watchStalls();
    void readBackUnchecked(this).catch((err: unknown) => this.reportProblem(msg('problem-read-back-failed', { error: (err as Error).message })));
    // The start-up check: whatever it finds is told to the packer like a recovered clip is.
    void engineHealth(this)
      .then((h) => {
        for (const c of h.checks) if (c.level === 'problem' && c.id !== 'startup') this.reportProblem(c.message ?? c.text);
      })
      .catch((err: unknown) => this.reportProblem(msg('problem-startup-check-failed', { error: errorMessage(err) })));
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
      const hasFiles = await new SqliteClipIndex(db).hasFinishedFiles();
      prepareClipsFolder(paths, db, hasFiles);
    } catch (err) {
      db.close();
      throw err;
    }
    const engine = new Engine(paths, db, opts.log ?? (() => {}));
    if (opts.hubConnector) engine.hubConnector = opts.hubConnector;
    const release = acquireOwnership(paths.dataDir);
    engine.ownsData = release !== null;
    engine.releaseOwnership = release;
    // Evidence before recovery: clips recovered from a crash are sealed and chained like any other.
    const custody = await StationCustody.open({
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
    engine.on((e) => {
      if (e.event === 'settings.changed') custody.tsaSettingsChanged();
    });
    // A second process (the CLI while the station runs) must not "recover" recordings still in progress.
    if (engine.ownsData) {
      const recovered = await recoverUnfinished(engine, engine.sealer);
      if (recovered) {
        engine.problems.push(recovered.message);
        engine.problemWords.set(engine.problems.length - 1, recovered.words);
        engine.log(recovered.message);
        engine.emit('recording.recovered', recovered);
      }
    }
    return engine;
  }

  /** Ids of the recordings in progress (the desktop shell keeps the PC awake while there are any). */
  activeRecordings(): string[] {
    return this.recording.active();
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Public so that handler modules (exports' progress) can speak on both doors. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) {
      try {
        l(engineEvent(event, payload));
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

  toClip(row: ClipRow): Promise<Clip> {
    return toClip(this, row);
  }

  /** Clips as both doors list them, in the order of their rows. */
  toClips(rows: ClipRow[]): Promise<Clip[]> {
    return Promise.all(rows.map((r) => toClip(this, r)));
  }

  /** Absolute path of a finished clip's MP4, or undefined; never a path outside the clips folder. */
  async clipFile(id: string): Promise<string | undefined> {
    const row = await this.clips.get(id);
    if (!row?.file || row.status === 'recording' || row.status === 'discarded' || row.status === 'deleted') return undefined;
    return this.store.localPath(row.file);
  }

  async thumbFile(id: string): Promise<string | undefined> {
    const row = await this.clips.get(id);
    if (!row?.thumb_file) return undefined;
    return this.store.localPath(row.thumb_file);
  }

  /**
   * Partial recordings become sealed clips here (recording/sealing.ts). A clip recovered at start
   * (the last run was killed before finishing it) has no incidents in memory: what its page
   * reported was kept in the index as it arrived.
   */
  private readonly sealer: Sealer = new Sealer(this, async (id) => {
    const kept = this.recording.takeIncidents(id);
    return kept.length ? kept : this.incidents.get(id);
  });
  /** The recordings in progress and how each one ends (recording/sessions.ts). */
  private readonly recording: RecordingSessions = new RecordingSessions(this, this.sealer);

  readonly handlers: HandlerMap<CallName> = {
    'station.info': async (_input, ctx) => {
      const settings = this.settings.get();
      return {
        stationName: settings.stationName,
        version: VERSION,
        dataDir: this.paths.dataDir,
        clipsDir: this.paths.clipsDir,
        clipCount: await this.clips.count(),
        door: ctx.door,
        settings,
        problems: [...this.problems],
      };
    },

    ...this.recording.handlers,

    'clips.search': async (input) => {
      const { rows, total } = await this.clips.search(input);
      return { clips: await this.toClips(rows), total };
    },

    'clips.get': async (input) => {
      const row = await this.clips.get(input.id);
      if (!row || row.status === 'recording' || row.status === 'discarded' || row.status === 'deleted')
        throw new PwError('not-found', `No clip with id ${input.id}.`);
      return this.toClip(row);
    },

    'clips.stats': async ({ from, to }) => {
      const { shipping, returns } = await this.clips.stats(from, to);
      return { shipping, returns };
    },

    'clips.today': async () => {
      const start = new Date();
      start.setHours(0, 0, 0, 0);
      const { rows } = await this.clips.search({ q: '', from: start.getTime(), to: null, mode: null, limit: 50, offset: 0 });
      const { all } = await this.clips.stats(start.getTime(), null);
      return { count: all.count, avgDurationMs: all.avgDurationMs, clips: await this.toClips(rows) };
    },

    'clips.discarded': async ({ order }) => {
      const rows = await this.clips.discardedOf(order.trim());
      return {
        discards: rows.map((r) => ({
          order: r.order_code,
          startedAt: new Date(r.started_at).toISOString(),
          discardedAt: new Date(r.at).toISOString(),
          station: r.station,
          operator: r.operator,
          mode: r.mode,
          reason: (r.note ?? '').replace(/^Discarded: /, ''),
        })),
      };
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
    ...hubHandlers({
      hub: () => this.hubIndex,
      connector: { enroll: (...a) => this.hubConnector.enroll(...a), open: (cfg) => this.hubConnector.open(cfg) },
      signer: () => this.stationSigner(),
      stationName: () => this.settings.get().stationName,
      logLine: (line) => this.log(line),
      enrolled: () => this.publisher.kick(true),
    }),
  };

  /**
   * The first step of shutting down: no new recording, and each one in progress is finished from
   * what has arrived, with every open page told before the doors close (serve calls this first).
   */
  announceShutdown(): void {
    this.recording.announceShutdown();
  }

  /** How long without a chunk before a recording's page counts as gone (tests shorten it). */
  get stallMs(): number {
    return this.recording.stallMs;
  }
  set stallMs(ms: number) {
    this.recording.stallMs = ms;
  }

  /** Finishes recordings whose page stopped sending (also run every 5 s by startMaintenance). */
  reapStalled(): void {
    this.recording.reapStalled();
  }

  /** Quitting while recording finishes each clip from what has arrived before the index closes. */
  async close(): Promise<void> {
    this.announceShutdown();
    this.retention.stop();
    await this.publisher.stop();
    this.recording.stopWatchingStalls();
    await this.recording.settled();
    await this.retention.idle();
    // Thumbnails write their row when done; let them finish before the index closes.
    await this.sealer.idle();
    await this.continuity.stop();
    await this.custody.close?.();
    this.db.close();
    this.releaseOwnership?.();
  }
}
