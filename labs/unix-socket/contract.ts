/**
 * What unix-socket's processes say to each other, checked at compile time: the orchestrator
 * (lab.ts) and the demo programs share the programs' contracts, the grade host and the grader
 * share the host's. Types and phantom values only: importing this starts nothing.
 */
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { Msg } from '../../src/i18n/index.js';

/** An error as the grade host reports it. */
export interface WireError {
  code: string | null;
  message: string;
}

/** An error as a demo program reports it (src/trace/detail.ts errorDetail: the code when it has one). */
export interface DemoError {
  code?: string;
  message: string;
}

export interface ServerParams {
  /** Module exporting listenUnix. */
  implementation: string;
  /** The socket path. */
  path: string;
  /** A plain listen(path), no stale-file handling. */
  naive?: boolean;
  /** Close the server on SIGINT/SIGTERM, so that the socket file goes away with the process. */
  closeOnSignal?: boolean;
}

/** The demo's echo server: listening on `path`, or why it could not. */
export const serverDemo = defineProgram<{
  params: ServerParams;
  ready: { path: string; error?: undefined } | { path?: undefined; error: DemoError };
  commands: {
    /** server.close(); answers once its callback ran, and whether the socket file is still there. */
    close: { result: { fileLeft: boolean } };
  };
}>('demo/server');

/** One thing the scripted client does. */
export type Step = { write: string } | { expectEcho: number } | { say: Msg } | { end: true } | { waitEvent: 'close' };

/** The scripted client over `path`: its steps, or (with `probe`) only whether a server answers there. */
export const clientDemo = defineProgram<{
  params: { path: string; steps?: Step[]; probe?: boolean };
  /** A probe says what it found; a scripted client says null once connected. */
  ready: { alive: boolean; error: DemoError | null } | null;
}>('demo/client');

/** For the timing table: one echo server on `path` and on TCP 127.0.0.1. */
export const benchServerDemo = defineProgram<{
  params: { path: string };
  ready: { path: string; port: number };
  commands: { close: object };
}>('demo/bench-server');

/** Round trips of one message size over each transport (a type alias: it goes into the JSON summary as it is). */
export type Measurement = {
  /** Message size in bytes. */
  size: number;
  /** Round trips per transport. */
  count: number;
  /** Total milliseconds for `count` round trips over each transport. */
  unixMs: number;
  tcpMs: number;
};

/** For the timing table: measures round trips to the bench server over both transports. */
export const benchClientDemo = defineProgram<{
  params: { path: string; port: number };
  ready: null;
  commands: { measure: { arg: { roundTrips: number }; result: Measurement[] }; close: object };
}>('demo/bench-client');

/** An ordinary http.Server listening on `path`. */
export const httpServerDemo = defineProgram<{
  params: { path: string };
  ready: { path: string };
  commands: { close: object };
}>('demo/http-server');

/** http.get({ socketPath }) and fetch() through an undici Agent, to the http server on `path`. */
export const httpClientDemo = defineProgram<{ params: { path: string } }>('demo/http-client');

/** How one listenUnix(path) call ended. */
export interface ListenOutcome {
  /** False when it had neither resolved nor rejected after `guardMs`. */
  settled: boolean;
  ok?: boolean;
  /** What it resolved with: `net.Server`, `undefined`… */
  kind?: string;
  /** `server.listening` at the moment the promise resolved. */
  listeningAtResolve?: boolean;
  /** `server.address()` at that moment: a path, `127.0.0.1:PORT`, or null. */
  address?: string | null;
  error?: WireError;
}

/** How closing the resolved server went. */
export interface CloseOutcome {
  settled: boolean;
  error: WireError | null;
}

/** Which path, and how long to wait for the learner's code (ms). */
interface Guarded {
  path: string;
  guardMs: number;
}

/** The grade host's operations (`startSubmission('unix-socket', { host: unixHost })`). */
export const unixHost = defineHost<{
  /** listenUnix(path). */
  listen: { arg: Guarded; result: ListenOutcome };
  /** Wait until the server listenUnix(path) resolved with is listening; its address. */
  waitListening: { arg: Guarded; result: { listening: boolean; address: string | null } };
  /** close() the server listenUnix(path) resolved with. */
  close: { arg: Guarded; result: CloseOutcome };
}>();
