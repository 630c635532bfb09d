// Which read an export's label still shows, what part of the frame it zooms on, and how the plan
// and caption carry it (pure rules; the stills themselves are in export.labelStill.test.ts).
import { describe, expect, it } from 'vitest';
import { stillCaption, stillCaptionSize } from '../../electron/engine/export/caption.ts';
import { planExport } from '../../electron/engine/export/plan.ts';
import { findPreset } from '../../electron/engine/export/presets.ts';
import { labelCrop, labelSheetText, labelStillOf } from '../../electron/engine/labels.ts';
import type { ClipLabels } from '../../shared/contract/labels.ts';

const ORDER = 'SF1400123456789';
const read = (code: string, firstMs: number, reads = 5) => ({
  code,
  format: 'Code128',
  firstMs,
  lastMs: firstMs + 2000,
  reads,
  box: [0.6, 0.6, 0.2, 0.01] as [number, number, number, number],
});
const src = { durationMs: 20_000, sizeBytes: 4_000_000, width: 1280, height: 720, fps: 30, hasAudio: false };

describe('the label still', () => {
  it("shows the read of the clip's own code, else the other tracking number of a mismatch, else none", () => {
    const seen: ClipLabels = { source: 'camera', reads: [read('773012345678901', 1000), read(ORDER, 3200)], seenAtMs: 3200, mismatch: [] };
    expect(labelStillOf(seen, ORDER)).toEqual({ atMs: 3200, box: [0.6, 0.6, 0.2, 0.01], code: ORDER });
    const other: ClipLabels = { source: 'scanner', reads: [read('XX', 500), read('773012345678901', 4100)], seenAtMs: null, mismatch: ['773012345678901'] };
    expect(labelStillOf(other, ORDER)?.atMs).toBe(4100);
    expect(labelStillOf({ source: 'camera', reads: [read('XX', 500)], seenAtMs: null, mismatch: [] }, ORDER)).toBeNull();
    expect(labelStillOf(null, ORDER)).toBeNull();
  });

  it("zooms on the box with room around it, in the frame's proportions, inside the frame, never below a quarter of it", () => {
    const [x, y, w, h] = labelCrop([0.6, 0.6, 0.2, 0.01]);
    expect(w).toBeCloseTo(0.36);
    expect(h).toBe(w);
    expect(x).toBeLessThanOrEqual(0.6);
    expect(x + w).toBeGreaterThanOrEqual(0.8);
    expect(y + h).toBeLessThanOrEqual(1);
    expect(labelCrop([0.95, 0.95, 0.04, 0.04])).toEqual([0.75, 0.75, 0.25, 0.25]);
    expect(labelCrop([0, 0, 0.9, 0.5])[2]).toBe(1);
  });

  it('the plan puts it first when it falls inside the exported range, and counts it in the estimate', () => {
    const ebay = findPreset('ebay')!;
    const label = { atMs: 3200, box: [0.6, 0.6, 0.2, 0.01] as [number, number, number, number], code: ORDER };
    const withLabel = planExport(ebay, src, { stillsAtMs: [1000, 9000], labelStill: label, stillSampleBytes: 100_000 });
    const without = planExport(ebay, src, { stillsAtMs: [1000, 9000], stillSampleBytes: 100_000 });
    expect(withLabel).toMatchObject({ form: 'stills', atMs: [1000, 9000], label });
    expect(withLabel.warnings.join(' ')).toContain(`read the label ${ORDER} (00:03.2 into the clip)`);
    expect(withLabel.expectedBytes - without.expectedBytes).toBeGreaterThan(100_000);
    expect(planExport(ebay, src, { range: { startMs: 5000, endMs: 15_000 }, labelStill: label })).toMatchObject({ label: null });
  });

  it('its caption leads with the code and the time it was read, and still fits the picture', () => {
    const lines = stillCaption({
      order: ORDER,
      station: '打包台 3',
      mode: 'shipping',
      wall: '2026-12-06 05:40:01 UTC',
      atMs: 3200,
      index: 1,
      count: 9,
      label: { code: ORDER, atMs: 3249 },
    });
    expect(lines[0]).toBe(`Label read at 00:03.2: ${ORDER}   (zoomed on the label)`);
    expect(lines).toHaveLength(3);
    const fit = stillCaptionSize(lines, 640, 360);
    expect(fit.lines.join('')).toContain(ORDER);
  });

  it('the sheet says what the camera saw, in one short line', () => {
    expect(labelSheetText({ source: 'camera', reads: [], seenAtMs: 3249, mismatch: [] }, ORDER)).toBe(
      `${ORDER} seen in the picture at 00:03.2 (order read by the camera)`,
    );
    expect(labelSheetText({ source: 'scanner', reads: [], seenAtMs: null, mismatch: ['773012345678901'] }, ORDER)).toBe(
      `MISMATCH: the picture showed 773012345678901; the clip is filed under ${ORDER}`,
    );
    expect(labelSheetText({ source: 'scanner', reads: [], seenAtMs: null, mismatch: [] }, ORDER)).toBe(
      `the camera was reading but did not see ${ORDER} in the picture`,
    );
    expect(labelSheetText(null, ORDER)).toBeNull();
  });
});
