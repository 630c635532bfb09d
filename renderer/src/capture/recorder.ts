// One MediaRecorder per clip, fed by the processed (overlaid) track. Chunks of one second are sent
// to the engine as they arrive and flushed to disk there, so a crash loses at most about a second.
import { callApi } from '../api/index.ts';

// H.264 first: it remuxes to MP4 without re-encoding. Matroska/WebM because it honours the
// one-second timeslice (MP4 output only yields a chunk per keyframe group, ~3.4 s here).
export const MIME_CANDIDATES = [
  'video/x-matroska;codecs=avc1',
  'video/webm;codecs=avc1',
  'video/webm;codecs=h264',
  'video/webm;codecs=vp8',
];
export const TIMESLICE_MS = 1000;

export function pickMimeType(withAudio = false): string {
  // With a microphone the audio codec is named too (Opus; the engine re-encodes it to AAC in the MP4).
  const candidates = withAudio ? [...MIME_CANDIDATES.map((t) => `${t},opus`), ...MIME_CANDIDATES] : MIME_CANDIDATES;
  const found = candidates.find((t) => MediaRecorder.isTypeSupported(t));
  if (!found) throw new Error('This browser cannot record video in a format the station can store.');
  return found;
}

export class ClipRecorder {
  readonly recordingId: string;
  readonly startedAt: number;
  private readonly rec: MediaRecorder;
  private seq = 0;
  private uploads: Promise<void> = Promise.resolve();
  private readonly stopped: Promise<void>;
  private failed: string | null = null;
  onProblem: (message: string) => void = () => {};

  constructor(stream: MediaStream, recordingId: string, mimeType: string, videoBitsPerSecond: number) {
    this.recordingId = recordingId;
    const options: MediaRecorderOptions & { videoKeyFrameIntervalDuration?: number } = {
      mimeType,
      videoBitsPerSecond,
      // A keyframe every second: each one-second chunk is decodable on its own after a crash,
      // and players seek to within a second.
      videoKeyFrameIntervalDuration: 1000,
    };
    this.rec = new MediaRecorder(stream, options);
    this.rec.ondataavailable = (e) => {
      if (e.data.size > 0) this.enqueue(e.data);
    };
    this.stopped = new Promise((resolve) => this.rec.addEventListener('stop', () => resolve(), { once: true }));
    this.startedAt = performance.now();
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
          if (attempt >= 30 || code === 'not-found' || code === 'bad-input' || code === 'refused') {
            this.failed = `Part of the recording could not be saved: ${(err as Error).message}`;
            this.onProblem(this.failed);
            return;
          }
          await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
        }
      }
    });
  }

  /** Stops, waits until every chunk reached the engine, and returns how many were sent. */
  async stop(): Promise<{ chunkCount: number; problem: string | null }> {
    if (this.rec.state !== 'inactive') this.rec.stop();
    await this.stopped;
    await this.uploads;
    // 300 clips a day: drop the handler so nothing keeps a finished recorder alive.
    this.rec.ondataavailable = null;
    return { chunkCount: this.seq, problem: this.failed };
  }

  /** Stops without waiting for uploads (camera gone, page closing). */
  get state(): RecordingState {
    return this.rec.state;
  }
}
