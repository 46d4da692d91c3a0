/**
 * `netlab grade --packets`: grading runs in a private network whose loopback tcpdump records,
 * and a failing check's trace holds the packets of that check — its own connections, on its
 * clock — so a learner whose server resets instead of ending sees the RST. The verdicts are the
 * ones grading gives without packets; nothing (tcpdump included) outlives the run; where
 * capture is impossible grading says why in one line and goes on without packets.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureUnavailable } from '../src/runtime/namespace.js';
import type { JsonReport } from '../src/grade/report/json.js';
import type { TraceLine } from '../src/trace/event.js';
import { goneWithin, processesMarked, runWatched } from './helpers/cli.js';
import { ROOT, tempDir } from './grade-support.js';

const unavailable = captureUnavailable();

let workspace: { dir: string; remove: () => void };

beforeAll(() => {
  workspace = tempDir('netlab-grade-packets-');
  // Given a tcp-echo server that resets each connection when its first bytes arrive, instead of echoing and ending
  const solution = readFileSync(join(ROOT, 'labs', 'tcp-echo', 'exercise', 'solution.ts'), 'utf8');
  const resets = solution.replace('socket.pipe(socket);', "socket.once('data', () => socket.resetAndDestroy());");
  expect(resets).not.toBe(solution);
  writeFileSync(join(workspace.dir, 'tcp-echo.ts'), resets);
});
afterAll(() => workspace?.remove());

let runs = 0;

async function grade(packets: boolean, env?: NodeJS.ProcessEnv) {
  const args = ['grade', 'tcp-echo', '--dir', workspace.dir, '--reporter', 'json', ...(packets ? ['--packets'] : [])];
  // Every process of this grading carries a mark in its environment (vitest's workers, the learner's, tcpdump).
  const mark = `grade-packets-${process.pid}-${++runs}-end`;
  const r = await runWatched(args, 120_000, { ...env, NETLAB_TEST_RUN: mark });
  expect(r.survivors, 'processes that outlived netlab').toEqual([]);
  for (const pid of processesMarked(`NETLAB_TEST_RUN=${mark}`)) expect(await goneWithin(pid), `process ${pid} of the grading is gone`).toBe(true);
  expect(r.code, r.stderr).toBe(1);
  return { ...r, report: JSON.parse(r.stdout) as JsonReport };
}

const verdicts = (report: JsonReport) => report.tests.map((c) => `${c.id}: ${c.status}`);
const wire = (trace: TraceLine[] | undefined) => (trace ?? []).filter((l) => l.type === 'event' && l.actor === 'wire');

describe.skipIf(Boolean(unavailable))(`a failing check's packets on its trace${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  test("the server's RST is on the trace of the check it failed, among that check's own packets, and the verdicts are those without --packets", async () => {
    // When it is graded with --packets, and without
    const [withPackets, without] = await Promise.all([grade(true), grade(false)]);

    // Then the verdicts are the same
    expect(verdicts(withPackets.report)).toEqual(verdicts(without.report));
    const check = withPackets.report.tests.find((c) => c.id === 'echoes-interactively')!;
    expect(check.status).toBe('fail');

    // And the failing check's trace holds its connection's packets: the handshake, our data, the server's RST
    const packets = wire(check.trace);
    const names = packets.map((l) => `${l.type === 'event' ? l.name : ''} ${l.type === 'event' ? l.detail.path : ''}`);
    expect(names).toContain('SYN client#1 → learner');
    expect(names).toContain('PSH client#1 → learner');
    expect(names).toContain('RST learner → client#1');
    // Only this check's packets, every end named by an actor of this check
    for (const l of packets) expect(l.type === 'event' && l.detail.path).toMatch(/^(learner|client#1) → (learner|client#1)$/);
    // On the check's clock, numbered with its lines: the packets in time order, the RST before the client's ECONNRESET
    // (the trace's own lines are in order too, but for one that reached the check later than its reorder window)
    const trace = check.trace!;
    expect(packets.map((l) => l.t)).toEqual(packets.map((l) => l.t).sort((a, b) => a - b));
    expect(trace.map((l) => l.seq)).toEqual(trace.map((_, i) => trace[0]!.seq + i));
    const rst = trace.find((l) => l.type === 'event' && l.name === 'RST')!;
    const reset = trace.find((l) => l.type === 'event' && l.actor === 'client#1' && l.name === 'error');
    if (reset) expect(rst.t).toBeLessThan(reset.t);
    const previous = trace[trace.indexOf(rst) - 1];
    if (previous && previous.actor !== 'wire') expect(previous.t).toBeLessThanOrEqual(rst.t);

    // And without --packets no trace has a packet
    for (const c of without.report.tests) expect(wire(c.trace)).toEqual([]);
  }, 240_000);
});

test('where capture is impossible, --packets says why in one line and grading goes on without packets', async () => {
  const r = await grade(true, { NETLAB_NO_NAMESPACE: '1' });
  const said = r.stderr.split('\n').filter((l) => /packets not captured/.test(l));
  expect(said).toHaveLength(1);
  // The first reason is said: without tcpdump on this machine, that one.
  expect(said[0]).toMatch(unavailable && /tcpdump/.test(unavailable) ? /tcpdump/ : /NETLAB_NO_NAMESPACE/);
  const checks = r.report.tests;
  expect(checks.find((c) => c.id === 'echoes-interactively')?.status).toBe('fail');
  for (const c of checks) expect(wire(c.trace)).toEqual([]);
}, 120_000);
