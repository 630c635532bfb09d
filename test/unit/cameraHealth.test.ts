import { describe, expect, it } from 'vitest';
import { cameraHealth, STALL_MS } from '../../renderer/src/station/cameraHealth.ts';

describe('camera watchdog: unplugged or frozen', () => {
  it.each([
    // what the page knows                                          now     → what the station does
    { trackState: 'live', lastFrameAt: 10_000, openedAt: 1_000, now: 10_400, want: 'ok' }, // frames flowing
    { trackState: 'live', lastFrameAt: 10_000, openedAt: 1_000, now: 10_000 + STALL_MS - 1, want: 'ok' }, // a slow camera, not yet frozen
    { trackState: 'live', lastFrameAt: 10_000, openedAt: 1_000, now: 10_000 + STALL_MS, want: 'stalled' }, // live track, no picture
    { trackState: 'live', lastFrameAt: 0, openedAt: 20_000, now: 21_000, want: 'ok' }, // just opened, first frame on its way
    { trackState: 'live', lastFrameAt: 0, openedAt: 20_000, now: 20_000 + STALL_MS, want: 'stalled' }, // opened, never a frame
    { trackState: 'ended', lastFrameAt: 10_000, openedAt: 1_000, now: 10_100, want: 'ended' }, // unplugged: the track ends
  ] as const)('$trackState track, last frame $lastFrameAt, now $now → $want', ({ want, now, ...sample }) => {
    expect(cameraHealth(sample, now)).toBe(want);
  });
});
