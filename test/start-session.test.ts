/**
 * The interactive lab's controller (src/session/session.ts): it does the work the UI asks
 * for, outside React, and reports events. Here with a fake demo runner and a fake grader,
 * against a real workspace folder.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lab } from '../src/lab/types.js';
import type { DemoOptions } from '../src/runtime/demo.js';
import type { ResultLine } from '../src/trace/event.js';
import { Session } from '../src/session/session.js';
import type { Grader, LabGrade, SessionCommand, SessionEvent } from '../src/session/types.js';
import { echoTrace } from './ui-fixtures.js';
import { fakeLab } from './helpers/fake-lab.js';

let root: string;
let labDir: string;
let dir: string;

function makeLab(): Lab {
  const lab = fakeLab(
    root,
    'tcp-echo',
    {
      'lesson.md': '## One\nfirst step\n\n## Two\nsecond step\n',
      'hints.md': '## Bytes\nwrite the chunk\n\n## Half-close\nallowHalfOpen\n',
      'exercise/starter.ts': '// TODO\n',
      'exercise/solution.ts': 'export const solved = true;\n',
    },
    {
      title: 'TCP echo server',
      summary: 'echo',
      exports: ['createEchoServer'],
      scenarios: { tour: { title: 'the tour', run: async () => ({}) }, other: { title: 'another', run: async () => ({}) } },
    },
  );
  labDir = lab.dir;
  return lab;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'netlab-session-'));
  dir = join(root, 'netlab-exercises');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Harness {
  session: Session;
  events: SessionEvent[];
  send(c: SessionCommand): void;
  /** Resolves with the first event of `type` (after those already seen). */
  next<T extends SessionEvent['type']>(type: T): Promise<Extract<SessionEvent, { type: T }>>;
}

function harness(overrides: Partial<ConstructorParameters<typeof Session>[0]> = {}): Harness {
  const events: SessionEvent[] = [];
  const waiters: Array<{ type: string; resolve: (e: SessionEvent) => void; from: number }> = [];
  const session = new Session({
    labs: [makeLab()],
    dir,
    runDemo: async () => ({ type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }),
    grader: async () => ({ lab: 'tcp-echo', status: 'passed', checks: [] }),
    init: async () => ({ ok: true, message: 'created' }),
    pollMs: 20,
    batchMs: 5,
    ...overrides,
  });
  session.subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.type === e.type) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    session,
    events,
    send: (c) => session.send(c),
    next: (type) => new Promise((resolve) => waiters.push({ type, resolve: resolve as (e: SessionEvent) => void, from: events.length })),
  };
}

describe('the snapshot the UI starts from', () => {
  it('has the lesson steps, hints, scenarios and the learner status, and no functions', () => {
    const { session } = harness();
    const lab = session.snapshot.labs[0]!;
    expect(lab.steps.map((s) => s.title)).toEqual(['One', 'Two']);
    expect(lab.hints.map((h) => h.title)).toEqual(['Bytes', 'Half-close']);
    expect(lab.scenarios).toEqual([{ name: 'tour', title: 'the tour' }, { name: 'other', title: 'another' }]);
    expect(session.snapshot.workspace).toEqual({ dir, exists: false });
    expect(session.snapshot.progress['tcp-echo']).toEqual({ status: 'new', file: null, hintsShown: 0, passed: false, lastScore: null });
    // Plain data: it survives JSON unchanged.
    expect(JSON.parse(JSON.stringify(session.snapshot))).toEqual(session.snapshot);
  });

  it('keeps events sent before anyone listens', async () => {
    const session = new Session({
      labs: [makeLab()],
      dir,
      runDemo: async () => ({ type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }),
      grader: async () => ({ lab: 'tcp-echo', status: 'passed', checks: [] }),
      init: async () => ({ ok: true, message: '' }),
    });
    session.send({ type: 'hint', lab: 'tcp-echo' });
    await new Promise((r) => setTimeout(r, 10));
    const seen: SessionEvent[] = [];
    session.subscribe((e) => seen.push(e));
    expect(seen.map((e) => e.type)).toEqual(['progress']);
  });
});

