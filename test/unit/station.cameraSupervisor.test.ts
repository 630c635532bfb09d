// The station's camera supervisor fed a fake camera: what the window says and what happens to the
// clip being recorded when the camera opens, stays dark, freezes, is unplugged or fails to reopen.
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../shared/contract.ts';
import { CameraError } from '../../renderer/src/capture/pipeline.ts';
import type { RecorderPool } from '../../renderer/src/capture/recorder.ts';
import { CameraSupervisor, type CameraHost, type CameraPipeline } from '../../renderer/src/station/cameraSupervisor.ts';
import { SerialQueue } from '../../renderer/src/station/serialQueue.ts';
import { StationState } from '../../renderer/src/station/stationState.ts';

const SETTINGS = { width: 1280, height: 720, fps: 30, cameraDeviceId: null, pipCameraDeviceId: null, microphone: false } as unknown as Settings;

interface FakeCamera extends CameraPipeline {
  closed: boolean;
  track: { readyState: MediaStreamTrackState };
}

/** A camera that gives a picture (or stays dark), with its own clock for the last frame. */
function fakeCamera(picture: boolean, at: number): FakeCamera {
  const track = { readyState: 'live' as MediaStreamTrackState, addEventListener: () => {} };
  const cam = {
    cameraTrack: track as unknown as MediaStreamTrack,
    track,
    recorders: {} as RecorderPool,
    previewStream: {} as MediaStream,
    frames: picture ? 30 : 0,
    pipFrames: 0,
    lastFrameAt: picture ? at : 0,
    openedAt: at,
    lastMotionAt: 0,
    overlayError: null,
    pipActive: false,
    pipProblem: null,
    micProblem: null,
    audio: false,
    onProblem: () => {},
    firstFrame: () => Promise.resolve(picture),
    setInfo: () => {},
    closed: false,
    close() {
      cam.closed = true;
    },
  };
  return cam;
}

type Opening = 'picture' | 'dark' | 'busy';

/** A supervisor on a fake camera whose openings go as `openings` says (then 'picture'), and a clock the test moves. */
function harness(openings: Opening[] = [], recording = false) {
  const state = new StationState();
  const queue = new SerialQueue();
  let clock = 1000;
  const cams: FakeCamera[] = [];
  const lost: string[] = [];
  const cues: string[] = [];
  state.cue = (c) => cues.push(c);
  let isRecording = recording;
  let backCalls = 0;
  let resolveBack: () => void = () => {};
  let backed = new Promise<void>((r) => (resolveBack = r));
  let resumes = false;
  const host: CameraHost = {
    state,
    queue,
    settings: () => SETTINGS,
    overlayIdle: () => ({ order: null, station: 'S', operator: null, mode: 'shipping', utcOffsetLabel: 'UTC+0', source: null }),
    open: async () => {
      const how = openings.shift() ?? 'picture';
      if (how === 'busy') throw new CameraError('busy', 'The camera is busy');
      const c = fakeCamera(how === 'picture', clock);
      cams.push(c);
      return c;
    },
    blockedMsg: () => null,
    isRecording: () => isRecording,
    switchesDone: () => Promise.resolve(),
    opened: () => {},
    closing: () => {},
    lostClip: (reason) => {
      lost.push(reason);
      const order = isRecording ? 'ORDER-1' : null;
      isRecording = false;
      return order ? { order } : null;
    },
    back: async () => {
      backCalls++;
      resolveBack();
      backed = new Promise<void>((r) => (resolveBack = r));
      return resumes;
    },
    sleep: () => Promise.resolve(),
    now: () => clock,
  };
  const camera = new CameraSupervisor(host, { reconnectMs: 1, releaseMs: 0, firstFrameMs: 1, stallMs: 5000, watchdogMs: 60_000 });
  return {
    state,
    queue,
    camera,
    cams,
    lost,
    cues,
    get backCalls() {
      return backCalls;
    },
    /** Resolves at the next time the camera reports it is back. */
    nextBack: () => backed,
    resumeOnBack: (v: boolean) => (resumes = v),
    advance: (ms: number) => (clock += ms),
    setRecording: (v: boolean) => (isRecording = v),
  };
}

