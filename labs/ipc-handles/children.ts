/**
 * Watches, from inside a primary process (the reference's or the learner's), every child process
 * it starts: which were forked, which said `{"type":"ready"}`, which connection went to which one
 * (and how many bytes the primary had read of it before handing it over), and how each ended.
 *
 * It hooks `ChildProcess.prototype.spawn`, which `fork()`, `spawn()` and `exec*()` all go
 * through, so it sees children however the code imported `child_process`. It only observes:
 * a listener on `message` changes nothing for the program (messages have no default action),
 * and `send()` is called with the same arguments and returns the same value. Two things are set
 * for netlab's own worker only: its actor name and tracing (through environment variables), so
 * its events appear in a lane of their own.
 */
import { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type * as net from 'node:net';
import { mark, trace } from '../../src/runtime/child.js';
import type { JsonObject } from '../../src/trace/event.js';

/** netlab's worker (plain JavaScript, run as it is by `fork()`), shipped beside the exercise. */
export const WORKER_PATH = fileURLToPath(new URL('./exercise/worker.cjs', import.meta.url));

/** One child process, as the primary's side saw it. */
export interface ChildRecord {
  /** `worker#1`, … in the order they were started. */
  actor: string;
  pid: number;
  /** ms since this process started watching */
  forkedAt: number;
  readyAt: number | null;
  exitedAt: number | null;
  code: number | null;
  signal: string | null;
  /** Connections handed to it: the client's port, and bytes the primary had read from it. */
  handoffs: Handoff[];
}

/** A connection handed to a worker. */
export interface Handoff {
  /** The client's port. */
  remotePort: number | null;
  /** Bytes the primary had read from the connection when it sent the handle. */
  bytesReadByPrimary: number;
  keepOpen: boolean;
  /**
   * The worker acknowledged the handle (Node's NODE_HANDLE_ACK): the connection is the worker's
   * now, and without keepOpen the primary's copy is closed.
   */
  acked: boolean;
  /** The primary's own copy of the connection is still open (now, when asked). */
  openInPrimary: boolean;
}

/** The primary's socket objects for each hand-off, to tell later whether its copy was closed. */
const handedSockets = new Map<Handoff, WeakRef<net.Socket>>();

function stillOpen(socket: net.Socket | undefined): boolean {
  // After a handle is sent without keepOpen, Node closes the primary's handle: `_handle` is gone.
  return Boolean(socket && !socket.destroyed && (socket as unknown as { _handle: unknown })._handle);
}

const records: ChildRecord[] = [];
const processes = new Map<number, ChildProcess>();
const started = performance.now();
const since = () => Math.round((performance.now() - started) * 10) / 10;

function isSocket(handle: unknown): handle is net.Socket {
  return typeof handle === 'object' && handle !== null && 'remotePort' in handle && 'bytesRead' in handle;
}

/** Start watching. `traceWorkers`: netlab's worker writes its own trace lines (demos and grading). */
/** `ChildProcess#spawn`: internal (not in Node's types), and the one path every child takes. */
type SpawnMethod = ((this: ChildProcess, options: { envPairs?: string[]; args?: string[] }) => unknown) & { netlabWatched?: boolean };

/**
 * netlab's worker is plain JavaScript: it does not need the TypeScript loader that `fork()`
 * passes on from this process's flags, and starts faster without it.
 */
function withoutLoader(args: string[]): string[] {
  if (!args.includes(WORKER_PATH)) return args;
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--import' && /\/runtime\/register\.js$/.test(args[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return out;
}

export function watchChildren(options: { traceWorkers: boolean }): void {
  const proto = ChildProcess.prototype as unknown as { spawn: SpawnMethod };
  const original = proto.spawn;
  if (original.netlabWatched) return;
  const watched: SpawnMethod = function (this: ChildProcess, spawnOptions) {
    const actor = `worker#${records.length + 1}`;
    if (Array.isArray(spawnOptions?.envPairs)) {
      spawnOptions.envPairs = spawnOptions.envPairs.filter((pair) => !pair.startsWith('NETLAB_ACTOR=') && !pair.startsWith('NETLAB_WORKER_TRACE='));
      spawnOptions.envPairs.push(`NETLAB_ACTOR=${actor}`);
      if (options.traceWorkers) spawnOptions.envPairs.push('NETLAB_WORKER_TRACE=1');
    }
    if (Array.isArray(spawnOptions?.args)) spawnOptions.args = withoutLoader(spawnOptions.args);
    trace(this);
    const result = original.call(this, spawnOptions);
    if (typeof this.pid === 'number') record(this, actor);
    return result;
  };
  watched.netlabWatched = true;
  proto.spawn = watched;
}

function record(child: ChildProcess, actor: string): void {
  const rec: ChildRecord = { actor, pid: child.pid!, forkedAt: since(), readyAt: null, exitedAt: null, code: null, signal: null, handoffs: [] };
  records.push(rec);
  processes.set(rec.pid, child);
  mark('fork', { worker: actor, pid: rec.pid }, 'child_process');
  child.on('message', (message: unknown) => {
    if (rec.readyAt === null && typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ready') rec.readyAt = since();
  });
  // Node's own acknowledgement of a handle, one per handle sent, in order. Listening changes
  // nothing: Node handles it before this listener runs.
  child.on('internalMessage' as 'message', (message: unknown) => {
    if ((message as { cmd?: unknown } | null)?.cmd !== 'NODE_HANDLE_ACK') return;
    const next = rec.handoffs.find((h) => !h.acked);
    if (next) next.acked = true;
  });
  child.once('exit', (code, signal) => {
    rec.exitedAt = since();
    rec.code = code;
    rec.signal = signal;
    processes.delete(rec.pid);
  });
  const send = child.send;
  if (typeof send !== 'function') return;
  child.send = function (this: ChildProcess, ...args: unknown[]) {
    const [message, handle, maybeOptions] = args;
    if (isSocket(handle)) {
      const keepOpen = typeof maybeOptions === 'object' && maybeOptions !== null && (maybeOptions as { keepOpen?: boolean }).keepOpen === true;
      const handoff: Handoff = { remotePort: handle.remotePort ?? null, bytesReadByPrimary: handle.bytesRead, keepOpen, acked: false, openInPrimary: true };
      rec.handoffs.push(handoff);
      handedSockets.set(handoff, new WeakRef(handle));
      const detail: JsonObject = { to: actor, message: typeof message === 'string' ? message : JSON.stringify(message ?? null), remote: `127.0.0.1:${handoff.remotePort}`, bytesRead: handoff.bytesReadByPrimary };
      if (keepOpen) detail.keepOpen = true;
      mark('send', detail, 'primary');
    }
    return (send as (...a: unknown[]) => boolean).apply(this, args);
  } as typeof child.send;
}

/** Every child started so far, oldest first. */
export function children(): ChildRecord[] {
  return records.map((r) => ({ ...r, handoffs: r.handoffs.map((h) => ({ ...h, openInPrimary: stillOpen(handedSockets.get(h)?.deref()) })) }));
}

/** Children that have not exited. */
export function liveChildren(): ChildRecord[] {
  return records.filter((r) => r.exitedAt === null);
}

/** Kill one child by pid (as a crash would), from the primary's own process. */
export function killChild(pid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  const child = processes.get(pid);
  if (!child) return false;
  return child.kill(signal);
}

/** Kill every child still running: the primary's process is going away. */
export function killAllChildren(): void {
  for (const child of processes.values()) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
