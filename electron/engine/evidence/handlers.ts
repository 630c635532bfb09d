// The evidence calls of the contract ('evidence.key', 'evidence.verifyHash', 'evidence.verifyAll'),
// spread into Engine.handlers so both doors carry them.
import { PwError } from '../../../shared/contract.ts';
import type { EngineServices, HandlerMap } from '../services.ts';
import { formatFingerprint } from './keys.ts';
import { StationCustody } from './stationCustody.ts';
import { verifyAll } from './verifyAll.ts';
import { verifyTarget } from './verifyClip.ts';

type EvidenceCall = 'evidence.key' | 'evidence.verifyHash' | 'evidence.verifyAll';
type EvidenceServices = Pick<EngineServices, 'custody' | 'db' | 'clips' | 'settings' | 'paths' | 'store'>;

export function stationCustodyOf(engine: Pick<EngineServices, 'custody'>): StationCustody {
  if (!(engine.custody instanceof StationCustody)) throw new PwError('refused', 'The evidence module is not running on this station.');
  return engine.custody;
}

export function evidenceHandlers(engine: EvidenceServices): HandlerMap<EvidenceCall> {
  return {
    'evidence.key': async () => {
      const c = stationCustodyOf(engine);
      return {
        publicKeyPem: c.key.publicPem,
        fingerprint: c.key.fingerprint,
        fingerprintGrouped: formatFingerprint(c.key.fingerprint),
        file: c.key.publicFile,
        tsaUrls: engine.settings.get().tsaUrls,
        pendingTimestamps: await c.timestamps.pendingCount(),
        sealingProblem: c.key.unavailable,
      };
    },
    'evidence.verifyHash': async (input) => {
      const c = stationCustodyOf(engine);
      return verifyTarget({ db: engine.db, custody: c, clips: engine.clips }, { sha256: input.sha256, name: input.name });
    },
    'evidence.verifyAll': async () => verifyAll({ db: engine.db, clipsDir: engine.paths.clipsDir, store: engine.store, custody: stationCustodyOf(engine) }),
  };
}
