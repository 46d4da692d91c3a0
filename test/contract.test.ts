/**
 * The lab contract (SPEC §4, STYLE 7): the authoring linter, run over every lab the registry
 * finds. Each lab folder has its id as name, a lesson in steps, hints, a starter with `// TODO`
 * that type-checks, and a grader that discriminates: through the real grading pipeline the
 * reference solution passes every check, the starter fails, every `good--*` fixture passes and
 * every `bad--<check>--*` fixture fails the check its name gives.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transformSync } from 'esbuild';
import { splitSections } from '../src/lab/lesson.js';
import { workspaceTsconfig } from '../src/workspace/init.js';
import type { Lab } from '../src/lab/types.js';
import type { LabReport } from '../src/grade/types.js';
import { DIST, ROOT, failedChecks, gradeEntries, tempDir, type Entry } from './grade-support.js';

const { loadLabs } = (await import(new URL('../dist/src/lab/registry.js', import.meta.url).href)) as { loadLabs: () => Promise<Lab[]> };
const labs = await loadLabs();
const FIXTURE = /^(good--[a-z0-9-]+|bad--([a-z0-9-]+?)--[a-z0-9-]+)\.(ts|mts|js|mjs)$/;

/** A lab's source folder (the registry found its built copy in dist/). */
function src(lab: Lab, ...parts: string[]): string {
  return join(ROOT, 'labs', lab.id, ...parts);
}

function fixtures(lab: Lab): string[] {
  const dir = src(lab, 'fixtures');
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')).sort() : [];
}

test('the registry finds the labs, in order, from the built package', () => {
  expect(labs.length).toBeGreaterThanOrEqual(1);
  expect(labs[0]!.id).toBe('tcp-echo');
  for (const lab of labs) expect(lab.dir.startsWith(join(DIST, 'labs'))).toBe(true);
});

describe.each(labs.map((lab) => [lab.id, lab] as const))('lab %s', (_id, lab) => {
  test('its id is its folder name, kebab-case', () => {
    expect(basename(lab.dir)).toBe(lab.id);
    expect(lab.id).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(existsSync(src(lab))).toBe(true);
  });

  test('lesson.md is a lesson in steps ("## " headings), each with text', () => {
    const steps = splitSections(readFileSync(src(lab, 'lesson.md'), 'utf8'));
    expect(steps.length, 'at least two steps').toBeGreaterThanOrEqual(2);
    for (const step of steps) expect(step.body.length, `step "${step.title}" has text`).toBeGreaterThan(40);
  });

  test('hints.md has hints ("## " headings), revealed one by one', () => {
    expect(existsSync(src(lab, 'hints.md')), 'hints.md exists').toBe(true);
    const hints = splitSections(readFileSync(src(lab, 'hints.md'), 'utf8'));
    expect(hints.length).toBeGreaterThanOrEqual(2);
    for (const hint of hints) expect(hint.body.length, `hint "${hint.title}" has text`).toBeGreaterThan(20);
  });

  test('the starter has // TODO markers and exports what the exercise requires', () => {
    const starter = readFileSync(src(lab, 'exercise', 'starter.ts'), 'utf8');
    expect(starter).toContain('// TODO');
    expect(lab.exports.length).toBeGreaterThan(0);
    for (const name of lab.exports) expect(starter, `starter exports ${name}`).toMatch(new RegExp(`export\\s+(async\\s+)?(function\\s*\\*?|const|let)\\s+${name}\\b`));
    expect(existsSync(src(lab, 'exercise', 'solution.ts')), 'a reference solution').toBe(true);
    expect(existsSync(src(lab, 'grader.test.ts')), 'a grader').toBe(true);
    expect(existsSync(src(lab, 'grade', 'host.ts')), 'a grading host').toBe(true);
  });

  test('fixtures are named good--<what> or bad--<check-id>--<what>, and parse', () => {
    for (const name of fixtures(lab)) {
      expect(name, 'fixture name').toMatch(FIXTURE);
      const code = readFileSync(src(lab, 'fixtures', name), 'utf8');
      expect(() => transformSync(code, { loader: 'ts', format: 'esm', sourcefile: name }), `${name} parses`).not.toThrow();
    }
  });
});

