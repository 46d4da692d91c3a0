/**
 * The unix-socket lab's demo, end to end through the built CLI: the NDJSON trace shows the
 * events a learner needs to follow (listening with the path, connection, data, end, close, the timing table),
 * the stale-socket and HTTP scenarios tell their stories, --serve answers real clients, and
 * neither a process nor a socket file outlives the run.
 */
import { describe, expect, test } from 'vitest';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { JsonLines, childrenOf, collect, isAlive, runWatched, startCli, type JsonLine, startServing } from '../../../test/helpers/cli.js';
import { parseNdjson } from '../../../src/trace/ndjson.js';
import { writeFixtureTo } from '../../../test/helpers/fixtures.js';
import unixSocketLab from '../lab.js';

type Line = JsonLine;

const unixOnly = process.platform === 'win32' ? describe.skip : describe;


/** Run the CLI to completion; no child process and no socket path may outlive it. */
async function run(args: string[]) {
  const r = await runWatched<Line>(args);
  expect(r.survivors, 'children that outlived netlab').toEqual([]);
  const lines = r.lines;
  const paths = new Set(lines.filter((l) => l.name === 'listening' && typeof l.detail?.address === 'string' && String(l.detail.address).startsWith('/')).map((l) => String(l.detail!.address)));
  for (const path of paths) {
    expect(existsSync(path), `${path} left behind`).toBe(false);
    expect(existsSync(dirname(path)), `${dirname(path)} left behind`).toBe(false);
  }
  return { ...r, lines, paths };
}

const events = (lines: Line[], actor: string, name?: string) =>
  lines.filter((l) => l.type === 'event' && l.actor === actor && (name === undefined || l.name === name));

unixOnly('netlab run unix-socket --json (the tour)', () => {
  test('listening on a path, a client over it, close() removes the file, and the timing table', async () => {
    const r = await run(['run', 'unix-socket', '--json', '--set', 'roundTrips=200']);
    expect(r.code, r.stderr).toBe(0);
    const result = r.lines.at(-1)!;
    expect(result).toMatchObject({ type: 'result', ok: true, lab: 'unix-socket', scenario: 'tour' });

    // The server's address is a path in a private temporary directory, short enough
    const [listening] = events(r.lines, 'server', 'listening');
    const path = String(listening!.detail!.address);
    expect(isAbsolute(path)).toBe(true);
    expect(path).toMatch(/netlab-[^/]+\/echo\.sock$/);
    expect(Buffer.byteLength(path)).toBeLessThanOrEqual(103);
    expect(result.summary).toMatchObject({ path });

    // A connection without addresses, the echo both ways, half-close, close
    expect(events(r.lines, 'server', 'connection')[0]!.detail).toMatchObject({ path });
    expect(events(r.lines, 'server', 'connection')[0]!.detail).not.toHaveProperty('remote');
    for (const name of ['data', 'end', 'close']) expect(events(r.lines, 'server', name).length, `server ${name}`).toBeGreaterThan(0);
    for (const name of ['connect', 'data', 'end', 'close']) expect(events(r.lines, 'client#1', name).length, `client ${name}`).toBeGreaterThan(0);
    expect(events(r.lines, 'client#1', 'data')[0]!.detail).toMatchObject({ preview: 'hello over a file\\n' });
    expect(r.lines.some((l) => l.type === 'note' && /after server\.close\(\), .* is nothing/.test(String(l.text)))).toBe(true);

    // The timing table: both transports, per round trip and relative; numbers are not asserted
    const table = (result.summary as { lines: string[] }).lines;
    expect(table.some((l) => /^Unix socket\s+\d+\.\d µs\s+\(1\.00×\)/.test(l))).toBe(true);
    expect(table.some((l) => /^TCP 127\.0\.0\.1\s+\d+\.\d µs\s+\(\d+\.\d\d×\)/.test(l))).toBe(true);
    const timing = (result.summary as { timing: Array<{ unixMs: number; tcpMs: number; count: number }> }).timing;
    expect(timing).toHaveLength(2);
    for (const m of timing) {
      expect(m.count).toBeGreaterThan(0);
      expect(m.unixMs).toBeGreaterThan(0);
      expect(m.tcpMs).toBeGreaterThan(0);
    }
    expect(events(r.lines, 'bench-client', 'timing')).toHaveLength(2);
  });
});

