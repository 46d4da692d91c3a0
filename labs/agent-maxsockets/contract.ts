/**
 * What agent-maxsockets' processes say to each other, checked at compile time: the
 * orchestrator (lab.ts) and the demo programs share the programs' contracts, the grade host and
 * the grader share the host's. Types and phantom values only: importing this starts nothing.
 */
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { BatchResult, ClientParams } from './timing.js';

/** What the demo server counted since the last `stats` (which resets the counts). */
export interface ServerStats {
  /** Connections accepted since the last `stats`. */
  connections: number;
  /** Most connections open at the same moment since the last `stats`. */
  peak: number;
  /** Connections open now. */
  open: number;
}

/** The demo server: answers every `/r/<n>` after `delay` ms and counts connections. */
export const delayServer = defineProgram<{
  params: {
    /** How long every `/r/<n>` request waits before its answer, in ms. */
    delay: number;
    /** Trace the server's own events (`--serve`: show whatever connects). */
    trace?: boolean;
  };
  ready: { port: number };
  commands: { stats: { result: ServerStats } };
}>('demo/server');

/**
 * What both batch programs answer: `run` sends the batch and reports its timings, `done` lets
 * the program close its pool and end.
 */
export type BatchCommands = {
  run: { result: BatchResult };
  done: object;
};

/** The pool client: one connection pool, N requests at once (warmed up before `ready`). */
export const poolClient = defineProgram<{
  params: ClientParams;
  ready: { origin: string };
  commands: BatchCommands;
}>('demo/client');

/** The exercise's fetchAll(urls, k) run against the demo server, timed like the pool client. */
export const fetchAllClient = defineProgram<{
  params: {
    port: number;
    n: number;
    /** maxSockets; null means Infinity. */
    k: number | null;
    /** Module exporting fetchAll. */
    implementation: string;
  };
  ready: object;
  commands: BatchCommands;
}>('demo/fetch-all');

/** The `fetchAll` operation's argument. */
export interface FetchAllArg {
  urls: string[];
  /** maxSockets; null stands for Infinity (JSON has no Infinity). */
  maxSockets: number | null;
}

/** How the learner's fetchAll settled. */
export type FetchAllOutcome =
  | { settled: 'resolved'; ms: number; bodies: string[] }
  | { settled: 'resolved'; ms: number; bodies: null; got: string }
  | { settled: 'rejected'; ms: number; error: { name: string; message: string } };

/** The grade host's operations (`startSubmission('agent-maxsockets', { host: agentHost })`). */
export const agentHost = defineHost<{
  fetchAll: { arg: FetchAllArg; result: FetchAllOutcome };
}>();
