/**
 * The http-lifecycle demo's server process: the exercise's `createUploadServer(limit)` (the
 * reference solution, or the learner's with `--use`), traced — the server, every connection,
 * every IncomingMessage and ServerResponse — with the raw heads of what crossed each
 * connection. The orchestrator steers it with commands: `busy` (wait for requests in
 * progress), `requests` (which connection carried which request), `shutdown` and `closed`
 * (shut down one of three ways, then the timings), `next` (a fresh server, for the next round).
 */
import { once } from 'node:events';
import type * as http from 'node:http';
import type * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { msg } from '../../../src/i18n/index.js';
import { mark, note, probe, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { tapHeads } from '../heads.js';
import { uploadServer, type Closed, type Logged, type ShutdownHow } from '../contract.js';

useTracePolicy(tracePolicy);

type Exercise = { createUploadServer?: (limit: number) => http.Server; shutdown?: (server: http.Server) => Promise<void> };

const self = program(uploadServer);
const p = self.params();
const mod = (await import(pathToFileURL(p.implementation).href)) as Exercise;
if (typeof mod.createUploadServer !== 'function') {
  throw new Error(msg({ en: `${p.implementation} does not export createUploadServer()`, 'zh-CN': `${p.implementation} 没有导出 createUploadServer()` }));
}
const createUploadServer = mod.createUploadServer;

/** One server from createUploadServer, with what the orchestrator asks about it. */
class Watched {
  readonly server: http.Server;
  /** Open connections, by trace id; when each closed, on this process's clock. */
  readonly open = new Set<string>();
  readonly closedAt = new Map<string, number>();
  /** Every request in order: which connection carried it, its answer's status. */
  readonly log: Logged[] = [];
  /** Requests whose response has not closed yet. */
  private busy = 0;
  private wake: Array<() => void> = [];
  shutdown: Promise<Closed> | undefined;

  constructor() {
    this.server = createUploadServer(p.limit);
    tapHeads(this.server, { mark, idOf: (obj) => probe.idOf(obj) });
    trace(this.server);
    this.server.on('connection', (socket: net.Socket) => {
      const id = probe.idOf(socket);
      this.open.add(id);
      socket.on('close', () => {
        this.open.delete(id);
        this.closedAt.set(id, performance.now());
      });
    });
    const onMessage = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const entry: Logged = { connection: probe.idOf(req.socket), request: `${req.method} ${req.url}`, status: null };
      this.log.push(entry);
      res.once('finish', () => (entry.status = res.statusCode));
      res.once('close', () => this.busy--);
      this.busy++;
      for (const wake of this.wake.splice(0)) wake();
    };
    this.server.prependListener('request', onMessage);
    // A 'checkContinue' listener changes what Node does (no automatic "100 Continue"):
    // count those requests only if the exercise listens for it already.
    if (this.server.listenerCount('checkContinue') > 0) this.server.prependListener('checkContinue', onMessage);
  }

  async listen(): Promise<number> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as net.AddressInfo).port;
  }

  async requestsInProgress(n: number): Promise<number> {
    while (this.busy < n) await new Promise<void>((resolve) => this.wake.push(resolve));
    return this.busy;
  }

  /** Shut down `how`; resolves with when each connection closed and when 'close' came, in ms after the start. */
  async shutDown(how: ShutdownHow): Promise<Closed> {
    const t0 = performance.now();
    const connections = [...this.open];
    const since = (t: number | undefined) => (t === undefined ? null : Math.round(t - t0));
    const closed = once(this.server, 'close').then(() => performance.now());
    if (how === 'close') {
      note({ en: 'server.close(): stop accepting; Node closes the connections that are idle at this moment', 'zh-CN': 'server.close()：停止接受连接；Node 关闭此刻闲置的连接' });
      this.server.close();
    } else if (how === 'closeAll') {
      note({ en: 'server.close() + server.closeAllConnections(): every connection is destroyed now, busy or not', 'zh-CN': 'server.close() + server.closeAllConnections()：现在销毁每一个连接，不管忙不忙' });
      this.server.close();
      this.server.closeAllConnections();
    } else {
      if (typeof mod.shutdown !== 'function') throw new Error(msg({ en: `${p.implementation} does not export shutdown()`, 'zh-CN': `${p.implementation} 没有导出 shutdown()` }));
      note({ en: "the exercise's shutdown(server)", 'zh-CN': '练习里的 shutdown(server)' });
      const done = mod.shutdown(this.server);
      void done.then(() => mark('shutdown resolved', { ms: since(performance.now()) }));
    }
    const closeEventMs = since(await closed);
    // 'close' of the server comes just before the 'close' of its last connection.
    while (this.open.size > 0) await new Promise((resolve) => setImmediate(resolve));
    const closedMs: Record<string, number | null> = {};
    for (const id of connections) closedMs[id] = since(this.closedAt.get(id));
    return { closeEventMs, closedMs, requests: this.log };
  }
}

let current = new Watched();
self.onCommand('busy', (n) => current.requestsInProgress(n));
self.onCommand('requests', () => current.log);
self.onCommand('shutdown', (how) => {
  current.shutdown = current.shutDown(how);
  current.shutdown.catch(() => {}); // awaited by 'closed'
});
self.onCommand('closed', () => current.shutdown ?? Promise.reject(new Error('no shutdown was started')));
self.onCommand('next', async () => {
  current = new Watched();
  return { port: await current.listen() };
});

self.ready({ port: await current.listen() });
if (p.rounds) await self.waitForCommand('exit');
