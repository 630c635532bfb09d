// Reading the shipping label with the camera: its settings, the reads a page reports
// with a clip's finish, and what a clip carries about them. Spread into shared/contract.ts;
// imports nothing from it so the two files cannot cycle.
import { z } from 'zod';
import { DEFAULT_LABEL_FORMATS, LABEL_FORMATS } from '../labelRules.ts';

const Fraction = z.number().min(0).max(1);
/** [x, y, width, height] as fractions of the frame. */
export const FrameBox = z.tuple([Fraction, Fraction, Fraction, Fraction]);

export const labelSettingsFields = {
  // off | camera (the camera is the input) | beside (camera and scanner; see shared/labelRules.ts cameraMayDrive)
  cameraReading: z.enum(['off', 'camera', 'beside']),
  // EAN, UPC and ITF are not in the list: the camera never reads them.
  cameraFormats: z.array(z.enum(LABEL_FORMATS)).min(1).max(LABEL_FORMATS.length),
  // Decodes per second in the label worker (4-8 keep it under a tenth of a core at 720p: BENCHMARKS.md).
  cameraReadRate: z.number().int().min(1).max(15),
  // The same label shown again after it left the picture for 3 s stops the clip; off = it is only noted.
  cameraRepeatStops: z.boolean(),
  // Only this part of the picture is read (drawn on the preview); null = the whole picture.
  cameraReadRegion: FrameBox.nullable(),
};

export function defaultLabelSettings() {
  return {
    cameraReading: 'off' as const,
    cameraFormats: [...DEFAULT_LABEL_FORMATS],
    cameraReadRate: 6,
    cameraRepeatStops: true,
    cameraReadRegion: null,
  };
}

/** One code the camera saw during a clip: ms from the clip's start, where it was first read. */
export const LabelRead = z.object({
  code: z.string().max(200),
  format: z.string().max(40),
  firstMs: z.number().int().min(0),
  lastMs: z.number().int().min(0),
  reads: z.number().int().min(1),
  box: FrameBox,
});
export type LabelRead = z.infer<typeof LabelRead>;

/** Sent with recording.finish; sealed into the clip's manifest. */
export const ClipLabels = z.object({
  source: z.enum(['camera', 'scanner']).nullable(),
  reads: z.array(LabelRead).max(50),
  /** ms from the start when the clip's own code was first seen in the picture; null = never. */
  seenAtMs: z.number().int().min(0).nullable(),
  /** Other tracking numbers seen in the picture. */
  mismatch: z.array(z.string().max(200)).max(50),
});
export type ClipLabels = z.infer<typeof ClipLabels>;
