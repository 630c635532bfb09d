// What the station page exposes for tests and benchmarks (see renderer/src/station/StationContext.tsx).
export {};
declare global {
  interface Window {
    __pwStation?: {
      scan(code: string): Promise<void>;
      stop(reason?: string): Promise<void>;
      readonly framesProcessed: number;
      readonly cameraTrack: MediaStreamTrack | null;
      readonly diagnostics: Record<string, unknown>;
    };
  }
}
