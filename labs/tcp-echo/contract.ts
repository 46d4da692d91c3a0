/**
 * What tcp-echo's processes say to each other, checked at compile time: the orchestrator
 * (lab.ts) and the demo programs share the programs' contracts, the grade host and the grader
 * share the host's. Types and phantom values only: importing this starts nothing.
 */
import type { Msg } from '../../src/i18n/index.js';
import { defineHost, defineProgram } from '../../src/runtime/contract.js';

export interface ServerParams {
  /** Module exporting createEchoServer (ignored when `halfOpen` is set). */
  implementation: string;
  /** Instead of the echo server, a server that answers "goodbye" a moment after the client's end. */
  halfOpen?: boolean;
  /** net.Server#maxConnections */
  maxConnections?: number;
  /** Narrate the accepted socket's writableHighWaterMark (it depends on the Node version). */
  showHighWaterMark?: boolean;
  /** Listen on this port instead of 0 (to provoke EADDRINUSE). */
  port?: number;
}

/** The demo server: listening on `port`, or why listen() failed. */
export const echoServer = defineProgram<{
  params: ServerParams;
  ready: { port: number; error?: undefined } | { port?: undefined; error: { code: string; message: string } };
  commands: { close: object; connections: { result: number } };
}>('demo/server');

/** One thing the scripted client does. */
export type Step =
  | { write: string }
  | { writeBytes: number }
  | { expectEcho: number }
  | { say: Msg }
  | { end: true }
  | { reset: true }
  | { waitFor: 'finish' }
  | { waitEvent: 'end' | 'close' };

/** The scripted client: connects, says its local port, performs its steps. */
export const echoClient = defineProgram<{
  params: { port: number; steps: Step[] };
  ready: { local: number | null };
  commands: { finish: object };
}>('demo/client');

/** What the `inspect` operation reports about the value `createEchoServer()` returned. */
export interface Inspection {
  /** `net.Server`, `promise`, `undefined`, or the value's type / class. */
  kind: string;
  listening: boolean;
  address: string | null;
}

/** One accepted connection, as the `sockets` operation reports it. */
export interface SocketStats {
  /** The socket's id in the trace (`net.Socket#1`). */
  id: string;
  /** The client's address, `127.0.0.1:PORT`: the grader finds its own connection by it. */
  remote: string | null;
  bytesRead: number;
  bytesWritten: number;
  /** Bytes the server asked to write that are still queued in the socket (not yet in the kernel). */
  writableLength: number;
  writableHighWaterMark: number;
  /** Bytes read from the kernel that the server has not consumed yet. */
  readableLength: number;
  readableHighWaterMark: number;
  /** `true` flowing, `false` paused, `null` nobody reads. */
  readableFlowing: boolean | null;
  destroyed: boolean;
}

/** The grade host's operations (`startSubmission('tcp-echo', { host: echoHost })`). */
export const echoHost = defineHost<{
  inspect: { result: Inspection };
  listen: { result: { port: number } };
  sockets: { result: SocketStats[] };
}>();
