/**
 * The agent-maxsockets lab's demo, end to end through the built CLI: the NDJSON trace carries,
 * per request, the `socket` event (new or reused) and the `response`, the agent's `free` and
 * queue state; the result line carries measured and ideal times per k; the scenarios count the
 * connections that keepAlive, maxFreeSockets, agent: false and undici's Pool imply. No timing
 * is asserted here (timing belongs to `npm run bench`): only counts, which are deterministic.
 */
import { describe, expect, onTestFinished, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWatched } from '../../../test/helpers/cli.js';
import { writeFixtureTo } from '../../../test/helpers/fixtures.js';
import { drawWaterfall, idealMs, parseKs, type RequestTiming } from '../timing.js';

type Line = {
  type: string;
  seq?: number;
  t?: number;
  actor?: string;
  object?: string;
  name?: string;
  text?: string;
  detail?: Record<string, unknown>;
  ok?: boolean;
  summary?: Record<string, unknown>;
  error?: { code: string; message: string };
};


/** `netlab run agent-maxsockets --json …`, with small N and D; asserts no child survives. */
async function run(args: string[]) {
  const r = await runWatched<Line>(['run', 'agent-maxsockets', '--json', ...args]);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  const lines = r.lines;
  const result: Line = lines.at(-1) ?? { type: 'none' };
  return { ...r, lines, result, summary: (result.summary ?? {}) as Record<string, unknown> };
}

const small = ['--set', 'requests=4', '--set', 'delay=40'];
const events = (lines: Line[], actor: string, name: string) => lines.filter((l) => l.type === 'event' && l.actor === actor && l.name === name);

