import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.js';

// The project's own tests: test/ for src/ and cli/, and each lab's own tests in labs/<id>/test/
// (so that adding a lab touches nothing outside its folder). Lab graders (labs/<id>/grader.test.ts)
// are not project tests: `netlab grade` runs them against a submission (see src/grade/).
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}', 'labs/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // netlab speaks the language of the locale (LANG=zh_CN.UTF-8 → Chinese); the suite asserts
    // English texts whatever the developer's locale is, and the language tests choose their own.
    env: { NETLAB_LANG: 'en' },
    // vitest's default on 2 cores is one file at a time; most of a file's time is spent waiting
    // on the processes and sockets it drives, so one file more than there are cores uses the CPU
    // that waiting leaves: on 2 cores the contract test (the longest; test/sequencer.ts starts it
    // first) runs beside two lanes of the others (measured: 286 s with two lanes in all, 268 s
    // with three, the same CPU).
    maxWorkers: availableParallelism() + 1,
    reporters: ['default', './test/reporters/summary-line.ts'],
    sequence: { sequencer: LongestFirst },
  },
});
