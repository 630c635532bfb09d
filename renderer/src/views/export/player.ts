// The lookup's player, as the export timelines see it: where it is, and moving it. The panels sit
// under the player in the same view; they find it by its test id rather than through props so the
// player component stays unaware of exports.
import { useEffect, useState } from 'react';

export const playerVideo = (): HTMLVideoElement | null => document.querySelector<HTMLVideoElement>('[data-testid="player-video"]');

/** The player's position in whole ms, or null before it has loaded. */
export function playerMs(): number | null {
  const v = playerVideo();
  return v && Number.isFinite(v.currentTime) ? Math.round(v.currentTime * 1000) : null;
}

export function seek(ms: number): void {
  const v = playerVideo();
  if (v) v.currentTime = ms / 1000;
}

/** The player's position in ms, following its timeupdate/seeked events. */
export function usePlayerMs(clipId: string): number | null {
  const [at, setAt] = useState<number | null>(null);
  useEffect(() => {
    const v = playerVideo();
    if (!v) return;
    const update = () => setAt(Number.isFinite(v.currentTime) ? v.currentTime * 1000 : null);
    update();
    const events = ['timeupdate', 'seeked', 'seeking', 'loadedmetadata'] as const;
    for (const e of events) v.addEventListener(e, update);
    return () => {
      for (const e of events) v.removeEventListener(e, update);
    };
  }, [clipId]);
  return at;
}

/** Where a click on a bar for the whole clip falls, in ms into the clip. */
export function msAtClick(e: React.MouseEvent<HTMLElement>, durationMs: number): number | null {
  const r = e.currentTarget.getBoundingClientRect();
  return r.width > 0 ? Math.min(1, Math.max(0, (e.clientX - r.left) / r.width)) * durationMs : null;
}
