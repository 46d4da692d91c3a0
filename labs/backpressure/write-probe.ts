/**
 * Watches every write a process makes to its TCP sockets, from inside that process: after each
 * `write()` (and `end(chunk)`) it notes the bytes, what `write()` returned and the socket's
 * `writableLength`, and whether the write came while an earlier `false` still waited for its
 * `'drain'`, or after the socket was destroyed (or had failed). The grading host judges a learner's firehose
 * with it; the demo's writers put each write on the trace with it.
 *
 * It wraps `net.Socket.prototype.write` and `end`, calls the originals with the same arguments
 * (a callback wrapped only to note an error it is handed, then called as it would be) and
 * returns their results: the watched program behaves exactly as it would unwatched.
 */
import * as net from 'node:net';

/** What one socket's writer did, so far. */
export interface WriteStats {
  /** `write()` calls, plus `end(chunk)` with a chunk. */
  writes: number;
  /** Bytes handed to those calls. */
  bytes: number;
  falseReturns: number;
  drains: number;
  /** The largest `writableLength` right after a write. */
  peakWritableLength: number;
  writableHighWaterMark: number;
  /** Writes made while an earlier `write()` had returned false and its `'drain'` had not come yet. */
  writesBeforeDrain: number;
  /** `writableLength` and chunk size at the first such write. */
  firstBeforeDrain: { writableLength: number; bytes: number } | null;
  /**
   * Writes (or `end(chunk)`) on a socket already destroyed, or whose failure the writer was
   * already told of: Node hands a failed write's error to its callback first and destroys the
   * socket just after, so a writer that answers the error with its next write is writing to a
   * dead socket either way (which of the two it sees depends on whether the reset reached the
   * read or the write side first). A write in the same tick as a failure the writer cannot have
   * seen yet (a loop of writes, one of which failed at once) is not counted: `destroyed` was
   * still false, and no callback or event had said so.
   */
  writesAfterDestroy: number;
  /** `end()` was called. */
  ended: boolean;
  destroyed: boolean;
}

/** One write, as a listener of {@link watchWrites} sees it. */
export interface WriteInfo {
  call: 'write' | 'end';
  bytes: number;
  /** What `write()` returned (`end()` returns the socket: null). */
  returned: boolean | null;
  /** `writableLength` right after the call. */
  writableLength: number;
  beforeDrain: boolean;
  afterDestroy: boolean;
}

/** Sockets whose writer was handed a write error (in a write's or end's callback). */
const told = new WeakSet<net.Socket>();

/** Destroyed, or failed with the writer told so (see {@link WriteStats.writesAfterDestroy}). */
const dead = (socket: net.Socket): boolean => socket.destroyed || told.has(socket);

/** `args` with its callback (the last argument, when a function) noting an error it is handed. */
function noticingErrors(socket: net.Socket, args: unknown[]): unknown[] {
  const last = args.length - 1;
  const callback = args[last];
  if (typeof callback !== 'function') return args;
  const copy = [...args];
  copy[last] = function (this: unknown, err?: unknown, ...rest: unknown[]) {
    if (err) told.add(socket);
    return (callback as (...a: unknown[]) => unknown).call(this, err, ...rest);
  };
  return copy;
}

function chunkBytes(chunk: unknown, encoding: unknown): number {
  if (typeof chunk === 'string') return Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  if (chunk instanceof Uint8Array) return chunk.byteLength;
  return 0;
}

const watched = new Map<net.Socket, WriteStats>();
const drainWatched = new WeakSet<net.Socket>();
let installed = false;
const listeners: Array<(socket: net.Socket, info: WriteInfo, stats: WriteStats) => void> = [];

/** The stats of a socket nobody has written to yet. */
export function emptyStats(socket: net.Socket): WriteStats {
  return {
    writes: 0,
    bytes: 0,
    falseReturns: 0,
    drains: 0,
    peakWritableLength: 0,
    writableHighWaterMark: socket.writableHighWaterMark,
    writesBeforeDrain: 0,
    firstBeforeDrain: null,
    writesAfterDestroy: 0,
    ended: false,
    destroyed: socket.destroyed,
  };
}

