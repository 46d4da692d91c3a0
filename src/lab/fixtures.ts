/**
 * A lab's fixtures: submissions with a known grade, which prove that its grader discriminates.
 *
 * A fixture is stored as what it changes in the reference solution (`exercise/solution.ts`),
 * not as a copy of it: `labs/<id>/fixtures/index.ts` lists them, each with the exact set of
 * checks it fails and find/replace edits over the solution. A change to the solution then
 * reaches every fixture, and an edit that no longer applies fails loudly, with the fixture's
 * name, instead of leaving a stale copy that fails for some other reason. A correct solution
 * that really differs from the reference may stay a whole file, `fixtures/good--<what>.ts`.
 *
 * Fixtures are test data: they are not built into dist/; tests write them to a temp folder.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { NetlabError } from '../errors.js';

/** One edit: `find` must occur exactly once in the text the earlier edits left. */
export type Replacement = readonly [find: string, replaceWith: string];

/** One entry of `fixtures/index.ts`. */
export interface FixtureSpec {
  /** What the submission does, kebab-case (`to-string`); the fixture's id adds the check. */
  name: string;
  /** The mistake a learner makes (or, for a good fixture, why this other way is right). */
  why: string;
  /**
   * Exactly the checks this submission fails, the one the mistake is about first: the id is
   * then `bad--<fails[0]>--<name>`. Empty for a good fixture (`good--<name>`), which passes all.
   */
  fails: readonly string[];
  /**
   * For a bad fixture, the reason its name gives as the grader words it: a fragment of the
   * message of the check the mistake is about (`fails[0]`), a string the message contains or a
   * pattern it matches (the English text). The contract test proves the check fails for that
   * reason and not for another. Leave out what changes between runs (ports, byte counts, times).
   */
  says?: string | RegExp;
  /** Edits over `exercise/solution.ts`, applied in order. */
  replace: readonly Replacement[];
}

/** A fixture ready to use: from `index.ts` (`spec`) or a whole file (`file`). */
export interface Fixture {
  /** `bad--<check>--<name>` or `good--<name>`: how reports and tests name it. */
  id: string;
  why: string;
  /** The checks it must fail, sorted; [] means it passes every check. */
  fails: string[];
  /** What the message of `fails[0]`, the check the mistake is about, says (see {@link FixtureSpec.says}). */
  says?: string | RegExp;
  spec?: FixtureSpec;
  /** A whole-file good fixture. */
  file?: string;
}

/** The check a bad fixture's mistake is about (`fails[0]` as written; `fails` is sorted), undefined for a good one. */
export function checkAbout(fixture: Fixture): string | undefined {
  return fixture.spec?.fails[0];
}

/** Whether a failure message says what a fixture's `says` gives: contains the string, or matches the pattern. */
export function messageSays(says: string | RegExp, message: string): boolean {
  return typeof says === 'string' ? message.includes(says) : says.test(message);
}

export const FIXTURE_INDEX = 'index.ts';
const WHOLE_FILE = /^good--[a-z0-9-]+\.ts$/;

export function fixtureId(spec: Pick<FixtureSpec, 'name' | 'fails'>): string {
  return spec.fails.length > 0 ? `bad--${spec.fails[0]}--${spec.name}` : `good--${spec.name}`;
}

/**
 * The fixtures of the lab whose source folder is `labDir`: the entries of `fixtures/index.ts`
 * (transpiled here, so it may import types only) and the `good--*.ts` files beside it.
 */
export async function labFixtures(labDir: string): Promise<Fixture[]> {
  const dir = join(labDir, 'fixtures');
  if (!existsSync(dir)) return [];
  const fixtures: Fixture[] = [];
  const index = join(dir, FIXTURE_INDEX);
  if (existsSync(index)) {
    const { code } = transformSync(readFileSync(index, 'utf8'), { loader: 'ts', format: 'esm', sourcefile: index });
    const mod = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as { default?: unknown };
    if (!Array.isArray(mod.default)) throw new NetlabError('NETLAB_ERR_BAD_LAB', `${index}: the default export must be an array of fixtures (\`export default [...] satisfies FixtureSpec[]\`)`);
    for (const spec of mod.default as FixtureSpec[]) {
      fixtures.push({ id: fixtureId(spec), why: spec.why, fails: [...spec.fails].sort(), ...(spec.says !== undefined ? { says: spec.says } : {}), spec });
    }
  }
  for (const name of readdirSync(dir).sort()) {
    if (!WHOLE_FILE.test(name)) continue;
    const file = join(dir, name);
    const why = (/^(?:\/\/.*\n)+/.exec(readFileSync(file, 'utf8'))?.[0] ?? '').replace(/^\/\/ ?/gm, '').replace(/\s+/g, ' ').trim();
    fixtures.push({ id: name.replace(/\.ts$/, ''), why, fails: [], file });
  }
  return fixtures;
}

/**
 * The source of `fixture`: its whole file, or the lab's solution with its edits applied. An
 * edit whose `find` does not occur exactly once throws, naming the fixture and the edit.
 */
export function fixtureSource(labDir: string, fixture: Fixture): string {
  if (fixture.file) return readFileSync(fixture.file, 'utf8');
  let text = readFileSync(join(labDir, 'exercise', 'solution.ts'), 'utf8');
  const edits = fixture.spec?.replace ?? [];
  if (edits.length === 0) throw new NetlabError('NETLAB_ERR_BAD_LAB', `fixture ${fixture.id} changes nothing in exercise/solution.ts`);
  edits.forEach(([find, replaceWith], i) => {
    const count = find === '' ? 0 : text.split(find).length - 1;
    if (count !== 1) {
      const shown = find.length > 80 ? `${find.slice(0, 77)}...` : find;
      throw new NetlabError(
        'NETLAB_ERR_BAD_LAB',
        `fixture ${fixture.id}: edit ${i + 1} of ${edits.length} no longer applies: ${JSON.stringify(shown)} occurs ${count} times in exercise/solution.ts (it must occur exactly once)`,
      );
    }
    const at = text.indexOf(find);
    text = text.slice(0, at) + replaceWith + text.slice(at + find.length);
  });
  return `// Fixture ${fixture.id}: ${fixture.why}\n${text}`;
}

/** Write `fixture` as `<outDir>/<id>.ts` and return that path (a whole-file fixture is used in place). */
export function writeFixture(labDir: string, fixture: Fixture, outDir: string): string {
  if (fixture.file) return fixture.file;
  const path = join(outDir, `${fixture.id}.ts`);
  writeFileSync(path, fixtureSource(labDir, fixture));
  return path;
}

/** The fixture `id` of the lab in `labDir`, written to `outDir`: for tests that grade one fixture. */
export async function fixtureFile(labDir: string, id: string, outDir: string): Promise<string> {
  const fixture = (await labFixtures(labDir)).find((f) => f.id === id);
  if (!fixture) throw new NetlabError('NETLAB_ERR_BAD_LAB', `${labDir}: no fixture ${id}`);
  return writeFixture(labDir, fixture, outDir);
}
