/**
 * The backpressure demo's writer: a TCP server that streams the firehose pattern to every
 * client. It writes in one of three ways — the exercise's `createFirehose()` (the reference
 * solution, or the learner's with `--use`), an impolite writer that ignores write()'s `false`,
 * or `stream.pipeline()` — and puts every write on the trace (bytes, what write() returned,
 * writableLength after it). It samples each socket's writableLength and the process's memory
 * over time, for the summary's chart.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { Readable, pipeline } from 'node:stream';
import { pathToFileURL } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { mark, note, probe, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { writer, type SocketSeries } from '../contract.js';
import { patternChunk } from '../pattern.js';
import { tracePolicy } from '../trace.js';
import { emptyStats, watchWrites, writeEventDetail, writeEventName } from '../write-probe.js';

useTracePolicy(tracePolicy);

const self = program(writer);
const p = self.params();

/** Only so many writes per socket go on the trace; the summary counts all of them. */
const TRACED_WRITES = 2000;
const traced = new WeakMap<net.Socket, number>();

interface Tracked {
  socket: net.Socket;
  id: string;
  start: number;
  end: number | null;
  samples: Array<[number, number]>;
  memory: Array<[number, number, number]>;
  produced: number;
}
const tracked: Tracked[] = [];
let memoryBase: { rss: number; arrayBuffers: number } | undefined;

function sample(t: Tracked): void {
  t.samples.push([Math.round(performance.now() - t.start), t.socket.writableLength]);
}

/**
 * A young-generation collection before each memory sample: chunks already handed to the kernel
 * are garbage, and without it they would count until V8 happens to collect them. What is left
 * is what the writer really holds. (It changes when garbage is collected, not what is written.)
 * Young only: a full collection costs milliseconds from Node 22 on (V8 12), and one every 20 ms
 * slows the writer it measures until a sleeping reader wakes before the stream is made.
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

function sampleMemory(): void {
  try {
    collect({ type: 'minor' });
  } catch {
    /* no gc(): sample as it is */
  }
  const { rss, arrayBuffers } = process.memoryUsage();
  const base = memoryBase ?? { rss, arrayBuffers };
  for (const t of tracked) if (t.end === null) t.memory.push([Math.round(performance.now() - t.start), rss - base.rss, arrayBuffers - base.arrayBuffers]);
}

const stats = watchWrites((socket, info) => {
  const n = traced.get(socket) ?? 0;
  if (n < TRACED_WRITES) {
    traced.set(socket, n + 1);
    mark(writeEventName(info), writeEventDetail(info), probe.idOf(socket));
    if (n + 1 === TRACED_WRITES) {
      note({
        en: `${probe.idOf(socket)}: more writes follow; only the first ${TRACED_WRITES} are on the trace, the summary counts them all`,
        'zh-CN': `${probe.idOf(socket)}：后面还有更多写入；跟踪中只列出前 ${TRACED_WRITES} 次，摘要会把它们全部计入`,
      });
    }
  }
  const t = tracked.find((x) => x.socket === socket);
  if (t) sample(t);
});

setInterval(() => {
  for (const t of tracked) if (t.end === null) sample(t);
}, 5).unref();
setInterval(sampleMemory, 20).unref();

function track(socket: net.Socket): Tracked {
  if (!memoryBase) {
    const { rss, arrayBuffers } = process.memoryUsage();
    memoryBase = { rss, arrayBuffers };
  }
  const t: Tracked = { socket, id: probe.idOf(socket), start: performance.now(), end: null, samples: [], memory: [], produced: 0 };
  tracked.push(t);
  sample(t);
  sampleMemory();
  socket.once('close', () => {
    sample(t);
    sampleMemory();
    t.end = performance.now();
  });
  return t;
}

/** How much the impolite writer makes per turn of the event loop. */
const IMPOLITE_BURST = 4 * 1024 * 1024;

