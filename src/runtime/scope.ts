/**
 * Everything one run starts, and ends: a demo's scenario and a grading check each get one scope.
 * It spawns programs whose trace goes to the run's {@link TraceCollector}, hands out temporary
 * directories, runs deferred clean-ups, and on `dispose()` aborts, kills what is still running,
 * removes the directories and releases the trace's last held lines. (The process-wide safety net
 * for Ctrl-C and crashes of netlab itself is cleanup.ts.)
 */
import type { Json } from '../trace/event.js';
import type { TraceCollector } from '../trace/collector.js';
import type { PrivateNetwork } from './namespace.js';
import { ActorProcess } from './spawn.js';
import { makeTempDir, removeTempDir } from './cleanup.js';

export interface ScopeSpawnOptions {
  /** Actor name shown in the trace (`server`, `learner`). */
  actor: string;
  /** Absolute path of the program. */
  program: string;
  params?: Json | object;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run it inside this private network (see namespace.ts). */
  network?: PrivateNetwork;
}

export class ProcessScope {
  private readonly controller = new AbortController();
  /** Aborted when the scope ends (or is aborted): stop waiting. */
  readonly signal: AbortSignal = this.controller.signal;
  private readonly started: ActorProcess[] = [];
  private readonly dirs: string[] = [];
  private readonly cleanups: Array<() => unknown> = [];
  private disposed: Promise<void> | undefined;

  constructor(readonly collector: TraceCollector) {}

  /** Start a program; it is killed when the scope ends. */
  spawn(options: ScopeSpawnOptions): ActorProcess {
    const child = new ActorProcess({
      actor: options.actor,
      program: options.program,
      params: options.params,
      env: options.env,
      cwd: options.cwd,
      t0: this.collector.t0,
      onLine: this.collector.push,
      launcher: options.network?.launcher(options.cwd),
    });
    this.started.push(child);
    return child;
  }

  /** The processes started so far. */
  get processes(): readonly ActorProcess[] {
    return this.started;
  }

  /** A private temporary directory, removed when the scope ends. */
  tempDir(): string {
    const dir = makeTempDir();
    this.dirs.push(dir);
    return dir;
  }

  /** Run `fn` when the scope ends, before its processes are killed (last deferred, first run). */
  defer(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  abort(): void {
    this.controller.abort();
  }

  /** End the scope: abort, run deferred clean-ups, kill processes, remove directories, release the trace. Idempotent. */
  dispose(): Promise<void> {
    this.disposed ??= this.end();
    return this.disposed;
  }

  private async end(): Promise<void> {
    this.controller.abort();
    for (const fn of this.cleanups.reverse()) {
      try {
        await fn();
      } catch {
        /* clean-up is best effort */
      }
    }
    await Promise.all(this.started.map((p) => p.kill()));
    for (const dir of this.dirs) removeTempDir(dir);
    this.collector.close();
  }
}
