/**
 * The API a lab's `grader.test.ts` is written in (see docs/authoring-labs.md, "The exercise
 * and grading"). It runs inside a vitest worker started by `netlab grade` (src/grade/runner.ts):
 *
 * - `check(id, title, { points }, fn)` declares one named requirement (a vitest test whose
 *   meta carries the id, title and points);
 * - `startSubmission(labId)` starts a fresh process with the learner's module loaded (the lab's
 *   `grade/host.ts`), killed when the check ends, whatever happens;
 * - `fail(message)` fails the check with a message the learner can act on.
 *
 * The harness owns what graders should not have to think about: a hard time limit per check and
 * per lab that even a busy loop cannot escape, crashes reported with the learner's stack, and the
 * trace of every failing check (the learner's objects, the grader's own clients, console output)
 * attached to its result.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventEmitter } from 'node:events';
// TestRunner.getCurrentSuite, not 'vitest/suite' (deprecated since vitest 4.1: importing it
// prints a warning, on the learner's terminal when `netlab grade` lists checks outside vitest).
import { TestRunner, describe, expect, inject, test } from 'vitest';
import type { Json, TraceEvent, TraceLine, UnsequencedLine } from '../trace/event.js';
import { TraceCollector } from '../trace/collector.js';
import { ProcessScope } from '../runtime/scope.js';
import { learnerStack, type ActorProcess } from '../runtime/spawn.js';
import { exitOnSignal, killAll, onInterrupt } from '../runtime/cleanup.js';
import type { PrivateNetwork } from '../runtime/namespace.js';
import type { ArgsOf, CommandSpecs, HostContract, ResultOf } from '../runtime/contract.js';
import type { WireError } from '../runtime/protocol.js';
import { HOST_FAILURE, HOST_PING, type HostParams, type HostReady } from './host-protocol.js';
import type { CheckMeta, GradeContext, GradeSubmission, GradeTarget } from './types.js';
import { CheckPackets, mergeByTime } from './check-packets.js';
import { currentLanguage, setLanguage, t } from '../i18n/messages.js';
import { paced as scaled, startTime } from './pace.js';
import type { Language } from '../i18n/language.js';

// A grader runs in a vitest worker, which inherits the CLI's choice through NETLAB_LANG but not
// its loaded catalogue: load it here, so that the harness's own messages speak that language.
if (currentLanguage() !== 'en') await setLanguage(currentLanguage());

import { localize, type Msg } from '../i18n/localized.js';

export { msg, type Msg } from '../i18n/localized.js';

/** Options of one check. */
export interface CheckOptions {
  /** Weight of the check in the lab's score (default 1). */
  points?: number;
  /** Time limit of this check in ms, when it needs more or less than the default. Never exceeds what is left of the lab's limit. */
  timeoutMs?: number;
  /**
   * Run this check with no other check of its lab at the same time (for checks that measure
   * time, e.g. "took about ceil(N/k)·D"); other checks run side by side.
   */
  alone?: boolean;
}

/** What a check's function receives (all of it optional to use). */
export interface CheckContext {
  /** The lab being graded. */
  readonly lab: string;
  /** Aborted when the check ends or runs out of time: stop waiting. */
  readonly signal: AbortSignal;
  /** Milliseconds left before the check times out. */
  remainingMs(): number;
  /**
   * How much slower than a quiet machine this one was when grading started (≥ 1). Waits given
   * to the harness and its helpers are multiplied by it already; a check that judges time
   * compares durations it measured itself, or uses {@link paced} for a limit of its own.
   */
  readonly pace: number;
  /** Record everything `emitter` emits in this check's trace, as `actor` (default `grader`). */
  trace<T extends EventEmitter>(emitter: T, actor?: string): T;
  /** A sentence in the trace, from the grader (what it is about to do). */
  note(text: string): void;
  /** Run `fn` when the check ends (after it passed, failed or timed out). */
  defer(fn: () => unknown): void;
  /** A private temporary directory (short path: Unix sockets fit), removed when the check ends. */
  tempDir(): string;
}

