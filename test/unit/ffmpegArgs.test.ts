// The argument lists PackWitness hands to ffmpeg and ffprobe, as tables: each row is a flag a
// caller relies on and what it protects. Pure functions, no process started; the runs themselves
// are covered by the media tests (export.media, continuity, engine.recording).
import { describe, expect, it } from 'vitest';
import {
  encodeJob,
  filterValue,
  framesJob,
  grayStripJob,
  imageToJpegJob,
  packetArgs,
  parsePackets,
  parseProbe,
  probeArgs,
  remuxJob,
  reservedMoovBytes,
  sheetImageJob,
  stillJob,
  thumbnailJob,
  type EncodeSpec,
  type FfmpegJob,
} from '../../electron/engine/ffmpegArgs.ts';

/** The value after a flag in an option list, or undefined when the flag is absent. */
function flag(options: string[], name: string): string | undefined {
  const i = options.indexOf(name);
  return i < 0 ? undefined : options[i + 1];
}

const out0 = (job: FfmpegJob): string[] => job.outputs[0]!.options;

const spec: EncodeSpec = {
  input: 'in.mp4',
  firstFrame: 0,
  endFrame: 300,
  startMs: 0,
  endMs: 10_000,
  splitAt: [],
  output: 'out.mp4',
  speed: 1,
  videoBps: 1_000_000,
  maxrateBps: 1_500_000,
  bufsizeBits: 2_000_000,
  audioBps: 64_000,
  width: 1280,
  height: 720,
  sourceWidth: 1280,
  sourceHeight: 720,
  fps: 30,
  threads: 1,
};

