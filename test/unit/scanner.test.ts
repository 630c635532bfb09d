import { describe, expect, it } from 'vitest';
import { ScanDetector } from '../../renderer/src/station/scanDetector.ts';
import { decideScan, type MachineState } from '../../shared/stationMachine.ts';

function feed(d: ScanDetector, keys: string[], gapMs: number, start = 1000) {
  const outcomes = keys.map((k, i) => d.key(k, start + i * gapMs));
  return outcomes.filter((o) => o.kind === 'scan');
}

describe('scanner burst versus typing', () => {
  it('a scanner burst ending in Enter is a scan', () => {
    expect(feed(new ScanDetector(), [...'SF1234567890', 'Enter'], 8)).toEqual([{ kind: 'scan', code: 'SF1234567890', length: 12 }]);
  });
  it('a burst ending in Tab is a scan too', () => {
    expect(feed(new ScanDetector(), [...'JD0012', 'Tab'], 5)).toHaveLength(1);
  });
  it('a person typing 120 ms apart never makes a scan', () => {
    expect(feed(new ScanDetector(), [...'SF1234567890', 'Enter'], 120)).toEqual([]);
  });
  it('typing, then a scan: only the burst is the code', () => {
    const d = new ScanDetector();
    feed(d, [...'hello'], 150, 0);
    expect(feed(d, [...'YT998877', 'Enter'], 6, 5000)).toEqual([{ kind: 'scan', code: 'YT998877', length: 8 }]);
  });
  it('a very short burst is not a label', () => {
    expect(feed(new ScanDetector(), [...'ab', 'Enter'], 5)).toEqual([]);
  });
  it('modifier keys inside a burst are ignored', () => {
    expect(feed(new ScanDetector(), ['Shift', ...'SF12', 'Shift', ...'34', 'Enter'], 5)).toEqual([{ kind: 'scan', code: 'SF1234', length: 6 }]);
  });
  it('one delayed key inside a burst (busy PC, USB hub) does not cut the code', () => {
    const d = new ScanDetector();
    const times = [0, 67, 83, 102, 129, 131, 134, 137, 139, 140, 142, 143, 144, 149, 151, 155];
    const out = [...'SF1400123456789', 'Enter'].map((k, i) => d.key(k, 1000 + times[i]!));
    expect(out.filter((o) => o.kind === 'scan')).toEqual([{ kind: 'scan', code: 'SF1400123456789', length: 15 }]);
  });
  it('a fast typist (60 ms a key) still never makes a scan', () => {
    expect(feed(new ScanDetector(), [...'SF1234567890', 'Enter'], 60)).toEqual([]);
  });
  it('a correction (Backspace) right before a burst keeps the typed key out of the code', () => {
    const d = new ScanDetector();
    d.key('x', 1000);
    d.key('Backspace', 1010);
    expect(feed(d, [...'PW:STOP', 'Enter'], 4, 1020)).toEqual([{ kind: 'scan', code: 'PW:STOP', length: 7 }]);
  });
  it('a slow Enter after a burst is a person confirming, not a scanner', () => {
    const d = new ScanDetector();
    feed(d, [...'SF1234'], 5, 0);
    expect(d.key('Enter', 900).kind).toBe('none');
  });
});

describe('what a scan does at the station', () => {
  const idle: MachineState = { phase: 'idle', order: null, startedAt: null };
  const rec = (order: string, startedAt = 0): MachineState => ({ phase: 'recording', order, startedAt });

  it.each([
    ['idle + code → start', idle, 'SF1400123456789', 5000, { kind: 'start', order: 'SF1400123456789' }],
    ['recording A + B → switch', rec('A1'), 'YT1234567890123', 5000, { kind: 'switch', order: 'YT1234567890123' }],
    ['recording A + A → stop', rec('A1'), 'A1', 5000, { kind: 'stop', reason: 'same-code' }],
    [
      'recording A + A within 1.5 s → double scan ignored',
      rec('A1', 4000),
      'A1',
      5000,
      { kind: 'ignore', msg: { key: 'scan.doubleScan', params: { order: 'A1' } } },
    ],
    ['scanner CR/LF is trimmed', idle, ' SF1400123456789\r\n', 5000, { kind: 'start', order: 'SF1400123456789' }],
  ] as const)('%s', (_l, state, code, now, expected) => {
    expect(decideScan(state, code, now)).toEqual(expected);
  });

  it('refuses hostile codes without touching the recording', () => {
    const d = decideScan(rec('A1'), '../etc', 5000);
    expect(d.kind).toBe('refuse');
  });
  it('refuses scans while the camera is missing or the station is starting', () => {
    expect(decideScan({ phase: 'error', order: null, startedAt: null }, 'SF1', 0).kind).toBe('refuse');
    expect(decideScan({ phase: 'starting', order: null, startedAt: null }, 'SF1', 0).kind).toBe('refuse');
  });
});
