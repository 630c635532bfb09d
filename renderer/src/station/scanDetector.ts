// Tells a barcode scanner from a person typing. A scanner "types" the whole code in a burst, keys a
// few ms apart, and ends it with Enter (or Tab); a person types 80+ ms apart (even a 120 wpm typist
// averages ~100 ms a key). Pure, so it is tested without a browser.
//
// The burst is judged on its AVERAGE key gap, not on every single gap: a busy PC or a USB hub
// delays one key now and then (measured: 67 ms on a loaded 2-core machine in a 16-key burst), and
// a scan must not lose its first character to that. A gap longer than maxGapMs always separates
// what came before from the burst, so slow typing never leaks into a scan. A 50 ms mean is 240
// words a minute sustained over a random code: no person types that; a scanner does 2–10 ms.
export interface ScanDetectorOptions {
  /** Keys further apart than this never belong to one burst. */
  maxGapMs: number;
  /** The burst's mean gap (Enter included) must be at most this: far faster than any person. */
  maxMeanGapMs: number;
  /** Shorter bursts are too short to be a label (and could be a fast typist's word). */
  minLength: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanDetectorOptions = { maxGapMs: 150, maxMeanGapMs: 50, minLength: 4 };

export type KeyOutcome = { kind: 'none' } | { kind: 'scan'; code: string; length: number };

export class ScanDetector {
  private keys: { ch: string; t: number }[] = [];
  private readonly opts: ScanDetectorOptions;

  constructor(opts: ScanDetectorOptions = DEFAULT_SCAN_OPTIONS) {
    this.opts = opts;
  }

  /** Feed every key press: `key` as in KeyboardEvent.key, `t` in ms. */
  key(key: string, t: number): KeyOutcome {
    const last = this.keys.at(-1);
    if (last && t - last.t > this.opts.maxGapMs) this.keys = []; // a pause: what came before is not part of a burst
    if (key === 'Enter' || key === 'Tab') {
      const run = this.keys;
      this.keys = [];
      if (run.length === 0) return { kind: 'none' };
      const code = run.map((k) => k.ch).join('');
      const meanGap = (t - run[0]!.t) / run.length;
      if (meanGap <= this.opts.maxMeanGapMs && [...code].length >= this.opts.minLength) return { kind: 'scan', code, length: code.length };
      return { kind: 'none' };
    }
    // A person correcting what they typed: no scanner sends these, so nothing before them is a burst.
    if (key === 'Backspace' || key === 'Delete') {
      this.keys = [];
      return { kind: 'none' };
    }
    if ([...key].length !== 1) return { kind: 'none' }; // Shift, arrows, F-keys: not part of a code
    this.keys.push({ ch: key, t });
    if (this.keys.length > 200) this.keys.shift(); // a stuck key must not grow this forever
    return { kind: 'none' };
  }

  reset(): void {
    this.keys = [];
  }
}
