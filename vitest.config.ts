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
    reporters: ['default', './test/reporters/summary-line.ts'],
  },
});
