/**
 * What the ipc-handles trace shows: a ChildProcess's `message` with the payload and the handle
 * that came with it, `exit` with its code and signal. Node's own handle acknowledgements
 * (`internalMessage`, `NODE_HANDLE_ACK`) are plumbing, shown only with --all-events.
 */
import { ChildProcess } from 'node:child_process';
import { defineTrace } from '../../src/trace/policy.js';
import { toJson } from '../../src/trace/detail.js';

/** A message as it arrived: a Map or a Buffer named as such (JSON would show `{}`). */
function shape(value: unknown): ReturnType<typeof toJson> {
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Uint8Array) return `${value.constructor.name}(${value.length})`;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return toJson(value);
}

export const tracePolicy = defineTrace({
  quiet: ['internalMessage'],
  describe: {
    message: (emitter, args) => {
      if (!(emitter instanceof ChildProcess) && emitter !== process) return undefined;
      const [message, handle] = args;
      const detail: Record<string, ReturnType<typeof toJson>> = { message: shape(message) };
      if (handle && typeof handle === 'object') detail.handle = (handle as object).constructor?.name ?? 'handle';
      return detail;
    },
    exit: (emitter, args) => (emitter instanceof ChildProcess ? { pid: emitter.pid ?? null, code: toJson(args[0]), signal: toJson(args[1]) } : undefined),
    spawn: (emitter) => (emitter instanceof ChildProcess ? { pid: emitter.pid ?? null } : undefined),
    disconnect: (emitter) => (emitter instanceof ChildProcess ? { pid: emitter.pid ?? null } : undefined),
  },
});
