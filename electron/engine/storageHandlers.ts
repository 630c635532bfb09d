// Engine handlers of the storage calls (shared/contract/storage.ts), spread into Engine.handlers.
import { PwError } from '../../shared/contract.ts';
import type { storageCalls } from '../../shared/contract/storage.ts';
import { adoptUnindexed, engineHealth, type DoctorServices } from './doctor.ts';
import type { EngineServices, HandlerMap } from './services.ts';
import { listDeletions, type Retention, type RetentionServices } from './retention.ts';
import { storageOutlook } from './outlook.ts';
import { spaceOf } from './storage.ts';
import { isFinished } from './index/types.ts';
import { errorMessage } from '../../shared/errorMessage.ts';
import { msg } from '../../shared/messages.ts';

type Names = keyof typeof storageCalls;
type StorageServices = DoctorServices & RetentionServices & Pick<EngineServices, 'ownsData'> & { readonly retention: Pick<Retention, 'run'> };

export function storageHandlers(engine: StorageServices): HandlerMap<Names> {
  return {
    'clips.setHold': async (input) => {
      const row = await engine.clips.get(input.id);
      if (!row || !isFinished(row.status)) {
        throw new PwError('not-found', `No clip with id ${input.id} to put on legal hold.`);
      }
      await engine.clips.setLegalHold(row.id, input.hold, input.reason, input.by, Date.now());
      engine.logLine(`legal hold ${input.hold ? 'set on' : 'lifted from'} clip ${row.id} of ${row.order_code} by ${input.by}: ${input.reason}`);
      try {
        await engine.custody.legalHold((await engine.clips.get(row.id))!, input.hold, { who: input.by, why: input.reason });
      } catch (err) {
        engine.reportProblem(msg('problem-hold-not-chained', { clip: row.id, error: errorMessage(err) }));
      }
      return { id: row.id, legalHold: input.hold, holdReason: input.hold ? input.reason : null };
    },

    'retention.run': async (input) => {
      if (!engine.ownsData) throw new PwError('refused', 'Another PackWitness process owns this data folder; run retention there.');
      return engine.retention.run({ dryRun: input.dryRun, who: 'retention (run by hand)' });
    },

    'retention.deletions': async (input) => ({ deletions: await listDeletions(engine, input.limit, input.clipId) }),

    'station.health': async () => engineHealth(engine),

    'storage.outlook': async () => {
      const settings = engine.settings.get();
      const space = await spaceOf(engine.paths.clipsDir, settings.reserveMb).catch(() => null);
      return storageOutlook(engine.clips, settings, space);
    },

    'station.adopt': async () => {
      if (!engine.ownsData) throw new PwError('refused', 'Another PackWitness process owns this data folder; adopt files there.');
      return adoptUnindexed(engine);
    },
  };
}
