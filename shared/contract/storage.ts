// Contract calls of storage, retention, legal hold and the station health check.
// Spread into `contract` in shared/contract.ts; imports nothing from it so the two files cannot cycle.
import { z } from 'zod';
import { Message } from '../messages.ts';

const ClipId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid id');

export const SpaceInfo = z.object({
  folder: z.string(),
  freeBytes: z.number(),
  totalBytes: z.number(),
  reserveBytes: z.number(),
  /** true when reserveMb is null and the reserve was chosen for the disk's size. */
  automatic: z.boolean(),
});
export type SpaceInfo = z.infer<typeof SpaceInfo>;

export const HealthCheck = z.object({
  id: z.enum(['database', 'storage', 'space', 'missing-files', 'unindexed-files', 'unfinished', 'failed-clips', 'startup', 'hub']),
  level: z.enum(['ok', 'warning', 'problem']),
  text: z.string(), // one plain sentence a packer or technician can act on
  message: Message.optional(), // the same sentence as a code the UI words in its language (shared/messages.ts)
  messages: z.array(Message).optional(), // a line made of several parts (the hub's): each a code, worded in place of `message`
  details: z.array(z.string()), // at most a few dozen lines: ids, files
  detailWords: z.array(Message.nullable()).optional(), // each detail line as a code, where it is a sentence (null: data only)
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const Health = z.object({
  ok: z.boolean(), // no check at level 'problem'
  checkedAt: z.string(),
  space: SpaceInfo.nullable(),
  checks: z.array(HealthCheck),
});
export type Health = z.infer<typeof Health>;

export const Deletion = z.object({
  clipId: z.string(),
  order: z.string(),
  file: z.string().nullable(),
  sha256: z.string().nullable(),
  sizeBytes: z.number().nullable(),
  deletedAt: z.string(),
  reason: z.string(),
  who: z.string(),
  reasonWords: z.array(Message).optional(), // the reason as codes the UI words; absent: English only
});
export type Deletion = z.infer<typeof Deletion>;

export const RetentionReport = z.object({
  dryRun: z.boolean(),
  deleted: z.array(Deletion),
  /** Files that could not be deleted: their index rows were left unchanged. */
  failed: z.array(z.object({ clipId: z.string(), file: z.string(), message: z.string() })),
  heldSkipped: z.number(), // clips old enough to go that stayed because of a legal hold
  /** Export folders removed (copies made for an appeal; the originals stay): after a week, or for space before any clip. */
  exportsRemoved: z.array(z.object({ jobId: z.string(), bytes: z.number(), reason: z.string() })).default([]),
  space: SpaceInfo.nullable(),
  message: z.string().nullable(), // set when retention could not do what the settings ask
  words: z.array(Message).optional(), // the message as codes the UI words, sentence by sentence
});
export type RetentionReport = z.infer<typeof RetentionReport>;

/**
 * How long the disk lasts at this station's measured recording rate (electron/engine/outlook.ts).
 * Figures, not sentences: the Status view and the first-run card word them in the UI's language.
 */
export const StorageOutlook = z.object({
  space: SpaceInfo.nullable(),
  /** Free space above the reserve (0 when below it). */
  freeAboveReserveBytes: z.number(),
  /** Days of history the rate is measured over (at most 14); 0 = nothing recorded yet. */
  measuredDays: z.number(),
  bytesPerDay: z.number().nullable(),
  ordersPerDay: z.number().nullable(),
  /** Days of recording the free space above the reserve holds at that rate. */
  daysLeft: z.number().nullable(),
  /** Without a measured rate: hours of continuous recording at the configured quality. */
  hoursAtQuality: z.number().nullable(),
  protectDays: z.number(),
  /**
   * Days until recordings must be refused at this rate, counting the clips retention may delete as
   * they leave the protect window (or keepDays); null = the disk keeps up indefinitely, or no rate yet.
   */
  refuseInDays: z.number().nullable(),
  /** problem: refusing now; warning: within a week. */
  level: z.enum(['ok', 'warning', 'problem']),
});
export type StorageOutlook = z.infer<typeof StorageOutlook>;

export const storageCalls = {
  'clips.setHold': {
    input: z
      .object({
        id: ClipId,
        hold: z.boolean(),
        reason: z.string().trim().min(1, 'say why (e.g. the dispute or ticket number)').max(500),
        by: z.string().trim().min(1).max(60).default('customer-service'),
      })
      .strict(),
    output: z.object({ id: z.string(), legalHold: z.boolean(), holdReason: z.string().nullable() }),
  },
  'retention.run': {
    input: z.object({ dryRun: z.boolean().default(false) }).strict(),
    output: RetentionReport,
  },
  'retention.deletions': {
    input: z.object({ limit: z.number().int().min(1).max(1000).default(100), clipId: ClipId.optional() }).strict(),
    output: z.object({ deletions: z.array(Deletion) }),
  },
  'station.health': { input: z.object({}).strict(), output: Health },
  'storage.outlook': { input: z.object({}).strict(), output: StorageOutlook },
  'station.adopt': {
    input: z.object({}).strict(),
    output: z.object({
      adopted: z.array(z.object({ id: z.string(), order: z.string(), file: z.string() })),
      failed: z.array(z.object({ file: z.string(), message: z.string() })),
    }),
  },
} as const;
