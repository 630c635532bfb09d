// Control codes, tracking-number patterns and product-barcode refusal, as the station page (either
// door) applies them: decideScan is the one code path both doors run.
import { describe, expect, it } from 'vitest';
import { CARRIER_PATTERNS, classifyCode, DEFAULT_CODE_RULES, gs1CheckDigitOk, stripFraming } from '../../shared/codePatterns.ts';
import { pipRect } from '../../shared/pipGeometry.ts';
import { overlayGeometry } from '../../shared/overlayGeometry.ts';
import {
  CONTROL,
  DISCARD_CONFIRM_MS,
  decideScan,
  DEFAULT_MACHINE_OPTIONS,
  operatorHash,
  parseControlCode,
  type MachineState,
} from '../../shared/stationMachine.ts';

const idle: MachineState = { phase: 'idle', order: null, startedAt: null, mode: 'shipping', operator: null };
const rec = (order: string, extra: Partial<MachineState> = {}): MachineState => ({
  phase: 'recording',
  order,
  startedAt: 0,
  mode: 'shipping',
  operator: null,
  ...extra,
});

describe('control codes', () => {
  it.each([
    ['STOP while recording stops with its reason', rec('SF1400123456789'), 'PW:STOP', { kind: 'stop', reason: 'stop-code' }],
    ['STOP when idle does nothing', idle, 'PW:STOP', { kind: 'ignore', msg: { key: 'scan.nothingRecording' } }],
    [
      'a first DISCARD while recording only asks for a second scan',
      rec('SF1400123456789'),
      'PW:DISCARD',
      { kind: 'discardArm', msg: { key: 'scan.discardArmed', params: { order: 'SF1400123456789', seconds: 5 } } },
    ],
    ['DISCARD scanned again within the window discards', rec('SF1400123456789', { discardArmedAt: 2000 }), 'PW:DISCARD', { kind: 'discard' }],
    [
      'DISCARD scanned again after the window only asks again',
      rec('SF1400123456789', { discardArmedAt: -1 }),
      'PW:DISCARD',
      { kind: 'discardArm', msg: { key: 'scan.discardArmed', params: { order: 'SF1400123456789', seconds: 5 } } },
    ],
    [
      'a double read of one DISCARD scan is not its confirmation',
      rec('SF1400123456789', { discardArmedAt: 4900 }),
      'PW:DISCARD',
      { kind: 'ignore', msg: { key: 'scan.discardArmed', params: { order: 'SF1400123456789', seconds: 5 } } },
    ],
    ['DISCARD when idle does nothing', idle, 'PW:DISCARD', { kind: 'ignore', msg: { key: 'scan.nothingRecording' } }],
    ['returns mode', idle, 'PW:MODE:RETURNS', { kind: 'mode', mode: 'returns' }],
    ['shipping mode when already shipping', idle, 'PW:MODE:SHIPPING', { kind: 'ignore', msg: { key: 'scan.alreadyMode', params: { mode: 'shipping' } } }],
    ['mode switch while recording (applies to the next clip)', rec('A1'), 'PW:MODE:RETURNS', { kind: 'mode', mode: 'returns' }],
    ['operator badge', idle, 'PW:OP:Li Na', { kind: 'operator', operator: 'Li Na' }],
    ['operator badge in Chinese', idle, 'PW:OP:王芳', { kind: 'operator', operator: '王芳' }],
    ['operator out', { ...idle, operator: 'Li Na' }, 'PW:OP-OUT', { kind: 'operator', operator: null }],
    ['same badge again', { ...idle, operator: 'Li Na' }, 'PW:OP:Li Na', { kind: 'ignore', msg: { key: 'scan.alreadyOperator', params: { name: 'Li Na' } } }],
    ['lower-case prefix and scanner CR/LF', rec('A1'), 'pw:stop\r\n', { kind: 'stop', reason: 'stop-code' }],
    [
      'unknown control code is refused, recording untouched',
      rec('A1'),
      'PW:EXPLODE',
      { kind: 'refuse', msg: { key: 'scan.badControl', params: { code: 'PW:EXPLODE' } } },
    ],
    ['hostile operator name is refused', idle, 'PW:OP:<script>', { kind: 'refuse', msg: { key: 'scan.badControl', params: { code: 'PW:OP:<script>' } } }],
    ['a badge works while the camera is missing', { ...idle, phase: 'error' }, 'PW:OP:Li Na', { kind: 'operator', operator: 'Li Na' }],
    [
      'an order while the station cannot record is refused with the reason shown',
      { ...idle, phase: 'error', problem: { key: 'ended.disk-full', params: { detail: 'Only 15 MB free' } } },
      'SF1400123456789',
      { kind: 'refuse', msg: { key: 'ended.disk-full', params: { detail: 'Only 15 MB free' } } },
    ],
    ['an order in the error phase without a reason', { ...idle, phase: 'error' }, 'SF1400123456789', { kind: 'refuse', msg: { key: 'scan.cannotRecord' } }],
  ] as const)('%s', (_label, state, code, expected) => {
    expect(decideScan(state, code, 5000)).toEqual(expected);
  });

  it('DISCARD confirms only within DISCARD_CONFIRM_MS of the first scan', () => {
    expect(decideScan(rec('A1', { discardArmedAt: 1000 }), 'PW:DISCARD', 1000 + DISCARD_CONFIRM_MS).kind).toBe('discard');
    expect(decideScan(rec('A1', { discardArmedAt: 1000 }), 'PW:DISCARD', 1001 + DISCARD_CONFIRM_MS).kind).toBe('discardArm');
  });

  it('an ASCII badge (PW:OPH:) logs in the listed operator whose name it carries, and nobody else', () => {
    const opts = { ...DEFAULT_MACHINE_OPTIONS, operators: ['王芳', 'Li Na'] };
    const badge = CONTROL.operatorHash('王芳');
    expect(badge).toMatch(/^PW:OPH:[0-9A-F]{8}$/);
    expect(decideScan(idle, badge, 0, opts)).toEqual({ kind: 'operator', operator: '王芳' });
    // the name was removed from the list: an old badge must not log in someone else
    expect(decideScan(idle, badge, 0, { ...opts, operators: ['Li Na'] })).toEqual({ kind: 'refuse', msg: { key: 'scan.unknownBadge' } });
    expect(operatorHash('王芳')).not.toBe(operatorHash('王芳芳'));
  });

  it('no order code can be a control code (":" is refused in order codes)', () => {
    expect(parseControlCode('SF1400123456789')).toBeNull();
    expect(parseControlCode('PWSTOP')).toBeNull();
    expect(decideScan(idle, 'PW-STOP', 0).kind).toBe('start');
  });
});

