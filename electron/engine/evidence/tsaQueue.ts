// Trusted timestamps are asked for in the background: a clip is sealed and saved at once, and its
// token follows when a TSA answers. Jobs live in the index (table `timestamps`), so a station that
// is offline for a day, or restarted, keeps retrying with growing pauses until one TSA answers.
import type { Db } from '../db.ts';
import { SqliteClipIndex } from '../index/sqlite.ts';
import { sqliteTimestamps } from '../index/sqliteEvidence.ts';
import type { TimestampIndex, TimestampRow } from '../index/types.ts';
import { requestTimestamp, type TimestampInfo } from './tsa.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

export type { TimestampRow };

export interface TimestampQueueOptions {
  urls: () => string[];
  onStamped: (clipId: string, response: Buffer, info: TimestampInfo) => Promise<void>;
  log: (line: string) => void;
  /** First retry pause; doubles per failed round up to maxRetryMs. */
  retryBaseMs?: number;
  /** Pause between two requests of one round: a backlog is worked off politely, not in a burst. */
  gapMs?: number;
  maxRetryMs?: number;
  request?: typeof requestTimestamp;
}

export class TimestampQueue {
  private readonly db: Db;
  /** The jobs (index/): the timestamp seam. */
  readonly index: TimestampIndex;
  private readonly opts: Required<Omit<TimestampQueueOptions, 'request'>> & { request: typeof requestTimestamp };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private started = false;
  /** Aborts requests in flight when the station shuts down: quitting never waits for a TSA. */
  private abort = new AbortController();

  constructor(db: Db, opts: TimestampQueueOptions) {
    this.db = db;
    this.index = sqliteTimestamps(db);
    // `??`, not a spread: an option passed as undefined must still get its default.
    this.opts = {
      ...opts,
      retryBaseMs: opts.retryBaseMs ?? 10_000,
      gapMs: opts.gapMs ?? 250,
      maxRetryMs: opts.maxRetryMs ?? 30 * 60_000,
      request: opts.request ?? requestTimestamp,
    };
  }

  async enqueue(clipId: string, sha256: string): Promise<void> {
    // Due since ever (0): a clip just sealed goes before a backlog (enqueueUnstamped), whose time
    // counts for less the later it is stamped.
    await this.index.enqueue(clipId, sha256, 0);
    this.kick();
  }

  /**
   * Every sealed clip still on the station that never had a timestamp asked for (sealed before a
   * TSA was configured): asked for now. Its token will say "existed by" the time it is stamped, not
   * when it was recorded (verify says so), which still shows it unchanged since. Returns how many.
   */
  async enqueueUnstamped(now = Date.now()): Promise<number> {
    const changes = await new SqliteClipIndex(this.db).queueUnstamped(now);
    if (changes > 0) {
      this.opts.log(`timestamps: ${changes} clip(s) sealed before a TSA was configured are queued for a trusted timestamp.`);
      this.kick();
    }
    return changes;
  }

  forget(clipId: string): Promise<void> {
    return this.index.forgetPending(clipId);
  }

  get(clipId: string): Promise<TimestampRow | undefined> {
    return this.index.get(clipId);
  }

  pendingCount(): Promise<number> {
    return this.index.pendingCount();
  }

  /** Starts the background worker (the desktop app and `serve`; one-shot CLI commands do not). */
  start(): void {
    this.started = true;
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.schedule(0);
  }

  stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.abort.abort();
    return (this.running ?? Promise.resolve()).catch(() => {});
  }

  /** Try now: a clip was just sealed, the TSA list changed, or the network came back. */
  kick(): void {
    if (this.started) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    // unref: a pending retry never keeps a CLI process or a test alive.
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.runDue()
          .then(() => this.scheduleNext())
          .catch((err: unknown) => this.opts.log(`timestamp worker: ${errorMessage(err)}`));
      },
      Math.max(0, delayMs),
    );
    this.timer.unref();
  }

  private async scheduleNext(): Promise<void> {
    const next = await this.index.nextDue();
    if (next !== null) this.schedule(next - Date.now());
  }

  /** One round over every due job. Safe to call directly (tests do); rounds never overlap. */
  runDue(now = Date.now()): Promise<void> {
    this.running ??= this.round(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(now: number): Promise<void> {
    const urls = this.opts.urls();
    if (urls.length === 0) return;
    const due = await this.index.due(now, 50);
    for (const [i, job] of due.entries()) {
      if (this.abort.signal.aborted) break;
      if (i > 0 && this.opts.gapMs > 0) await new Promise((r) => setTimeout(r, this.opts.gapMs));
      const errors: string[] = [];
      let done = false;
      for (const url of urls) {
        try {
          const { response, info } = await this.opts.request(url, job.sha256, undefined, this.abort.signal);
          await this.index.markDone(job.clip_id, { url, name: info.name, time: info.time, response });
          await this.opts.onStamped(job.clip_id, response, info).catch((err: unknown) => this.opts.log(`timestamp of ${job.clip_id}: ${errorMessage(err)}`));
          done = true;
          break;
        } catch (err) {
          errors.push(`${url}: ${errorMessage(err)}`);
        }
      }
      if (!done) {
        const pause = Math.min(this.opts.maxRetryMs, this.opts.retryBaseMs * 2 ** Math.min(job.attempts, 20));
        await this.index.markFailed(job.clip_id, errors.join('; ').slice(0, 1000), Date.now() + pause);
        // Every TSA failed for this job: the network is probably down, the rest would fail too.
        // Push them back as well, or the worker would spin on jobs that are still "due".
        await this.index.postponeAll(Date.now() + pause);
        break;
      }
    }
  }
}