describe('demo runs', () => {
  it('runs the scenario outside the UI and streams its lines in batches, then the result', async () => {
    let seen: DemoOptions | undefined;
    const h = harness({
      runDemo: async (_lab, options) => {
        seen = options;
        for (const line of echoTrace()) options.onLine(line);
        return { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'other', summary: { port: 1 } };
      },
    });
    const ended = h.next('run-ended');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'other', learnerCode: false });
    const result = await ended;
    expect(seen?.scenario).toBe('other');
    expect(seen?.use).toBeUndefined();
    expect(h.events[0]).toMatchObject({ type: 'run-started', runId: 1, scenario: 'other' });
    const lines = h.events.filter((e) => e.type === 'trace').flatMap((e) => (e.type === 'trace' ? e.lines : []));
    expect(lines).toEqual(echoTrace().map((l, i) => ({ ...l, seq: lines[i]!.seq })));
    expect(h.events.filter((e) => e.type === 'trace').length).toBeLessThan(lines.length);
    expect(result).toMatchObject({ runId: 1, stopped: false, result: { ok: true, summary: { port: 1 } } });
  });

  it('stop aborts the run through its signal; a new run stops the previous one', async () => {
    const signals: AbortSignal[] = [];
    const h = harness({
      runDemo: (_lab, options) =>
        new Promise<ResultLine>((resolve) => {
          signals.push(options.signal!);
          options.signal!.addEventListener('abort', () => resolve({ type: 'result', ok: false, lab: 'tcp-echo', scenario: 'tour', summary: {}, error: { code: 'X', message: 'interrupted' } }));
        }),
    });
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    await h.next('run-started');
    const firstEnded = h.next('run-ended');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    expect(await firstEnded).toMatchObject({ runId: 1, stopped: true });
    expect(signals[0]!.aborted).toBe(true);
    await h.next('run-started');
    const secondEnded = h.next('run-ended');
    h.send({ type: 'stop' });
    expect(await secondEnded).toMatchObject({ runId: 2, stopped: true });
  });

  it('dispose stops a running demo and waits for it', async () => {
    let finished = false;
    const h = harness({
      runDemo: (_lab, options) =>
        new Promise<ResultLine>((resolve) => {
          options.signal!.addEventListener('abort', () =>
            setTimeout(() => {
              finished = true;
              resolve({ type: 'result', ok: false, lab: 'tcp-echo', scenario: 'tour', summary: {} });
            }, 20),
          );
        }),
    });
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    await h.next('run-started');
    await h.session.dispose();
    expect(finished).toBe(true);
  });

  it('asks runDemo for the packets when the UI does, and passes on why there are none', async () => {
    const asked: Array<boolean | undefined> = [];
    const h = harness({
      runDemo: async (_lab, options) => {
        asked.push(options.packets);
        if (options.packets) options.onPacketsUnavailable?.('no tcpdump on this machine');
        return { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} };
      },
    });
    let ended = h.next('run-ended');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false });
    await ended;
    const unavailable = h.next('packets-unavailable');
    ended = h.next('run-ended');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: false, packets: true });
    expect(await unavailable).toEqual({ type: 'packets-unavailable', runId: 2, lab: 'tcp-echo', reason: 'no tcpdump on this machine' });
    await ended;
    expect(asked).toEqual([false, true]);
    expect(h.events.find((e) => e.type === 'run-started' && e.runId === 2)).toMatchObject({ packets: true });
  });

  it('runs the learner file with `use` only when there is one', async () => {
    const uses: Array<string | undefined> = [];
    const h = harness({ runDemo: async (_l, o) => (uses.push(o.use), { type: 'result', ok: true, lab: 'tcp-echo', scenario: 'tour', summary: {} }) });
    const warned = h.next('notice');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: true });
    expect((await warned).text).toMatch(/no tcp-echo file yet/);
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export {}\n');
    const ended = h.next('run-ended');
    h.send({ type: 'run', lab: 'tcp-echo', scenario: 'tour', learnerCode: true });
    await ended;
    expect(uses).toEqual([join(dir, 'tcp-echo.ts')]);
  });
});

