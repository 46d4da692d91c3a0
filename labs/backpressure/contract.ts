/**
 * What backpressure's processes say to each other, checked at compile time: the orchestrator
 * (lab.ts) and the demo programs share the writer's and the reader's contracts, the grade host
 * and the grader share the host's. Types and phantom values only: importing this starts nothing.
 */
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { WriteStats } from './write-probe.js';

/** How the demo's writer writes: the exercise's createFirehose(), ignoring false, or pipeline(). */
export type WriterMode = 'exercise' | 'impolite' | 'pipeline';

export interface WriterParams {
  mode: WriterMode;
  /** Module exporting createFirehose (mode `exercise`). */
  implementation: string;
  /** Bytes per client. */
  total: number;
  /** Chunk size of the demo's own writers (`impolite`, `pipeline`). */
  chunk: number;
}

/** One socket's story, for the summary: its buffer over time and what its writer did. */
export interface SocketSeries {
  id: string;
  /** [ms since the connection, writableLength] */
  samples: Array<[number, number]>;
  /** [ms since the connection, RSS growth, ArrayBuffer memory growth], in bytes since the first connection, after a collection */
  memory: Array<[number, number, number]>;
  stats: WriteStats;
  /** ms from the connection to the socket's close (or to now). */
  durationMs: number;
  /** Bytes the writer produced for this socket (pipeline: what the source generated). */
  produced: number;
}

/** The demo's writer: a firehose server listening on `port`. */
export const writer = defineProgram<{
  params: WriterParams;
  ready: { port: number };
  commands: {
    series: { result: SocketSeries[] };
    /** Resolves once the connection with this index (0-based) has closed. */
    closed: { arg: number };
  };
}>('demo/server');

export interface ReaderParams {
  /** Stay paused this long after connecting (ms); null: until the parent sends `wake`. */
  sleepMs: number | null;
  /** Bytes per second once awake; 0 reads as fast as the data comes. */
  pace: number;
  /** Leave (destroy the socket) after this many bytes. */
  leaveAfter?: number;
}

/** What a reader got. */
export interface ReaderResult {
  bytes: number;
  /** Stream offset of the first byte that broke the pattern, or -1. */
  mismatch: number;
  ended: boolean;
  left: boolean;
  error: string | null;
  /** ms from connect to the end of the stream. */
  ms: number;
}

/** The demo's reader: started ahead of time, it connects on `go`, answers `result` once its connection has closed, and ends on `exit`. */
export const reader = defineProgram<{
  params: ReaderParams;
  ready: null;
  commands: { go: { arg: { port: number } }; result: { result: ReaderResult }; wake: object; exit: object };
}>('demo/reader');

/** One socket of the learner's servers, as the host's `sockets` operation reports it. */
export interface SocketReport extends WriteStats {
  /** The socket's id in the trace (`net.Socket#1`). */
  id: string;
  /** The client's address, `127.0.0.1:PORT`: the grader finds its own connection by it. */
  remote: string | null;
  writableLength: number;
}

/** The learner process's payload memory: bytes in ArrayBuffers beyond what the sockets' buffers hold. */
export interface MemoryReport {
  /** Largest value since the last reset, above the level before the first server was created. */
  peakOutsideBuffers: number;
  /** Largest total of the sockets' writableLength at the same moments. */
  peakInBuffers: number;
}

/** The grade host's operations (`startSubmission('backpressure', { host: firehoseHost })`). */
export const firehoseHost = defineHost<{
  listen: { arg: { totalBytes: number }; result: { port: number } };
  sockets: { result: SocketReport[] };
  memory: { arg: { reset?: boolean } | null; result: MemoryReport };
}>();
