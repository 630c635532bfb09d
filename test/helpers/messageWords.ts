// What the message tests share: how a Chinese sentence and an English one are told apart on
// screen, and a recording left unfinished by a station that stopped (the engine recovers it at
// its next start, with a note).
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../electron/engine/engine.ts';

export const CJK = /[\u4e00-\u9fff]/;
/** An English sentence: three Latin words in a row (codes, paths, sizes, times and names are single tokens). */
export const ENGLISH = /\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b/;

/** Leaves `source` as the partial file of recording `id`, as a station that stopped mid-recording does. */
export async function leaveUnfinishedRecording(engine: Engine, id: string, order: string, source: string): Promise<void> {
  const partial = path.join('.recording', `${id}.webm`);
  fs.mkdirSync(path.join(engine.paths.clipsDir, '.recording'), { recursive: true });
  fs.copyFileSync(source, path.join(engine.paths.clipsDir, partial));
  await engine.clips.insertRecording({
    id,
    order_code: order,
    station: 'Station 1',
    operator: null,
    mode: 'shipping',
    started_at: Date.now() - 5000,
    mime_type: 'video/webm',
    partial_file: partial,
  });
}
