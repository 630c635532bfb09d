// Messages between the page and the overlay worker.
export interface OverlayInfo {
  order: string | null; // null while idle: the band still shows time and station
  station: string;
  operator: string | null;
  mode: 'shipping' | 'returns';
  /** IANA zone label shown after the time, so a reviewer knows which clock it is. */
  utcOffsetLabel: string;
}

export type ToWorker =
  | { type: 'start'; readable: ReadableStream<VideoFrame>; writable: WritableStream<VideoFrame>; info: OverlayInfo }
  | { type: 'info'; info: OverlayInfo }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'stats'; frames: number; fastPath: boolean; format: string | null; lastFrameMs: number }
  | { type: 'ended' }
  | { type: 'error'; message: string };

