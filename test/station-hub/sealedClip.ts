// A sealed clip without ffmpeg: random bytes as the clip file, indexed and sealed through the
// engine's own custody (chain entry, sidecars, and so the outbox row). For the outbox's logic,
// where what matters is the seal and the bytes, not the video.
import { randomBytes, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Engine } from '../../electron/engine/engine.ts';

let n = 0;

/** `ageDays`: recorded that many days ago (sealed with that start, as the manifest the hub checks says). */
export async function sealedClip(
  engine: Engine,
  order: string,
  size = 48 * 1024,
  ageDays = 0,
): Promise<{ id: string; order: string; sha256: string; file: string }> {
  const id = `t${Date.now().toString(36)}${(n++).toString(36)}-${randomBytes(6).toString('hex')}`;
  const startedAt = Date.now() - ageDays * 86_400_000;
  const rel = path.join('test', `${order}_${id}.mp4`);
  const file = path.join(engine.paths.clipsDir, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = randomBytes(size);
  fs.writeFileSync(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await engine.clips.insertRecording({
    id,
    order_code: order,
    station: engine.settings.get().stationName,
    operator: null,
    mode: 'shipping',
    started_at: startedAt,
    mime_type: 'video/mp4',
    partial_file: null,
  });
  await engine.clips.finish(id, {
    ended_at: startedAt + 1000,
    duration_ms: 1000,
    mono_ms: 1000,
    size_bytes: size,
    file: rel,
    sha256,
    status: 'ok',
    stop_reason: 'next-scan',
    note: null,
  });
  await engine.custody.clipSealed((await engine.clips.get(id))!);
  return { id, order, sha256, file };
}
