/**
 * Tracing for a process whose IPC channel belongs to its parent, not to netlab: a child that a
 * demo program forked. Its trace lines go to its standard output (inherited from the demo
 * program, whose output netlab reads), each prefixed so netlab tells them from plain output.
 */
import type { EventEmitter } from 'node:events';
import { RELAY_PREFIX } from '../../src/runtime/spawn.js';
import { Probe } from '../../src/trace/probe.js';
import { createClock } from '../../src/trace/clock.js';
import type { JsonObject } from '../../src/trace/event.js';
import { tracePolicy } from './trace.js';

const now = createClock();

export function relayProbe(actor: string): { trace<T extends EventEmitter>(emitter: T): T; mark(name: string, detail: JsonObject): void } {
  const probe = new Probe((ev) => process.stdout.write(`${RELAY_PREFIX}${JSON.stringify({ type: 'event', t: now(), actor, ...ev })}\n`), { describe: tracePolicy.describe });
  return {
    trace: (emitter) => probe.trace(emitter),
    mark: (name, detail) => probe.channel(actor, name, detail),
  };
}
