// The signal of one outgoing request: aborted by its timeout or by a long-lived signal (the
// station shutting down), and let go of when the request is over.
//
// Not AbortSignal.any([AbortSignal.timeout(ms), longLived]): Node (22.23) files a weak reference
// to every signal composed that way in the long-lived one and never drops it, about 2 KB per call,
// so a station asking a TSA for every clip, for weeks, grows by that much per clip. Here the
// long-lived signal holds one listener per request in flight, removed by release().

export interface RequestSignal {
  readonly signal: AbortSignal;
  /** Stops the timer and unhooks from the long-lived signal; call it once the answer is read. */
  release(): void;
}

export function requestSignal(timeoutMs: number, outer?: AbortSignal): RequestSignal {
  const ctrl = new AbortController();
  if (outer?.aborted) {
    ctrl.abort(outer.reason);
    return { signal: ctrl.signal, release: () => {} };
  }
  const onOuter = (): void => ctrl.abort(outer?.reason);
  outer?.addEventListener('abort', onOuter, { once: true });
  // The same reason AbortSignal.timeout gives, so the error a caller shows reads as before.
  const timer = setTimeout(() => ctrl.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), timeoutMs);
  // Like AbortSignal.timeout's: the timer alone never keeps a process alive.
  timer.unref();
  return {
    signal: ctrl.signal,
    release: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}
