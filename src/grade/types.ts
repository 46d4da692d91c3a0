/**
 * What grading produces and what crosses the boundary between netlab and the vitest workers
 * that run the graders. Everything here is JSON-safe: it travels through vitest's `provide`,
 * task meta and IPC, and ends up in `--reporter json` files.
 */
import type { TraceLine } from '../trace/event.js';

/** How one check ended. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** How one lab ended. */
export type LabStatus =
  /** Every check that ran passed. */
  | 'passed'
  /** At least one check failed (or the grader could not run: `error` says why). */
  | 'failed'
  /** The learner has no file for this lab yet, or it is still the untouched starter (no check ran). */
  | 'not-started'
  /** The lab cannot run on this machine (`reason` says why). */
  | 'skipped'
  /** The user stopped grading (Ctrl-C) before this lab finished: no verdict. */
  | 'interrupted';

export interface Points {
  /** Points earned: the weight of every passed check. */
  earned: number;
  /** Points available: the weight of every check that counts (checks skipped because the machine cannot run them do not). */
  possible: number;
}

export interface CheckReport {
  /** Stable kebab-case id (`binary-safe`): fixtures and reports refer to it. */
  id: string;
  /** What the learner reads: the requirement this check verifies. */
  title: string;
  status: CheckStatus;
  /** For a failed check: what was sent, what was expected, what came back, and a hint. */
  message?: string;
  /** For a skipped check: why it did not run. */
  reason?: string;
  /** This check's weight and what the learner earned of it. */
  points: Points;
  /** Wall time of the check in milliseconds. */
  durationMs: number;
  /** True when the check failed because it ran out of time. */
  timedOut?: boolean;
  /** The user stopped grading before this check finished (status `skipped`, 0 points earned). */
  interrupted?: boolean;
  /** The trace of a failed check: the learner's objects' events, the grader's, console output. */
  trace?: TraceLine[];
  /** How many earlier trace lines were left out of `trace` to keep the report readable. */
  traceOmitted?: number;
  /** What the learner's code printed (console.log / console.error) during the check, trimmed. */
  output?: string;
}

export interface LabReport {
  /** The lab id (`tcp-echo`). */
  id: string;
  title: string;
  status: LabStatus;
  /** The learner's file that was graded, or where it was expected when not started. */
  file: string;
  /** Why the lab was skipped or not started, in one sentence. */
  reason?: string;
  /** Not started because the file is still the lab's starter, unchanged since `netlab init`. */
  untouched?: boolean;
  /** ISO time the learner had the reference solution shown before the lab passed (`netlab solution --force`). */
  solutionViewedAt?: string;
  /** Set when the grader itself could not run (a bug in the lab, not in the learner's code). */
  error?: string;
  /**
   * Set when the learner's file could not load (not a file, a syntax error, a throw at import,
   * a missing export): said once here; each check then only says it did not run.
   */
  loadError?: LoadError;
  points: Points;
  checks: CheckReport[];
  durationMs: number;
}

/** Why the learner's file could not load, and where in it, when that is known. */
export interface LoadError {
  message: string;
  /** The line of the learner's file the error points at. */
  line?: number;
}

export interface GradeTotals {
  /** Checks that passed / failed / were skipped, over every lab. */
  passed: number;
  failed: number;
  skipped: number;
  labs: Record<LabStatus, number>;
  points: Points;
}

export interface GradeReport {
  /** Bumped when the shape changes incompatibly. */
  version: 1;
  /** True when every lab that was graded passed (skipped labs do not count, not-started labs do). */
  ok: boolean;
  /** The workspace that was graded. */
  dir: string;
  labs: LabReport[];
  totals: GradeTotals;
  durationMs: number;
}

/** Progress while grading, for live output. */
export type GradeProgress =
  | { type: 'check'; lab: string; check: CheckReport }
  | { type: 'lab'; lab: LabReport };

/**
 * Per-check facts the harness stores in vitest's task meta (`meta.netlab`), read back by the
 * runner's reporter. Set statically when the check is declared and completed when it ends.
 */
export interface CheckMeta {
  /** The {@link GradeSubmission.key} this check graded. */
  key?: string;
  /** Position of the check in its grader file: reports list checks in this order. */
  order?: number;
  id: string;
  title: string;
  points: number;
  timedOut?: boolean;
  trace?: TraceLine[];
  traceOmitted?: number;
  output?: string;
}

/** One file to grade for a lab, in the {@link GradeContext}. */
export interface GradeSubmission {
  /** Identifies this submission in results (several submissions of one lab can run at once). */
  key: string;
  /** Absolute path of the learner's module, or null when the lab is not started. */
  file: string | null;
  /** The module transpiled to JavaScript by the runner, when it is TypeScript and small enough to pass along. */
  transpiled?: string;
  /**
   * A JavaScript file equal to `file` (`file` itself, or its transpiled copy in the run's temp
   * folder) when the module imports nothing but Node's own modules: its processes then start
   * without netlab's module hooks.
   */
  plain?: string;
}

/** One lab's entry in the {@link GradeContext}. */
export interface GradeTarget {
  /** What to grade: usually one file; the contract test grades every fixture in one go. */
  submissions: GradeSubmission[];
  /** When set, every check is skipped with this reason (the machine cannot run the lab). */
  skip?: string;
  /** Absolute path of the lab's host program (`grade/host.js` or `.ts`). */
  host?: string;
  /** The names the learner's module must export (the lab's `exports`). */
  exports: string[];
}

/**
 * What the runner provides to the graders (vitest `provide('netlab', …)`), read by the
 * harness with `inject('netlab')`.
 */
export interface GradeContext {
  /** Lab id → what to grade. */
  labs: Record<string, GradeTarget>;
  /** Hard limit for all checks of one submission, in ms (`netlab grade --timeout`). */
  labTimeoutMs: number;
  /** Default limit for one check, in ms (never more than what is left of the lab's limit). */
  checkTimeoutMs: number;
  /** Default limit for one `sub.call()` and for the learner's module to load, in ms. */
  callTimeoutMs: number;
  /** How many checks of one grader file run at the same time (each has its own processes). */
  concurrency: number;
  /** Grading runs in a private network whose packets are captured to this pcap file (`--packets`). */
  packets?: { file: string };
  /**
   * How much slower than a quiet machine this one was when grading started (≥ 1, measured by
   * the runner: src/grade/pace.ts). The limits above already include it; the harness applies
   * it to the graders' own waits and to its busy-loop detection.
   */
  pace: number;
}

declare module 'vitest' {
  export interface ProvidedContext {
    netlab: GradeContext;
  }
}
