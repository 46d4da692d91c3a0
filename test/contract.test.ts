/**
 * The lab contract: the authoring linter, run over every lab the registry
 * finds. Each lab folder has its id as name, a lesson in steps, hints, a starter with `// TODO`
 * that type-checks, and a grader that discriminates: through the real grading pipeline the
 * reference solution passes every check, the starter fails, every good fixture passes and every
 * bad fixture fails exactly the checks it lists, the first for the reason its `says` gives
 * (src/lab/fixtures.ts: a fixture is a set of edits over the reference solution, written to a
 * temp folder here).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { transformSync } from 'esbuild';
import { splitSections } from '../src/lab/lesson.js';
import { workspaceTsconfig } from '../src/workspace/init.js';
import type { Lab } from '../src/lab/types.js';
import { FIXTURE_INDEX, checkAbout, fixtureSource, labFixtures, messageSays, writeFixture, type Fixture } from '../src/lab/fixtures.js';
import type { LabReport } from '../src/grade/types.js';
import { DIST, ROOT, failedChecks, gradeEntries, tempDir, type Entry } from './grade-support.js';

const { loadLabs } = (await import(new URL('../dist/src/lab/registry.js', import.meta.url).href)) as { loadLabs: () => Promise<Lab[]> };
const labs = await loadLabs();
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A lab's source folder (the registry found its built copy in dist/). */
function src(lab: Lab, ...parts: string[]): string {
  return join(ROOT, 'labs', lab.id, ...parts);
}

