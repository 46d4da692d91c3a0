/**
 * Small tools graders share: real TCP clients that are traced and cleaned up with the check,
 * a reader that collects what a peer sends back, polling with a limit, and byte descriptions
 * for messages ("got 512 bytes for 256 sent"). Everything here runs inside a check. Every
 * wait given here is for a quiet machine: it is multiplied by the check's pace.
 */
import * as net from 'node:net';
import { currentCheck, CheckFailure } from './harness.js';
import { t } from '../i18n/messages.js';
import { previewBytes } from '../trace/detail.js';
import { formatBytes } from '../trace/format.js';
import { paced as scaled } from './pace.js';

export { formatBytes };

const clientCounts = new WeakMap<object, number>();

/** `client#1`, `client#2`, … numbered per check. */
function nextClient(check: object): string {
  const n = (clientCounts.get(check) ?? 0) + 1;
  clientCounts.set(check, n);
  return `client#${n}`;
}

/**
 * Connect a TCP client to `port` on 127.0.0.1. Its events appear in the check's trace as
 * `actor` (default `client#N`); it is destroyed when the check ends. Fails the check with a clear
 * message if nothing accepts the connection.
 */
export function connectTcp(port: number, options: { host?: string; actor?: string; timeoutMs?: number } = {}): Promise<net.Socket> {
  const check = currentCheck();
  const host = options.host ?? '127.0.0.1';
  const actor = options.actor ?? nextClient(check);
  const socket = check.trace(new net.Socket(), actor);
  // The grader's sockets never throw into the worker: their errors are in the trace.
  socket.on('error', () => {});
  check.defer(() => socket.destroy());
  const limit = Math.min(scaled(options.timeoutMs ?? 3000, check.pace), check.remainingMs());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new CheckFailure(t('grade.h.connectTimeout', { address: `${host}:${port}`, ms: limit }), true));
    }, limit);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new CheckFailure(t(err.code === 'ECONNREFUSED' ? 'grade.h.connectRefused' : 'grade.h.connectFailed', { address: `${host}:${port}`, error: err.code ?? err.message })));
    });
    socket.connect(port, host);
  });
}

/** Why a wait of {@link ByteReader} ended. */
export type ReadOutcome = 'done' | 'ended' | 'closed' | 'stalled' | 'timeout';

/**
 * Collects what a socket receives, and lets a check wait for a number of bytes, for the peer's
 * `end`, or for a pattern — each with a limit and a "no progress" limit, never a fixed sleep.
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  /** Bytes received so far. */
  length = 0;
  /** The peer ended its side (`end` event). */
  ended = false;
  /** The socket closed. */
  closed = false;
  /** The socket's error, if any (`ECONNRESET`…). */
  error: NodeJS.ErrnoException | undefined;
  /** Time of the last byte or event, for stall detection. */
  private lastProgress = Date.now();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly socket: net.Socket,
    options: { keep?: boolean; onChunk?: (chunk: Buffer, offset: number) => void } = {},
  ) {
    const keep = options.keep ?? true;
    socket.on('data', (chunk: Buffer) => {
      options.onChunk?.(chunk, this.length);
      if (keep) this.chunks.push(chunk);
      this.length += chunk.length;
      this.progress();
    });
    socket.on('end', () => {
      this.ended = true;
      this.progress();
    });
    socket.on('close', () => {
      this.closed = true;
      this.progress();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err;
      this.progress();
    });
  }

  private progress(): void {
    this.lastProgress = Date.now();
    for (const fn of this.listeners) fn();
  }

  /** Everything received so far. */
  bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /**
   * Wait until `done()` is true, the peer ends or closes, no byte arrives for `stallMs`, or
   * `timeoutMs` passes. Resolves with which of these happened first (`done` wins ties).
   */
  until(done: () => boolean, options: { timeoutMs?: number; stallMs?: number } = {}): Promise<ReadOutcome> {
    const check = currentCheck();
    const timeoutMs = Math.min(scaled(options.timeoutMs ?? 3000, check.pace), check.remainingMs());
    const stallMs = options.stallMs !== undefined ? scaled(options.stallMs, check.pace) : timeoutMs;
    const started = Date.now();
    this.lastProgress = Math.max(this.lastProgress, started);
    return new Promise((resolve) => {
      const evaluate = (): ReadOutcome | undefined => {
        if (done()) return 'done';
        if (this.ended) return 'ended';
        if (this.closed) return 'closed';
        const now = Date.now();
        if (now - started >= timeoutMs) return 'timeout';
        if (now - this.lastProgress >= stallMs) return 'stalled';
        return undefined;
      };
      const first = evaluate();
      if (first) return resolve(first);
      const finish = (outcome: ReadOutcome) => {
        clearInterval(timer);
        this.listeners.delete(listener);
        check.signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const listener = () => {
        const outcome = evaluate();
        if (outcome) finish(outcome);
      };
      const onAbort = () => finish('timeout');
      const timer = setInterval(listener, Math.min(50, stallMs));
      this.listeners.add(listener);
      check.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wait until at least `n` bytes arrived (see {@link until}). */
  atLeast(n: number, options?: { timeoutMs?: number; stallMs?: number }): Promise<ReadOutcome> {
    return this.until(() => this.length >= n, options);
  }

  /** Wait for the peer's `end` (or `close`). */
  end(options?: { timeoutMs?: number; stallMs?: number }): Promise<ReadOutcome> {
    return this.until(() => this.ended || this.closed, options);
  }
}

/**
 * Poll `probe` every `intervalMs` until it returns a value other than undefined; resolves with
 * it, or with undefined after `timeoutMs` (or when the check ends).
 */
export async function pollUntil<T>(probe: () => Promise<T | undefined> | T | undefined, options: { timeoutMs: number; intervalMs?: number }): Promise<T | undefined> {
  const check = currentCheck();
  const deadline = Date.now() + Math.min(scaled(options.timeoutMs, check.pace), check.remainingMs());
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline || check.signal.aborted) return undefined;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 20));
  }
}

/** `"hello\n"` style, escaped, shortened: for messages. */
export function show(bytes: Uint8Array | string, max = 40): string {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  return `"${previewBytes(buf, max)}"`;
}

/** `ef bf bd` style hex of a few bytes. */
export function hex(bytes: Uint8Array, max = 12): string {
  const parts = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0'));
  return parts.join(' ') + (bytes.length > max ? ' …' : '');
}

/** Index of the first byte where `a` and `b` differ (the shorter length if one is a prefix), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** "5 bytes" / "1 byte" / "2.0 MiB (2097152 bytes)". */
export function bytesText(n: number): string {
  const bytes = t('grade.bytes', { count: n });
  return n < 1024 ? bytes : `${formatBytes(n)} (${bytes})`;
}

/** End our side and wait (briefly) for the peer to close, so the learner never sees a reset. */
export async function closeGracefully(socket: net.Socket, timeoutMs = 1000): Promise<void> {
  if (socket.destroyed) return;
  if (!socket.writableEnded) socket.end();
  if (socket.closed) return;
  await new Promise<void>((resolve) => {
    const check = currentCheck();
    const timer = setTimeout(resolve, Math.min(scaled(timeoutMs, check.pace), check.remainingMs()));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // A peer that never ends: keep reading so nothing stalls, then give up at the limit.
    socket.resume();
  });
}
