// What each benchmark section hands back to scripts/bench.mjs, which writes BENCHMARKS.md.
export interface Figure {
  /** Stable id; a partial run (--only) replaces the rows with the same key. */
  key: string;
  figure: string;
  how: string;
  target: string;
  /** The measured value as shown in the table. */
  value: string;
  /** null: not measured (value says why). */
  met: boolean | null;
  /** When missed: by how much, in words. */
  miss?: string;
  /** Lines shown under the table for this figure (breakdowns, runs, raw numbers). */
  details?: string[];
  measuredAt?: string;
}

export type Section = (opts: { quick: boolean; log: (line: string) => void }) => Promise<Figure[]>;
