/**
 * The ipc-handles lab's demo, end to end through the built CLI: every process is an actor, the
 * primary hands each connection to the next worker as a handle (the worker sees the client's own
 * port), a killed worker is replaced, shutdown lets a connection finish, --serve answers a real
 * `nc` and shows a restart after a real `kill`, and no process (workers included) outlives a run.
 */
import { describe, expect, test } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { JsonLines, collect, goneWithin, runWatched, startCli, type JsonLine } from '../../../test/helpers/cli.js';

type Line = JsonLine;

async function run(args: string[]) {
  const r = await runWatched<Line>(args);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  return r;
}

const events = (lines: Line[], actor: string | RegExp, name?: string) =>
  lines.filter((l) => l.type === 'event' && (typeof actor === 'string' ? l.actor === actor : actor.test(String(l.actor))) && (name === undefined || l.name === name));

/** Every worker pid the primary forked (from its `fork` lines) must be gone after the run. */
async function expectWorkersGone(lines: Line[]): Promise<void> {
  const pids = events(lines, /^primary/, 'fork').map((l) => Number(l.detail!.pid));
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) expect(await goneWithin(pid), `worker ${pid} is gone`).toBe(true);
}

describe('netlab run ipc-handles --json', () => {
  test('round-robin: each connection is handed, unread, to the next worker, which sees the client itself', async () => {
    const r = await run(['run', 'ipc-handles', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: true, lab: 'ipc-handles', scenario: 'round-robin' });

    // Given three workers forked, each a process of its own that said ready
    const forks = events(r.lines, 'primary', 'fork');
    expect(forks.map((f) => f.detail!.worker)).toEqual(['worker#1', 'worker#2', 'worker#3']);
    const ready = events(r.lines, 'primary', 'message').filter((l) => (l.detail!.message as { type?: string })?.type === 'ready');
    expect(ready).toHaveLength(3);
    for (const w of ['worker#1', 'worker#2', 'worker#3']) expect(events(r.lines, w).length, `${w} traces itself`).toBeGreaterThan(0);

    // When six clients connect one after another
    const answers = events(r.lines, 'client', 'answer').map((l) => l.detail!);
    expect(answers).toHaveLength(6);

    // Then any three in a row were served by three different pids, and each worker saw the client's own port
    const pids = answers.map((a) => a.pid);
    for (let i = 0; i + 3 <= pids.length; i++) expect(new Set(pids.slice(i, i + 3)).size).toBe(3);
    for (const a of answers) expect(a.sameSocket).toBe(true);
    const sends = events(r.lines, 'primary', 'send');
    expect(sends).toHaveLength(6);
    for (const s of sends) expect(s.detail!.bytesRead).toBe(0);

    // And close() disconnected every worker, which exited by itself (code 0)
    const exits = events(r.lines, 'primary', 'exit');
    expect(exits.map((e) => e.detail!.code)).toEqual([0, 0, 0]);
    await expectWorkersGone(r.lines);
  });

  test('messages: json turns a Map into {} and a Buffer into a plain object; advanced keeps both', async () => {
    const r = await run(['run', 'ipc-handles', '--scenario', 'messages', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const childSaw = events(r.lines, 'child', 'message').map((l) => l.detail!.message as Record<string, unknown>);
    expect(childSaw).toHaveLength(2);
    expect(childSaw[0]).toMatchObject({ tags: {}, bytes: { type: 'Buffer' } });
    expect(childSaw[1]).toMatchObject({ tags: 'Map(1)', bytes: 'Buffer(2)' });
    // The channel is there, and NODE_CHANNEL_FD was consumed at start-up.
    expect(events(r.lines, 'child', 'ipc')[0]!.detail).toMatchObject({ send: 'function', channel: 'open', NODE_CHANNEL_FD: 'removed' });
    // disconnect() on both sides, then the child exits by itself
    expect(events(r.lines, /^parent/, 'exit').map((e) => e.detail!.code)).toEqual([0, 0]);
  });

  test('restart: a worker killed with SIGKILL is replaced at once and the next clients reach the replacement', async () => {
    const r = await run(['run', 'ipc-handles', '--scenario', 'restart', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const killed = events(r.lines, 'primary', 'exit').find((e) => e.detail!.signal === 'SIGKILL');
    expect(killed).toBeDefined();
    const replacement = events(r.lines, 'primary', 'fork').find((f) => f.detail!.worker === 'worker#4');
    expect(replacement, 'a fourth worker was forked').toBeDefined();
    expect(replacement!.t as number).toBeGreaterThanOrEqual(killed!.t as number);
    const after = events(r.lines, 'client#2', 'answer').map((a) => a.detail!.pid);
    expect(after).toContain(replacement!.detail!.pid);
    expect(after).not.toContain(killed!.detail!.pid);
    await expectWorkersGone(r.lines);
  });

  test('shutdown: the idle worker exits at once, the busy one finishes its connection first', async () => {
    const r = await run(['run', 'ipc-handles', '--scenario', 'shutdown', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const answer = events(r.lines, 'client', 'answer')[0]!.detail!;
    const busy = events(r.lines, 'primary', 'fork').find((f) => f.detail!.pid === answer.pid)!.detail!.worker as string;
    const busyEnd = events(r.lines, busy, 'end')[0]!;
    const busyExit = events(r.lines, 'primary', 'exit').find((e) => e.detail!.pid === answer.pid)!;
    expect(busyExit.t as number).toBeGreaterThan(busyEnd.t as number);
    expect(events(r.lines, 'primary', 'exit').every((e) => e.detail!.code === 0)).toBe(true);
    await expectWorkersGone(r.lines);
  });

  test('shared-server: the workers accept on one listening socket they were sent', async () => {
    const r = await run(['run', 'ipc-handles', '--scenario', 'shared-server', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const answers = events(r.lines, 'client', 'answer');
    expect(answers).toHaveLength(12);
    for (const a of answers) expect(a.detail!.sameSocket).toBe(true);
    expect(events(r.lines, 'primary', 'send').filter((s) => s.detail!.handle === 'net.Server')).toHaveLength(3);
  });
});

describe('netlab run ipc-handles --serve', () => {
  test('a real nc reaches a worker; a real kill makes the primary fork a replacement', async () => {
    const cli = startCli(['run', 'ipc-handles', '--serve', '--json']);
    const lines = new JsonLines<Line>(cli);
    try {
      const serving = await lines.waitFor((l) => l.type === 'serve');
      const commands = serving.commands as string[];
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(String(serving.address))![1]);
      const nc = spawnSync('sh', ['-c', `echo hello | nc -N 127.0.0.1 ${port}`], { encoding: 'utf8', timeout: 10_000 });
      expect(JSON.parse(nc.stdout.trim())).toMatchObject({ pid: expect.any(Number), remotePort: expect.any(Number) });

      // The printed kill command, as a learner would paste it
      const kill = commands.find((c) => c.startsWith('kill '))!.replace(/\s+#.*$/, '');
      const victim = Number(kill.split(' ')[1]);
      spawnSync('sh', ['-c', kill]);
      await lines.waitFor((l) => l.name === 'exit' && (l.detail as { pid?: number })?.pid === victim);
      await lines.waitFor((l) => l.name === 'fork' && (l.detail as { worker?: string })?.worker === 'worker#4');
    } finally {
      cli.kill('SIGINT');
      await collect(cli).catch(() => undefined);
    }
    await expectWorkersGone(lines.all);
  });
});

test('the worker netlab ships refuses to run without an IPC channel', async () => {
  const child = spawn(process.execPath, [new URL('../../../dist/labs/ipc-handles/exercise/worker.cjs', import.meta.url).pathname], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const [code] = await once(child, 'exit');
  expect(code).toBe(1);
  expect(stderr).toMatch(/child_process\.fork/);
});
