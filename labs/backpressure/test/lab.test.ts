/**
 * The backpressure lab's demo, end to end through the built CLI: the NDJSON trace shows every
 * write with what it returned and writableLength, the false returns, drain, and the reader's
 * pause/resume; the summary compares a polite and an impolite writer in a chart that fits 80
 * columns; pipeline() reports a reader that leaves; a paused client does not hold up a fast one;
 * --serve streams to a real nc; and no process outlives a run.
 */
import { describe, expect, test } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { JsonLines, childrenOf, collect, isAlive, runWatched, startCli, type JsonLine, startServing } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';

const sh = promisify(execFile);
const MiB = 1024 * 1024;

async function run(args: string[]) {
  const r = await runWatched<JsonLine>(args);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  return r;
}

const events = (lines: JsonLine[], actor: string, name?: string) =>
  lines.filter((l) => l.type === 'event' && l.actor === actor && (name === undefined || l.name === name));
const isWrite = (l: JsonLine) => l.name === 'write→true' || l.name === 'write→false';
type WriterSummary = { peakWritableLength: number; peakRssGrowth: number; peakBufferGrowth: number; falseReturns: number; drains: number };

describe('netlab run backpressure --json (the tour: polite vs impolite)', () => {
  test('each write with its bytes and writableLength; false, drain, pause/resume; the impolite writer piles the stream up, the polite one never', async () => {
    const r = await run(['run', 'backpressure', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = r.lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', ok: true, lab: 'backpressure', scenario: 'tour' });
    const summary = result.summary as Record<string, unknown> & { lines: string[]; totalBytes: number };

    // Given the running Node's default writableHighWaterMark, shown as it is (16 KiB on 20, 64 KiB since 22)
    const hwm = new net.Socket().writableHighWaterMark;
    expect(events(r.lines, 'polite', 'writableHighWaterMark')[0]!.detail).toMatchObject({ bytes: hwm, node: process.version });
    expect(summary.writableHighWaterMark).toBe(hwm);

    // When the polite writer meets a paused reader: writes with bytes and writableLength, a false, then a drain
    const politeWrites = events(r.lines, 'polite').filter(isWrite);
    expect(politeWrites.length).toBeGreaterThan(0);
    for (const w of politeWrites) expect(w.detail).toEqual({ bytes: expect.any(Number), writableLength: expect.any(Number) });
    expect(politeWrites.reduce((n, w) => n + Number(w.detail!.bytes), 0)).toBe(summary.totalBytes);
    const firstFalse = r.lines.findIndex((l) => l.actor === 'polite' && l.name === 'write→false');
    expect(firstFalse).toBeGreaterThan(-1);
    const falseObject = r.lines[firstFalse]!.object;
    const drain = r.lines.findIndex((l, i) => i > firstFalse && l.actor === 'polite' && l.name === 'drain' && l.object === falseObject);
    expect(drain, 'a drain after the false, on the same socket').toBeGreaterThan(firstFalse);
    expect(r.lines[drain]!.detail).toMatchObject({ writableLength: 0 });
    // …and nothing written to that socket between the false and its drain
    expect(r.lines.slice(firstFalse + 1, drain).filter((l) => l.actor === 'polite' && l.object === falseObject && isWrite(l))).toEqual([]);
    for (const w of politeWrites) expect(Number(w.detail!.writableLength)).toBeLessThanOrEqual(hwm + 64 * 1024);

    // The reader pauses and resumes (shown in this lab), with its buffer
    const pauses = events(r.lines, 'reader#1', 'pause');
    const resumes = events(r.lines, 'reader#1', 'resume');
    expect(pauses.length).toBeGreaterThan(0);
    expect(resumes.length).toBeGreaterThan(0);
    expect(resumes[0]!.detail).toHaveProperty('readableLength');

    // Then the impolite writer holds most of the stream in its socket while the same reader sleeps
    const measure = (key: keyof WriterSummary) => summary[key] as { polite: number; impolite: number };
    const writer = (name: 'polite' | 'impolite') =>
      Object.fromEntries((['peakWritableLength', 'peakRssGrowth', 'peakBufferGrowth', 'falseReturns', 'drains'] as const).map((k) => [k, measure(k)[name]])) as WriterSummary;
    const polite = writer('polite');
    const impolite = writer('impolite');
    expect(polite.peakWritableLength).toBeLessThanOrEqual(hwm + 64 * 1024);
    expect(impolite.peakWritableLength).toBeGreaterThan(summary.totalBytes / 4);
    expect(impolite.peakBufferGrowth).toBeGreaterThan(summary.totalBytes / 4);
    // (Buffer memory also counts garbage not yet collected, so the writers are compared by what
    // their sockets held.)
    expect(impolite.peakWritableLength).toBeGreaterThan(4 * polite.peakWritableLength);
    expect(impolite.peakRssGrowth).toBeGreaterThan(summary.totalBytes / 4);
    expect(polite.drains).toBe(polite.falseReturns);
    expect(events(r.lines, 'impolite', 'write→false').length).toBe(impolite.falseReturns);

    // The summary: a chart of both writers and a table, every line within 80 columns
    const text = summary.lines.join('\n');
    expect(text).toMatch(/^polite\s+\S+ \S+ ┤/m);
    expect(text).toMatch(/^impolite\s+\S+ \S+ ┤/m);
    expect(text).toMatch(/^polite\s+64\.0 KiB\s+[+-]/m);
    // (78: the interactive lab's trace view, 80 columns minus its margins)
    for (const line of summary.lines) expect([...line].length, line).toBeLessThanOrEqual(78);
  });
});

describe('netlab run backpressure --scenario …', () => {
  test('pipeline: the whole stream to a slow reader, then a reader that leaves: the callback gets the error and the source is destroyed', async () => {
    const r = await run(['run', 'backpressure', '--json', '--scenario', 'pipeline', '--set', 'total=16m']);
    expect(r.code, r.stderr).toBe(0);
    const callbacks = events(r.lines, 'pipeline', 'pipeline callback');
    expect(callbacks).toHaveLength(2);
    expect(callbacks[0]!.detail).toMatchObject({ error: null, produced: 16 * MiB });
    expect(callbacks[1]!.detail).toMatchObject({ code: expect.any(String), sourceDestroyed: true });
    const { leaver } = r.lines.at(-1)!.summary as { leaver: { read: number; produced: number } };
    expect(leaver.read).toBeGreaterThanOrEqual(MiB);
    expect(leaver.produced).toBeLessThan(16 * MiB);
    // pipe() pauses the source on false and resumes it on drain: the source's pause/resume are on the trace
    expect(r.lines.some((l) => l.actor === 'pipeline' && l.name === 'pause' && String(l.object).startsWith('Readable#'))).toBe(true);
  });

  test('two-readers: the fast client gets everything while the paused one has not read a byte', async () => {
    const r = await run(['run', 'backpressure', '--json', '--scenario', 'two-readers', '--set', 'total=8m']);
    expect(r.code, r.stderr).toBe(0);
    const fastDone = r.lines.findIndex((l) => l.actor === 'fast' && l.name === 'received');
    expect(r.lines[fastDone]!.detail).toMatchObject({ bytes: 8 * MiB, pattern: 'every byte i = i % 256' });
    const pausedFirstData = r.lines.findIndex((l) => l.actor === 'paused' && l.name === 'data');
    expect(pausedFirstData).toBeGreaterThan(fastDone);
    expect(events(r.lines, 'paused', 'received')[0]!.detail).toMatchObject({ bytes: 8 * MiB });
  });

  test('--use with a writer that never sends fails the demo with its reason (exit 1), instead of hanging', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-backpressure-test-'));
    try {
      const file = join(dir, 'backpressure.ts');
      writeFileSync(file, `import * as net from 'node:net';\nexport function createFirehose(totalBytes: number) {\n  return net.createServer((socket) => { socket.on('error', () => {}); });\n}\n`);
      const r = await run(['run', 'backpressure', '--json', '--scenario', 'polite', '--use', file, '--set', 'sleep=0']);
      expect(r.code).toBe(1);
      expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: false });
      expect((r.lines.at(-1)!.error as { message: string }).message).toMatch(/reader: got 0 of 33554432 bytes, and the stream did not end/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a bad --set value is a usage error: one line, exit 2', async () => {
    const r = await run(['run', 'backpressure', '--set', 'total=lots']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--set total=lots/);
  });
});

describe('netlab run backpressure --serve', () => {
  test('prints nc commands that work: nc gets exactly the stream; a stalled reader is printed too; Ctrl-C stops everything', async () => {
    const { cli, out, done, serve } = await startServing('backpressure', ['--set', 'total=1m']);
    const port = Number(/^127\.0\.0\.1:(\d+)$/.exec(serve.address)![1]);
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);

    expect(serve.commands).toContain(`nc 127.0.0.1 ${port} < /dev/null > /dev/null`);
    const count = serve.commands.find((c) => c.endsWith('| wc -c'))!;
    const { stdout } = await sh('sh', ['-c', count], { timeout: 20_000 });
    expect(Number(stdout.trim())).toBe(MiB);
    await out.waitFor((l) => l.actor === 'server' && l.name === 'finish');

    // The stalled reader: pv when installed, else a node one-liner that pauses a second per chunk
    const slow = serve.commands.at(-1)!;
    expect(slow).toMatch(/pv -L 10k|node -e/);
    const isConnection = (l: JsonLine) => l.actor === 'server' && l.name === 'connection';
    const before = out.all.filter(isConnection).length;
    const reader = spawn('sh', ['-c', slow], { stdio: 'ignore', detached: true });
    try {
      const connection = await out.waitFor((l) => isConnection(l) && out.all.filter(isConnection).indexOf(l) >= before);
      // The server streams to it, and the reader (reading a chunk a second) is still there afterwards.
      await out.waitFor((l) => l.actor === 'server' && l.name === 'write→true' && l.object === connection.detail!.socket);
      expect(reader.exitCode).toBeNull();
    } finally {
      process.kill(-reader.pid!, 'SIGTERM');
      if (reader.exitCode === null && reader.signalCode === null) await once(reader, 'exit');
    }

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(parseNdjson<JsonLine>(r.stdout).at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  });
});
