/**
 * Grading from code: runs the labs' graders with vitest (`createVitest` from `vitest/node`)
 * against the learner's files and turns the results into a {@link GradeReport}.
 *
 * - One vitest instance per call, whatever the number of labs (its start-up is paid once); the
 *   graders run in parallel worker processes, each check with fresh learner processes.
 * - What to grade reaches the graders through `provide('netlab', …)` (read with `inject`).
 * - vitest writes to streams of ours, never to the terminal, and never reads stdin;
 *   `process.exitCode` and the environment are restored afterwards.
 * - The root, include and exclude are set explicitly, so graders inside `node_modules/netlab`
 *   (an installed package) run too: vitest's default exclude would skip them.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { TransformOptions } from 'esbuild';
import type { PoolRunnerInitializer, Reporter, TestCase, TestModule, Vitest } from 'vitest/node';
import type { GradeCapture } from './capture.js';
import type { DeclaredCheck } from './harness.js';
import type { Lab } from '../lab/types.js';
import { resolveProgram } from '../runtime/spawn.js';
import { importsOnlyBuiltins, typescriptTransform } from '../runtime/plain-module.js';
import { makeTempDir, removeTempDir } from '../runtime/cleanup.js';
import { findSubmission, isUntouchedStarter, readRecord } from '../workspace/workspace.js';
import { lineIn } from './report/github.js';
import type { CheckMeta, CheckReport, GradeContext, GradeProgress, GradeReport, GradeTarget, GradeTotals, LabReport, LabStatus, LoadError, Points } from './types.js';
import { checkTitle } from '../lab/texts.js';
import { currentLanguage, t } from '../i18n/messages.js';
import { measurePace, paced } from './pace.js';
import { groupForksPool } from './pool.js';

export const DEFAULT_LAB_TIMEOUT_MS = 60_000;
export const DEFAULT_CHECK_TIMEOUT_MS = 15_000;
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/** Checks of one grader file running at once (each with its own learner processes). */
export const DEFAULT_CONCURRENCY = 4;

export interface GradeLabsOptions {
  /** The labs to grade, in report order. */
  labs: Lab[];
  /** The learner's workspace: `<dir>/<lab-id>.ts` (`.mts`, `.js`, `.mjs`) is graded. */
  dir: string;
  /** Hard limit for all checks of one lab, in ms (default 60 s). */
  timeoutMs?: number;
  /** Checks of one lab running at once (default 4). */
  concurrency?: number;
  /** Live progress: each check as it ends, each lab as it ends. */
  onProgress?: (progress: GradeProgress) => void;
  /** Stop grading: checks still running and labs not finished are reported as interrupted. */
  signal?: AbortSignal;
  /** Put the packets of each failing check on its trace (`--packets`), when this machine can capture. */
  packets?: boolean;
  /** Why packets could not be captured (grading goes on without them), in one line. */
  onPacketsUnavailable?: (reason: string) => void;
  /**
   * Start the vitest workers in process groups of their own (default): the terminal's Ctrl-C then
   * reaches netlab alone, which stops grading cleanly (src/grade/pool.ts). False where netlab's
   * own group is out of any terminal's reach and is killed as a whole to stop grading (the
   * interactive lab's grade worker, src/session/grade-worker.ts).
   */
  ownProcessGroups?: boolean;
}

/** One thing to grade: a lab and a file (null: not started). */
export interface GradeJob {
  lab: Lab;
  /** The learner's module, or null when the lab is not started. */
  file: string | null;
  /** Where the file was expected, for the report when it is missing (or the untouched starter, when it is that). */
  expected?: string;
  /** The file is still the lab's starter as `netlab init` wrote it: not started, nothing runs. */
  untouched?: boolean;
  /** When the learner had the solution shown before passing (the workspace's record), for the report. */
  solutionViewedAt?: string;
}

export interface GradeSubmissionsOptions {
  timeoutMs?: number;
  /** Default limit of one check (never more than the lab's limit). */
  checkTimeoutMs?: number;
  /** Default limit of one host call and of loading the learner's module. */
  callTimeoutMs?: number;
  /** Checks of one grader file running at once (default 4). */
  concurrency?: number;
  /**
   * How much slower than a quiet machine this one is now (≥ 1): the default limits and the
   * graders' own waits are multiplied by it. Measured at the start of the run when not given.
   */
  pace?: number;
  onProgress?: (progress: GradeProgress) => void;
  signal?: AbortSignal;
  packets?: boolean;
  onPacketsUnavailable?: (reason: string) => void;
  ownProcessGroups?: boolean;
}

