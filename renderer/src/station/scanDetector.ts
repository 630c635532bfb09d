// Tells a barcode scanner from a person typing. A scanner "types" the whole code in a burst, keys a
// few ms apart, and ends it with Enter (or Tab); a person types 80+ ms apart. Pure, so it is tested
// without a browser.
export interface ScanDetectorOptions {
  /** Keys closer together than this belong to one burst. */
  maxGapMs: number;
  /** Shorter bursts are too short to be a label (and could be a fast typist's word). */
  minLength: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanDetectorOptions = { maxGapMs: 50, minLength: 4 };

export type KeyOutcome = { kind: 'none' } | { kind: 'scan'; code: string; length: number };

export class ScanDetector {
  private buffer = '';
  private last = -Infinity;
  private readonly opts: ScanDetectorOptions;

  constructor(opts: ScanDetectorOptions = DEFAULT_SCAN_OPTIONS) {
    this.opts = opts;
  }

  /** Feed every key press: `key` as in KeyboardEvent.key, `t` in ms. */
  key(key: string, t: number): KeyOutcome {
    const gap = t - this.last;
    this.last = t;
    if (key === 'Enter' || key === 'Tab') {
      const code = this.buffer;
      this.buffer = '';
      if (gap <= this.opts.maxGapMs && [...code].length >= this.opts.minLength) return { kind: 'scan', code, length: code.length };
      return { kind: 'none' };
    }
    if ([...key].length !== 1) return { kind: 'none' }; // Shift, arrows, F-keys: not part of a code
    this.buffer = gap <= this.opts.maxGapMs ? this.buffer + key : key;
    return { kind: 'none' };
  }

  reset(): void {
    this.buffer = '';
    this.last = -Infinity;
  }
}
