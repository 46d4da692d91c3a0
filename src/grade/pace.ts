/**
 * How fast this machine is right now, as a factor (≥ 1) that grading's time limits are
 * multiplied by: a classroom's CI runner or a busy laptop must not fail correct code for being
 * slow, and code that hangs must still be caught. The measure is taken in the same run it is
 * used in: how long a trivial Node process takes to start and exit, against what that takes on
 * a quiet machine. Starting Node is CPU-bound work much like loading a learner's module and
 * answering a check, so it slows down as they do when the cores are shared.
 */
import { spawn } from 'node:child_process';

/** A trivial Node process's start and exit on a quiet machine, in ms (a generous figure). */
export const QUIET_START_MS = 60;
/** The largest factor: beyond it the machine is too slow to grade usefully anyway. */
export const MAX_PACE = 8;

/** Wall time of one trivial Node process from spawn to exit, in ms. */
export function startTime(): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: { PATH: process.env.PATH ?? '' } });
    const done = () => resolve(performance.now() - started);
    child.once('error', done);
    child.once('close', done);
  });
}

/** The factor for a measured start time (1 on a quiet machine, at most {@link MAX_PACE}). */
export function paceOf(startMs: number): number {
  const factor = startMs / QUIET_START_MS;
  return Math.round(Math.min(MAX_PACE, Math.max(1, factor)) * 100) / 100;
}

/**
 * Measure the pace now: the quicker of two starts (one start can be unlucky, and a machine
 * that is slow is slow both times).
 */
export async function measurePace(): Promise<number> {
  const first = await startTime();
  const second = await startTime();
  return paceOf(Math.min(first, second));
}

/** `ms` scaled by `pace`, rounded to whole ms. */
export function paced(ms: number, pace: number): number {
  return Math.round(ms * pace);
}
