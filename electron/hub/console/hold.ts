// Legal hold from the console. A hold is a row of the hub index (hub_holds, the rows the stations
// read in their publish round: GET /holds, so the station's own copy is held too), and, where the
// store has Object Lock, a legal hold on the stored object itself, so nobody deletes it from the
// bucket behind the hub's back. Setting or releasing twice is harmless; the newest row is the
// clip's hold.
import type { ConsoleHold } from '../../../shared/consoleWire.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { HubClip, HubHoldRow, HubIndex } from '../index/types.ts';
import type { ClipStore } from '../store/types.ts';

function toHold(h: HubHoldRow): ConsoleHold {
  return { held: h.held, reason: h.reason, at: h.at, by: h.by };
}

/** The clip's hold now: the newest row for it, or null when none was ever set. */
export async function currentHold(index: HubIndex, clip: Pick<HubClip, 'station' | 'clipId'>): Promise<ConsoleHold | null> {
  const rows = (await index.listHolds(clip.station, 0)).filter((h) => h.clipId === clip.clipId);
  const last = rows.at(-1);
  return last ? toHold(last) : null;
}

export interface HoldOutcome {
  hold: ConsoleHold;
  /** What the store did: an Object Lock legal hold set or lifted, none (no Object Lock), or why it failed. */
  objectLock: 'set' | 'lifted' | 'unsupported' | { failed: string };
}

export async function setHold(
  index: HubIndex,
  store: ClipStore,
  clip: HubClip,
  o: { held: boolean; reason: string; by: string; at: number },
): Promise<HoldOutcome> {
  const row: HubHoldRow = { station: clip.station, clipId: clip.clipId, sha256: clip.sha256, held: o.held, reason: o.reason, at: o.at, by: o.by };
  await index.addHold(row);
  let objectLock: HoldOutcome['objectLock'] = 'unsupported';
  if (store.setLegalHold) {
    try {
      const r = await store.setLegalHold(clip.sha256, o.held);
      objectLock = r === 'unsupported' ? 'unsupported' : o.held ? 'set' : 'lifted';
    } catch (e) {
      // The index row stands (the stations hold their copies); the answer says the bucket did not.
      objectLock = { failed: errorMessage(e) };
    }
  }
  return { hold: toHold(row), objectLock };
}