/** Grade the learner's workspace: one report for the given labs. */
export async function gradeLabs(options: GradeLabsOptions): Promise<GradeReport> {
  const started = Date.now();
  const record = readRecord(options.dir);
  const submissions: GradeJob[] = options.labs.map((lab) => {
    const file = findSubmission(options.dir, lab.id);
    const viewed = record.labs[lab.id]?.solutionViewedAt;
    const seen = viewed ? { solutionViewedAt: viewed } : {};
    if (file && existsSync(lab.starterPath) && isUntouchedStarter(file, readFileSync(lab.starterPath, 'utf8'))) {
      // Its checks are declared (so the points possible are known) but none runs.
      return { lab, file: null, expected: file, untouched: true, ...seen };
    }
    return { lab, file: file ?? null, expected: join(options.dir, `${lab.id}.ts`), ...seen };
  });
  const labs = await gradeSubmissions(submissions, options);
  return buildReport(options.dir, labs, Date.now() - started);
}

/** Assemble a report (totals, ok) from lab reports. */
export function buildReport(dir: string, labs: LabReport[], durationMs: number): GradeReport {
  const totals: GradeTotals = {
    passed: 0,
    failed: 0,
    skipped: 0,
    labs: { passed: 0, failed: 0, 'not-started': 0, skipped: 0, interrupted: 0 },
    points: { earned: 0, possible: 0 },
  };
  for (const lab of labs) {
    totals.labs[lab.status]++;
    totals.points.earned += lab.points.earned;
    totals.points.possible += lab.points.possible;
    for (const c of lab.checks) totals[c.status]++;
  }
  const ok = labs.every((l) => l.status === 'passed' || l.status === 'skipped');
  return { version: 1, ok, dir, labs, totals, durationMs };
}

/**
 * Grade any number of submissions in one vitest instance, in one run: each lab's grader file
 * runs once and declares its checks for every submission of that lab (the contract test grades
 * all fixtures at once); labs run side by side. Reports come back in input order.
 */
export async function gradeSubmissions(submissions: GradeJob[], options: GradeSubmissionsOptions = {}): Promise<LabReport[]> {
  const reports: Array<LabReport | undefined> = new Array(submissions.length);

  // A lab without a grader (an authoring mistake the contract test reports) cannot run.
  submissions.forEach((s, i) => {
    if (!existsSync(s.lab.graderPath)) {
      reports[i] = finishLab(s, [], { error: t('grade.r.noGrader', { lab: s.lab.id, path: s.lab.graderPath }) }, 0);
    }
  });
  // A lab with nothing to run (not started, or not supported on this machine) is reported from
  // the checks its grader declares, at once, without a vitest worker for it.
  for (const [i, s] of submissions.entries()) {
    const skip = s.lab.unsupported?.() ?? undefined;
    if (reports[i] !== undefined || (s.file !== null && skip === undefined)) continue;
    const listed = await listedReport(s, skip ?? t('grade.status.notStarted'), skip === undefined, {});
    if (listed) reports[i] = reported(listed, options);
  }
  let runnable = submissions.map((_, i) => i).filter((i) => reports[i] === undefined);
  if (runnable.length === 0) return submissions.map((s, i) => reports[i] ?? finishLab(s, [], {}, 0));

  // The pace is measured while the files are transpiled (it waits on a process, not the CPU).
  const [{ prepared, dir: preparedDir }, pace] = await Promise.all([prepareAll(runnable.map((i) => submissions[i]!.file)), options.pace ?? measurePace()]);
  try {
    // A file that cannot load (a syntax error, a folder) fails every check of its lab, unrun:
    // said from the checks its grader declares, at once, without vitest (the same report).
    for (const i of runnable) {
      const s = submissions[i]!;
      const ready = s.file ? prepared.get(s.file) : undefined;
      if (!ready || !('loadError' in ready)) continue;
      const listed = await listedReport(s, '', true, { loadError: ready.loadError });
      if (listed) reports[i] = reported(listed, options);
    }
    runnable = runnable.filter((i) => reports[i] === undefined);
    if (runnable.length === 0) return submissions.map((s, i) => reports[i]!);
    return await gradePrepared(submissions, options, reports, runnable, prepared, pace);
  } finally {
    if (preparedDir) removeTempDir(preparedDir);
  }
}

/**
 * The report of a submission none of whose checks runs, from the checks its grader declares
 * (each skipped with `reason`, or failed as not loaded with `extra.loadError`), or undefined
 * when they cannot be listed outside vitest (an import that fails there): vitest then runs it.
 */
