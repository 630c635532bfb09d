// The "Original" export's copy and its check in one call, for tests and the bench, which have
// nothing to do in between (the engine runs the check beside the rest of the export).
import { copyOriginal } from '../../electron/engine/export/verifiedCopy.ts';

export async function copyVerified(src: string, dest: string, expectedSha256: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const { bytes, checked } = await copyOriginal(src, dest, expectedSha256, signal);
  return { sha256: await checked, bytes };
}
