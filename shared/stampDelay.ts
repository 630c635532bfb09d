// A trusted timestamp proves a file existed, unchanged, at the TSA's time. Asked for right after a
// clip is sealed, that is within seconds of the recording's end; a clip stamped much later (the
// station was offline for a day, or no TSA was configured when it was recorded and the backlog was
// stamped afterwards) is proven unchanged only since then, and every verdict says so.

/** Stamped more than this after the recording ended: the delay is stated. */
export const LATE_STAMP_MS = 10 * 60_000;

/** The delay from the recording's end to its trusted time when it is worth saying, else null. */
export function stampDelay(tsaMs: number | null, endedMs: number | null): number | null {
  if (tsaMs === null || endedMs === null) return null;
  const d = tsaMs - endedMs;
  return d > LATE_STAMP_MS ? d : null;
}

/** "42 min", "5 h 12 min", "3 days 4 h" (English, for the engine's verdicts and logs). */
export function formatDelay(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  const days = Math.floor(h / 24);
  return `${days} days${h % 24 ? ` ${h % 24} h` : ''}`;
}
