// Contract calls and events of appeal exports. Spread into `contract` and `events`
// in shared/contract.ts; imports nothing from it so the two files cannot cycle.
import { z } from 'zod';
import { Message } from '../messages.ts';

const ClipId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid id');
const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a valid job id');
const RawOrder = z.string().max(200);

export const ExportForm = z.enum(['video', 'stills']);
export type ExportForm = z.infer<typeof ExportForm>;
export const FitMode = z.enum(['parts', 'speed', 'trim']);
export type FitMode = z.infer<typeof FitMode>;

export const ExportPreset = z.object({
  id: z.string(),
  name: z.string(),
  accepts: z.object({ video: z.boolean(), images: z.boolean(), pdf: z.boolean() }),
  videoMaxBytes: z.number().nullable(),
  videoMaxSeconds: z.number().nullable(),
  imageMaxBytes: z.number().nullable(),
  pdfMaxBytes: z.number().nullable(),
  defaultForm: ExportForm,
  reencode: z.boolean(),
  limitsKnown: z.boolean(),
  note: z.string(),
  // name and note as codes the UI words in its language (shared/messages.ts)
  nameMessage: Message.optional(),
  noteMessage: Message.optional(),
  sources: z.array(z.string()),
});
export type ExportPreset = z.infer<typeof ExportPreset>;

const Options = {
  preset: z.string().min(1).max(60),
  form: ExportForm.nullable().default(null), // null: what the channel prefers
  fit: FitMode.default('parts'), // when a clip is longer than the channel allows
  range: z
    .object({ startMs: z.number().min(0), endMs: z.number().min(0) })
    .nullable()
    .default(null),
  custom: z
    .object({ maxMB: z.number().positive().max(100_000).nullable(), maxSeconds: z.number().positive().max(86_400).nullable() })
    .partial()
    .nullable()
    .default(null),
  stillsAtMs: z.array(z.number().min(0)).max(40).nullable().default(null),
  // Which clips of an order (when no clip is chosen): the packing clips, the unboxing (returns) ones, or both.
  mode: z.enum(['shipping', 'returns', 'all']).default('shipping'),
};

export const PartEstimate = z.object({
  index: z.number(),
  count: z.number(),
  startMs: z.number(),
  endMs: z.number(),
  outDurationMs: z.number(),
  expectedBytes: z.number(),
});

export const ClipPlan = z.object({
  clipId: z.string(),
  form: z.enum(['copy', 'encode', 'stills']),
  parts: z.array(PartEstimate),
  stillsAtMs: z.array(z.number()),
  width: z.number().nullable(),
  height: z.number().nullable(),
  speed: z.number(),
  expectedBytes: z.number(),
  edits: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const ExportJob = z.object({
  jobId: z.string(),
  batchId: z.string(),
  order: z.string(),
  preset: z.string(),
  /** Which clips of the order the package holds (the job list names it beside the preset). */
  mode: z.enum(['shipping', 'returns', 'all']),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  percent: z.number(),
  etaMs: z.number().nullable(),
  stage: z.string(),
  message: z.string().nullable(),
  createdAt: z.string(),
  files: z.array(z.object({ name: z.string(), bytes: z.number(), url: z.string() })),
});
export type ExportJob = z.infer<typeof ExportJob>;

export const exportCalls = {
  'export.presets': { input: z.object({}).strict(), output: z.object({ presets: z.array(ExportPreset) }) },
  'export.plan': {
    input: z.object({ order: RawOrder, clipIds: z.array(ClipId).max(50).nullable().default(null), ...Options }).strict(),
    output: z.object({ order: z.string(), clips: z.array(ClipPlan), expectedBytes: z.number(), warnings: z.array(z.string()) }),
  },
  'export.start': {
    input: z
      .object({
        orders: z.array(RawOrder).min(1).max(500), // a batch: one job per order, run one after another
        clipIds: z.array(ClipId).max(50).nullable().default(null), // only with a single order
        zip: z.boolean().default(true),
        ...Options,
      })
      .strict(),
    output: z.object({ batchId: z.string(), jobs: z.array(ExportJob), refused: z.array(z.object({ order: z.string(), reason: z.string() })) }),
  },
  'export.cancel': { input: z.object({ jobId: JobId }).strict(), output: z.object({ cancelled: z.boolean() }) },
  'export.jobs': { input: z.object({ batchId: JobId.nullable().default(null) }).strict(), output: z.object({ jobs: z.array(ExportJob) }) },
} as const;

export const exportEvents = {
  'export.progress': z.object({
    jobId: z.string(),
    batchId: z.string(),
    order: z.string(),
    percent: z.number(),
    etaMs: z.number().nullable(),
    stage: z.string(),
  }),
  'export.done': ExportJob,
} as const;
