// Whether the camera still gives a picture. An unplugged USB camera ends its track; a camera that
// hangs (driver, USB bandwidth, a device still held by the previous pipeline) keeps a live track
// and simply stops delivering frames, so the preview freezes and the recording gets nothing. The
// overlay worker reports processed frames at least twice a second (overlayWorker.ts), so a gap of
// several seconds is a frozen camera, not a slow one: even a dim camera at 5 fps sends 10 frames.

/** No processed frame for this long while the track is live: the camera is frozen. */
export const STALL_MS = 5000;
/** How long a newly opened camera may take to give its first picture. */
export const FIRST_FRAME_MS = 5000;

export type CameraHealth = 'ok' | 'ended' | 'stalled';

export interface CameraSample {
  trackState: MediaStreamTrackState;
  /** performance.now() of the last processed frame, 0 before the first. */
  lastFrameAt: number;
  /** performance.now() when the pipeline was opened. */
  openedAt: number;
}

export function cameraHealth(c: CameraSample, now: number, stallMs = STALL_MS): CameraHealth {
  if (c.trackState === 'ended') return 'ended';
  return now - Math.max(c.lastFrameAt, c.openedAt) >= stallMs ? 'stalled' : 'ok';
}
