// What the Electron preload exposes on window.packwitness (door 1). Declared here so the renderer
// typechecks without importing anything from the Electron side.
import type { WireResult } from '../../../shared/contract.ts';

export type { WireResult };

export interface PackWitnessBridge {
  call(name: string, input: unknown): Promise<WireResult>;
  on(listener: (event: string, payload: unknown) => void): () => void;
  onShutdownRequest(cb: () => Promise<void> | void): void;
}

declare global {
  interface Window {
    packwitness?: PackWitnessBridge;
  }
}
