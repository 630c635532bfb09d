// What the station window says from the engine's own sentences (an ended recording, a finish's
// answer) and what the page sends as a clip's note: codes the window words in its language, the
// English as ever, against a fake engine and fake recorders.
import i18next, { type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallInput, CallName, Clip, Settings } from '../../shared/contract.ts';
import type { Msg } from '../../shared/stationMachine.ts';
import { formatMessage, formatMessages, msg, type Message } from '../../shared/messages.ts';
import type { RecorderPool } from '../../renderer/src/capture/recorder.ts';
import { ClipSession, type CallEngine, type Recorder } from '../../renderer/src/station/clipSession.ts';
import { StationState } from '../../renderer/src/station/stationState.ts';
import { renderMsg } from '../../renderer/src/station/msg.ts';
import { en } from '../../renderer/src/i18n/en.ts';
import { zhCN } from '../../renderer/src/i18n/zh-CN.ts';

const CJK = /[\u4e00-\u9fff]/;
const ENGLISH = /\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b/;

class FakeRecorder implements Recorder {
  readonly recordingId: string;
  readonly startedAt = 0;
  state: RecordingState = 'inactive';
  problem: Message | null = null;
  onProblem: (message: string) => void = () => {};
  onEnded: (message: string, words?: Message) => void = () => {};
  onUnreachable: (message: string) => void = () => {};
  constructor(id: string) {
    this.recordingId = id;
  }
  start(): void {
    this.state = 'recording';
  }
  stop(): Promise<{ chunkCount: number; problem: string | null; problemWords?: Message | null }> {
    this.state = 'inactive';
    return Promise.resolve({ chunkCount: 3, problem: this.problem ? formatMessage(this.problem) : null, problemWords: this.problem });
  }
}

function harness(finish: { message: string | null; words?: Message[] } = { message: null }) {
  const state = new StationState();
  const calls: { name: CallName; input: unknown }[] = [];
  const recorders: FakeRecorder[] = [];
  let n = 0;
  const call = (async (name: CallName, input: unknown) => {
    calls.push({ name, input });
    if (name === 'recording.start') {
      const { order } = input as CallInput<'recording.start'>;
      return { recordingId: `r${++n}`, order, startedAt: new Date().toISOString(), previous: [] };
    }
    if (name === 'recording.finish') return { clip: { durationMs: 3000 } as Clip, ...finish };
    if (name === 'recording.ready') return { ready: false, cause: null, message: null };
    throw new Error(`unexpected call ${name}`);
  }) as CallEngine;
  const session = new ClipSession({
    state,
    call,
    settings: () => ({ videoBitsPerSecond: 2_000_000 }) as Settings,
    camera: () => ({ recorders: {} as RecorderPool, setInfo: () => {} }),
    newRecorder: (_pool, id) => {
      const r = new FakeRecorder(id);
      recorders.push(r);
      return r;
    },
    labels: { clipStarted: () => {}, clipLabels: () => null },
    clipEnded: () => {},
    now: () => 1000,
  });
  state.set({ phase: 'idle' });
  return { state, session, recorders, finishes: () => calls.filter((c) => c.name === 'recording.finish').map((c) => c.input as CallInput<'recording.finish'>) };
}

let t: { en: TFunction; zh: TFunction };
beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } }, lng: 'en', interpolation: { escapeValue: false } });
  t = { en: i18n.getFixedT('en'), zh: i18n.getFixedT('zh-CN') };
});

function expectChinese(m: Msg): string {
  const text = renderMsg(t.zh, m, 'zh-CN');
  expect(CJK.test(text), text).toBe(true);
  expect(text, text).not.toMatch(ENGLISH);
  return text;
}

describe('the station words what the engine says', () => {
  it('a recording the engine ended: its line reads in Chinese, and in English as before', async () => {
    const h = harness();
    await h.session.start('END-1', 'start', null, 'scanner');
    const words = msg('record-ended-stalled', { order: 'END-1', seconds: 60 });
    h.session.engineEnded({ recordingId: 'r1', cause: 'page-closed', message: formatMessage(words), words });
    const said = h.state.snapshot.message!.msg;
    expect(renderMsg(t.en, said, 'en')).toBe(`Not recording: the station ended the recording of END-1. ${formatMessage(words)}`);
    expect(expectChinese(said)).toContain('60 秒内没有视频到达');
    await h.session.settled();
  });

  it('an ended recording without a code shows the English the engine sent', async () => {
    const h = harness();
    await h.session.start('END-2', 'start', null, 'scanner');
    h.session.engineEnded({ recordingId: 'r1', cause: 'engine', message: 'Something the engine said.' });
    expect(renderMsg(t.zh, h.state.snapshot.message!.msg, 'zh-CN')).toContain('Something the engine said.');
    await h.session.settled();
  });

  it("a finish's answer (a short clip) is said in the window's language", async () => {
    const words = [msg('finish-short', { order: 'SHORT-1', length: '0.4', min: '1.0' })];
    const h = harness({ message: formatMessages(words), words });
    await h.session.start('SHORT-1', 'start', null, 'scanner');
    h.session.stop('stop-button');
    await h.session.settled();
    const said = h.state.snapshot.message!.msg;
    expect(renderMsg(t.en, said, 'en')).toBe(formatMessages(words));
    expect(expectChinese(said)).toContain('SHORT-1');
  });

  it('a camera that froze: the clip is finished with its note in English and as codes, the recorder problem after it', async () => {
    const h = harness();
    await h.session.start('FROZEN-1', 'start', null, 'scanner');
    const problem = msg('note-part-not-saved', { error: 'connection refused' });
    h.recorders[0]!.problem = problem;
    const note = msg('note-camera-stalled', { seconds: 5 });
    h.session.interrupt('camera-stalled', note, true);
    await h.session.settled();
    const [finish] = h.finishes();
    expect(finish!.note).toBe(`${formatMessage(note)} ${formatMessage(problem)}`);
    expect(finish!.noteWords).toEqual([note, problem]);
    // A note given as English alone goes without codes.
    await h.session.start('LOST-1', 'start', null, 'scanner');
    h.session.interrupt('camera-lost', 'unplugged', false);
    await h.session.settled();
    expect(h.finishes()[1]).toMatchObject({ note: 'unplugged' });
    expect(h.finishes()[1]!.noteWords).toBeUndefined();
  });
});
