/**
 * The agent-maxsockets demo's client: sends N GET requests at once to the demo server through
 * one connection pool (an http.Agent, `agent: false`, http.globalAgent or an undici Pool),
 * traces what the pool does with each request, and answers the `run` command with the timings:
 * when each request was queued, when it got a socket, when its response ended, and which socket
 * carried it. Times are measured here, inside the client, from the first request to the last
 * response, so process start-up and IPC are not part of them.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import type { JsonObject } from '../../../src/trace/event.js';
import { holdTrace, mark, note, probe, program, releaseTrace, trace, traceChannels } from '../../../src/runtime/child.js';
import { poolClient } from '../contract.js';
import type { BatchResult, RequestTiming } from '../timing.js';

const self = program(poolClient);
const p = self.params();
const origin = `http://127.0.0.1:${p.port}`;

function count(map: NodeJS.ReadOnlyDict<unknown[]>): number {
  let n = 0;
  for (const list of Object.values(map)) n += list?.length ?? 0;
  return n;
}

/** The agent's three lists, as numbers: sockets in use, idle sockets, queued requests. */
function agentState(agent: http.Agent): { sockets: number; freeSockets: number; requests: number } {
  return {
    sockets: count(agent.sockets),
    freeSockets: count(agent.freeSockets),
    requests: count((agent as unknown as { requests: NodeJS.ReadOnlyDict<unknown[]> }).requests),
  };
}

/**
 * Warm up both processes (module loading, JIT of the connect/parse/answer paths) with a few
 * rounds of `n` concurrent requests that answer at once, through a pool that is then thrown
 * away: the measured batch starts with an empty pool but warm code.
 */
async function warmUp(): Promise<void> {
  const rounds = 3;
  const width = Math.min(p.n, 50);
  for (let round = 0; round < rounds; round++) {
    if (p.pool.kind === 'undici') {
      const warm = new Pool(origin, { connections: width });
      await Promise.all(Array.from({ length: width }, async () => (await warm.request({ path: '/warm', method: 'GET' })).body.text()));
      await warm.close();
    } else {
      const warm = new http.Agent({ keepAlive: true, maxSockets: width });
      await Promise.all(
        Array.from({ length: width }, () => new Promise<void>((resolve, reject) => {
          http.get(`${origin}/warm`, { agent: warm }, (res) => res.resume().on('end', resolve)).on('error', reject);
        })),
      );
      warm.destroy();
    }
  }
}

const since = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

// ---------------------------------------------------------------------------------------------
// node:http: an Agent of our own, agent: false, or the global agent
// ---------------------------------------------------------------------------------------------

function makeAgent(): http.Agent | false {
  const pool = p.pool;
  if (pool.kind === 'agent-false') return false;
  if (pool.kind === 'global-agent') return http.globalAgent;
  if (pool.kind !== 'agent') throw new Error(`not an http pool: ${pool.kind}`);
  const options: http.AgentOptions = { keepAlive: pool.keepAlive, maxSockets: pool.maxSockets ?? Infinity };
  if (pool.maxFreeSockets !== undefined) options.maxFreeSockets = pool.maxFreeSockets;
  return new http.Agent(options);
}

const agent = p.pool.kind === 'undici' ? undefined : makeAgent();
if (agent) {
  trace(agent);
  // Registered after the agent's own 'free' listener, so this sees what the agent did with it.
  agent.on('free', (socket: Socket) => {
    const after = agentState(agent);
    const went = socket.destroyed ? 'destroyed' : after.freeSockets > lastState.freeSockets ? 'to freeSockets (idle)' : 'to the next queued request';
    mark('pool', { socket: probe.idOf(socket), went, ...after }, probe.idOf(agent));
    lastState = after;
  });
}
let lastState = agent ? agentState(agent) : { sockets: 0, freeSockets: 0, requests: 0 };