unixOnly('netlab run unix-socket --scenario …', () => {
  test('stale: SIGKILL leaves the file, EADDRINUSE, the probe is refused, listenUnix replaces it, a live path is refused', async () => {
    const r = await run(['run', 'unix-socket', '--json', '--scenario', 'stale']);
    expect(r.code, r.stderr).toBe(0);
    const path = String(events(r.lines, 'server#1', 'listening')[0]!.detail!.address);
    expect(r.lines.some((l) => l.type === 'note' && String(l.text).startsWith(`${path} is still there: a socket file`))).toBe(true);
    expect(events(r.lines, 'server#2', 'error')[0]!.detail).toMatchObject({ code: 'EADDRINUSE' });
    expect(events(r.lines, 'probe', 'error')[0]!.detail).toMatchObject({ code: 'ECONNREFUSED' });
    // listenUnix on the stale path: EADDRINUSE, its own probe refused, then listening
    const s3 = r.lines.filter((l) => l.actor === 'server#3' && l.type === 'event').map((l) => `${l.name}:${(l.detail as { code?: string }).code ?? ''}`);
    expect(s3.indexOf('error:EADDRINUSE')).toBeGreaterThan(-1);
    expect(s3.indexOf('error:ECONNREFUSED')).toBeGreaterThan(s3.indexOf('error:EADDRINUSE'));
    expect(s3.indexOf('listening:')).toBeGreaterThan(s3.indexOf('error:ECONNREFUSED'));
    // listenUnix on the live path: refused, and the live server still echoes afterwards
    expect(events(r.lines, 'server#4', 'error')[0]!.detail).toMatchObject({ code: 'EADDRINUSE' });
    expect(events(r.lines, 'server#4', 'connect')).toHaveLength(1);
    expect(events(r.lines, 'server#4', 'listening')).toEqual([]);
    expect(events(r.lines, 'client', 'data')[0]!.detail).toMatchObject({ preview: 'still yours?\\n' });
    expect(r.lines.at(-1)).toMatchObject({ ok: true, summary: { staleError: 'EADDRINUSE', liveError: 'EADDRINUSE' } });
  });

  test('http: http.get({ socketPath }) and fetch through an undici Agent reach an ordinary http.Server', async () => {
    const r = await run(['run', 'unix-socket', '--json', '--scenario', 'http']);
    expect(r.code, r.stderr).toBe(0);
    const path = String(events(r.lines, 'http-server', 'listening')[0]!.detail!.address);
    expect(path).toMatch(/http\.sock$/);
    expect(events(r.lines, 'http-server', 'request').map((e) => e.detail!.url)).toEqual(['/via-http-get', '/via-fetch']);
    const bodies = events(r.lines, 'http-client', 'body').map((e) => e.detail!);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body.statusCode).toBe(200);
      expect(JSON.parse(String(body.body))).toMatchObject({ remoteAddress: null, via: path });
    }
  });

  test('timing: the table alone, with --set roundTrips', async () => {
    const r = await run(['run', 'unix-socket', '--json', '--scenario', 'timing', '--set', 'roundTrips=100']);
    expect(r.code, r.stderr).toBe(0);
    const summary = r.lines.at(-1)!.summary as { lines: string[]; timing: Array<{ size: number; count: number }> };
    expect(summary.lines).toHaveLength(5);
    expect(summary.timing.map((m) => m.size)).toEqual([64, 16384]);
    expect(summary.timing[0]!.count).toBe(100);
  });

  test('a bad roundTrips value is refused with a clear message (a usage error: exit 2)', async () => {
    const r = await run(['run', 'unix-socket', '--json', '--scenario', 'timing', '--set', 'roundTrips=lots']);
    expect(r.code).toBe(2);
    expect((r.lines.at(-1)!.error as { message: string }).message).toMatch(/--set roundTrips takes a whole number/);
  });

  test('--use with a file that does not export listenUnix fails the tour with that reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-unix-use-'));
    try {
      const file = join(dir, 'unix-socket.ts');
      writeFileSync(file, 'export const nothing = 1;\n');
      const r = await run(['run', 'unix-socket', '--json', '--use', file]);
      expect(r.code).toBe(1);
      expect((r.lines.at(-1)!.error as { message: string }).message).toMatch(/could not listen on .*: .*does not export listenUnix\(\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--use with a listenUnix that never replaces stale files fails the stale demo with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-unix-use-'));
    try {
      const fixture = await writeFixtureTo('unix-socket', 'bad--replaces-stale-socket--never-unlinks', join(dir, 'unix-socket.ts'));
      const r = await run(['run', 'unix-socket', '--json', '--scenario', 'stale', '--use', fixture]);
      expect(r.code).toBe(1);
      expect((r.lines.at(-1)!.error as { message: string }).message).toMatch(/listenUnix did not replace the stale socket: .*EADDRINUSE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

unixOnly('netlab run unix-socket --serve', () => {
  test('prints nc -U and curl commands, serves real clients, and leaves nothing behind on Ctrl-C', async () => {
    const { cli, out, done, serve } = await startServing('unix-socket');
    const path = serve.address;
    expect(path).toMatch(/echo\.sock$/);
    expect(serve.commands[0]).toBe(`nc -U ${path}`);
    const curl = serve.commands.find((c) => c.startsWith('curl --unix-socket '))!;
    const httpPath = curl.split(' ')[2]!;
    const pids = await childrenOf(cli.pid!);
    expect(pids.length).toBeGreaterThan(0);

    // A real client over the path: bytes (not valid UTF-8 included) come back, then the end
    const client = net.connect({ path });
    await once(client, 'connect');
    const sent = Buffer.from([0x68, 0x69, 0x0a, 0xff, 0x00, 0xc3]);
    const chunks: Buffer[] = [];
    client.on('data', (c: Buffer) => chunks.push(c));
    client.end(sent);
    await once(client, 'end');
    expect(Buffer.concat(chunks)).toEqual(sent);
    await out.waitFor((l) => l.type === 'event' && l.actor === 'server' && l.name === 'data');

    // And HTTP over the other path
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ socketPath: httpPath, path: '/from-test', agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ url: '/from-test', via: httpPath });

    cli.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(parseNdjson<Line>(r.stdout).at(-1)).toMatchObject({ type: 'result', ok: true, scenario: 'serve' });
    for (const pid of pids) expect(isAlive(pid), `child ${pid} still alive`).toBe(false);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dirname(path))).toBe(false);
  });
});

describe('unix-socket on a platform without Unix sockets', () => {
  test('unsupported() gives a reason on Windows and none here', () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    try {
      Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
      expect(unixSocketLab.unsupported?.()).toMatch(/named pipe.*Linux or macOS/);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
    if (process.platform !== 'win32') expect(unixSocketLab.unsupported?.()).toBeNull();
  });
});