describe('the exercise', () => {
  it('grading without a workspace says how to start, without calling the grader', async () => {
    let called = false;
    const h = harness({ grader: async () => ((called = true), { lab: 'tcp-echo', status: 'passed', checks: [] }) });
    const graded = h.next('graded');
    h.send({ type: 'grade', lab: 'tcp-echo' });
    const { grade } = await graded;
    expect(called).toBe(false);
    expect(grade.status).toBe('not-started');
    expect(grade.message).toMatch(/no workspace .* press i to create it/);
  });

  it('grades through the grader and remembers the pass in the workspace; then the solution unlocks', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export function createEchoServer() {}\n');
    const requests: Array<Parameters<Grader>[0]> = [];
    const verdicts: LabGrade[] = [
      { lab: 'tcp-echo', status: 'failed', checks: [{ id: 'a', title: 'a', status: 'passed' }, { id: 'b', title: 'b', status: 'failed', message: 'no' }, { id: 'c', title: 'c', status: 'skipped' }] },
      { lab: 'tcp-echo', status: 'passed', checks: [{ id: 'a', title: 'a', status: 'passed' }, { id: 'b', title: 'b', status: 'passed' }] },
    ];
    const h = harness({ grader: async (r) => (requests.push(r), verdicts.shift()!), gradeTimeoutMs: 1234 });

    const locked = h.next('notice');
    h.send({ type: 'solution', lab: 'tcp-echo' });
    expect((await locked).text).toMatch(/unlocks once your exercise passes/);

    let graded = h.next('graded');
    h.send({ type: 'grade', lab: 'tcp-echo' });
    expect((await graded).grade.status).toBe('failed');
    expect(requests[0]).toMatchObject({ lab: 'tcp-echo', dir, timeoutMs: 1234 });
    let saved = JSON.parse(readFileSync(join(dir, '.netlab', 'progress.json'), 'utf8'));
    expect(saved.labs['tcp-echo'].lastScore).toEqual({ passed: 1, total: 2 });
    expect(saved.labs['tcp-echo'].passedAt).toBeUndefined();

    graded = h.next('graded');
    const progress = h.next('progress');
    h.send({ type: 'grade', lab: 'tcp-echo' });
    await graded;
    expect((await progress).progress['tcp-echo']).toMatchObject({ passed: true, status: 'passed', lastScore: { passed: 2, total: 2 } });
    saved = JSON.parse(readFileSync(join(dir, '.netlab', 'progress.json'), 'utf8'));
    expect(saved.labs['tcp-echo'].passedAt).toMatch(/^\d{4}-/);

    const solution = h.next('solution');
    h.send({ type: 'solution', lab: 'tcp-echo' });
    expect((await solution).source).toBe('export const solved = true;\n');
  });

  it('asks the grader for packets when the UI does, and passes on why there are none', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'x');
    const asked: Array<boolean | undefined> = [];
    const h = harness({
      grader: async (r) => {
        asked.push(r.packets);
        if (r.packets) r.onPacketsUnavailable?.('no tcpdump on this machine');
        return { lab: 'tcp-echo', status: 'passed', checks: [] };
      },
    });
    let graded = h.next('graded');
    h.send({ type: 'grade', lab: 'tcp-echo' });
    await graded;
    const warned = h.next('notice');
    graded = h.next('graded');
    h.send({ type: 'grade', lab: 'tcp-echo', packets: true });
    expect(await warned).toMatchObject({ level: 'warn', text: expect.stringMatching(/packets not captured.*no tcpdump on this machine/) });
    await graded;
    expect(asked).toEqual([undefined, true]);
  });

  it('a grader that throws is a grade that says so, not a crash', async () => {
    mkdirSync(dir);
    writeFileSync(join(dir, 'tcp-echo.ts'), 'x');
    const h = harness({ grader: async () => Promise.reject(new Error('runner exploded')) });
    const graded = h.next('graded');
    h.send({ type: 'grade', lab: 'tcp-echo' });
    expect((await graded).grade).toMatchObject({ status: 'error', message: 'runner exploded' });
  });

  it('reveals hints one at a time, remembered in the workspace', async () => {
    mkdirSync(dir);
    const h = harness();
    for (const n of [1, 2]) {
      const p = h.next('progress');
      h.send({ type: 'hint', lab: 'tcp-echo' });
      expect((await p).progress['tcp-echo']!.hintsShown).toBe(n);
    }
    const last = h.next('notice');
    h.send({ type: 'hint', lab: 'tcp-echo' });
    expect((await last).text).toMatch(/last hint \(2 of 2\)/);
    expect(JSON.parse(readFileSync(join(dir, '.netlab', 'progress.json'), 'utf8')).labs['tcp-echo'].hintsShown).toBe(2);
    // A new session (a restart) knows.
    expect(harness().session.snapshot.progress['tcp-echo']!.hintsShown).toBe(2);
  });

  it('without a workspace, a hint is shown but nothing is created on disk', async () => {
    const h = harness();
    const p = h.next('progress');
    h.send({ type: 'hint', lab: 'tcp-echo' });
    expect((await p).progress['tcp-echo']!.hintsShown).toBe(1);
    expect(existsSync(dir)).toBe(false);
  });

  it('init creates the workspace through the injected initializer and refreshes the status', async () => {
    const h = harness({
      init: async (d) => {
        mkdirSync(d);
        writeFileSync(join(d, 'tcp-echo.ts'), '// TODO\n');
        return { ok: true, message: `created ${d}` };
      },
    });
    const done = h.next('init-done');
    const progress = h.next('progress');
    h.send({ type: 'init' });
    expect(await done).toEqual({ type: 'init-done', ok: true, message: `created ${dir}` });
    const p = await progress;
    expect(p.workspace.exists).toBe(true);
    // The starter, unchanged, still counts as "new".
    expect(p.progress['tcp-echo']).toMatchObject({ status: 'new', file: join(dir, 'tcp-echo.ts') });
  });

  it('notices when the learner saves the open lab file', async () => {
    mkdirSync(dir);
    const h = harness();
    h.send({ type: 'open', lab: 'tcp-echo' });
    await new Promise((r) => setTimeout(r, 10));
    const changed = h.next('file-changed');
    const next = h.next('progress');
    writeFileSync(join(dir, 'tcp-echo.ts'), 'export function createEchoServer() { /* mine */ }\n');
    expect(await changed).toEqual({ type: 'file-changed', lab: 'tcp-echo', file: join(dir, 'tcp-echo.ts') });
    const progress = await next;
    expect(progress.progress['tcp-echo']!.status).toBe('started');
    h.send({ type: 'close', lab: 'tcp-echo' });
    await h.session.dispose();
  });
});
