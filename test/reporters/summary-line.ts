import { writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends `npm test` with the plain line `N passed, N failed` (counting tests), which CI reads.
 * Skipped tests are counted on the line before it when there are any. Under `npm test`
 * (scripts/test.mjs: the type-check beside the tests, maybe other Node versions after them),
 * each run writes its counts to `NETLAB_SUMMARY_FILE` instead, and the one line at the very end
 * adds them up; vitest run directly prints the line itself.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but must not pass silently.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    const file = process.env.NETLAB_SUMMARY_FILE;
    if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
    // The counts line is the last one, exactly `N passed, N failed`: skipped tests come before it.
    else process.stdout.write(`\n${skipped ? `${skipped} skipped\n` : ''}${passed} passed, ${failed} failed\n`);
  }
}
