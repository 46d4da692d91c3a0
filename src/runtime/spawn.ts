import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Json, UnsequencedLine } from '../trace/event.js';
import { T0_ENV, createClock } from '../trace/clock.js';
import { ENV, type ChildMessage, type ParentMessage, type WireError } from './protocol.js';
import { trackChild } from './cleanup.js';
import { NetlabError } from '../errors.js';
import type { ArgsOf, CommandsOf, ProgramSpec, ReadyOf, ResultOf } from './contract.js';

/** The preload that lets spawned programs be TypeScript and import undici. */
export const REGISTER_URL = new URL('./register.js', import.meta.url).href;

export interface SpawnOptions {
  /** Actor name shown in the trace (`server`, `client#1`). */
  actor: string;
  /** Absolute path of the program (a `.js` or `.ts` file). */
  program: string;
  /** Parameters (JSON-serialisable), read in the child with `params()`. */
  params?: Json | object;
  /** The run's start, epoch ms, for the shared clock. */
  t0: number;
  /** Receives every trace line the child sends, and its stdout/stderr lines. */
  onLine: (line: UnsequencedLine) => void;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Extra node flags. */
  execArgv?: string[];
  /**
   * netlab's module hooks (TypeScript, undici from netlab's copy): on unless the caller knows the
   * program and everything it imports are JavaScript and Node's own modules. Off, the process
   * starts without the hooks' thread: about a third of a small program's start-up.
   */
  hooks?: boolean;
  /**
   * Have the kernel kill the child the moment this process dies, even in a busy loop, where
   * Linux's util-linux `setpriv` can ask for it (ignored inside a `launcher`, whose namespaces
   * may change the credentials that the request is tied to). The child sees
   * `ENV.diesWithParent` set when it was granted.
   */
  diesWithParent?: boolean;
  /**
   * A command prefix that starts node somewhere else and `exec`s it in place, keeping the IPC
   * channel: e.g. `PrivateNetwork.launcher()` (nsenter into a private network namespace).
   * Node, its flags and the program are appended.
   */
  launcher?: string[];
}

/**
 * The environment for a Node process netlab starts for a lab (a demo's actor, the learner's
 * module in grading, a grading worker): `env` as it is, except on Node 20, where a set
 * NODE_EXTRA_CA_CERTS makes every Node process read and parse that certificate file as it
 * starts, before any code runs. With a system bundle of ~150 certificates that is ~60 ms of
 * CPU per process, more than Node's own start-up, and grading starts one process per check.
 * Node 22 and 24 read the file only when a TLS connection needs it (measured on 20.20, 22.23
 * and 24.22: a trivial start takes 36 → 97 ms of CPU with it on 20, 34 → 36 ms on 22). No lab
 * uses TLS (they all speak to 127.0.0.1), so on Node 20 those processes start without it;
 * elsewhere, and for anything else netlab runs, the variable stays as the user set it.
 */
export function labProcessEnv(env: NodeJS.ProcessEnv = process.env, nodeVersion = process.versions.node): NodeJS.ProcessEnv {
  if (env.NODE_EXTRA_CA_CERTS === undefined || Number(nodeVersion.split('.')[0]) >= 22) return env;
  const { NODE_EXTRA_CA_CERTS: _eagerOnNode20, ...rest } = env;
  return rest;
}

let deathGuard: string[] | null | undefined;

/**
 * The command prefix that sets the parent-death signal (prctl PR_SET_PDEATHSIG) before it runs
 * node, or undefined where there is none (not Linux, util-linux too old or missing). Looked for
 * once per process: one run of `setpriv … true`, a few milliseconds.
 */
