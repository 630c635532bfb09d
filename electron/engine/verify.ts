// `packwitness verify FILE`: is this file, byte for byte, a clip this station recorded, and do its
// chain entry, signature and trusted timestamp (and the sidecars next to it) still hold?
import fsp from 'node:fs/promises';
import type { VerifyAnswer } from '../../shared/contract/evidence.ts';
import type { EngineServices } from './services.ts';
import { sha256File } from './hash.ts';
import { stationCustodyOf } from './evidence/handlers.ts';
import { verifyTarget } from './evidence/verifyClip.ts';
import { readFrameCounters } from './frameCounters.ts';

/**
 * Exit codes of `packwitness verify FILE`: 0 the sealed original, intact; 3 a file this station
 * exported from a sealed clip (a part, a still, a sheet), exactly as exported; 1 anything else
 * (changed, unknown, a check that does not hold). 2 stays a usage mistake.
 */
export const EXIT_DERIVED = 3;

export interface VerifyResult {
  ok: boolean;
  exitCode: number;
  lines: string[];
  clipId: string | null;
  answer: VerifyAnswer | null;
}

const mark = (ok: boolean | null): string => (ok === true ? 'ok  ' : ok === false ? 'FAIL' : ' -  ');

export async function verifyFile(engine: Pick<EngineServices, 'db' | 'clips' | 'custody'>, file: string): Promise<VerifyResult> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat) return { ok: false, exitCode: 1, clipId: null, answer: null, lines: [`NOT VERIFIED: ${file} does not exist.`] };
  if (!stat.isFile()) return { ok: false, exitCode: 1, clipId: null, answer: null, lines: [`NOT VERIFIED: ${file} is not a file.`] };
  const sha256 = await sha256File(file);
  // The counters are read from the file itself, so a gap the station never recorded is called out.
  const frames = await readFrameCounters(file).catch(() => null);
  const answer = await verifyTarget({ db: engine.db, custody: stationCustodyOf(engine), clips: engine.clips }, { sha256, path: file, frames });
  return {
    ok: answer.verdict === 'intact' || answer.verdict === 'derived',
    exitCode: answer.verdict === 'intact' ? 0 : answer.verdict === 'derived' ? EXIT_DERIVED : 1,
    clipId: answer.clip?.id ?? null,
    answer,
    lines: [answer.headline, `  file ${file}`, ...answer.checks.map((c) => `  [${mark(c.ok)}] ${c.what.padEnd(9)} ${c.text}`)],
  };
}
