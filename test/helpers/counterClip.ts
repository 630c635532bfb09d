// A clip carrying the station's burned-in frame counter, made without a browser: grey frames with
// the counter blocks drawn where the overlay worker draws them (shared/overlayGeometry.ts), encoded
// to H.264 in Matroska like Chromium's MediaRecorder. Frames can be left out (a gap) and the
// picture held still after a frame (a stalled camera), to test what the station reads back.
import { execFileSync } from 'node:child_process';
import { COUNTER_BITS, SYNC_BITS, overlayGeometry } from '../../shared/overlayGeometry.ts';
import { ffmpegBin } from './video.ts';

export interface CounterClipSpec {
  frames: number; // counters 0 .. frames-1 are stamped
  skip?: number[]; // stamped counters that never reach the file
  /** After this many written frames, the next frame comes pauseMs later. */
  pause?: { afterWritten: number; ms: number };
  width?: number;
  height?: number;
  fps?: number;
}

export function makeCounterWebm(file: string, spec: CounterClipSpec): void {
  const w = spec.width ?? 640;
  const h = spec.height ?? 360;
  const fps = spec.fps ?? 30;
  const g = overlayGeometry(w, h);
  const skip = new Set(spec.skip ?? []);
  const frameBytes = (w * h * 3) / 2;
  const written: Buffer[] = [];
  for (let n = 0; n < spec.frames; n++) {
    if (skip.has(n)) continue;
    const f = Buffer.alloc(frameBytes, 128);
    f.fill(90 + (n % 60), 0, w * g.bandTop); // a picture that changes a little
    f.fill(16, w * g.bandTop, w * h); // the black band
    const bits = [...SYNC_BITS, ...Array.from({ length: COUNTER_BITS }, (_, i) => (n >>> (COUNTER_BITS - 1 - i)) & 1)];
    bits.forEach((b, i) => {
      for (let y = g.bitTop; y < g.bitTop + g.bitHeight; y++)
        f.fill(b ? 235 : 16, y * w + g.bitsLeft + i * g.bitWidth, y * w + g.bitsLeft + (i + 1) * g.bitWidth);
    });
    written.push(f);
  }
  // Each written frame's time in 1/fps units: a pause shifts every later frame.
  const shift = spec.pause ? Math.round((spec.pause.ms / 1000) * fps) : 0;
  const setpts = spec.pause ? `setpts='(N+if(gte(N,${spec.pause.afterWritten}),${shift},0))/(${fps}*TB)'` : 'null';
  execFileSync(
    ffmpegBin(),
    [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      '-s',
      `${w}x${h}`,
      '-r',
      String(fps),
      '-i',
      'pipe:0',
      '-vf',
      setpts,
      '-fps_mode',
      'passthrough', // keep the pause: no duplicated frames filling it
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-qp',
      '10',
      '-g',
      String(fps),
      '-bf',
      '0',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'matroska',
      file,
    ],
    { input: Buffer.concat(written), maxBuffer: 1 << 20 },
  );
}
