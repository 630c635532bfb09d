// Which export file a download URL may name: only a plain file name directly inside one job's
// folder under <dataDir>/exports/. Anything else (.., slashes, hidden work files) is refused.
import fs from 'node:fs';
import path from 'node:path';
import type { EngineServices } from '../services.ts';
import { insideRoot } from '../paths.ts';
import { exportsRoot } from './jobs.ts';

export function exportFile(engine: Pick<EngineServices, 'paths'>, jobId: string, rawName: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(jobId)) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    return undefined;
  }
  if (!name || name.startsWith('.') || /[/\\\u0000-\u001f]/.test(name) || name.length > 255) return undefined;
  try {
    const dir = insideRoot(exportsRoot(engine), jobId);
    const file = insideRoot(dir, name);
    return path.dirname(file) === dir && fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
