// When the publisher tries again after a failed round: 5 s, doubling, at most 5 minutes. A success
// resets it. Pure, so the schedule is table-tested without a clock.
export const BACKOFF_FIRST_MS = 5_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

/** The pause after `failures` failed rounds in a row (0 = the last round succeeded: no pause). */
export function backoffMs(failures: number, first = BACKOFF_FIRST_MS, max = BACKOFF_MAX_MS): number {
  if (failures <= 0) return 0;
  return Math.min(max, first * 2 ** Math.min(failures - 1, 30));
}
