/**
 * Grading from the installed package: the packed tarball installed in an empty folder, where
 * the graders live in node_modules/netlab/dist/labs (a place vitest excludes by default).
 * `netlab init` makes a workspace, the reference solutions go in, `netlab grade` passes them all.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, cleanEnv, tempDir } from './grade-support.js';

const tmp = tempDir('netlab-grade-pack-');
const app = join(tmp.dir, 'app');
let bin = '';

beforeAll(() => {
  execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp.dir], { cwd: ROOT, stdio: 'pipe' });
  const tarball = readdirSync(tmp.dir).find((f) => f.endsWith('.tgz'))!;
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{ "name": "class-repo", "private": true }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(tmp.dir, tarball)], { cwd: app, stdio: 'pipe' });
  bin = join(app, 'node_modules', '.bin', 'netlab');
}, 300_000);

afterAll(() => tmp.remove());

test('netlab init, then every lab grades its reference solution from node_modules/netlab, with nothing written into the package', () => {
  const env = cleanEnv();
  const init = spawnSync(bin, ['init', 'ws'], { cwd: app, env, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
  const labs = join(app, 'node_modules', 'netlab', 'dist', 'labs');
  const ids = readdirSync(labs).filter((id) => existsSync(join(labs, id, 'grader.test.js')));
  expect(ids).toContain('tcp-echo');
  for (const id of ids) copyFileSync(join(labs, id, 'exercise', 'solution.ts'), join(app, 'ws', `${id}.ts`));

  const r = spawnSync(bin, ['grade', '--dir', 'ws', '--reporter', 'json'], { cwd: app, env, encoding: 'utf8', timeout: 240_000 });
  const report = JSON.parse(r.stdout) as { status: string; labs: Array<{ id: string; status: string; message: string | null }>; tests: Array<{ lab: string; status: string; message: string | null }> };
  // Every grader ran from inside node_modules (none is an "error", each has checks). Whether each
  // reference solution passes every check is the contract test's business (timing checks of
  // some labs depend on the machine's load); tcp-echo's must.
  for (const lab of report.labs) {
    expect(lab.status, `${lab.id}: ${lab.message}`).not.toBe('error');
    if (lab.status !== 'skipped') expect(report.tests.filter((t) => t.lab === lab.id).length, lab.id).toBeGreaterThan(0);
  }
  expect(report.tests.filter((t) => t.lab === 'tcp-echo' && t.status !== 'pass').map((t) => t.message)).toEqual([]);
  expect(report.labs.find((l) => l.id === 'tcp-echo')?.status).toBe('pass');
  expect(r.status).toBe(report.status === 'pass' ? 0 : 1);

  // vitest's caches never land in the installed package.
  const leftovers = spawnSync('find', [join(app, 'node_modules', 'netlab'), '-name', '.vite*'], { encoding: 'utf8' }).stdout.trim();
  expect(leftovers).toBe('');
}, 300_000);