test('starters and reference solutions type-check (strict, Node types), as a learner\'s editor sees them', () => {
  const files = labs.flatMap((lab) => [src(lab, 'exercise', 'starter.ts'), src(lab, 'exercise', 'solution.ts')]).filter(existsSync);
  const tmp = tempDir('netlab-contract-tsc-');
  try {
    const config = join(tmp.dir, 'tsconfig.json');
    writeFileSync(
      config,
      JSON.stringify({
        // Exactly the options `netlab init` gives the learner, with netlab's own Node types.
        compilerOptions: { ...workspaceTsconfig().compilerOptions, typeRoots: [join(ROOT, 'node_modules', '@types')] },
        files,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  } finally {
    tmp.remove();
  }
}, 120_000);

describe('grading discriminates (real pipeline: dist runner, vitest, learner processes)', () => {
  const entries: Array<Entry & { what: string }> = [];
  for (const lab of labs) {
    entries.push({ lab: lab.id, file: src(lab, 'exercise', 'solution.ts'), what: 'solution' });
    entries.push({ lab: lab.id, file: src(lab, 'exercise', 'starter.ts'), what: 'starter' });
    for (const name of fixtures(lab)) entries.push({ lab: lab.id, file: src(lab, 'fixtures', name), what: name });
  }
  let reports: LabReport[] = [];
  const reportOf = (lab: string, what: string): LabReport => {
    const i = entries.findIndex((e) => e.lab === lab && e.what === what);
    return reports[i]!;
  };
  const describeChecks = (r: LabReport) =>
    r.checks.map((c) => `${c.status === 'passed' ? '✓' : c.status === 'skipped' ? '-' : '✗'} ${c.id}${c.message ? `: ${c.message.split('\n')[0]}` : ''}`).join('\n');

  beforeAll(async () => {
    reports = await gradeEntries(entries, { concurrency: 6 });
  }, 900_000);

  for (const lab of labs) {
    const unsupported = lab.unsupported?.() ?? null;
    describe(lab.id, () => {
      test.skipIf(Boolean(unsupported))(`the reference solution passes every check${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
        const r = reportOf(lab.id, 'solution');
        expect(r.error).toBeUndefined();
        expect(r.checks.length, 'the grader declares checks').toBeGreaterThan(0);
        expect(failedChecks(r), describeChecks(r)).toEqual([]);
        expect(r.status).toBe('passed');
      });

      test.skipIf(Boolean(unsupported))('the starter fails grading', () => {
        const r = reportOf(lab.id, 'starter');
        expect(r.error).toBeUndefined();
        expect(failedChecks(r).length, describeChecks(r)).toBeGreaterThan(0);
      });

      for (const name of fixtures(lab)) {
        const m = FIXTURE.exec(name);
        const checkId = m?.[2];
        test.skipIf(Boolean(unsupported) || !m)(checkId ? `${name} fails the check "${checkId}"` : `${name} passes every check`, () => {
          const r = reportOf(lab.id, name);
          expect(r.error).toBeUndefined();
          if (!checkId) {
            expect(failedChecks(r), describeChecks(r)).toEqual([]);
            return;
          }
          expect(r.checks.map((c) => c.id), `the lab has a check "${checkId}"`).toContain(checkId);
          expect(failedChecks(r), describeChecks(r)).toContain(checkId);
          // A fixture may state exactly which checks it fails (`// Fails: a, b`): then it must.
          const declared = /^\/\/ Fails: (.+)$/m.exec(readFileSync(src(lab, 'fixtures', name), 'utf8'));
          if (declared) {
            const ids = declared[1]!.split(',').map((x) => x.trim()).sort();
            expect(failedChecks(r).sort(), describeChecks(r)).toEqual(ids);
          }
          const failure = r.checks.find((c) => c.id === checkId)!;
          expect(failure.message?.length ?? 0, 'a message the learner can act on').toBeGreaterThan(30);
        });
      }
    });
  }
});