async function listedReport(s: GradeJob, reason: string, counts: boolean, extra: { loadError?: LoadError }): Promise<LabReport | undefined> {
  const declared = await checksOf(s.lab.graderPath);
  if (declared === undefined) return undefined;
  const checks = declared.map(
    (c): CheckReport => ({
      id: c.id,
      title: checkTitle(s.lab.dir, c.id, currentLanguage()) ?? c.title,
      status: 'skipped',
      reason,
      points: { earned: 0, possible: counts ? c.points : 0 },
      durationMs: 0,
    }),
  );
  return finishLab(s, checks, extra, 0);
}

/** Tell `onProgress` about a report made without running anything, and return it. */
function reported(report: LabReport, options: GradeSubmissionsOptions): LabReport {
  for (const check of report.checks) options.onProgress?.({ type: 'check', lab: report.id, check });
  options.onProgress?.({ type: 'lab', lab: report });
  return report;
}

async function gradePrepared(
  submissions: GradeJob[],
  options: GradeSubmissionsOptions,
  reports: Array<LabReport | undefined>,
  runnable: number[],
  prepared: Map<string, Prepared>,
  pace: number,
): Promise<LabReport[]> {
  const labs: Record<string, GradeTarget> = {};
  // Limits the caller chose are theirs; the defaults are for a quiet machine, so they scale.
  const labTimeoutMs = options.timeoutMs ?? paced(DEFAULT_LAB_TIMEOUT_MS, pace);
  const loadErrors = new Map<number, LoadError>();
  for (const i of runnable) {
    const s = submissions[i]!;
    const entry = (labs[s.lab.id] ??= target(s.lab));
    const ready = s.file ? prepared.get(s.file) : undefined;
    if (ready && 'loadError' in ready) {
      // A file that cannot load fails once, here: its checks are declared but none starts it.
      loadErrors.set(i, ready.loadError);
      entry.submissions.push({ key: String(i), file: null });
      continue;
    }
    entry.submissions.push({
      key: String(i),
      file: s.file,
      ...(ready?.transpiled !== undefined ? { transpiled: ready.transpiled } : {}),
      ...(ready?.plain !== undefined ? { plain: ready.plain } : {}),
    });
  }
  const context: GradeContext = {
    labs,
    labTimeoutMs,
    checkTimeoutMs: Math.min(options.checkTimeoutMs ?? paced(DEFAULT_CHECK_TIMEOUT_MS, pace), labTimeoutMs),
    callTimeoutMs: Math.min(options.callTimeoutMs ?? paced(DEFAULT_CALL_TIMEOUT_MS, pace), labTimeoutMs),
    concurrency: Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY),
    pace,
  };
  const collector = new Collector(submissions, loadErrors, options.onProgress);
  const onAbort = () => collector.interrupt();
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const graders = [...new Set(runnable.map((i) => submissions[i]!.lab.graderPath))];
  if (options.signal?.aborted) {
    // Stopped before anything ran (Ctrl-C during start-up): every lab is interrupted.
    options.signal.removeEventListener('abort', onAbort);
    for (const i of runnable) reports[i] = collector.finishSubmission(i, INTERRUPTED);
    return submissions.map((_, i) => reports[i]!);
  }
  const ownGroups = options.ownProcessGroups ?? true;
  const capture = options.packets ? await gradeCapture(ownGroups, options.onPacketsUnavailable) : undefined;
  if (capture) context.packets = { file: capture.file };
  let session: VitestSession;
  try {
    // Workers in process groups of their own (unless told otherwise): Ctrl-C reaches netlab alone (src/grade/pool.ts).
    session = await VitestSession.open(collector, graders, context.concurrency, capture?.pool ?? groupForksPool('netlab-forks', [], ownGroups));
  } catch (err) {
    await capture?.close();
    throw err;
  }
  try {
    // The backstop of the whole run: every lab is limited by the harness already.
    const perFile = Math.max(...Object.values(labs).map((l) => l.submissions.length));
    const waves = Math.ceil(graders.length / Math.max(1, Math.min(graders.length, availableParallelism())));
    const limit = labTimeoutMs * Math.ceil(perFile / context.concurrency) * waves + paced(30_000, pace);
    const interrupted = await session.run(context, graders, limit, options.signal);
    for (const i of runnable) reports[i] = collector.finishSubmission(i, interrupted);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await session.close(options.signal?.aborted ? INTERRUPTED_CLOSE_MS : undefined);
    await capture?.close();
  }
  return submissions.map((s, i) => reports[i]!);
}

/** The capture grading runs in (src/grade/capture.ts), or undefined after saying why there is none. */
async function gradeCapture(ownGroups: boolean, onUnavailable?: (reason: string) => void): Promise<GradeCapture | undefined> {
  const { openGradeCapture } = await import('./capture.js');
  const capture = await openGradeCapture(ownGroups);
  if (typeof capture !== 'string') return capture;
  onUnavailable?.(capture);
  return undefined;
}

