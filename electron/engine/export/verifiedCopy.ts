// The "Original" export's copy, in two parts so that neither waits for the other:
// 1. the copy itself is the kernel's (fs.copyFile: a reflink where the filesystem has them, else
//    copy_file_range, as `cp`), so it runs at the disk's speed;
// 2. the check reads back what was written and compares its SHA-256 with the sealed one. It runs
//    beside the rest of the export (the evidence sheet is mostly an ffmpeg child on the other core)
//    and the export is finished only when it passes; on a mismatch the copy is removed and the export
//    fails. SHA-256 runs at ~1.4 GB/s here against ~2.4 GB/s for a copy in the page cache, so a copy
//    that hashed as it went was held to the hash's speed (`npm run bench`: 0.25–0.44 of cp).
// Reading the copy back checks what is in the file, not the bytes we meant to write.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { PwError } from '../../../shared/contract.ts';
import { ExportCancelled } from '../ffmpeg.ts';
import { sha256File } from '../hash.ts';

export interface OriginalCopy {
  bytes: number;
  /**
   * Settles once the copy has been read back: resolves with its SHA-256 (equal to the sealed one),
   * or rejects with a refusal after removing the copy. Already guarded against unhandled rejection,
   * so a caller that fails on something else first may drop it.
   */
  checked: Promise<string>;
}

/** Copies src to dest (which must not exist) and starts the check of the copy against expectedSha256. */
export async function copyOriginal(src: string, dest: string, expectedSha256: string, signal?: AbortSignal): Promise<OriginalCopy> {
  if (signal?.aborted) throw new ExportCancelled();
  // EXCL: never overwrite what is there. FICLONE: share the blocks where the filesystem can (btrfs,
  // XFS, APFS): the evidence is never written in place, so a shared block is as good as a copy.
  await fsp.copyFile(src, dest, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE);
  const bytes = (await fsp.stat(dest)).size;
  const checked = checkCopy(src, dest, expectedSha256, signal);
  checked.catch(() => undefined);
  return { bytes, checked };
}

async function checkCopy(src: string, dest: string, expectedSha256: string, signal?: AbortSignal): Promise<string> {
  let sha256: string;
  try {
    sha256 = await sha256File(dest, signal);
  } catch (err) {
    await fsp.rm(dest, { force: true });
    throw signal?.aborted ? new ExportCancelled() : err;
  }
  if (sha256 !== expectedSha256) {
    await fsp.rm(dest, { force: true });
    throw new PwError(
      'refused',
      `The clip ${src} does not match its sealed SHA-256 (it is ${sha256.slice(0, 16)}…, sealed ${expectedSha256.slice(0, 16)}…): it was altered on disk, so it is not exported as the original.`,
    );
  }
  return sha256;
}
