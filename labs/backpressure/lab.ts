import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { ProgramProcess } from '../../src/runtime/spawn.js';
import type { JsonObject } from '../../src/trace/event.js';
import { formatBytes } from '../../src/trace/format.js';
import { NetlabError } from '../../src/errors.js';
import { drawBufferChart, signedBytes } from './chart.js';
import { tracePolicy } from './trace.js';
import { reader as readerProgram, writer as writerProgram, type ReaderParams, type ReaderResult, type SocketSeries, type WriterMode } from './contract.js';

interface Settings {
  /** Bytes per client. */
  total: number;
  /** Chunk size of the demo's own writers. */
  chunk: number;
  /** How long the reader stays paused before it reads (ms). */
  sleep: number;
  /** The reader's pace once awake, bytes per second (0: as fast as it can). */
  pace: number;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 * 1024 };

/** `12m`, `64k`, `1000`: a byte count; a bad value stops the demo with a message naming the option. */
function parseBytes(name: string, value: string, min: number, max: number): number {
  const m = /^(\d+(?:\.\d+)?)\s*([km]?)i?b?$/i.exec(value.trim());
  const n = m ? Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new NetlabError('NETLAB_ERR_USAGE', `--set ${name}=${value}: expected a size from ${formatBytes(min)} to ${formatBytes(max)} (a number, optionally with k or m: 64k, 12m)`);
  }
  return n;
}

function settings(ctx: DemoContext): Settings {
  const sleep = Number(ctx.options.sleep);
  if (!Number.isInteger(sleep) || sleep < 0 || sleep > 60_000) {
    throw new NetlabError('NETLAB_ERR_USAGE', `--set sleep=${ctx.options.sleep}: expected milliseconds, 0 to 60000`);
  }
  return {
    total: parseBytes('total', ctx.options.total!, 0, 1024 * 1024 * 1024),
    chunk: parseBytes('chunk', ctx.options.chunk!, 1, 16 * 1024 * 1024),
    sleep,
    pace: ctx.options.pace === '0' ? 0 : parseBytes('pace', ctx.options.pace!, 1024, 1024 * 1024 * 1024),
  };
}

const ACTOR: Record<WriterMode, string> = { exercise: 'polite', impolite: 'impolite', pipeline: 'pipeline' };

async function startWriter(ctx: DemoContext, mode: WriterMode, s: Settings, actor = ACTOR[mode]) {
  const server = ctx.spawn(actor, writerProgram, { params: { mode, implementation: ctx.implementation, total: s.total, chunk: s.chunk } });
  const { port } = await server.ready();
  return { server, port };
}

/** A reader process, started ahead of time: it connects when {@link connect} says where. */
type Reader = ProgramProcess<NonNullable<typeof readerProgram.spec>>;
type Writer = { server: ProgramProcess<NonNullable<typeof writerProgram.spec>>; port: number };

function startReader(ctx: DemoContext, actor: string, params: ReaderParams): Reader {
  return ctx.spawn(actor, readerProgram, { params });
}

/** Resolves once the reader is connected to `port`. */
async function connect(reader: Reader, port: number): Promise<void> {
  await reader.ready();
  await reader.command('go', { port });
}

/** The reader's result once its connection has closed; it then exits. */
async function resultOf(reader: Reader, limitMs = 60_000): Promise<ReaderResult> {
  const result = await reader.command('result', null, limitMs);
  await reader.command('exit').catch(() => undefined);
  await reader.finish();
  return result;
}

/** A reader that should have got the whole stream, in order: anything else fails the demo with its reason. */
function expectWhole(actor: string, r: ReaderResult, total: number): void {
  if (r.mismatch >= 0) throw new Error(`${actor}: byte ${r.mismatch} broke the pattern (byte i must be i % 256)`);
  if (r.bytes !== total || !r.ended) {
    throw new Error(`${actor}: got ${r.bytes} of ${total} bytes${r.error ? ` (${r.error})` : r.ended ? '' : ', and the stream did not end'}`);
  }
}

function seriesOf(server: Writer['server']): Promise<SocketSeries[]> {
  return server.command('series');
}

interface Transfer {
  label: string;
  series: SocketSeries;
  reader: ReaderResult;
}

/** One writer, one slow reader: the reader sleeps, then reads at its pace; resolves with the writer's story. */
async function transfer(s: Settings, mode: WriterMode, writer: Writer, reader: Reader): Promise<Transfer> {
  await connect(reader, writer.port);
  const result = await resultOf(reader);
  expectWhole(reader.actor, result, s.total);
  const [series] = await seriesOf(writer.server);
  if (!series) throw new Error(`${ACTOR[mode]}: the writer saw no connection`);
  return { label: ACTOR[mode], series, reader: result };
}

