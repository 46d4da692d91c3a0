/**
 * `netlab run <lab> --packets`, end to end: the lab's programs run in a private network whose
 * loopback tcpdump records, and each packet is a `wire` event on the same clock as Node's
 * events, named by the actors that own its ends. Every packet tcpdump counts reaches the trace;
 * nothing (tcpdump included) outlives the run; where capture is impossible the run goes on
 * without packets and says why in one line.
 */
import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { captureUnavailable, findExecutable } from '../src/runtime/namespace.js';
import { CLI, goneWithin, processesMarked, runWatched, type JsonLine } from './helpers/cli.js';

const unavailable = captureUnavailable();
type Line = JsonLine & { t?: number };

/** Pids of running tcpdump processes (Linux /proc). */
function tcpdumps(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')[0]!.endsWith('tcpdump');
      } catch {
        return false;
      }
    })
    .map(Number);
}

let runs = 0;

async function run(args: string[]) {
  // This run's processes carry a mark in their environment (tcpdump too): other tests' tcpdumps are not this run's.
  const mark = `NETLAB_TEST_RUN=wire-${process.pid}-${++runs}-end`;
  const r = await runWatched<Line>([...args, '--json', '--packets'], 60_000, { NETLAB_TEST_RUN: mark.split('=')[1] });
  expect(r.survivors, 'processes that outlived netlab').toEqual([]);
  const mine = new Set(processesMarked(mark));
  const left = tcpdumps().filter((p) => mine.has(p));
  for (const pid of left) expect(await goneWithin(pid), `tcpdump ${pid} is gone`).toBe(true);
  expect(r.code, r.stderr).toBe(0);
  const result = r.lines.at(-1)!;
  expect(result.type).toBe('result');
  return { ...r, wire: r.lines.filter((l) => l.actor === 'wire'), result };
}

const at = (lines: Line[], match: (l: Line) => boolean) => lines.findIndex(match);

describe.skipIf(Boolean(unavailable))(`packets on the trace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  test('tcp-echo: the handshake before connect, data segments, end() → FIN → the peer\'s end, in both directions; every packet counted', async () => {
    const r = await run(['run', 'tcp-echo']);
    const { captured, traced } = (r.result.summary as { packets: { captured: number; traced: number } }).packets;
    expect(traced).toBeGreaterThan(20);
    expect(captured).toBe(traced);
    expect(r.wire).toHaveLength(traced);
    // One clock: the lines are in time order, packets among events.
    const times = r.lines.slice(0, -1).map((l) => l.t!);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Given client#1's connection, named by its actors
    const syn = at(r.lines, (l) => l.name === 'SYN' && l.detail?.path === 'client#1 → server');
    const synAck = at(r.lines, (l) => l.name === 'SYN-ACK' && l.detail?.path === 'server → client#1');
    const connect = at(r.lines, (l) => l.actor === 'client#1' && l.name === 'connect');
    expect(syn).toBeGreaterThan(-1);
    // Then the three-way handshake is on the wire before the client's connect event
    expect(synAck).toBeGreaterThan(syn);
    expect(connect).toBeGreaterThan(synAck);
    expect(r.lines[syn]!.detail).toMatchObject({ seq: 0, len: 0 });
    // And data segments carry the bytes; the two back-to-back writes may share one segment
    // (a loaded machine queues them together), so only the first segment's start is fixed
    const data = r.wire.filter((l) => l.detail?.path === 'client#1 → server' && Number(l.detail?.len) > 0);
    expect(String(data[0]?.detail?.preview)).toMatch(/^hello /);
    // And end() is a FIN, followed by the peer's 'end' event
    const finIn = at(r.lines, (l) => l.name === 'FIN' && l.detail?.path === 'client#1 → server');
    const serverEnd = at(r.lines, (l) => l.actor === 'server' && l.name === 'end');
    expect(finIn).toBeGreaterThan(-1);
    expect(serverEnd).toBeGreaterThan(finIn);
    expect(r.wire.some((l) => l.name === 'FIN' && l.detail?.path === 'server → client#1')).toBe(true);
  });

  test('tcp-echo reset: resetAndDestroy() is an RST, and the server then sees ECONNRESET', async () => {
    const r = await run(['run', 'tcp-echo', '--scenario', 'reset']);
    const rst = at(r.lines, (l) => l.name === 'RST' && l.detail?.path === 'client#1 → server');
    const reset = at(r.lines, (l) => l.actor === 'server' && l.name === 'error' && l.detail?.code === 'ECONNRESET');
    expect(rst).toBeGreaterThan(-1);
    expect(reset).toBeGreaterThan(rst);
  });

  test('udp lost: the datagram, and the ICMP port unreachable behind a connected socket\'s ECONNREFUSED', async () => {
    const r = await run(['run', 'udp', '--scenario', 'lost']);
    const icmp = at(r.lines, (l) => l.name === 'ICMP port-unreachable' && String(l.detail?.path).endsWith('→ client#2'));
    const refused = at(r.lines, (l) => l.actor === 'client#2' && l.name === 'error' && l.detail?.code === 'ECONNREFUSED');
    expect(icmp).toBeGreaterThan(-1);
    expect(String(r.lines[icmp]!.detail!.answers)).toMatch(/^UDP client#2 → 127\.0\.0\.1:\d+$/);
    expect(refused).toBeGreaterThan(icmp);
    expect(r.wire.filter((l) => l.name === 'UDP').every((l) => l.detail?.len === 17)).toBe(true);
  });

  test('unix-socket over HTTP: nothing at all crosses the loopback', async () => {
    const r = await run(['run', 'unix-socket', '--scenario', 'http']);
    expect(r.lines.some((l) => l.name === 'listening')).toBe(true);
    expect(r.wire).toEqual([]);
    expect(r.result.summary).toMatchObject({ packets: { captured: 0, traced: 0 } });
  });

  test.skipIf(process.getuid?.() !== 0 || !findExecutable('setpriv'))('an unprivileged user captures too (no root needed)', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'run', 'tcp-echo', '--scenario', 'reset', '--packets', '--json'], {
      encoding: 'utf8',
      cwd: '/tmp',
      env: { ...process.env, HOME: '/tmp' },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { summary: { packets: { captured: number; traced: number } } };
    expect(result.summary.packets.traced).toBeGreaterThan(5);
    expect(result.summary.packets.captured).toBe(result.summary.packets.traced);
  });
});

test('where capture is impossible, --packets says why in one line and the run goes on', async () => {
  const r = await runWatched<Line>(['run', 'udp', '--packets', '--json'], 60_000, { NETLAB_NO_NAMESPACE: '1' });
  expect(r.code, r.stderr).toBe(0);
  const said = r.stderr.split('\n').filter((l) => /packets not captured/.test(l));
  expect(said).toHaveLength(1);
  // The first reason is said: without tcpdump on this machine, that one.
  expect(said[0]).toMatch(unavailable && /tcpdump/.test(unavailable) ? /tcpdump/ : /NETLAB_NO_NAMESPACE/);
  expect(r.lines.filter((l) => l.actor === 'wire')).toEqual([]);
  expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: true });
});
