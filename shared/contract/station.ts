// Settings of the packing station itself: scanner rules, auto stop, sounds, language, the
// second camera, operators and first run. Spread into Settings in shared/contract.ts; imports nothing
// from it so the two files cannot cycle.
import { z } from 'zod';
import { ALL_CARRIER_IDS, compileCustom, DEFAULT_CARRIER_IDS } from '../codePatterns.ts';

export const PipCorner = z.enum(['top-left', 'top-right', 'bottom-left', 'bottom-right']);
export type PipCorner = z.infer<typeof PipCorner>;

export const stationSettingsFields = {
  // Auto stop: a clip left running (the packer walked away, forgot the stop) is finished with the reason.
  // 0 = off. Idle = no scan, key press or click and nothing moving in the picture for this long (see StationController).
  idleStopMs: z
    .number()
    .int()
    .min(0)
    .max(4 * 3600_000),
  carrierPatterns: z.array(z.enum(ALL_CARRIER_IDS as [string, ...string[]])).max(50),
  customPatterns: z
    .array(
      z
        .string()
        .min(1)
        .max(200)
        .refine((s) => compileCustom(s) !== null, 'not a valid regular expression'),
    )
    .max(20),
  stripPrefix: z.string().max(20),
  stripSuffix: z.string().max(20),
  allowProductBarcodes: z.boolean(),
  sounds: z.boolean(),
  // 'system' follows the OS/browser language; the page may still switch per browser.
  language: z.enum(['system', 'en', 'zh-CN']),
  // Picture-in-picture: a second camera composited into the recorded video. null = off.
  pipCameraDeviceId: z.string().max(500).nullable(),
  pipCorner: PipCorner,
  pipScalePercent: z.number().int().min(15).max(50), // width of the inset as % of the frame width
  operators: z.array(z.string().min(1).max(40)).max(100), // badges printed on the control sheet
  // Who is logged in at this station now (badge scan): kept by the engine so a page reload or a
  // station restart keeps filing clips under the same person. null = nobody.
  operator: z.string().min(1).max(60).nullable(),
  setupDone: z.boolean(), // the first-run card was confirmed
};

export function defaultStationSettings() {
  return {
    // 3 minutes with no scan, no key and nothing moving in the picture. Packing one parcel takes 30 s
    // to a few minutes of constant movement, so a still picture this long is no parcel being packed;
    // it is longer than PackingProof's 60 s so a packer who walks to the shelf for a missing item, or
    // waits at the label printer, does not come back to a stopped clip. A forgotten recording then
    // costs about 56 MB at the default quality instead of 1.1 GB an hour all night.
    idleStopMs: 180_000,
    carrierPatterns: [...DEFAULT_CARRIER_IDS],
    customPatterns: [] as string[],
    stripPrefix: '',
    stripSuffix: '',
    allowProductBarcodes: false,
    sounds: true,
    language: 'system' as const,
    pipCameraDeviceId: null,
    pipCorner: 'bottom-right' as const,
    pipScalePercent: 30,
    operators: [] as string[],
    operator: null as string | null,
    setupDone: false,
  };
}

export const LanInfo = z.object({
  /** false: the station answers on this computer only. */
  listening: z.boolean(),
  urls: z.array(z.string()), // LAN URLs with ?token= for a phone
  token: z.string().nullable(),
  /** The port phones use; null when not listening. */
  port: z.number().int().nullable(),
  /** Whether station.lanSet can switch it here (false in the desktop window, or when fixed by `serve --host`). */
  switchable: z.boolean(),
  howToEnable: z.string().nullable(),
});
export type LanInfo = z.infer<typeof LanInfo>;

export const stationCalls = {
  'station.lan': { input: z.object({}).strict(), output: LanInfo },
  // LAN access on/off while the station runs (packwitness serve only); remembered for the next start.
  // port: null/absent = the station's port + 1 (or the port chosen before). newToken: phones must rescan.
  'station.lanSet': {
    input: z
      .object({
        enabled: z.boolean(),
        port: z.number().int().min(1).max(65535).nullable().optional(),
        newToken: z.boolean().default(false),
      })
      .strict(),
    output: LanInfo,
  },
} as const;
