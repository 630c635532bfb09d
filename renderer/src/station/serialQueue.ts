// The station's one line of work: scans, stops, camera recoveries and camera changes run one after
// another in the order they came, so no two of them ever act on the same clip or camera at once.
// A task that fails does not hold up or cancel the ones after it.
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` after every task given before it; resolves or rejects with its outcome. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Like run, for work whose outcome nobody waits for: a failure is logged, never left unhandled. */
  post(task: () => unknown): void {
    this.run(task).catch((err: unknown) => console.error('station task failed', err));
  }

  /** Resolves once every task given so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
