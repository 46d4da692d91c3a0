import { performance } from 'node:perf_hooks';

/**
 * One clock across processes: the parent passes the run's start as epoch milliseconds in
 * NETLAB_T0, and every process measures from it with its own high-resolution timer.
 */
export const T0_ENV = 'NETLAB_T0';

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export function createClock(t0: number = Number(process.env[T0_ENV]) || epochNow()): () => number {
  return () => Math.round((epochNow() - t0) * 1000) / 1000;
}
