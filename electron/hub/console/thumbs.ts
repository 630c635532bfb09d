// Thumbnails of the console's results, made by the hub itself: a small JPEG of each clip's first
// second, stored in the clip store beside the clip (`<sha256>.thumb.jpg`) and remembered in
// hub_thumbs (index migration 5), made once.
//
// A failure is tried again with back-off (the store was unreachable, a read came back short, ffmpeg
// was killed on a loaded machine): after attempt k the next one waits retryBaseMs × 4^(k-1), and
// after maxAttempts the row stays failed with its reason (index migration 7: attempts, retry_at
// NULL), which the console shows in the thumbnail's place. A stored object that is no MP4 at all
// is given up at once: its bytes never change.
//
// Why the hub makes them rather than the station sending its own: the hub holds every clip it
// shows already and needs no change of the station protocol, and a picture the hub cut from the
// verified bytes cannot show anything the clip does not. A thumbnail is only a finding aid: the
// evidence is the clip.
//
// One at a time, in a loop that stops with the console, ffmpeg at nice 10, reading only the head
// of the clip (stations write the MP4 index first, so the first second is in the first MiB or so):
// thumbnails never starve ingest, and a store in S3 is read with one range request per clip.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HubIndex } from '../index/types.ts';
import type { SqlDialect } from '../index/sqlIndex.ts';
import type { ClipStore } from '../store/types.ts';
import { dialectOf } from '../auth/accounts.ts';
import { backgroundThumbnail } from '../../engine/ffmpeg.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';

/** The stored object is no MP4: a thumbnail of it is given up at once. */
class NotAnMp4 extends Error {}

export interface ThumbOptions {
  /** Pause between rounds when there was nothing to do (default 5 s). */
  intervalMs?: number;
  /** Clips looked at per round (default 20). */
  batch?: number;
  /**
   * How much of the clip's head is read first (default 1 MiB: a station's 1-minute clip holds its
   * index and first second in about 0.4 MiB); four times as much when that is not enough, and the
   * whole clip when its index is not at the front.
   */
  headBytes?: number;
  /** Attempts before a thumbnail is given up (default 4). */
  maxAttempts?: number;
  /** Wait before the second attempt (default 1 min); each later wait is 4 times the one before. */
  retryBaseMs?: number;
  log?: (line: string) => void;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));

export class ThumbMaker {
  private readonly db: SqlDialect;
  private readonly store: ClipStore;
  private readonly opts: Required<Omit<ThumbOptions, 'log'>> & Pick<ThumbOptions, 'log'>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  /** Set by stop(): a round under way ends after its current clip. */
  private halted = false;

  constructor(index: HubIndex, store: ClipStore, opts: ThumbOptions = {}) {
    this.db = dialectOf(index);
    this.store = store;
    this.opts = {
      intervalMs: opts.intervalMs ?? 5000,
      batch: opts.batch ?? 20,
      headBytes: opts.headBytes ?? 1 << 20,
      maxAttempts: Math.max(1, opts.maxAttempts ?? 4),
      retryBaseMs: opts.retryBaseMs ?? 60_000,
      log: opts.log,
    };
  }

