/**
 * The interactive lab's real grader (src/session/grader.ts): netlab's grading in a separate
 * process group, with no terminal, relaying each check as it ends. Runs the built program
 * (dist/), since grading spawns vitest and the learner's processes from there.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { CheckGrade, Grader } from '../src/session/types.js';
import { writeFixtureTo } from './helpers/fixtures.js';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const SOLUTION = fileURLToPath(new URL('../labs/tcp-echo/exercise/solution.ts', import.meta.url));

async function grader(onStart?: (pid: number) => void): Promise<Grader> {
  if (!existsSync(join(DIST, 'src/session/grader.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const { workerGrader } = (await import(join(DIST, 'src/session/grader.js'))) as typeof import('../src/session/grader.js');
  return workerGrader({ onStart });
}

/** Processes in process group `pgid` (Linux: /proc; elsewhere: ps). */
function groupMembers(pgid: number): number[] {
  if (!existsSync('/proc/self/stat')) {
    return execFileSync('ps', ['-A', '-o', 'pid=,pgid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number))
      .filter(([, g]) => g === pgid)
      .map(([p]) => p!);
  }
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // state, ppid, pgrp: a zombie (Z) is already dead.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    } catch {
      /* gone */
    }
  }
  return out;
}

async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlab-start-grade-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('grading from the interactive lab', () => {
  it('passes the reference solution, check by check, and leaves no process behind', async () => {
    copyFileSync(SOLUTION, join(dir, 'tcp-echo.ts'));
    let pgid = 0;
    const live: CheckGrade[] = [];
    const grade = await (await grader((pid) => (pgid = pid)))({ lab: 'tcp-echo', dir, signal: new AbortController().signal, onCheck: (c) => live.push(c) });
    expect(grade.status).toBe('passed');
    expect(grade.file).toBe(join(dir, 'tcp-echo.ts'));
    expect(grade.checks.length).toBeGreaterThanOrEqual(5);
    expect(grade.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(grade.points!.earned).toBe(grade.points!.possible);
    // Each check was relayed as it ended.
    expect(live.map((c) => c.id).sort()).toEqual(grade.checks.map((c) => c.id).sort());
    await until(() => groupMembers(pgid).length === 0, 'the grading process group to be gone');
  });

  it('fails a known-bad submission for its reason, with the failing check trace', async () => {
    await writeFixtureTo('tcp-echo', 'bad--binary-safe--to-string', join(dir, 'tcp-echo.ts'));
    const grade = await (await grader())({ lab: 'tcp-echo', dir, signal: new AbortController().signal });
    expect(grade.status).toBe('failed');
    const failed = grade.checks.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.id)).toContain('binary-safe');
    const check = failed.find((c) => c.id === 'binary-safe')!;
    expect(check.message).toMatch(/\S/);
    expect(check.trace?.length).toBeGreaterThan(0);
  });

  it('stopping grading kills the whole process group (vitest and the learner processes) and leaves no temp file', async () => {
    copyFileSync(SOLUTION, join(dir, 'tcp-echo.ts'));
    // The system temp folder, as the grading group sees it: grading makes folders there (the
    // learner module's transpiled copy, the checks' socket folders) that a SIGKILL cannot remove.
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    onTestFinished(() => {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    });
    const stop = new AbortController();
    let pgid = 0;
    let members = 0;
    const grading = (await grader((pid) => (pgid = pid)))({
      lab: 'tcp-echo',
      dir,
      signal: stop.signal,
      onCheck: () => {
        // Mid-way: the worker and its helpers are running.
        if (!stop.signal.aborted) {
          members = groupMembers(pgid).length;
          stop.abort();
        }
      },
    });
    const grade = await grading;
    expect(grade).toMatchObject({ status: 'error', message: 'grading was stopped' });
    expect(members).toBeGreaterThan(1);
    await until(() => groupMembers(pgid).length === 0, 'the grading process group to be gone');
    await until(() => readdirSync(temp).length === 0, "grading's temp folders to be removed");
  });
});