/** Largest transpiled module passed to learner processes (it travels in their environment). */
const MAX_TRANSPILED = 48 * 1024;

/** A submission that cannot load at all: said once for its lab, never once per check. */
type Prepared = { transpiled?: string; plain?: string } | { loadError: LoadError };

/** A path as the learner knows it: relative to where they ran netlab, when it is below it. */
function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/**
 * Before any check starts a learner process, find what would stop every one of them from
 * loading the file: not a file (a folder, unreadable), or a syntax error. TypeScript is also
 * transpiled here, once (the options of src/runtime/loader-hooks.ts), so the learner processes
 * of its checks need not start esbuild each; a module that imports only Node's own modules is
 * written to a temp folder (`dir`, removed when grading ends) and loaded without module hooks.
 */
async function prepareAll(files: Array<string | null>): Promise<{ prepared: Map<string, Prepared>; dir?: string }> {
  const out = new Map<string, Prepared>();
  const code = new Map<string, string>();
  for (const file of new Set(files.filter((f): f is string => f !== null))) {
    try {
      if (statSync(file).isDirectory()) {
        out.set(file, { loadError: { message: t('grade.r.isDirectory', { file: shownPath(file) }) } });
        continue;
      }
      code.set(file, readFileSync(file, 'utf8'));
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      out.set(file, { loadError: { message: t('grade.r.cannotRead', { file: shownPath(file), reason: e.code ?? e.message }) } });
    }
  }
  if (code.size === 0) return { prepared: out };
  const { transform, stop } = await import('esbuild');
  let dir: string | undefined;
  await Promise.all(
    [...code].map(async ([file, source], n) => {
      const ts = /\.[mc]?ts$/.test(file);
      try {
        // JavaScript is only parsed (Node runs it as it is): no target, so no lowering can fail.
        const options: TransformOptions = ts ? typescriptTransform(file) : { loader: 'js', sourcefile: file };
        const result = await transform(source, options);
        if (importsOnlyBuiltins(result.code)) {
          // ESM TypeScript is written once as a .mjs beside nothing of the learner's (its source
          // map names their file, so stacks still point at their lines); JavaScript as it is.
          if (!ts) out.set(file, { plain: file });
          else if (!file.endsWith('.cts')) {
            const plain = join((dir ??= makeTempDir('netlab-grade-')), `${n}-${basename(file).replace(/\.[mc]?ts$/, '')}.mjs`);
            writeFileSync(plain, result.code);
            out.set(file, { plain });
          }
          if (out.has(file)) return;
        }
        out.set(file, ts && result.code.length <= MAX_TRANSPILED ? { transpiled: result.code } : {});
      } catch (err) {
        const syntax = syntaxError(err, file);
        // Anything else esbuild trips on is left to the learner process, which reports it.
        out.set(file, syntax ? { loadError: syntax } : {});
      }
    }),
  );
  // esbuild runs as a child process: stop it now rather than leave it to notice netlab's exit.
  await stop();
  return { prepared: out, ...(dir ? { dir } : {}) };
}

/** esbuild's first error as the learner's editor would show it: file:line:col, the line, a caret. */
function syntaxError(err: unknown, file: string): LoadError | undefined {
  const first = (err as { errors?: Array<{ text: string; location?: { line: number; column: number; lineText: string } | null }> }).errors?.[0];
  if (!first) return undefined;
  const at = first.location;
  if (!at) return { message: t('grade.r.doesNotCompile', { file: shownPath(file), error: first.text }) };
  const gutter = `${at.line} | `;
  return {
    message: `${t('grade.r.syntaxError', { where: `${shownPath(file)}:${at.line}:${at.column + 1}`, error: first.text })}\n    ${gutter}${at.lineText}\n    ${' '.repeat(gutter.length + at.column)}^`,
    line: at.line,
  };
}

function target(lab: Lab): GradeTarget {
  const skip = lab.unsupported?.() ?? undefined;
  let host: string | undefined;
  try {
    host = resolveProgram(lab.dir, 'grade/host');
  } catch {
    host = undefined;
  }
  return { submissions: [], ...(skip ? { skip } : {}), ...(host ? { host } : {}), exports: lab.exports };
}

/** What each grader file declares, listed once per process (a module runs only once), one file at a time. */
const declaredByGrader = new Map<string, Promise<DeclaredCheck[] | undefined>>();
let listingQueue: Promise<unknown> = Promise.resolve();

