/**
 * The `json` grade reporter: Exercism's test-runner v3 format (version, status, message,
 * tests[{ name, status, message, output }]) extended with what classrooms need: points per test,
 * per lab and overall, the lab and check ids, and the trace of each failing test.
 * The shape is described by docs/grade-report.schema.json.
 */
import type { GradeReport, LabStatus, Points } from '../types.js';
import type { TraceLine } from '../../trace/event.js';

export interface JsonTest {
  /** `<lab> › <check title>`: unique, readable. */
  name: string;
  lab: string;
  /** The check's stable id. */
  id: string;
  status: 'pass' | 'fail' | 'skip';
  /** Why it failed (what was sent, expected, received, and a hint), or why it was skipped. */
  message: string | null;
  /** What the learner's code printed during the test, trimmed. */
  output: string | null;
  points: Points;
  duration_ms: number;
  timed_out?: boolean;
  trace?: TraceLine[];
  trace_omitted?: number;
}

export interface JsonLab {
  id: string;
  title: string;
  status: 'pass' | 'fail' | 'error' | LabStatus;
  message: string | null;
  file: string;
  points: Points;
  duration_ms: number;
  /** When the reference solution was shown before the lab passed (`netlab solution --force`), or null. */
  solution_viewed_at: string | null;
}

export interface JsonReport {
  /** Exercism's format version. */
  version: 3;
  /** `pass`: every graded lab passed; `fail`: some check failed or a lab is not started; `error`: a grader could not run. */
  status: 'pass' | 'fail' | 'error';
  message: string | null;
  points: Points;
  counts: { passed: number; failed: number; skipped: number };
  labs: JsonLab[];
  tests: JsonTest[];
}

export function toJsonReport(report: GradeReport): JsonReport {
  const errored = report.labs.filter((l) => l.error);
  const notStarted = report.labs.filter((l) => l.status === 'not-started');
  const notLoaded = report.labs.filter((l) => l.loadError);
  const interrupted = report.labs.filter((l) => l.status === 'interrupted');
  const status = errored.length ? 'error' : report.ok ? 'pass' : 'fail';
  const message = errored.length
    ? errored.map((l) => `${l.id}: ${l.error}`).join('\n')
    : [
        interrupted.length ? `interrupted: ${interrupted.map((l) => l.id).join(', ')}` : '',
        notLoaded.length ? `did not load: ${notLoaded.map((l) => l.id).join(', ')}` : '',
        notStarted.length ? `not started: ${notStarted.map((l) => l.id).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ') || null;
  return {
    version: 3,
    status,
    message,
    points: report.totals.points,
    counts: { passed: report.totals.passed, failed: report.totals.failed, skipped: report.totals.skipped },
    labs: report.labs.map((lab) => ({
      id: lab.id,
      title: lab.title,
      status: lab.error ? 'error' : lab.status === 'passed' ? 'pass' : lab.status === 'failed' ? 'fail' : lab.status,
      message: lab.error ?? lab.loadError?.message ?? lab.reason ?? null,
      file: lab.file,
      points: lab.points,
      duration_ms: lab.durationMs,
      solution_viewed_at: lab.solutionViewedAt ?? null,
    })),
    tests: report.labs.flatMap((lab) =>
      lab.checks.map((c) => {
        const test: JsonTest = {
          name: `${lab.id} › ${c.title}`,
          lab: lab.id,
          id: c.id,
          status: c.status === 'passed' ? 'pass' : c.status === 'failed' ? 'fail' : 'skip',
          message: c.message ?? c.reason ?? null,
          output: c.output ?? null,
          points: c.points,
          duration_ms: c.durationMs,
        };
        if (c.timedOut) test.timed_out = true;
        if (c.trace) test.trace = c.trace;
        if (c.traceOmitted) test.trace_omitted = c.traceOmitted;
        return test;
      }),
    ),
  };
}

export function renderJson(report: GradeReport): string {
  return JSON.stringify(toJsonReport(report), null, 2) + '\n';
}
