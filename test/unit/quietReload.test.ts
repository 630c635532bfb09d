import { describe, expect, it } from 'vitest';
import { RELOAD_AFTER_CLIPS, RELOAD_QUIET_MS, shouldReloadQuietly, stationViewShown, type QuietState } from '../../renderer/src/station/quietReload.ts';

const quiet: QuietState = { clipsSinceLoad: RELOAD_AFTER_CLIPS, phase: 'idle', onStationView: true, recording: false, busy: 0, lastActivityAt: 0, now: RELOAD_QUIET_MS };

describe('the station page reloads itself only at a quiet moment', () => {
  it('reloads after many clips and a full quiet minute', () => {
    expect(shouldReloadQuietly(quiet)).toBe(true);
  });
  it.each<[string, Partial<QuietState>]>([
    ['too few clips since load', { clipsSinceLoad: RELOAD_AFTER_CLIPS - 1 }],
    ['a clip is recording', { recording: true, phase: 'recording' }],
    ['a clip is still being saved', { busy: 1 }],
    ['something happened less than a minute ago', { lastActivityAt: 1 }],
    ['the camera is in trouble (the page is reconnecting it)', { phase: 'error' }],
    ['the page is still starting', { phase: 'starting' }],
    ['another view is shown (a form may be half filled)', { onStationView: false }],
  ])('never when %s', (_why, patch) => {
    expect(shouldReloadQuietly({ ...quiet, ...patch })).toBe(false);
  });
  it('knows the station view by its route', () => {
    expect(['', '#', '#/', '#/station', '#/station?x=1'].map(stationViewShown)).toEqual([true, true, true, true, true]);
    expect(['#/settings', '#/lookup?q=SF1'].map(stationViewShown)).toEqual([false, false]);
  });
});
