// `packwitness verify FILE`: is this file, byte for byte, a clip this station recorded?
import fsp from 'node:fs/promises';
import type { Engine } from './engine.ts';
import { sha256File } from './hash.ts';

export interface VerifyResult {
  ok: boolean;
  lines: string[];
  clipId: string | null;
}

export async function verifyFile(engine: Engine, file: string): Promise<VerifyResult> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat) return { ok: false, clipId: null, lines: [`NOT VERIFIED: ${file} does not exist.`] };
  if (!stat.isFile()) return { ok: false, clipId: null, lines: [`NOT VERIFIED: ${file} is not a file.`] };
  const sha = await sha256File(file);
  const row = engine.clips.bySha256(sha);
  if (!row) {
    return {
      ok: false,
      clipId: null,
      lines: [
        `NOT VERIFIED: ${file}`,
        `  SHA-256 ${sha} matches no clip recorded by this station.`,
        '  The file was modified, re-encoded, or comes from another station.',
      ],
    };
  }
  const clip = engine.toClip(row);
  return {
    ok: true,
    clipId: clip.id,
    lines: [
      `VERIFIED: ${file}`,
      `  order ${clip.order}, station ${clip.station}, clip ${clip.id}`,
      `  recorded ${clip.startedAt} to ${clip.endedAt} (${(clip.durationMs / 1000).toFixed(1)} s), status ${clip.status}`,
      `  SHA-256 ${sha}`,
    ],
  };
}