const peakRss = (t: Transfer) => Math.max(0, ...t.series.memory.map(([, v]) => v));
const peakBuffers = (t: Transfer) => Math.max(0, ...t.series.memory.map(([, , v]) => v));

/** The chart and the table of peaks for one or more transfers. */
function report(s: Settings, transfers: Transfer[]): { lines: string[]; summary: JsonObject } {
  const hwm = transfers[0]!.series.stats.writableHighWaterMark;
  const lines = [
    `${formatBytes(s.total)} per client; the reader sleeps ${s.sleep} ms, then reads ${s.pace ? `at ${formatBytes(s.pace)}/s` : 'as fast as it can'}.`,
    `writableHighWaterMark: ${formatBytes(hwm)} (Node ${process.version})`,
    '',
    ...drawBufferChart(
      transfers.map((t) => ({ label: t.label, samples: t.series.samples })),
      { title: "bytes waiting in the writer's socket (writableLength) over time, one scale:" },
    ),
    '',
    `${'writer'.padEnd(10)}${'peak writableLength'.padEnd(21)}${'RSS growth'.padEnd(12)}${'buffers'.padEnd(12)}${'false'.padEnd(7)}${'drain'.padEnd(7)}time`,
  ];
  // One key per measure, one value per writer: short `key: value` lines in the human summary.
  const byWriter = (value: (t: Transfer) => number): JsonObject => Object.fromEntries(transfers.map((t) => [t.label, value(t)]));
  const summary: JsonObject = {
    totalBytes: s.total,
    writableHighWaterMark: hwm,
    peakWritableLength: byWriter((t) => t.series.stats.peakWritableLength),
    peakRssGrowth: byWriter(peakRss),
    peakBufferGrowth: byWriter(peakBuffers),
    falseReturns: byWriter((t) => t.series.stats.falseReturns),
    drains: byWriter((t) => t.series.stats.drains),
    ms: byWriter((t) => t.reader.ms),
  };
  for (const t of transfers) {
    const st = t.series.stats;
    lines.push(
      `${t.label.padEnd(10)}${formatBytes(st.peakWritableLength).padEnd(21)}${signedBytes(peakRss(t)).padEnd(12)}${signedBytes(peakBuffers(t)).padEnd(12)}${String(st.falseReturns).padEnd(7)}${String(st.drains).padEnd(7)}${t.reader.ms} ms`,
    );
  }
  lines.push(
    '',
    "RSS growth, buffers: the writer's peak resident memory and peak Buffer memory,",
    'above their level at connect, each measured after a garbage collection;',
    'false: write() calls that returned false; time: from connect to the last byte',
  );
  return { lines, summary };
}

/** polite, impolite, or both in turn: the same slow reader against each writer. */
async function compare(ctx: DemoContext, modes: WriterMode[]): Promise<JsonObject> {
  const s = settings(ctx);
  // Every process starts at once (writers only listen, readers wait); the transfers then run one after the other.
  const writers = modes.map((mode) => startWriter(ctx, mode, s));
  for (const w of writers) w.catch(() => {}); // each is awaited in turn below; none may go unhandled meanwhile
  const readers = modes.map((_, i) => startReader(ctx, modes.length > 1 ? `reader#${i + 1}` : 'reader', { sleepMs: s.sleep, pace: s.pace }));
  const transfers: Transfer[] = [];
  for (const [i, mode] of modes.entries()) {
    const writer = await writers[i]!;
    ctx.note(
      mode === 'impolite'
        ? `the impolite writer: the same stream, but it ignores write()'s false and keeps writing while the reader sleeps`
        : `the polite writer (createFirehose): writes until write() returns false, then waits for 'drain'`,
    );
    const t = await transfer(s, mode, writer, readers[i]!);
    ctx.note(`${t.label}: the reader got all ${formatBytes(s.total)} in order; peak writableLength ${formatBytes(t.series.stats.peakWritableLength)}, RSS ${signedBytes(peakRss(t))}`);
    transfers.push(t);
    await writer.server.kill();
  }
  const { lines, summary } = report(s, transfers);
  return { ...summary, lines };
}

/** Whether `pv` is installed (for the --serve commands). */
function hasPv(): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'pv')));
}

