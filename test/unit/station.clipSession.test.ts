// The station's clip session against a fake engine and fake recorders: what the engine is asked,
// what the window shows, and how an ended or refused recording blocks the station until the engine
// can record again.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallInput, CallName, Clip, Settings } from '../../shared/contract.ts';
import type { RecorderPool } from '../../renderer/src/capture/recorder.ts';
import { ApiError } from '../../renderer/src/api/index.ts';
import { ClipSession, RESUME_WITHIN_MS, type CallEngine, type Recorder } from '../../renderer/src/station/clipSession.ts';
import { StationState } from '../../renderer/src/station/stationState.ts';
import { ScanHandler } from '../../renderer/src/station/scans.ts';

const SETTINGS = { videoBitsPerSecond: 2_000_000 } as Settings;

class FakeRecorder implements Recorder {
  readonly recordingId: string;
  readonly startedAt = 0;
  state: RecordingState = 'inactive';
  onProblem: (message: string) => void = () => {};
  onEnded: (message: string) => void = () => {};
  onUnreachable: (message: string) => void = () => {};
  constructor(id: string) {
    this.recordingId = id;
  }
  start(): void {
    this.state = 'recording';
  }
  stop(): Promise<{ chunkCount: number; problem: string | null }> {
    this.state = 'inactive';
    return Promise.resolve({ chunkCount: 3, problem: null });
  }
}