describe('ffmpeg argument lists', () => {
  const remuxReserved = remuxJob('a.webm', 'a.mp4', { reserveBytes: reservedMoovBytes(60_000) });
  const remuxFaststart = remuxJob('a.webm', 'a.mp4', 'faststart');
  it.each([
    ['the camera picture is always mapped', '-map', '0:v:0'],
    ['the picture is copied, never re-encoded', '-c:v', 'copy'],
    ['Opus becomes AAC, which plays everywhere', '-c:a', 'aac'],
    ['the first frame is at 0 s', '-avoid_negative_ts', 'make_zero'],
    ['the output is MP4', '-f', 'mp4'],
  ])('remux: %s (%s %s)', (_why, name, value) => {
    expect(flag(out0(remuxReserved), name)).toBe(value);
    expect(flag(out0(remuxFaststart), name)).toBe(value);
  });

  it('remux: the index goes into reserved room in one pass, or by +faststart; a too small room fails the run', () => {
    expect(flag(out0(remuxReserved), '-moov_size')).toBe(String(reservedMoovBytes(60_000)));
    expect(out0(remuxReserved)).toContain('-xerror');
    expect(flag(out0(remuxReserved), '-movflags')).toBeUndefined();
    expect(flag(out0(remuxFaststart), '-movflags')).toBe('+faststart');
    expect(flag(remuxFaststart.inputs[0]!.options, '-fflags')).toBe('+genpts');
    expect(remuxReserved.background).toBe(false); // sealing a clip is on the packer's path: no niceness
  });

  it.each([
    [1_000, 16_384 + 6 * 110 * 24],
    [300_000, 16_384 + 305 * 110 * 24],
  ])('remux: %i ms of recording reserves %i bytes for the index', (ms, bytes) => {
    expect(reservedMoovBytes(ms)).toBe(bytes);
  });

  it('thumbnail: one frame, seeked before decoding, list size', () => {
    const job = thumbnailJob('c.mp4', 't.jpg', 1000);
    expect(job.inputs[0]).toEqual({ file: 'c.mp4', options: ['-ss', '1.000'] });
    expect(flag(out0(job), '-frames:v')).toBe('1');
    expect(flag(out0(job), '-vf')).toBe('scale=320:-2');
  });

  it.each([
    [true, ['-threads', '1']],
    [false, []],
  ])('frame-counter strip: background %s yields the CPU and decodes with input options %j', (background, inputOptions) => {
    const job = grayStripJob('c.mp4', 640, 700, 20, background);
    expect(job.background).toBe(background);
    expect(job.inputs[0]!.options).toEqual(inputOptions);
    expect(job.outputs[0]!.file).toBeNull(); // streamed to stdout
    expect(flag(out0(job), '-vf')).toBe('crop=640:20:0:700');
    expect(flag(out0(job), '-vsync')).toBe('passthrough');
    expect(flag(out0(job), '-pix_fmt')).toBe('gray');
  });

  it.each<[string, Partial<EncodeSpec>, Record<string, string | undefined>]>([
    [
      'full clip, own size: every frame once, no scaling',
      {},
      { '-vf': 'trim=start_frame=0:end_frame=300,setpts=PTS-STARTPTS,format=yuv420p', '-vsync': 'passthrough', '-r': undefined, '-f': 'mp4' },
    ],
    ['smaller: scaled', { width: 640, height: 360 }, { '-vf': 'trim=start_frame=0:end_frame=300,setpts=PTS-STARTPTS,scale=640:360,format=yuv420p' }],
    [
      'sped up: marked by setpts, normal frame rate kept',
      { speed: 2 },
      { '-vf': 'trim=start_frame=0:end_frame=300,setpts=PTS-STARTPTS,setpts=PTS/2,format=yuv420p', '-r': '30', '-vsync': 'cfr' },
    ],
    ['no audio bitrate: no audio at all', { audioBps: 0 }, { '-c:a': undefined, '-b:a': undefined }],
    [
      'with audio: AAC at the channel bitrate, trimmed with the picture',
      { firstFrame: 30, startMs: 1000 },
      { '-c:a': 'aac', '-b:a': '64000', '-af': 'atrim=start=1.000000:end=10.000000,asetpts=PTS-STARTPTS' },
    ],
    [
      'size-fitted: bitrate, VBV cap and buffer',
      {},
      { '-b:v': '1000000', '-maxrate': '1500000', '-bufsize': '2000000', '-threads': '1', '-preset': 'superfast' },
    ],
    [
      'parts: cut at exact frames, each starting with an IDR frame',
      { splitAt: [100, 200] },
      { '-f': 'segment', '-segment_frames': '100,200', '-force_key_frames': 'expr:eq(n,100)+eq(n,200)', '-forced-idr': '1', '-segment_start_number': '1' },
    ],
  ])('export encode: %s', (_why, change, expected) => {
    const options = out0(encodeJob({ ...spec, ...change }));
    for (const [name, value] of Object.entries(expected)) expect([name, flag(options, name)]).toEqual([name, value]);
    expect(flag(options, '-progress')).toBe('pipe:2'); // the progress bar
  });

  it('export encode: without audio the list says -an and maps no microphone', () => {
    const options = out0(encodeJob({ ...spec, audioBps: 0 }));
    expect(options).toContain('-an');
    expect(options.filter((o) => o === '-map')).toHaveLength(1);
  });

  it('export split by copy: the signed packets cut at keyframes, nothing re-encoded, at niceness', () => {
    const job = encodeJob({ ...spec, streamCopy: true, splitAt: [90], output: 'p%d.mp4' });
    expect(job.background).toBe(true);
    expect(flag(out0(job), '-c')).toBe('copy');
    expect(flag(out0(job), '-segment_frames')).toBe('90');
    expect(flag(out0(job), '-reset_timestamps')).toBe('1');
    expect(out0(job)).not.toContain('libx264');
  });

  it.each([
    ['C:\\fonts\\a.ttf', 'C\\:/fonts/a.ttf'],
    ["it's", "it\\'s"],
    ['a,b;c[d]', 'a\\,b\\;c\\[d\\]'],
  ])('filter value %j is escaped as %j', (raw, escaped) => {
    expect(filterValue(raw)).toBe(escaped);
  });

  it.each<[string, Parameters<typeof stillJob>[0]['height'], string | null, string | undefined]>([
    ['own size, no caption: no filter', null, null, undefined],
    ['scaled', 480, null, 'scale=-2:480'],
    [
      'captioned: a white band under the picture, text from its file',
      null,
      '/tmp/cap.txt',
      'pad=iw:ih+80:0:0:color=white,drawtext=textfile=/tmp/cap.txt:expansion=none:fontcolor=black:fontsize=40:x=10:y=h-80+20',
    ],
  ])('still: %s', (_why, height, captionFile, vf) => {
    const job = stillJob({ input: 'c.mp4', atMs: 2500, output: 's.jpg', captionFile, fontFile: null, quality: 4, height, sourceHeight: 720 });
    expect(job.inputs[0]!.options).toEqual(['-ss', '2.500']);
    expect(flag(out0(job), '-vf')).toBe(vf);
    expect(flag(out0(job), '-q:v')).toBe('4');
    expect(flag(out0(job), '-pix_fmt')).toBe('yuvj420p');
  });

  it('evidence sheet: blank page, sharp QR, frames fitted into their cells, texts, and the JPEG from the same render', () => {
    const job = sheetImageJob({
      width: 1000,
      height: 1400,
      qr: { file: 'qr.png', x: 10, y: 10, size: 200 },
      frames: [{ file: 'f0.jpg', x: 0, y: 300, w: 320, h: 180 }],
      texts: [{ file: 't0.txt', x: 240, y: 20, size: 30, bold: true }],
      fontFile: null,
      output: 'sheet.png',
      jpeg: { output: 'sheet.jpg', quality: 3 },
    });
    expect(job.inputs.map((i) => i.file)).toEqual(['color=c=white:s=1000x1400:d=1', 'qr.png', 'f0.jpg']);
    expect(job.inputs[0]!.options).toEqual(['-f', 'lavfi']);
    expect(job.complexFilter).toContain('[1:v]scale=200:200:flags=neighbor[qr]');
    expect(job.complexFilter).toContain('[2:v]scale=320:180:force_original_aspect_ratio=decrease[f0]');
    expect(job.complexFilter).toContain(':borderw=1:bordercolor=black,split=2[out][outj]');
    expect(job.outputs.map((o) => [o.file, flag(o.options, '-map')])).toEqual([
      ['sheet.png', '[out]'],
      ['sheet.jpg', '[outj]'],
    ]);
  });

  it('sheet JPEG and key frames: one frame each, quality as asked, one seek per frame', () => {
    expect(flag(out0(imageToJpegJob('a.png', 'a.jpg', 7)), '-q:v')).toBe('7');
    const job = framesJob('c.mp4', [0, 1500], ['k0.jpg', 'k1.jpg'], 240);
    expect(job.inputs.map((i) => i.options)).toEqual([
      ['-ss', '0.000', '-threads', '1'],
      ['-ss', '1.500', '-threads', '1'],
    ]);
    expect(job.outputs.map((o) => [o.file, flag(o.options, '-map'), flag(o.options, '-vf')])).toEqual([
      ['k0.jpg', '0:v:0', 'scale=-2:240'],
      ['k1.jpg', '1:v:0', 'scale=-2:240'],
    ]);
  });
});

