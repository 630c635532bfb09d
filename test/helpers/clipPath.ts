// Where the station's local clip store keeps a clip's MP4. No door sends a path (a clip is named by
// stationId + id), so tests that read, change or delete the file on disk find it here, the way the
// store lays it out: the clips folder, the local day folder of the clip's start, its file name.
import fs from 'node:fs';
import path from 'node:path';
import { dayFolder } from '../../electron/engine/clipNames.ts';

/** The clips folder itself, or an engine (its paths name the clips folder in use). */
export type ClipsFolder = string | { readonly paths: { readonly clipsDir: string } };

/** A clip from either door (or `packwitness clips --json`): its start and file name place it. */
export interface PlacedClip {
  readonly startedAt: string;
  readonly fileName: string;
}

/**
 * The absolute path of a clip's MP4 in the clips folder. A clip adopted from disk may sit outside
 * the day folder of its start: then the file of that name found in the folder is the one.
 */
export function clipPath(where: ClipsFolder, clip: PlacedClip): string {
  const root = typeof where === 'string' ? where : where.paths.clipsDir;
  if (!clip.fileName) throw new Error('the clip has no file yet (still recording?)');
  const expected = path.join(root, dayFolder(Date.parse(clip.startedAt)), clip.fileName);
  if (fs.existsSync(expected)) return expected;
  return findByName(root, clip.fileName, 3) ?? expected;
}

function findByName(dir: string, name: string, depth: number): string | null {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return null;
  }
  for (const e of entries) if (e.isFile() && e.name === name) return path.join(dir, e.name);
  if (depth === 0) return null;
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const found = findByName(path.join(dir, e.name), name, depth - 1);
    if (found) return found;
  }
  return null;
}
