// What end-to-end tests and benchmarks reach on the station page (window.__pwStation), kept apart
// from what the station does: scans and stops as a scanner would give them, the snapshot, and the
// diagnostics a failed test prints so a failure on a CI machine says where the frames stopped.
import type { StopReason } from '../../../shared/contract.ts';
import type { CodeSource, StationSnapshot } from './stationState.ts';
import type { CameraPipeline } from './cameraSupervisor.ts';

export interface StationTestHookParts {
  snapshot(): StationSnapshot;
  scan(code: string, source?: CodeSource): Promise<void>;
  stop(reason?: StopReason): Promise<void>;
  pipeline(): CameraPipeline | null;
  recorderState(): RecordingState | null;
  blocked(): string | null;
  labels(): unknown;
  /** Called with a listener for what the camera did (opened, dark, failed). */
  watchCamera(listener: (text: string) => void): void;
}

const CAMERA_LOG_SIZE = 8;

export class StationTestHook {
  private readonly parts: StationTestHookParts;
  /** The camera's last few openings and failures. */
  private readonly cameraLog: string[] = [];

  constructor(parts: StationTestHookParts) {
    this.parts = parts;
    parts.watchCamera((text) => {
      this.cameraLog.push(`${Math.round(performance.now())} ms: ${text}`);
      if (this.cameraLog.length > CAMERA_LOG_SIZE) this.cameraLog.shift();
    });
  }

  get snapshot(): StationSnapshot {
    return this.parts.snapshot();
  }

  scan(code: string, source?: CodeSource): Promise<void> {
    return this.parts.scan(code, source);
  }

  stop(reason?: StopReason): Promise<void> {
    return this.parts.stop(reason);
  }

  /** The open camera pipeline (the station bench watches its overlay worker). */
  get pipeline(): CameraPipeline | null {
    return this.parts.pipeline();
  }

  /** Frames the overlay worker has processed so far. */
  get framesProcessed(): number {
    return this.parts.pipeline()?.frames ?? 0;
  }

  get cameraTrack(): MediaStreamTrack | null {
    return this.parts.pipeline()?.cameraTrack ?? null;
  }

  get diagnostics(): Record<string, unknown> {
    const p = this.parts.pipeline();
    const { phase, order, saving, message, pip } = this.parts.snapshot();
    return {
      phase,
      order,
      saving,
      message: message ? { level: message.level, key: message.msg.key, params: message.msg.params } : null,
      pip,
      camera: p ? p.cameraTrack.readyState : 'closed',
      frames: p?.frames ?? null,
      pipFrames: p?.pipFrames ?? null,
      lastFrameAgoMs: p?.lastFrameAt ? Math.round(performance.now() - p.lastFrameAt) : null,
      overlayError: p?.overlayError ?? null,
      recordersMade: p?.recorders.created ?? null,
      clipState: this.parts.recorderState(),
      blocked: this.parts.blocked(),
      cameraLog: [...this.cameraLog],
      labels: this.parts.labels(),
    };
  }
}
