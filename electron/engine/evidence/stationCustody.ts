// The evidence module behind the engine's Custody hooks: seals each finished clip into the signed
// hash chain with its sidecars, records discards, deletions, legal holds and exports as chain
// entries (the chain never has holes), and asks TSAs for trusted timestamps in the background.
import path from 'node:path';
import type { ClipRow } from '../index/types.ts';
import { SqliteClipIndex } from '../index/sqlite.ts';
import { sqliteChain } from '../index/sqliteEvidence.ts';
import type { Custody, CustodyActor } from '../custody.ts';
import type { Db } from '../db.ts';
import type { ClipEvidence } from '../../../shared/contract/evidence.ts';
import type { JsonValue } from './canonicalJson.ts';
import { Chain, parseBody } from './chain.ts';
import { DEFAULT_TSAS } from './defaultTsas.ts';
import { loadOrCreateStationKey, plainKeyProtector, type KeyProtector, type StationKey } from './keys.ts';
import { labelManifestFields } from '../labels.ts';
import { clipManifestFields } from './manifest.ts';
import { LocalClipStore } from '../store/local.ts';
import type { ClipStore } from '../store/types.ts';
import { TimestampQueue } from './tsaQueue.ts';
import { shortTsaName } from './tsa.ts';
import { addedTsaCertsKey, tokenTrust, type TrustKind } from './checks.ts';
import { continuityOf } from '../continuity.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import {
  ANCHOR_EVERY_ENTRIES,
  ANCHOR_EVERY_MS,
  ANCHOR_JOB_PREFIX,
  anchorCovering,
  anchorNow,
  appendAnchor,
  chainSegment,
  requestAnchorIfDue,
  type ChainSegment,
} from './anchors.ts';

export interface EvidenceOptions {
  dataDir: string;
  clipsDir: string;
  /** Where the clips and their sidecars are (default: the local store on clipsDir). */
  store?: ClipStore;
  db: Db;
  stationName: () => string;
  tsaUrls: () => string[];
  log: (line: string) => void;
  keyProtector?: KeyProtector;
  /** Run the background timestamp worker (the app and `serve`); one-shot CLI commands pass false. */
  timestampWorker?: boolean;
  retryBaseMs?: number;
  /** Entries between two chain anchors (default ANCHOR_EVERY_ENTRIES). */
  anchorEvery?: number;
}

/** JSON-safe copy of free-form details (drops functions and undefined, keeps what JSON keeps). */
function jsonOf(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value ?? null)) as JsonValue;
}

export class StationCustody implements Custody {
  readonly key: StationKey;
  readonly chain: Chain;
  readonly timestamps: TimestampQueue;
  private readonly opts: EvidenceOptions;
  /** Sidecars are written and removed through the clip store, next to their clip. */
  private readonly store: ClipStore;
  /** The TSA list the last backfill ran for (tsaSettingsChanged). */
  private backfilledFor: string | null = null;
  /** Whose time each stamped clip's token is, until the added TSA certificates change (lookups list many clips). */
  private readonly trustCache = new Map<string, { key: string; kind: TrustKind; anchor: string | null }>();
  private anchorTimer: NodeJS.Timeout | null = null;
  /** The anchor rhythm's checks, one at a time: each reads the head and the jobs, then queues. */
  private anchorCheck: Promise<unknown> = Promise.resolve();
  /** Seals in progress by clip id: a second call for the same clip waits for the first, never adds an entry. */
  private readonly sealing = new Map<string, Promise<void>>();

  /** The custody of a station: its key, its chain (made with its genesis entry), the timestamp worker. */
  static async open(opts: EvidenceOptions): Promise<StationCustody> {
    const custody = new StationCustody(opts);
    await custody.chain.ensureGenesis(opts.stationName());
    if (opts.timestampWorker !== false) custody.startWorker();
    return custody;
  }

  private constructor(opts: EvidenceOptions) {
    this.opts = opts;
    const store = (this.store = opts.store ?? new LocalClipStore(opts.clipsDir));
    this.key = loadOrCreateStationKey(opts.dataDir, opts.keyProtector ?? plainKeyProtector);
    // Verifying needs only the public key; a process that cannot open the private one still starts.
    if (this.key.unavailable) opts.log(`Clips cannot be sealed by this process: ${this.key.unavailable}.`);
    this.chain = new Chain(sqliteChain(opts.db), this.key);
    this.timestamps = new TimestampQueue(opts.db, {
      urls: opts.tsaUrls,
      log: opts.log,
      retryBaseMs: opts.retryBaseMs,
      onStamped: async (clipId, response, info) => {
        if (clipId.startsWith(ANCHOR_JOB_PREFIX)) {
          const row = await appendAnchor(this.timestamps.index, this.chain, clipId, response, info);
          if (row) opts.log(`chain anchor: ${row.seq} holds ${info.name}'s token over the chain head.`);
          return;
        }
        const row = await new SqliteClipIndex(opts.db).get(clipId);
        if (!row?.file) return;
        // The clip may have been deleted meanwhile; the token stays in the index either way.
        if (await store.stat(row.file).catch(() => null)) await store.putSidecar(row.file, 'timestamp', response);
      },
    });
  }

