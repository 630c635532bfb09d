// Door 1's IPC with a real Engine: who may call, what may be called, what crosses back, and a
// whole recording carried over it — chunks as Uint8Array, as the preload sends them — then the
// clip played back through app:// with a Range request, as the <video> element does.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserWindow, IpcMain } from 'electron';
import { Engine } from '../../electron/engine/engine.ts';
import { handleCall, registerIpc, type WireResult } from '../../electron/main/ipc.ts';
import { createAppHandler } from '../../electron/main/protocol.ts';
import { createFakeElectron } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';
import { clipPath } from '../helpers/clipPath.ts';

const PAGE = 'app://packwitness/index.html';

describe('IPC door', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let webm: Buffer;
  let fake: ReturnType<typeof createFakeElectron>;
  let win: InstanceType<ReturnType<typeof createFakeElectron>['BrowserWindow']>;
  let afterRecording = 0;
  const call = (name: unknown, input: unknown, from: string | null = PAGE) => fake.ipcMain.invoke('pw:call', from, name, input) as Promise<WireResult>;

  beforeAll(async () => {
    t = tmpDir();
    makeWebmH264(path.join(t.dir, 'src.webm'), 2);
    webm = fs.readFileSync(path.join(t.dir, 'src.webm'));
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    fake = createFakeElectron();
    win = new fake.BrowserWindow({});
    await win.loadURL(PAGE);
    registerIpc(fake.ipcMain as unknown as IpcMain, { engine, afterRecordingCall: () => afterRecording++ }, () => win as unknown as BrowserWindow);
  });
  afterAll(async () => {
    await engine.close();
    t.cleanup();
  });

  it('answers a contract call from our page', async () => {
    const res = await call('station.info', {});
    expect(res.ok).toBe(true);
    expect(res.ok && (res.result as { door: string }).door).toBe('ipc');
  });

  it.each([
    ['another origin', 'https://evil.example/'],
    ['a file:// page', 'file:///tmp/x.html'],
    ['a look-alike host', 'app://packwitness.evil/'],
  ])('refuses a call from %s', async (_l, url) => {
    const res = await call('clips.search', {}, url);
    expect(res).toEqual({ ok: false, error: { code: 'unauthorized', message: 'Calls are accepted only from the PackWitness window.' } });
  });

  it('refuses a call from a destroyed frame or a subframe, even of our origin', async () => {
    expect((await call('clips.search', {}, null)).ok).toBe(false);
    const sub = await handleCall({ engine }, { senderFrame: { url: PAGE, parent: {} } as never, sender: {} as never }, 'clips.search', {});
    expect(sub.ok).toBe(false);
  });

  it.each(['nope', '__proto__', 'constructor', 'toString', 42, null])('refuses an unknown call name (%s)', async (name) => {
    const res = await call(name, {});
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.code).toBe('not-found');
  });

  it('returns the contract validation message for bad input, never a thrown error', async () => {
    const res = await call('clips.search', { limit: 'lots' });
    expect(res).toEqual({ ok: false, error: { code: 'bad-input', message: expect.stringContaining('limit') } });
    const extra = await call('settings.update', { stationName: 'A', evil: true });
    expect(!extra.ok && extra.error.code).toBe('bad-input');
    const order = await call('recording.start', { order: '../../etc/passwd', mimeType: 'video/webm' });
    expect(!order.ok && order.error.message).toContain("'.'");
    const notBytes = await call('recording.chunk', { recordingId: 'x', seq: 0, data: 'AAAA' });
    expect(!notBytes.ok && notBytes.error.code).toBe('bad-input');
  });

  it('carries a whole recording and forwards the engine events to the page', async () => {
    win.webContents.sent.length = 0;
    const before = afterRecording;
    const start = await call('recording.start', { order: 'IPC-0001', mimeType: 'video/webm;codecs=avc1' });
    expect(start.ok).toBe(true);
    const { recordingId } = (start as { result: { recordingId: string } }).result;
    let seq = 0;
    for (let off = 0; off < webm.length; off += 100_000) {
      // A plain Uint8Array, as structured clone delivers it from the renderer.
      const data = new Uint8Array(webm.subarray(off, off + 100_000));
      const r = await call('recording.chunk', { recordingId, seq: seq++, data });
      expect(r.ok).toBe(true);
    }
    const fin = await call('recording.finish', { recordingId, reason: 'same-code', chunkCount: seq });
    expect(fin.ok).toBe(true);
    const clip = (fin as { result: { clip: { id: string; mediaUrl: string; sizeBytes: number; startedAt: string; fileName: string } } }).result.clip;
    expect(clip.mediaUrl).toBe(`/media/clips/${clip.id}`);
    expect(afterRecording - before).toBe(seq + 2);

    const events = win.webContents.sent.filter((s) => s.channel === 'pw:event').map((s) => s.args[0]);
    expect(events).toEqual(['recording.started', 'clip.saved']);
    const saved = win.webContents.sent.find((s) => s.args[0] === 'clip.saved')!;
    expect((saved.args[1] as { id: string }).id).toBe(clip.id);

    const found = await call('clips.search', { q: 'IPC-0001' });
    expect(found.ok && (found.result as { total: number }).total).toBe(1);

    // The page plays it from the same relative URL as over HTTP, seeking with Range.
    const handler = createAppHandler({ engine, staticDir: t.dir });
    const full = await handler(new Request(`app://packwitness${clip.mediaUrl}`));
    expect(full.status).toBe(200);
    expect(full.headers.get('content-type')).toBe('video/mp4');
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await full.arrayBuffer()).equals(fs.readFileSync(clipPath(engine, clip)))).toBe(true);
    const part = await handler(new Request(`app://packwitness${clip.mediaUrl}`, { headers: { range: 'bytes=100-1099' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-1099/${clip.sizeBytes}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(fs.readFileSync(clipPath(engine, clip)).subarray(100, 1100))).toBe(true);
    const beyond = await handler(new Request(`app://packwitness${clip.mediaUrl}`, { headers: { range: `bytes=${clip.sizeBytes + 5}-` } }));
    expect(beyond.status).toBe(416);
  });

  it('sends no events to a window that shows a foreign page', async () => {
    await win.loadURL('https://evil.example/');
    win.webContents.sent.length = 0;
    await engine.call('settings.update', { stationName: 'Bench 2' }, { door: 'ipc' });
    expect(win.webContents.sent).toEqual([]);
    await win.loadURL(PAGE);
  });
});
