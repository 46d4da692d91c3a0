/**
 * The trace model: one stream of lines, consumed by the pretty printer, the
 * `--json` NDJSON writer, the interactive lab and the tests. Every value is JSON-safe so a
 * line can cross a process boundary (IPC, vitest workers) unchanged.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Something a Node object emitted, or a diagnostics_channel message, in one process. */
export interface TraceEvent {
  type: 'event';
  /** Position in the run's trace, starting at 1: lines are numbered in time order, so `seq` follows `t`. */
  seq: number;
  /** Milliseconds since the run started, on one clock shared by every process of the run. */
  t: number;
  /** Who did it: `server`, `client#2`, `dns-server`, `learner`, … */
  actor: string;
  /** The object that emitted it: `net.Socket#3`, or the channel's publisher kind. */
  object: string;
  /** The event name exactly as Node spells it (`data`, `end`) or the channel name. */
  name: string;
  /** `emit` for EventEmitter events, `channel` for diagnostics_channel messages. */
  source: 'emit' | 'channel';
  /** JSON-safe facts: addresses, byte counts, an escaped preview, `{ code, message }` of errors. */
  detail: JsonObject;
}

/** A sentence of narration from a demo, placed in the stream where it happened. */
export interface TraceNote {
  type: 'note';
  seq: number;
  t: number;
  actor: string;
  text: string;
}

/** What a spawned process wrote to stdout or stderr (learner `console.log`s, crashes). */
export interface TraceOutput {
  type: 'output';
  seq: number;
  t: number;
  actor: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

export type TraceLine = TraceEvent | TraceNote | TraceOutput;

/** A trace line before the collector numbered it (as sent by a child process). */
export type UnsequencedLine =
  | Omit<TraceEvent, 'seq'>
  | Omit<TraceNote, 'seq'>
  | Omit<TraceOutput, 'seq'>;

/** The last NDJSON line of `netlab run --json`. */
export interface ResultLine {
  type: 'result';
  ok: boolean;
  lab: string;
  scenario: string;
  /** Lab-specific summary: timings, tables, answers. */
  summary: JsonObject;
  error?: { code: string; message: string };
}