/** One GET through node:http, recording its timeline. */
function httpGet(i: number, burst: number, t0: number, seen: WeakSet<Socket>): Promise<RequestTiming> {
  return new Promise((resolve, reject) => {
    const timing: RequestTiming = { i, burst, queued: since(t0), assigned: -1, end: -1, socket: '', reused: false, status: 0, sent: '' };
    const req = http.request(`${origin}/r/${i}`, { agent: agent as http.Agent | false });
    if (agent) {
      // addRequest() ran inside http.request(): the request has a socket now, or waits in agent.requests.
      const after = agentState(agent);
      const got = after.requests > lastState.requests ? 'queued' : after.freeSockets < lastState.freeSockets ? 'an idle socket' : 'a new socket';
      mark('pool', { request: `r${i}`, got, ...after }, probe.idOf(agent));
      lastState = after;
    }
    trace(req);
    req.on('socket', (socket: Socket) => {
      timing.assigned = since(t0);
      timing.socket = probe.idOf(socket);
      timing.reused = seen.has(socket);
      seen.add(socket);
    });
    req.on('response', (res) => {
      timing.status = res.statusCode ?? 0;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        timing.end = since(t0);
        timing.sent = /Connection: (\S+)\)/.exec(body)?.[1] ?? '';
        resolve(timing);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------
// undici: a Pool with `connections`
// ---------------------------------------------------------------------------------------------

let pool: Pool | undefined;
if (p.pool.kind === 'undici') {
  pool = new Pool(origin, { connections: p.pool.connections });
  diagnosticsChannel.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: { path: string }; socket: Socket };
    assignedAt.get(request.path)?.(socket);
  });
}
const assignedAt = new Map<string, (socket: Socket) => void>();

async function undiciGet(i: number, burst: number, t0: number, seen: WeakSet<Socket>): Promise<RequestTiming> {
  const path = `/r/${i}`;
  const timing: RequestTiming = { i, burst, queued: since(t0), assigned: -1, end: -1, socket: '', reused: false, status: 0, sent: '' };
  assignedAt.set(path, (socket) => {
    timing.assigned = since(t0);
    timing.socket = probe.idOf(socket);
    timing.reused = seen.has(socket);
    seen.add(socket);
    assignedAt.delete(path);
  });
  const response = pool!.request({ path, method: 'GET' });
  mark('pool', { request: `r${i}`, ...(pool!.stats as unknown as JsonObject) }, 'undici.Pool');
  const { statusCode, body } = await response;
  const text = await body.text();
  timing.status = statusCode;
  timing.end = since(t0);
  timing.sent = /Connection: (\S+)\)/.exec(text)?.[1] ?? '';
  return timing;
}

// ---------------------------------------------------------------------------------------------

async function runBatch(): Promise<BatchResult> {
  const bursts = p.bursts ?? 1;
  const seen = new WeakSet<Socket>();
  const requests: RequestTiming[] = [];
  const measured: number[] = [];
  let idleAfterBurst: number[] = [];
  const t0 = performance.now();
  for (let b = 0; b < bursts; b++) {
    if (b > 0) {
      const [pause, burst] = [p.pauseMs ?? 0, b + 1];
      note({ en: `pause ${pause} ms, then burst ${burst}`, 'zh-CN': `暂停 ${pause} ms，然后第 ${burst} 波` });
      await new Promise((r) => setTimeout(r, p.pauseMs ?? 0));
    }
    const get = pool ? undiciGet : httpGet;
    // The trace of the batch is sent once it is over (each line keeps the time it happened):
    // sending and printing it live would compete for the CPU with what we are timing.
    holdTrace();
    const start = performance.now();
    const batch = await Promise.all(Array.from({ length: p.n }, (_, j) => get(b * p.n + j, b, t0, seen)));
    measured.push(Math.round((performance.now() - start) * 1000) / 1000);
    releaseTrace();
    requests.push(...batch);
    // Let the pool finish its bookkeeping for the last response (the 'free' after 'end').
    await new Promise((r) => setImmediate(r));
    idleAfterBurst.push(agent ? agentState(agent).freeSockets : pool ? pool.stats.free : 0);
  }
  if (agent) {
    const state = agentState(agent);
    const counts = `agent.sockets ${state.sockets}, agent.freeSockets ${state.freeSockets}, agent.requests ${state.requests}`;
    note({ en: `after the last response: ${counts}`, 'zh-CN': `最后一个响应之后：${counts}` });
  }
  return { measuredMs: measured[0]!, burstsMs: measured, idleAfterBurst, requests };
}

self.onCommand('run', runBatch);

await warmUp();
// Trace undici from here on: the warm-up is not part of the lesson.
if (pool) traceChannels('undici');
self.ready({ origin });
await self.waitForCommand('done');
// Close what the pool keeps open, so this process ends now.
if (agent) {
  if (agentState(agent).freeSockets > 0) note({ en: 'agent.destroy(): the idle sockets close now', 'zh-CN': 'agent.destroy()：空闲套接字现在关闭' });
  agent.destroy();
}
if (pool) {
  note({
    en: 'pool.close(): undici closes its idle connections by destroying their sockets (the UND_ERR_DESTROYED errors below are that, not failures)',
    'zh-CN': 'pool.close()：undici 通过销毁套接字来关闭空闲连接（下面的 UND_ERR_DESTROYED 错误就是这个，不是失败）',
  });
  await pool.close();
}