/** The learner's module, running in its own process. */
export interface Submission {
  /** The learner's file. */
  readonly file: string;
  /** Ask the lab's host to run operation `op`; resolves with its JSON answer. */
  call<T = Json>(op: string, arg?: Json, timeoutMs?: number): Promise<T>;
  /** The learner process's trace lines so far (events of their objects, console output). */
  readonly trace: readonly TraceLine[];
  /**
   * Wait for a trace line from the learner's process that matches `match` (already received or
   * still to come). Rejects with a failure saying `what` was awaited if it does not come in time.
   */
  waitFor(match: (line: TraceEvent) => boolean, options: { what: string; timeoutMs?: number }): Promise<TraceEvent>;
  /** The uncaught exception the learner's process died of, if it did. */
  readonly crashed: WireError | undefined;
  /** True while the learner's process runs. */
  readonly running: boolean;
  /** True if the process answers at once (false: it died, or its event loop is blocked). */
  responsive(timeoutMs?: number): Promise<boolean>;
  /** Kill the process now (it is killed at the end of the check anyway). */
  kill(): Promise<void>;
}

/** A check failed for a reason the grader states. Thrown by {@link fail}. */
export class CheckFailure extends Error {
  constructor(
    message: string,
    /** The check failed because something took too long. */
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** A check that this machine cannot run (a missing feature), skipped with a reason. Thrown by {@link skip}. */
export class CheckSkip extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CheckSkip';
  }
}

/**
 * Skip the current check because this machine cannot run it (e.g. no private network
 * namespaces), with the reason the report shows. It counts for no points, earned or possible.
 */
export function skip(reason: string): never {
  throw new CheckSkip(reason);
}

/**
 * A SIGINT or SIGHUP that reaches this worker stops its grading at once: running checks end as
 * interrupted, none starts, every learner process is killed. The terminal's Ctrl-C no longer
 * does (workers run in process groups of their own, src/grade/pool.ts: netlab hears it and
 * cancels the run), but a signal sent to the worker itself would otherwise go to the default
 * handler of src/runtime/cleanup.ts, whose process.exit a vitest worker turns into a thrown
 * error: grading went on, each next check starting a learner process. SIGTERM, which vitest
 * sends its worker when it closes, still ends the worker.
 */
const stopped = new AbortController();
let stoppingOnSignal = false;

function stopOnSignal(): void {
  if (stoppingOnSignal) return;
  stoppingOnSignal = true;
  onInterrupt((signal) => {
    stopped.abort();
    if (signal === 'SIGTERM') exitOnSignal(signal);
    killAll();
  });
}

/** Grading was stopped while the check ran. */
class CheckInterrupted extends Error {
  constructor() {
    super('not finished: grading was interrupted');
    this.name = 'CheckInterrupted';
  }
}

/** Fail the current check with a message the learner can act on. */
export function fail(message: string | Msg): never {
  throw new CheckFailure(localize(message));
}

/** How many trace lines a failing check carries in its report (the last ones). */
export const TRACE_LINES_IN_REPORT = 300;
/** How many trace lines a check keeps in memory at most. */
const TRACE_LINES_KEPT = 20_000;
/** How much console output of the learner a check keeps. */
const OUTPUT_CHARS_KEPT = 4000;
/** Extra time vitest allows beyond our own limit, as a backstop only. */
const VITEST_BACKSTOP_MS = 10_000;

function gradeContext(): GradeContext | undefined {
  try {
    return inject('netlab') as GradeContext | undefined;
  } catch {
    return undefined;
  }
}

/** Per-submission state in this worker: when grading started, and why the rest cannot run. */
interface SubmissionState {
  started: number;
  /** Set when the learner's code blocked its event loop: later checks fail at once. */
  blocked?: string;
}

/**
 * What the harness keeps of one grader file while vitest collects and runs it. A grading worker
 * runs several grader files one after the other (vitest's `isolate: false`: one worker per core,
 * not one process per lab), so nothing of one lab may live at module level: each file's checks,
 * its submissions' state and its gate are found from the suite being collected.
 */