function checksOf(grader: string): Promise<DeclaredCheck[] | undefined> {
  let listed = declaredByGrader.get(grader);
  if (!listed) {
    listed = listingQueue.then(async () => {
      try {
        const list = await (await import('./harness.js')).declaredChecks(grader);
        return list.length > 0 ? list : undefined;
      } catch {
        return undefined;
      }
    });
    listingQueue = listed;
    declaredByGrader.set(grader, listed);
  }
  return listed;
}

/** Receives vitest's results (as a reporter) and turns them into check reports. */
class Collector implements Reporter {
  private readonly checks = new Map<number, CheckReport[]>();
  private readonly order = new WeakMap<CheckReport, number>();
  private readonly moduleErrors = new Map<string, string[]>();
  /** Wall time from the first check's start to the last check's end, per submission. */
  private readonly spans = new Map<number, { start: number; end: number }>();
  private readonly done = new Set<number>();
  private unhandled: string[] = [];
  /** Called whenever vitest starts a grader file (a cancel before that point is lost: see {@link VitestSession.run}). */
  onModuleQueued: (() => void) | undefined;
  /** When the user stopped grading (Ctrl-C, `netlab watch` quitting), epoch ms. */
  private interruptedAt: number | undefined;
  /** When each check ended, epoch ms (vitest reports test times in epoch ms). */
  private readonly endedAt = new WeakMap<CheckReport, number>();

  constructor(
    private readonly submissions: GradeJob[],
    private readonly loadErrors: ReadonlyMap<number, LoadError>,
    private readonly onProgress?: (p: GradeProgress) => void,
  ) {}

  onTestCaseResult(testCase: TestCase): void {
    const key = Number((testCase.meta() as { netlab?: CheckMeta }).netlab?.key);
    const sub = this.submissions[key];
    if (!sub || sub.lab.graderPath !== testCase.module.moduleId) return;
    const report = checkReport(testCase, sub);
    const order = (testCase.meta() as { netlab?: CheckMeta }).netlab?.order ?? Number.MAX_SAFE_INTEGER;
    this.order.set(report, order);
    const ended = testCase.diagnostic();
    this.endedAt.set(report, ended ? ended.startTime + ended.duration : Date.now());
    // A cancelled run may report a test twice (skipped, then again): the last word counts.
    const list = (this.checks.get(key) ?? []).filter((c) => c.id !== report.id);
    list.push(report);
    list.sort((a, b) => (this.order.get(a) ?? 0) - (this.order.get(b) ?? 0));
    this.checks.set(key, list);
    const d = testCase.diagnostic();
    if (d) {
      const span = this.spans.get(key) ?? { start: d.startTime, end: d.startTime + d.duration };
      this.spans.set(key, { start: Math.min(span.start, d.startTime), end: Math.max(span.end, d.startTime + d.duration) });
    }
    this.onProgress?.({ type: 'check', lab: sub.lab.id, check: report });
  }

  onTestModuleQueued(): void {
    this.onModuleQueued?.();
  }

  onTestModuleEnd(testModule: TestModule): void {
    const errors = testModule.errors().map((e) => e.message || String(e));
    if (errors.length) this.moduleErrors.set(testModule.moduleId, errors);
    // Labs whose checks all ran are complete now: report them while others still run.
    this.submissions.forEach((s, i) => {
      if (s.lab.graderPath === testModule.moduleId && this.checks.has(i) && !errors.length) this.finishSubmission(i, this.interruptedAt === undefined ? undefined : INTERRUPTED);
    });
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<{ message: string; stack?: string; [k: string]: unknown }>): void {
    for (const e of unhandledErrors) {
      const where = typeof e.VITEST_TEST_PATH === 'string' ? e.VITEST_TEST_PATH : undefined;
      const text = `${e.message}${where ? ` (in ${where})` : ''}`;
      if (where) {
        const list = this.moduleErrors.get(where) ?? [];
        list.push(text);
        this.moduleErrors.set(where, list);
      } else this.unhandled.push(text);
    }
  }

  private reports = new Map<number, LabReport>();

  private asInterrupted(check: CheckReport): CheckReport {
    if (!interruptedCheck(check, this.endedAt.get(check), this.interruptedAt ?? Date.now())) return check;
    const { message: _message, trace: _trace, traceOmitted: _omitted, timedOut: _timedOut, ...rest } = check;
    return { ...rest, status: 'skipped', interrupted: true, reason: t('grade.r.interruptedCheck'), points: { earned: 0, possible: check.points.possible } };
  }

  /** The user stopped grading now. */
  interrupt(): void {
    this.interruptedAt ??= Date.now();
  }

