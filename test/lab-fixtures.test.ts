/**
 * Fixtures stored as edits of the reference solution (src/lab/fixtures.ts): ids come from the
 * checks they fail, each edit must match exactly once, and one that no longer applies names
 * the fixture and the edit.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkAbout, fixtureFile, fixtureSource, labFixtures, messageSays } from '../src/lab/fixtures.js';
import { tempDir } from './grade-support.js';

const tmp = tempDir('netlab-fixtures-');
afterAll(() => tmp.remove());

/** A lab folder with a solution, an index and, optionally, a whole-file good fixture. */
function lab(name: string, solution: string, index: string, whole?: string): string {
  const dir = join(tmp.dir, name);
  mkdirSync(join(dir, 'exercise'), { recursive: true });
  mkdirSync(join(dir, 'fixtures'));
  writeFileSync(join(dir, 'exercise', 'solution.ts'), solution);
  writeFileSync(join(dir, 'fixtures', 'index.ts'), `import type { FixtureSpec } from '../../src/lab/fixtures.js';\nexport default ${index} satisfies FixtureSpec[];\n`);
  if (whole) writeFileSync(join(dir, 'fixtures', 'good--other-way.ts'), whole);
  return dir;
}

const SOLUTION = 'export const a = () => 1;\nexport const b = () => 2;\n';

describe('given a lab whose fixtures/index.ts lists edits of its solution', () => {
  const dir = lab(
    'ok',
    SOLUTION,
    `[
      { name: 'off-by-one', why: 'a returns 2 instead of 1 (the classic)', fails: ['a-is-one', 'sum'], says: 'a() returned 2', replace: [['() => 1', '() => 2']] },
      { name: 'same-thing', why: 'writes b as a constant function too', fails: [], replace: [['() => 2', '() => 1 + 1']] },
    ]`,
    '// Good: computed differently.\nexport const a = () => 0 + 1;\nexport const b = () => 4 / 2;\n',
  );

  test('when listed, ids name the first failing check (bad) or none (good), and whole good files join them', async () => {
    const fixtures = await labFixtures(dir);
    expect(fixtures.map((f) => [f.id, f.fails])).toEqual([
      ['bad--a-is-one--off-by-one', ['a-is-one', 'sum']],
      ['good--same-thing', []],
      ['good--other-way', []],
    ]);
    expect(fixtures[2]!.why).toBe('Good: computed differently.');
    // What the bad one's check says travels with it (the contract test matches the message); a good one says nothing.
    expect(fixtures.map((f) => f.says)).toEqual(['a() returned 2', undefined, undefined]);
    // The check it is about is the first it lists as written (its sorted `fails` may differ).
    expect(fixtures.map(checkAbout)).toEqual(['a-is-one', undefined, undefined]);
  });

  test('a message says what `says` gives when it contains the string or matches the pattern', () => {
    expect(messageSays('a() returned 2', 'a() returned 2, not 1')).toBe(true);
    expect(messageSays('a() returned 2', 'a() returned 3')).toBe(false);
    expect(messageSays(/returned \d+, not 1/, 'a() returned 2, not 1')).toBe(true);
    expect(messageSays(/returned \d+, not 1/, 'a() threw')).toBe(false);
  });

  test('when written, a fixture is the solution with its edits and a first line saying what it is', async () => {
    const file = await fixtureFile(dir, 'bad--a-is-one--off-by-one', tmp.dir);
    expect(readFileSync(file, 'utf8')).toBe('// Fixture bad--a-is-one--off-by-one: a returns 2 instead of 1 (the classic)\nexport const a = () => 2;\nexport const b = () => 2;\n');
  });
});

describe('given a fixture whose edit no longer matches exactly once', () => {
  test.each([
    ['missing', "[['() => 3', '() => 4']]", /fixture bad--x--missing: edit 1 of 1 no longer applies: "\(\) => 3" occurs 0 times/],
    ['ambiguous', "[['() => 1', '() => 9'], ['export const', 'const']]", /fixture bad--x--ambiguous: edit 2 of 2 no longer applies: "export const" occurs 2 times/],
    ['empty', '[]', /fixture bad--x--empty changes nothing/],
  ])('when it is written (%s), it fails loudly with the fixture and the edit', async (name, edits, message) => {
    const dir = lab(name, SOLUTION, `[{ name: '${name}', why: 'a mistake that used to apply', fails: ['x'], replace: ${edits} }]`);
    const [fixture] = await labFixtures(dir);
    expect(() => fixtureSource(dir, fixture!)).toThrow(message);
  });
});