  /** Starts the loop (the hub server); tests call runOnce instead. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.halted = false;
    const tick = (): void => {
      this.timer = null;
      if (this.stopped) return;
      this.running = this.runOnce()
        .catch((e: unknown) => {
          this.opts.log?.(`thumbnails: ${errorMessage(e)}`);
          return 0;
        })
        .then((made) => {
          this.running = null;
          // A full batch: there is more to do, go on at once; otherwise wait.
          if (!this.stopped) this.timer = setTimeout(tick, made >= this.opts.batch ? 0 : this.opts.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the loop and waits for the thumbnail under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Makes the thumbnails of up to `batch` clips: those that have none yet (newest clips first),
   * then failed ones whose retry is due at `now`; returns how many it tried.
   */
  async runOnce(now = Date.now()): Promise<number> {
    const batch = Math.max(1, this.opts.batch);
    const rows = await this.db.all(
      `SELECT c.sha256, MAX(c.duration_ms) AS duration_ms, MAX(c.size_bytes) AS size_bytes, MAX(c.id) AS id, 0 AS attempts FROM hub_clips c
       WHERE NOT EXISTS (SELECT 1 FROM hub_thumbs t WHERE t.sha256 = c.sha256) GROUP BY c.sha256 ORDER BY MAX(c.id) DESC LIMIT ${batch}`,
      [],
    );
    if (rows.length < batch) {
      rows.push(
        ...(await this.db.all(
          `SELECT t.sha256, MAX(c.duration_ms) AS duration_ms, MAX(c.size_bytes) AS size_bytes, MAX(t.attempts) AS attempts
           FROM hub_thumbs t JOIN hub_clips c ON c.sha256 = t.sha256
           WHERE t.retry_at IS NOT NULL AND t.retry_at <= ? GROUP BY t.sha256 ORDER BY MIN(t.retry_at) LIMIT ${batch - rows.length}`,
          [now],
        )),
      );
    }
    let tried = 0;
    for (const r of rows) {
      if (this.halted) break;
      const sha256 = String(r.sha256);
      const attempts = num(r.attempts) + 1;
      let ok = false;
      let final = false;
      let detail: string | null = null;
      try {
        await this.make(sha256, num(r.duration_ms), num(r.size_bytes));
        ok = true;
      } catch (e) {
        detail = errorMessage(e).slice(0, 500);
        final = e instanceof NotAnMp4;
      }
      const retryAt = ok || final || attempts >= this.opts.maxAttempts ? null : now + this.opts.retryBaseMs * 4 ** (attempts - 1);
      if (!ok) this.opts.log?.(`thumbnail of ${sha256.slice(0, 12)}…: attempt ${attempts} failed (${detail})${retryAt === null ? ', given up' : ''}`);
      await this.db.run(
        `INSERT INTO hub_thumbs (sha256, made_at, ok, detail, attempts, retry_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET made_at = excluded.made_at, ok = excluded.ok, detail = excluded.detail, attempts = excluded.attempts, retry_at = excluded.retry_at
         WHERE NOT hub_thumbs.ok`,
        [sha256, Date.now(), this.db.kind === 'sqlite' ? (ok ? 1 : 0) : ok, detail, attempts, retryAt],
      );
      tried++;
    }
    return tried;
  }

  private async make(sha256: string, durationMs: number, size: number): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-hub-thumb-'));
    try {
      const input = path.join(dir, 'clip.mp4');
      const output = path.join(dir, 'thumb.jpg');
      // 1 s in, where the station's burned-in band is drawn; a shorter clip: its middle.
      const atMs = Math.max(0, Math.min(1000, Math.floor(durationMs / 2)));
      const head = Math.min(size, this.opts.headBytes);
      let bytes = await this.store.read(sha256, 'clip', { start: 0, end: head - 1 });
      // Not an MP4 at all: no ffmpeg run for it. Read whole, such bytes never become one (the key
      // is their hash), so it is not tried again; a short read is.
      if (bytes.subarray(4, 8).toString('latin1') !== 'ftyp') {
        const why = 'not an MP4 (no ftyp box at its start)';
        throw bytes.length === head ? new NotAnMp4(why) : new Error(`${why}; the read came back short`);
      }
      const picture = async (): Promise<Buffer> => {
        fs.writeFileSync(input, bytes);
        fs.rmSync(output, { force: true });
        await backgroundThumbnail(input, output, atMs);
        const jpeg = fs.existsSync(output) ? fs.readFileSync(output) : Buffer.alloc(0);
        if (jpeg.length < 100 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('ffmpeg made no JPEG');
        return jpeg;
      };
      let jpeg: Buffer;
      try {
        jpeg = await picture();
      } catch (e) {
        if (head >= size) throw e;
        // The first second is further in (a higher bitrate, or the longer index of a long clip):
        // four times as much, the rest of it read on from where the head ended.
        const more = Math.min(size, head * 4);
        bytes = Buffer.concat([bytes, await this.store.read(sha256, 'clip', { start: head, end: more - 1 })]);
        try {
          jpeg = await picture();
        } catch (e2) {
          // The index is not at the front (not a station's MP4 layout): the whole clip, once.
          if (more >= size || bytes.includes('moov', 0, 'latin1')) throw e2;
          bytes = await this.store.read(sha256, 'clip');
          jpeg = await picture();
        }
      }
      await this.store.putSidecar(sha256, 'thumb', jpeg);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}
