import { describe, expect, test, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseNdjson } from '../src/trace/ndjson.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Given the packed tarball installed in an empty folder, netlab works with nothing from the
// source tree: the tarball is what `npx netlab` users get.
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
});
