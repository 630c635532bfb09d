// Control codes through door 1 (Electron IPC, a real Engine, the fake Electron of the shell tests).
// There is no Electron binary here, so the page itself cannot run; but the page's decisions come
// from shared/stationMachine.ts (decideScan), the same function station.controls.e2e.test.ts drives
// through door 2 in Chromium. Here that function decides each scan and the outcome is carried over
// the IPC door exactly as StationController carries it: operator and mode into recording.start,
// 'stop-code' into recording.finish, DISCARD into recording.discard — and the index and the chain
// of custody must show them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserWindow, IpcMain } from 'electron';
import { Engine } from '../../electron/engine/engine.ts';
import { registerIpc, type WireResult } from '../../electron/main/ipc.ts';
import { decideScan, type MachineState } from '../../shared/stationMachine.ts';
import { createFakeElectron } from '../helpers/fakeElectron.ts';
import { tmpDir } from '../helpers/tmp.ts';
import { makeWebmH264 } from '../helpers/video.ts';

const PAGE = 'app://packwitness/index.html';

describe('control codes through the IPC door', () => {
  let t: ReturnType<typeof tmpDir>;
  let engine: Engine;
  let webm: Buffer;
  let fake: ReturnType<typeof createFakeElectron>;

  beforeAll(async () => {
    t = tmpDir();
    makeWebmH264(path.join(t.dir, 'src.webm'), 2);
    webm = fs.readFileSync(path.join(t.dir, 'src.webm'));
    engine = await Engine.open({ dataDir: path.join(t.dir, 'data') });
    fake = createFakeElectron();
    const win = new fake.BrowserWindow({});
    await win.loadURL(PAGE);
    registerIpc(fake.ipcMain as unknown as IpcMain, { engine, afterRecordingCall: () => {} }, () => win as unknown as BrowserWindow);
  });
  afterAll(async () => {
    await engine.close();
    t.cleanup();
  });

  async function call<T>(name: string, input: unknown): Promise<T> {
    const res = (await fake.ipcMain.invoke('pw:call', PAGE, name, input)) as WireResult;
    if (!res.ok) throw new Error(res.error.message);
    return res.result as T;
  }

  /** The station as the page keeps it, driven by decideScan; each decision goes over IPC. */
  const st: MachineState & { recordingId: string | null; chunks: number } = {
    phase: 'idle',
    order: null,
    startedAt: null,
    mode: 'shipping',
    operator: null,
    recordingId: null,
    chunks: 0,
  };

  async function sendChunks(): Promise<void> {
    for (let off = 0; off < webm.length; off += 100_000) {
      await call('recording.chunk', { recordingId: st.recordingId, seq: st.chunks++, data: new Uint8Array(webm.subarray(off, off + 100_000)) });
    }
  }

  async function scanned(raw: string, now: number): Promise<string> {
    const d = decideScan(st, raw, now);
    switch (d.kind) {
      case 'start': {
        const r = await call<{ recordingId: string; order: string }>('recording.start', {
          order: d.order,
          mimeType: 'video/webm;codecs=avc1',
          mode: st.mode,
          operator: st.operator,
        });
        Object.assign(st, { phase: 'recording', order: r.order, startedAt: now, recordingId: r.recordingId, chunks: 0 });
        await sendChunks();
        break;
      }
      case 'stop':
        await call('recording.finish', { recordingId: st.recordingId, reason: d.reason, chunkCount: st.chunks });
        Object.assign(st, { phase: 'idle', order: null, startedAt: null, recordingId: null });
        break;
      case 'discard':
        await call('recording.discard', { recordingId: st.recordingId, reason: `DISCARD control code scanned (order ${st.order})` });
        Object.assign(st, { phase: 'idle', order: null, startedAt: null, recordingId: null });
        break;
      case 'discardArm':
        st.discardArmedAt = now;
        break;
      case 'mode':
        st.mode = d.mode;
        break;
      case 'operator':
        st.operator = d.operator;
        break;
      default:
        break;
    }
    return d.kind;
  }

  it('badge, returns mode, STOP and DISCARD end in the index and the chain as on the HTTP door', async () => {
    expect(await scanned('PW:OP:Li Na', 0)).toBe('operator');
    expect(await scanned('PW:MODE:RETURNS', 100)).toBe('mode');
    expect(await scanned('SF1400123456789', 200)).toBe('start');
    expect(await scanned('PW:STOP', 5000)).toBe('stop');
    expect(await scanned('6901028075862', 6000)).toBe('refuse'); // a product barcode never reaches the engine
    expect(await scanned('YT1234567890123', 7000)).toBe('start');
    expect(await scanned('PW:DISCARD', 8000)).toBe('discardArm'); // one scan alone throws nothing away
    expect(await scanned('PW:DISCARD', 9000)).toBe('discard');
    expect(await scanned('PW:STOP', 9500)).toBe('ignore'); // nothing is recording any more

    const { clips } = await call<{ clips: { order: string; mode: string; operator: string; stopReason: string }[] }>('clips.search', {});
    expect(clips).toHaveLength(1);
    expect(clips[0]).toMatchObject({ order: 'SF1400123456789', mode: 'returns', operator: 'Li Na', stopReason: 'stop-code' });
    expect((await call<{ clips: unknown[] }>('clips.search', { mode: 'shipping' })).clips).toHaveLength(0);
    const discarded = engine.db
      .prepare("SELECT c.status, c.note, ch.kind FROM clips c JOIN chain ch ON ch.clip_id = c.id WHERE c.order_code = ? AND ch.kind = 'discarded'")
      .get('YT1234567890123') as { status: string; note: string };
    expect(discarded.status).toBe('discarded');
    expect(discarded.note).toContain('DISCARD control code');
    // The lookup learns of it: when, where, whose clip, why.
    const { discards } = await call<{
      discards: { order: string; station: string; operator: string | null; mode: string; reason: string; discardedAt: string }[];
    }>('clips.discarded', { order: 'YT1234567890123' });
    expect(discards).toHaveLength(1);
    expect(discards[0]).toMatchObject({
      order: 'YT1234567890123',
      operator: 'Li Na',
      mode: 'returns',
      reason: 'DISCARD control code scanned (order YT1234567890123)',
    });
    expect(Date.parse(discards[0]!.discardedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await call<{ discards: unknown[] }>('clips.discarded', { order: 'SF1400123456789' })).discards).toHaveLength(0);
  });
});
