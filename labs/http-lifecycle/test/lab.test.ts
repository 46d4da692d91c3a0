/**
 * The http-lifecycle lab's demo, end to end through the built CLI: each scenario's NDJSON trace
 * shows what the lesson points at (one connection then several requests, raw heads, chunked vs
 * Content-Length, 100-continue accepted and refused, an abort without finish, three shutdowns
 * and their timings), --serve answers every curl command it prints, and no process outlives a run.
 */
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { JsonLines, childrenOf, collect, isAlive, runWatched, startCli, type JsonLine, startServing } from '../../../test/helpers/cli.js';

type Line = JsonLine;

async function run(scenario?: string) {
  const r = await runWatched<Line>(['run', 'http-lifecycle', '--json', ...(scenario ? ['--scenario', scenario] : [])]);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  expect(r.code, `${r.stderr}${JSON.stringify(r.lines.at(-1))}`).toBe(0);
  expect(r.lines.at(-1)).toMatchObject({ type: 'result', ok: true, lab: 'http-lifecycle' });
  return r.lines;
}

const events = (lines: Line[], actor: string | RegExp, name?: string) =>
  lines.filter((l) => l.type === 'event' && (typeof actor === 'string' ? l.actor === actor : actor.test(l.actor ?? '')) && (name === undefined || l.name === name));
const summary = (lines: Line[]) => lines.at(-1)!.summary as Record<string, unknown>;

describe('netlab run http-lifecycle --json', () => {
  test('keep-alive: one connection, then three requests on it, with their raw heads', async () => {
    const lines = await run();
    // Given a server that accepted exactly one connection
    const connections = events(lines, 'server', 'connection');
    expect(connections).toHaveLength(1);
    const socket = connections[0]!.detail!.socket;
    // Then three requests arrive on that socket, after the connection
    const requests = events(lines, 'server', 'request');
    expect(requests.map((r) => [r.detail!.method, r.detail!.url, r.detail!.socket])).toEqual([
      ['GET', '/health', socket],
      ['POST', '/upload', socket],
      ['GET', '/health?again=1', socket],
    ]);
    expect(connections[0]!.seq!).toBeLessThan(requests[0]!.seq!);
    const heads = events(lines, 'server', 'request head');
    expect(heads.map((h) => [h.detail!.connection, h.detail!.nth])).toEqual([
      [socket, 1],
      [socket, 2],
      [socket, 3],
    ]);
    expect(heads[1]!.detail!.head).toMatch(/^POST \/upload HTTP\/1\.1\r\n[\s\S]*content-length: 1000/);
    const responses = events(lines, 'server', 'response head');
    expect(responses).toHaveLength(3);
    expect(responses[1]!.detail!.head).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Type: application\/json/);
    // Each response emits finish, then close
    expect(events(lines, 'server', 'finish').filter((e) => String(e.object).startsWith('http.ServerResponse'))).toHaveLength(3);
    expect(events(lines, 'client', 'answer').map((a) => a.detail!.status)).toEqual([200, 200, 200]);
    expect(summary(lines)).toMatchObject({ requests: 3, connections: 1 });
  });

  test('uploads: the same bytes with Content-Length and chunked, both hashed right', async () => {
    const lines = await run('uploads');
    const heads = events(lines, 'server', 'request head').map((h) => String(h.detail!.head));
    expect(heads[0]).toMatch(/content-length: 49152/);
    expect(heads[1]).toMatch(/transfer-encoding: chunked/);
    expect(heads[1]).not.toMatch(/content-length/i);
    const answers = events(lines, 'client', 'answer');
    expect(answers.map((a) => a.detail!.sha256Matches)).toEqual([true, true]);
    // The parser removed the chunk framing: the body's data events add up to the same 48 KiB
    const second = String(events(lines, 'server', 'request')[1]!.detail!.request);
    const bytes = events(lines, 'server', 'data').filter((e) => e.object === second).reduce((n, e) => n + Number(e.detail!.bytes), 0);
    expect(bytes).toBe(49152);
  });

  test('continue: 100 Continue then 200 under the limit; 413 and no body over it', async () => {
    const lines = await run('continue');
    expect(events(lines, 'server', 'checkContinue')).toHaveLength(2);
    const heads = events(lines, 'server', 'response head').map((h) => String(h.detail!.head).split('\r\n')[0]);
    expect(heads).toEqual(['HTTP/1.1 100 Continue', 'HTTP/1.1 200 OK', 'HTTP/1.1 413 Payload Too Large']);
    // The client's first request got 'continue'; the second only a response
    expect(events(lines, 'client', 'continue').map((e) => e.object)).toEqual(['http.ClientRequest#1']);
    expect(events(lines, 'client', 'response').map((e) => e.detail!.statusCode)).toEqual([200, 413]);
    // The refused body never reached the server: its only data event is the 1000 accepted bytes
    expect(events(lines, 'server', 'data').map((e) => e.detail!.bytes)).toEqual([1000]);
    expect(summary(lines)).toMatchObject({ statuses: [200, 413] });
  });

  test('abort: the aborted request closes without finish, and the next upload is served', async () => {
    const lines = await run('abort');
    const [first, second] = events(lines, 'server', 'request');
    const aborted = String(first!.detail!.request);
    const response = String(first!.detail!.response);
    expect(events(lines, 'server', 'aborted').map((e) => e.object)).toEqual([aborted]);
    expect(events(lines, 'server').filter((e) => e.object === response).map((e) => e.name)).toEqual(['close']);
    expect(events(lines, 'server').filter((e) => e.object === second!.detail!.response).map((e) => e.name)).toContain('finish');
    expect(events(lines, 'client', 'answer')[0]!.detail).toMatchObject({ status: 200, sha256Matches: true });
    expect(summary(lines)).toMatchObject({ statuses: [null, 200] });
  });

  test('shutdown: close() leaves the busy connection open, closeAllConnections() kills it, shutdown() does neither', async () => {
    const lines = await run('shutdown');
    const rows = summary(lines).shutdowns as Record<string, { idleClosedMs: number; busyClosedMs: number; answer: unknown; closeEventMs: number; clientHungUp: boolean }>;
    const close = rows['server.close()']!;
    const all = rows['close() + closeAllConnections()']!;
    const mine = rows['shutdown(server) (the exercise)']!;
    // The idle connection closes at once in every case (server.close() does it since Node 19)
    for (const row of [close, all, mine]) expect(row.idleClosedMs).toBeLessThan(close.busyClosedMs);
    // close(): the upload is answered, then its connection stays until the client hangs up
    expect(close).toMatchObject({ answer: 200, clientHungUp: true });
    // closeAllConnections(): the upload in flight is destroyed
    expect(all.answer).toMatch(/^failed/);
    // shutdown(): the upload is answered, then everything closes without anyone hanging up
    expect(mine).toMatchObject({ answer: 200, clientHungUp: false });
    expect(mine.closeEventMs).toBeLessThan(close.closeEventMs);
    expect(events(lines, 'server', 'shutdown resolved')).toHaveLength(1);
  });
});