/** Ignores write()'s answer: everything goes into the socket's buffer, as fast as it is made. */
function impoliteFirehose(total: number, chunk: number): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    const t = track(socket);
    socket.on('error', () => {});
    socket.resume();
    let warned = false;
    const produce = (): void => {
      if (socket.destroyed) return;
      if (t.produced >= total) {
        socket.end();
        return;
      }
      // A burst of chunks per turn of the event loop, like a producer that has other work too:
      // the whole stream is made within a few turns, long before a sleeping reader wakes up,
      // even on a busy machine.
      const burstEnd = Math.min(total, t.produced + IMPOLITE_BURST);
      while (t.produced < burstEnd) {
        const size = Math.min(chunk, burstEnd - t.produced);
        const ok = socket.write(patternChunk(t.produced, size));
        t.produced += size;
        if (!ok && !warned) {
          warned = true;
          note({
            en: `write() returned false at ${socket.writableLength} bytes buffered; this writer ignores it and goes on`,
            'zh-CN': `缓冲了 ${socket.writableLength} 字节时 write() 返回了 false；这个写入方无视它，继续写`,
          });
        }
      }
      setImmediate(produce);
    };
    produce();
  });
}

/** stream.pipeline(): a Readable of the pattern piped into the socket, errors and clean-up included. */
function pipelineFirehose(total: number, chunk: number): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    const t = track(socket);
    socket.resume();
    function* generate(): Generator<Buffer> {
      while (t.produced < total) {
        const size = Math.min(chunk, total - t.produced);
        const piece = patternChunk(t.produced, size);
        t.produced += size;
        yield piece;
      }
    }
    const source = trace(Readable.from(generate(), { objectMode: false }));
    note({ en: `${t.id}: pipeline(source, socket) — the source is ${probe.idOf(source)}`, 'zh-CN': `${t.id}：pipeline(source, socket)——数据源是 ${probe.idOf(source)}` });
    pipeline(source, socket, (err) => {
      const e = err as NodeJS.ErrnoException | null | undefined;
      mark('pipeline callback', e ? { code: e.code ?? 'ERROR', message: e.message, sourceDestroyed: source.destroyed, produced: t.produced } : { error: null, produced: t.produced }, t.id);
    });
  });
}

let server: net.Server;
if (p.mode === 'impolite') {
  server = impoliteFirehose(p.total, p.chunk);
} else if (p.mode === 'pipeline') {
  server = pipelineFirehose(p.total, p.chunk);
} else {
  const mod = (await import(pathToFileURL(p.implementation).href)) as { createFirehose?: (n: number) => net.Server };
  if (typeof mod.createFirehose !== 'function') {
    throw new Error(msg({ en: `${p.implementation} does not export createFirehose()`, 'zh-CN': `${p.implementation} 没有导出 createFirehose()` }));
  }
  server = mod.createFirehose(p.total);
  // Before the exercise's own listener, so its very first write is already measured.
  server.prependListener('connection', (socket) => track(socket));
}
trace(server);

self.onCommand('series', () => {
  const now = performance.now();
  return tracked.map(
    (t): SocketSeries => ({
      id: t.id,
      samples: t.samples,
      memory: t.memory,
      stats: stats.get(t.socket) ?? emptyStats(t.socket),
      durationMs: Math.round((t.end ?? now) - t.start),
      produced: p.mode === 'exercise' ? (stats.get(t.socket)?.bytes ?? 0) : t.produced,
    }),
  );
});

/** Resolves once the `index`-th connection (0-based) has closed. */
self.onCommand('closed', async (i) => {
  while (!tracked[i] || tracked[i]!.end === null) {
    const t = tracked[i];
    if (t) await once(t.socket, 'close');
    else await once(server, 'connection');
  }
  return null;
});

server.listen({ port: 0, host: '127.0.0.1' });
await once(server, 'listening');
mark('writableHighWaterMark', { bytes: new net.Socket().writableHighWaterMark, node: process.version });
self.ready({ port: (server.address() as net.AddressInfo).port });
