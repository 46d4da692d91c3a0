/**
 * `netlab start` as a command, without a terminal: it must not start anything interactive,
 * and it keeps the command line's contract for unknown labs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI as MAIN } from './helpers/cli.js';

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
  it('says to use netlab run / netlab list instead, on stderr, and exits 2', () => {
    const r = netlab('start');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('needs a terminal');
    expect(r.stderr).toContain('netlab list');
    expect(r.stderr).toContain('netlab run tcp-echo');
    expect(r.stderr).not.toMatch(/\x1b\[/);
  });

  it('names the lab it was asked for', () => {
    const r = netlab('start', 'tcp-echo');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('netlab run tcp-echo');
  });

  it('`netlab` alone is `netlab start`', () => {
    const r = netlab();
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('needs a terminal');
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

  it('and a mistyped command followed by its arguments (`netlab rn tcp-echo`)', () => {
    const r = netlab('rn', 'tcp-echo');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('unknown lab or command "rn". Did you mean "run"?');
  });

  it('a lab followed by more words is a usage error, not a lab opened', () => {
    const r = netlab('tcp-echo', 'now');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Did you mean `netlab run tcp-echo`?');
  });
});
