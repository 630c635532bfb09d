// One recording per clip, fed by the processed (overlaid) track. Chunks of one second are sent
// to the engine as they arrive and flushed to disk there, so a crash loses at most about a second.
// The MediaRecorder objects themselves are reused across clips (RecorderPool): a recorder started
// again after its 'stop' writes a complete new file (fresh headers), and a station switching orders
// all day then keeps a constant handful of recorders instead of creating one per clip.
import { ApiError, callApi } from '../api/index.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import { formatMessage, msg, type Message } from '../../../shared/messages.ts';

// H.264 first: it remuxes to MP4 without re-encoding. Matroska/WebM because it honours the
// one-second timeslice (MP4 output only yields a chunk per keyframe group, ~3.4 s here).
export const MIME_CANDIDATES = ['video/x-matroska;codecs=avc1', 'video/webm;codecs=avc1', 'video/webm;codecs=h264', 'video/webm;codecs=vp8'];
export const TIMESLICE_MS = 1000;
/** How long a stopped recorder may take to hand over its last chunk (normally a few ms). */
const STOP_CONFIRM_MS = 10_000;

export function pickMimeType(withAudio = false): string {
  // With a microphone the audio codec is named too (Opus; the engine re-encodes it to AAC in the MP4).
  const candidates = withAudio ? [...MIME_CANDIDATES.map((t) => `${t},opus`), ...MIME_CANDIDATES] : MIME_CANDIDATES;
  const found = candidates.find((t) => MediaRecorder.isTypeSupported(t));
  if (!found) throw new Error('This browser cannot record video in a format the station can store.');
  return found;
}

type RecorderOptions = MediaRecorderOptions & { videoKeyFrameIntervalDuration?: number };

/**
 * A few long-lived MediaRecorders on one stream. At a switch two are active (the next clip starts,
 * the previous one stops SWITCH_OVERLAP_MS later), so two or three cover every case; a lease when
 * all are busy gets a recorder of its own that is dropped after its clip, so the pool never grows
 * past MAX.
 */
export class RecorderPool {
  static readonly MAX = 3;
  private readonly stream: MediaStream;
  private readonly idle: MediaRecorder[] = [];
  private readonly leased = new Set<MediaRecorder>();
  private key = '';
  /** How many MediaRecorder objects were ever made (for tests and the bench). */
  created = 0;
  /** What the overlay worker saw between two page times (epoch ms); set by the pipeline. */
  incidentsBetween: (fromMs: number, toMs: number) => PageIncident[] = () => [];

  constructor(stream: MediaStream) {
    this.stream = stream;
  }

  acquire(mimeType: string, videoBitsPerSecond: number): MediaRecorder {
    const key = `${mimeType}|${videoBitsPerSecond}`;
    // Other settings (bit rate, microphone): the recorders made for the old ones are not reused.
    if (key !== this.key) {
      this.idle.length = 0;
      this.key = key;
    }
    let rec = this.idle.pop();
    if (!rec || rec.state !== 'inactive') {
      const options: RecorderOptions = {
        mimeType,
        videoBitsPerSecond,
        // A keyframe every second: each one-second chunk is decodable on its own after a crash,
        // and players seek to within a second.
        videoKeyFrameIntervalDuration: 1000,
      };
      rec = new MediaRecorder(this.stream, options);
      this.created++;
    }
    this.leased.add(rec);
    (rec as { poolKey?: string }).poolKey = key;
    return rec;
  }

  /** After its 'stop' event (every chunk delivered): ready for the next clip. A failed one is dropped. */
  release(rec: MediaRecorder, healthy: boolean): void {
    this.leased.delete(rec);
    rec.ondataavailable = null;
    rec.onerror = null;
    const sameSettings = (rec as { poolKey?: string }).poolKey === this.key;
    if (healthy && sameSettings && rec.state === 'inactive' && this.idle.length + this.leased.size < RecorderPool.MAX && this.stream.active) {
      this.idle.push(rec);
    }
  }

  get size(): number {
    return this.idle.length + this.leased.size;
  }
}