interface GraderFile {
  /** The checks of the file, in declaration order. */
  readonly definitions: CheckDefinition[];
  /** Per submission (by key, which counts from 0 in every lab). */
  readonly states: Map<string, SubmissionState>;
  readonly gate: CheckGate;
}
const graderFiles = new WeakMap<object, GraderFile>();

/** The grader file being collected: keyed by vitest's task for it, new each time vitest collects a file. */
function collectingFile(): GraderFile {
  const task = TestRunner.getCurrentSuite().file;
  let file = graderFiles.get(task);
  if (!file) {
    file = { definitions: [], states: new Map(), gate: new CheckGate() };
    graderFiles.set(task, file);
  }
  return file;
}

/** The lab whose grader file is being collected: its folder's name. */
function collectingLab(): string | undefined {
  const path = expect.getState().testPath;
  return path ? basename(dirname(path)) : undefined;
}

/**
 * One running check, as its function sees it: a view of the check's {@link ProcessScope} (the
 * learner's processes, clean-ups) and {@link TraceCollector} (its trace, kept for the report).
 */
class CheckRun implements CheckContext {
  readonly collector = new TraceCollector({ keep: TRACE_LINES_KEPT });
  readonly scope = new ProcessScope(this.collector);
  readonly signal: AbortSignal = this.scope.signal;
  output = '';
  readonly submissions: SubmissionImpl[] = [];
  deadline: number;
  /** With `--packets`: this check's packets, for its trace if it fails. */
  readonly packets: CheckPackets | undefined;

  constructor(
    readonly lab: string,
    readonly context: GradeContext,
    readonly target: GradeTarget,
    readonly submission: GradeSubmission & { file: string },
    limitMs: number,
  ) {
    this.deadline = Date.now() + limitMs;
    this.packets = context.packets ? new CheckPackets(this.collector, context.packets.file) : undefined;
    this.collector.onArrival((line) => {
      if (line.type === 'output' && this.output.length < OUTPUT_CHARS_KEPT) {
        this.output += `${line.text}\n`.slice(0, OUTPUT_CHARS_KEPT - this.output.length);
      }
    });
  }

  // Arrow functions: checks may destructure them (`async ({ note }) => …`).
  remainingMs = (): number => Math.max(0, this.deadline - Date.now());

  get pace(): number {
    return this.context.pace ?? 1;
  }

  trace = <T extends EventEmitter>(emitter: T, actor = 'grader'): T => this.collector.trace(emitter, actor);

  note = (text: string): void => this.collector.note('grader', text);

  defer = (fn: () => unknown): void => this.scope.defer(fn);

  tempDir = (): string => this.scope.tempDir();

  dispose(): Promise<void> {
    return this.scope.dispose();
  }

  /** The last lines of the trace, with `packets` in their places, for the report. */
  reportTrace(packets: UnsequencedLine[] = []): { trace: TraceLine[]; traceOmitted: number } {
    const lines = mergeByTime(this.collector.lines, packets);
    const trace = lines.slice(-TRACE_LINES_IN_REPORT);
    return { trace, traceOmitted: this.collector.omitted + lines.length - trace.length };
  }
}

const current = new AsyncLocalStorage<CheckRun>();

function currentRun(what: string): CheckRun {
  const run = current.getStore();
  if (!run) throw new Error(`${what} must be called inside a check(…) function`);
  return run;
}

/** The context of the check that is running (for helpers that trace or clean up). */
export function currentCheck(): CheckContext {
  return currentRun('currentCheck()');
}

/**
 * A wait of `ms` on a quiet machine, as long as it must be on this one now: `ms` times the
 * pace measured when grading started (see {@link CheckContext.pace}). For a limit a grader
 * keeps itself (`Date.now() + paced(4000)`); the harness and its helpers scale theirs already.
 */
export function paced(ms: number): number {
  return scaled(ms, current.getStore()?.pace ?? 1);
}

