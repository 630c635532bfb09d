import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

// 1 MiB reads keep the per-chunk overhead small enough that Node's OpenSSL-backed SHA-256 runs
// close to `openssl dgst` speed, while memory stays constant whatever the file size.
const READ_SIZE = 1 << 20;

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: READ_SIZE })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
