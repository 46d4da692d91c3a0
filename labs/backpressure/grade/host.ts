/**
 * backpressure's host: runs in the learner's process during grading. It calls their
 * `createFirehose(totalBytes)`, traces each server and its sockets, and watches every write
 * their code makes (bytes, what write() returned, writableLength after it, writes before
 * 'drain' or after destroy) and this process's memory, so the grader can judge backpressure from
 * the inside. Watching changes nothing in what the learner's code does.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { hostFail, hostSubmission, kindOfValue } from '../../../src/grade/host.js';
import { msg } from '../../../src/i18n/index.js';
import { mark, probe, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { emptyStats, watchWrites, writeEventDetail, writeEventName } from '../write-probe.js';
import { firehoseHost, type MemoryReport, type SocketReport } from '../contract.js';

useTracePolicy(tracePolicy);

/** Per socket, only so many writes go on the trace (a 1-byte writer must not flood it); false returns and mistakes always do, up to a cap. */
const TRACED_WRITES = 40;
const TRACED_NOTABLE = 200;

const remotes = new Map<net.Socket, string | null>();
const traced = new WeakMap<net.Socket, { all: number; notable: number }>();
const stats = watchWrites((socket, info) => {
  let count = traced.get(socket);
  if (!count) traced.set(socket, (count = { all: 0, notable: 0 }));
  const notable = info.returned === false || info.beforeDrain || info.afterDestroy;
  if (count.all < TRACED_WRITES || (notable && count.notable < TRACED_NOTABLE)) {
    count.all++;
    if (notable) count.notable++;
    mark(writeEventName(info), writeEventDetail(info), probe.idOf(socket));
  }
});

let baseline: number | undefined;
let peakOutside = 0;
let peakInBuffers = 0;

function sampleMemory(): void {
  if (baseline === undefined) return;
  let inBuffers = 0;
  for (const socket of stats.keys()) if (!socket.destroyed) inBuffers += socket.writableLength;
  const outside = process.memoryUsage().arrayBuffers - inBuffers - baseline;
  peakOutside = Math.max(peakOutside, outside);
  peakInBuffers = Math.max(peakInBuffers, inBuffers);
}
setInterval(sampleMemory, 10).unref();

const kindOf = (value: unknown): string => kindOfValue(value, [[net.Server, 'net.Server']]);

hostSubmission(firehoseHost, {
  /** createFirehose(totalBytes), traced, listening on a free port of 127.0.0.1; resolves with the port. */
  async listen(mod, { totalBytes }) {
    baseline ??= process.memoryUsage().arrayBuffers;
    const value = (mod.createFirehose as (n: number) => unknown)(totalBytes);
    if (!(value instanceof net.Server)) {
      hostFail(
        msg({
          en: `createFirehose(${totalBytes}) returned ${kindOf(value)}, not a net.Server, so there is nothing to connect to: return the server that net.createServer() gives you`,
          'zh-CN': `createFirehose(${totalBytes}) 返回了 ${kindOf(value)}，不是 net.Server，所以没有东西可以连接：请返回 net.createServer() 给你的服务器`,
        }),
      );
    }
    const server = trace(value);
    server.on('connection', (socket) => remotes.set(socket, socket.remoteAddress ? `${socket.remoteAddress}:${socket.remotePort}` : null));
    if (!server.listening) {
      try {
        server.listen(0, '127.0.0.1');
      } catch (err) {
        // listen() with a host binds later, so `listening` alone does not tell that the learner called it.
        if ((err as NodeJS.ErrnoException).code !== 'ERR_SERVER_ALREADY_LISTEN') throw err;
        hostFail(
          msg({
            en: `createFirehose(${totalBytes}) returned a server that is already listening: return it without calling listen(), whoever uses it decides where it listens`,
            'zh-CN': `createFirehose(${totalBytes}) 返回的服务器已经在监听：请不调用 listen() 就返回它，由使用它的一方决定在哪里监听`,
          }),
        );
      }
      await once(server, 'listening'); // rejects if the server emits 'error' first
    }
    const address = server.address();
    if (!address || typeof address === 'string') {
      hostFail(msg({ en: `the server listens on ${String(address)}, not on a TCP port`, 'zh-CN': `服务器监听在 ${String(address)} 上，而不是 TCP 端口上` }));
    }
    return { port: address.port };
  },

  /** Every socket the learner's servers accepted (or wrote to), with what its writer did. */
  sockets() {
    const all = new Set<net.Socket>([...remotes.keys(), ...stats.keys()]);
    return [...all].map(
      (socket): SocketReport => ({
        ...(stats.get(socket) ?? emptyStats(socket)),
        destroyed: socket.destroyed,
        id: probe.idOf(socket),
        remote: remotes.get(socket) ?? null,
        writableLength: socket.writableLength,
      }),
    );
  },

  /** The payload memory's peak since the last call with `{ reset: true }`. */
  memory(_mod, arg) {
    sampleMemory();
    const report: MemoryReport = { peakOutsideBuffers: Math.max(0, peakOutside), peakInBuffers };
    if (arg?.reset) {
      peakOutside = 0;
      peakInBuffers = 0;
    }
    return report;
  },
});
