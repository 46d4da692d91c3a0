// Copies what tsc does not emit into dist/: lessons, hints and their translations, exercise
// sources (starters and reference solutions stay TypeScript, as the learner sees them), and
// package metadata.
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const labs = 'labs';
for (const id of readdirSync(labs)) {
  const src = join(labs, id);
  const out = join('dist', labs, id);
  // lesson.md, hints.md and their translations (lesson.zh-CN.md, texts.zh-CN.json, …).
  for (const file of readdirSync(src)) {
    if (/^(lesson|hints)(\.[A-Za-z-]+)?\.md$|^texts\.[A-Za-z-]+\.json$/.test(file)) cpSync(join(src, file), join(out, file));
  }
  if (existsSync(join(src, 'exercise'))) {
    rmSync(join(out, 'exercise'), { recursive: true, force: true });
    cpSync(join(src, 'exercise'), join(out, 'exercise'), { recursive: true });
  }
}

// Each lab's reference solution as plain JavaScript too, when it imports only Node's own
// modules: a demo runs it (src/runtime/demo.ts) in processes that start without netlab's module
// hooks and esbuild. Its source map names solution.ts beside it, so stacks point there.
{
  const { importsOnlyBuiltins, plainCopyOf, typescriptTransform } = await import('../dist/src/runtime/plain-module.js');
  const { transform } = await import('esbuild');
  const { readFileSync, writeFileSync } = await import('node:fs');
  for (const id of readdirSync(labs)) {
    const solution = join('dist', labs, id, 'exercise', 'solution.ts');
    if (!existsSync(solution)) continue;
    const { code } = await transform(readFileSync(solution, 'utf8'), typescriptTransform('solution.ts'));
    if (importsOnlyBuiltins(code)) writeFileSync(plainCopyOf(solution), code);
  }
}

// The workspace's launcher, which `netlab init` copies into a workspace as it is.
cpSync(join('src', 'workspace', 'launcher.mjs'), join('dist', 'src', 'workspace', 'launcher.mjs'));

// A catalog of the labs' one-line facts, derived from the built labs (never written by hand),
// so that `netlab list` can show them without importing every lab's code (startup budget).
const { loadLabs, LABS_DIR } = await import('../dist/src/lab/registry.js');
const catalog = (await loadLabs()).map((lab) => ({
  id: lab.id,
  title: lab.title,
  summary: lab.summary,
  order: lab.order,
  /** The lab can tell whether this machine runs it: `list` asks that lab alone. */
  checksPlatform: typeof lab.unsupported === 'function',
}));
const { writeFileSync } = await import('node:fs');
writeFileSync(join(LABS_DIR, 'catalog.json'), JSON.stringify(catalog, null, 2) + '\n');
