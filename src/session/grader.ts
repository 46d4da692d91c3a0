/**
 * The interactive lab's real {@link Grader}: forks `grade-worker.js` in a new process group
 * (detached, stdin ignored, no terminal), sends it one request, and turns the grading
 * report it answers with into the UI's {@link LabGrade}. Aborting kills the whole group.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../runtime/cleanup.js';
import type { TraceLine } from '../trace/event.js';
import type { CheckGrade, CheckStatus, Grader, GradeRequest, LabGrade } from './types.js';

export interface GradeWorkerRequest {
  lab: string;
  dir: string;
  timeoutMs: number;
}

export type GradeWorkerReply = { ok: true; report: unknown } | { ok: false; error: { code: string; message: string } };

export const GRADE_WORKER = fileURLToPath(new URL('./grade-worker.js', import.meta.url));

export interface WorkerGraderOptions {
  /** The worker program (default: grade-worker.js next to this file). */
  worker?: string;
  /** Extra node flags for the worker. */
  execArgv?: string[];
  /**
   * A limit for the whole grading of one lab, on top of the runner's own per-check limits,
   * for a runner that itself hangs (default: 30 × the per-check limit, at least 60 s).
   */
  overallTimeoutMs?: (perCheckMs: number) => number;
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
      const child = fork(options.worker ?? GRADE_WORKER, [], {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        execArgv: ['--no-warnings=ExperimentalWarning', ...(options.execArgv ?? [])],
        serialization: 'json',
        env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      });
      trackChild(child);
      let stderr = '';
      child.stdout!.resume();
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      let settled = false;
      const finish = (grade: LabGrade) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        // Whatever the worker left behind (it should leave nothing) goes with it.
        killGroup(child, 'SIGKILL');
        resolve(grade);
      };
      const onAbort = () => finish({ lab: request.lab, status: 'error', message: 'grading was stopped', checks: [] });
      request.signal.addEventListener('abort', onAbort, { once: true });
      const limit = options.overallTimeoutMs?.(request.timeoutMs) ?? Math.max(60_000, request.timeoutMs * 30);
      const timer = setTimeout(
        () => finish({ lab: request.lab, status: 'error', message: `grading did not finish within ${Math.round(limit / 1000)} s and was stopped`, checks: [] }),
        limit,
      );
      child.on('message', (reply: GradeWorkerReply) => {
        if (reply.ok) finish(toLabGrade(reply.report, request.lab));
        else finish({ lab: request.lab, status: 'error', message: reply.error.message, checks: [] });
      });
      child.on('error', (err) => finish({ lab: request.lab, status: 'error', message: `could not start grading: ${err.message}`, checks: [] }));
      child.on('exit', (code, signal) => {
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        finish({ lab: request.lab, status: 'error', message: `grading ended without a report (${signal ?? `exit code ${code}`})${tail ? `:\n${tail}` : ''}`, checks: [] });
      });
      if (request.signal.aborted) onAbort();
      else child.send({ lab: request.lab, dir: request.dir, timeoutMs: request.timeoutMs } satisfies GradeWorkerRequest);
    });
}

type Loose = Record<string, unknown>;

const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function checkStatus(v: unknown): CheckStatus {
  if (v === 'pass' || v === 'passed') return 'passed';
  if (v === 'skip' || v === 'skipped') return 'skipped';
  return 'failed';
}

function traceOf(v: unknown): TraceLine[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((l): l is TraceLine => isObject(l) && typeof l.type === 'string' && typeof l.t === 'number' && typeof l.actor === 'string');
}

/**
 * The grading report (src/grade: per lab, per check) as the UI shows one lab. Tolerant of
 * the report's exact shape: a report with `labs: [...]`, or one lab's result itself.
 */
export function toLabGrade(report: unknown, labId: string): LabGrade {
  const labs = isObject(report) && Array.isArray(report.labs) ? report.labs : [report];
  const entry = labs.find((l) => isObject(l) && (l.lab === labId || l.id === labId)) ?? labs[0];
  if (!isObject(entry)) return { lab: labId, status: 'error', message: 'grading answered with no result for this lab', checks: [] };
  const rawChecks = Array.isArray(entry.checks) ? entry.checks : Array.isArray(entry.tests) ? entry.tests : [];
  const checks: CheckGrade[] = rawChecks.filter(isObject).map((c) => ({
    id: str(c.id) ?? str(c.name) ?? 'check',
    title: str(c.title) ?? str(c.name) ?? str(c.id) ?? '',
    status: checkStatus(c.status),
    message: str(c.message) ?? str(c.reason),
    trace: traceOf(c.trace),
  }));
  const raw = entry.status;
  const message = str(entry.message) ?? str(entry.reason);
  const file = str(entry.file);
  let status: LabGrade['status'];
  if (raw === 'not-started' || raw === 'missing') status = 'not-started';
  else if (raw === 'skipped' || raw === 'skip') status = 'skipped';
  else if (raw === 'error') status = 'error';
  else if (raw === 'pass' || raw === 'passed') status = 'passed';
  else if (raw === 'fail' || raw === 'failed') status = 'failed';
  else status = checks.length > 0 && checks.every((c) => c.status !== 'failed') ? 'passed' : checks.length ? 'failed' : 'error';
  return { lab: labId, status, ...(message ? { message } : {}), ...(file ? { file } : {}), checks };
}
