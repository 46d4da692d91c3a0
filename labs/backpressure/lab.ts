import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { ProgramProcess } from '../../src/runtime/spawn.js';
import type { JsonObject } from '../../src/trace/event.js';
import { formatBytes } from '../../src/trace/format.js';
import { NetlabError } from '../../src/errors.js';
import { msg } from '../../src/i18n/index.js';
import { padEnd } from '../../src/i18n/width.js';
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
    throw new NetlabError(
      'NETLAB_ERR_USAGE',
      msg({
        en: `--set ${name}=${value}: expected a size from ${formatBytes(min)} to ${formatBytes(max)} (a number, optionally with k or m: 64k, 12m)`,
        'zh-CN': `--set ${name}=${value}：应为 ${formatBytes(min)} 到 ${formatBytes(max)} 之间的大小（一个数字，可带 k 或 m：64k、12m）`,
      }),
    );
  }
  return n;
}

function settings(ctx: DemoContext): Settings {
  const sleep = Number(ctx.options.sleep);
  if (!Number.isInteger(sleep) || sleep < 0 || sleep > 60_000) {
    throw new NetlabError(
      'NETLAB_ERR_USAGE',
      msg({ en: `--set sleep=${ctx.options.sleep}: expected milliseconds, 0 to 60000`, 'zh-CN': `--set sleep=${ctx.options.sleep}：应为毫秒数，0 到 60000` }),
    );
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
  if (r.mismatch >= 0) {
    throw new Error(msg({ en: `${actor}: byte ${r.mismatch} broke the pattern (byte i must be i % 256)`, 'zh-CN': `${actor}：第 ${r.mismatch} 个字节不符合模式（第 i 个字节必须是 i % 256）` }));
  }
  if (r.bytes !== total || !r.ended) {
    throw new Error(
      msg({
        en: `${actor}: got ${r.bytes} of ${total} bytes${r.error ? ` (${r.error})` : r.ended ? '' : ', and the stream did not end'}`,
        'zh-CN': `${actor}：收到 ${total} 字节中的 ${r.bytes} 字节${r.error ? `（${r.error}）` : r.ended ? '' : '，而且流没有结束'}`,
      }),
    );
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
  if (!series) throw new Error(msg({ en: `${ACTOR[mode]}: the writer saw no connection`, 'zh-CN': `${ACTOR[mode]}：写入方没有看到任何连接` }));
  return { label: ACTOR[mode], series, reader: result };
}

const peakRss = (t: Transfer) => Math.max(0, ...t.series.memory.map(([, v]) => v));
const peakBuffers = (t: Transfer) => Math.max(0, ...t.series.memory.map(([, , v]) => v));

/** The chart and the table of peaks for one or more transfers. */
function report(s: Settings, transfers: Transfer[]): { lines: string[]; summary: JsonObject } {
  const hwm = transfers[0]!.series.stats.writableHighWaterMark;
  const pace = s.pace ? formatBytes(s.pace) : '';
  const lines = [
    msg({
      en: `${formatBytes(s.total)} per client; the reader sleeps ${s.sleep} ms, then reads ${pace ? `at ${pace}/s` : 'as fast as it can'}.`,
      'zh-CN': `每个客户端 ${formatBytes(s.total)}；读取方先睡 ${s.sleep} 毫秒，然后${pace ? `以 ${pace}/s 的速度读取` : '以最快速度读取'}。`,
    }),
    `writableHighWaterMark: ${formatBytes(hwm)} (Node ${process.version})`,
    '',
    ...drawBufferChart(
      transfers.map((t) => ({ label: t.label, samples: t.series.samples })),
      { title: msg({ en: "bytes waiting in the writer's socket (writableLength) over time, one scale:", 'zh-CN': '写入方套接字中等待的字节数（writableLength）随时间的变化，同一刻度：' }) },
    ),
    '',
    [
      padEnd(msg({ en: 'writer', 'zh-CN': '写入方' }), 10),
      padEnd(msg({ en: 'peak writableLength', 'zh-CN': 'writableLength 峰值' }), 21),
      padEnd(msg({ en: 'RSS growth', 'zh-CN': 'RSS 增长' }), 12),
      padEnd(msg({ en: 'buffers', 'zh-CN': 'Buffer' }), 12),
      'false'.padEnd(7),
      'drain'.padEnd(7),
      msg({ en: 'time', 'zh-CN': '用时' }),
    ].join(''),
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
    ...msg({
      en:
        "RSS growth, buffers: the writer's peak resident memory and peak Buffer memory,\n" +
        'above their level at connect, each measured after a garbage collection;\n' +
        'false: write() calls that returned false; time: from connect to the last byte',
      'zh-CN':
        'RSS 增长、Buffer：写入方常驻内存和 Buffer 内存的峰值，\n' +
        '相对于连接时的水平，每次都在垃圾回收之后测量；\n' +
        'false：返回 false 的 write() 调用次数；用时：从连接到最后一个字节',
    }).split('\n'),
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
        ? {
            en: "the impolite writer: the same stream, but it ignores write()'s false and keeps writing while the reader sleeps",
            'zh-CN': '不礼貌的写入方：同样的流，但它无视 write() 返回的 false，在读取方睡着时一直写',
          }
        : {
            en: "the polite writer (createFirehose): writes until write() returns false, then waits for 'drain'",
            'zh-CN': "礼貌的写入方（createFirehose）：一直写到 write() 返回 false，然后等待 'drain'",
          },
    );
    const t = await transfer(s, mode, writer, readers[i]!);
    const peak = formatBytes(t.series.stats.peakWritableLength);
    ctx.note({
      en: `${t.label}: the reader got all ${formatBytes(s.total)} in order; peak writableLength ${peak}, RSS ${signedBytes(peakRss(t))}`,
      'zh-CN': `${t.label}：读取方按顺序收到了全部 ${formatBytes(s.total)}；writableLength 峰值 ${peak}，RSS ${signedBytes(peakRss(t))}`,
    });
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
        ctx.note({
          en: 'pipeline() pauses the source when socket.write() returns false and resumes it on drain',
          'zh-CN': "socket.write() 返回 false 时 pipeline() 会暂停数据源，在 'drain' 时再恢复它",
        });
        const t = await transfer(s, 'pipeline', writer, reader);
        ctx.note({
          en: `reader#2 reads ${formatBytes(leaveAfter)} and leaves: pipeline() forwards the socket's error to its callback and destroys the source`,
          'zh-CN': `reader#2 读了 ${formatBytes(leaveAfter)} 就离开：pipeline() 把套接字的错误交给它的回调，并销毁数据源`,
        });
        await connect(leaver, writer.port);
        const left = await resultOf(leaver);
        // Once the writer's socket has closed (after the reset), its production count is final.
        await writer.server.command('closed', 1);
        const second = (await seriesOf(writer.server))[1];
        const produced = second?.produced ?? 0;
        ctx.note({
          en: `the source made ${formatBytes(produced)} for reader#2 (of ${formatBytes(s.total)}) and stopped: reader#2 read ${formatBytes(left.bytes)}, the rest sat in TCP buffers when it left`,
          'zh-CN': `数据源为 reader#2 生成了 ${formatBytes(produced)}（总共 ${formatBytes(s.total)}）就停下了：reader#2 读了 ${formatBytes(left.bytes)}，其余的在它离开时还留在 TCP 缓冲区里`,
        });
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
        ctx.note({
          en: '"paused" is connected and reads nothing; now "fast" connects and reads as fast as it can',
          'zh-CN': '"paused" 已连接，但什么都不读；现在 "fast" 连上来，以最快速度读取',
        });
        await connect(fast, writer.port);
        const fastResult = await resultOf(fast);
        expectWhole('fast', fastResult, s.total);
        const series = await seriesOf(writer.server);
        const pausedSocket = series[0]!;
        const held = formatBytes(pausedSocket.samples.at(-1)?.[1] ?? 0);
        ctx.note({
          en: `"fast" got all ${formatBytes(s.total)} in ${fastResult.ms} ms while "paused" read nothing: its socket holds ${held} in writableLength, the rest waits in TCP's buffers or was never made`,
          'zh-CN': `"fast" 在 ${fastResult.ms} 毫秒内收到了全部 ${formatBytes(s.total)}，而 "paused" 什么都没读：它的套接字的 writableLength 中有 ${held}，其余的在 TCP 缓冲区里等着，或者根本还没生成`,
        });
        await paused.command('wake');
        const pausedResult = await resultOf(paused);
        expectWhole('paused', pausedResult, s.total);
        ctx.note({ en: `"paused" woke up and got all ${formatBytes(s.total)} too`, 'zh-CN': `"paused" 醒来后也收到了全部 ${formatBytes(s.total)}` });
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
