/**
 * What udp's processes say to each other, checked at compile time: the orchestrator (lab.ts)
 * and the demo programs share the programs' contracts, the grade host and the grader share the
 * host's. Types and phantom values only: importing this starts nothing.
 */
import type { Msg } from '../../src/i18n/index.js';
import { defineHost, defineProgram } from '../../src/runtime/contract.js';

/** The demo server: the exercise's createUdpServer(), bound to 127.0.0.1 and a free port. */
export const udpServer = defineProgram<{
  params: {
    /** Module exporting createUdpServer. */
    implementation: string;
  };
  ready: { port: number };
  commands: {
    /** The sizes of the datagrams received so far, in order. */
    received: { result: number[] };
    close: object;
  };
}>('demo/server');

/** One thing the scripted UDP client does. */
export type Step =
  /** Narrate. */
  | { say: Msg }
  /** One datagram per text, all in the same tick, to 127.0.0.1:port. */
  | { send: string | string[]; port: number }
  /** One datagram per size, all in the same tick, to 127.0.0.1:port. */
  | { sendSizes: number[]; port: number }
  /** Wait until this many replies have arrived in total. */
  | { expect: number }
  /** Wait this long and say what arrived meanwhile (nothing, for a lost datagram). */
  | { quiet: number }
  /** socket.connect(port): from now on the socket talks to that peer only. */
  | { connect: number }
  /** send() on a connected socket: no address. */
  | { sendConnected: string }
  /** Call the exercise's sendDatagram() (its own socket, traced through diagnostics_channel). */
  | { sendDatagram: string; port: number; timeoutMs: number }
  /** Tell the orchestrator we got here (without this step, the client is ready at once). */
  | { ready: true }
  /** Wait for the orchestrator's command `next`. */
  | { waitFor: 'next' }
  | { close: true };

/** The scripted UDP client: one socket, bound implicitly by its first send(). */
export const udpClient = defineProgram<{
  params: {
    steps: Step[];
    /** Module exporting sendDatagram (for `sendDatagram` steps). */
    implementation?: string;
  };
  ready: null;
  commands: { next: object };
}>('demo/client');

/** The TCP side of the boundaries scenario: a server that counts the chunks it reads. */
export const tcpSink = defineProgram<{
  ready: { port: number };
  commands: {
    /** The sizes of the chunks read, once the writer's stream has ended. */
    received: { result: number[] };
    close: object;
  };
}>('demo/tcp-sink');

/** Writes one chunk per size in the same tick, then ends its side. */
export const tcpWriter = defineProgram<{ params: { port: number; sizes: number[] } }>('demo/tcp-writer');

/** What the `server` operation reports. */
export type ServerInfo = {
  port: number;
  /** Where the socket is bound, `127.0.0.1:PORT` (or why it is not, with `port` 0). */
  address: string;
  /** createUdpServer() returned a socket that was already bound (or binding). */
  alreadyBound: boolean;
  /** 'udp4' or 'udp6'. */
  type: string;
};

/** One UDP socket the learner's code created during a `send` call. */
export type SocketState = { id: string; open: boolean; address: string | null };

/** How one sendDatagram() call ended, as the grader sees it. */
export type SendOutcome = {
  /** False when it had neither resolved nor rejected after `guardMs`. */
  settled: boolean;
  ok?: boolean;
  /** Milliseconds from the call to its settling. */
  ms?: number;
  /** What it resolved with. */
  reply?: { isBuffer: boolean; type: string; base64: string | null; text: string | null };
  /** What it rejected with. */
  error?: { code: string | null; message: string };
};

/** Arguments of `send`: one call of sendDatagram(message, port, host?, timeoutMs?). */
export type SendArgs = {
  /** The payload, base64. */
  base64: string;
  /** Pass it as a string (UTF-8) rather than a Uint8Array. */
  asString?: boolean;
  port: number;
  /** Omitted when null (the default, 127.0.0.1, applies). */
  host?: string | null;
  /** Omitted when null (the default, 1000 ms, applies). */
  timeoutMs?: number | null;
  /** Stop waiting for the call after this long. */
  guardMs: number;
};

/** The grade host's operations (`startSubmission('udp', { host: udpHost })`). */
export const udpHost = defineHost<{
  /** createUdpServer(), bound by the host to 127.0.0.1:0 (unless it already bound itself). */
  server: { result: ServerInfo };
  /** One sendDatagram() call, and the learner's UDP sockets it created. */
  send: { arg: SendArgs; result: SendOutcome & { sockets: SocketState[] } };
  /** Several sendDatagram() calls at once. */
  sendMany: { arg: SendArgs[]; result: { outcomes: SendOutcome[]; sockets: SocketState[] } };
}>();