function statsOf(socket: net.Socket): WriteStats {
  let stats = watched.get(socket);
  if (!stats) {
    stats = emptyStats(socket);
    const s = stats;
    watched.set(socket, s);
    socket.once('close', () => (s.destroyed = true));
  }
  return stats;
}

function record(socket: net.Socket, call: 'write' | 'end', bytes: number, beforeDrain: boolean, afterDestroy: boolean, returned: boolean | null): void {
  try {
    const stats = statsOf(socket);
    stats.writes++;
    stats.bytes += bytes;
    if (beforeDrain) {
      stats.writesBeforeDrain++;
      stats.firstBeforeDrain ??= { writableLength: socket.writableLength, bytes };
    }
    if (afterDestroy) stats.writesAfterDestroy++;
    if (returned === false) {
      stats.falseReturns++;
      // One listener at a time, however many falses come before the drain (no leak warning).
      if (!drainWatched.has(socket)) {
        drainWatched.add(socket);
        socket.once('drain', () => {
          drainWatched.delete(socket);
          stats.drains++;
        });
      }
    }
    stats.peakWritableLength = Math.max(stats.peakWritableLength, socket.writableLength);
    const info: WriteInfo = { call, bytes, returned, writableLength: socket.writableLength, beforeDrain, afterDestroy };
    for (const fn of listeners) fn(socket, info, stats);
  } catch {
    /* watching must never break the watched program */
  }
}

/**
 * Start watching every socket's writes in this process (idempotent); `onWrite`, if given, hears
 * each one. Returns the stats of the sockets written to so far, by socket.
 */
export function watchWrites(onWrite?: (socket: net.Socket, info: WriteInfo, stats: WriteStats) => void): ReadonlyMap<net.Socket, WriteStats> {
  if (onWrite) listeners.push(onWrite);
  if (installed) return watched;
  installed = true;
  const proto = net.Socket.prototype as unknown as {
    write: (this: net.Socket, ...args: unknown[]) => boolean;
    end: (this: net.Socket, ...args: unknown[]) => net.Socket;
  };
  const originalWrite = proto.write;
  const originalEnd = proto.end;
  proto.write = function watchedWrite(this: net.Socket, ...args: unknown[]): boolean {
    const beforeDrain = this.writableNeedDrain;
    const afterDestroy = dead(this);
    const returned = originalWrite.apply(this, noticingErrors(this, args));
    record(this, 'write', chunkBytes(args[0], args[1]), beforeDrain, afterDestroy, returned);
    return returned;
  };
  proto.end = function watchedEnd(this: net.Socket, ...args: unknown[]): net.Socket {
    const hasChunk = args[0] !== undefined && args[0] !== null && typeof args[0] !== 'function';
    const beforeDrain = hasChunk && this.writableNeedDrain;
    const afterDestroy = hasChunk && dead(this);
    const result = originalEnd.apply(this, noticingErrors(this, args));
    try {
      statsOf(this).ended = true;
    } catch {
      /* as above */
    }
    if (hasChunk) record(this, 'end', chunkBytes(args[0], args[1]), beforeDrain, afterDestroy, null);
    return result;
  };
  return watched;
}

/** Trace-event name of a write: what it returned is in the name, so a run of one kind folds together. */
export function writeEventName(info: WriteInfo): string {
  if (info.call === 'end') return 'end(chunk)';
  return info.returned ? 'write→true' : 'write→false';
}

/** The trace detail of a write: its bytes (shown first by the trace printers) and the socket's buffer after it. */
export function writeEventDetail(info: WriteInfo): { bytes: number; writableLength: number; beforeDrain?: true; afterDestroy?: true } {
  return {
    bytes: info.bytes,
    writableLength: info.writableLength,
    ...(info.beforeDrain ? { beforeDrain: true as const } : {}),
    ...(info.afterDestroy ? { afterDestroy: true as const } : {}),
  };
}
