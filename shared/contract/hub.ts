// Contract calls of the station's link to its warehouse hub (issue 16): enrolling with a one-time
// code, and what the outbox is doing. Spread into `contract` in shared/contract.ts; imports nothing
// from it so the two files cannot cycle.
import { z } from 'zod';

/** Why the last publishing round failed, as a code the UI words in its language. */
export const HubErrorCode = z.enum(['unreachable', 'impostor', 'unauthorized', 'refused', 'bad-response', 'other']);
export type HubErrorCode = z.infer<typeof HubErrorCode>;

export const HubStatus = z.object({
  enrolled: z.boolean(),
  url: z.string().nullable(),
  hubName: z.string().nullable(),
  /** The pinned fingerprint (SHA-256 hex of the hub's public key). */
  hubFingerprint: z.string().nullable(),
  enrolledAt: z.string().nullable(),
  /** Sealed clips not yet confirmed by the hub (refused ones included). */
  outboxDepth: z.number(),
  /** Start of the oldest clip not yet confirmed by the hub. */
  oldestUnpublishedAt: z.string().nullable(),
  /** Clips the hub refused (kept on this station, raised as an alarm). */
  refused: z.number(),
  /** Chain entries the hub has not answered yet. */
  chainBehind: z.number(),
  lastSuccessAt: z.string().nullable(),
  lastError: z.object({ code: HubErrorCode, message: z.string(), at: z.string() }).nullable(),
});
export type HubStatus = z.infer<typeof HubStatus>;

export const hubCalls = {
  // The hub's URL and the code `packwitness hub enroll-code` printed (typed or scanned).
  'hub.enroll': {
    input: z.object({ url: z.string().trim().min(1).max(500), code: z.string().trim().min(1).max(100) }).strict(),
    output: HubStatus,
  },
  'hub.status': { input: z.object({}).strict(), output: HubStatus },
} as const;
