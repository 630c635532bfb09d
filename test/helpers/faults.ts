// Helpers of the fault-injection tests: the station's HTTP door driven like a page does, and real
// mounts (tmpfs) for full and read-only disks. Tests run as root in CI; where mounting is not
// allowed, mountTmpfs says why and the test skips with that reason printed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export interface CallReply<T = unknown> {
  status: number;
  ok: boolean;
  result: T;
  error?: { code: string; message: string };
}

export async function call<T = any>(base: string, name: string, input: unknown = {}): Promise<CallReply<T>> {
  const res = await fetch(new URL(`/api/call/${name}`, base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await res.json()) as { ok: boolean; result: T; error?: { code: string; message: string } };
  return { status: res.status, ...body };
}

export async function putChunk(base: string, id: string, seq: number, data: Uint8Array): Promise<CallReply<{ bytes: number }>> {
  const res = await fetch(new URL(`/api/recordings/${id}/chunks/${seq}`, base), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: data as Uint8Array<ArrayBuffer>,
  });
  const body = (await res.json()) as { ok: boolean; result: { bytes: number }; error?: { code: string; message: string } };
  return { status: res.status, ...body };
}

/** Starts a recording and uploads `data` in chunks; stops at the first refused chunk. */
export async function recordOverHttp(base: string, order: string, data: Uint8Array, chunkSize = 64 * 1024) {
  const start = await call<{ recordingId: string }>(base, 'recording.start', { order, mimeType: 'video/webm;codecs=avc1' });
  if (!start.ok) throw new Error(`recording.start refused: ${start.error?.message}`);
  const id = start.result.recordingId;
  let seq = 0;
  let refused: CallReply | null = null;
  for (let off = 0; off < data.length; off += chunkSize) {
    const r = await putChunk(base, id, seq, data.subarray(off, off + chunkSize));
    if (!r.ok) {
      refused = r;
      break;
    }
    seq++;
  }
  return { id, chunkCount: seq, refused };
}

export function mountTmpfs(dir: string, options: string): string | null {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `mounting a tmpfs is not permitted here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
}

export function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });
}

export function umount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // busy (a process still holds a file): detach it so the test leaves nothing mounted
    try {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
  }
}

export function isMounted(dir: string): boolean {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === dir);
}

export function freeBytes(dir: string): number {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
}

/** Grows or shrinks a filler file until the volume has about `free` bytes free. */
export function fillTo(dir: string, filler: string, free: number): void {
  const now = freeBytes(dir);
  const size = fs.existsSync(filler) ? fs.statSync(filler).size : 0;
  const target = Math.max(0, size + (now - free));
  if (target < size) {
    fs.truncateSync(filler, target);
  } else {
    const fd = fs.openSync(filler, 'a');
    const block = Buffer.alloc(1 << 20, 0xaa); // real bytes: tmpfs has no holes to cheat with
    let left = target - size;
    while (left > 0) left -= fs.writeSync(fd, block, 0, Math.min(block.length, left));
    fs.closeSync(fd);
  }
}
