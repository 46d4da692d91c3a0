import { defineConfig } from 'vitest/config';

// The project's own tests. Lab graders (labs/*/grader.test.ts) are not run directly: netlab's
// grading runs them against a submission (see src/grade/).
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
