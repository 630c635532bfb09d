// The station reads every finished clip back through ffmpeg's stdout (the frame counters). On a
// loaded machine ffmpeg's exit can come well after it closed its stdout; fluent-ffmpeg took the
// close of its output stream as the end and, 20 ms later, failed the job ("Output stream closed")
// and killed ffmpeg though every byte had come, so the clip's continuity entry was never written.
// A stand-in ffmpeg here writes its frames, closes stdout and exits a moment later.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grayStrip } from '../../electron/engine/ffmpeg.ts';
import { tmpDir } from '../helpers/tmp.ts';

let t: ReturnType<typeof tmpDir>;

beforeAll(() => {
  t = tmpDir('pw-ffpipe-');
  const fake = path.join(t.dir, 'ffmpeg');
  // fluent-ffmpeg asks the real ffmpeg which formats it has; the job itself writes 10 frames of a
  // 4×2 strip, closes stdout and exits 300 ms later with FAKE_EXIT's code.
  const real = process.env.PACKWITNESS_FFMPEG ?? (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  fs.writeFileSync(
    fake,
    `#!/bin/sh\ncase " $* " in *" -formats "*|*" -codecs "*|*" -encoders "*|*" -filters "*) exec '${real}' "$@";; esac\nhead -c 80 /dev/zero\nexec 1>&-\nsleep 0.3\nexit "\${FAKE_EXIT:-0}"\n`,
    { mode: 0o755 },
  );
  process.env.PACKWITNESS_FFMPEG = fake;
});

afterAll(() => {
  delete process.env.FAKE_EXIT;
  t?.cleanup();
});

describe('ffmpeg with its output piped', () => {
  it('an ffmpeg that exits a while after closing its stdout delivers every frame and succeeds', async () => {
    delete process.env.FAKE_EXIT;
    const frames: number[] = [];
    await grayStrip('/nonexistent/clip.mp4', 4, 0, 2, (strip) => frames.push(strip.length));
    expect(frames).toEqual(Array.from({ length: 10 }, () => 8));
  });

  it('its exit code still decides: one that fails after closing its stdout fails the job, with the code', async () => {
    process.env.FAKE_EXIT = '3';
    const frames: number[] = [];
    const err = await grayStrip('/nonexistent/clip.mp4', 4, 0, 2, (strip) => frames.push(strip.length)).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/reading frames of \/nonexistent\/clip\.mp4 failed: ffmpeg exited with code 3/);
  });
});
