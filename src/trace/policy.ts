/**
 * What a trace shows, and what it says about each event. netlab's defaults suit most labs; a
 * lab that teaches something the defaults hide (pause/resume in a backpressure lab) or that
 * emits low-level detail most readers skip (raw DNS packets) declares its own policy in
 * `lab.ts` (`trace: …`), and its programs apply the same object with `useTracePolicy()`.
 */
import type { EventEmitter } from 'node:events';
import type { JsonObject, TraceLine } from './event.js';

/**
 * Extra facts for one event of a lab's objects, computed in the process that emits it, at the
 * moment it emits: `drain: (s) => ({ writableLength: (s as net.Socket).writableLength })`.
 * What it returns is merged over netlab's own description; returning nothing keeps that as is.
 */
export type EventDescriber = (emitter: EventEmitter, args: readonly unknown[]) => JsonObject | undefined | void;

/** Which lines a rule is about: an event or channel name, optionally only from one actor or kind of object. */
export interface TraceMatch {
  name: string;
  /** The actor exactly (`dns-server`). */
  actor?: string;
  /** An object id (`dgram.Socket#1`) or its kind (`dgram.Socket`). */
  object?: string;
}

export interface TracePolicy {
  /** Events netlab hides by default that this lab's trace shows (`pause`, `resume`). */
  show?: readonly string[];
  /** Lines hidden unless the reader asks for every event (`--all-events`): detail most readers skip. */
  quiet?: readonly (string | TraceMatch)[];
  /** Extra facts for events of the lab's objects, by event name (see {@link EventDescriber}). */
  describe?: Readonly<Record<string, EventDescriber>>;
}

/** A lab's trace policy, typed (a module both `lab.ts` and its programs import). */
export function defineTrace(policy: TracePolicy): TracePolicy {
  return policy;
}

/**
 * Stream-internal events that Node emits on every socket but that say little to a learner, by
 * default. A pretty trace hides them unless asked (`--all-events`); NDJSON always carries them.
 */
export const QUIET_EVENTS: ReadonlySet<string> = new Set([
  'resume',
  'pause',
  'pipe',
  'unpipe',
  'readable',
  'prefinish',
  'ready',
  'connectionAttempt',
  'connectionAttemptTimeout',
]);

function matches(rule: string | TraceMatch, line: TraceLine & { type: 'event' }): boolean {
  if (typeof rule === 'string') return rule === line.name;
  if (rule.name !== line.name) return false;
  if (rule.actor !== undefined && rule.actor !== line.actor) return false;
  if (rule.object !== undefined && rule.object !== line.object && !line.object.startsWith(`${rule.object}#`)) return false;
  return true;
}

/** Whether a pretty trace hides `line` unless every event is asked for. */
export function isQuiet(line: TraceLine, policy: TracePolicy = {}): boolean {
  if (line.type !== 'event') return false;
  if (policy.quiet?.some((rule) => matches(rule, line))) return true;
  if (policy.show?.includes(line.name)) return false;
  return line.source === 'emit' && QUIET_EVENTS.has(line.name);
}
