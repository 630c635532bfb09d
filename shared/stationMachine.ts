// What a scan means, as a pure function: the station page (either door: the Electron window and a
// LAN browser run the same page and so this same code) and the tests share it, so the rules a packer
// relies on ("same code again stops", "double scans are ignored", "PW:STOP stops") live in one place.
//
// Messages are i18n keys with parameters, not sentences: the page shows them in the packer's language.
import { classifyCode, DEFAULT_CODE_RULES, stripFraming, type CodeRules } from './codePatterns.ts';
import { parseOrderCode } from './orderCode.ts';

export type StationPhase = 'starting' | 'idle' | 'recording' | 'error';
export type StationMode = 'shipping' | 'returns';

export interface MachineState {
  phase: StationPhase;
  order: string | null;
  /** Monotonic ms when the current recording started. */
  startedAt: number | null;
  mode?: StationMode;
  operator?: string | null;
  /** In the error phase: why the station cannot record (a scan is refused with this reason). */
  problem?: Msg | null;
  /** Monotonic ms of a first PW:DISCARD scan of the clip being recorded, waiting for its confirmation. */
  discardArmedAt?: number | null;
}

export interface Msg {
  key: string;
  params?: Record<string, string | number>;
  /** Parameters that are engine sentences (shared/messages.ts): worded in the UI language, else the English in `params`. */
  words?: Record<string, { code: string; params: Record<string, string | number> }[]>;
}

export type Decision =
  | { kind: 'start'; order: string; warning?: Msg }
  | { kind: 'switch'; order: string; warning?: Msg }
  | { kind: 'stop'; reason: 'same-code' | 'stop-code' }
  | { kind: 'discard' }
  /** A first PW:DISCARD: nothing is thrown away until the same code is scanned again in time. */
  | { kind: 'discardArm'; msg: Msg }
  | { kind: 'mode'; mode: StationMode }
  | { kind: 'operator'; operator: string | null }
  | { kind: 'ignore'; msg: Msg }
  | { kind: 'refuse'; msg: Msg };

export interface MachineOptions {
  /** A second scan of the same label within this time is a double scan, not a stop. */
  doubleScanMs: number;
  rules: CodeRules;
  /** Operator names from the settings, to resolve ASCII badges of non-Latin names (PW:OPH:…). */
  operators?: readonly string[];
}

export const DEFAULT_MACHINE_OPTIONS: MachineOptions = { doubleScanMs: 1500, rules: DEFAULT_CODE_RULES };

// A discarded clip is gone for good, and one stray scan of the control sheet must not cost the
// evidence of a parcel: PW:DISCARD takes effect only when scanned a second time within this window.
// A few seconds is long enough to find the code again, short enough that an old first scan never
// turns a later one into a discard.
export const DISCARD_CONFIRM_MS = 5000;
// Below this, the second read is the same scan read twice (a scanner's double read), not a confirmation.
export const DISCARD_MIN_GAP_MS = 400;

// Control codes carry a prefix with ':' — a character parseOrderCode refuses — so no shipping
// label can ever be mistaken for one, and they are checked before order-code parsing.
export const CONTROL_PREFIX = 'PW:';
export const CONTROL = {
  stop: 'PW:STOP',
  discard: 'PW:DISCARD',
  shipping: 'PW:MODE:SHIPPING',
  returns: 'PW:MODE:RETURNS',
  operatorOut: 'PW:OP-OUT',
  operatorIn: (name: string) => `PW:OP:${name}`,
  /** A badge a keyboard-wedge scanner can type for any name: most cannot type Chinese characters. */
  operatorHash: (name: string) => `PW:OPH:${operatorHash(name)}`,
} as const;

/**
 * FNV-1a (32 bit) of the name's UTF-8 bytes, 8 hex digits. A badge carries this instead of a
 * position in the list, so editing the operator list never makes an old badge log in someone else:
 * a badge whose name is no longer listed is refused.
 */
export function operatorHash(name: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name.normalize('NFC'))) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0').toUpperCase();
}

export const OPERATOR_MAX = 40;
// Names go into the burned-in overlay and the index: letters of any script, digits, space, . _ -
const OPERATOR_OK = /^[\p{L}\p{M}\p{Nd} ._-]+$/u;

export function parseOperatorName(raw: string): string | null {
  const name = raw.trim().replace(/\s+/g, ' ').normalize('NFC');
  if (!name || [...name].length > OPERATOR_MAX || !OPERATOR_OK.test(name)) return null;
  return name;
}

export type ControlCode =
  | { kind: 'stop' }
  | { kind: 'discard' }
  | { kind: 'mode'; mode: StationMode }
  | { kind: 'operator'; operator: string | null }
  | { kind: 'operatorHash'; hash: string }
  | { kind: 'bad'; code: string };

