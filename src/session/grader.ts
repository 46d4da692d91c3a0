/**
 * The interactive lab's real {@link Grader}: forks `grade-worker.js` in a new process group
 * (detached, stdin ignored, no terminal), sends it one request, relays each check as it ends,
 * and turns the grading report (src/grade) into the UI's {@link LabGrade}. Aborting kills the
 * whole group: the worker, vitest's workers, the learner's processes. The group's temporary
 * files live in a folder of this process's (the group's TMPDIR), removed once the group is
 * gone: a SIGKILLed worker cannot remove its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTempDir, removeTempDir, trackChild } from '../runtime/cleanup.js';
import { labProcessEnv } from '../runtime/spawn.js';
import { MAX_PACE } from '../grade/pace.js';
import type { CheckReport, GradeReport, LabReport } from '../grade/types.js';
import type { CheckGrade, Grader, GradeRequest, LabGrade } from './types.js';

export interface GradeWorkerRequest {
  lab: string;
  dir: string;
  timeoutMs?: number;
  packets?: boolean;
}

/** What the worker sends back: checks as they end, then the report (or why there is none). */
export type GradeWorkerMessage =
  | { k: 'check'; check: CheckReport }
  | { k: 'report'; report: GradeReport }
  | { k: 'packets-unavailable'; reason: string }
  | { k: 'error'; error: { code: string; message: string } };

export const GRADE_WORKER = fileURLToPath(new URL('./grade-worker.js', import.meta.url));

export interface WorkerGraderOptions {
  /** The worker program (default: grade-worker.js next to this file). */
  worker?: string;
  /** Extra node flags for the worker. */
  execArgv?: string[];
  /**
   * A limit for the whole grading of one lab, on top of the runner's own limits, for a
   * runner that itself hangs (default: the lab's limit, or 60 s, plus 60 s).
   */
  overallTimeoutMs?: number;
  /** Told the worker's pid (its process group id) once it is started. */
  onStart?: (pid: number) => void;
}

/** Kill a process group (the worker and everything it started). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* the group is gone */
  }
}

export function workerGrader(options: WorkerGraderOptions = {}): Grader {
  return (request: GradeRequest) =>
    new Promise<LabGrade>((resolve) => {
      const tmp = makeTempDir('netlab-g-');
      const child = fork(options.worker ?? GRADE_WORKER, [], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        execArgv: ['--no-warnings=ExperimentalWarning', ...(options.execArgv ?? [])],
        serialization: 'json',
        env: labProcessEnv({ ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', TMPDIR: tmp }),
      });
      trackChild(child);
      if (child.pid !== undefined) options.onStart?.(child.pid);
      let stderr = '';
      child.stdout!.resume();
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const errorGrade = (message: string): LabGrade => ({ lab: request.lab, status: 'error', message, checks: [] });
      const finish = (grade: LabGrade) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        // Whatever the worker left behind (it should leave nothing) goes with it.
        killGroup(child, 'SIGKILL');
        resolve(grade);
      };
      const onAbort = () => finish(errorGrade('grading was stopped'));
      request.signal.addEventListener('abort', onAbort, { once: true });
      // A backstop only: without a limit of its own the lab's scales with the machine's pace.
      const limit = options.overallTimeoutMs ?? (request.timeoutMs ?? 60_000 * MAX_PACE) + 60_000;
      timer = setTimeout(() => finish(errorGrade(`grading did not finish within ${Math.round(limit / 1000)} s and was stopped`)), limit);
      child.on('message', (message: GradeWorkerMessage) => {
        if (message.k === 'check') {
          if (!settled) request.onCheck?.(toCheckGrade(message.check));
        } else if (message.k === 'report') {
          finish(toLabGrade(message.report, request.lab));
        } else if (message.k === 'packets-unavailable') {
          if (!settled) request.onPacketsUnavailable?.(message.reason);
        } else {
          finish(errorGrade(message.error.message));
        }
      });
      child.on('error', (err) => finish(errorGrade(`could not start grading: ${err.message}`)));
      child.on('exit', (code, signal) => {
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        finish(errorGrade(`grading ended without a report (${signal ?? `exit code ${code}`})${tail ? `:\n${tail}` : ''}`));
        // finish() has killed the rest of the group by now.
        removeTempDir(tmp);
      });
      if (request.signal.aborted) onAbort();
      else child.send({ lab: request.lab, dir: request.dir, ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}), ...(request.packets ? { packets: true } : {}) } satisfies GradeWorkerRequest);
    });
}

export function toCheckGrade(c: CheckReport): CheckGrade {
  return {
    id: c.id,
    title: c.title,
    status: c.status,
    ...(c.message ?? c.reason ? { message: c.message ?? c.reason } : {}),
    ...(c.trace?.length ? { trace: c.trace } : {}),
    ...(c.traceOmitted ? { traceOmitted: c.traceOmitted } : {}),
    ...(c.output ? { output: c.output } : {}),
    ...(c.timedOut ? { timedOut: true } : {}),
    points: c.points,
  };
}

/** One lab of a grading report, as the exercise screen shows it. */
export function toLabGrade(report: GradeReport, labId: string): LabGrade {
  const lab: LabReport | undefined = report.labs.find((l) => l.id === labId);
  if (!lab) return { lab: labId, status: 'error', message: 'grading answered with no result for this lab', checks: [] };
  // A grader that could not run is a problem of netlab's, not of the learner's code.
  // Stopped before the end (the session is closing): no verdict to show.
  const status: LabGrade['status'] = (lab.error && lab.checks.length === 0) || lab.status === 'interrupted' ? 'error' : lab.status;
  const message = [lab.reason, lab.loadError?.message, lab.error].filter(Boolean).join('\n');
  return {
    lab: labId,
    status,
    ...(message ? { message } : {}),
    file: lab.file,
    points: lab.points,
    checks: lab.checks.map(toCheckGrade),
  };
}
