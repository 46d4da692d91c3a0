/**
 * `netlab init`, `hint` and `solution` as a learner uses them: the workspace has a starter per
 * lab and what an editor needs; init never overwrites a file (exit 0 also when there was
 * nothing to create, 1 when a file could not be created); hints come one at a time and are remembered; the solution waits for a pass unless
 * forced, and forcing is recorded. netlab recognises the workspace it is run in.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, runCli } from './helpers/cli.js';
import { ROOT, cleanEnv, tempDir } from './grade-support.js';
import { splitSections } from '../src/lab/lesson.js';
import { parseNdjson } from '../src/trace/ndjson.js';

const tmp = tempDir('netlab-init-test-');
afterAll(() => tmp.remove());
const env = cleanEnv();
const run = (args: string[], cwd = tmp.dir) => runCli(args, { env, cwd, timeoutMs: 30_000 });

const labIds = async () => parseNdjson<{ id: string }>((await run(['list', '--json'])).stdout).map((l) => l.id);

describe('netlab init', () => {
  test('creates one starter per lab, a README, package.json, tsconfig.json and .gitignore (default ./netlab-exercises)', async () => {
    const r = await run(['init']);
    expect(r.code, r.stderr).toBe(0);
    const dir = join(tmp.dir, 'netlab-exercises');
    const ids = await labIds();
    for (const id of ids) {
      expect(readFileSync(join(dir, `${id}.ts`), 'utf8')).toBe(readFileSync(join(ROOT, 'labs', id, 'exercise', 'starter.ts'), 'utf8'));
      expect(r.stdout).toContain(`  ${id}.ts`);
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ private: true, type: 'module', devDependencies: { '@types/node': expect.any(String) } });
    const tsconfig = JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, types: ['node'], noEmit: true });
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    for (const id of ids) expect(readme).toContain(`\`${id}.ts\``);
    expect(readme).toMatch(/netlab grade/);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/node_modules/);
    expect(r.stdout).toMatch(/Next:/);
  });

  test('never overwrites: a second init changes nothing, lists what it skipped and exits 0', async () => {
    const dir = join(tmp.dir, 'netlab-exercises');
    writeFileSync(join(dir, 'tcp-echo.ts'), '// my work\n');
    const files = () => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    const before = Object.fromEntries(files().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    const r = await run(['init']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Skipped \(already there; netlab never overwrites your files\):/);
    expect(r.stdout).toMatch(/Nothing to do/);
    const after = Object.fromEntries(files().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    expect(after).toEqual(before);
    expect(after['tcp-echo.ts']).toBe('// my work\n');
  });

  test('fills in only what is missing (exit 0), and counts a .js or .mjs solution as the lab\'s file', async () => {
    const dir = join(tmp.dir, 'netlab-exercises');
    rmSync(join(dir, 'tcp-echo.ts'));
    writeFileSync(join(dir, 'tcp-echo.mjs'), '// my work, in JavaScript\n');
    const ids = await labIds();
    const other = ids[1]!;
    rmSync(join(dir, `${other}.ts`));
    const r = await run(['init', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Created .*\\n  ${other}\\.ts\\n`));
    expect(existsSync(join(dir, 'tcp-echo.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'tcp-echo.mjs'), 'utf8')).toBe('// my work, in JavaScript\n');
  });

  test.runIf(process.platform === 'linux')('a folder where no file can be created (/proc): exit 1, each file named', async () => {
    const r = await run(['init', '/proc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^netlab: could not create tcp-echo\.ts: /m);
  });

  test.runIf(process.platform === 'linux')('a folder that cannot be made (/proc/x) fails at once instead of retrying forever', async () => {
    const r = await run(['init', '/proc/netlab-test/ws']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^netlab: ENOENT: no such file or directory, mkdir '\/proc\/netlab-test'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a file where the workspace should be: exit 1, a clear message', async () => {
    writeFileSync(join(tmp.dir, 'a-file'), 'x');
    const r = await run(['init', 'a-file']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/exists and is a file, not a folder/);
  });
});

describe("the workspace's npm scripts find netlab", () => {
  // `node netlab.mjs …` is what `npm run grade` / `npm run netlab -- …` run. PATH is an empty
  // folder, so a `netlab` installed on this machine cannot stand in for the one under test.
  const launch = (dir: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'netlab.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...env, PATH: tmp.dir }, timeout: 30_000 });

  test('its scripts run netlab.mjs, which runs the netlab that created the workspace', async () => {
    const dir = join(tmp.dir, 'scripts-ws');
    expect((await run(['init', dir])).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.scripts).toMatchObject({ grade: 'node netlab.mjs grade --dir .', netlab: 'node netlab.mjs' });
    expect(JSON.parse(readFileSync(join(dir, '.netlab', 'netlab.json'), 'utf8')).cli).toBe(CLI);
    const r = launch(dir, 'list', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(parseNdjson<{ id: string }>(r.stdout)[0]).toMatchObject({ id: 'tcp-echo' });
  });

  test('netlab installed in the workspace comes first; with none at all, it says how to install one (exit 2)', async () => {
    const dir = join(tmp.dir, 'scripts-ws');
    // A class repository cloned elsewhere: no note of the creator (.netlab is not committed).
    rmSync(join(dir, '.netlab'), { recursive: true, force: true });
    const none = launch(dir, 'list');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/netlab is not installed for this folder/);
    const installed = join(dir, 'node_modules', 'netlab');
    mkdirSync(join(installed, 'bin'), { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'netlab', bin: { netlab: 'bin/cli.js' } }));
    writeFileSync(join(installed, 'bin', 'cli.js'), "process.stdout.write('installed netlab: ' + process.argv.slice(2).join(' '));\n");
    const r = launch(dir, 'grade', '--dir', '.');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('installed netlab: grade --dir .');
  });
});

describe('netlab hint and netlab solution', () => {
  test('hints come one at a time, remembered in the workspace, and netlab finds the workspace it runs in', async () => {
    const dir = join(tmp.dir, 'netlab-exercises');
    const hints = splitSections(readFileSync(join(ROOT, 'labs/tcp-echo/hints.md'), 'utf8'));
    for (let i = 0; i < hints.length; i++) {
      const r = await run(['hint', 'tcp-echo'], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Hint ${i + 1} of ${hints.length} (tcp-echo): ${hints[i]!.title}`);
    }
    const last = await run(['hint', 'tcp-echo'], dir);
    expect(last.stdout).toContain(`Hint ${hints.length} of ${hints.length}`);
    expect(last.stdout).toMatch(/That was the last hint/);
    expect(JSON.parse(readFileSync(join(dir, '.netlab/progress.json'), 'utf8')).labs['tcp-echo'].hintsShown).toBe(hints.length);
  });

  test('unknown lab: exit 2 with a suggestion', async () => {
    const r = await run(['hint', 'tcp-eco']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Did you mean "tcp-echo"\?/);
  });

  test('the solution waits for a pass; --force shows it and is recorded', async () => {
    const dir = join(tmp.dir, 'netlab-exercises');
    const refused = await run(['solution', 'udp', '--dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/opens once your exercise passes: `netlab grade udp/);
    const forced = await run(['solution', 'udp', '--dir', dir, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe(readFileSync(join(ROOT, 'labs/udp/exercise/solution.ts'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, '.netlab/progress.json'), 'utf8')).labs.udp.solutionForced).toBe(true);
  });
});