  /** The report of submission `i` (built once; later calls return the same report). */
  finishSubmission(i: number, interrupted: string | undefined): LabReport {
    const existing = this.reports.get(i);
    // Stopped by the user: not a problem of the lab, nor of the learner; the lab did not finish.
    const byUser = interrupted === INTERRUPTED;
    // A lab that finished before the user stopped grading keeps its result.
    if (existing && (byUser || (!interrupted && this.unhandled.length === 0))) return existing;
    const s = this.submissions[i]!;
    const errors = byUser ? [] : [...(this.moduleErrors.get(s.lab.graderPath) ?? []), ...this.unhandled];
    if (interrupted && !byUser) errors.push(interrupted);
    const checks = this.checks.get(i) ?? [];
    // A signal that reached the grading worker alone stopped its checks (see the harness): those
    // were interrupted too, though netlab was not, and the lab did not finish.
    const signalled = !byUser && checks.some(stoppedBySignal);
    const report = finishLab(
      s,
      byUser ? checks.map((c) => this.asInterrupted(c)) : signalled ? checks.map((c) => (stoppedBySignal(c) ? this.asInterrupted(c) : c)) : checks,
      { error: errors.length ? errors.join('\n') : undefined, interrupted: byUser || signalled, loadError: this.loadErrors.get(i) },
      spanOf(this.spans.get(i)),
    );
    this.reports.set(i, report);
    if (!this.done.has(i)) {
      this.done.add(i);
      this.onProgress?.({ type: 'lab', lab: report });
    }
    return report;
  }
}

/**
 * A check that ended while grading was being stopped failed because of the stop, not because of
 * the learner: checks the stop cancelled, and learner processes that died of SIGINT or SIGHUP
 * (not the learner's doing), are reported as interrupted.
 */
const INTERRUPT_GRACE_MS = 1000;

function interruptedCheck(check: CheckReport, endedAt: number | undefined, interruptedAt: number): boolean {
  if (check.interrupted) return true;
  if (check.status !== 'failed') return false;
  if (stoppedBySignal(check)) return true;
  return endedAt === undefined || endedAt >= interruptedAt - INTERRUPT_GRACE_MS;
}

/** A check the harness stopped, or whose learner process died, because of Ctrl-C (or a closed terminal). */
function stoppedBySignal(check: CheckReport): boolean {
  return check.status === 'failed' && /\bSIGINT\b|grading was interrupted/.test(check.message ?? '');
}

function spanOf(span: { start: number; end: number } | undefined): number {
  return span ? span.end - span.start : 0;
}

function checkReport(testCase: TestCase, sub: GradeJob): CheckReport {
  const meta = (testCase.meta() as { netlab?: CheckMeta }).netlab;
  const result = testCase.result();
  const weight = meta?.points ?? 1;
  const unsupported = Boolean(sub.lab.unsupported?.());
  const status = result.state === 'passed' ? 'passed' : result.state === 'skipped' ? 'skipped' : 'failed';
  const report: CheckReport = {
    id: meta?.id ?? testCase.name,
    // In the learner's language when the lab has the check's title translated.
    title: checkTitle(sub.lab.dir, meta?.id ?? testCase.name, currentLanguage()) ?? meta?.title ?? testCase.name,
    status,
    points: { earned: status === 'passed' ? weight : 0, possible: status === 'skipped' && unsupported ? 0 : weight },
    durationMs: Math.round(testCase.diagnostic()?.duration ?? 0),
  };
  if (result.state === 'skipped') {
    if (result.note && /aborted by the user|cancel/i.test(result.note)) {
      report.interrupted = true;
      report.reason = t('grade.r.interruptedCheck');
    } else report.reason = result.note ?? (testCase.options.mode === 'todo' ? t('grade.r.notWritten') : t('grade.skipped'));
  }
  if (result.state === 'failed' || result.state === 'pending') {
    const first = result.errors?.[0];
    let message = first?.message ?? t('grade.failed');
    const vitestTimeout = /^Test timed out in \d+ms/.test(message);
    if (vitestTimeout) message = t('grade.r.checkTimedOut');
    report.message = message;
    if (meta?.timedOut || vitestTimeout) report.timedOut = true;
    if (meta?.trace) {
      report.trace = meta.trace;
      if (meta.traceOmitted) report.traceOmitted = meta.traceOmitted;
    }
  }
  if (meta?.output) report.output = meta.output;
  return report;
}

function sum(checks: CheckReport[], key: keyof Points): number {
  return checks.reduce((n, c) => n + c.points[key], 0);
}

/**
 * Why a run ended early when the caller's signal stopped it: a marker, compared and never shown
 * (the reports say it in the reader's language).
 */
const INTERRUPTED = 'grading was interrupted';
/** How long closing vitest may take after an interrupt (its workers may be dead). */
const INTERRUPTED_CLOSE_MS = 3000;

