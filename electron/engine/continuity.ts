// Which stamped frames reached each clip's file, sealed as evidence.
//
// How the station knows: it reads the burned-in frame counters back from every finished clip. The
// page cannot know by itself: MediaRecorder's encoder drops a frame silently when its queue is full
// (a busy CPU), after the overlay stamped it. Encoding with WebCodecs would tell each frame's fate,
// but would replace the recorder and its Matroska writer, crash recovery and remux with code of our
// own; the read-back checks the very bytes that were sealed, whatever wrote them, and costs a
// decode of the clip on one nice'd thread after it is sealed: one clip at a time, never delaying
// recording, the next clip or the seal itself.
//
// What it records: a signed chain entry of kind 'continuity' per clip, naming the clip's SHA-256,
// with every gap (counter after which frames are missing, how many, where in the clip) and every
// stall (the picture standing still ≥ 1 s), each with its cause. Causes come from what the page
// reported while recording (recording.events: page hidden, the overlay falling behind, the
// recorder's track still full, the camera late), matched by frame counter, not by clock, so a LAN
// browser's clock cannot mislead it. A gap the page saw nothing for is still the station's own
// finding: "dropped by the encoder (found by the station's read-back)". A gap in a file that no
// continuity entry lists is unexplained, and verify says so.
import type { Db } from './db.ts';
import type { JsonValue } from './evidence/canonicalJson.ts';
import type { ClipNotesIndex, ClipRow } from './index/types.ts';
import { sqliteNotes } from './index/sqliteEvidence.ts';
import { readFrameCounters, type CounterReport } from './frameCounters.ts';
import type { Continuity, ContinuityGap, ContinuityStall, GapCause, PageIncident, StallCause } from '../../shared/contract/continuity.ts';
import { errorLine } from '../../shared/errorMessage.ts';

/** How far (in frames, ~1 s at 30 fps) from a sign of load a dropped frame still counts as caused by it. */
const LOAD_SLACK = 30;
/** How far from a camera or visibility incident a stall or gap is matched to it. */
const EXACT_SLACK = 2;

const overlaps = (i: PageIncident, from: number, to: number, slack: number): boolean => i.from <= to + slack && i.to >= from - slack;

/** Gives every gap and stall of a read-back its cause, from what the page saw while recording. */
export function explain(report: Pick<CounterReport, 'gaps' | 'stalls'>, incidents: PageIncident[]): { gaps: ContinuityGap[]; stalls: ContinuityStall[] } {
  const gaps = report.gaps.map((g): ContinuityGap => {
    const from = g.after;
    const to = g.after + g.missing + 1;
    let cause: GapCause = 'encoder';
    if (incidents.some((i) => i.kind === 'hidden' && overlaps(i, from, to, EXACT_SLACK))) cause = 'page-hidden';
    else if (incidents.some((i) => (i.kind === 'late' || i.kind === 'backpressure' || i.kind === 'camera-stall') && overlaps(i, from, to, LOAD_SLACK)))
      cause = 'encoder-under-load';
    return { after: g.after, missing: g.missing, atMs: g.atMs, cause };
  });
  const stalls = report.stalls.map((s): ContinuityStall => {
    let cause: StallCause = 'no-frames';
    if (incidents.some((i) => i.kind === 'camera-stall' && overlaps(i, s.after, s.after + 1, EXACT_SLACK))) cause = 'camera-stalled';
    else if (incidents.some((i) => i.kind === 'hidden' && overlaps(i, s.after, s.after + 1, EXACT_SLACK))) cause = 'page-hidden';
    return { after: s.after, ms: s.ms, atMs: s.atMs, cause };
  });
  return { gaps, stalls };
}

/** The fields of a 'continuity' chain entry (the reserved ones, seq, prev, …, are the chain's). */
export function continuityFields(row: ClipRow, report: CounterReport, incidents: PageIncident[], checkedAt: number): Record<string, JsonValue> {
  const { gaps, stalls } = explain(report, incidents);
  return {
    clipId: row.id,
    orders: [row.order_code],
    sha256: row.sha256,
    method: 'read-back', // the counters read from the sealed file itself
    checkedAt,
    frames: report.counters.length,
    first: report.first,
    last: report.last,
    unreadable: report.unreadable,
    gaps: gaps as unknown as JsonValue,
    stalls: stalls as unknown as JsonValue,
    pageIncidents: incidents.length,
    // What the page saw, as it reported it at the time: the grounds of each cause above.
    page: incidents.map((i) => ({ kind: i.kind, from: i.from, to: i.to, at: i.at, ms: Math.round(i.ms) })),
  };
}

/** A 'continuity' entry's body as the UI and verify read it; null when it is not one. */
export function continuityOf(seq: number, body: Record<string, unknown> | null): Continuity | null {
  if (!body || !Array.isArray(body.gaps) || typeof body.frames !== 'number') return null;
  return {
    seq,
    checkedAt: Number(body.checkedAt ?? 0),
    frames: body.frames,
    first: typeof body.first === 'number' ? body.first : null,
    last: typeof body.last === 'number' ? body.last : null,
    unreadable: Number(body.unreadable ?? 0),
    gaps: body.gaps as ContinuityGap[],
    stalls: Array.isArray(body.stalls) ? (body.stalls as ContinuityStall[]) : [],
    pageIncidents: Number(body.pageIncidents ?? 0),
  };
}

/**
 * What the page reported while a clip recorded (page hidden, camera stalled, the overlay behind),
 * kept in the index as it arrives: a station stopped (killed, crashed, restarted) before a clip's
 * read-back reads it back at the next start, and these are still the grounds of its gaps' causes.
 * The index keeps them in their own table; rows older than the read-back's two days are dropped.
 */
