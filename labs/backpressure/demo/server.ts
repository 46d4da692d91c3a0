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
import { mark, note, onCommand, params, probe, ready, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { patternChunk } from '../pattern.js';
import { tracePolicy } from '../trace.js';
import { watchWrites, writeEventDetail, writeEventName, type WriteStats } from '../write-probe.js';

useTracePolicy(tracePolicy);

export type WriterMode = 'exercise' | 'impolite' | 'pipeline';

interface ServerParams {
  mode: WriterMode;
  /** Module exporting createFirehose (mode `exercise`). */
  implementation: string;
  /** Bytes per client. */
  total: number;
  /** Chunk size of the demo's own writers (`impolite`, `pipeline`). */
  chunk: number;
}

/** One socket's story, for the summary: its buffer over time and what its writer did. */
export interface SocketSeries {
  id: string;
  /** [ms since the connection, writableLength] */
  samples: Array<[number, number]>;
  /** [ms since the connection, RSS growth, ArrayBuffer memory growth], in bytes since the first connection, after a collection */
  memory: Array<[number, number, number]>;
  stats: WriteStats;
  /** ms from the connection to the socket's close (or to now). */
  durationMs: number;
  /** Bytes the writer produced for this socket (pipeline: what the source generated). */
  produced: number;
}

const p = params<ServerParams>();

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
 */
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as (options?: { type: 'minor' | 'major' }) => void;

function sampleMemory(): void {
  try {
    collect({ type: 'major' });
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
    if (n + 1 === TRACED_WRITES) note(`${probe.idOf(socket)}: more writes follow; only the first ${TRACED_WRITES} are on the trace, the summary counts them all`);
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
      const size = Math.min(chunk, total - t.produced);
      const ok = socket.write(patternChunk(t.produced, size));
      t.produced += size;
      if (!ok && !warned) {
        warned = true;
        note(`write() returned false at ${socket.writableLength} bytes buffered; this writer ignores it and goes on`);
      }
      // One chunk per turn of the event loop, like a producer that has other work too.
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
    note(`${t.id}: pipeline(source, socket) — the source is ${probe.idOf(source)}`);
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
  if (typeof mod.createFirehose !== 'function') throw new Error(`${p.implementation} does not export createFirehose()`);
  server = mod.createFirehose(p.total);
  // Before the exercise's own listener, so its very first write is already measured.
  server.prependListener('connection', (socket) => track(socket));
}
trace(server);

onCommand('series', () => {
  const now = performance.now();
  return tracked.map(
    (t) =>
      ({
        id: t.id,
        samples: t.samples,
        memory: t.memory,
        stats: stats.get(t.socket) ?? null,
        durationMs: Math.round((t.end ?? now) - t.start),
        produced: p.mode === 'exercise' ? (stats.get(t.socket)?.bytes ?? 0) : t.produced,
      }) as unknown as SocketSeries,
  ) as never;
});

/** Resolves once the `index`-th connection (0-based) has closed. */
onCommand('closed', async (index) => {
  const i = Number(index);
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
ready({ port: (server.address() as net.AddressInfo).port });