const fixturesOf = new Map<string, Fixture[]>(await Promise.all(labs.map(async (lab) => [lab.id, await labFixtures(src(lab))] as const)));
const fixtures = (lab: Lab): Fixture[] => fixturesOf.get(lab.id)!;

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

  test("its own tests are in test/ (where vitest finds them); only the grader's checks sit beside lab.ts", () => {
    const stray = readdirSync(src(lab)).filter((f) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) && f !== 'grader.test.ts');
    expect(stray, 'move these into test/').toEqual([]);
  });

  test('fixtures: fixtures/index.ts and whole good--<what>.ts files only, each named and explained once, each bad one with what its check says', () => {
    const dir = src(lab, 'fixtures');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')) : [];
    for (const file of files) expect(file, 'a fixture file (bad fixtures are edits in index.ts)').toMatch(new RegExp(`^(${FIXTURE_INDEX.replace('.', '\\.')}|good--[a-z0-9-]+\\.ts)$`));
    const ids = fixtures(lab).map((f) => f.id);
    expect(new Set(ids).size, `fixture ids are unique: ${ids.join(', ')}`).toBe(ids.length);
    for (const f of fixtures(lab)) {
      expect(f.spec?.name ?? 'whole-file', `${f.id}: name`).toMatch(KEBAB);
      for (const id of f.fails) expect(id, `${f.id}: check id`).toMatch(KEBAB);
      expect(f.why, `${f.id}: says in one line what it does`).toMatch(/^[^\n]{20,}$/);
      // A bad fixture says why its check fails, as the grader words it (proven when it is graded).
      if (f.fails.length > 0) expect(f.says, `${f.id}: \`says\`, a fragment of the message of ${checkAbout(f)}`).toBeDefined();
    }
  });

  test.each(fixtures(lab).map((f) => [f.id, f] as const))('fixture %s applies to the solution and parses', (_name, f) => {
    const code = fixtureSource(src(lab), f);
    expect(() => transformSync(code, { loader: 'ts', format: 'esm', sourcefile: `${f.id}.ts` }), `${f.id} parses`).not.toThrow();
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
  const fixtureDir = tempDir('netlab-contract-fixtures-');
  afterAll(() => fixtureDir.remove());
  const describeChecks = (r: LabReport) =>
    r.checks.map((c) => `${c.status === 'passed' ? '✓' : c.status === 'skipped' ? '-' : '✗'} ${c.id}${c.message ? `: ${c.message.split('\n')[0]}` : ''}`).join('\n');
  // Every lab this run selects is graded in one run of the runner (one vitest, the grader files
  // side by side on the cores), not lab after lab: `-t <lab>` selects one lab, and only it is
  // graded. Each lab's tests read their own reports from it.
  const entriesOf = new Map<string, Array<Entry & { what: string }>>();
  let graded: Promise<Map<string, LabReport[]>> | undefined;
  beforeAll(({}, suite) => {
    const selected = suite.tasks.filter((t) => t.mode !== 'skip' && t.mode !== 'todo').map((t) => t.name);
    const all = [...entriesOf].filter(([id]) => selected.includes(id));
    graded = gradeEntries(all.flatMap(([, entries]) => entries), { concurrency: 6, limitMs: 1_500_000 }).then((reports) => {
      const byLab = new Map<string, LabReport[]>();
      let at = 0;
      for (const [id, entries] of all) byLab.set(id, reports.slice(at, (at += entries.length)));
      return byLab;
    });
    // Failures are reported by each lab's tests, which await it.
    graded.catch(() => {});
  });

  for (const lab of labs) {
    const unsupported = lab.unsupported?.() ?? null;
    describe(lab.id, () => {
      // Fixtures are written to a temp folder; one whose edits no longer apply is not graded,
      // and its own test fails with the reason.
      const entries: Array<Entry & { what: string }> = [
        { lab: lab.id, file: src(lab, 'exercise', 'solution.ts'), what: 'solution' },
        { lab: lab.id, file: src(lab, 'exercise', 'starter.ts'), what: 'starter' },
        { lab: lab.id, file: null, what: 'not started' },
      ];
      const unwritten = new Map<string, string>();
      for (const f of fixtures(lab)) {
        try {
          entries.push({ lab: lab.id, file: writeFixture(src(lab), f, fixtureDir.dir), what: f.id });
        } catch (error) {
          unwritten.set(f.id, (error as Error).message);
        }
      }
      if (!unsupported) entriesOf.set(lab.id, entries);
      let reports: LabReport[] = [];
      const reportOf = (what: string): LabReport => reports[entries.findIndex((e) => e.what === what)]!;
      beforeAll(async () => {
        if (!unsupported) reports = (await graded!).get(lab.id)!;
      }, 1_500_000);

      test.skipIf(Boolean(unsupported))(`the reference solution passes every check${unsupported ? ` (skipped: ${unsupported})` : ''}`, () => {
        const r = reportOf('solution');
        expect(r.error).toBeUndefined();
        expect(r.checks.length, 'the grader declares checks').toBeGreaterThan(0);
        expect(failedChecks(r), describeChecks(r)).toEqual([]);
        expect(r.status).toBe('passed');
      });

      // Graded as a file of the learner's (`netlab grade` calls an untouched starter "not started"
      // and runs nothing, which would hide a check that gives the starter points).
      test.skipIf(Boolean(unsupported))('the starter fails grading and earns 0 points: a check the starter already passes carries none', () => {
        const r = reportOf('starter');
        expect(r.error).toBeUndefined();
        expect(failedChecks(r).length, describeChecks(r)).toBeGreaterThan(0);
        expect(r.points.earned, describeChecks(r)).toBe(0);
        expect(r.points.possible).toBeGreaterThan(0);
      });

      // A lab with nothing to run is reported from the checks its grader declares, without
      // vitest (src/grade/runner.ts): the same checks, titles and points as when they run.
      test.skipIf(Boolean(unsupported))('not started: its checks are listed without running, the same as graded', () => {
        const listed = reportOf('not started');
        const graded = reportOf('starter');
        expect(listed.status).toBe('not-started');
        expect(listed.checks.map(({ id, title, points }) => ({ id, title, possible: points.possible }))).toEqual(
          graded.checks.map(({ id, title, points }) => ({ id, title, possible: points.possible })),
        );
        for (const c of listed.checks) expect(c).toMatchObject({ status: 'skipped', reason: 'not started', points: { earned: 0 }, durationMs: 0 });
      });

      for (const f of fixtures(lab)) {
        const title = f.fails.length > 0 ? `${f.id} fails exactly: ${f.fails.join(', ')}` : `${f.id} passes every check`;
        test.skipIf(Boolean(unsupported))(title, (ctx) => {
          const problem = unwritten.get(f.id);
          if (problem) expect.fail(problem);
          const r = reportOf(f.id);
          expect(r.error).toBeUndefined();
          const ids = r.checks.map((c) => c.id);
          for (const id of f.fails) expect(ids, `${f.id}: the lab has a check "${id}"`).toContain(id);
          // A check this machine cannot run (skip(reason)) can neither pass nor fail here.
          const skipped = r.checks.filter((c) => c.status === 'skipped').map((c) => c.id);
          if (f.fails.length > 0 && skipped.includes(f.fails[0]!)) ctx.skip(`${f.fails[0]} is skipped on this machine`);
          expect(failedChecks(r).sort(), describeChecks(r)).toEqual(f.fails.filter((id) => !skipped.includes(id)));
          for (const c of r.checks.filter((c) => c.status === 'failed')) {
            expect(c.message?.length ?? 0, `${c.id}: a message the learner can act on`).toBeGreaterThan(30);
          }
          // And the check the mistake is about fails for the reason the fixture's name gives.
          const about = checkAbout(f);
          if (about !== undefined && f.says !== undefined) {
            const message = r.checks.find((c) => c.id === about)?.message ?? '';
            expect(messageSays(f.says, message), `${f.id}: ${about} fails because ${String(f.says)}\n  its message: ${message}`).toBe(true);
          }
        });
      }
    });
  }
});
