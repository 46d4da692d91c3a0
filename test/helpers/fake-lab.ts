import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../src/lab/types.js';

/**
 * A lab folder under `root` with the files given (paths relative to the lab folder), and its
 * Lab description: for tests of what netlab does around a lab, without a real one's demos.
 */
export function fakeLab(root: string, id: string, files: Record<string, string>, extra: Partial<Lab> = {}): Lab {
  const dir = join(root, 'labs', id);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return {
    id,
    title: id,
    summary: id,
    order: 10,
    exports: [],
    scenarios: {},
    dir,
    lessonPath: join(dir, 'lesson.md'),
    hintsPath: join(dir, 'hints.md'),
    starterPath: join(dir, 'exercise', 'starter.ts'),
    solutionPath: join(dir, 'exercise', 'solution.ts'),
    graderPath: join(dir, 'grader.test.ts'),
    ...extra,
  } as Lab;
}