describe('tracking-number patterns', () => {
  it.each([
    ['SF', 'SF1400123456789'],
    ['ZTO', '773012345678901'.slice(0, 12)],
    ['YTO', 'YT1234567890123'],
    ['STO', '773098765432'],
    ['Yunda', '4312345678901'],
    ['JD', 'JDVA12345678901'],
    ['EMS', 'EA123456789CN'],
    ['J&T', 'JT1234567890123'],
    ['UPS', '1Z999AA10123456784'],
    ['FedEx', '123456789012345'],
    ['DHL', '1234567890'],
  ])('%s number %s is recorded without a warning', (_c, code) => {
    const d = decideScan(idle, code, 0);
    expect(d).toEqual({ kind: 'start', order: code });
  });

  it('every carrier of the issue has a pattern', () => {
    expect(CARRIER_PATTERNS.map((p) => p.id).slice(0, 11)).toEqual(['sf', 'zto', 'yto', 'sto', 'yunda', 'jd', 'ems', 'jt', 'ups', 'fedex', 'dhl']);
  });

  it('a code that matches no pattern is recorded with a warning', () => {
    expect(decideScan(idle, 'ORDER-42', 0)).toEqual({
      kind: 'start',
      order: 'ORDER-42',
      warning: { key: 'scan.unknownPattern', params: { order: 'ORDER-42' } },
    });
  });

  it('own patterns count as known', () => {
    const opts = { ...DEFAULT_MACHINE_OPTIONS, rules: { ...DEFAULT_CODE_RULES, custom: ['ORDER-\\d+'] } };
    expect(decideScan(idle, 'ORDER-42', 0, opts)).toEqual({ kind: 'start', order: 'ORDER-42' });
  });

  it('with no pattern enabled, nothing is checked', () => {
    expect(classifyCode('ANYTHING', { ...DEFAULT_CODE_RULES, carriers: [] }).cls.kind).toBe('unchecked');
  });

  it('strips a configured prefix and suffix', () => {
    const opts = { ...DEFAULT_MACHINE_OPTIONS, rules: { ...DEFAULT_CODE_RULES, stripPrefix: 'X', stripSuffix: '_END' } };
    expect(decideScan(idle, 'XSF1400123456789_END', 0, opts)).toEqual({ kind: 'start', order: 'SF1400123456789' });
    // the same label again stops, though the scanner framed it
    expect(decideScan(rec('SF1400123456789'), 'XSF1400123456789_END', 5000, opts)).toEqual({ kind: 'stop', reason: 'same-code' });
    expect(stripFraming('X', { stripPrefix: 'X', stripSuffix: '' })).toBe('X'); // never strips to nothing
  });
});

