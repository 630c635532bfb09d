// What a scan does at this station: the pure rules (shared/stationMachine.ts decideScan) applied to
// the station's state, then carried out: a clip started, switched, stopped or thrown away, a mode
// or an operator set by its control code, a refusal said with what it answers.
import type { Settings } from '../../../shared/contract.ts';
import type { CodeRules } from '../../../shared/codePatterns.ts';
import { decideScan, DEFAULT_MACHINE_OPTIONS, parseControlCode, type Msg } from '../../../shared/stationMachine.ts';
import { errorMessage } from '../../../shared/errorMessage.ts';
import type { CallEngine, ClipSession } from './clipSession.ts';
import { rawMsg, type CodeSource, type StationState } from './stationState.ts';

export function codeRulesOf(s: Settings | null): CodeRules {
  if (!s) return DEFAULT_MACHINE_OPTIONS.rules;
  return {
    carriers: s.carrierPatterns,
    custom: s.customPatterns,
    stripPrefix: s.stripPrefix,
    stripSuffix: s.stripSuffix,
    allowProductBarcodes: s.allowProductBarcodes,
  };
}

export interface ScanHost {
  state: StationState;
  session: ClipSession;
  call: CallEngine;
  settings(): Settings | null;
  /** The mode or operator changed: the overlay of a station not recording shows it at once. */
  idleOverlayChanged(): void;
  now(): number;
}

export class ScanHandler {
  private readonly host: ScanHost;
  /** settings.update calls for the operator not yet answered. */
  private operatorWrites = 0;

  constructor(host: ScanHost) {
    this.host = host;
  }

  async handle(raw: string, source: CodeSource = 'scanner'): Promise<void> {
    const { state, session } = this.host;
    const s = state.snapshot;
    const settings = this.host.settings();
    const d = decideScan(
      {
        phase: s.phase,
        order: s.order,
        startedAt: s.startedAt,
        mode: s.mode,
        operator: s.operator,
        problem: session.blockedMsg,
        discardArmedAt: session.discardArmedAt,
      },
      raw,
      this.host.now(),
      { ...DEFAULT_MACHINE_OPTIONS, rules: codeRulesOf(settings), operators: settings?.operators ?? [] },
    );
    const code = raw.trim();
    switch (d.kind) {
      case 'refuse':
        state.say('error', d.msg);
        state.set({ message: { level: 'error', msg: d.msg, at: Date.now(), answers: code.slice(0, 80) } });
        state.log(code, 'refused', 'error', d.msg, source);
        return;
      case 'ignore':
        // PW:STOP while a frozen camera is being reopened: the order it cut short does not go on.
        if (parseControlCode(raw)?.kind === 'stop') session.releaseHeld();
        state.say('info', d.msg);
        state.set({ message: { level: 'info', msg: d.msg, at: Date.now(), answers: code.slice(0, 80) } });
        state.log(code, 'ignored', 'info', d.msg, source);
        return;
      case 'stop': {
        const order = s.order ?? code;
        session.stop(d.reason);
        state.log(order, 'stopped', 'info', { key: d.reason === 'stop-code' ? 'log.stopCode' : 'log.sameCode' }, source);
        return;
      }
      case 'discard':
        session.discardArmedAt = null;
        session.discard('DISCARD control code scanned');
        return;
      case 'discardArm':
        // Recording goes on; only the same code scanned again in time throws the clip away.
        session.discardArmedAt = this.host.now();
        state.say('warn', d.msg);
        state.log(s.order ?? code, 'discardArmed', 'warn', d.msg, source);
        return;
      case 'mode': {
        // The clip being recorded keeps its mode; the new one applies from the next scan.
        state.set({ mode: d.mode });
        this.host.idleOverlayChanged();
        const msg: Msg = { key: 'scan.modeSet', params: { mode: d.mode } };
        state.say('info', msg);
        state.cue('switch');
        state.log(code, 'mode', 'info', msg, source);
        return;
      }
      case 'operator': {
        const msg: Msg = d.operator
          ? { key: 'scan.operatorIn', params: { name: d.operator } }
          : { key: 'scan.operatorOut', params: { name: s.operator ?? '' } };
        state.set({ operator: d.operator });
        this.saveOperator(d.operator);
        this.host.idleOverlayChanged();
        state.say('info', msg);
        state.cue('switch');
        state.log(d.operator ?? code, 'operator', 'info', msg, source);
        return;
      }
      case 'start':
      case 'switch':
        await session.start(d.order, d.kind, d.warning ?? null, source);
        return;
    }
  }

  /** The engine keeps who is logged in, so a reload or a restart of the station keeps it. */
  private saveOperator(operator: string | null): void {
    this.operatorWrites++;
    this.host
      .call('settings.update', { operator })
      .catch((err: unknown) => this.host.state.say('warn', rawMsg(errorMessage(err))))
      .finally(() => this.operatorWrites--);
  }

  /**
   * The operator to show once settings arrive: a badge scanned at another door of this station logs
   * in here too, but while this page's own writes are under way an older value coming back must not
   * undo the newer scan.
   */
  operatorOf(next: Settings): string | null {
    return this.operatorWrites === 0 ? next.operator : this.host.state.snapshot.operator;
  }
}
