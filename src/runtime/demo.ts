/**
 * Runs a lab's scenario (or its `serve`) outside any UI: spawns the lab's programs through a
 * {@link DemoContext}, numbers their trace lines in order of arrival, enforces a hard time
 * limit, and always kills what it started and removes its temporary directories.
 */
import type { JsonObject, ResultLine, TraceLine, UnsequencedLine } from '../trace/event.js';
import { epochNow } from '../trace/clock.js';
import type { DemoContext, Lab, ServeInfo } from '../lab/types.js';
import { ActorProcess, resolveProgram } from './spawn.js';
import { makeTempDir, removeTempDir } from './cleanup.js';
import { NetlabError } from '../errors.js';

export interface DemoOptions {
  scenario?: string;
  /** The learner's implementation to run instead of the reference solution. */
  use?: string;
  /** Receives every trace line, numbered, as it arrives. */
  onLine: (line: TraceLine) => void;
  /** `--set key=value` values. */
  options?: Record<string, string>;
  /** Hard limit for the whole run (default 30 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

class Run {
  readonly t0 = epochNow();
  readonly abort = new AbortController();
  private seq = 0;
  private readonly actors: ActorProcess[] = [];
  private readonly dirs: string[] = [];

  constructor(
    readonly lab: Lab,
    private readonly onLine: (line: TraceLine) => void,
  ) {}

  emit = (line: UnsequencedLine): void => {
    this.onLine({ ...line, seq: ++this.seq } as TraceLine);
  };

  now(): number {
    return Math.round((epochNow() - this.t0) * 1000) / 1000;
  }

  context(scenario: string, options: DemoOptions): DemoContext {
    const defaults = Object.fromEntries(Object.entries(this.lab.options ?? {}).map(([k, o]) => [k, o.default]));
    for (const key of Object.keys(options.options ?? {})) {
      if (!(key in defaults)) {
        const known = Object.keys(defaults);
        throw new NetlabError('NETLAB_ERR_USAGE', `lab ${this.lab.id} has no option "${key}"${known.length ? ` (options: ${known.join(', ')})` : ''}`);
      }
    }
    return {
      lab: this.lab,
      scenario,
      implementation: options.use ?? this.lab.solutionPath,
      usingLearnerCode: options.use !== undefined,
      options: { ...defaults, ...options.options },
      signal: this.abort.signal,
      spawn: (actor, program, spawnOptions = {}) => {
        const child = new ActorProcess({
          actor,
          program: resolveProgram(this.lab.dir, program),
          t0: this.t0,
          onLine: this.emit,
          params: spawnOptions.params,
          env: spawnOptions.env,
          cwd: spawnOptions.cwd,
          launcher: spawnOptions.network?.launcher(spawnOptions.cwd),
        });
        this.actors.push(child);
        return child;
      },
      note: (text) => this.emit({ type: 'note', t: this.now(), actor: 'netlab', text }),
      tempDir: () => {
        const dir = makeTempDir();
        this.dirs.push(dir);
        return dir;
      },
    };
  }

  async dispose(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.actors.map((a) => a.kill()));
    for (const dir of this.dirs) removeTempDir(dir);
  }
}

export function pickScenario(lab: Lab, name?: string): string {
  const names = Object.keys(lab.scenarios);
  if (name === undefined) return names[0]!;
  if (!lab.scenarios[name]) {
    throw new NetlabError('NETLAB_ERR_UNKNOWN_SCENARIO', `lab ${lab.id} has no scenario "${name}". Scenarios: ${names.join(', ')}`);
  }
  return name;
}

/** Run one scenario to the end. Never throws for a failing demo: the result says `ok: false`. */
export async function runDemo(lab: Lab, options: DemoOptions): Promise<ResultLine> {
  const scenario = pickScenario(lab, options.scenario);
  const unsupported = lab.unsupported?.();
  if (unsupported) {
    return { type: 'result', ok: true, lab: lab.id, scenario, summary: { skipped: unsupported } };
  }
  const run = new Run(lab, options.onLine);
  const ctx = run.context(scenario, options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => run.abort.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const summary = await Promise.race([
      lab.scenarios[scenario]!.run(ctx),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NetlabError('NETLAB_ERR_TIMEOUT', `the ${lab.id} demo did not finish within ${timeoutMs} ms`)), timeoutMs);
      }),
      new Promise<never>((_, reject) => {
        run.abort.signal.addEventListener('abort', () => reject(new NetlabError('NETLAB_ERR_DEMO_FAILED', 'interrupted')), { once: true });
      }),
    ]);
    return { type: 'result', ok: true, lab: lab.id, scenario, summary: (summary ?? {}) as JsonObject };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return {
      type: 'result',
      ok: false,
      lab: lab.id,
      scenario,
      summary: {},
      error: { code: e.code ?? 'NETLAB_ERR_DEMO_FAILED', message: e.message ?? String(err) },
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await run.dispose();
  }
}

export interface ServeHandle {
  info: ServeInfo;
  /** Stop the server and every process, remove temp dirs. */
  stop(): Promise<void>;
}

/** Start the lab's server for real tools; it runs until `stop()`. */
export async function serveLab(lab: Lab, options: Omit<DemoOptions, 'scenario' | 'timeoutMs'>): Promise<ServeHandle> {
  if (!lab.serve) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', `lab ${lab.id} has no --serve mode`);
  const unsupported = lab.unsupported?.();
  if (unsupported) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', `lab ${lab.id} cannot run here: ${unsupported}`);
  const run = new Run(lab, options.onLine);
  const ctx = run.context('serve', options);
  try {
    const info = await lab.serve(ctx);
    return { info, stop: () => run.dispose() };
  } catch (err) {
    await run.dispose();
    throw err;
  }
}
