/**
 * The processes that run the graders: vitest's own `forks` worker (the same entry point,
 * arguments, IPC channel and serialization), each started in a process group of its own.
 *
 * Ctrl-C in a terminal (and a closed terminal) signals the terminal's foreground process group.
 * In netlab's group, a vitest worker and the learner's processes it starts all got the signal
 * with netlab, in no order: a worker still starting up died of it (vitest then threw "Worker
 * exited unexpectedly" and netlab crashed, exit 1, instead of reporting the labs interrupted);
 * a worker already grading started the next check's learner process before netlab's cancel
 * reached it. In a group of their own, only netlab hears the signal, and it stops grading: it
 * cancels the run (running checks end as interrupted, none starts) and closes the workers
 * (SIGTERM: a worker kills its learner processes as it exits, and they die with it anyway).
 *
 * A `launcher` (e.g. `nsenter … --`) starts the worker inside a private network (`--packets`,
 * src/grade/capture.ts).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';
import { labProcessEnv } from '../runtime/spawn.js';

/**
 * A vitest pool of `forks` workers, each in its own process group (or, with `ownGroups` false,
 * in netlab's), started through `launcher` if given.
 */
export function groupForksPool(name: string, launcher: string[] = [], ownGroups = true): PoolRunnerInitializer {
  return { name, createPoolWorker: (options) => new GroupForkWorker(name, options, launcher, ownGroups) };
}

class GroupForkWorker implements PoolWorker {
  readonly cacheFs = true;
  private child: ChildProcess | undefined;
  private readonly stdout: Writable;
  private readonly stderr: Writable;

  constructor(
    readonly name: string,
    private readonly options: PoolOptions,
    private readonly launcher: string[],
    private readonly ownGroup: boolean,
  ) {
    const logger = options.project.vitest.logger as unknown as { outputStream: Writable; errorStream: Writable };
    this.stdout = logger.outputStream;
    this.stderr = logger.errorStream;
  }

  private get process(): ChildProcess {
    if (!this.child) throw new Error('the grading worker is not running');
    return this.child;
  }

  private readonly exitListeners = new Map<(...args: unknown[]) => void, (...args: unknown[]) => void>();

  on(event: string, callback: (...args: unknown[]) => void): void {
    if (event !== 'exit') return void this.process.on(event, callback);
    // A worker forked at the very moment of Ctrl-C can still die of it: the signal reached the
    // terminal's group between the fork and the child's setsid(). vitest reports that exit by
    // throwing "Worker exited unexpectedly" where nothing listens; netlab is stopping anyway
    // (it had the same signal), and bounds how long it waits for the run (src/grade/runner.ts).
    const listener = (...args: unknown[]) => {
      const signal = args[1];
      if (signal !== 'SIGINT' && signal !== 'SIGHUP') return callback(...args);
      try {
        callback(...args);
      } catch {
        /* the run is being interrupted */
      }
    };
    this.exitListeners.set(callback, listener);
    this.process.on(event, listener);
  }

  off(event: string, callback: (...args: unknown[]) => void): void {
    const listener = event === 'exit' ? this.exitListeners.get(callback) : undefined;
    if (listener) this.exitListeners.delete(callback);
    this.process.off(event, listener ?? callback);
  }

  send(message: WorkerRequest): void {
    // A worker that has just exited cannot be told anything: vitest learns of its exit from the
    // 'exit' event. (Without the callback, the closed channel's error was thrown at netlab: a
    // cancel that vitest sent after Ctrl-C, as a worker that was just starting exited.)
    this.process.send(message, (err) => {
      if (err && (err as NodeJS.ErrnoException).code !== 'ERR_IPC_CHANNEL_CLOSED') this.process.emit('error', err);
    });
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const [command, ...prefix] = this.launcher;
    this.child = fork(resolve(this.options.distPath, 'workers/forks.js'), [], {
      env: labProcessEnv(this.options.env),
      ...(command ? { execPath: command, execArgv: [...prefix, process.execPath, ...this.options.execArgv] } : { execArgv: this.options.execArgv }),
      stdio: 'pipe',
      serialization: 'advanced',
      detached: this.ownGroup,
    });
    this.child.stdout?.pipe(this.stdout, { end: false });
    this.child.stderr?.pipe(this.stderr, { end: false });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
    // As vitest's own worker: SIGTERM, and SIGKILL for one that does not go.
    const timer = setTimeout(() => child.kill('SIGKILL'), 500);
    child.kill();
    await exited;
    clearTimeout(timer);
    child.stdout?.unpipe(this.stdout);
    child.stderr?.unpipe(this.stderr);
    this.child = undefined;
  }
}