  private startWorker(): void {
    this.timestamps.start();
    this.tsaSettingsChanged();
    // Hourly with activity; unref: the timer never keeps a process alive.
    this.anchorTimer = setInterval(() => this.anchorSoon(true), ANCHOR_EVERY_MS);
    this.anchorTimer.unref();
  }

  /**
   * Settings changed: with a TSA newly configured (or at start), clips sealed before one was are
   * stamped too. Only when the list changed: the look over every clip is not for every setting.
   */
  tsaSettingsChanged(): void {
    const urls = this.opts.tsaUrls();
    const key = urls.join('\n');
    // The built-in public list gets no per-clip backlog: one anchor over the chain head stamps every
    // earlier entry with a single request, where a backlog would send a public service a request for
    // each old clip. A TSA the merchant configured (their own, or a paid one) still gets the backlog.
    const publicDefault = urls.length > 0 && urls.every((u) => DEFAULT_TSAS.some((d) => d.url === u));
    if (this.opts.timestampWorker !== false && urls.length > 0 && !publicDefault && key !== this.backfilledFor) {
      void this.timestamps
        .enqueueUnstamped()
        .catch((err: unknown) => this.opts.log(`timestamps: the clips sealed before a TSA was configured could not be queued: ${(err as Error).message}`));
    }
    this.backfilledFor = key;
    this.anchorSoon(false);
    this.timestamps.kick();
  }

  clipSealed(row: ClipRow): Promise<void> {
    const running = this.sealing.get(row.id);
    if (running) return running;
    const seal = this.seal(row).finally(() => this.sealing.delete(row.id));
    this.sealing.set(row.id, seal);
    return seal;
  }

  private async seal(row: ClipRow): Promise<void> {
    if (await this.chain.clipEntry(row.id)) return; // already sealed (a retried call): never two entries for one clip
    if (!row.file) throw new Error(`clip ${row.id} has no file to seal`);
    const entry = await this.chain.append('clip', row.id, { ...clipManifestFields(row), ...(await labelManifestFields(this.opts.db, row.id)) });
    await Promise.all([
      this.store.putSidecar(row.file, 'manifest', Buffer.from(entry.body, 'utf8')),
      this.store.putSidecar(row.file, 'signature', Buffer.from(entry.signature, 'base64')),
    ]);
    if (this.opts.tsaUrls().length > 0 && row.sha256) await this.timestamps.enqueue(row.id, row.sha256);
    await this.anchorIfDue(false);
  }

  /**
   * Asks for a chain anchor when one is due (anchors.ts): only the process running the timestamp
   * worker, and only with a TSA configured. Resolves to the head's seq when one was queued.
   */
  anchorIfDue(force: boolean): Promise<number | null> {
    if (this.opts.timestampWorker === false || this.opts.tsaUrls().length === 0 || !this.key.privateKey) return Promise.resolve(null);
    const every = this.opts.anchorEvery ?? ANCHOR_EVERY_ENTRIES;
    return this.anchorTurn(() => requestAnchorIfDue(this.chain.index, this.timestamps, force, every));
  }

