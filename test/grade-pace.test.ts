/**
 * The machine's pace (src/grade/pace.ts): grading's default limits are multiplied by how much
 * slower than a quiet machine a trivial Node process starts right now.
 */
import { describe, expect, test } from 'vitest';
import { MAX_PACE, QUIET_START_MS, measurePace, paceOf, paced, startTime } from '../src/grade/pace.js';

describe('pace', () => {
  test('a quiet machine (or a faster one) has pace 1: limits stay as written', () => {
    expect(paceOf(QUIET_START_MS)).toBe(1);
    expect(paceOf(QUIET_START_MS / 3)).toBe(1);
  });

  test('a machine three times as slow has pace 3, and limits three times as long', () => {
    expect(paceOf(QUIET_START_MS * 3)).toBe(3);
    expect(paced(5000, paceOf(QUIET_START_MS * 3))).toBe(15_000);
  });

  test('the pace has a ceiling, so code that hangs is still caught in bounded time', () => {
    expect(paceOf(QUIET_START_MS * 1000)).toBe(MAX_PACE);
  });

  test('measured here and now: a real Node process starts and exits, and the pace is within its bounds', async () => {
    expect(await startTime()).toBeGreaterThan(0);
    const pace = await measurePace();
    expect(pace).toBeGreaterThanOrEqual(1);
    expect(pace).toBeLessThanOrEqual(MAX_PACE);
  });
});
