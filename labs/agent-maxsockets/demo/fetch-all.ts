/**
 * Runs the exercise's `fetchAll(urls, k)` (the reference solution, or the learner's with
 * `--use`) against the demo server and reports the same timings as demo/client.ts. The pool
 * belongs to fetchAll, so the timeline comes from what Node publishes about every request:
 * `http.client.request.start` (the request got its socket and is being sent) and the
 * response's `end`. Queueing is measured from the moment fetchAll() was called.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type * as http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { msg } from '../../../src/i18n/index.js';
import { holdTrace, note, probe, program, releaseTrace, traceChannels } from '../../../src/runtime/child.js';
import { fetchAllClient } from '../contract.js';
import type { BatchResult, RequestTiming } from '../timing.js';

const self = program(fetchAllClient);
const p = self.params();
const mod = (await import(pathToFileURL(p.implementation).href)) as { fetchAll?: (urls: string[], maxSockets: number) => Promise<string[]> };
if (typeof mod.fetchAll !== 'function') throw new Error(msg({ en: `${p.implementation} does not export fetchAll()`, 'zh-CN': `${p.implementation} 没有导出 fetchAll()` }));
const fetchAll = mod.fetchAll;
const urls = Array.from({ length: p.n }, (_, i) => `http://127.0.0.1:${p.port}/r/${i}`);

// Warm up this process's http code with the implementation itself, before anything is traced.
await fetchAll(urls.map((u) => u.replace(/\/r\/\d+$/, '/warm')), Math.min(p.n, 50));

let t0 = 0;
const since = () => Math.round((performance.now() - t0) * 1000) / 1000;
const timings = new Map<string, RequestTiming>();
const seen = new WeakSet<Socket>();
let batch = 0;

diagnosticsChannel.subscribe('http.client.request.start', (message) => {
  const { request } = message as { request: http.ClientRequest };
  const i = Number(/\/r\/(\d+)$/.exec(request.path)?.[1] ?? -1);
  if (i < 0) return;
  const socket = request.socket as Socket;
  const timing: RequestTiming = { i, burst: batch, queued: 0, assigned: since(), end: -1, socket: probe.idOf(socket), reused: seen.has(socket), status: 0, sent: '' };
  seen.add(socket);
  timings.set(request.path, timing);
});
diagnosticsChannel.subscribe('http.client.response.finish', (message) => {
  const { request, response } = message as { request: http.ClientRequest; response: http.IncomingMessage };
  const timing = timings.get(request.path);
  if (!timing) return;
  timing.status = response.statusCode ?? 0;
  // An 'end' listener does not start the stream flowing: fetchAll still decides how to read.
  response.once('end', () => (timing.end = since()));
});
traceChannels('net', 'http');

self.onCommand('run', async () => {
  const k = p.k ?? Infinity;
  holdTrace();
  t0 = performance.now();
  let bodies: string[];
  try {
    bodies = await fetchAll(urls, k);
  } finally {
    releaseTrace();
  }
  const measuredMs = since();
  const inOrder = bodies.length === urls.length && bodies.every((b, i) => b.startsWith(`/r/${i} `));
  const [took, count] = [measuredMs.toFixed(1), bodies.length];
  note(
    inOrder
      ? { en: `fetchAll resolved after ${took} ms with ${count} bodies, in the order of urls`, 'zh-CN': `fetchAll 在 ${took} ms 后兑现，得到 ${count} 个响应体，按 urls 的顺序` }
      : { en: `fetchAll resolved after ${took} ms with ${count} bodies, NOT in the order of urls`, 'zh-CN': `fetchAll 在 ${took} ms 后兑现，得到 ${count} 个响应体，但并不是按 urls 的顺序` },
  );
  const requests = [...timings.values()].sort((a, b) => a.i - b.i);
  for (const r of requests) if (r.end < 0) r.end = measuredMs;
  const result: BatchResult = { measuredMs, burstsMs: [measuredMs], idleAfterBurst: [], requests, inOrder };
  return result;
});

self.ready({});
await self.waitForCommand('done');
