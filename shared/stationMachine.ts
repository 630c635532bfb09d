// What a scan means, as a pure function: the station page and the tests share it, so the rules
// a packer relies on ("same code again stops", "double scans are ignored") live in one place.
import { parseOrderCode } from './orderCode.ts';

export type StationPhase = 'starting' | 'idle' | 'recording' | 'error';

export interface MachineState {
  phase: StationPhase;
  order: string | null;
  /** Monotonic ms when the current recording started. */
  startedAt: number | null;
}

export type Decision =
  | { kind: 'start'; order: string }
  | { kind: 'switch'; order: string }
  | { kind: 'stop'; reason: 'same-code' }
  | { kind: 'ignore'; message: string }
  | { kind: 'refuse'; message: string };

export interface MachineOptions {
  /** A second scan of the same label within this time is a double scan, not a stop. */
  doubleScanMs: number;
}

export const DEFAULT_MACHINE_OPTIONS: MachineOptions = { doubleScanMs: 1500 };

export function decideScan(state: MachineState, raw: string, now: number, opts = DEFAULT_MACHINE_OPTIONS): Decision {
  const parsed = parseOrderCode(raw);
  if (!parsed.ok) return { kind: 'refuse', message: parsed.reason };
  const code = parsed.code;
  if (state.phase === 'error') return { kind: 'refuse', message: 'The station cannot record right now; see the problem shown.' };
  if (state.phase === 'starting') return { kind: 'refuse', message: 'The station is still starting; scan again in a moment.' };
  if (state.phase === 'idle') return { kind: 'start', order: code };
  if (code === state.order) {
    if (state.startedAt !== null && now - state.startedAt < opts.doubleScanMs) {
      return { kind: 'ignore', message: `Double scan of ${code} ignored; still recording.` };
    }
    return { kind: 'stop', reason: 'same-code' };
  }
  return { kind: 'switch', order: code };
}
