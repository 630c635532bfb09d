// Reading the label with the camera: which codes may drive the station, the steadiness
// rules (two reads within 1.5 s; not again until 3 s out of the picture; unchanged frames repeat the
// last reads), what a clip's reads prove, and when the camera may drive beside a scanner.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CODE_RULES } from '../../shared/codePatterns.ts';
import {
  cameraCodeVerdict,
  cameraMayDrive,
  ClipLabelLog,
  clipTimeLabel,
  labelVerdict,
  readableFormats,
  regionPixels,
  Steadiness,
  type ClipLabelRead,
} from '../../shared/labelRules.ts';
import { Settings } from '../../shared/contract.ts';
import { defaultSettings } from '../../electron/engine/settingsStore.ts';

describe('codes the camera may act on', () => {
  it.each([
    ['SF tracking number', 'SF1400123456789', 'label'],
    ['ZTO tracking number', '773012345678901', 'label'],
    ['UPS tracking number', '1Z999AA10123456784', 'label'],
    ['DHL tracking number', '1234567890', 'label'],
    ['control code', 'PW:STOP', 'control'],
    ['badge', 'PW:OP:Li Na', 'control'],
    ['EAN-13 product barcode', '4006381333931', 'product'],
    ['Chinese GS1 prefix with a valid check digit', '6901234567892', 'product'],
    ['Chinese GS1 prefix, check digit wrong: still a product', '6951234567890', 'product'],
    ['EAN-8', '96385074', 'product'],
    ['an SKU sticker that fits no carrier', 'SKU-AB-77', 'unknown'],
    ['hostile text', '../etc/passwd', 'invalid'],
  ] as const)('%s: %s is %s', (_l, code, verdict) => {
    expect(cameraCodeVerdict(code, DEFAULT_CODE_RULES)).toBe(verdict);
  });

  it('with no patterns configured any code is a label except a product barcode', () => {
    const rules = { ...DEFAULT_CODE_RULES, carriers: [] };
    expect(cameraCodeVerdict('SKU-AB-77', rules)).toBe('label');
    expect(cameraCodeVerdict('4006381333931', rules)).toBe('product');
  });

  it('a custom pattern makes a site order number a label', () => {
    expect(cameraCodeVerdict('ORD-12345', { ...DEFAULT_CODE_RULES, custom: ['ORD-\\d{5}'] })).toBe('label');
  });

  it('reads Code 128 and Code 39 by default, never EAN, UPC or ITF', () => {
    expect(readableFormats(['EAN13', 'UPCA', 'ITF', 'Code128', 'QRCode'])).toEqual(['Code128', 'QRCode']);
    expect(defaultSettings().cameraFormats).toEqual(['Code128', 'Code39']);
    expect(defaultSettings().cameraReading).toBe('off');
    expect(Settings.safeParse({ ...defaultSettings(), cameraFormats: ['EAN13'] }).success).toBe(false);
    expect(Settings.safeParse({ ...defaultSettings(), cameraFormats: ['QRCode', 'DataMatrix', 'PDF417'] }).success).toBe(true);
  });
});

describe('steadiness', () => {
  // Each step: [ms, codes in that frame or 'unchanged', codes taken].
  type Step = [number, string[] | 'unchanged', string[]];
  const run = (steps: Step[]) => {
    const s = new Steadiness();
    for (const [at, codes, taken] of steps) expect(s.observe(at, codes), `at ${at} ms`).toEqual(taken);
  };

  it.each<[string, Step[]]>([
    ['one read is not enough', [[0, ['A'], []]]],
    [
      'two reads within 1.5 s count',
      [
        [0, ['A'], []],
        [1400, ['A'], ['A']],
      ],
    ],
    [
      'two reads 1.6 s apart do not',
      [
        [0, ['A'], []],
        [1600, ['A'], []],
        [2000, ['A'], ['A']],
      ],
    ],
    [
      'a taken code is not taken again while it stays',
      [
        [0, ['A'], []],
        [200, ['A'], ['A']],
        [400, ['A'], []],
        [5000, ['A'], []],
      ],
    ],
    [
      'seen continuously with gaps under 3 s it stays taken',
      [
        [0, ['A'], []],
        [200, ['A'], ['A']],
        [2900, ['A'], []],
        [3100, ['A'], []],
      ],
    ],
    [
      'out of the picture 3 s: taken again after two reads',
      [
        [0, ['A'], []],
        [200, ['A'], ['A']],
        [3300, ['A'], []],
        [3500, ['A'], ['A']],
      ],
    ],
    [
      'two codes at once are each taken',
      [
        [0, ['A', 'B'], []],
        [300, ['B', 'A'], ['B', 'A']],
      ],
    ],
    [
      'a skipped unchanged frame repeats the last reads',
      [
        [0, ['A'], []],
        [300, 'unchanged', ['A']],
      ],
    ],
    [
      'an unchanged frame after an empty one sees nothing',
      [
        [0, ['A'], []],
        [100, [], []],
        [300, 'unchanged', []],
      ],
    ],
    [
      'a duplicate in one frame is one read',
      [
        [0, ['A', 'A'], []],
        [300, ['A'], ['A']],
      ],
    ],
  ])('%s', (_l, steps) => run(steps));

  it('isTaken says whether a code counted and is still in the picture', () => {
    const s = new Steadiness();
    s.observe(0, ['A']);
    expect(s.isTaken('A')).toBe(false);
    s.observe(100, ['A']);
    expect(s.isTaken('A')).toBe(true);
  });
});

