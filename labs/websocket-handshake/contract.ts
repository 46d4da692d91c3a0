/**
 * What websocket-handshake's processes say to each other, checked at compile time: the
 * orchestrator (lab.ts) and the demo programs share the programs' contracts, the grade host and
 * the grader share the host's. Types and phantom values only: importing this starts nothing.
 */
import type { Msg } from '../../src/i18n/index.js';
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { OpcodeName } from './frames.js';

/** The demo server: an http.Server made a WebSocket server by `acceptWebSocket`. */
export const wsServer = defineProgram<{
  params: {
    /** Module exporting acceptWebSocket. */
    implementation: string;
    /** Do not call acceptWebSocket: an http.Server with no `upgrade` listener at all. */
    noUpgradeListener?: boolean;
  };
  ready: { port: number };
  commands: { close: object };
}>('demo/server');

/** One thing undici's WebSocket does, in order. */
export type ClientStep =
  /** Narrate (a plain string, or both languages). */
  | { say: string | Msg }
  /** ws.send(text) */
  | { text: string }
  /** ws.send() of `binary` bytes: 0, 1, 2, … 255, 0, 1, … */
  | { binary: number }
  /** Wait until this many messages have arrived in total. */
  | { expect: number }
  /** undici's ping(ws, payload): a ping frame, answered by a pong. */
  | { ping: string }
  /** Wait for the pong of the last ping. */
  | { waitPong: true }
  /** ws.close(code, reason) and wait for the `close` event. */
  | { close: { code?: number; reason?: string } }
  /** Wait for the `close` event (the server closes, or the handshake fails). */
  | { waitClose: true };

/** undici's WebSocket: ready once the handshake has ended, saying whether it opened. */
export const wsClient = defineProgram<{
  params: { port: number; path?: string; steps: ClientStep[] };
  ready: { opened: boolean };
}>('demo/ws-client');

/** One frame the raw client writes. */
export interface FrameSpec {
  op: OpcodeName;
  text?: string;
  /** A payload of this many bytes (a repeating pattern) instead of `text` (or of a close code). */
  bytes?: number;
  /** FIN bit (default true). */
  fin?: boolean;
  /** Send it without a mask, as a client must never do. */
  unmasked?: boolean;
  /** Close frames: status code and reason. */
  code?: number;
  reason?: string;
}

/** One thing the raw client does after the handshake, in order. */
export type RawStep =
  /** Narrate (a plain string, or both languages). */
  | { say: string | Msg }
  /** Write these frames with one write() call. */
  | { send: FrameSpec[] }
  /** Wait until this many frames have arrived in total (or the server ended the connection). */
  | { expect: number }
  /** Wait for the server to end the connection. */
  | { waitEnd: true };

export interface RawParams {
  port: number;
  path?: string;
  method?: string;
  /** Sec-WebSocket-Key (default: a random one). */
  key?: string;
  /** Sec-WebSocket-Version (default 13). */
  version?: string;
  /** The Connection header (default "Upgrade"); browsers send e.g. "keep-alive, Upgrade". */
  connection?: string;
  /** An Origin header, as a browser sends it (none by default, like undici). */
  origin?: string;
  /** Use a bare net socket and send these frames in the same write as the request head. */
  eager?: FrameSpec[];
  steps?: RawStep[];
}

/**
 * The raw client (http.request + hand-made frames): ready once the server has answered the
 * handshake, saying whether it upgraded and whether Sec-WebSocket-Accept was right (null: not
 * looked at, no upgrade).
 */
export const wsRawClient = defineProgram<{
  params: RawParams;
  ready: { upgraded: boolean; acceptOk: boolean | null };
}>('demo/raw-client');

/** The grade host's operations (`startSubmission('websocket-handshake', { host: wsHost })`). */
export const wsHost = defineHost<{
  /** A fresh http.Server made a WebSocket server by the learner's acceptWebSocket, listening. */
  listen: { result: { port: number } };
}>();
