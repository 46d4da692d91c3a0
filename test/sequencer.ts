import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, started first and in this order (a path, or a folder ending in
 * `/`), whatever vitest remembers: a fresh clone (CI) remembers no durations, and vitest would
 * start the largest files first, which left the contract test (a third of the suite's CPU) to
 * run at the end, alone, and an npm pack and install as the last file of all.
 */
const LONGEST = [
  'test/contract.test.ts',
  'test/grade-cli.test.ts',
  'test/grade-packets.test.ts',
  'test/start-tmux.test.ts',
  'test/pack.test.ts',
  'test/cli.test.ts',
  // Busy-looping learner code, on purpose: ~30 s of CPU (last of all, it ran alone at the end).
  'test/grade-harness.test.ts',
  // Each lab's own tests: its demos, real processes and sockets for seconds each.
  'labs/',
  'test/grade-reporters.test.ts',
  'test/i18n-cli.test.ts',
  'test/grade-i18n.test.ts',
];

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification): number => {
      const path = relative(file.project.config.root, file.moduleId).split('\\').join('/');
      const at = LONGEST.findIndex((p) => (p.endsWith('/') ? path.startsWith(p) : path === p));
      return at < 0 ? LONGEST.length : at;
    };
    // Array.prototype.sort is stable: the rest keep vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
