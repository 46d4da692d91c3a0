/**
 * Everything one run starts, and ends: a demo's scenario and a grading check each get one scope.
 * It spawns programs whose trace goes to the run's {@link TraceCollector}, hands out temporary
 * directories, runs deferred clean-ups, and on `dispose()` aborts, kills what is still running,
 * removes the directories and releases the trace's last held lines. (The process-wide safety net
 * for Ctrl-C and crashes of netlab itself is cleanup.ts.)
 */
import type { Json } from '../trace/event.js';
import type { TraceCollector } from '../trace/collector.js';
import { captureUnavailable, openPrivateNetwork, type PrivateNetwork, type PrivateNetworkFiles } from './namespace.js';
import type { TracedCapture, WireStats } from '../wire/capture.js';
import { ActorProcess, type SpawnOptions } from './spawn.js';
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
  /** See {@link SpawnOptions.hooks}. */
  hooks?: boolean;
  /** See {@link SpawnOptions.diesWithParent}. */
  diesWithParent?: boolean;
}

/** How long lines wait for packets that happened before them (see TraceCollector.widenWindow). */
const CAPTURE_WINDOW_MS = 250;

export class ProcessScope {
  private readonly controller = new AbortController();
  /** Aborted when the scope ends (or is aborted): stop waiting. */
  readonly signal: AbortSignal = this.controller.signal;
  private readonly started: ActorProcess[] = [];
  private readonly dirs: string[] = [];
  private readonly cleanups: Array<() => unknown> = [];
  private disposed: Promise<void> | undefined;
  private readonly networks: PrivateNetwork[] = [];
  private readonly captures: TracedCapture[] = [];
  private packets = false;
  /** Where programs run when they ask for no network of their own (with packet capture on). */
  private defaultNetwork: PrivateNetwork | undefined;
  /** What the captures saw, once the scope has ended (null: no capture ran). */
  wire: WireStats | null = null;

  constructor(readonly collector: TraceCollector) {}

  /**
   * Capture packets from now on: every program of the scope runs in a private network whose
   * loopback is captured, and each packet is a `wire` event on the trace. Resolves with the
   * reason when this machine cannot (then nothing changes and the run goes on without packets).
   */
  async capturePackets(): Promise<string | null> {
    const reason = captureUnavailable();
    if (reason) return reason;
    this.packets = true;
    // Packets reach netlab through tcpdump's pipe, later than events over IPC.
    this.collector.widenWindow(CAPTURE_WINDOW_MS);
    try {
      this.defaultNetwork = await this.privateNetwork();
      return null;
    } catch (err) {
      this.packets = false;
      return (err as Error).message;
    }
  }

  /**
   * A private network (see namespace.ts), closed when the scope ends; with packet capture on,
   * its loopback is captured too.
   */
  async privateNetwork(files?: PrivateNetworkFiles): Promise<PrivateNetwork> {
    const network = await openPrivateNetwork(files, { capture: this.packets, signal: this.signal });
    this.networks.push(network);
    if (network.capture) {
      const { traceCapture } = await import('../wire/capture.js');
      this.captures.push(traceCapture(network, this.collector));
    }
    return network;
  }

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
      launcher: (options.network ?? this.defaultNetwork)?.launcher(options.cwd),
      ...(options.hooks === undefined ? {} : { hooks: options.hooks }),
      ...(options.diesWithParent === undefined ? {} : { diesWithParent: options.diesWithParent }),
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
    // After the processes: their last packets (FIN, RST) are on the wire by now.
    if (this.captures.length > 0) {
      const stats = await Promise.all(this.captures.map((c) => c.stop()));
      this.wire = {
        captured: stats.some((s) => s.captured === null) ? null : stats.reduce((n, s) => n + s.captured!, 0),
        traced: stats.reduce((n, s) => n + s.traced, 0),
      };
    }
    await Promise.all(this.networks.map((n) => n.close()));
    for (const dir of this.dirs) removeTempDir(dir);
    this.collector.close();
  }
}