/**
 * Declare one check: a named requirement of the exercise. `id` is stable kebab-case (reports
 * and fixture names use it), `title` is what the learner reads. Each check gets fresh learner
 * processes; checks may run at the same time, so they share nothing.
 */
export function check(id: string, title: string, options: CheckOptions, fn: (ctx: CheckContext) => unknown): void {
  if (!/^[a-z][a-z0-9-]*$/.test(id)) throw new Error(`check id "${id}" must be kebab-case`);
  const points = options.points ?? 1;
  if (listing) {
    if (listing.some((c) => c.id === id)) throw new Error(`two checks have the id "${id}"`);
    listing.push({ id, title, points });
    return;
  }
  const file = collectingFile();
  if (file.definitions.some((d) => d.id === id)) throw new Error(`two checks have the id "${id}"`);
  file.definitions.push({ id, title, options, fn, points, order: file.definitions.length + 1 });
  const ctx = gradeContext();
  const lab = collectingLab();
  const target = ctx && lab ? ctx.labs[lab] : undefined;
  if (!ctx || !lab || !target) {
    // Run outside `netlab grade`: one test that says how to run it.
    test(id, { meta: { netlab: { id, title, points } } as never }, () => {
      throw new CheckFailure(`this grader runs through \`netlab grade\`, which says what to grade${lab ? ` (lab ${lab} was not given)` : ''}`);
    });
    return;
  }
  // At the first check: the suites' callbacks run after the file, and see every check.
  if (file.definitions.length === 1) declareSubmissions(ctx, lab, target, file);
}

/** A check as its grader declares it, told without running it. */
export interface DeclaredCheck {
  id: string;
  title: string;
  points: number;
}

/** Set while {@link declaredChecks} imports a grader: `check()` only records what it declares. */
let listing: DeclaredCheck[] | undefined;

/**
 * The checks the grader file at `path` declares, in order, read by importing it outside vitest
 * (nothing runs: `check()` only records them). For a lab with nothing to run (not started,
 * unsupported here), whose report needs only the list. A module runs once per process, so a
 * second call for the same file answers nothing: the caller keeps the answer.
 */
export async function declaredChecks(path: string): Promise<DeclaredCheck[]> {
  const list: DeclaredCheck[] = [];
  listing = list;
  try {
    await import(pathToFileURL(path).href);
  } finally {
    listing = undefined;
  }
  return list;
}

interface CheckDefinition {
  id: string;
  title: string;
  options: CheckOptions;
  fn: (ctx: CheckContext) => unknown;
  points: number;
  order: number;
}

/**
 * One suite per submission, declared at the first check: vitest collects a suite's tests after
 * the file has run, so each suite sees every check. Submissions are graded side by side, at most
 * `concurrency` checks of the file at once: vitest hands out those places first come, first
 * served, so one submission's checks run close together (its time limit, counted from its
 * first check, measures its own checks), and a check that waits on a timer leaves the CPU to
 * the next submission's checks instead of to nobody.
 */
function declareSubmissions(ctx: GradeContext, lab: string, target: GradeTarget, file: GraderFile): void {
  stopOnSignal();
  for (const submission of target.submissions) {
    const name = submission.file ? basename(submission.file) : `${lab} (not started)`;
    describe(`${name} [${submission.key}]`, { concurrent: ctx.concurrency > 1 }, () => {
      for (const def of file.definitions) declareCheck(ctx, lab, target, submission, def, file);
    });
  }
}

