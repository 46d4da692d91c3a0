/**
 * The contract between the interactive lab's controller (src/session/session.ts, which starts
 * demos and grading outside React) and its UI (src/ui/, Ink components that only receive
 * data). Everything here is plain, JSON-safe data: the UI never gets a Lab object with
 * functions, a process or a socket.
 */
import type { ResultLine, TraceLine } from '../trace/event.js';
import type { TracePolicy } from '../trace/policy.js';
import type { LabStanding } from '../workspace/workspace.js';

/** One step of a lesson, or one hint: a `## ` heading and the Markdown under it. */
export interface SectionView {
  title: string;
  body: string;
}

/** What the UI knows about a lab. */
export interface LabView {
  id: string;
  title: string;
  /** One line, as in `netlab list`. */
  summary: string;
  /** The scenarios in order; the first is the default demo. */
  scenarios: Array<{ name: string; title: string }>;
  /** The lesson's steps (lesson.md split at `## `). Empty if the lab has no lesson yet. */
  steps: SectionView[];
  /** The hints, in the order they are revealed. */
  hints: SectionView[];
  /** The names the learner's module must export (SPEC §4). */
  exports: string[];
  /** Why this machine cannot run the lab, or null. */
  unsupported: string | null;
  /** What its trace shows and keeps quiet (the lab's trace policy, without its functions). */
  trace?: Pick<TracePolicy, 'show' | 'quiet'>;
  /** Labels of its demo summary's keys in the chosen language; none in English. */
  summaryLabels?: Record<string, string>;
}

/** The learner's workspace (SPEC §4). */
export interface WorkspaceView {
  /** Absolute path (default `./netlab-exercises`). */
  dir: string;
  /** The folder exists. */
  exists: boolean;
}

/** The learner's standing in one lab, from the workspace and `.netlab/progress.json`. */
export interface LabProgressView {
  status: LabStanding;
  /** The learner's file for this lab, if there is one. */
  file: string | null;
  /** How many hints have been revealed. */
  hintsShown: number;
  /** The exercise passed once (the solution is unlocked). */
  passed: boolean;
  /** Checks passed / total at the last grade. */
  lastScore: { passed: number; total: number } | null;
}

export interface SessionSnapshot {
  labs: LabView[];
  workspace: WorkspaceView;
  progress: Record<string, LabProgressView>;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';

/** One graded requirement. */
export interface CheckGrade {
  /** Stable kebab-case id (`binary-safe`). */
  id: string;
  /** What the learner reads (`echoes arbitrary bytes unchanged`). */
  title: string;
  status: CheckStatus;
  /** Why it failed (what was sent, expected, received, a hint) or why it was skipped. */
  message?: string;
  /** The learner's trace during this check (kept for failed checks). */
  trace?: TraceLine[];
  /** Earlier trace lines left out of `trace`. */
  traceOmitted?: number;
  /** What the learner's code printed during the check. */
  output?: string;
  /** The check ran out of time. */
  timedOut?: boolean;
  /** Points earned / possible for this check. */
  points?: { earned: number; possible: number };
}

/** The verdict on one lab's exercise, as the UI shows it. */
export interface LabGrade {
  lab: string;
  /**
   * `passed`/`failed`: graded; `not-started`: no file in the workspace; `skipped`: this
   * machine cannot run it; `error`: grading itself could not run.
   */
  status: 'passed' | 'failed' | 'not-started' | 'skipped' | 'error';
  /** A sentence for the learner (why not started, skipped, or what went wrong). */
  message?: string;
  /** The file that was graded. */
  file?: string;
  /** Points earned / possible over the lab's checks. */
  points?: { earned: number; possible: number };
  checks: CheckGrade[];
}

export interface GradeRequest {
  lab: string;
  /** The workspace. */
  dir: string;
  /** Hard time limit for all the lab's checks, ms (the runner's default when absent). */
  timeoutMs?: number;
  /** Aborted when the learner quits: stop everything grading started. */
  signal: AbortSignal;
  /** Each check's result as soon as it is known. */
  onCheck?: (check: CheckGrade) => void;
  /** Put the packets of each failing check on its trace (`netlab grade --packets`). */
  packets?: boolean;
  /** The packets asked for cannot be captured here: why, in one line (grading goes on). */
  onPacketsUnavailable?: (reason: string) => void;
}

/**
 * Grades one lab's exercise. The real one runs netlab's grading in a separate process (so
 * vitest never touches the terminal Ink owns); tests inject a fake.
 */
export type Grader = (request: GradeRequest) => Promise<LabGrade>;

/** What the UI asks the controller to do. */
export type SessionCommand =
  /** The learner opened a lab: watch its file. */
  | { type: 'open'; lab: string }
  /** The learner left the lab: stop its demo, stop watching. */
  | { type: 'close'; lab: string }
  /**
   * Run a scenario of the lab's demo; `learnerCode` runs it with the learner's file (`--use`),
   * `packets` captures its packets too (`--packets`).
   */
  | { type: 'run'; lab: string; scenario: string; learnerCode: boolean; packets?: boolean }
  /** Stop the running demo. */
  | { type: 'stop' }
  | { type: 'grade'; lab: string; packets?: boolean }
  /** Reveal the next hint (remembered in the workspace). */
  | { type: 'hint'; lab: string }
  /** Show the reference solution (only after a pass). */
  | { type: 'solution'; lab: string }
  /** Create the workspace (`netlab init`), after the learner said yes. */
  | { type: 'init' }
  /** Re-read the workspace (statuses on the home screen). */
  | { type: 'refresh' }
  /** Speak the next language (remembered in the workspace). */
  | { type: 'language' };

/** What the controller tells the UI. */
export type SessionEvent =
  | { type: 'run-started'; runId: number; lab: string; scenario: string; learnerCode: boolean; packets?: boolean }
  /** The run asked for packets and goes on without them: why, in one line. */
  | { type: 'packets-unavailable'; runId: number; lab: string; reason: string }
  /** Trace lines of a run, in order, batched (a flood arrives as a few large batches). */
  | { type: 'trace'; runId: number; lab: string; lines: TraceLine[] }
  | { type: 'run-ended'; runId: number; lab: string; result: ResultLine; stopped: boolean }
  | { type: 'grade-started'; lab: string }
  /** One check finished while grading is still going. */
  | { type: 'grade-progress'; lab: string; check: CheckGrade }
  | { type: 'graded'; lab: string; grade: LabGrade }
  | { type: 'solution'; lab: string; source: string }
  | { type: 'init-done'; ok: boolean; message: string }
  /** The learner's file for `lab` appeared or was saved. */
  | { type: 'file-changed'; lab: string; file: string | null }
  | { type: 'progress'; workspace: WorkspaceView; progress: Record<string, LabProgressView> }
  /** The language changed: the labs' texts in it (the UI's own texts follow `t`). */
  | { type: 'language'; language: string; labs: LabView[] }
  /** A sentence for the status line. */
  | { type: 'notice'; level: 'info' | 'warn' | 'error'; text: string };

/** What the UI is given: data and a way to ask for work, never the work itself. */
export interface SessionPort {
  /** The state at start, before any event. */
  readonly snapshot: SessionSnapshot;
  /** Receive events; returns an unsubscribe. Events sent before the first subscriber are kept. */
  subscribe(listener: (event: SessionEvent) => void): () => void;
  send(command: SessionCommand): void;
}
