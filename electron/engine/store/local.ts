// The clip store on the station's clips folder: a key is a path inside it. Keys are checked with
// insideRoot, so no key names a file outside the folder. Sidecars sit next to their clip under the
// names evidence/manifest.ts gives them; they are written atomically (temporary file, then rename).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { sidecarsOf, writeAtomically } from '../evidence/manifest.ts';
import { insideRoot } from '../paths.ts';
import type { ClipWriter, Scratch, SidecarKind, StationClipStore, StoredEntry, StoredStat } from './types.ts';
import { SIDECAR_KINDS } from './types.ts';

// Each chunk opens the file again and closes it: the store never holds the clips disk open between
// chunks, and a file that is gone (the folder moved away, the disk unplugged) fails the write
// instead of a new file starting somewhere else.
const APPEND_ONLY = fs.constants.O_WRONLY | fs.constants.O_APPEND;

const missing = (err: unknown): boolean => (err as NodeJS.ErrnoException).code === 'ENOENT';

export class LocalClipStore implements StationClipStore {
  readonly root: string;
  constructor(root: string) {
    this.root = root;
  }

  /** The file of a key: local only, for the tools that read files (ffmpeg, hashing). */
  localPath(key: string): string {
    return insideRoot(this.root, key);
  }

  async scratch(key: string): Promise<Scratch> {
    const file = `${this.localPath(key)}.part`;
    await this.dayFolder(file);
    return { file, discard: () => fsp.rm(file, { force: true }) };
  }

  // The day folder only: a clips folder that vanished (disk unplugged) is never recreated here.
  private async dayFolder(file: string): Promise<void> {
    await fsp.mkdir(path.dirname(file)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }

  private sidecarPath(key: string, kind: SidecarKind): string {
    return sidecarsOf(this.localPath(key))[kind];
  }

  async put(key: string, source: { file: string } | { bytes: Uint8Array }): Promise<void> {
    const target = this.localPath(key);
    await this.dayFolder(target);
    if ('file' in source) {
      await fsp.rename(source.file, target);
      return;
    }
    // Written beside it and renamed last: a file with the final name is always complete.
    await writeAtomically(target, Buffer.from(source.bytes));
  }

  async get(key: string): Promise<Buffer | null> {
    return fsp.readFile(this.localPath(key)).catch((err: unknown) => {
      if (missing(err)) return null;
      throw err;
    });
  }

  async stat(key: string): Promise<StoredStat | null> {
    try {
      const s = await fsp.stat(this.localPath(key));
      return s.isFile() ? { size: s.size, mtimeMs: s.mtimeMs } : null;
    } catch (err) {
      if (missing(err)) return null;
      throw err;
    }
  }

  async readRange(key: string, start: number, end: number): Promise<Buffer> {
    const handle = await fsp.open(this.localPath(key), 'r');
    try {
      const length = Math.max(0, end - start + 1);
      const buf = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buf, 0, length, start);
      return buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  stream(key: string, range?: { start: number; end: number }): Readable {
    return fs.createReadStream(this.localPath(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<{ existed: boolean }> {
    const file = this.localPath(key);
    let existed = true;
    try {
      await fsp.unlink(file);
    } catch (err) {
      if (!missing(err)) throw err; // the clip stays, with its sidecars
      existed = false;
    }
    const s = sidecarsOf(file);
    await Promise.all(SIDECAR_KINDS.map((k) => fsp.rm(s[k], { force: true })));
    return { existed };
  }

  async putSidecar(key: string, kind: SidecarKind, bytes: Uint8Array): Promise<void> {
    await writeAtomically(this.sidecarPath(key, kind), Buffer.from(bytes));
  }

  async getSidecar(key: string, kind: SidecarKind): Promise<Buffer | null> {
    return fsp.readFile(this.sidecarPath(key, kind)).catch((err: unknown) => {
      if (missing(err)) return null;
      throw err;
    });
  }

  async list(match?: (key: string) => boolean): Promise<StoredEntry[]> {
    const out: StoredEntry[] = [];
    const walk = async (rel: string, depth: number): Promise<void> => {
      if (depth > 4) return;
      const entries = await fsp.readdir(path.join(this.root, rel), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (e.name.startsWith('.')) continue; // .recording, .thumbs, the marker
        const key = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(key, depth + 1);
        else if (e.isFile() && (!match || match(key))) {
          // Stat only what the caller wants: a clips folder holds several sidecars per clip.
          const s = await this.stat(key).catch(() => null);
          if (s) out.push({ key, ...s });
        }
      }
    };
    await walk('', 0);
    return out;
  }

  async setSidecarsAside(key: string, suffix: string): Promise<string[]> {
    const kept: string[] = [];
    for (const f of Object.values(sidecarsOf(this.localPath(key)))) {
      if (!fs.existsSync(f)) continue;
      const to = `${f}${suffix}`;
      await fsp.rename(f, to);
      kept.push(path.basename(to));
    }
    return kept;
  }

  async writer(key: string): Promise<ClipWriter> {
    const file = this.localPath(key);
    // 'wx': never reuse or overwrite an existing file.
    await (await fsp.open(file, 'wx')).close();
    let bytes = 0;
    return {
      key,
      get bytes() {
        return bytes;
      },
      async append(chunk: Uint8Array): Promise<void> {
        const handle = await fsp.open(file, APPEND_ONLY);
        try {
          await handle.write(chunk);
          await handle.datasync();
        } finally {
          await handle.close().catch(() => {});
        }
        bytes += chunk.byteLength;
      },
    };
  }
}