function declareCheck(ctx: GradeContext, lab: string, target: GradeTarget, submission: GradeSubmission, def: CheckDefinition, graderFile: GraderFile): void {
  const { id, title, points, order, options, fn } = def;
  const meta: CheckMeta = { key: submission.key, order, id, title, points };
  const backstop = ctx.labTimeoutMs + VITEST_BACKSTOP_MS;
  test(id, { timeout: backstop, concurrent: ctx.concurrency > 1 && !options.alone, meta: { netlab: meta } as never }, async (context) => {
    const task = context.task as unknown as { meta: { netlab?: CheckMeta } };
    if (target.skip) return context.skip(target.skip);
    if (submission.file === null) return context.skip(`not started: no ${lab}.ts in the workspace`);
    const file = submission.file;
    const leave = await graderFile.gate.enter(Boolean(options.alone));
    try {
      if (stopped.signal.aborted) throw new CheckFailure(new CheckInterrupted().message);
      let state = graderFile.states.get(submission.key);
      if (!state) {
        state = { started: Date.now() };
        graderFile.states.set(submission.key, state);
      }
      if (state.blocked) throw new CheckFailure(t('grade.h.notRun', { reason: state.blocked }));
      const labLeft = ctx.labTimeoutMs - (Date.now() - state.started);
      if (labLeft <= 0) {
        throw new CheckFailure(t('grade.h.labTimeUsed', { ms: ctx.labTimeoutMs }), true);
      }
      // A check's own limit was chosen for a quiet machine; the default includes the pace already.
      const limit = Math.min(options.timeoutMs !== undefined ? scaled(options.timeoutMs, ctx.pace ?? 1) : ctx.checkTimeoutMs, labLeft);
      const run = new CheckRun(lab, ctx, target, { ...submission, file }, limit);
      const cancelled = (context as unknown as { signal?: AbortSignal }).signal;
      const message = await execute(run, fn, limit, state, cancelled ? AbortSignal.any([cancelled, stopped.signal]) : stopped.signal);
      await run.dispose();
      // After the verdict, which the packets never change: they only go on a failing check's trace.
      const packets = await run.packets?.finish(message !== undefined && message.skipped === undefined);
      if (message === undefined) return;
      if (message.skipped !== undefined) {
        task.meta.netlab = { ...meta, points: 0 };
        return context.skip(message.skipped);
      }
      task.meta.netlab = { ...meta, timedOut: message.timedOut || undefined, ...run.reportTrace(packets), output: run.output || undefined };
      throw new CheckFailure(message.text, message.timedOut);
    } finally {
      leave();
    }
  });
}

/**
 * Checks of a grader file share it, except a check declared `alone` (one that measures time):
 * it waits until no other check of the file runs, of any submission, and none starts until it
 * ends. Those waiting for it hold their place among the `concurrency` running, so it is never
 * starved.
 */
class CheckGate {
  private running = 0;
  private exclusive: Promise<void> | undefined;
  private idle: (() => void) | undefined;

  async enter(alone: boolean): Promise<() => void> {
    while (this.exclusive) await this.exclusive;
    if (!alone) {
      this.running++;
      return () => {
        if (--this.running === 0) this.idle?.();
      };
    }
    let release!: () => void;
    this.exclusive = new Promise((resolve) => (release = resolve));
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    this.idle = undefined;
    return () => {
      this.exclusive = undefined;
      release();
    };
  }
}

/** Run a check's function under its limit; undefined if it passed, else why it failed. */
async function execute(
  run: CheckRun,
  fn: (ctx: CheckContext) => unknown,
  limit: number,
  state: SubmissionState,
  cancelled?: AbortSignal,
): Promise<{ text: string; timedOut: boolean; skipped?: string } | undefined> {
  let failure: unknown;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let onCancel: (() => void) | undefined;
  try {
    await Promise.race([
      current.run(run, async () => fn(run)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          timedOut = true;
          reject(new CheckFailure(t('grade.h.timedOut', { ms: limit }), true));
        }, limit);
      }),
      // The run was cancelled (Ctrl-C, `netlab watch` quitting): stop now, do not wait for limits.
      new Promise<never>((_, reject) => {
        onCancel = () => reject(new CheckInterrupted());
        if (cancelled?.aborted) onCancel();
        else cancelled?.addEventListener('abort', onCancel, { once: true });
      }),
    ]);
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    if (onCancel) cancelled?.removeEventListener('abort', onCancel);
  }
  run.scope.abort();
  if (failure instanceof CheckSkip) return { text: failure.message, timedOut: false, skipped: failure.message };
  if (failure instanceof CheckInterrupted || run.submissions.some((s) => s.interrupted)) return { text: new CheckInterrupted().message, timedOut: false };

  let text: string | undefined;
  let isTimeout = false;
  if (failure !== undefined) {
    const described = await describeFailure(failure, run, limit, timedOut);
    text = described.message;
    isTimeout = described.timedOut;
    if (described.blocked) state.blocked = 'in another check your code stopped responding (a busy loop?): fix that first';
  }
  // A crash fails the check even when the grader saw nothing wrong.
  const crash = run.submissions.find((s) => s.unexpectedEnd());
  if (crash) {
    const why = crash.endDescription();
    if (text === undefined) text = why;
    else if (!text.includes(why.split('\n')[0]!)) text = `${text}\n\n${why}`;
  }
  return text === undefined ? undefined : { text, timedOut: isTimeout };
}

