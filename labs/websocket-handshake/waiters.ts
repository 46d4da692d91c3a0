/**
 * Waiting for a condition that socket events change, for the lab's clients (demo and grader):
 * every event that may change what a condition reads calls `wake()`, so a wait ends as soon as
 * it can instead of polling.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  wake(): void {
    for (const w of this.pending) w();
  }

  /**
   * Resolve with true once `done()` holds; with false after `timeoutMs`, or as soon as `over()`
   * says nothing more will come (the connection ended) and `done()` still does not hold.
   */
  async until(done: () => boolean, timeoutMs: number, over: () => boolean = () => false): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0 || over()) return done();
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pending.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.pending.add(wake);
      });
    }
    return true;
  }
}
