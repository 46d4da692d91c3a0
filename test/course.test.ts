/**
 * The course module (src/session/course.ts): the one place that records a grade, reveals the
 * next hint, opens the solution and notices the learner's saves, used by the commands and the
 * interactive session alike. Each test has a temporary lab and workspace of its own.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/types.js';
import { openSolution, recordGrade, revealHint, watchSubmissions, type SubmissionWatch } from '../src/session/course.js';
import { readProgress, readRecord } from '../src/workspace/workspace.js';
import { fakeLab } from './helpers/fake-lab.js';

let root: string;
let dir: string;

function makeLab(id: string, hints = '## Bytes\nwrite the chunk\n\n## Half-close\nallowHalfOpen\n'): Lab {
  return fakeLab(root, id, { 'hints.md': hints, 'exercise/solution.ts': `export const solved = '${id}';\n` });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'netlab-course-'));
  dir = join(root, 'netlab-exercises');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const checks = (...statuses: Array<'passed' | 'failed' | 'skipped'>) => statuses.map((status) => ({ status }));

describe('recordGrade', () => {
  it('remembers the last score and the first pass only', () => {
    mkdirSync(dir);
    expect(recordGrade(dir, 'tcp-echo', { status: 'failed', checks: checks('passed', 'failed', 'skipped') }, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(readProgress(dir).labs['tcp-echo']).toEqual({ gradedAt: '2026-01-01T00:00:00.000Z', lastScore: { passed: 1, total: 2 } });
    recordGrade(dir, 'tcp-echo', { status: 'passed', checks: checks('passed', 'passed') }, new Date('2026-01-02T00:00:00Z'));
    recordGrade(dir, 'tcp-echo', { status: 'failed', checks: checks('passed', 'failed') }, new Date('2026-01-03T00:00:00Z'));
    expect(readProgress(dir).labs['tcp-echo']).toMatchObject({ passedAt: '2026-01-02T00:00:00.000Z', gradedAt: '2026-01-03T00:00:00.000Z', lastScore: { passed: 1, total: 2 } });
  });

  it.each(['not-started', 'skipped', 'interrupted', 'error'])('a lab that is %s leaves the progress as it was', (status) => {
    mkdirSync(dir);
    expect(recordGrade(dir, 'tcp-echo', { status, checks: [] })).toBe(false);
    expect(existsSync(join(dir, '.netlab'))).toBe(false);
  });
});

describe('revealHint', () => {
  it('reveals one hint at a time, remembered in the workspace; after the last, the last again', () => {
    mkdirSync(dir);
    const lab = makeLab('tcp-echo');
    expect(revealHint(dir, lab)).toMatchObject({ number: 1, total: 2, hint: { title: 'Bytes' }, again: false, remembered: true });
    expect(revealHint(dir, lab)).toMatchObject({ number: 2, hint: { title: 'Half-close' }, again: false });
    expect(revealHint(dir, lab)).toMatchObject({ number: 2, hint: { title: 'Half-close' }, again: true, remembered: true });
    expect(readProgress(dir).labs['tcp-echo']?.hintsShown).toBe(2);
  });

  it('without a workspace: not remembered, nothing created; the caller passes what it remembers', () => {
    const lab = makeLab('tcp-echo');
    expect(revealHint(dir, lab)).toMatchObject({ number: 1, remembered: false });
    expect(revealHint(dir, lab, 1)).toMatchObject({ number: 2, remembered: false, again: false });
    expect(revealHint(dir, lab, 2)).toMatchObject({ number: 2, again: true });
    expect(existsSync(dir)).toBe(false);
  });

  it('a lab without hints has none to reveal', () => {
    expect(revealHint(dir, makeLab('udp', ''))).toBeUndefined();
  });
});

describe('openSolution', () => {
  it('stays closed before a pass, opens after one', () => {
    mkdirSync(dir);
    const lab = makeLab('tcp-echo');
    expect(openSolution(dir, lab)).toEqual({ open: false });
    recordGrade(dir, lab.id, { status: 'passed', checks: checks('passed') });
    expect(openSolution(dir, lab)).toEqual({ open: true, source: "export const solved = 'tcp-echo';\n", forced: false });
  });

  it('force opens it before a pass, and the course remembers that', () => {
    mkdirSync(dir);
    const lab = makeLab('tcp-echo');
    expect(openSolution(dir, lab, { force: true })).toMatchObject({ open: true, forced: true });
    expect(readProgress(dir).labs['tcp-echo']?.solutionForced).toBe(true);
  });

  it('a forced view is kept in the committed record, with the time of the first one', () => {
    mkdirSync(dir);
    const lab = makeLab('tcp-echo');
    openSolution(dir, lab, { force: true }, new Date('2026-01-01T00:00:00Z'));
    openSolution(dir, lab, { force: true }, new Date('2026-01-05T00:00:00Z'));
    expect(readRecord(dir)).toEqual({ version: 1, labs: { 'tcp-echo': { solutionViewedAt: '2026-01-01T00:00:00.000Z' } } });
    // After a pass, opening it is no news.
    recordGrade(dir, 'udp', { status: 'passed', checks: checks('passed') });
    openSolution(dir, makeLab('udp'), { force: true });
    expect(readRecord(dir).labs.udp).toBeUndefined();
  });
});

describe('watchSubmissions', () => {
  let watching: SubmissionWatch | undefined;
  afterEach(() => watching?.close());

  /** Watch `labs` and resolve with the lab ids of the next change. */
  function watchFor(labs: Lab[], poll: boolean) {
    const changes: string[][] = [];
    let wake: (() => void) | undefined;
    watching = watchSubmissions({ dir, labs, poll, intervalMs: 20, debounceMs: 30, onChange: (changed) => {
      changes.push(changed.map((l) => l.id).sort());
      wake?.();
    } });
    return {
      changes,
      next: () => new Promise<string[]>((resolve) => {
        const seen = changes.length;
        wake = () => {
          if (changes.length > seen) resolve(changes[seen]!);
        };
      }),
    };
  }

  for (const poll of [false, true]) {
    it(`${poll ? 'polling' : 'file events'}: a save of a lab's file is a change of that lab; a helper module changes every lab with a file`, async () => {
      mkdirSync(dir);
      writeFileSync(join(dir, 'udp.ts'), 'export {};\n');
      const labs = [makeLab('tcp-echo'), makeLab('udp'), makeLab('dns')];
      const w = watchFor(labs, poll);
      expect(watching!.mode).toBe(poll ? 'polling' : 'file events');

      let next = w.next();
      writeFileSync(join(dir, 'tcp-echo.ts'), 'export const a = 1;\n');
      expect(await next).toEqual(['tcp-echo']);

      next = w.next();
      writeFileSync(join(dir, 'shared.ts'), 'export const b = 2;\n');
      expect(await next).toEqual(['tcp-echo', 'udp']);
    });
  }

  it('a save that changes nothing, or files netlab wrote before rebase(), are not changes', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export const a = 1;\n');
    const w = watchFor([makeLab('tcp-echo')], true);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export const a = 1;\n');
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export const a = 2;\n');
    watching!.rebase();
    // A real change after both: the only one reported.
    const next = w.next();
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export const a = 3;\n');
    expect(await next).toEqual(['tcp-echo']);
    expect(w.changes).toEqual([['tcp-echo']]);
    expect(readFileSync(join(dir, 'tcp-echo.ts'), 'utf8')).toBe('export const a = 3;\n');
  });

  it('a workspace that does not exist yet: watching works once it appears', async () => {
    const w = watchFor([makeLab('tcp-echo')], false);
    expect(watching!.mode).toBe('polling');
    const next = w.next();
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export {};\n');
    expect(await next).toEqual(['tcp-echo']);
  });
});
