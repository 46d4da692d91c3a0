import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNdjson } from '../src/trace/ndjson.js';
import { cleanEnv } from './grade-support.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Given the packed tarball installed in an empty folder, netlab works with nothing from the
// source tree: the tarball is what `npx netlab` users get. Packed and installed once for all
// these tests (each costs seconds of CPU).
describe('the npm package', () => {
  let dir: string;
  let bin: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'netlab-pack-'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{ "name": "empty", "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, tarball)], { cwd: app, stdio: 'pipe' });
    bin = join(app, 'node_modules', '.bin', 'netlab');
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('ships the built CLI and the labs, not the sources or tests', () => {
    const pkg = join(dir, 'app', 'node_modules', 'netlab');
    expect(existsSync(join(pkg, 'dist', 'cli', 'netlab.cjs'))).toBe(true);
    expect(existsSync(join(pkg, 'LICENSE'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'labs', 'tcp-echo', 'lesson.md'))).toBe(true);
    expect(existsSync(join(pkg, 'dist', 'labs', 'tcp-echo', 'exercise', 'starter.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
  });

  test('no two files differ only in case: a Mac or Windows disk would keep one of them', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
    const all = files(join(dir, 'app', 'node_modules', 'netlab'));
    expect(all.length).toBeGreaterThan(100);
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const f of all) {
      const other = seen.get(f.toLowerCase());
      if (other) clashes.push(`${other} / ${f}`);
      seen.set(f.toLowerCase(), f);
    }
    expect(clashes).toEqual([]);
  });

  test('`npx netlab list` works in the empty folder', () => {
    const r = spawnSync('npx', ['netlab', 'list'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('tcp-echo');
  });

  test('a demo runs from the installed package (TypeScript loader included)', () => {
    const r = spawnSync(bin, ['run', 'tcp-echo', '--json'], { cwd: join(dir, 'app'), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = parseNdjson<{ type: string; ok?: boolean; name?: string }>(r.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true });
    expect(lines.some((l) => l.name === 'connection')).toBe(true);
  });

  // The graders live in node_modules/netlab/dist/labs, a place vitest excludes by default.
  test('netlab init, then every lab grades its reference solution from node_modules/netlab, with nothing written into the package', () => {
    const app = join(dir, 'app');
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
    expect(report.labs.map((lab) => lab.id).sort()).toEqual([...ids].sort());
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
});