function sh(command: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { timeout: 20_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe('netlab run http-lifecycle --serve', () => {
  test('every printed curl command works against the server, which traces it; Ctrl-C stops everything', async () => {
    const { cli, out, done, serve } = await startServing('http-lifecycle');
    expect(serve.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);
    const [small, refused, slow, reuse] = serve.commands;

    const a = await sh(small!);
    expect(a.out).toMatch(/< HTTP\/1\.1 200 OK/);
    expect(a.out).toContain('"bytes":13');

    const b = await sh(refused!);
    expect(b.out).toMatch(/< HTTP\/1\.1 413 Payload Too Large/);
    expect(b.out).not.toMatch(/100 Continue/);

    const c = await sh(slow!);
    expect(c.out).toMatch(/< HTTP\/1\.1 200 OK/);
    expect(c.out).toContain('"bytes":40000');

    const d = await sh(reuse!);
    expect(d.out).toMatch(/Re-using existing connection/);
    expect(d.out.match(/< HTTP\/1\.1 /g)).toHaveLength(3);

    // The server traced them: the slow chunked body arrived as many data events
    await out.waitFor((l) => l.type === 'event' && l.name === 'request' && l.detail?.url === '/nope');
    const chunked = out.all.filter((l) => l.name === 'request head' && /transfer-encoding: chunked/i.test(String(l.detail?.head)));
    expect(chunked).toHaveLength(1);

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
  }, 60_000);
});