export class PageIncidentStore {
  private readonly notes: ClipNotesIndex;

  constructor(db: Db) {
    this.notes = sqliteNotes(db);
  }

  set(recordingId: string, incidents: readonly PageIncident[]): Promise<void> {
    return this.notes.setIncidents(recordingId, Date.now(), JSON.stringify(incidents));
  }

  async get(recordingId: string): Promise<PageIncident[]> {
    const body = await this.notes.incidents(recordingId);
    try {
      return body === null ? [] : (JSON.parse(body) as PageIncident[]);
    } catch {
      return [];
    }
  }
}

export interface ContinuityJob {
  row: ClipRow;
  file: string;
  incidents: PageIncident[];
  /** Read-backs of this clip that failed before (0 the first time). */
  failed?: number;
}

/**
 * Waits before a failed read-back is tried again: a failure is most often the machine (ffmpeg
 * killed or starved under load), not the clip. After the last one the clip waits for the next
 * start (Engine.readBackUnchecked reads every clip without a continuity entry).
 */
export const READ_BACK_RETRY_MS = [5_000, 30_000, 120_000];

/**
 * The background read-back: one clip at a time, in the order they were sealed. `seal` appends the
 * chain entry. A clip deleted or replaced meanwhile is skipped (its SHA-256 must still match).
 */
export class ContinuityPass {
  private readonly queue: ContinuityJob[] = [];
  private running: Promise<void> | null = null;
  private stopped = false;
  private readonly seal: (job: ContinuityJob, fields: Record<string, JsonValue>) => Promise<void>;
  private readonly log: (line: string) => void;
  private readonly read: (file: string, signal: AbortSignal) => Promise<CounterReport>;
  /** The clip being read now and how to stop its ffmpeg. */
  private current: { clipId: string; ctrl: AbortController; done: Promise<unknown> } | null = null;
  private readonly retryMs: readonly number[];
  /** Failed read-backs waiting to be tried again, by clip. */
  private readonly retries = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    seal: (job: ContinuityJob, fields: Record<string, JsonValue>) => Promise<void>,
    log: (line: string) => void,
    read: (file: string, signal: AbortSignal) => Promise<CounterReport> = (f, signal) => readFrameCounters(f, { background: true, signal }),
    retryMs: readonly number[] = READ_BACK_RETRY_MS,
  ) {
    this.seal = seal;
    this.log = log;
    this.read = read;
    this.retryMs = retryMs;
  }

  enqueue(job: ContinuityJob): void {
    if (this.stopped) return;
    this.queue.push(job);
    this.running ??= this.drain();
  }

  get pending(): number {
    return this.queue.length + (this.running ? 1 : 0) + this.retries.size;
  }

  /** Resolves when every queued clip was read back (tests, the bench). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Stops taking clips and stops the one being read (a long clip's decode must not hold a shutdown
   * back); clips left unchecked are read at the next start (Engine.readBackUnchecked).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    for (const timer of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    this.current?.ctrl.abort();
    await this.idle();
  }

  /**
   * A clip about to be deleted is not read back: an open file keeps its disk space until closed,
   * and retention deletes clips precisely to free space. Resolves once no ffmpeg holds the file.
   */
  async release(clipId: string): Promise<void> {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.row.id === clipId) this.queue.splice(i, 1);
    clearTimeout(this.retries.get(clipId));
    this.retries.delete(clipId);
    const cur = this.current;
    if (cur?.clipId !== clipId) return;
    cur.ctrl.abort();
    await cur.done.catch(() => {});
  }

  /**
   * Reads until the queue is empty and clears `running` in the same turn in which it finds it empty,
   * so a clip handed over at any later moment starts a new drain. (Clearing it in a `.finally` of the
   * drain's promise left a microtask turn in which a clip handed over saw the drain still running and
   * stayed in the queue, unread, until the next clip came.)
   */
  private async drain(): Promise<void> {
    await Promise.resolve(); // enqueue sets `running` before the loop below can end
    try {
      for (let job = this.queue.shift(); job; job = this.queue.shift()) {
        const ctrl = new AbortController();
        try {
          const reading = this.read(job.file, ctrl.signal);
          this.current = { clipId: job.row.id, ctrl, done: reading };
          const report = await reading.finally(() => (this.current = null));
          // No counter in any frame: not a picture the station's overlay stamped (an adopted file from
          // elsewhere), so there is no continuity to state; verify reads the file and says so.
          if (report.counters.length === 0 || report.unreadable === report.counters.length) {
            this.log(`clip ${job.row.id} carries no readable frame counter; no continuity entry`);
            continue;
          }
          await this.seal(job, continuityFields(job.row, report, job.incidents, Date.now()));
        } catch (err) {
          if (this.stopped) return;
          if (ctrl.signal.aborted) continue; // released: the clip is being deleted
          this.retryLater(job, err);
        }
      }
    } finally {
      this.running = null;
    }
  }

  private retryLater(job: ContinuityJob, err: unknown): void {
    const failed = (job.failed ?? 0) + 1;
    const wait = this.retryMs[failed - 1];
    if (wait === undefined) {
      this.log(`frame counter read-back of clip ${job.row.id} failed ${failed} times, read again at the next start: ${errorLine(err)}`);
      return;
    }
    this.log(`frame counter read-back of clip ${job.row.id} failed, tried again in ${Math.round(wait / 1000)} s: ${errorLine(err)}`);
    const id = job.row.id;
    const timer = setTimeout(() => {
      this.retries.delete(id);
      this.enqueue({ ...job, failed });
    }, wait);
    timer.unref?.();
    this.retries.set(id, timer);
  }
}