/**
 * The one reason every check failed, when the learner's module never got going: each check
 * starts its own process, so a module that throws at import or lacks an export fails them all
 * with the same message. Undefined when the checks tell different stories.
 */
function sharedLoadFailure(checks: CheckReport[], file: string): LoadError | undefined {
  const counted = checks.filter((c) => c.status !== 'skipped');
  if (counted.length < 2 || counted.some((c) => c.status !== 'failed' || c.timedOut)) return undefined;
  const message = counted[0]!.message;
  if (!message || counted.some((c) => c.message !== message)) return undefined;
  const line = lineIn(message, file);
  return { message, ...(line !== undefined ? { line } : {}) };
}

/** Every check of a lab whose file did not load: failed, without repeating why. */
function notLoaded(checks: CheckReport[], file: string): CheckReport[] {
  const message = t('grade.r.notLoaded', { file: basename(file) });
  return checks.map(({ reason: _reason, trace: _trace, traceOmitted: _omitted, output: _output, ...c }) => ({
    ...c,
    status: 'failed' as const,
    message,
    points: { earned: 0, possible: c.points.possible },
  }));
}

function finishLab(s: GradeJob, graded: CheckReport[], extra: { error?: string; interrupted?: boolean; loadError?: LoadError }, durationMs: number): LabReport {
  const skip = s.lab.unsupported?.() ?? null;
  const file = s.file ?? s.expected ?? `${s.lab.id}.ts`;
  let status: LabStatus;
  let reason: string | undefined;
  let error = extra.error;
  let checks = graded;
  const loadError = skip || s.file === null ? undefined : (extra.loadError ?? (extra.interrupted ? undefined : sharedLoadFailure(checks, s.file)));
  if (loadError) checks = notLoaded(checks, file);
  if (skip) {
    status = 'skipped';
    reason = skip;
    error = undefined;
  } else if (s.file === null) {
    status = 'not-started';
    reason = s.untouched
      ? t('grade.r.stillStarter', { file: basename(file) })
      : t('grade.r.noFile', { file: `${s.lab.id}.ts` });
    error = undefined;
    checks = checks.map((c) => ({ ...c, reason: t('grade.status.notStarted') }));
  } else if (extra.interrupted && (checks.length === 0 || !checks.every((c) => c.status === 'passed'))) {
    status = 'interrupted';
    reason = t('grade.r.interruptedLab');
    error = undefined;
  } else if (error || checks.length === 0 || checks.some((c) => c.status === 'failed')) {
    status = 'failed';
    if (!error && checks.length === 0) error = t('grade.r.noChecks');
  } else {
    status = 'passed';
  }
  return {
    id: s.lab.id,
    title: s.lab.title,
    status,
    file,
    ...(reason ? { reason } : {}),
    ...(s.untouched ? { untouched: true } : {}),
    ...(loadError ? { loadError } : {}),
    ...(s.solutionViewedAt ? { solutionViewedAt: s.solutionViewedAt } : {}),
    ...(error ? { error } : {}),
    points: { earned: sum(checks, 'earned'), possible: sum(checks, 'possible') },
    checks,
    durationMs: Math.round(durationMs),
  };
}

/** A vitest instance that writes to our buffers, with the process state it changes restored on close. */
class VitestSession {
  private constructor(
    private readonly vitest: Vitest,
    private readonly collector: Collector,
    private readonly restore: () => void,
    readonly output: () => string,
  ) {}

