// Copies what tsc does not emit into dist/: lessons, hints, exercise sources (starters and
// reference solutions stay TypeScript, as the learner sees them), and package metadata.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const labs = 'labs';
for (const id of readdirSync(labs)) {
  const src = join(labs, id);
  const out = join('dist', labs, id);
  for (const file of ['lesson.md', 'hints.md']) {
    if (existsSync(join(src, file))) cpSync(join(src, file), join(out, file));
  }
  if (existsSync(join(src, 'exercise'))) {
    rmSync(join(out, 'exercise'), { recursive: true, force: true });
    cpSync(join(src, 'exercise'), join(out, 'exercise'), { recursive: true });
  }
}
