/**
 * `netlab start` as a command, without a terminal: it must not start anything interactive,
 * and it keeps the command line's contract for unknown labs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

// An empty folder as the current one: never the repository's (or a learner's) workspace.
const cwd = mkdtempSync(join(tmpdir(), 'netlab-start-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function netlab(...args: string[]) {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NETLAB_WORKSPACE;
  // stdin and stdout are pipes here: no TTY.
  return spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8', input: '', timeout: 20_000, env });
}

describe('netlab start without a terminal', () => {
  it('says to use netlab run / netlab list and exits 0', () => {
    const r = netlab('start');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('needs a terminal');
    expect(r.stdout).toContain('netlab list');
    expect(r.stdout).toContain('netlab run tcp-echo');
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('names the lab it was asked for', () => {
    const r = netlab('start', 'tcp-echo');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('netlab run tcp-echo');
  });

  it('`netlab` alone is `netlab start`', () => {
    const r = netlab();
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('needs a terminal');
  });
});

describe('netlab start with an unknown lab', () => {
  it('exits 2 with one line on stderr and a "did you mean"', () => {
    const r = netlab('start', 'tcp-ech');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unknown lab or command "tcp-ech". Did you mean "tcp-echo"?');
  });

  it('catches a mistyped command too (`netlab lsit`)', () => {
    const r = netlab('lsit');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean "list"?');
  });
});
