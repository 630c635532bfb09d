// Engine handlers of the export calls (shared/contract/export.ts), spread into Engine.handlers.
import { PwError, type Door } from '../../../shared/contract.ts';
import type { exportCalls, ExportPreset } from '../../../shared/contract/export.ts';
import type { HandlerMap } from '../services.ts';
import type { ExportJobs } from './jobs.ts';
import { planOrder, type ExportServices } from './run.ts';
import { PRESETS, presetWords, type ChannelPreset } from './presets.ts';

/** Who an export is recorded as (custody and manifest), by the door its request came through. */
export const EXPORT_ACTOR: Record<Door, string> = {
  ipc: 'customer-service (desktop)',
  http: 'customer-service (browser)',
  cli: 'customer-service (command line)',
};

type Names = keyof typeof exportCalls;

export function presetView(p: ChannelPreset): ExportPreset {
  return {
    id: p.id,
    name: p.name,
    accepts: { video: p.video !== null, images: p.image !== null, pdf: p.pdf !== null },
    videoMaxBytes: p.video?.maxBytes ?? null,
    videoMaxSeconds: p.video?.maxDurationMs == null ? null : p.video.maxDurationMs / 1000,
    imageMaxBytes: p.image?.maxBytes ?? null,
    pdfMaxBytes: p.pdf?.maxBytes ?? null,
    defaultForm: p.video ? p.defaultForm : 'stills',
    reencode: p.reencode,
    limitsKnown: p.limitsKnown,
    note: p.note,
    nameMessage: presetWords(p).name,
    noteMessage: presetWords(p).note,
    sources: p.sources,
  };
}

export function exportHandlers(engine: ExportServices & { readonly exportJobs: ExportJobs }): HandlerMap<Names> {
  return {
    'export.presets': async () => ({ presets: PRESETS.map(presetView) }),

    'export.plan': async (input) => {
      const { order, clips } = await planOrder(engine, { ...input, custom: input.custom ?? undefined });
      const out = clips.map(({ row, plan }) => ({
        clipId: row.id,
        form: plan.form,
        parts:
          plan.form === 'encode'
            ? plan.parts.map((p) => ({
                index: p.index,
                count: p.count,
                startMs: p.startMs,
                endMs: p.endMs,
                outDurationMs: p.outDurationMs,
                expectedBytes: p.expectedBytes,
              }))
            : plan.form === 'copy'
              ? [{ index: 1, count: 1, startMs: 0, endMs: row.duration_ms ?? 0, outDurationMs: row.duration_ms ?? 0, expectedBytes: plan.expectedBytes }]
              : [],
        stillsAtMs: plan.form === 'stills' ? plan.atMs : [],
        width: plan.form === 'encode' ? plan.width : null,
        height: plan.form === 'encode' ? plan.height : null,
        speed: plan.form === 'encode' ? plan.speed : 1,
        expectedBytes: plan.expectedBytes,
        edits: plan.edits,
        warnings: plan.warnings,
      }));
      return { order, clips: out, expectedBytes: out.reduce((s, c) => s + c.expectedBytes, 0), warnings: [...new Set(out.flatMap((c) => c.warnings))] };
    },

    'export.start': async (input, ctx) => {
      if (input.orders.length === 0) throw new PwError('bad-input', 'Give at least one order code.');
      return engine.exportJobs.start(input.orders, {
        preset: input.preset,
        form: input.form,
        fit: input.fit,
        range: input.range,
        custom: input.custom ?? undefined,
        stillsAtMs: input.stillsAtMs,
        mode: input.mode,
        clipIds: input.clipIds,
        zip: input.zip,
        actor: EXPORT_ACTOR[ctx.door],
      });
    },

    'export.cancel': async (input) => ({ cancelled: engine.exportJobs.cancel(input.jobId) }),

    'export.jobs': async (input) => {
      const jobs = engine.exportJobs;
      await jobs.ready();
      return { jobs: jobs.list(input.batchId) };
    },
  };
}
