// The engine ends a recording on its own, through door 1 (Electron IPC, a real Engine, the fake
// Electron of the shell tests). The page cannot run here (no Electron binary), but what it reacts
// to crosses this door exactly as on door 2: the recording.ended event on the window's event
// channel, the 'ended' answer to its next chunk, and recording.ready until it can record again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserWindow, IpcMain } from 'electron';
import { Engine } from '../../electron/engine/engine.ts';
import { EVENT_CHANNEL, registerIpc, type WireResult } from '../../electron/main/ipc.ts';
import { createFakeElectron } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const PAGE = 'app://packwitness/index.html';

describe('the engine ends a recording: what the window hears over IPC', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let webm: Buffer;
  let fake: ReturnType<typeof createFakeElectron>;
  let win: InstanceType<ReturnType<typeof createFakeElectron>['BrowserWindow']>;

  beforeAll(async () => {
    t = tmpDir();
    makeWebmH264(path.join(t.dir, 'src.webm'), 3);
    webm = fs.readFileSync(path.join(t.dir, 'src.webm'));
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    fake = createFakeElectron();
    win = new fake.BrowserWindow({});
    await win.loadURL(PAGE);
    registerIpc(fake.ipcMain as unknown as IpcMain, { engine }, () => win as unknown as BrowserWindow);
  });
  afterAll(async () => {
    await engine.close().catch(() => {});
    t.cleanup();
  });

  const call = (name: string, input: unknown) => fake.ipcMain.invoke('pw:call', PAGE, name, input) as Promise<WireResult>;
  async function ok<T>(name: string, input: unknown): Promise<T> {
    const res = await call(name, input);
    if (!res.ok) throw new Error(res.error.message);
    return res.result as T;
  }
  const ended = () =>
    win.webContents.sent
      .filter((m) => m.channel === EVENT_CHANNEL && m.args[0] === 'recording.ended')
      .map((m) => m.args[1] as { recordingId: string; order: string; cause: string; message: string });

  async function recording(order: string, chunks = 3): Promise<{ id: string; seq: number }> {
    const { recordingId } = await ok<{ recordingId: string }>('recording.start', { order, mimeType: 'video/webm;codecs=avc1' });
    const size = Math.ceil(webm.length / 6);
    for (let seq = 0; seq < chunks; seq++) await ok('recording.chunk', { recordingId, seq, data: new Uint8Array(webm.subarray(seq * size, (seq + 1) * size)) });
    return { id: recordingId, seq: chunks };
  }

  it('disk at the reserve: the event reaches the window before the refused chunk, ready says no until there is room', async () => {
    const r = await recording('IPC-DISK-1');
    await engine.call('settings.update', { reserveMb: 10_000_000, deleteOldestForSpace: false }, { door: 'ipc' });
    const before = ended().length;
    const answer = await call('recording.chunk', { recordingId: r.id, seq: r.seq, data: new Uint8Array(1000) });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.code).toBe('ended');
    expect(!answer.ok && answer.error.message).toMatch(/Recording of IPC-DISK-1 stopped: Only .* below its reserve .*kept as an interrupted clip/);
    const [event] = ended().slice(before);
    expect(event).toMatchObject({ recordingId: r.id, order: 'IPC-DISK-1', cause: 'disk-full' });
    expect(event!.message).toMatch(/Free some space/);
    // The page's next chunk and its finish get the same answer; the clip is kept, marked.
    const late = await call('recording.chunk', { recordingId: r.id, seq: r.seq + 1, data: new Uint8Array(10) });
    expect(!late.ok && late.error.code).toBe('ended');
    const done = await ok<{ clip: { status: string; stopReason: string } }>('recording.finish', {
      recordingId: r.id,
      reason: 'disk-full',
      chunkCount: r.seq + 2,
      status: 'interrupted',
    });
    expect(done.clip).toMatchObject({ status: 'interrupted', stopReason: 'disk-full' });
    const notReady = await ok<{ ready: boolean; cause: string; message: string }>('recording.ready', {});
    expect(notReady).toMatchObject({ ready: false, cause: 'disk-full' });
    expect(notReady.message).toMatch(/below its reserve/);
    const rows = (engine.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n;
    const refused = await call('recording.start', { order: 'IPC-DISK-2', mimeType: 'video/webm' });
    expect(!refused.ok && refused.error.code).toBe('refused');
    expect((engine.db.prepare('SELECT count(*) AS n FROM clips').get() as { n: number }).n).toBe(rows);
    await engine.call('settings.update', { reserveMb: 1 }, { door: 'ipc' });
    expect(await ok('recording.ready', {})).toEqual({ ready: true, cause: null, message: null });
    const again = await recording('IPC-DISK-3');
    expect(
      (await ok<{ clip: { status: string } }>('recording.finish', { recordingId: again.id, reason: 'same-code', chunkCount: again.seq })).clip.status,
    ).toBe('ok');
  });

  it('a second of video that never arrived: the clip ends before the hole, with its own cause', async () => {
    const r = await recording('IPC-GAP-1');
    const before = ended().length;
    const answer = await call('recording.chunk', { recordingId: r.id, seq: r.seq + 1, data: new Uint8Array(1000) });
    expect(!answer.ok && answer.error.code).toBe('ended');
    expect(!answer.ok && answer.error.message).toMatch(/second 4 of the video never reached the station/);
    // Coded too, so the Chinese UI words it: the missing second and the one that came instead.
    expect(!answer.ok && answer.error.words).toEqual({ code: 'record-stopped-hole', params: { order: 'IPC-GAP-1', missing: 4, came: 5 } });
    expect(ended().slice(before)).toMatchObject([{ recordingId: r.id, cause: 'chunks-refused' }]);
    const done = await ok<{ clip: { status: string; stopReason: string } }>('recording.finish', {
      recordingId: r.id,
      reason: 'chunks-refused',
      chunkCount: r.seq + 2,
      status: 'interrupted',
    });
    expect(done.clip).toMatchObject({ status: 'interrupted', stopReason: 'chunks-refused' });
    expect((await ok<{ ready: boolean }>('recording.ready', {})).ready).toBe(true);
  });

  it('the clips folder goes away: the recording ends with its cause, and is sealed once the folder is back', async () => {
    const r = await recording('IPC-GONE-1');
    const clips = engine.paths.clipsDir;
    fs.renameSync(clips, `${clips}.away`);
    const before = ended().length;
    const answer = await call('recording.chunk', { recordingId: r.id, seq: r.seq, data: new Uint8Array(1000) });
    expect(!answer.ok && answer.error.code).toBe('ended');
    expect(!answer.ok && answer.error.message).toMatch(/clips folder .* is missing .* unplugged/);
    expect(ended().slice(before)).toMatchObject([{ recordingId: r.id, cause: 'storage' }]);
    const done = await ok<{ clip: unknown }>('recording.finish', { recordingId: r.id, reason: 'disk-full', chunkCount: r.seq + 1, status: 'interrupted' });
    expect(done.clip).toBeNull(); // nothing can be sealed into a folder that is not there
    expect(fs.existsSync(clips), 'a vanished clips folder is never recreated').toBe(false);
    expect(await ok('recording.ready', {})).toMatchObject({ ready: false, cause: 'storage' });
    fs.renameSync(`${clips}.away`, clips);
    expect(await ok('recording.ready', {})).toMatchObject({ ready: true });
    await expect.poll(async () => (await engine.clips.get(r.id))?.status, { timeout: 20_000 }).toBe('interrupted');
    const row = (await engine.clips.get(r.id))!;
    expect(row.stop_reason).toBe('disk-full');
    expect(fs.existsSync(path.join(clips, row.file!))).toBe(true);
  });

  it('the station shutting down: the window hears it while its recording is finished from what arrived', async () => {
    const r = await recording('IPC-QUIT-1');
    const before = ended().length;
    engine.announceShutdown();
    expect(ended().slice(before)).toMatchObject([{ recordingId: r.id, order: 'IPC-QUIT-1', cause: 'shutdown' }]);
    const late = await call('recording.chunk', { recordingId: r.id, seq: r.seq, data: new Uint8Array(10) });
    expect(!late.ok && late.error.code).toBe('ended');
    expect(!late.ok && late.error.message).toMatch(/shutting down; what arrived is kept/);
    expect(await ok('recording.ready', {})).toMatchObject({ ready: false, cause: 'shutdown' });
    const refused = await call('recording.start', { order: 'IPC-QUIT-2', mimeType: 'video/webm' });
    expect(!refused.ok && refused.error.message).toMatch(/shutting down/);
    await engine.close();
    const reopened = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    try {
      const clip = (await reopened.clips.byOrder('IPC-QUIT-1'))[0]!;
      expect(clip).toMatchObject({ status: 'ok', stop_reason: 'shutdown' });
      expect(await reopened.clips.byOrder('IPC-QUIT-2')).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