describe('camera supervisor', () => {
  it('is ready only once the camera gives a picture', async () => {
    const h = harness();
    await h.camera.start();
    expect(h.state.snapshot.phase).toBe('idle');
    expect(h.state.snapshot.stream).toBe(h.cams[0]!.previewStream);
    h.camera.dispose();
  });

  it('a camera that opens dark is closed and opened once more', async () => {
    const h = harness(['dark', 'picture']);
    await h.camera.start();
    expect(h.cams.map((c) => c.closed)).toEqual([true, false]);
    expect(h.state.snapshot.phase).toBe('idle');
    h.camera.dispose();
  });

  it('a camera dark twice is reported as giving no picture, and tried again later', async () => {
    const h = harness(['dark', 'dark', 'picture']);
    await h.camera.start();
    expect(h.state.snapshot.phase).toBe('error');
    expect(h.state.snapshot.problem?.key).toBe('camera.stalled');
    await h.nextBack();
    await h.queue.idle();
    expect(h.state.snapshot.phase).toBe('idle');
    expect(h.state.snapshot.message?.msg.key).toBe('camera.connected');
    h.camera.dispose();
  });

  it('a frozen camera while recording: the clip is cut short, the alarm sounds, the camera is reopened and the clip goes on', async () => {
    const h = harness([], true);
    h.resumeOnBack(true);
    await h.camera.start();
    h.advance(4999);
    h.camera.check();
    await h.queue.idle();
    expect(h.lost).toEqual([]); // a slow camera is not a frozen one
    h.advance(1);
    h.camera.check();
    await h.queue.idle();
    expect(h.lost).toEqual(['camera-stalled']);
    expect(h.cams[0]!.closed).toBe(true);
    expect(h.cues).toContain('error');
    expect(h.state.snapshot.scanLog[0]).toMatchObject({ code: 'ORDER-1', outcome: 'stopped', msg: { key: 'camera.frozen', params: { seconds: 5 } } });
    expect(h.backCalls).toBe(1);
    expect(h.state.snapshot.phase).toBe('idle');
    h.camera.dispose();
  });

  it('a frozen camera while idle: reopened, and the window says so', async () => {
    const h = harness();
    await h.camera.start();
    h.advance(5000);
    h.camera.check();
    await h.queue.idle();
    expect(h.lost).toEqual(['camera-stalled']);
    expect(h.state.snapshot.message?.msg).toEqual({ key: 'camera.frozenRecovered', params: { seconds: 5 } });
    h.camera.dispose();
  });

  it('a frozen camera whose reopening fails: the clip goes on once a later attempt gives a picture', async () => {
    const h = harness(['picture', 'busy'], true);
    await h.camera.start();
    h.advance(5000);
    h.camera.check();
    await h.queue.idle();
    expect(h.state.snapshot.phase).toBe('error');
    expect(h.state.snapshot.problem?.key).toBe('camera.busy');
    expect(h.backCalls).toBe(0);
    await h.nextBack(); // the reconnect
    await h.queue.idle();
    expect(h.backCalls).toBe(1);
    expect(h.state.snapshot.phase).toBe('idle');
    h.camera.dispose();
  });

  it('an unplugged camera ends its track: the clip is cut short and the camera picked up again', async () => {
    const h = harness([], true);
    await h.camera.start();
    h.cams[0]!.track.readyState = 'ended';
    h.camera.check();
    await h.queue.idle();
    expect(h.lost).toEqual(['camera-lost']);
    expect(h.state.snapshot.problem?.key).toBe('camera.lost');
    await h.nextBack();
    await h.queue.idle();
    expect(h.cams).toHaveLength(2);
    expect(h.state.snapshot.message?.msg.key).toBe('camera.connected');
    h.camera.dispose();
  });

  it('camera settings changed mid-clip are applied once the clip ends, never during it', async () => {
    const h = harness([], true);
    await h.camera.start();
    expect(h.camera.applySettings(SETTINGS, { ...SETTINGS, width: 640 })).toBe(true);
    await h.queue.idle();
    expect(h.cams).toHaveLength(1);
    expect(h.camera.applySettings(SETTINGS, { ...SETTINGS, stationName: 'other' } as Settings)).toBe(false);
    h.setRecording(false);
    h.camera.applyPendingChange();
    await h.queue.idle();
    expect(h.cams).toHaveLength(2);
    expect(h.cams[0]!.closed).toBe(true);
    expect(h.state.snapshot.message?.msg.key).toBe('camera.reopened');
    h.camera.dispose();
  });
});