  static async open(collector: Collector, graders: string[], concurrency: number, pool: PoolRunnerInitializer): Promise<VitestSession> {
    const savedExitCode = process.exitCode;
    const savedEnv = { ...process.env };
    // vite wants a cache folder; with vitest's cache off nothing is written there, so it is
    // not even created (a process killed with SIGKILL leaves nothing behind).
    const cacheDir = join(tmpdir(), `netlab-vitest-${process.pid}-${Date.now().toString(36)}`);
    let text = '';
    const sink = new Writable({
      write(chunk, _enc, cb) {
        text = (text + String(chunk)).slice(-20_000);
        cb();
      },
    });
    const restore = () => {
      process.exitCode = savedExitCode;
      for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
      Object.assign(process.env, savedEnv);
      rmSync(cacheDir, { recursive: true, force: true });
    };
    // The labs folder's parent is the root: the repository, or dist/ (also inside node_modules).
    const labsDir = commonDir(graders.map((g) => dirname(dirname(g))));
    const root = dirname(labsDir);
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((sig) => [sig, new Set(process.listeners(sig))]));
    try {
      const { createVitest } = await import('vitest/node');
      const vitest = await createVitest(
        'test',
        {
          config: false,
          root,
          dir: labsDir,
          include: ['*/grader.test.{js,ts}'],
          exclude: [],
          watch: false,
          reporters: [collector],
          pool,
          // One worker per core runs grader files one after another (the harness keeps each
          // file's state apart): a fresh process per lab cost each lab ~0.5 s of CPU to start.
          isolate: false,
          fileParallelism: true,
          maxWorkers: Math.max(1, Math.min(graders.length, availableParallelism())),
          maxConcurrency: concurrency,
          cache: false,
          passWithNoTests: true,
          silent: true,
          printConsoleTrace: false,
          allowOnly: true,
          globals: false,
          testTimeout: DEFAULT_LAB_TIMEOUT_MS,
          hookTimeout: 30_000,
          teardownTimeout: 5_000,
          // Built graders and netlab's own modules are plain ESM: Node loads them directly,
          // without vite transforming each of them in every worker (most of a worker's start-up).
          ...(graders.every((g) => g.endsWith('.js')) ? { server: { deps: { external: [new RegExp(`^${escapeRegExp(root)}/`)] } } } : {}),
        },
        { cacheDir, logLevel: 'silent', clearScreen: false, server: { watch: null } },
        { stdout: sink, stderr: sink, stdin: new PassThrough() as unknown as NodeJS.ReadStream },
      );
      // vitest's logger exits the process on SIGINT/SIGTERM; netlab decides what a signal does
      // (its commands stop grading cleanly, or exit through src/runtime/cleanup.ts).
      for (const sig of signals) {
        for (const listener of process.listeners(sig)) if (!before.get(sig)!.has(listener)) process.off(sig, listener as () => void);
      }
      await vitest.standalone();
      return new VitestSession(vitest, collector, restore, () => text);
    } catch (err) {
      restore();
      throw err;
    }
  }

  /** Run every grader once with `context` provided; resolves with why the run was cut short, if it was. */
  async run(context: GradeContext, graders: string[], limitMs: number, signal?: AbortSignal): Promise<string | undefined> {
    this.vitest.provide('netlab', context);
    const project = this.vitest.getRootProject();
    const specs = graders.map((g) => project.createSpecification(g));
    let interrupted: string | undefined;
    const cancel = (why: string) => {
      interrupted = why;
      void this.vitest.cancelCurrentRun(why as never).catch(() => {});
    };
    const timer = setTimeout(() => cancel(t('grade.r.runTimedOut', { ms: limitMs })), limitMs);
    const onAbort = () => cancel(INTERRUPTED);
    // Stopped before the run began: nothing to run.
    if (signal?.aborted) return INTERRUPTED;
    signal?.addEventListener('abort', onAbort, { once: true });
    // vitest forgets a cancel that comes while its run is still starting: cancel again once
    // the run is under way.
    this.collector.onModuleQueued = () => {
      if (interrupted !== undefined) void this.vitest.cancelCurrentRun(interrupted as never).catch(() => {});
    };
    try {
      const running = this.vitest.runTestSpecifications(specs, false);
      running.catch(() => {});
      // Once stopped, the run is waited for only so long: a worker that died of the signal as it
      // started leaves vitest waiting for it (src/grade/pool.ts).
      let stopping: NodeJS.Timeout | undefined;
      let after: (() => void) | undefined;
      const stopped = new Promise<void>((resolve) => {
        after = () => (stopping = setTimeout(resolve, INTERRUPTED_CLOSE_MS));
        signal?.addEventListener('abort', after, { once: true });
      });
      await Promise.race([running, stopped]).finally(() => {
        clearTimeout(stopping);
        signal?.removeEventListener('abort', after!);
      });
    } catch (err) {
      interrupted = `${t('grade.r.vitestFailed', { message: (err as Error).message })}\n${this.output().slice(-2000)}`;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.collector.onModuleQueued = undefined;
    }
    return interrupted;
  }

  /**
   * Close vitest; after an interrupt, wait at most `limitMs`: Ctrl-C in a terminal also kills
   * vitest's workers, and vitest then waits forever for them to answer.
   */
  async close(limitMs?: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const closed = this.vitest.close();
      if (limitMs === undefined) await closed;
      else {
        closed.catch(() => {});
        await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, limitMs)))]);
      }
    } finally {
      clearTimeout(timer);
      this.restore();
    }
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function commonDir(dirs: string[]): string {
  const unique = [...new Set(dirs)];
  if (unique.length === 1) return unique[0]!;
  const parts = unique.map((d) => d.split('/'));
  const out: string[] = [];
  for (let i = 0; ; i++) {
    const seg = parts[0]![i];
    if (seg === undefined || parts.some((p) => p[i] !== seg)) break;
    out.push(seg);
  }
  return out.join('/') || '/';
}
