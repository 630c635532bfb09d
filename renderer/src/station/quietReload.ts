// A bounded answer to slow native memory growth in the station page (`npm run bench`, memory row:
// the renderer's RSS climbs ~0.2-0.3 MB per clip while its JS heap stays flat, cause not yet found
// — see BENCHMARKS.md). A page left open all day reloads itself at a quiet moment after many clips:
// nothing recording or saving, and for a full minute no scan, no key and nothing moving in front of
// the camera. All state is in the engine; the camera is back in about a second. The trade-off: a
// scan typed during that second is lost (the page then shows "idle", the packer scans again), which
// is why it waits for a long quiet spell with nobody in the picture.

export const RELOAD_AFTER_CLIPS = 200;
export const RELOAD_QUIET_MS = 60_000;

export interface QuietState {
  /** Clips started since this page was loaded. */
  clipsSinceLoad: number;
  phase: string;
  /** The station view is what is shown (another view may hold a half-filled form or a search). */
  onStationView: boolean;
  recording: boolean;
  /** Clips being finished, switches still in their overlap, discards still uploading. */
  busy: number;
  /** performance.now() of the last scan, key, click, clip end or movement in the picture. */
  lastActivityAt: number;
  now: number;
}

export function shouldReloadQuietly(s: QuietState, afterClips = RELOAD_AFTER_CLIPS, quietMs = RELOAD_QUIET_MS): boolean {
  return s.clipsSinceLoad >= afterClips && s.onStationView && s.phase === 'idle' && !s.recording && s.busy === 0 && s.now - s.lastActivityAt >= quietMs;
}

/** The station view is shown: the hash route is empty (the default view) or #/station. */
export function stationViewShown(hash: string): boolean {
  const id = hash.replace(/^#\/?/, '').split('?')[0] ?? '';
  return id === '' || id === 'station';
}