describe('ffprobe', () => {
  it('asks once for everything any caller reads, and lists packets without decoding', () => {
    expect(probeArgs('c.mp4')).toEqual(expect.arrayContaining(['-of', 'json', 'c.mp4']));
    expect(flag(probeArgs('c.mp4'), '-show_entries')).toContain('codec_name');
    expect(flag(packetArgs('c.mp4'), '-show_entries')).toBe('packet=pts_time,size,flags');
    expect(flag(packetArgs('c.mp4'), '-select_streams')).toBe('v:0');
  });

  it.each([
    [
      'an MP4 with audio',
      {
        streams: [
          { codec_type: 'video', codec_name: 'h264', width: 1280, height: 720, avg_frame_rate: '30000/1001', has_b_frames: 0 },
          { codec_type: 'audio' },
        ],
        format: { duration: '12.345', format_name: 'mov,mp4' },
      },
      { durationMs: 12_345, videoCodec: 'h264', width: 1280, height: 720, hasAudio: true, hasVideo: true, bFrames: false, formatName: 'mov,mp4' },
    ],
    [
      'a WebM without duration in its header: the stream says it',
      { streams: [{ codec_type: 'video', codec_name: 'h264', avg_frame_rate: '0/0', duration: '2.5' }], format: { format_name: 'matroska,webm' } },
      { durationMs: 2500, fps: 30, hasAudio: false, width: null },
    ],
    ['not a video at all', { streams: [{ codec_type: 'audio' }], format: {} }, { hasVideo: false, videoCodec: null, durationMs: 0 }],
  ])('reads %s', (_what, json, expected) => {
    expect(parseProbe(JSON.stringify(json))).toMatchObject(expected);
  });

  it('reads packets in presentation order, keyframes by their K flag, and skips empty lines', () => {
    expect(parsePackets('0.066,900,__\n0.000,5000,K_\n\n0.033,800,__\n')).toEqual([
      { t: 0, size: 5000, key: true },
      { t: 0.033, size: 800, key: false },
      { t: 0.066, size: 900, key: false },
    ]);
  });
});
