import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, started first in this order whatever vitest remembers: a fresh
 * clone (CI) remembers no durations, and vitest would start the largest files first, which
 * left the contract test (a third of the suite's CPU) to run at the end, alone.
 */
const LONGEST = [
  'test/contract.test.ts',
  'test/grade-cli.test.ts',
  'test/start-tmux.test.ts',
  'test/grade-packets.test.ts',
  'test/grade-pack.test.ts',
  'test/cli.test.ts',
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const at = LONGEST.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return at < 0 ? LONGEST.length : at;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