describe('what a clip proves', () => {
  const read = (code: string, firstMs: number, reads = 3): ClipLabelRead => ({
    code,
    format: 'Code128',
    firstMs,
    lastMs: firstMs + 500,
    reads,
    box: [0.1, 0.1, 0.2, 0.1],
  });

  it.each<[string, string, ClipLabelRead[], { seenAtMs: number | null; mismatch: string[] }]>([
    ['its own label seen', 'SF1400123456789', [read('SF1400123456789', 3200)], { seenAtMs: 3200, mismatch: [] }],
    ['nothing seen', 'SF1400123456789', [], { seenAtMs: null, mismatch: [] }],
    ['another tracking number seen', 'SF1400123456789', [read('773012345678901', 900)], { seenAtMs: null, mismatch: ['773012345678901'] }],
    ['a product barcode seen is no mismatch', 'SF1400123456789', [read('SF1400123456789', 0), read('6901234567892', 100)], { seenAtMs: 0, mismatch: [] }],
    ['a single stray read is no mismatch', 'SF1400123456789', [read('773012345678901', 900, 1)], { seenAtMs: null, mismatch: [] }],
    ['a control code is no mismatch', 'SF1400123456789', [read('PW:STOP', 900)], { seenAtMs: null, mismatch: [] }],
  ])('%s', (_l, order, reads, expected) => {
    expect(labelVerdict(order, reads, DEFAULT_CODE_RULES)).toEqual(expected);
  });

  it('the code that switched away from the clip is not held against it', () => {
    const log = new ClipLabelLog(1000);
    log.add(1500, [{ text: 'SF1400123456789', format: 'Code128', box: [0, 0, 0.1, 0.1] }]);
    log.add(9000, [{ text: '773012345678901', format: 'Code128', box: [0.5, 0.5, 0.1, 0.1] }]);
    log.add(9300, [{ text: '773012345678901', format: 'Code128', box: [0.5, 0.5, 0.1, 0.1] }]);
    expect(log.verdict('SF1400123456789', DEFAULT_CODE_RULES)).toEqual({ seenAtMs: 500, mismatch: ['773012345678901'] });
    log.exclude('773012345678901');
    expect(log.verdict('SF1400123456789', DEFAULT_CODE_RULES)).toEqual({ seenAtMs: 500, mismatch: [] });
    expect(log.list()[1]).toMatchObject({ firstMs: 8000, lastMs: 8300, reads: 2, box: [0.5, 0.5, 0.1, 0.1] });
  });

  it.each([
    ['no region: the whole frame', null, { x: 0, y: 0, w: 1280, h: 720 }],
    ['the left half', [0, 0, 0.5, 1], { x: 0, y: 0, w: 640, h: 720 }],
    ['odd pixels rounded down to even', [0.1001, 0.2003, 0.3, 0.3], { x: 128, y: 144, w: 384, h: 216 }],
    ['reaching past the edge: clipped to the frame', [0.9, 0.9, 0.5, 0.5], { x: 1152, y: 648, w: 128, h: 72 }],
    ['a sliver: at least 16 px', [0.5, 0.5, 0.001, 0.001], { x: 640, y: 360, w: 16, h: 16 }],
    ['at the very corner: still inside', [1, 1, 0.1, 0.1], { x: 1264, y: 704, w: 16, h: 16 }],
  ] as const)('read region in pixels: %s', (_l, region, expected) => {
    expect(regionPixels(region, 1280, 720)).toEqual(expected);
  });

  it('says where in the clip: 00:03.2', () => {
    expect(clipTimeLabel(3249)).toBe('00:03.2');
    expect(clipTimeLabel(61_050)).toBe('01:01.0');
  });
});

describe('who drives the station', () => {
  it.each([
    ['off never', 'off', false, null, false],
    ['camera only: always', 'camera', true, 'scanner', true],
    ['beside a scanner, idle: the camera starts', 'beside', false, null, true],
    ['beside a scanner, a camera clip: the camera switches and stops it', 'beside', true, 'camera', true],
    ['beside a scanner, a scanned clip: never overridden by the camera', 'beside', true, 'scanner', false],
  ] as const)('%s', (_l, reading, recording, source, expected) => {
    expect(cameraMayDrive(reading, recording, source)).toBe(expected);
  });
});
