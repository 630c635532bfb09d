// Messages between the page and the overlay worker.
import type { PipCorner } from '../../../shared/pipGeometry.ts';
import type { PageIncident } from '../../../shared/contract/continuity.ts';

export interface OverlayInfo {
  order: string | null; // null while idle: the band still shows time and station
  station: string;
  operator: string | null;
  mode: 'shipping' | 'returns';
  /** IANA zone label shown after the time, so a reviewer knows which clock it is. */
  utcOffsetLabel: string;
  /** How the clip's code came in: the overlay names the camera when it read the label. */
  source?: 'camera' | 'scanner' | null;
}

/** The second camera, composited picture-in-picture into every frame of the first. */
export interface PipStart {
  readable: ReadableStream<VideoFrame>;
  corner: PipCorner;
  scalePercent: number;
}

export type ToWorker =
  | {
      type: 'start';
      readable: ReadableStream<VideoFrame>;
      writable: WritableStream<VideoFrame>;
      info: OverlayInfo;
      pip: PipStart | null;
      /** The preview's own track: every PREVIEW_EVERY-th processed frame (see overlayWorker.ts). */
      preview?: WritableStream<VideoFrame> | null;
    }
  | { type: 'info'; info: OverlayInfo }
  /** The page was hidden or shown: frames stamped meanwhile are marked (continuity evidence). */
  | { type: 'visibility'; hidden: boolean }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'stats'; frames: number; fastPath: boolean; format: string | null; lastFrameMs: number; pipFrames: number }
  | { type: 'motion' } // something moved in the picture (at most twice a second)
  | { type: 'ended' }
  /** Something that may cost frames, over a range of counters; sent again (same id) as it grows. */
  | { type: 'incident'; id: number; incident: PageIncident }
  | { type: 'error'; message: string };
