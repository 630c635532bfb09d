// Messages between the station page and the label worker (labelWorker.ts).
import type { FrameRead } from '../../../shared/labelRules.ts';

export interface LabelWorkerOptions {
  formats: string[];
  /** Decodes per second at most. */
  rate: number;
  /** [x, y, w, h] fractions of the frame; null = the whole frame. */
  region: [number, number, number, number] | null;
}

export type ToLabelWorker =
  | { type: 'start'; readable: ReadableStream<VideoFrame>; wasmUrl: string; options: LabelWorkerOptions }
  | { type: 'options'; options: LabelWorkerOptions }
  | { type: 'stop' };

export type FromLabelWorker =
  /** One decoded frame (reads may be empty), or a frame skipped because nothing changed since the last decode. */
  | { type: 'frame'; reads: FrameRead[] | 'unchanged' }
  /** Every ~second: how much the worker did and what it cost. */
  | { type: 'stats'; decoded: number; skipped: number; busyMs: number; frames: number }
  | { type: 'error'; message: string };