describe('product barcodes', () => {
  it.each([
    ['EAN-13 (China)', '6901028075862', 'EAN-13'],
    ['EAN-13 (Germany)', '4006381333931', 'EAN-13'],
    ['EAN-8', '96385074', 'EAN-8'],
  ])('%s %s is refused as an order code', (_l, code, kind) => {
    expect(decideScan(idle, code, 0)).toEqual({ kind: 'refuse', msg: { key: 'scan.productBarcode', params: { code, kind } } });
  });

  it('refusing a product barcode does not touch the clip being recorded', () => {
    expect(decideScan(rec('SF1400123456789'), '6901028075862', 5000).kind).toBe('refuse');
  });

  it('a wrong check digit is not a product barcode', () => {
    expect(gs1CheckDigitOk('6901028075863')).toBe(false);
    expect(decideScan(idle, '6901028075863', 0).kind).toBe('start');
  });

  it('can be allowed in settings', () => {
    const opts = { ...DEFAULT_MACHINE_OPTIONS, rules: { ...DEFAULT_CODE_RULES, allowProductBarcodes: true } };
    expect(decideScan(idle, '6901028075862', 0, opts)).toMatchObject({ kind: 'start', order: '6901028075862' });
  });

  it('a 12-digit number that fits a carrier (FedEx) and the UPC check is recorded, with a warning', () => {
    expect(decideScan(idle, '036000291452', 0)).toEqual({
      kind: 'start',
      order: '036000291452',
      warning: { key: 'scan.alsoProduct', params: { order: '036000291452', kind: 'UPC-A' } },
    });
  });
});

describe('picture-in-picture geometry', () => {
  it.each(['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const)('%s inset is inside the frame and above the overlay band', (corner) => {
    const r = pipRect(1280, 720, 16 / 9, corner, 30);
    const g = overlayGeometry(1280, 720);
    expect(r.width).toBe(384);
    expect(r.height).toBe(216);
    expect(r.x).toBeGreaterThanOrEqual(0);
    expect(r.x + r.width).toBeLessThanOrEqual(1280);
    expect(r.y + r.height).toBeLessThan(g.bandTop);
    for (const v of [r.x, r.y, r.width, r.height]) expect(v % 2).toBe(0); // whole chroma samples
  });
});
