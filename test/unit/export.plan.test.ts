// Table tests of the pure parts of exports: presets, planning, the ffmpeg progress parser, ETA.
import { describe, expect, it } from 'vitest';
import { parseProgressLine, type ProgressState } from '../../electron/engine/ffmpeg.ts';
import { etaMs } from '../../electron/engine/export/jobs.ts';
import {
  autoStillTimes,
  DURATION_MARGIN_MS,
  fitBitrate,
  fitResolution,
  planExport,
  PlanError,
  splitFrames,
  type SourceInfo,
} from '../../electron/engine/export/plan.ts';
import { findPreset, PRESETS, withCustomLimits } from '../../electron/engine/export/presets.ts';
import { videoName } from '../../electron/engine/export/run.ts';

const MB = 1024 * 1024;
const src = (seconds: number, over: Partial<SourceInfo> = {}): SourceInfo => ({
  durationMs: seconds * 1000,
  sizeBytes: Math.round((seconds * 2_500_000) / 8),
  width: 1280,
  height: 720,
  fps: 30,
  hasAudio: false,
  ...over,
});
const preset = (id: string) => findPreset(id)!;

describe('presets', () => {
  it('has every channel the issues name, each with limits or an explicit "unknown"', () => {
    for (const id of [
      'shopee',
      'wechat',
      'amazon',
      'ebay',
      'etsy',
      'tiktok-shop',
      'taobao',
      'pinduoduo',
      'jd',
      'douyin',
      'lazada',
      'flipkart',
      'meesho',
      'walmart',
      'generic-100',
      'original',
      'custom',
    ]) {
      const p = preset(id);
      expect(p, id).toBeDefined();
      expect(p.video || p.image, id).toBeTruthy();
      if (!p.limitsKnown) expect(p.note, id).toMatch(/not published|unknown|conservative/i);
      if (!['generic-100', 'original', 'custom'].includes(id)) expect(p.sources.length, id).toBeGreaterThan(0);
    }
    expect(preset('shopee').video).toMatchObject({ maxBytes: 30 * MB, maxDurationMs: 60_000 });
    expect(preset('ebay').video).toBeNull();
    expect(preset('ebay').image!.maxBytes).toBe(1.5 * MB);
    expect(preset('amazon').video).toBeNull();
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it('finds presets by id or name, case-insensitively, and applies custom limits only to Custom', () => {
    expect(findPreset('SHOPEE')?.id).toBe('shopee');
    expect(findPreset('Generic 100 MB')?.id).toBe('generic-100');
    expect(findPreset('nope')).toBeUndefined();
    expect(withCustomLimits(preset('custom'), { maxMB: 8, maxSeconds: 15 }).video).toMatchObject({ maxBytes: 8 * MB, maxDurationMs: 15_000 });
    expect(withCustomLimits(preset('shopee'), { maxMB: 8 }).video!.maxBytes).toBe(30 * MB);
  });
});

describe('planExport', () => {
  it.each([
    // seconds, preset, fit, parts, speed
    [60, 'shopee', 'parts', 2, 1], // 60 s is over 60 s minus the margin
    [150, 'shopee', 'parts', 3, 1],
    [180, 'shopee', 'parts', 4, 1], // 3 x 60 s would leave no margin
    [180, 'shopee', 'speed', 1, 3.03],
    [180, 'shopee', 'trim', 1, 1],
    [600, 'wechat', 'parts', 1, 1], // no length limit: one file, bitrate fitted
    [600, 'generic-100', 'parts', 1, 1],
  ] as const)('%i s for %s (%s) makes %i part(s) at speed %f', (seconds, id, fit, parts, speed) => {
    const plan = planExport(preset(id), src(seconds), { fit });
    expect(plan.form).toBe('encode');
    if (plan.form !== 'encode') return;
    expect(plan.parts).toHaveLength(parts);
    expect(plan.speed).toBeCloseTo(speed, 2);
    const video = preset(id).video!;
    for (const p of plan.parts) {
      if (video.maxDurationMs) expect(p.outDurationMs).toBeLessThanOrEqual(video.maxDurationMs - DURATION_MARGIN_MS + 1);
      if (video.maxBytes) expect(p.expectedBytes).toBeLessThanOrEqual(video.maxBytes);
    }
    if (speed !== 1) {
      expect(plan.edits).toEqual([`speed ${speed}x`]);
      expect(plan.audioBps).toBe(0);
    } else {
      expect(plan.edits).toEqual([]);
    }
  });

  it.each([
    [30, 'shopee'],
    [59, 'shopee'],
    [600, 'original'],
  ])('a %i s clip that already fits %s is exported as the signed original itself', (seconds, id) => {
    expect(planExport(preset(id), src(seconds))).toMatchObject({ form: 'copy', expectedBytes: src(seconds).sizeBytes });
  });

  it("cuts at the recording's keyframes without re-encoding when every part fits the size", () => {
    const n = 150 * 30;
    const pts = Array.from({ length: n }, (_, i) => (i * 1000) / 30);
    const keyframes = pts.map((_, i) => i % 60 === 0); // every 2 s
    const frameBytes = pts.map((_, i) => (i % 60 === 0 ? 20_000 : 2_000));
    const plan = planExport(preset('shopee'), src(150, { framePtsMs: pts, keyframes, frameBytes, sizeBytes: frameBytes.reduce((a, b) => a + b, 0) }));
    if (plan.form !== 'encode') throw new Error('expected parts');
    expect(plan.streamCopy).toBe(true);
    expect(plan.parts.map((p) => [p.firstFrame, p.endFrame])).toEqual([
      [0, 1500],
      [1500, 3000],
      [3000, 4500],
    ]);
    for (const p of plan.parts) expect(keyframes[p.firstFrame]).toBe(true);
    // Too big for the size limit in keyframe-aligned pieces: re-encoded instead.
    const heavy = planExport(preset('custom'), src(150, { framePtsMs: pts, keyframes, frameBytes: frameBytes.map((b) => b * 60), sizeBytes: 1e9 }));
    if (heavy.form !== 'encode') throw new Error('expected parts');
    expect(heavy.streamCopy).toBe(false);
  });

  it('parts cover every frame exactly once, in order', () => {
    // Variable frame timing, as MediaRecorder writes it.
    const pts: number[] = [];
    for (let t = 0, i = 0; t < 150_000; i++) pts.push((t += 30 + (i % 7)) - 30);
    const plan = planExport(preset('shopee'), src(150, { framePtsMs: pts }));
    if (plan.form !== 'encode') throw new Error('expected encode');
    expect(plan.parts[0]!.firstFrame).toBe(0);
    for (let k = 1; k < plan.parts.length; k++) expect(plan.parts[k]!.firstFrame).toBe(plan.parts[k - 1]!.endFrame);
    expect(plan.parts.at(-1)!.endFrame).toBe(pts.length);
  });

  it('trims only at the ends of the chosen range', () => {
    const plan = planExport(preset('shopee'), src(150), { range: { startMs: 10_000, endMs: 40_000 } });
    if (plan.form !== 'encode') throw new Error('expected encode');
    expect(plan.parts).toHaveLength(1);
    expect(plan.parts[0]!.firstFrame).toBe(300);
    expect(plan.parts[0]!.endFrame).toBe(1200);
    expect(() => planExport(preset('shopee'), src(10), { range: { startMs: 5000, endMs: 5000 } })).toThrow(PlanError);
  });

  it('Original is the file itself, or refused with the reason', () => {
    expect(planExport(preset('original'), src(200))).toMatchObject({ form: 'copy' });
    expect(() => planExport(preset('original'), src(200), { range: { startMs: 0, endMs: 1000 } })).toThrow(/cannot be trimmed/);
  });

  it('image-only channels export stills; asking them for video is refused', () => {
    const plan = planExport(preset('ebay'), src(90));
    expect(plan).toMatchObject({ form: 'stills', maxImageBytes: 1.5 * MB, maxPdfBytes: 5 * MB });
    if (plan.form === 'stills') expect(plan.atMs).toHaveLength(8);
    expect(() => planExport(preset('amazon'), src(90), { form: 'video' })).toThrow(/takes no video/);
    expect(() => planExport(preset('original'), src(90), { form: 'stills' })).toThrow(/takes no images/);
    const picked = planExport(preset('amazon'), src(90), { stillsAtMs: [1000, 45_000, 200_000] });
    if (picked.form === 'stills') expect(picked.atMs).toEqual([1000, 45_000, 89_999]);
  });

  it("says when a channel's limits are unknown", () => {
    expect(planExport(preset('jd'), src(20)).warnings.join(' ')).toMatch(/not published/);
  });
});

describe('bitrate and resolution', () => {
  it.each([
    [60_000, 30 * MB, 0],
    [59_500, 30 * MB, 64_000],
    [600_000, 20 * MB, 0],
    [10_000, 1 * MB, 0],
  ])('%i ms in %i bytes stays under the limit even at the VBV cap', (ms, max, audio) => {
    const fit = fitBitrate(ms, max, audio, 50_000_000);
    const worst = ((fit.maxrateBps + audio) * (ms / 1000) + fit.bufsizeBits) / 8;
    expect(worst).toBeLessThanOrEqual(max);
    expect(fit.videoBps).toBeLessThanOrEqual(fit.maxrateBps);
  });

  it('never re-encodes above the source bitrate and refuses illegible budgets', () => {
    expect(fitBitrate(60_000, 30 * MB, 0, 1_000_000).videoBps).toBe(1_050_000);
    expect(() => fitBitrate(600_000, 1 * MB, 0, 5_000_000)).toThrow(/too small/);
  });

  it.each([
    [1280, 720, 30, 4_000_000, 720],
    [1920, 1080, 30, 1_000_000, 540],
    [1280, 720, 30, 200_000, 240],
    [320, 180, 30, 500_000, 180],
  ])('%ix%i@%i at %i b/s keeps height %i', (w, h, fps, bps, expected) => {
    const r = fitResolution(w, h, fps, bps);
    expect(r.height).toBe(expected);
    expect(r.width % 2).toBe(0);
  });
});

describe('splitFrames and stills', () => {
  it('balances parts and refuses a single frame longer than a part', () => {
    const pts = Array.from({ length: 100 }, (_, i) => i * 100); // 10 s at 10 fps
    expect(splitFrames(pts, 0, 100, 4000, 100)).toEqual([
      [0, 34],
      [34, 67],
      [67, 100],
    ]);
    expect(() => splitFrames([0, 5000], 0, 2, 1000, 100)).toThrow(/single frame/);
  });

  it.each([
    [0, 60_000, 8],
    [0, 2_000, 6],
    [5_000, 9_000, 1],
  ])('auto stills from %i to %i: %i moments inside the range, first near the label, last near the seal', (a, b, n) => {
    const t = autoStillTimes(a, b, n);
    expect(t).toHaveLength(n);
    expect(Math.min(...t)).toBeGreaterThanOrEqual(a);
    expect(Math.max(...t)).toBeLessThan(b);
    expect([...t].sort((x, y) => x - y)).toEqual(t);
  });
});

describe('file names', () => {
  it.each([
    ['SF1_2026-11-25_101500', 1, 1, [], 'SF1_2026-11-25_101500.mp4'],
    ['SF1_2026-11-25_101500', 2, 3, [], 'SF1_2026-11-25_101500_part2of3.mp4'],
    ['SF1_2026-11-25_101500', 1, 1, ['speed 3.03x'], 'SF1_2026-11-25_101500_EDITED-speed3.03x.mp4'],
  ])('%s part %i of %i %j -> %s', (base, part, parts, edits, name) => {
    expect(videoName(base, part, parts, edits as string[])).toBe(name);
  });
});

describe('ffmpeg -progress parser', () => {
  const feed = (lines: string[]) => {
    const state: ProgressState = { pending: {} };
    return lines.map((l) => parseProgressLine(state, l)).filter((s) => s !== null);
  };
  it.each([
    [['frame=30', 'out_time_us=1000000', 'speed=2.5x', 'progress=continue'], [{ outTimeMs: 1000, frame: 30, speed: 2.5, done: false }]],
    [['out_time_ms=2500000', 'progress=end'], [{ outTimeMs: 2500, frame: null, speed: null, done: true }]], // 4.x: out_time_ms is in µs
    [['out_time_us=N/A', 'speed=N/A', 'progress=continue'], [{ outTimeMs: null, frame: null, speed: null, done: false }]],
    [['out_time_us=-9223372036854775807', 'progress=continue'], [{ outTimeMs: null, frame: null, speed: null, done: false }]],
    [['[h264 @ 0x1] warning line', 'Press [q] to stop'], []],
    [
      ['frame=1', 'progress=continue', 'frame=2', 'progress=end'],
      [
        { outTimeMs: null, frame: 1, speed: null, done: false },
        { outTimeMs: null, frame: 2, speed: null, done: true },
      ],
    ],
  ])('%j', (lines, samples) => {
    expect(feed(lines)).toEqual(samples);
  });
});

describe('time left', () => {
  it.each([
    [0, 10_000, null],
    [0.01, 10_000, null],
    [0.5, 10_000, 10_000],
    [0.25, 3_000, 9_000],
    [1, 5_000, 0],
  ])('%f done after %i ms -> %s ms left', (f, elapsed, left) => {
    expect(etaMs(f, elapsed)).toBe(left);
  });
});