function parentDeathGuard(): string[] | undefined {
  if (deathGuard === undefined) {
    const command = ['setpriv', '--pdeathsig', 'KILL'];
    deathGuard = process.platform === 'linux' && spawnSync(command[0]!, [...command.slice(1), 'true'], { stdio: 'ignore' }).status === 0 ? command : null;
  }
  return deathGuard ?? undefined;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned program with a trace channel: wait for `ready`, send commands, kill. */
export class ActorProcess {
  readonly actor: string;
  readonly child: ChildProcess;
  readonly exited: Promise<ExitInfo>;
  /** Set when the child died of an uncaught exception. */
  fatal: WireError | undefined;
  private readyInfo: Promise<Json>;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private exitInfo: ExitInfo | undefined;
  private stderrTail = '';

  constructor(options: SpawnOptions) {
    this.actor = options.actor;
    const t = createClock(options.t0);
    const hooks = options.hooks === false ? [] : ['--import', REGISTER_URL];
    const execArgv = [...hooks, '--enable-source-maps', '--no-warnings=ExperimentalWarning', ...(options.execArgv ?? [])];
    const guard = options.diesWithParent && !options.launcher?.length ? parentDeathGuard() : undefined;
    const launcher = guard ?? options.launcher;
    const childOptions = {
      cwd: options.cwd,
      env: labProcessEnv({
        ...process.env,
        ...options.env,
        [ENV.actor]: options.actor,
        [ENV.params]: JSON.stringify(options.params ?? {}),
        [T0_ENV]: String(options.t0),
        [ENV.diesWithParent]: guard ? '1' : undefined,
      }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'] as ('ignore' | 'pipe' | 'ipc')[],
      serialization: 'json' as const,
    };
    this.child = launcher?.length
      ? spawn(launcher[0]!, [...launcher.slice(1), process.execPath, ...execArgv, options.program], childOptions)
      : fork(options.program, [], { ...childOptions, execArgv });
    trackChild(this.child);

    for (const stream of ['stdout', 'stderr'] as const) {
      let buffered = '';
      this.child[stream]!.setEncoding('utf8');
      this.child[stream]!.on('data', (chunk: string) => {
        if (stream === 'stderr') this.stderrTail = (this.stderrTail + chunk).slice(-4000);
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const text = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          options.onLine(relayedLine(text) ?? { type: 'output', t: t(), actor: this.actor, stream, text });
        }
      });
      this.child[stream]!.on('end', () => {
        if (buffered) options.onLine({ type: 'output', t: t(), actor: this.actor, stream, text: buffered });
      });
    }

    let resolveReady!: (v: Json) => void;
    let rejectReady!: (e: Error) => void;
    this.readyInfo = new Promise((res, rej) => {
      resolveReady = res;
      rejectReady = rej;
    });
    this.readyInfo.catch(() => {});

    this.child.on('message', (message: ChildMessage) => {
      switch (message.k) {
        case 'line':
          options.onLine(message.line);
          break;
        case 'ready':
          resolveReady(message.info);
          break;
        case 'reply': {
          const waiter = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (!waiter) break;
          if (message.ok) waiter.resolve(message.value);
          else waiter.reject(Object.assign(new Error(message.error.message), { code: message.error.code, stack: message.error.stack }));
          break;
        }
        case 'fatal':
          this.fatal = message.error;
          break;
      }
    });

    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        const reason = this.describeExit();
        rejectReady(new NetlabError('NETLAB_ERR_CHILD_EXITED', reason));
        for (const waiter of this.pending.values()) waiter.reject(new NetlabError('NETLAB_ERR_CHILD_EXITED', reason));
        this.pending.clear();
        resolve(this.exitInfo);
      });
    });
    // Spawn failures (ENOENT, EAGAIN) surface as exit with code null; never as an unhandled error.
    this.child.on('error', () => {});
  }

  /** Why the child ended, for error messages: its uncaught exception, else its exit status. */
  describeExit(): string {
    if (this.fatal) return `${this.actor} crashed: ${learnerStack(this.fatal)}`;
    const info = this.exitInfo;
    if (!info) return `${this.actor} is still running`;
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
    const tail = this.stderrTail.trim();
    return `${this.actor} ${how}${tail ? `:\n${tail}` : ''}`;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** How the process ended, once it has. */
  get exit(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** Resolves with what the child passed to `ready()`; rejects if it exits first or after `timeoutMs`. */
  ready(timeoutMs = 10_000): Promise<Json> {
    return withTimeout(this.readyInfo, timeoutMs, `${this.actor} did not become ready within ${timeoutMs} ms`);
  }

  /** Send a command handled by the child's `onCommand(name)`, resolve with its answer. */
  command(name: string, arg: Json = null, timeoutMs = 10_000): Promise<Json> {
    if (!this.running || !this.child.connected) {
      return Promise.reject(new NetlabError('NETLAB_ERR_CHILD_EXITED', this.describeExit()));
    }
    const id = this.nextId++;
    const reply = new Promise<Json>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const message: ParentMessage = { k: 'cmd', id, name, arg };
    this.child.send(message, undefined, undefined, () => {});
    return withTimeout(reply, timeoutMs, `${this.actor} did not answer "${name}" within ${timeoutMs} ms`, () => this.pending.delete(id));
  }

  /** Wait for the child to end by itself, killing it after `timeoutMs`. */
  async finish(timeoutMs = 10_000): Promise<ExitInfo> {
    const timer = setTimeout(() => this.kill(), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<ExitInfo> {
    if (this.running) {
      try {
        this.child.kill(signal);
      } catch {
        /* already gone */
      }
    }
    return this.exited;
  }
}

/**
 * A trace line written to stdout by a process that has no IPC channel to netlab (a grandchild:
 * a worker that the traced program forked itself inherits its stdout). Such a process prefixes
 * each NDJSON line with an ASCII record separator, which ordinary output never starts with.
 */
export const RELAY_PREFIX = '\u001e';

function relayedLine(text: string): UnsequencedLine | undefined {
  if (!text.startsWith(RELAY_PREFIX)) return undefined;
  try {
    const line = JSON.parse(text.slice(RELAY_PREFIX.length)) as UnsequencedLine;
    return line && typeof line === 'object' && typeof line.t === 'number' && typeof line.actor === 'string' ? line : undefined;
  } catch {
    return undefined;
  }
}

/** What every started program offers, typed or not: its actor, exit, crash, `finish()`, `kill()`. */
export type RunningProgram = Omit<ActorProcess, 'ready' | 'command'>;

/** An {@link ActorProcess} seen through its program's contract: typed `ready()` and commands. */
export interface ProgramProcess<S extends ProgramSpec> extends RunningProgram {
  ready(timeoutMs?: number): Promise<ReadyOf<S>>;
  command<K extends keyof CommandsOf<S> & string>(name: K, ...args: ArgsOf<CommandsOf<S>, K>): Promise<ResultOf<CommandsOf<S>, K>>;
}

/** netlab's own package: frames in it are netlab's plumbing, not the learner's code. */
const OWN_PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * An error's message with only the stack frames worth a learner's attention: those in their
 * own `file` when it is known (a submission under grading; it may well sit inside netlab's
 * package, as fixtures do), else every frame outside netlab's package and Node's internals.
 */
export function learnerStack(error: { message: string; stack?: string }, file?: string): string {
  const lines = (error.stack ?? error.message).split('\n');
  const frameAt = lines.findIndex((l) => /^\s+at /.test(l));
  const head = (frameAt < 0 ? lines : lines.slice(0, frameAt)).join('\n').trim();
  const frames = frameAt < 0 ? [] : lines.slice(frameAt);
  const mine = file
    ? frames.filter((f) => f.includes(file) || f.includes(`file://${file}`))
    : frames.filter((f) => !f.includes(OWN_PACKAGE) && !/\(node:|at node:/.test(f));
  return [head, ...mine.map((f) => `    ${f.trim()}`)].join('\n');
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new NetlabError('NETLAB_ERR_TIMEOUT', message));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A program path inside a lab: `demo/server` finds `demo/server.js` (built) or
 * `demo/server.ts` (source), so labs run the same from dist and from a checkout.
 */
export function resolveProgram(base: string | URL, relative: string): string {
  const baseDir = typeof base === 'string' ? base : fileURLToPath(base);
  const stem = `${baseDir.replace(/\/$/, '')}/${relative.replace(/\.(?:js|ts)$/, '')}`;
  for (const ext of ['.js', '.ts']) {
    if (existsSync(stem + ext)) return stem + ext;
  }
  throw new NetlabError('NETLAB_ERR_NO_PROGRAM', `no program ${relative} (.js or .ts) in ${baseDir}`);
}
