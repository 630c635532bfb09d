import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../electron/engine/publish/backoff.ts';

describe('publisher back-off', () => {
  it.each([
    [0, 0],
    [1, 5_000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [5, 80_000],
    [6, 160_000],
    [7, 300_000],
    [8, 300_000],
    [1000, 300_000],
  ])('after %i failed round(s) waits %i ms', (failures, ms) => {
    expect(backoffMs(failures)).toBe(ms);
  });
});
