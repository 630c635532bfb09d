// Contract calls of the evidence module (seal, chain, sign, timestamp, verify). Spread into
// `contract` in shared/contract.ts; imports nothing from it so the two files cannot cycle.
import { z } from 'zod';
import { Message } from '../messages.ts';
import { Continuity } from './continuity.ts';

/** What the UI shows with a clip: its chain entry, signature and trusted time. */
export const ClipEvidence = z.object({
  seq: z.number(), // its entry in the station's hash chain
  signed: z.boolean(),
  recovered: z.boolean(),
  timestamp: z.enum(['done', 'pending', 'none']),
  tsaTime: z.string().nullable(), // ISO 8601, the TSA's time
  tsaName: z.string().nullable(),
  // Whose time it is (evidence/tsaTrust.ts): where the TSA's chain ends, or why the token cannot vouch.
  tsaTrust: z.enum(['public', 'added', 'unknown-root', 'unverifiable', 'invalid']).nullable().optional(),
  tsaAnchor: z.string().nullable().optional(), // the common name of the chain's anchor
  continuity: Continuity.nullable().optional(), // the frame counters read back after sealing; null = not yet
  // The first TSA-stamped chain head at or after the clip's entry: in the station's record by then at the latest.
  chainAnchor: z.object({ seq: z.number(), time: z.string(), tsa: z.string() }).nullable().optional(),
});
export type ClipEvidence = z.infer<typeof ClipEvidence>;

export const VerifyCheck = z.object({
  // 'export': the signed export manifest a derived file belongs to; 'source': the sealed clip it comes from.
  what: z.enum(['file', 'index', 'chain', 'signature', 'timestamp', 'history', 'export', 'source', 'continuity']),
  ok: z.boolean().nullable(), // null: nothing to check (no timestamp yet, …)
  text: z.string(), // one plain sentence
  message: Message.optional(), // the same as a code the UI words in its language (shared/messages.ts)
  // A line of several sentences: each as a code, worded and joined by the UI (after `message`, if any).
  messages: z.array(Message).optional(),
  // A failing line: what was found, each after its kind's label (`problem-<kind>`), after the sentences above.
  findings: z.array(z.object({ kind: z.string(), message: Message })).optional(),
});
export type VerifyCheck = z.infer<typeof VerifyCheck>;

export const VerifyAnswer = z.object({
  // 'derived': a file this station exported from a sealed clip (a part, a still, a sheet), exactly as exported.
  verdict: z.enum(['intact', 'derived', 'problem', 'unknown']),
  headline: z.string(),
  // The headline after its verdict word, as a code the UI words in its language (shared/messages.ts).
  headlineMessage: Message.optional(),
  // Further sentences about the clip: how it ended if not plainly, a late trusted time.
  notes: z.array(Message).optional(),
  sha256: z.string(),
  clip: z
    .object({
      id: z.string(),
      order: z.string(),
      station: z.string(),
      operator: z.string().nullable(),
      mode: z.string(),
      startedAt: z.string(),
      endedAt: z.string().nullable(),
      durationMs: z.number().nullable(),
      status: z.string(),
      /** Why the recording ended (StopReason), or 'adopted' for a file sealed when it was adopted. */
      stopReason: z.string().nullable(),
      seq: z.number().nullable(),
    })
    .nullable(),
  checks: z.array(VerifyCheck),
});
export type VerifyAnswer = z.infer<typeof VerifyAnswer>;

export const ProblemKind = z.enum([
  'modified-file',
  'missing-file',
  'broken-link',
  'missing-entry',
  'bad-signature',
  'token-mismatch',
  'modified-manifest',
  'missing-sidecar',
  'wrong-key',
  'anchor-mismatch', // the record under a TSA-stamped chain head is not the one stamped
]);
export type ProblemKind = z.infer<typeof ProblemKind>;

export const EvidenceProblem = z.object({
  kind: ProblemKind,
  label: z.string(), // the kind in words: "modified file"
  message: z.string(),
  words: Message.optional(), // the message as a code the UI words (the label is `problem-<kind>`)
  seq: z.number().nullable(),
  clipId: z.string().nullable(),
});
export type EvidenceProblem = z.infer<typeof EvidenceProblem>;

export const VerifyAllReport = z.object({
  ok: z.boolean(),
  entries: z.number(),
  clips: z.number(),
  timestamps: z.number(),
  anchors: z.number().optional(), // chain heads a TSA stamped, each checked against the chain
  problems: z.array(EvidenceProblem),
});
export type VerifyAllReport = z.infer<typeof VerifyAllReport>;

export const StationKeyInfo = z.object({
  publicKeyPem: z.string(),
  fingerprint: z.string(), // hex SHA-256 of the SPKI DER
  fingerprintGrouped: z.string(),
  file: z.string(),
  tsaUrls: z.array(z.string()),
  pendingTimestamps: z.number(),
  sealingProblem: z.string().nullable(), // why this process cannot seal (private key locked or missing); null when it can
});

export const evidenceCalls = {
  'evidence.key': { input: z.object({}).strict(), output: StationKeyInfo },
  'evidence.verifyHash': {
    input: z
      .object({
        sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex (64 digits)'),
        name: z.string().max(300).nullable().default(null), // the dropped file's name, to say "named like clip X"
        sizeBytes: z.number().int().min(0).nullable().default(null),
      })
      .strict(),
    output: VerifyAnswer,
  },
  'evidence.verifyAll': { input: z.object({}).strict(), output: VerifyAllReport },
} as const;
