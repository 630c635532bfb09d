// The page's side of the label worker: a clone of the camera track goes to labelWorker.ts, which
// answers with the codes it read in each decoded frame. The clone is closed with the reader, so
// the camera itself (and the recording) never depends on it.
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import type { FrameRead } from '../../../shared/labelRules.ts';
import type { FromLabelWorker, LabelWorkerOptions, ToLabelWorker } from './labelProtocol.ts';

export class LabelReader {
  private readonly worker: Worker;
  private readonly track: MediaStreamTrack;
  /** performance.now() with the codes of one decoded frame, or 'unchanged' for a skipped still frame. */
  onFrame: (now: number, reads: FrameRead[] | 'unchanged') => void = () => {};
  onProblem: (message: string) => void = () => {};
  stats = { decoded: 0, skipped: 0, busyMs: 0, frames: 0 };
  problem: string | null = null;

  constructor(cameraTrack: MediaStreamTrack, options: LabelWorkerOptions) {
    this.track = cameraTrack.clone();
    const processor = new MediaStreamTrackProcessor({ track: this.track, maxBufferSize: 1 }); // a busy worker drops frames, never queues them
    this.worker = new Worker(new URL('./labelWorker.ts', import.meta.url), { type: 'module', name: 'labels' });
    this.worker.onmessage = (e: MessageEvent<FromLabelWorker>) => {
      const m = e.data;
      if (m.type === 'frame') this.onFrame(performance.now(), m.reads);
      else if (m.type === 'stats') this.stats = { decoded: m.decoded, skipped: m.skipped, busyMs: m.busyMs, frames: m.frames };
      else if (m.type === 'error' && m.message !== this.problem) {
        this.problem = m.message;
        this.onProblem(m.message);
      }
    };
    const msg: ToLabelWorker = { type: 'start', readable: processor.readable, wasmUrl: new URL(wasmUrl, location.href).href, options };
    this.worker.postMessage(msg, [processor.readable as unknown as Transferable]);
  }

  setOptions(options: LabelWorkerOptions): void {
    this.worker.postMessage({ type: 'options', options } satisfies ToLabelWorker);
  }

  close(): void {
    this.worker.postMessage({ type: 'stop' } satisfies ToLabelWorker);
    this.track.stop();
    this.worker.terminate();
  }
}
