// The clips folder chosen in Settings (Settings.clipsDir): checked when saved, used at the next
// start (Engine.open), never switched under a running station (a clip being written, the chain of
// custody and retention all hold the folder). The storage guard's rules (storage.ts) are applied
// ahead of time so that the restart does not refuse: an existing folder must be empty or carry the
// .packwitness-clips marker, and a folder this station used before must still carry it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PwError } from '../../shared/contract.ts';
import type { Db } from './db.ts';
import { SettingsStore } from './settingsStore.ts';
import { knownClipsFolder, MARKER_FILE, probeWritable } from './storage.ts';
import { errorMessage } from '../../shared/errorMessage.ts';

/** The program's own files (the repository in development, the app's resources when packaged). */
export function appRoots(): string[] {
  const roots = [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')];
  const res = (process as { resourcesPath?: string }).resourcesPath;
  if (res) roots.push(path.resolve(res));
  return roots;
}

const inside = (root: string, p: string): boolean => {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** The clips folder Settings asks for, or undefined for the default <data>/clips. */
export function configuredClipsDir(db: Db): string | undefined {
  return new SettingsStore(db).get().clipsDir ?? undefined;
}

/** Throws a bad-input PwError naming what is wrong; returns the folder normalised. */
export function checkClipsDirSetting(dir: string, db: Db, roots: string[] = appRoots()): string {
  const bad = (why: string): never => {
    throw new PwError('bad-input', `Clips folder ${dir}: ${why}`);
  };
  if (!path.isAbsolute(dir)) bad('must be an absolute path (like /mnt/clips or D:\\Clips).');
  const folder = path.resolve(dir);
  for (const r of roots) if (inside(r, folder)) bad('is inside the PackWitness program folder, which an update replaces; choose a folder on a data disk.');
  let stat: fs.Stats | null = null;
  try {
    stat = fs.statSync(folder);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file, which the "cannot be created" check below names.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') bad(`cannot be read (${errorMessage(err)}).`);
  }
  if (stat) {
    if (!stat.isDirectory()) bad('is a file, not a folder.');
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(folder);
    } catch (err) {
      bad(`cannot be read (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}).`);
    }
    const marked = entries.includes(MARKER_FILE);
    if (!marked && knownClipsFolder(db, folder)) {
      bad(`this station recorded into it before, but its ${MARKER_FILE} file is missing: is its disk unplugged or not mounted?`);
    }
    if (!marked && entries.length > 0) {
      bad(`already holds other files and is not a PackWitness clips folder (no ${MARKER_FILE} file); choose an empty folder or a new one.`);
    }
    try {
      probeWritable(folder);
    } catch (err) {
      bad(`cannot be written (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}).`);
    }
    return folder;
  }
  // Not there yet: it is created at the next start, so its nearest existing parent must take it.
  let parent = path.dirname(folder);
  while (!fs.existsSync(parent) && path.dirname(parent) !== parent) parent = path.dirname(parent);
  try {
    if (!fs.statSync(parent).isDirectory()) bad(`cannot be created: ${parent} is a file.`);
    probeWritable(parent);
  } catch (err) {
    if (err instanceof PwError) throw err;
    bad(`does not exist and cannot be created in ${parent} (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}).`);
  }
  return folder;
}
