/**
 * `netlab grade --packets`, netlab's side: one private network with its loopback captured, in
 * which the whole grading runs — the vitest workers that run the graders, and the learner's
 * processes they start. A grader talks to the learner's server from its worker over loopback,
 * so both must be in the same network: moving only the learner's processes would cut them off.
 *
 * tcpdump writes the capture to a file, packet by packet, and each worker reads from it the
 * packets of its own failing checks (src/grade/check-packets.ts): no packet crosses back to
 * netlab, and a check's packets are on its trace before its report leaves the worker.
 *
 * The network is "nestable" (see src/runtime/namespace.ts): a lab whose grader makes a private
 * network of its own (dns) still can, inside this one.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, WorkerRequest } from 'vitest/node';
import { captureUnavailable, openPrivateNetwork } from '../runtime/namespace.js';
import { makeTempDir, removeTempDir } from '../runtime/cleanup.js';

/** Bytes kept of each packet: link, IP and TCP headers with options, and the trace's 24-byte preview. */
const SNAPLEN = 256;

/** A capture that grading runs inside of. */
export interface GradeCapture {
  /** The pcap file the workers read (tcpdump flushes it packet by packet). */
  readonly file: string;
  /** The vitest pool whose workers start inside the private network. */
  readonly pool: PoolRunnerInitializer;
  /** Stop tcpdump, end the network, remove the file. */
  close(): Promise<void>;
}

/** Open the network and its capture, or say in one line why this machine cannot. */
export async function openGradeCapture(): Promise<GradeCapture | string> {
  const reason = captureUnavailable();
  if (reason) return reason;
  const dir = makeTempDir('netlab-wire-');
  const file = join(dir, 'grade.pcap');
  try {
    const network = await openPrivateNetwork(undefined, { capture: true, captureFile: file, snaplen: SNAPLEN, nestable: true });
    const launcher = network.launcher();
    return {
      file,
      pool: { name: POOL_NAME, createPoolWorker: (options) => new NetworkForkWorker(options, launcher) },
      async close() {
        await network.close();
        removeTempDir(dir);
      },
    };
  } catch (err) {
    removeTempDir(dir);
    return (err as Error).message;
  }
}

const POOL_NAME = 'netlab-network-forks';

/**
 * vitest's `forks` worker, started through the network's launcher (`nsenter … -- node`): the
 * same entry point, arguments, IPC channel and serialization; one per core, each running grader
 * files one after another.
 */
class NetworkForkWorker implements PoolWorker {
  readonly name = POOL_NAME;
  readonly cacheFs = true;
  private child: ChildProcess | undefined;
  private readonly stdout: Writable;
  private readonly stderr: Writable;

  constructor(
    private readonly options: PoolOptions,
    private readonly launcher: string[],
  ) {
    const logger = options.project.vitest.logger as unknown as { outputStream: Writable; errorStream: Writable };
    this.stdout = logger.outputStream;
    this.stderr = logger.errorStream;
  }

  private get process(): ChildProcess {
    if (!this.child) throw new Error('the grading worker is not running');
    return this.child;
  }

  on(event: string, callback: (arg: unknown) => void): void {
    this.process.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    this.process.off(event, callback);
  }

  send(message: WorkerRequest): void {
    this.process.send(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const [nsenter, ...prefix] = this.launcher;
    this.child = fork(resolve(this.options.distPath, 'workers/forks.js'), [], {
      env: this.options.env,
      execPath: nsenter,
      execArgv: [...prefix, process.execPath, ...this.options.execArgv],
      stdio: 'pipe',
      serialization: 'advanced',
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
