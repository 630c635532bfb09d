// Continuity of a clip: which stamped frames reached the file, and why any did not. The page tells
// the engine what it saw while recording (recording.events); after sealing, the engine reads the
// burned-in frame counters back from the finished file and seals the gaps it found, each with its
// cause, as a signed chain entry of kind 'continuity' (electron/engine/continuity.ts). Spread into
// `contract` in shared/contract.ts; imports nothing from it so the two files cannot cycle.
import { z } from 'zod';

/**
 * Something the page saw while recording, over a range of stamped frame counters:
 * - hidden: the page was hidden (minimised, another tab in front);
 * - late: the overlay worker fell behind the camera (frames queued, the CPU busy);
 * - backpressure: the recorder's track still held the previous frames when the next was stamped;
 * - camera-stall: the camera gave no frame for a while (`ms`).
 */
export const PageIncident = z.object({
  kind: z.enum(['hidden', 'late', 'backpressure', 'camera-stall']),
  from: z.number().int().min(0), // first counter concerned
  to: z.number().int().min(0), // last counter concerned
  at: z.number(), // epoch ms on the page's clock when it began
  ms: z.number().min(0), // how long it lasted
});
export type PageIncident = z.infer<typeof PageIncident>;

/** Why stamped frames are missing from the file (a gap in the counter). */
export const GapCause = z.enum([
  'encoder-under-load', // the recorder dropped them while the page saw the machine fall behind
  'encoder', // the recorder dropped them; the page saw nothing else (found by the station's read-back)
  'page-hidden', // the page was hidden at the time
]);
export type GapCause = z.infer<typeof GapCause>;

/** Why the picture stood still (consecutive counters, time between them). */
export const StallCause = z.enum(['camera-stalled', 'page-hidden', 'no-frames']);
export type StallCause = z.infer<typeof StallCause>;

export const ContinuityGap = z.object({ after: z.number(), missing: z.number(), atMs: z.number(), cause: GapCause });
export type ContinuityGap = z.infer<typeof ContinuityGap>;
export const ContinuityStall = z.object({ after: z.number(), ms: z.number(), atMs: z.number(), cause: StallCause });
export type ContinuityStall = z.infer<typeof ContinuityStall>;

/** What the station recorded about one clip's frames: the body of its 'continuity' chain entry. */
export const Continuity = z.object({
  seq: z.number(), // the chain entry
  checkedAt: z.number(), // epoch ms of the read-back
  frames: z.number(),
  first: z.number().nullable(),
  last: z.number().nullable(),
  unreadable: z.number(),
  gaps: z.array(ContinuityGap),
  stalls: z.array(ContinuityStall),
  pageIncidents: z.number().optional(), // how many notes the page sent while recording (sealed in the entry)
});
export type Continuity = z.infer<typeof Continuity>;

export const continuityCalls = {
  // What the page saw while recording one clip, sent before recording.finish (at most 500 incidents).
  'recording.events': {
    input: z.object({ recordingId: z.string().min(1).max(100), incidents: z.array(PageIncident).max(500) }).strict(),
    output: z.object({ accepted: z.number() }),
  },
};
