/**
 * agent-maxsockets' host: runs in the learner's process during grading. It calls their
 * `fetchAll(urls, maxSockets)` and reports how it settled (the bodies, or the error's message)
 * and how long it took, measured here so that IPC is not counted. What Node publishes about
 * their requests and sockets (`http.client.request.start`, `net.client.socket`, undici's
 * channels) goes into the check's trace.
 */
import { performance } from 'node:perf_hooks';
import { hostFail, hostSubmission } from '../../../src/grade/host.js';
import { msg } from '../../../src/i18n/index.js';
import { traceChannels } from '../../../src/runtime/child.js';
import { agentHost, type FetchAllOutcome } from '../contract.js';

traceChannels('net', 'http', 'undici');

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    const types = value.map((v) => typeof v).join(', ');
    return types ? msg({ en: `an array of ${types}`, 'zh-CN': `一个由 ${types} 组成的数组` }) : msg({ en: 'an array of nothing', 'zh-CN': '一个空数组' });
  }
  if (typeof value === 'object') return (value as object).constructor?.name ?? msg({ en: 'an object', 'zh-CN': '一个对象' });
  return msg({ en: `a ${typeof value}`, 'zh-CN': `一个 ${typeof value}` });
}

hostSubmission(agentHost, {
  async fetchAll(mod, { urls, maxSockets }): Promise<FetchAllOutcome> {
    const fetchAll = mod.fetchAll as (urls: string[], maxSockets: number) => unknown;
    const t0 = performance.now();
    const ms = () => Math.round((performance.now() - t0) * 10) / 10;
    let promise: unknown;
    try {
      promise = fetchAll([...urls], maxSockets ?? Infinity);
    } catch (err) {
      const e = err as Error;
      const why = e?.message ?? String(err);
      const message = msg({ en: `fetchAll threw synchronously: ${why}`, 'zh-CN': `fetchAll 同步地抛出了异常：${why}` });
      return { settled: 'rejected', ms: ms(), error: { name: e?.name ?? 'Error', message } };
    }
    if (!promise || typeof (promise as { then?: unknown }).then !== 'function') {
      const got = describe(promise);
      hostFail(
        msg({
          en: `fetchAll() returned ${got}, not a Promise: make it an async function, or return a Promise of the bodies`,
          'zh-CN': `fetchAll() 返回了 ${got}，而不是 Promise：把它写成 async 函数，或者返回一个以响应体为值的 Promise`,
        }),
      );
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
    return outcome;
  },
});