describe('netlab run agent-maxsockets (maxSockets k = 1, 2, Infinity)', () => {
  test('each request gets a socket (new, then reused) and a response; the result has measured and ideal per k', async () => {
    const r = await run([...small, '--set', 'k=1,2,Infinity']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.result).toMatchObject({ type: 'result', ok: true, lab: 'agent-maxsockets', scenario: 'maxsockets' });

    // Given N = 4 requests sent at once through one agent per k
    for (const [k, sockets] of [
      ['1', 1],
      ['2', 2],
      ['Infinity', 4],
    ] as const) {
      const actor = `client(k=${k})`;
      // Then every request emits `socket` and `response`
      const socketEvents = events(r.lines, actor, 'socket');
      expect(socketEvents, actor).toHaveLength(4);
      expect(events(r.lines, actor, 'response').map((e) => e.detail?.statusCode)).toEqual([200, 200, 200, 200]);
      // and exactly k sockets are new: the others are reused, handed over from the queue
      expect(socketEvents.filter((e) => e.detail?.reused === false), actor).toHaveLength(sockets);
      expect(socketEvents.filter((e) => e.detail?.reused === true), actor).toHaveLength(4 - sockets);
      expect(new Set(socketEvents.map((e) => e.detail?.socket)).size).toBe(sockets);
      // and the agent says what it did with each request and each freed socket
      const pool = events(r.lines, actor, 'pool');
      const got = pool.filter((e) => e.detail?.request !== undefined).map((e) => e.detail?.got);
      expect(got).toEqual([...Array(sockets).fill('a new socket'), ...Array(4 - sockets).fill('queued')]);
      expect(pool.filter((e) => e.detail?.request !== undefined).map((e) => e.detail?.requests)).toEqual([0, 0, 0, 0].map((_, i) => Math.max(0, i + 1 - sockets)));
      expect(events(r.lines, actor, 'free').length).toBeGreaterThanOrEqual(4);
      expect(pool.filter((e) => e.detail?.went === 'to the next queued request')).toHaveLength(4 - sockets);
    }

    // And the result line carries measured and ideal times per k (no timing asserted: only shape)
    const { measuredMs, idealMs: ideal, ratio, connections, lines } = r.summary as Record<string, Record<string, number>> & { lines: string[] };
    expect(Object.keys(measuredMs)).toEqual(['1', '2', 'Infinity']);
    for (const k of ['1', '2', 'Infinity']) expect(typeof measuredMs[k]).toBe('number');
    expect(ideal).toEqual({ '1': 160, '2': 80, Infinity: 40 });
    expect(Object.keys(ratio)).toEqual(['1', '2', 'Infinity']);
    expect(connections).toEqual({ '1': 1, '2': 2, Infinity: 4 });
    // And the pretty summary has a table and a waterfall per k
    expect(lines.some((l) => /^maxSockets\s+measured\s+ideal/.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('maxSockets ') && l.includes('(ideal '))).toHaveLength(3);
    expect(lines.filter((l) => l.includes('█')).length).toBeGreaterThanOrEqual(12);
  });

  test('a bad --set value stops the demo with a message that names it', async () => {
    const r = await run(['--set', 'k=1,0']);
    expect(r.code, 'a usage error').toBe(2);
    expect(r.stderr).toMatch(/k=1,0/);
    expect(r.result).toMatchObject({ type: 'result', ok: false });
    expect(r.result.error?.message).toMatch(/k=1,0.*"0".*positive integer/);
    const unknown = await run(['--set', 'sockets=3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no option "sockets".*requests, delay, k/);
  });
});

describe('the other scenarios count what each pool does with connections', () => {
  test('keep-alive: reused across bursts only with keepAlive: true; Connection: close only with no limit', async () => {
    const r = await run(['--scenario', 'keep-alive', ...small, '--set', 'k=2']);
    expect(r.code, r.stderr).toBe(0);
    const agents = r.summary.agents as Record<string, { connections: number; reused: number; idleAfterBurst: number[]; connectionHeader: string }>;
    expect(agents['keepAlive: true, maxSockets: 2']).toMatchObject({ connections: 2, reused: 6, idleAfterBurst: [2, 2], connectionHeader: 'keep-alive' });
    expect(agents['keepAlive: false, maxSockets: 2']).toMatchObject({ connections: 4, reused: 4, idleAfterBurst: [0, 0], connectionHeader: 'keep-alive' });
    expect(agents['keepAlive: false, maxSockets: Infinity']).toMatchObject({ connections: 8, reused: 0, connectionHeader: 'close' });
  });

  test('agent-false: a connection per request; the global agent keeps its sockets (Node 19+)', async () => {
    const r = await run(['--scenario', 'agent-false', ...small]);
    expect(r.code, r.stderr).toBe(0);
    const agents = r.summary.agents as Record<string, { connections: number; reused: number; idleAfterBurst: number[]; connectionHeader: string }>;
    expect(agents['agent: false']).toMatchObject({ connections: 8, reused: 0, idleAfterBurst: [0, 0], connectionHeader: 'close' });
    expect(agents['http.globalAgent']).toMatchObject({ connections: 4, reused: 4, idleAfterBurst: [4, 4], connectionHeader: 'keep-alive' });
  });

  test('max-free-sockets: only maxFreeSockets idle sockets survive a burst', async () => {
    const r = await run(['--scenario', 'max-free-sockets', ...small, '--set', 'k=4']);
    expect(r.code, r.stderr).toBe(0);
    const agents = r.summary.agents as Record<string, { connections: number; idleAfterBurst: number[] }>;
    expect(agents['maxFreeSockets=256']).toMatchObject({ connections: 4, idleAfterBurst: [4, 4] });
    expect(agents['maxFreeSockets=2']).toMatchObject({ connections: 6, idleAfterBurst: [2, 2] });
  });

  test('undici-pool: Pool({ connections: k }) opens as many connections as http.Agent({ maxSockets: k })', async () => {
    const r = await run(['--scenario', 'undici-pool', ...small, '--set', 'k=1,3']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(r.summary.measuredMs as object)).toEqual(['1', '3']);
    expect(r.summary.idealMs).toEqual({ '1': 160, '3': 80 });
    const lines = r.summary.lines as string[];
    expect(lines.find((l) => l.startsWith('1 '))).toMatch(/1 \/ 1$/);
    expect(lines.find((l) => l.startsWith('3 '))).toMatch(/3 \/ 3$/);
    // undici reports through diagnostics_channel: one connection per socket of the pool
    expect(events(r.lines, 'client(undici, k=3)', 'undici:client:connected')).toHaveLength(3);
  });

  test('fetch-all: the reference fetchAll, and a learner file with --use', async () => {
    const ref = await run(['--scenario', 'fetch-all', ...small, '--set', 'k=2']);
    expect(ref.code, ref.stderr).toBe(0);
    expect(ref.summary).toMatchObject({ implementation: 'reference', connections: { '2': 2 }, idealMs: { '2': 80 } });
    expect(events(ref.lines, 'fetchAll(k=2)', 'http.client.request.start')).toHaveLength(4);
    // A fetchAll that ignores maxSockets (the global agent) opens one connection per URL
    const dir = mkdtempSync(join(tmpdir(), 'netlab-agent-use-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = await writeFixtureTo('agent-maxsockets', 'bad--peak-concurrency--global-agent', join(dir, 'agent-maxsockets.ts'));
    const bad = await run(['--scenario', 'fetch-all', ...small, '--set', 'k=2', '--use', file]);
    expect(bad.code, bad.stderr).toBe(0);
    expect(bad.summary.connections).toEqual({ '2': 4 });
    expect(bad.lines.some((l) => l.type === 'note' && /peak 4 ≠ min\(k, N\) = 2/.test(l.text ?? ''))).toBe(true);
  });
});

describe('timing.ts', () => {
  test('ideal time is ceil(N/k)·D, and k = Infinity is one round', () => {
    expect(idealMs(10, 1, 200)).toBe(2000);
    expect(idealMs(10, 5, 200)).toBe(400);
    expect(idealMs(10, 3, 200)).toBe(800);
    expect(idealMs(10, Infinity, 200)).toBe(200);
    expect(idealMs(2, 5, 100)).toBe(100);
  });

  test('k accepts positive integers and Infinity, and names what it rejects', () => {
    expect(parseKs('1,5,Infinity')).toEqual([1, 5, Infinity]);
    expect(parseKs(' 2 , inf ,∞')).toEqual([2, Infinity, Infinity]);
    expect(() => parseKs('0')).toThrow(/"0"/);
    expect(() => parseKs('1.5')).toThrow(/"1.5"/);
    expect(() => parseKs('')).toThrow(/k=1,5,Infinity/);
  });

  test('the waterfall groups requests by socket: queued ░, on the socket █', () => {
    const r = (i: number, queued: number, assigned: number, end: number, socket: string, reused: boolean): RequestTiming => ({ i, burst: 0, queued, assigned, end, socket, reused, status: 200, sent: 'keep-alive' });
    const lines = drawWaterfall([r(0, 0, 0, 100, 'net.Socket#1', false), r(1, 0, 100, 200, 'net.Socket#1', true), r(2, 0, 0, 100, 'net.Socket#2', false)], { width: 20 });
    expect(lines[0]).toMatch(/0 ms\s+200 ms$/);
    expect(lines[1]).toMatch(/^net\.Socket#1\s+r0\s+new\s+█{10}$/);
    expect(lines[2]).toMatch(/^\s+r1\s+reused ░{10}█{10}$/);
    expect(lines[3]).toMatch(/^net\.Socket#2\s+r2\s+new\s+█{10}$/);
    const compact = drawWaterfall([r(0, 0, 0, 100, 'net.Socket#1', false), r(1, 0, 100, 200, 'net.Socket#1', true)], { width: 20, maxRows: 0 });
    expect(compact[1]).toMatch(/^net\.Socket#1\s+█{10}▓{10}$/);
    expect(compact[2]).toMatch(/^queued\s+·?1{10}·+$/);
  });
});
