// Recovery at start: what the last run left unfinished. Open recordings become clips from what
// reached disk; sealed clips that were never read back are read back now.
import type { Clip } from '../../../shared/contract.ts';
import type { ContinuityPass, PageIncidentStore } from '../continuity.ts';
import type { EngineServices } from '../services.ts';
import type { Sealer } from './sealing.ts';
import { formatMessage, msg, wordsToJson, type Message } from '../../../shared/messages.ts';

/**
 * At start: clips of the last two days sealed without a read-back (the station stopped before it
 * ran) are read back now, oldest first, behind whatever the station records meanwhile. Older
 * clips (recorded before the station read counters back) stay as they are: verify reads them.
 */
export async function readBackUnchecked(
  s: Pick<EngineServices, 'custody' | 'clips' | 'store'> & { readonly continuity: ContinuityPass; readonly incidents: PageIncidentStore },
): Promise<void> {
  if (!s.custody.continuityChecked) return;
  const rows = await s.clips.sealedWithoutReadBack(Date.now() - 2 * 86_400_000);
  // What the page reported while these recorded was kept as it arrived: their gaps keep their causes.
  for (const row of rows) s.continuity.enqueue({ row, file: s.store.localPath(row.file!), incidents: await s.incidents.get(row.id) });
}

/** At start: every recording the last run left open is turned into a clip from what reached disk. */
const recoveredNote = msg('note-recovered');

export async function recoverUnfinished(
  s: Pick<EngineServices, 'clips' | 'store'>,
  sealer: Sealer,
): Promise<{ clips: Clip[]; message: string; words: Message } | null> {
  const recovered: Clip[] = [];
  for (const row of await s.clips.unfinished()) {
    const partial = row.partial_file;
    const stat = partial ? await s.store.stat(partial).catch(() => null) : null;
    if (!partial || !stat || stat.size === 0) {
      if (partial) await s.store.delete(partial);
      const words = msg('note-recovery-empty');
      await s.clips.setStatus(row.id, 'failed', formatMessage(words), wordsToJson([words]));
      continue;
    }
    const clip = await sealer.seal(
      row.id,
      row.order_code,
      partial,
      row.started_at,
      Math.round(stat.mtimeMs),
      null,
      'recovered',
      'crash',
      formatMessage(recoveredNote),
      wordsToJson([recoveredNote]),
    );
    if (clip) recovered.push(clip);
  }
  if (!recovered.length) return null;
  const words = msg('problem-recovered', { count: recovered.length, orders: recovered.map((c) => c.order).join(', ') });
  return { clips: recovered, message: formatMessage(words), words };
}
