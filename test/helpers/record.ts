// Drives a recording through the engine's contract the way a station page does: start, chunks in
// order, finish. Shared by the storage, retention and doctor tests.
import fs from 'node:fs';
import type { Engine } from '../../electron/engine/engine.ts';

export const ctx = { door: 'http' as const };

export async function startAndUpload(engine: Engine, order: string, webm: string, chunkSize = 64 * 1024, maxBytes = Infinity) {
  const { recordingId } = await engine.call('recording.start', { order, mimeType: 'video/webm;codecs=avc1' }, ctx);
  const data = fs.readFileSync(webm).subarray(0, maxBytes);
  let seq = 0;
  for (let off = 0; off < data.length; off += chunkSize) {
    await engine.call('recording.chunk', { recordingId, seq: seq++, data: data.subarray(off, off + chunkSize) }, ctx);
  }
  return { recordingId, chunkCount: seq };
}

export async function recordClip(engine: Engine, order: string, webm: string) {
  const r = await startAndUpload(engine, order, webm);
  const out = await engine.call('recording.finish', { recordingId: r.recordingId, reason: 'next-scan', chunkCount: r.chunkCount }, ctx);
  if (!out.clip) throw new Error(`no clip: ${out.message}`);
  return out;
}

/** Moves a clip back in time, as if recorded `days` ago (retention tests). */
export function backdate(engine: Engine, id: string, days: number): void {
  engine.db.prepare('UPDATE clips SET started_at = started_at - ? WHERE id=?').run(days * 86_400_000, id);
}