export default defineLab({
  id: 'backpressure',
  title: 'Backpressure: a fast writer, a slow reader',
  summary: "write() returning false, 'drain', writableLength, pause/resume and pipeline(): the buffer between a fast writer and a slow reader",
  order: 15,
  exports: ['createFirehose'],
  trace: tracePolicy,
  options: {
    total: { description: 'bytes each client receives (64k, 12m, …)', default: '32m' },
    chunk: { description: "chunk size of the demo's own writers (impolite, pipeline); the exercise picks its own", default: '64k' },
    sleep: { description: 'how long the reader stays paused before it reads, in ms', default: '250' },
    pace: { description: 'how fast the reader reads once awake, bytes per second (0: as fast as it can)', default: '96m' },
  },
  scenarios: {
    tour: {
      title: 'the same slow reader against a polite and an impolite writer: buffered bytes and memory, charted',
      run: (ctx) => compare(ctx, ['exercise', 'impolite']),
    },
    polite: {
      title: "a writer that waits for 'drain' when write() returns false; a reader that pauses and resumes",
      run: (ctx) => compare(ctx, ['exercise']),
    },
    impolite: {
      title: "the same writer ignoring write()'s false: writableLength and memory climb while the reader sleeps",
      run: (ctx) => compare(ctx, ['impolite']),
    },
    pipeline: {
      title: 'stream.pipeline(source, socket): backpressure for free, and a reader that leaves midway',
      async run(ctx) {
        const s = settings(ctx);
        const reader = startReader(ctx, 'reader#1', { sleepMs: s.sleep, pace: s.pace });
        const leaveAfter = Math.min(s.total, 1024 * 1024);
        const leaver = startReader(ctx, 'reader#2', { sleepMs: 0, pace: 0, leaveAfter });
        const writer = await startWriter(ctx, 'pipeline', s);
        ctx.note('pipeline() pauses the source when socket.write() returns false and resumes it on drain');
        const t = await transfer(s, 'pipeline', writer, reader);
        ctx.note(`reader#2 reads ${formatBytes(leaveAfter)} and leaves: pipeline() forwards the socket's error to its callback and destroys the source`);
        await connect(leaver, writer.port);
        const left = await resultOf(leaver);
        // Once the writer's socket has closed (after the reset), its production count is final.
        await writer.server.command('closed', 1);
        const second = (await seriesOf(writer.server))[1];
        const produced = second?.produced ?? 0;
        ctx.note(`the source made ${formatBytes(produced)} for reader#2 (of ${formatBytes(s.total)}) and stopped: reader#2 read ${formatBytes(left.bytes)}, the rest sat in TCP buffers when it left`);
        const { lines, summary } = report(s, [t]);
        return { ...summary, leaver: { read: left.bytes, produced }, lines };
      },
    },
    'two-readers': {
      title: 'one server, a paused client and a fast client: the fast one is not held up',
      async run(ctx) {
        const s = settings(ctx);
        const paused = startReader(ctx, 'paused', { sleepMs: null, pace: 0 });
        const fast = startReader(ctx, 'fast', { sleepMs: 0, pace: 0 });
        const writer = await startWriter(ctx, 'exercise', s, 'server');
        await connect(paused, writer.port);
        ctx.note('"paused" is connected and reads nothing; now "fast" connects and reads as fast as it can');
        await connect(fast, writer.port);
        const fastResult = await resultOf(fast);
        expectWhole('fast', fastResult, s.total);
        const series = await seriesOf(writer.server);
        const pausedSocket = series[0]!;
        ctx.note(
          `"fast" got all ${formatBytes(s.total)} in ${fastResult.ms} ms while "paused" read nothing: its socket holds ${formatBytes(pausedSocket.samples.at(-1)?.[1] ?? 0)} in writableLength, the rest waits in TCP's buffers or was never made`,
        );
        await paused.command('wake');
        const pausedResult = await resultOf(paused);
        expectWhole('paused', pausedResult, s.total);
        ctx.note(`"paused" woke up and got all ${formatBytes(s.total)} too`);
        const [first, second] = await seriesOf(writer.server);
        return {
          fast: { ms: fastResult.ms, bytes: fastResult.bytes, peakWritableLength: second?.stats.peakWritableLength ?? 0 },
          paused: { ms: pausedResult.ms, bytes: pausedResult.bytes, peakWritableLength: first?.stats.peakWritableLength ?? 0 },
        };
      },
    },
  },
  async serve(ctx) {
    const s = settings(ctx);
    const { port } = await startWriter(ctx, 'exercise', s, 'server');
    const slow = hasPv()
      ? `nc 127.0.0.1 ${port} < /dev/null | pv -L 10k > /dev/null`
      : `node -e "const s = require('net').connect(${port}, '127.0.0.1'); s.on('data', () => { s.pause(); setTimeout(() => s.resume(), 1000); })"`;
    return {
      address: `127.0.0.1:${port}`,
      commands: [`nc 127.0.0.1 ${port} < /dev/null > /dev/null`, `nc 127.0.0.1 ${port} < /dev/null | wc -c`, slow],
    };
  },
});
