// Exports end to end with real ffmpeg/ffprobe, zbarimg and tesseract, on clips recorded through
// the engine (order code and running time burned into the picture, like the station's overlay).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clip } from '../../shared/contract.ts';
import { Engine } from '../../electron/engine/engine.ts';
import { sha256File } from '../../electron/engine/hash.ts';
import { runExport } from '../../electron/engine/export/run.ts';
import { startServer, type RunningServer } from '../../electron/server/http.ts';
import { makeOrderWebm, recordClip } from '../helpers/orderClip.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { ffprobeBin, ffprobeJson } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const MB = 1024 * 1024;
const ctx = { door: 'http' as const };
const hasZbar = fs.existsSync('/usr/bin/zbarimg');
const hasTesseract = fs.existsSync('/usr/bin/tesseract');
const hasPdftotext = fs.existsSync('/usr/bin/pdftotext');

/** Presentation times (ms) of every video frame, ascending, from the container's packets. */
function framePts(file: string): number[] {
  const out = execFileSync(ffprobeBin(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]).toString();
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => Number.parseFloat(l) * 1000)
    .sort((a, b) => a - b);
}

function moovBeforeMdat(file: string): boolean {
  const head = fs
    .readFileSync(file)
    .subarray(0, 256 * 1024)
    .toString('latin1');
  const moov = head.indexOf('moov');
  const mdat = head.indexOf('mdat');
  return moov > -1 && (mdat === -1 || moov < mdat);
}

