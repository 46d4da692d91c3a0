/**
 * agent-maxsockets' host: runs in the learner's process during grading. It calls their
 * `fetchAll(urls, maxSockets)` and reports how it settled (the bodies, or the error's message)
 * and how long it took, measured here so that IPC is not counted. What Node publishes about
 * their requests and sockets (`http.client.request.start`, `net.client.socket`, undici's
 * channels) goes into the check's trace.
 */
import { performance } from 'node:perf_hooks';
import { hostFail, hostSubmission } from '../../../src/grade/host.js';
import { traceChannels } from '../../../src/runtime/child.js';
import type { Json } from '../../../src/trace/event.js';

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

traceChannels('net', 'http', 'undici');

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.map((v) => typeof v).join(', ') || 'nothing'}`;
  return typeof value === 'object' ? ((value as object).constructor?.name ?? 'an object') : `a ${typeof value}`;
}

hostSubmission({
  async fetchAll(mod, arg) {
    const { urls, maxSockets } = arg as unknown as FetchAllArg;
    const fetchAll = mod.fetchAll as (urls: string[], maxSockets: number) => unknown;
    const t0 = performance.now();
    const ms = () => Math.round((performance.now() - t0) * 10) / 10;
    let promise: unknown;
    try {
      promise = fetchAll([...urls], maxSockets ?? Infinity);
    } catch (err) {
      const e = err as Error;
      return { settled: 'rejected', ms: ms(), error: { name: e?.name ?? 'Error', message: `fetchAll threw synchronously: ${e?.message ?? String(err)}` } };
    }
    if (!promise || typeof (promise as { then?: unknown }).then !== 'function') {
      hostFail(`fetchAll() returned ${describe(promise)}, not a Promise: make it an async function, or return a Promise of the bodies`);
    }
    let outcome: FetchAllOutcome;
    try {
      const value = await (promise as Promise<unknown>);
      const time = ms();
      outcome =
        Array.isArray(value) && value.every((v) => typeof v === 'string')
          ? { settled: 'resolved', ms: time, bodies: value as string[] }
          : { settled: 'resolved', ms: time, bodies: null, got: describe(value) };
    } catch (err) {
      const e = err as Error;
      outcome = { settled: 'rejected', ms: ms(), error: { name: e?.name ?? typeof err, message: e instanceof Error ? e.message : String(err) } };
    }
    return outcome as unknown as Json;
  },
});
