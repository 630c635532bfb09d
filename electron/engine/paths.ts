// Where PackWitness keeps its data. The default is the folder Electron's app.getPath('userData')
// gives for productName "PackWitness", computed here without Electron so that the CLI, the HTTP
// door and the desktop app all open the same index and clips unless told otherwise.
import os from 'node:os';
import path from 'node:path';

export const PRODUCT_NAME = 'PackWitness';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.PACKWITNESS_DATA) return path.resolve(env.PACKWITNESS_DATA);
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), PRODUCT_NAME);
}

export interface DataLayout {
  dataDir: string;
  dbFile: string;
  clipsDir: string;
  /** Half-written recordings: chunks land here first, one file per recording. */
  partialDir: string;
  thumbsDir: string;
}

export function layout(dataDir: string, clipsDir?: string): DataLayout {
  const clips = path.resolve(clipsDir ?? path.join(dataDir, 'clips'));
  return {
    dataDir: path.resolve(dataDir),
    dbFile: path.join(path.resolve(dataDir), 'index.sqlite'),
    clipsDir: clips,
    partialDir: path.join(clips, '.recording'),
    thumbsDir: path.join(clips, '.thumbs'),
  };
}

/** Resolves a relative path under root and refuses anything that would land outside it. */
export function insideRoot(root: string, relative: string): string {
  const resolved = path.resolve(root, relative);
  const rel = path.relative(root, resolved);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`refusing a path outside ${root}: ${relative}`);
  }
  return resolved;
}