describe('exports for platform appeals', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let long: Clip; // 150 s, 320x180
  let stills: Clip; // 12 s, 640x360
  const ORDER = 'SPX4471829305';
  const STILL_ORDER = 'EBAY7788123';

  beforeAll(async () => {
    t = tmpDir('pw-export-');
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data'), timestampWorker: false });
    const a = path.join(t.dir, 'long.webm');
    makeOrderWebm(a, ORDER, 150, '320x180', 30);
    long = await recordClip(engine, ORDER, a);
    const b = path.join(t.dir, 'stills.webm');
    makeOrderWebm(b, STILL_ORDER, 12, '640x360', 30);
    stills = await recordClip(engine, STILL_ORDER, b);
  });
  afterAll(async () => {
    await engine?.close().catch(() => {});
    t?.cleanup();
  });

  it.each([
    ['Shopee (cut at keyframes, no re-encode)', 'shopee', null, 30],
    ['a 3 MB / 60 s channel (re-encoded)', 'custom', { maxMB: 3, maxSeconds: 60 }, 3],
  ] as const)(
    "a 150 s clip for %s becomes three faststart H.264 parts of at most 60 s and the size limit whose frames, end to end, are the original's",
    async (_label, preset, custom, maxMB) => {
      const plan = await engine.call('export.plan', { order: ORDER, preset, custom }, ctx);
      expect(plan.clips[0]!.parts).toHaveLength(3);
      const out = path.join(t.dir, preset);
      const result = await runExport(engine, { order: ORDER, preset, custom: custom ?? undefined }, out);
      const videos = result.files.filter((f) => f.kind === 'video').map((f) => f.path);
      expect(videos.map((v) => path.basename(v))).toEqual(
        [1, 2, 3].map((n) => expect.stringMatching(new RegExp(`^${ORDER}_shipping_\\d{4}-\\d\\d-\\d\\d_\\d{6}_part${n}of3\\.mp4$`))),
      );

      const original = framePts(clipPath(engine, long));
      let next = 0;
      for (const v of videos) {
        const probe = ffprobeJson(v);
        expect(probe.streams[0]!.codec_name).toBe('h264');
        expect(moovBeforeMdat(v)).toBe(true);
        expect(Number(probe.format.duration)).toBeLessThanOrEqual(60);
        expect(fs.statSync(v).size).toBeLessThanOrEqual(maxMB * MB);
        const pts = framePts(v);
        // Same spacing as the original's frames from where the previous part ended: none lost or doubled.
        for (let j = 0; j < pts.length; j++) {
          expect(Math.abs(pts[j]! - pts[0]! - (original[next + j]! - original[next]!))).toBeLessThanOrEqual(2);
        }
        next += pts.length;
      }
      expect(next).toBe(original.length);
      expect(result.edits).toEqual([]);
      // Each part has its own sheet saying Part N of M; the whole package is zipped.
      expect(result.files.filter((f) => f.kind === 'sheet-pdf')).toHaveLength(3);
      expect(result.zip && fs.statSync(result.zip).size).toBeGreaterThan(0);
      const manifest = JSON.parse(fs.readFileSync(path.join(out, 'export-manifest.json'), 'utf8'));
      expect(manifest.clips[0].exports.map((x: { part: number; parts: number }) => `${x.part}/${x.parts}`)).toEqual(['1/3', '2/3', '3/3']);
      expect(manifest.clips[0].originalSha256).toBe(long.sha256);
      expect(manifest.clips[0].exports.every((x: { reencoded: boolean }) => x.reencoded === (preset === 'custom'))).toBe(true);
    },
  );

  it('the QR code of the evidence sheet decodes to the clip hash, sequence number and station key fingerprint', async () => {
    if (!hasZbar) return;
    const out = path.join(t.dir, 'generic');
    const result = await runExport(engine, { order: STILL_ORDER, preset: 'generic-100', zip: false }, out);
    const png = result.files.find((f) => f.kind === 'sheet-png')!.path;
    const decoded = execFileSync('zbarimg', ['--raw', '-q', png]).toString().trim();
    const key = fs.readFileSync(path.join(engine.paths.dataDir, 'keys', 'station.pem'));
    const { createHash, createPublicKey } = await import('node:crypto');
    const fp = createHash('sha256')
      .update(createPublicKey(key).export({ type: 'spki', format: 'der' }))
      .digest('hex');
    const seq = JSON.parse(fs.readFileSync(clipPath(engine, long).replace(/\.mp4$/, '.manifest.json'), 'utf8').toString()).seq as number;
    expect(decoded).toMatch(new RegExp(`^PACKWITNESS1;clip=${stills.sha256};seq=\\d+;key=${fp}(;export=[0-9a-f]{64})?$`));
    expect(Number(/seq=(\d+)/.exec(decoded)![1])).toBeGreaterThan(seq); // recorded after the long clip
    expect(
      fs
        .readFileSync(result.files.find((f) => f.kind === 'sheet-pdf')!.path)
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it.runIf(hasPdftotext)('the evidence sheet PDF holds its lines as text: a reviewer can search it and copy the hashes out', async () => {
    const result = await runExport(engine, { order: STILL_ORDER, preset: 'generic-100', zip: false }, path.join(t.dir, 'pdftext'));
    const text = execFileSync('pdftotext', ['-layout', result.files.find((f) => f.kind === 'sheet-pdf')!.path, '-']).toString();
    const video = result.files.find((f) => f.kind === 'video')!;
    expect(text).toContain(`Order: ${STILL_ORDER}`);
    expect(text).toContain('SHA-256 of the original clip:');
    expect(text).toContain(stills.sha256);
    expect(text).toContain(await sha256File(video.path));
    expect(text).toMatch(/#1\s+00:00/);
  });

  it('a speed change is marked as an edit in the file name, the package and the chain of custody', async () => {
    const out = path.join(t.dir, 'speed');
    const result = await runExport(engine, { order: ORDER, preset: 'shopee', fit: 'speed' }, out);
    const video = result.files.find((f) => f.kind === 'video')!;
    expect(video.name).toMatch(/_EDITED-speed2\.5\dx\.mp4$/);
    expect(Number(ffprobeJson(video.path).format.duration)).toBeLessThanOrEqual(60);
    expect(result.edits[0]).toMatch(/^speed 2\.5\dx$/);
    const entry = engine.db.prepare(`SELECT body FROM chain WHERE kind='export' ORDER BY seq DESC LIMIT 1`).get() as { body: string };
    const body = JSON.parse(entry.body);
    expect(body.details.edits).toEqual(result.edits);
    expect(body.clips[0].sha256).toBe(long.sha256);
  });

  it('eBay gets labelled JPEG stills of at most 1.5 MB that show the order code, and a PDF of at most 5 MB', async () => {
    const out = path.join(t.dir, 'ebay');
    const result = await runExport(engine, { order: STILL_ORDER, preset: 'ebay', stillsAtMs: [1500, 6000, 11_000] }, out);
    const jpgs = result.files.filter((f) => f.kind === 'still');
    expect(jpgs).toHaveLength(3);
    expect(result.files.some((f) => f.kind === 'video')).toBe(false);
    for (const j of jpgs) {
      expect(j.bytes).toBeLessThanOrEqual(1.5 * MB);
      expect(fs.readFileSync(j.path).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      if (hasTesseract) {
        const text = execFileSync('tesseract', [j.path, 'stdout'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
        expect(text.replace(/\s/g, '')).toContain(STILL_ORDER);
      }
    }
    const pdf = result.files.find((f) => f.kind === 'sheet-pdf')!;
    expect(pdf.bytes).toBeLessThanOrEqual(5 * MB);
  });

  it('"Original" is the signed recording byte for byte, with its sidecars and the station key', async () => {
    const out = path.join(t.dir, 'original');
    const result = await runExport(engine, { order: ORDER, preset: 'original' }, out);
    const video = result.files.find((f) => f.kind === 'video')!;
    expect(await sha256File(video.path)).toBe(long.sha256);
    const names = result.files.map((f) => f.name);
    expect(names).toContain('station.pem');
    expect(names).toContain(path.basename(clipPath(engine, long)).replace(/\.mp4$/, '.manifest.json'));
    expect(names).toContain(path.basename(clipPath(engine, long)).replace(/\.mp4$/, '.manifest.json.sig'));
    expect(names).toContain('verify.html');
    await expect(runExport(engine, { order: ORDER, preset: 'original', range: { startMs: 0, endMs: 5000 } }, path.join(t.dir, 'x'))).rejects.toThrow(
      /cannot be trimmed/,
    );
  });

  it('"Original" of a clip altered on disk is refused, and nothing of it is packaged', async () => {
    const order = 'ALTERED42';
    const webm = path.join(t.dir, 'altered.webm');
    makeOrderWebm(webm, order, 3, '320x180', 15);
    const clip = await recordClip(engine, order, webm);
    const bytes = fs.readFileSync(clipPath(engine, clip));
    const at = bytes.length - 100;
    fs.writeFileSync(clipPath(engine, clip), Buffer.concat([bytes.subarray(0, at), Buffer.from([bytes[at]! ^ 1]), bytes.subarray(at + 1)]));
    const out = path.join(t.dir, 'altered');
    await expect(runExport(engine, { order, preset: 'original' }, out)).rejects.toThrow(/does not match its sealed SHA-256/);
    expect(fs.readdirSync(out).filter((n) => n.endsWith('.mp4') || n === 'verify.html')).toEqual([]);
  });

  it('a CJK order code exports with a legible sheet instead of crashing', async () => {
    const order = '顺丰SF1234';
    const webm = path.join(t.dir, 'cjk.webm');
    makeOrderWebm(webm, 'SF1234', 4, '320x180', 15);
    await recordClip(engine, order, webm);
    const result = await runExport(engine, { order, preset: 'generic-100', zip: false }, path.join(t.dir, 'cjk'));
    expect(result.files.find((f) => f.kind === 'video')!.name.startsWith('顺丰SF1234_')).toBe(true);
    expect(result.files.find((f) => f.kind === 'sheet-png')!.bytes).toBeGreaterThan(50_000);
    // The PDF's text layer carries the CJK code as it is (pdfTextLayer.ts): a reviewer searches for it.
    if (hasPdftotext)
      expect(execFileSync('pdftotext', [result.files.find((f) => f.kind === 'sheet-pdf')!.path, '-']).toString()).toContain('Order: 顺丰SF1234');
  });

  it('the CLI prints what it wrote, and an unknown order exits non-zero with a clear message', () => {
    const bin = path.join(process.cwd(), 'bin', 'packwitness.mjs');
    const data = engine.paths.dataDir;
    const bad = spawnSync(process.execPath, [bin, 'export', '--order', 'NO-SUCH-ORDER', '--data', data], { encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('No clip of order NO-SUCH-ORDER');
    const out = path.join(t.dir, 'cli');
    const ok = spawnSync(process.execPath, [bin, 'export', '--order', STILL_ORDER, '--preset', 'original', '--out', out, '--data', data, '--no-zip'], {
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const wrote = ok.stdout
      .split('\n')
      .filter((l) => l.includes('wrote '))
      .map((l) => /wrote (.+?)\s+\(/.exec(l)![1]!);
    expect(wrote.length).toBeGreaterThanOrEqual(6);
    for (const f of wrote) expect(fs.existsSync(f)).toBe(true);
    const batch = path.join(t.dir, 'orders.txt');
    fs.writeFileSync(batch, `${STILL_ORDER}\nNOPE-1\n`);
    const b = spawnSync(process.execPath, [bin, 'export', '--orders-file', batch, '--preset', 'original', '--out', out, '--data', data, '--no-zip'], {
      encoding: 'utf8',
    });
    expect(b.status).toBe(1);
    expect(b.stdout).toContain('1 of 2 order(s) exported, 1 failed.');
    expect(b.stdout).toContain('NOPE-1: No clip of order NOPE-1');
  });

  describe('jobs over the HTTP door', () => {
    let server: RunningServer;
    beforeAll(async () => {
      fs.mkdirSync(path.join(t.dir, 'static'), { recursive: true });
      server = await startServer({ engine, staticDir: path.join(t.dir, 'static') });
    });
    afterAll(async () => server?.close());

    const call = async (name: string, input: unknown) => {
      const r = await fetch(new URL(`/api/call/${name}`, server.url), {
        method: 'POST',
        body: JSON.stringify(input),
        headers: { 'content-type': 'application/json' },
      });
      const body = (await r.json()) as { ok: boolean; result: any; error?: { message: string } };
      if (!body.ok) throw new Error(body.error!.message);
      return body.result;
    };
    const waitDone = async (jobId: string) => {
      for (;;) {
        const { jobs } = await call('export.jobs', {});
        const job = jobs.find((j: { jobId: string }) => j.jobId === jobId);
        if (!['queued', 'running'].includes(job.status)) return job;
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    it('runs a batch with progress events, reports refused codes, and serves the files for download', async () => {
      const events: string[] = [];
      const off = engine.on((e) => {
        if (e.event === 'export.progress' || e.event === 'export.done') events.push(`${e.event}:${e.payload.jobId}`);
      });
      const started = await call('export.start', { orders: [STILL_ORDER, 'bad/code', 'UNKNOWN-9'], preset: 'generic-100' });
      expect(started.jobs).toHaveLength(1);
      expect(started.refused.map((r: { order: string }) => r.order)).toEqual(['bad/code', 'UNKNOWN-9']);
      const job = await waitDone(started.jobs[0].jobId);
      off();
      expect(job.status).toBe('done');
      expect(events).toContain(`export.done:${job.jobId}`);
      const zip = job.files.find((f: { name: string }) => f.name.endsWith('_evidence.zip'));
      const res = await fetch(new URL(zip.url, server.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toContain('attachment');
      expect(Buffer.from(await res.arrayBuffer()).length).toBe(zip.bytes);
      for (const evil of ['..%2F..%2Findex.sqlite', '.work', '%2e%2e', 'verify.html%00']) {
        expect((await fetch(new URL(`/media/exports/${job.jobId}/${evil}`, server.url))).status).toBe(404);
      }
    });

    it('cancels a running export and keeps nothing of it', async () => {
      const started = await call('export.start', { orders: [ORDER], preset: 'shopee' });
      const jobId = started.jobs[0].jobId;
      for (;;) {
        const { jobs } = await call('export.jobs', {});
        if (jobs.find((j: { jobId: string }) => j.jobId === jobId).status === 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect((await call('export.cancel', { jobId })).cancelled).toBe(true);
      const job = await waitDone(jobId);
      expect(job.status).toBe('cancelled');
      expect(fs.existsSync(path.join(engine.paths.dataDir, 'exports', jobId))).toBe(false);
    });

    it('a station keeps recording while an export runs', async () => {
      const started = await call('export.start', { orders: [ORDER], preset: 'custom', custom: { maxMB: 2, maxSeconds: 30 } });
      const jobId = started.jobs[0].jobId;
      const webm = path.join(t.dir, 'during.webm');
      makeOrderWebm(webm, 'DURING-1', 5, '320x180', 30);
      const clip = await recordClip(engine, 'DURING-1', webm);
      expect(clip.status).toBe('ok');
      expect(clip.durationMs).toBeGreaterThan(4500);
      const { jobs } = await call('export.jobs', {});
      expect(['queued', 'running', 'done']).toContain(jobs.find((j: { jobId: string }) => j.jobId === jobId).status);
      await call('export.cancel', { jobId });
      expect(['cancelled', 'done']).toContain((await waitDone(jobId)).status);
    });

    it('refuses an unknown preset with the way to list them', async () => {
      await expect(call('export.start', { orders: [ORDER], preset: 'myspace' })).rejects.toThrow(/Unknown preset "myspace"/);
    });
  });
});