async function describeFailure(
  err: unknown,
  run: CheckRun,
  limit: number,
  timedOut: boolean,
): Promise<{ message: string; timedOut: boolean; blocked: boolean }> {
  if (timedOut) {
    const stuck = await blockedSubmission(run);
    if (run.submissions.some((s) => !s.loaded && s.running)) {
      return {
        message: stuck
          ? t('grade.h.loadStuck', { ms: limit })
          : stillLoading(limit),
        timedOut: true,
        blocked: stuck,
      };
    }
    if (stuck) {
      return {
        message: t('grade.h.blocked', { ms: limit }),
        timedOut: true,
        blocked: true,
      };
    }
    return { message: t('grade.h.checkTimeout', { ms: limit }), timedOut: true, blocked: false };
  }
  // Whatever the grader saw, a learner process that no longer answers is the real story.
  const blocked = await blockedSubmission(run);
  const note = t('grade.h.blockedNote');
  const said = t('grade.h.stoppedResponding');
  const withNote = (text: string) => (blocked && !/stopped responding/.test(text) && !text.includes(said) ? `${text}\n${note}` : text);
  if (err instanceof CheckFailure) {
    return { message: withNote(err.message), timedOut: err.timedOut || blocked, blocked };
  }
  const e = err as { message?: string; name?: string };
  // An assertion from vitest's expect, or a grader bug: say what it is.
  if (e?.name === 'AssertionError') return { message: withNote(e.message ?? String(err)), timedOut: blocked, blocked };
  return { message: withNote(`${e?.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e?.message ?? String(err)}`), timedOut: blocked, blocked };
}

/** How long a free event loop takes at most to answer a ping on a quiet machine, in ms. */
const PING_MS = 750;

/**
 * A learner process whose event loop is blocked (a busy loop) answers no ping. One missed ping
 * on a busy machine proves little, so a miss is followed by a measure of how long a fresh
 * reference process takes to start and exit right now (src/grade/pace.ts) and a second ping
 * with twice that time: a free event loop answers a ping in far less than a Node process
 * takes to start, on any machine, so missing both is blocked however busy the machine is.
 */
async function blockedSubmission(run: CheckRun): Promise<boolean> {
  for (const sub of run.submissions) if (await isBlocked(sub)) return true;
  return false;
}

async function isBlocked(sub: SubmissionImpl): Promise<boolean> {
  if (sub.blocked) return true;
  if (!sub.running || (await sub.responsive(PING_MS))) return false;
  const reference = await startTime();
  if (!sub.running || (await sub.responsive(Math.max(PING_MS, 2 * reference)))) return false;
  // No answer: blocked, or already on its way out (process.exit, a crash): tell them apart.
  await Promise.race([sub.process.exited, new Promise((r) => setTimeout(r, Math.max(500, reference)))]);
  // A blocked process stays so until it is killed: asked again, the answer is the same.
  sub.blocked = sub.running;
  return sub.blocked;
}

class SubmissionImpl implements Submission {
  readonly process: ActorProcess;
  /** The module loaded and has its exports. */
  loaded = false;
  /** Found blocked (see isBlocked): it is not asked again. */
  blocked = false;
  private killed = false;

