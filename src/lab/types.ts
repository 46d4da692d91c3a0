import type { JsonObject } from '../trace/event.js';
import type { ActorProcess } from '../runtime/spawn.js';
import type { PrivateNetwork, PrivateNetworkFiles } from '../runtime/namespace.js';
import type { TracePolicy } from '../trace/policy.js';
import type { ParamsOf, Program, ProgramSpec } from '../runtime/contract.js';
import type { ProgramProcess } from '../runtime/spawn.js';
import type { Msg } from '../i18n/localized.js';

/** How `ctx.spawn` starts a program (besides its params). */
export interface DemoSpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run it inside this private network (see `openPrivateNetwork`). */
  network?: PrivateNetwork;
}

/** What a scenario or `serve` gets to work with. Labs start processes only through it. */
export interface DemoContext {
  readonly lab: Lab;
  readonly scenario: string;
  /**
   * Start `program` (a path relative to the lab's folder, without extension: `demo/server`)
   * as a separate process named `actor` in the trace. It is killed when the run ends.
   * With `network`, it runs inside that private network (see `openPrivateNetwork`).
   */
  spawn(actor: string, program: string, options?: DemoSpawnOptions & { params?: object }): ActorProcess;
  /**
   * The same, for a program declared with `defineProgram` (see src/runtime/contract.ts): its
   * params, `ready()` answer and commands are checked against the program's contract.
   */
  spawn<S extends ProgramSpec>(
    actor: string,
    program: Program<S>,
    ...options: S extends { params: object } ? [options: DemoSpawnOptions & { params: ParamsOf<S> }] : [options?: DemoSpawnOptions]
  ): ProgramProcess<S>;
  /** Narrate, as the `netlab` actor: a plain string, or `{ en, 'zh-CN' }` said in the run's language. */
  note(text: string | Msg): void;
  /** A private temporary directory, removed when the run ends. */
  tempDir(): string;
  /**
   * A private network with the lab's own hosts file and resolv.conf (see
   * src/runtime/namespace.ts), closed when the run ends; with `--packets` its loopback is
   * captured too. Rejects with `NETLAB_ERR_UNSUPPORTED` and the reason where this machine
   * cannot make one (check `privateNetworkUnavailable()` first to announce a fallback).
   */
  privateNetwork(files: PrivateNetworkFiles): Promise<PrivateNetwork>;
  /**
   * Absolute path of the module that implements the exercise's exports for this run: the
   * reference solution, or the learner's file with `--use`.
   */
  readonly implementation: string;
  /** True when `implementation` is the learner's file (`--use`). */
  readonly usingLearnerCode: boolean;
  /** Values of the lab's `options`, defaults applied (`netlab run <lab> --set key=value`). */
  readonly options: Readonly<Record<string, string>>;
  /** Aborted when the run is interrupted (Ctrl-C) or times out. */
  readonly signal: AbortSignal;
}

export interface Scenario {
  /** One line, shown by `netlab run <lab> --scenario help` and in the interactive lab. */
  title: string;
  /** Runs the scenario; resolves with the lab's summary (timings, tables, answers). */
  run(ctx: DemoContext): Promise<JsonObject | void>;
}

export interface ServeInfo {
  /** Where the lab's server listens: `127.0.0.1:PORT`, a socket path. */
  address: string;
  /** Ready-to-paste commands for real tools (`nc 127.0.0.1 PORT`). */
  commands: string[];
}

export interface LabOption {
  description: string;
  default: string;
}

/** What a lab's `lab.ts` passes to `defineLab`. Files are found by convention (see {@link Lab}). */
export interface LabDefinition {
  /** Fixed id: the CLI name and the exercise file name (`tcp-echo`). */
  id: string;
  title: string;
  /** One line for `netlab list`. */
  summary: string;
  /** Position in the course, ascending. */
  order: number;
  /** The scenarios; the first is the default demo. */
  scenarios: Record<string, Scenario>;
  /** `netlab run <lab> --serve`: start the lab's server, say how to reach it, keep it running. */
  serve?: (ctx: DemoContext) => Promise<ServeInfo>;
  /** Tunables for the demo (`--set key=value`), with defaults. */
  options?: Record<string, LabOption>;
  /** The names the exercise module must export (graders, fixtures and learners rely on them: never rename one). */
  exports: string[];
  /**
   * What this lab's trace shows and says (netlab's defaults otherwise): events to show or keep
   * quiet, and extra facts per event, which its programs apply with `useTracePolicy()`.
   */
  trace?: TracePolicy;
  /** A reason this machine cannot run the lab (platform, missing feature), or null. */
  unsupported?: () => string | null;
}

/** A discovered lab: its definition plus the paths of its conventional files. */
export interface Lab extends LabDefinition {
  /** The lab's folder. */
  dir: string;
  /** `lesson.md`: steps, one per `## ` heading. */
  lessonPath: string;
  /** `hints.md`: hints, one per `## ` heading, revealed in order. */
  hintsPath: string;
  /** `exercise/starter.ts`: what `netlab init` writes, with `// TODO` markers. */
  starterPath: string;
  /** `exercise/solution.ts`: the reference solution. */
  solutionPath: string;
  /** `grader.test.js` (or `.ts` in a checkout): the vitest file that grades a submission. */
  graderPath: string;
  /** Labels of its demo summary's keys in the chosen language (texts.<lang>.json); none in English. */
  summaryLabels?: Record<string, string>;
  // No fixtures path: fixtures are test data, not built into dist/. Tests read them from the
  // lab's source folder (labs/<id>/fixtures/index.ts, edits of the solution) with
  // src/lab/fixtures.ts.
}

export function defineLab(definition: LabDefinition): LabDefinition {
  return definition;
}
