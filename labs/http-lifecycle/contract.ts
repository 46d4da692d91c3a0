/**
 * What http-lifecycle's processes say to each other, checked at compile time: the orchestrator
 * (lab.ts) and the demo programs share the programs' contracts, the grade host and the grader
 * share the host's. Types and phantom values only: importing this starts nothing.
 */
import { defineHost, defineProgram } from '../../src/runtime/contract.js';

/** One request the demo server saw: which connection carried it, its answer's status. */
export interface Logged {
  connection: string;
  request: string;
  /** null: the response never finished (the client went away). */
  status: number | null;
}

/** How the shutdown scenario closes the server. */
export type ShutdownHow = 'close' | 'closeAll' | 'exercise';

/** What the demo server reports once it has emitted 'close'; times in ms after the shutdown began. */
export interface Closed {
  closeEventMs: number | null;
  /** When each connection open at the start of the shutdown closed, by trace id. */
  closedMs: Record<string, number | null>;
  requests: Logged[];
}

/** The demo server: the exercise's createUploadServer(limit), traced, steered by commands. */
export const uploadServer = defineProgram<{
  params: {
    /** Module exporting createUploadServer and shutdown. */
    implementation: string;
    limit: number;
    /** Stay alive between servers until the `exit` command (the shutdown rounds). */
    rounds?: boolean;
  };
  ready: { port: number };
  commands: {
    /** Resolves once this many requests are in progress. */
    busy: { arg: number; result: number };
    requests: { result: Logged[] };
    /** Starts the shutdown; `closed` answers once the server has emitted 'close'. */
    shutdown: { arg: ShutdownHow };
    closed: { result: Closed };
    /** A fresh server from createUploadServer, for the next round. */
    next: { result: { port: number } };
    exit: object;
  };
}>('demo/server');

/** One request of the undici client. */
export interface Send {
  method: 'GET' | 'POST';
  path: string;
  /** Upload this many bytes (binary). */
  bytes?: number;
  /** Send the body without a length: Transfer-Encoding: chunked, in chunks of this size. */
  chunked?: number;
}

/** An undici Client (one connection) that sends its requests in order, then closes. */
export const undiciClient = defineProgram<{ params: { port: number; requests: Send[] } }>('demo/undici-client');

/** One POST /upload of Node's own client. */
export type NodeStep = { expectContinue: number } | { abortAfter: number; of: number } | { upload: number };

/** http.request for 100-continue and an aborted upload; ready once the partial body is written. */
export const nodeClient = defineProgram<{
  params: { port: number; steps: NodeStep[] };
  ready: { partial: number };
  commands: { abort: object };
}>('demo/node-client');

/** What the in-flight upload of a shutdown round got. */
export interface BusyAnswer {
  status?: number;
  sha256Matches?: boolean;
  /** The error code when the connection was destroyed under it. */
  failed?: string;
}

/** The two clients of the shutdown rounds: one idle connection, one upload in flight. */
export const shutdownClients = defineProgram<{
  ready: null;
  commands: {
    /** Open both connections to the server on this port; resolves once the upload is half sent. */
    round: { arg: number };
    /** Send the rest of the upload; resolves with its answer. */
    rest: { result: BusyAnswer };
    end: object;
    exit: object;
  };
}>('demo/shutdown-clients');

/** A call that would write to a response whose client had already gone away. */
export interface LateWrite {
  request: string;
  call: string;
}

/** The grading host's operations. */
export const uploadHost = defineHost<{
  listen: { arg: { limit: number }; result: { port: number } };
  lateWrites: { result: LateWrite[] };
  /** Starts the learner's shutdown(server); how it settles comes as a 'shutdown settled' trace event. */
  shutdown: object;
}>();
