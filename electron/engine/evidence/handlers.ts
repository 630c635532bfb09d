// The evidence calls of the contract ('evidence.key', 'evidence.verifyHash', 'evidence.verifyAll'),
// spread into Engine.handlers so both doors carry them.
import { PwError, type CallOutput, type CallParsed } from '../../../shared/contract.ts';
import type { CallContext, Engine } from '../engine.ts';
import { formatFingerprint } from './keys.ts';
import { StationCustody } from './stationCustody.ts';
import { verifyAll } from './verifyAll.ts';
import { verifyTarget } from './verifyClip.ts';

type EvidenceCall = 'evidence.key' | 'evidence.verifyHash' | 'evidence.verifyAll';
type H<K extends EvidenceCall> = (input: CallParsed<K>, ctx: CallContext) => Promise<CallOutput<K>>;

export function stationCustodyOf(engine: Engine): StationCustody {
  if (!(engine.custody instanceof StationCustody)) throw new PwError('refused', 'The evidence module is not running on this station.');
  return engine.custody;
}

export function evidenceHandlers(engine: Engine): { [K in EvidenceCall]: H<K> } {
  return {
    'evidence.key': async () => {
      const c = stationCustodyOf(engine);
      return {
        publicKeyPem: c.key.publicPem,
        fingerprint: c.key.fingerprint,
        fingerprintGrouped: formatFingerprint(c.key.fingerprint),
        file: c.key.publicFile,
        tsaUrls: engine.settings.get().tsaUrls,
        pendingTimestamps: c.timestamps.pendingCount(),
        sealingProblem: c.key.unavailable,
      };
    },
    'evidence.verifyHash': async (input) => {
      const c = stationCustodyOf(engine);
      return verifyTarget({ db: engine.db, custody: c, clipRow: (id) => engine.clips.get(id) }, { sha256: input.sha256, name: input.name });
    },
    'evidence.verifyAll': async () => verifyAll({ db: engine.db, clipsDir: engine.paths.clipsDir, custody: stationCustodyOf(engine) }),
  };
}