export class ClipRecorder {
  readonly recordingId: string;
  readonly startedAt: number;
  private readonly rec: MediaRecorder;
  private readonly pool: RecorderPool;
  private seq = 0;
  private recorderFailed = false;
  private released = false;
  private uploads: Promise<void> = Promise.resolve();
  private readonly stopped: Promise<void>;
  private failed: string | null = null;
  /** `failed` as a code, so the clip's note reads in the lookup's language. */
  private failedWords: Message | null = null;
  onProblem: (message: string) => void = () => {};
  /** The engine answered a chunk that it ended this recording (or no longer knows it): final. */
  onEnded: (message: string, words?: Message) => void = () => {};
  /** A chunk could not reach the engine at all (killed, restarting, network gone); it is retried meanwhile. */
  onUnreachable: (message: string) => void = () => {};

  constructor(pool: RecorderPool, recordingId: string, mimeType: string, videoBitsPerSecond: number) {
    this.recordingId = recordingId;
    this.pool = pool;
    this.rec = pool.acquire(mimeType, videoBitsPerSecond);
    this.rec.ondataavailable = (e) => {
      if (e.data.size > 0) this.enqueue(e.data);
    };
    this.rec.onerror = () => {
      this.recorderFailed = true;
    };
    // Registered per clip: a reused recorder's earlier 'stop' events belong to earlier clips.
    this.stopped = new Promise((resolve) => this.rec.addEventListener('stop', () => resolve(), { once: true }));
    this.startedAt = performance.now();
    this.startedEpoch = Date.now();
  }

  private readonly startedEpoch: number;

  /**
   * Tells the engine what the page saw while this clip was recorded (continuity evidence; the
   * engine matches it to the gaps it reads back from the file). Best effort: without it the gaps
   * are still found and sealed, only with a plainer cause.
   */
  private async sendIncidents(): Promise<void> {
    const incidents = this.pool.incidentsBetween(this.startedEpoch - 1000, Date.now()).slice(-500);
    if (incidents.length === 0) return;
    await callApi('recording.events', { recordingId: this.recordingId, incidents }).catch(() => {});
  }

  start(): void {
    this.rec.start(TIMESLICE_MS);
  }

  private enqueue(blob: Blob): void {
    const seq = this.seq++;
    this.uploads = this.uploads.then(async () => {
      const data = new Uint8Array(await blob.arrayBuffer());
      for (let attempt = 0; ; attempt++) {
        try {
          await callApi('recording.chunk', { recordingId: this.recordingId, seq, data });
          return;
        } catch (err) {
          // The engine may be restarting: keep the bytes and retry for about a minute. An answer
          // that will not change (unknown recording, bad chunk, refused: the disk is full) is final.
          const code = (err as { code?: string }).code;
          if (code === 'ended' || code === 'not-found' || code === 'refused') this.onEnded(errorMessage(err), (err as { words?: Message }).words);
          else if (attempt === 0 && !(err instanceof ApiError)) this.onUnreachable(errorMessage(err));
          if (attempt >= 30 || code === 'not-found' || code === 'bad-input' || code === 'refused' || code === 'ended') {
            this.failedWords = msg('note-part-not-saved', { error: errorMessage(err) });
            this.failed = formatMessage(this.failedWords);
            this.onProblem(this.failed);
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
        }
      }
    });
  }

  /** Stops, waits until every chunk reached the engine, and returns how many were sent. */
  async stop(): Promise<{ chunkCount: number; problem: string | null; problemWords?: Message | null }> {
    if (!this.released && this.rec.state !== 'inactive') this.rec.stop();
    // 'stop' comes after the last 'dataavailable': every chunk of this clip is queued, and the
    // recorder can start the next clip while these are still uploading. A recorder that never says
    // so (its source froze) must not hold the clip back for ever: what arrived is finished.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const confirmed = await Promise.race([this.stopped.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_CONFIRM_MS)))]);
    clearTimeout(timer);
    if (!confirmed) {
      this.recorderFailed = true;
      if (!this.failed) {
        this.failedWords = msg('note-recorder-unconfirmed', { seconds: STOP_CONFIRM_MS / 1000 });
        this.failed = formatMessage(this.failedWords);
      }
    }
    if (!this.released) {
      this.released = true;
      this.pool.release(this.rec, !this.recorderFailed);
    }
    await this.uploads;
    await this.sendIncidents();
    return { chunkCount: this.seq, problem: this.failed, problemWords: this.failed ? this.failedWords : null };
  }

  /** This clip's state (a released recorder may already be recording the next clip). */
  get state(): RecordingState {
    return this.released ? 'inactive' : this.rec.state;
  }
}
