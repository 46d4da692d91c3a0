import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
    // on the processes and sockets it drives, so two files side by side use the CPU that waiting
    // leaves (the contract test, the longest, runs beside all the others).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