/** null when the scan is not a control code at all. */
export function parseControlCode(raw: string): ControlCode | null {
  const s = raw.replace(/^[\s\u0000-\u001f]+|[\s\u0000-\u001f]+$/gu, '');
  if (s.slice(0, CONTROL_PREFIX.length).toUpperCase() !== CONTROL_PREFIX) return null;
  const body = s.slice(CONTROL_PREFIX.length);
  const upper = body.toUpperCase();
  if (upper === 'STOP') return { kind: 'stop' };
  if (upper === 'DISCARD') return { kind: 'discard' };
  if (upper === 'MODE:SHIPPING') return { kind: 'mode', mode: 'shipping' };
  if (upper === 'MODE:RETURNS') return { kind: 'mode', mode: 'returns' };
  if (upper === 'OP-OUT') return { kind: 'operator', operator: null };
  if (/^OPH:[0-9A-F]{8}$/.test(upper)) return { kind: 'operatorHash', hash: upper.slice(4) };
  if (upper.startsWith('OP:')) {
    const name = parseOperatorName(body.slice(3));
    return name ? { kind: 'operator', operator: name } : { kind: 'bad', code: s.slice(0, 60) };
  }
  return { kind: 'bad', code: s.slice(0, 60) };
}

function decideDiscard(state: MachineState, now: number): Decision {
  if (state.phase !== 'recording') return { kind: 'ignore', msg: { key: 'scan.nothingRecording' } };
  const armed = state.discardArmedAt ?? null;
  const msg: Msg = { key: 'scan.discardArmed', params: { order: state.order ?? '', seconds: DISCARD_CONFIRM_MS / 1000 } };
  if (armed !== null && now - armed >= DISCARD_MIN_GAP_MS && now - armed <= DISCARD_CONFIRM_MS) return { kind: 'discard' };
  if (armed !== null && now - armed >= 0 && now - armed < DISCARD_MIN_GAP_MS) return { kind: 'ignore', msg };
  return { kind: 'discardArm', msg };
}

function decideControl(state: MachineState, control: ControlCode, operators: readonly string[], now: number): Decision {
  let c = control;
  if (c.kind === 'operatorHash') {
    const hash = c.hash;
    const names = operators.filter((n) => operatorHash(n) === hash);
    if (names.length !== 1) return { kind: 'refuse', msg: { key: 'scan.unknownBadge' } };
    c = { kind: 'operator', operator: names[0]! };
  }
  switch (c.kind) {
    case 'bad':
      return { kind: 'refuse', msg: { key: 'scan.badControl', params: { code: c.code } } };
    case 'stop':
      return state.phase === 'recording' ? { kind: 'stop', reason: 'stop-code' } : { kind: 'ignore', msg: { key: 'scan.nothingRecording' } };
    case 'discard':
      return decideDiscard(state, now);
    case 'mode':
      if ((state.mode ?? 'shipping') === c.mode) return { kind: 'ignore', msg: { key: 'scan.alreadyMode', params: { mode: c.mode } } };
      return { kind: 'mode', mode: c.mode };
    case 'operator':
      if ((state.operator ?? null) === c.operator)
        return { kind: 'ignore', msg: { key: c.operator ? 'scan.alreadyOperator' : 'scan.noOperator', params: { name: c.operator ?? '' } } };
      return { kind: 'operator', operator: c.operator };
  }
}

export function decideScan(state: MachineState, raw: string, now: number, opts: MachineOptions = DEFAULT_MACHINE_OPTIONS): Decision {
  // Control codes work in every phase where they make sense: a badge or mode switch while the
  // camera is being reconnected is still taken.
  const control = parseControlCode(raw);
  if (control) {
    if (state.phase === 'starting' && (control.kind === 'stop' || control.kind === 'discard')) return { kind: 'refuse', msg: { key: 'scan.starting' } };
    return decideControl(state, control, opts.operators ?? [], now);
  }
  const parsed = parseOrderCode(raw);
  if (!parsed.ok) return { kind: 'refuse', msg: { key: 'scan.invalid', params: { reason: parsed.reason } } };
  const code = stripFraming(parsed.code, opts.rules);
  if (state.phase === 'error') return { kind: 'refuse', msg: state.problem ?? { key: 'scan.cannotRecord' } };
  if (state.phase === 'starting') return { kind: 'refuse', msg: { key: 'scan.starting' } };
  if (state.phase === 'recording' && code === state.order) {
    if (state.startedAt !== null && now - state.startedAt < opts.doubleScanMs) {
      return { kind: 'ignore', msg: { key: 'scan.doubleScan', params: { order: code } } };
    }
    return { kind: 'stop', reason: 'same-code' };
  }
  const { cls, alsoProduct } = classifyCode(code, opts.rules);
  let warning: Msg | undefined;
  if (cls.kind === 'product' && !opts.rules.allowProductBarcodes)
    return { kind: 'refuse', msg: { key: 'scan.productBarcode', params: { code, kind: cls.product } } };
  if (cls.kind === 'unknown') warning = { key: 'scan.unknownPattern', params: { order: code } };
  else if (alsoProduct) warning = { key: 'scan.alsoProduct', params: { order: code, kind: alsoProduct } };
  const kind = state.phase === 'idle' ? 'start' : 'switch';
  return warning ? { kind, order: code, warning } : { kind, order: code };
}