/** A fake engine: recording.start hands out ids, finish answers a 3 s clip, ready answers `ready`. */
function harness() {
  const state = new StationState();
  const calls: { name: CallName; input: unknown }[] = [];
  let n = 0;
  let refuseStart: ApiError | null = null;
  let ready = false;
  let clock = 1000;
  let ended = 0;
  const recorders: FakeRecorder[] = [];
  const call = (async (name: CallName, input: unknown) => {
    calls.push({ name, input });
    if (name === 'recording.start') {
      if (refuseStart) throw refuseStart;
      const { order } = input as CallInput<'recording.start'>;
      return { recordingId: `r${++n}`, order, startedAt: new Date().toISOString(), previous: [] };
    }
    if (name === 'recording.finish') return { clip: { durationMs: 3000 } as Clip, message: null };
    if (name === 'recording.discard') return { discarded: true };
    if (name === 'recording.ready') return { ready, cause: null, message: null };
    throw new Error(`unexpected call ${name}`);
  }) as CallEngine;
  const session = new ClipSession({
    state,
    call,
    settings: () => SETTINGS,
    camera: () => ({ recorders: {} as RecorderPool, setInfo: () => {} }),
    newRecorder: (_pool, id) => {
      const r = new FakeRecorder(id);
      recorders.push(r);
      return r;
    },
    labels: { clipStarted: () => {}, clipLabels: () => null },
    clipEnded: () => ended++,
    now: () => clock,
  });
  state.set({ phase: 'idle' });
  return {
    state,
    session,
    call,
    recorders,
    calls: (name: CallName) => calls.filter((c) => c.name === name).map((c) => c.input as Record<string, unknown>),
    refuse: (e: ApiError | null) => (refuseStart = e),
    setReady: (v: boolean) => (ready = v),
    advance: (ms: number) => (clock += ms),
    get ended() {
      return ended;
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('clip session', () => {
  it('records one clip: started, stopped, finished with its chunks, and the window says it is saved', async () => {
    const h = harness();
    await h.session.start('SF1234567890', 'start', null, 'scanner');
    expect(h.state.snapshot).toMatchObject({ phase: 'recording', order: 'SF1234567890', recordingId: 'r1', clipMode: 'shipping' });
    expect(h.state.snapshot.message?.msg.key).toBe('scan.recording');
    expect(h.recorders[0]!.state).toBe('recording');
    h.session.stop('stop-button');
    expect(h.state.snapshot).toMatchObject({ phase: 'idle', order: null, recordingId: null });
    expect(h.ended).toBe(1);
    await h.session.settled();
    expect(h.calls('recording.finish')).toEqual([expect.objectContaining({ recordingId: 'r1', reason: 'stop-button', chunkCount: 3, status: 'ok' })]);
    expect(h.state.snapshot.message?.msg).toEqual({ key: 'scan.saved', params: { order: 'SF1234567890', seconds: 3 } });
    expect(h.state.snapshot.saving).toBe(0);
  });

  it('the next order starts before the previous one stops, and the previous one is finished as next-scan', async () => {
    const h = harness();
    await h.session.start('A-0001', 'start', null);
    await h.session.start('B-0002', 'switch', null);
    expect(h.recorders.map((r) => r.state)).toEqual(['recording', 'recording']); // the overlap
    expect(h.state.snapshot.order).toBe('B-0002');
    await h.session.settled();
    expect(h.recorders[0]!.state).toBe('inactive');
    expect(h.calls('recording.finish')).toEqual([expect.objectContaining({ recordingId: 'r1', reason: 'next-scan' })]);
    // Saved while the next clip records is not said: the window keeps saying what records now.
    expect(h.state.snapshot.message?.msg.key).toBe('scan.recording');
  });

  it('a discarded clip is thrown away by the engine after its last chunk, never finished', async () => {
    const h = harness();
    await h.session.start('A-0001', 'start', null);
    h.session.discard('DISCARD control code scanned');
    await h.session.settled();
    expect(h.calls('recording.finish')).toEqual([]);
    expect(h.calls('recording.discard')).toEqual([{ recordingId: 'r1', reason: 'DISCARD control code scanned (order A-0001)' }]);
    expect(h.state.snapshot.message?.msg.key).toBe('scan.discarded');
  });

  it('the engine ends the recording: alarm, interrupted clip, scans refused until the engine can record again', async () => {
    vi.useFakeTimers();
    const h = harness();
    await h.session.start('A-0001', 'start', null);
    h.session.engineEnded({ recordingId: 'r1', cause: 'disk-full', message: 'The disk is full.' });
    expect(h.state.snapshot).toMatchObject({ phase: 'error', order: null, problem: { key: 'ended.disk-full' } });
    await h.session.settled();
    expect(h.calls('recording.finish')).toEqual([expect.objectContaining({ recordingId: 'r1', reason: 'disk-full', status: 'interrupted' })]);
    await h.session.start('B-0002', 'start', null);
    expect(h.calls('recording.start')).toHaveLength(1); // refused by the station itself
    expect(h.state.snapshot.message?.msg.key).toBe('ended.disk-full');
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.state.snapshot.phase).toBe('error'); // the engine still says no
    h.setReady(true);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.state.snapshot.phase).toBe('idle');
    expect(h.state.snapshot.message?.msg.key).toBe('ended.ready');
    h.session.dispose();
  });

  it('a start the engine refuses for its own reasons blocks the station; a refused code does not', async () => {
    const h = harness();
    h.refuse(new ApiError('bad-input', 'not an order code'));
    await h.session.start('A-0001', 'start', null);
    expect(h.state.snapshot.phase).toBe('idle');
    h.refuse(new ApiError('refused', 'The clips folder is gone.'));
    await h.session.start('A-0001', 'start', null);
    expect(h.state.snapshot).toMatchObject({ phase: 'error', problem: { key: 'ended.refused' } });
    h.session.dispose();
  });

  it('a frozen camera holds its order to go on in a new clip, for a while, and a stop lets it go', async () => {
    const h = harness();
    await h.session.start('A-0001', 'start', null, 'camera');
    expect(h.session.interrupt('camera-stalled', 'no picture', true)).toEqual({ order: 'A-0001' });
    expect(h.session.takeHeld()).toMatchObject({ order: 'A-0001', mode: 'shipping', source: 'camera' });
    expect(h.session.takeHeld()).toBeNull(); // taken once

    await h.session.start('B-0002', 'start', null);
    h.session.interrupt('camera-stalled', 'no picture', true);
    h.advance(RESUME_WITHIN_MS + 1);
    expect(h.session.takeHeld()).toBeNull(); // the packer has moved on

    await h.session.start('C-0003', 'start', null);
    h.session.interrupt('camera-stalled', 'no picture', true);
    h.session.stop('stop-code');
    expect(h.session.takeHeld()).toBeNull();

    await h.session.start('D-0004', 'start', null);
    h.session.interrupt('camera-lost', 'unplugged', false);
    expect(h.session.takeHeld()).toBeNull();
    await h.session.settled();
    expect(h.calls('recording.finish').map((f) => `${f.recordingId} ${f.reason} ${f.status}`)).toEqual([
      'r1 camera-stalled interrupted',
      'r2 camera-stalled interrupted',
      'r3 camera-stalled interrupted',
      'r4 camera-lost interrupted',
    ]);
  });
});

describe('scan handling on the clip session', () => {
  function scans(h: ReturnType<typeof harness>) {
    return new ScanHandler({ state: h.state, session: h.session, call: h.call, settings: () => null, idleOverlayChanged: () => {}, now: () => 0 });
  }

  it('a label starts a clip, the same label again stops it, PW:STOP with nothing recording says so', async () => {
    const h = harness();
    const s = scans(h);
    await s.handle('SF1234567890');
    expect(h.state.snapshot.order).toBe('SF1234567890');
    await s.handle('PW:STOP');
    expect(h.state.snapshot.phase).toBe('idle');
    await h.session.settled(); // its "Saved" comes first
    await s.handle('PW:STOP');
    expect(h.state.snapshot.message?.msg.key).toBe('scan.nothingRecording');
    expect(h.state.snapshot.scanLog.map((e) => e.outcome)).toEqual(['ignored', 'stopped', 'started']);
  });

  it('PW:STOP while a frozen camera is reopened: the order it cut short does not go on', async () => {
    const h = harness();
    await h.session.start('A-0001', 'start', null);
    h.session.interrupt('camera-stalled', 'no picture', true);
    h.state.set({ phase: 'error', problem: { key: 'camera.frozen', params: { seconds: 5 } } });
    await scans(h).handle('PW:STOP');
    expect(h.session.takeHeld()).toBeNull();
  });
});