  constructor(
    readonly run: CheckRun,
    readonly file: string,
    readonly actor: string,
    host: string,
    params: HostParams,
    network?: PrivateNetwork,
  ) {
    // Plain JavaScript that imports only Node's modules needs no module hooks.
    this.process = run.scope.spawn({ actor, program: host, params: params as unknown as Json, cwd: dirname(file), network, hooks: params.module === undefined || /\.[mc]?ts$/.test(host), diesWithParent: true });
    // Killed by the harness at the end of the check: not an end of its own (see unexpectedEnd).
    run.scope.defer(() => this.kill());
  }

  get trace(): readonly TraceLine[] {
    return this.run.collector.snapshot().filter((l) => l.actor === this.actor);
  }

  get crashed(): WireError | undefined {
    return this.process.fatal;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** True when the process ended by itself (crash or exit), not because the harness killed it. */
  unexpectedEnd(): boolean {
    return !this.killed && (!this.process.running || this.process.fatal !== undefined);
  }

  /**
   * Stopped from the terminal: Ctrl-C (or a closed terminal) signals the whole process group,
   * the learner's process with netlab. Not something their code did.
   */
  get interrupted(): boolean {
    const signal = this.process.exit?.signal;
    return signal === 'SIGINT' || signal === 'SIGHUP';
  }

  endDescription(): string {
    if (this.interrupted) return new CheckInterrupted().message;
    const fatal = this.process.fatal;
    if (fatal) return t('grade.h.crashed', { stack: learnerStack(fatal, this.file) });
    return t('grade.h.exited', { how: this.process.describeExit().replace(/^\S+ /, '') });
  }

  async start(timeoutMs: number): Promise<void> {
    let info: HostReady;
    try {
      info = (await this.process.ready(timeoutMs)) as unknown as HostReady;
    } catch (err) {
      if (!this.process.running) throw new CheckFailure(this.endDescription());
      const alive = this.running && !(await isBlocked(this));
      throw new CheckFailure(
        alive
          ? stillLoading(timeoutMs)
          : t('grade.h.loadStuck', { ms: timeoutMs }),
        true,
      );
    }
    if (!info.ok) {
      await this.kill();
      if (info.stage === 'exports') throw new CheckFailure(info.error.message);
      throw new CheckFailure(`${t('grade.h.threwAtLoad')}\n${learnerStack(info.error, this.file)}`);
    }
    this.loaded = true;
  }

  async call<T = Json>(op: string, arg: Json = null, timeoutMs?: number): Promise<T> {
    const limit = Math.max(1, Math.min(timeoutMs !== undefined ? scaled(timeoutMs, this.run.pace) : this.run.context.callTimeoutMs, this.run.remainingMs()));
    try {
      return (await this.process.command(op, arg, limit)) as T;
    } catch (err) {
      const e = err as { code?: string; message: string; stack?: string };
      if (e.code === 'NETLAB_ERR_TIMEOUT') {
        const alive = this.running && !(await isBlocked(this));
        throw new CheckFailure(
          alive
            ? t('grade.h.noAnswer', { ms: limit })
            : t('grade.h.noAnswerBlocked', { ms: limit }),
          true,
        );
      }
      if (e.code === 'NETLAB_ERR_CHILD_EXITED') throw new CheckFailure(this.endDescription());
      if (e.code === HOST_FAILURE) throw new CheckFailure(e.message);
      throw new CheckFailure(`${t('grade.h.threw')}\n${learnerStack(e, this.file)}`);
    }
  }

  waitFor(match: (line: TraceEvent) => boolean, options: { what: string; timeoutMs?: number }): Promise<TraceEvent> {
    const mine = (line: TraceEvent) => line.actor === this.actor && safeMatch(match, line);
    const found = this.run.collector.find(mine);
    if (found) return Promise.resolve(found);
    const limit = Math.max(1, Math.min(options.timeoutMs !== undefined ? scaled(options.timeoutMs, this.run.pace) : this.run.remainingMs(), this.run.remainingMs()));
    return new Promise<TraceEvent>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        stopWatching();
        this.run.signal.removeEventListener('abort', onAbort);
      };
      // As lines arrive, not once they are in order: a check must not wait out the reorder window.
      const stopWatching = this.run.collector.onArrival((line) => {
        if (line.type === 'event' && mine(line)) {
          finish();
          resolve(line);
        }
      });
      const onAbort = () => {
        finish();
        reject(new CheckFailure(t('grade.h.checkEnded', { what: options.what })));
      };
      const timer = setTimeout(() => {
        finish();
        if (!this.process.running) reject(new CheckFailure(`${this.endDescription()}\n${t('grade.h.waitingFor', { what: options.what })}`));
        else reject(new CheckFailure(t('grade.h.waitedInVain', { ms: limit, what: options.what }), true));
      }, limit);
      this.run.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async responsive(timeoutMs = scaled(PING_MS, this.run.pace)): Promise<boolean> {
    if (!this.process.running) return false;
    try {
      await this.process.command(HOST_PING, null, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  async kill(): Promise<void> {
    if (this.process.running) this.killed = true;
    await this.process.kill();
  }
}

/**
 * The learner's module still loads when time runs out, and its event loop is free: it may await
 * something at its top level that never settles, or the limit may be too short to load it at
 * all (`--timeout 10`). Which one cannot be told from outside, so the message names both.
 */
function stillLoading(limit: number): string {
  return t('grade.h.stillLoading', { ms: limit });
}

function safeMatch(match: (line: TraceEvent) => boolean, line: TraceEvent): boolean {
  try {
    return match(line);
  } catch {
    return false;
  }
}

export interface StartOptions {
  /** Run the learner's process inside this private network (see src/runtime/namespace.ts). */
  network?: PrivateNetwork;
}

/** A {@link Submission} whose `call` is checked against the lab's host contract (`defineHost`). */
export interface TypedSubmission<Ops extends CommandSpecs> extends Omit<Submission, 'call'> {
  call<K extends keyof Ops & string>(op: K, ...args: ArgsOf<Ops, K>): Promise<ResultOf<Ops, K>>;
}

/** What `startSubmission(lab, { host })` gives a grader for a host contract: `HostSubmission<typeof echoHost>`. */
export type HostSubmission<H extends HostContract> = TypedSubmission<NonNullable<H['ops']>>;

interface StartSubmission {
  /** With the lab's host contract: `call` is typed by it. */
  <Ops extends CommandSpecs>(labId: string, options: StartOptions & { host: HostContract<Ops> }): Promise<TypedSubmission<Ops>>;
  (labId: string, options?: StartOptions): Promise<Submission>;
}

/**
 * Start the learner's module for `labId` in a fresh process (the lab's `grade/host`), wait
 * until it is loaded and has its exports. Killed when the check ends. Fails the check with the
 * learner's stack if the module throws while loading, and as timed out if it never loads.
 * (The host contract is a type only: both shapes are the same submission at run time.)
 */
export const startSubmission = start as unknown as StartSubmission;

async function start(labId: string, options: StartOptions = {}): Promise<Submission> {
  const run = currentRun('startSubmission()');
  if (labId !== run.lab) throw new Error(`startSubmission("${labId}") in the grader of lab ${run.lab}`);
  if (!run.target.host) throw new Error(`lab ${labId} has no grade/host program`);
  const actor = run.submissions.length === 0 ? 'learner' : `learner#${run.submissions.length + 1}`;
  const file = run.submission.file;
  const sub = new SubmissionImpl(run, file, actor, run.target.host, {
    lab: labId,
    submission: file,
    exports: run.target.exports,
    // Outlives the check by a margin only; the harness kills it well before.
    maxLifetimeMs: run.remainingMs() + 15_000,
    ...(run.submission.transpiled !== undefined ? { transpiled: run.submission.transpiled } : {}),
    ...(run.submission.plain !== undefined ? { module: run.submission.plain } : {}),
  }, options.network);
  run.submissions.push(sub);
  // A little under what is left, so that this says "did not finish loading" before the check's own limit.
  await sub.start(Math.max(1, Math.min(run.context.callTimeoutMs * 2, run.remainingMs() - 250)));
  return sub;
}
