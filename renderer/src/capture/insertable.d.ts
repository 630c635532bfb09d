// Chromium's insertable streams for MediaStreamTrack (not yet in TypeScript's DOM library).
// Measured here: both constructors exist on the window in Chromium 156; tracks cannot be
// transferred to a worker, so the streams are made on the main thread and transferred instead.
declare class MediaStreamTrackProcessor<T = VideoFrame> {
  constructor(init: { track: MediaStreamTrack; maxBufferSize?: number });
  readonly readable: ReadableStream<T>;
}
declare class MediaStreamTrackGenerator<T = VideoFrame> extends MediaStreamTrack {
  constructor(init: { kind: 'video' | 'audio' });
  readonly writable: WritableStream<T>;
}