  /** Runs `work` after the anchor work queued before it: one at a time in this process. */
  private anchorTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.anchorCheck.then(work);
    this.anchorCheck = run.catch(() => {});
    return run;
  }

  /** anchorIfDue where nobody waits for it (a timer, a setting): a failure is logged. */
  private anchorSoon(force: boolean): void {
    this.anchorIfDue(force).catch((err: unknown) => this.opts.log(`chain anchor: the rhythm's check failed: ${errorMessage(err)}`));
  }

  /**
   * Before an export: when a clip it takes has no anchor yet and a TSA is configured, the chain head
   * is stamped now (one request), so the package carries the clip's segment up to that anchor.
   * Without a TSA answering, the export goes on and its package says no anchor covers the clip yet.
   */
  async anchorForExport(clipIds: string[], signal?: AbortSignal): Promise<void> {
    const urls = this.opts.tsaUrls();
    if (urls.length === 0 || !this.key.privateKey) return;
    let uncovered = false;
    for (const id of clipIds) {
      const e = await this.chain.clipEntry(id);
      if (e !== undefined && (await anchorCovering(this.chain.index, e.seq)) === null) {
        uncovered = true;
        break;
      }
    }
    if (!uncovered) return;
    const row = await anchorNow(this.timestamps.index, this.chain, urls, signal, (record) => this.anchorTurn(record));
    if (row) this.opts.log(`chain anchor: ${row.seq} stamps the chain head for an export.`);
  }

  /** The clip's chain segment up to the anchor that covers it (anchors.ts), or null when none does yet. */
  async segmentOf(clipId: string): Promise<{ segment: ChainSegment; token: Buffer } | null> {
    const e = await this.chain.clipEntry(clipId);
    return e ? chainSegment(this.chain.index, clipId, e.seq) : null;
  }

  async continuityChecked(row: ClipRow, fields: Record<string, JsonValue>): Promise<void> {
    const entry = await this.chain.append('continuity', row.id, fields);
    await this.anchorIfDue(false);
    // Next to the clip like its manifest, so the record of its frames travels with the file.
    if (!row.file) return;
    await this.store.putSidecar(row.file, 'continuity', Buffer.from(entry.body, 'utf8'));
    await this.store.putSidecar(row.file, 'continuitySignature', Buffer.from(entry.signature, 'base64'));
  }

  async clipDiscarded(row: ClipRow, actor: CustodyActor): Promise<void> {
    await this.chain.append('discarded', row.id, {
      clipId: row.id,
      orders: [row.order_code],
      station: row.station,
      startedAt: row.started_at,
      who: actor.who,
      why: actor.why,
    });
    await this.anchorIfDue(false);
  }

  async clipDeleted(row: ClipRow, actor: CustodyActor): Promise<void> {
    await this.chain.append('deleted', row.id, {
      clipId: row.id,
      orders: [row.order_code],
      sha256: row.sha256,
      file: row.file ? path.basename(row.file) : null,
      sizeBytes: row.size_bytes,
      who: actor.who,
      why: actor.why,
    });
    await this.timestamps.forget(row.id);
    await this.anchorIfDue(false);
    // The sidecars describe a file that is gone; the chain keeps the record. Deleting the gone clip
    // from the store removes whatever of them is left (a clip still stored is never touched here).
    if (row.file && (await this.store.stat(row.file).catch(() => null)) === null) await this.store.delete(row.file).catch(() => {});
  }

  async legalHold(row: ClipRow, on: boolean, actor: CustodyActor): Promise<void> {
    await this.chain.append('legal-hold', row.id, { clipId: row.id, orders: [row.order_code], hold: on, who: actor.who, why: actor.why });
    await this.anchorIfDue(false);
  }

  async exported(rows: ClipRow[], details: Record<string, unknown>, actor: CustodyActor): Promise<void> {
    await this.chain.append('export', null, {
      clips: rows.map((r) => ({ clipId: r.id, order: r.order_code, sha256: r.sha256 })),
      details: jsonOf(details),
      who: actor.who,
      why: actor.why,
    });
    await this.anchorIfDue(false);
  }

  async describe(clipId: string): Promise<ClipEvidence | null> {
    const entry = await this.chain.clipEntry(clipId);
    if (!entry) return null;
    const ts = await this.timestamps.get(clipId);
    let recovered = false;
    try {
      recovered = (JSON.parse(entry.body) as { recovered?: boolean }).recovered === true;
    } catch {
      // a damaged body is reported by verify; the UI still shows the clip
    }
    const c = await this.chain.continuityEntry(clipId);
    const continuity = c ? continuityOf(c.seq, parseBody(c)) : null;
    const a = await anchorCovering(this.chain.index, entry.seq);
    return {
      seq: entry.seq,
      signed: true,
      continuity,
      recovered,
      timestamp: ts?.state === 'done' ? 'done' : ts ? 'pending' : 'none',
      tsaTime: ts?.tsa_time ? new Date(ts.tsa_time).toISOString() : null,
      tsaName: ts?.tsa_name ? shortTsaName(ts.tsa_name) : null,
      ...this.trustOf(clipId, ts?.state === 'done' ? ts.response : null),
      chainAnchor: a ? { seq: a.seq, time: new Date(a.tsaTime).toISOString(), tsa: a.tsa } : null,
    };
  }

  private trustOf(clipId: string, response: Buffer | null): Pick<ClipEvidence, 'tsaTrust' | 'tsaAnchor'> {
    if (!response) return { tsaTrust: null, tsaAnchor: null };
    const key = addedTsaCertsKey(this.opts.db);
    let hit = this.trustCache.get(clipId);
    if (!hit || hit.key !== key) {
      hit = { key, ...tokenTrust(this.opts.db, response) };
      if (this.trustCache.size > 5000) this.trustCache.clear();
      this.trustCache.set(clipId, hit);
    }
    return { tsaTrust: hit.kind, tsaAnchor: hit.anchor };
  }

  async close(): Promise<void> {
    if (this.anchorTimer) clearInterval(this.anchorTimer);
    // At shutdown the record so far is stamped: one bounded try (a TSA that is down or offline
    // costs at most 3 s; the job stays queued and is stamped at the next start).
    const head = await this.anchorIfDue(true).catch((err: unknown) => {
      this.opts.log(`chain anchor: the shutdown check failed: ${errorMessage(err)}`);
      return null;
    });
    if (head !== null) {
      const jobId = `${ANCHOR_JOB_PREFIX}${head}`;
      const deadline = Date.now() + 3000;
      // A round already under way may predate the job: then one more round, within the same bound.
      for (let round = 0; round < 2 && (await this.timestamps.get(jobId))?.state === 'pending' && Date.now() < deadline; round++) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([this.timestamps.runDue().catch(() => {}), new Promise((r) => (timer = setTimeout(r, deadline - Date.now())))]);
        clearTimeout(timer);
      }
    }
    await this.timestamps.stop();
  }
}
