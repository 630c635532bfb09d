// Auto stop. Max duration counts from the clip's start. Idle means nothing happened at the station
// for idleStopMs: no scan, no key, no click AND nothing moving in the picture (the overlay worker
// watches a sparse grid of pixels; see detectMotion in overlayWorker.ts). A packer's hands are in
// the parcel, not on the keyboard, so the picture is what says someone is still packing; a station
// left recording an empty table (the packer walked away, forgot the stop) is what this ends.
// Both finish the clip normally, with the reason in the index.
//
// One timer at the next moment a stop could be due; when it fires and activity or motion moved
// that moment on, it is set again for the new one.
import type { Settings, StopReason } from '../../../shared/contract.ts';
import type { StationState } from './stationState.ts';

export interface AutoStopHost {
  state: StationState;
  settings(): Settings | null;
  /** performance.now() of the last movement in the picture (0: none seen). */
  lastMotionAt(): number;
  /** Stops the clip with this recording id, if it is still the one recording (a scan may have got there first). */
  stop(recordingId: string, reason: StopReason): void;
  now(): number;
}

export class AutoStop {
  private readonly host: AutoStopHost;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** performance.now() of the last scan, key press or click at the station. */
  private lastActivity: number;
  /** The recording a stop was asked for: not asked again while the stop waits its turn. */
  private requested: string | null = null;
  private disposed = false;

  constructor(host: AutoStopHost) {
    this.host = host;
    this.lastActivity = host.now();
    // A clip starting or ending, or other settings, moves the next moment a stop could be due.
    host.state.subscribe(() => this.arm());
  }

  /** A scan, key press or click at the station: keeps an idle clip alive. */
  activity(): void {
    this.lastActivity = this.host.now();
  }

  /** When and why the clip being recorded is due to stop; null when it is not recording or never is. */
  private due(): { at: number; reason: StopReason; recordingId: string } | null {
    const s = this.host.settings();
    const snap = this.host.state.snapshot;
    if (!s || snap.phase !== 'recording' || snap.startedAt === null || !snap.recordingId || snap.recordingId === this.requested) return null;
    const candidates: { at: number; reason: StopReason }[] = [];
    if (s.maxClipMs > 0) candidates.push({ at: snap.startedAt + s.maxClipMs, reason: 'auto-max-duration' });
    if (s.idleStopMs > 0) candidates.push({ at: Math.max(this.lastActivity, snap.startedAt, this.host.lastMotionAt()) + s.idleStopMs, reason: 'auto-idle' });
    // Both due: max duration is the reason given (it is the one that is certain).
    const first = candidates.sort((a, b) => a.at - b.at || (a.reason === 'auto-max-duration' ? -1 : 1))[0];
    return first ? { ...first, recordingId: snap.recordingId } : null;
  }

  private arm(): void {
    if (this.disposed) return;
    const d = this.due();
    if (!d) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      return;
    }
    if (this.timer) return; // set already; when it fires it looks again
    this.timer = setTimeout(() => this.fire(), Math.max(0, d.at - this.host.now()));
  }

  private fire(): void {
    this.timer = null;
    const d = this.due();
    if (d && d.at <= this.host.now()) {
      this.requested = d.recordingId;
      this.host.stop(d.recordingId, d.reason);
    } else this.arm();
  }

  /** Settings changed: a shorter limit may be due sooner than the timer set for the old one. */
  settingsChanged(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.arm();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
