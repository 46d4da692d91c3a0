/**
 * What ipc-handles' processes say to each other, checked at compile time: the orchestrator
 * (lab.ts) and the demo programs share the programs' contracts, the grade host and the grader
 * share the host's. Types and phantom values only: importing this starts nothing.
 */
import { defineHost, defineProgram } from '../../src/runtime/contract.js';
import type { ChildRecord } from './children.js';

export type { ChildRecord, Handoff } from './children.js';

/** What the primary's side answers about its children (a type alias: a command map needs an implicit index signature). */
type ChildOps = {
  /** Every child the primary started, with its lifecycle and the connections it was handed. */
  children: { result: ChildRecord[] };
  /** Kill one worker as a crash would (SIGKILL); false when no such child is running. */
  kill: { arg: { pid: number }; result: boolean };
};

/** The demo's primary: the exercise's startPrimary() with netlab's worker, listening on `port`. */
export const primaryDemo = defineProgram<{
  params: {
    /** Module exporting startPrimary. */
    implementation: string;
    workers: number;
  };
  ready: { port: number; pids: number[] };
  commands: ChildOps & {
    /** The primary's close(); answers once it has resolved. */
    close: object;
  };
}>('demo/primary');

/** A client that connects `count` times, one line and one answer each. */
export const clientDemo = defineProgram<{
  params: {
    port: number;
    count: number;
    /** Connect, say ready, then wait for the parent's `send` command before writing the line. */
    holdFirst?: boolean;
  };
  ready: { localPort: number };
  commands: { send: object };
}>('demo/client');

/** Messages both ways over the IPC channel that fork() sets up, with this serialization. */
export const messagesDemo = defineProgram<{ params: { serialization: 'json' | 'advanced' } }>('demo/messages-parent');

/** The other way to share a port: the listening server is sent to every worker. */
export const sharedPrimaryDemo = defineProgram<{
  params: { workers: number };
  ready: { port: number };
  commands: { close: object };
}>('demo/shared-primary');

/** What `start` answers once startPrimary() has resolved. */
export interface Started {
  port: number;
  /** ms startPrimary took to resolve */
  tookMs: number;
}

/** What `close` answers once close() has resolved. */
export interface Closed {
  tookMs: number;
  /** pids of the workers still running */
  live: number[];
  /** the ports the learner's process still listens on */
  listening: string[];
}

/** The grade host's operations (`startSubmission('ipc-handles', { host: primaryHost })`). */
export const primaryHost = defineHost<
  ChildOps & {
    /** startPrimary(workerPath, workers) with netlab's worker and its knobs. */
    start: { arg: { workers: number; readyDelayMs?: number; failFirst?: string }; result: Started };
    /** The pause before a new worker says ready, for workers forked from now on. */
    readyDelay: { arg: { ms: number } };
    close: { result: Closed };
  }
>();
