import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import { NetlabError } from '../../src/errors.js';
import type { Step } from './demo/client.js';
import type { Measurement } from './demo/bench-client.js';

/**
 * The longest socket path every supported platform accepts: `sun_path` holds 108 bytes on
 * Linux and 104 on macOS, including the terminating NUL.
 */
const MAX_SOCKET_PATH = 103;

/** `name` inside a fresh private temporary directory (mode 0700, removed after the run). */
function socketPath(ctx: DemoContext, name: string): string {
  const path = join(ctx.tempDir(), name);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new NetlabError(
      'NETLAB_ERR_UNSUPPORTED',
      `the socket path ${path} is ${Buffer.byteLength(path)} bytes, over the ${MAX_SOCKET_PATH}-byte limit of Unix socket paths: set TMPDIR to a shorter directory (e.g. TMPDIR=/tmp)`,
    );
  }
  return path;
}

type ServerInfo = { path?: string; error?: { code?: string; message: string } };

async function startServer(ctx: DemoContext, path: string, actor = 'server', naive = false, extra: { closeOnSignal?: boolean } = {}) {
  const server = ctx.spawn(actor, 'demo/server', { params: { implementation: ctx.implementation, path, naive, ...extra } });
  const info = (await server.ready()) as ServerInfo;
  return { server, ...info };
}

function client(ctx: DemoContext, actor: string, path: string, steps: Step[]) {
  return ctx.spawn(actor, 'demo/client', { params: { path, steps } });
}

async function probe(ctx: DemoContext, actor: string, path: string): Promise<boolean> {
  const p = ctx.spawn(actor, 'demo/client', { params: { path, probe: true } });
  const { alive } = (await p.ready()) as { alive: boolean };
  await p.finish();
  return alive;
}

function describeFile(path: string): string {
  try {
    const st = lstatSync(path);
    const kind = st.isSocket() ? 'a socket file (type s)' : st.isFile() ? 'a regular file' : 'something else';
    return `${kind}, mode ${(st.mode & 0o777).toString(8)}`;
  } catch {
    return 'nothing (no such file)';
  }
}

function micro(ms: number, count: number): string {
  return `${((ms * 1000) / count).toFixed(1)} µs`;
}

/** The side-by-side table of the summary: per-round-trip time and TCP relative to Unix. */
function timingTable(results: Measurement[]): string[] {
  const col = (s: string) => s.padEnd(24);
  const head = results.map((m) => col(`${m.size >= 1024 ? `${m.size / 1024} KiB` : `${m.size} B`} × ${m.count}`)).join('');
  const row = (label: string, pick: (m: Measurement) => number) =>
    label.padEnd(16) + results.map((m) => col(`${micro(pick(m), m.count)}  (${(pick(m) / m.unixMs).toFixed(2)}×)`)).join('');
  return [
    'round trips, client and server in separate processes, measured in this run:',
    `${''.padEnd(16)}${head}`,
    row('Unix socket', (m) => m.unixMs),
    row('TCP 127.0.0.1', (m) => m.tcpMs),
    'per round trip (relative to the Unix socket); ratios on this machine now, not a promise',
  ];
}

async function timing(ctx: DemoContext, roundTrips: number) {
  const path = socketPath(ctx, 'bench.sock');
  const server = ctx.spawn('bench-server', 'demo/bench-server', { params: { path } });
  const { port } = (await server.ready()) as { port: number };
  ctx.note(`timing: one echo server on ${path} and on 127.0.0.1:${port}; ${roundTrips} small round trips on each`);
  const c = ctx.spawn('bench-client', 'demo/bench-client', { params: { path, port } });
  await c.ready();
  const results = (await c.command('measure', { roundTrips }, 60_000)) as Measurement[];
  await c.command('close');
  await c.finish();
  await server.command('close');
  return results;
}

function roundTripsOption(ctx: DemoContext): number {
  const n = Number(ctx.options.roundTrips);
  if (!Number.isInteger(n) || n < 10 || n > 1_000_000) {
    throw new NetlabError('NETLAB_ERR_USAGE', `--set roundTrips takes a whole number from 10 to 1000000, got "${ctx.options.roundTrips}"`);
  }
  return n;
}

export default defineLab({
  id: 'unix-socket',
  title: 'Unix domain sockets',
  summary: 'listen(path) and connect({ path }): no ports, a file; stale files, http over socketPath, vs TCP',
  order: 30,
  exports: ['listenUnix'],
  options: {
    roundTrips: { description: 'round trips per transport for the timing table', default: '2000' },
  },
  unsupported: () =>
    process.platform === 'win32'
      ? 'on Windows, net.Server#listen(path) makes a named pipe (\\\\?\\pipe\\...), not a Unix socket file: this lab needs Linux or macOS'
      : null,
  scenarios: {
    tour: {
      title: 'listen(path), a client over connect({ path }), close() removes the file, Unix vs TCP timing',
      async run(ctx) {
        const path = socketPath(ctx, 'echo.sock');
        const { server, error } = await startServer(ctx, path);
        if (error) throw new Error(`the echo server could not listen on ${path}: ${error.message}`);
        ctx.note(`the server listens on a path, not a port: ${path} is now ${describeFile(path)}`);
        const c = client(ctx, 'client#1', path, [
          { write: 'hello over a file\n' },
          { expectEcho: 18 },
          { say: 'end(): the same half-close as TCP; the server finishes echoing, then ends too' },
          { end: true },
          { waitEvent: 'close' },
        ]);
        await c.finish();
        const { fileLeft } = (await server.command('close')) as { fileLeft: boolean };
        ctx.note(`after server.close(), ${path} is ${describeFile(path)}`);
        if (fileLeft) throw new Error(`the socket file ${path} is still there after close()`);
        const results = await timing(ctx, roundTripsOption(ctx));
        return { path, lines: timingTable(results), timing: results };
      },
    },
    stale: {
      title: 'a killed server leaves its file: EADDRINUSE, telling stale from live, replacing it',
      async run(ctx) {
        const path = socketPath(ctx, 'echo.sock');
        const first = await startServer(ctx, path, 'server#1');
        ctx.note('server#1 is killed with SIGKILL: no close(), no clean-up');
        await first.server.kill('SIGKILL');
        ctx.note(`${path} is still there: ${describeFile(path)}`);
        ctx.note('server#2 does a plain listen(path), with no stale-file check');
        const second = await startServer(ctx, path, 'server#2', true);
        if (second.error?.code !== 'EADDRINUSE') throw new Error(`expected EADDRINUSE, got ${JSON.stringify(second.error ?? second.path)}`);
        ctx.note('EADDRINUSE, though nobody listens: the file alone blocks the path. Is it stale? Try to connect:');
        const alive = await probe(ctx, 'probe', path);
        if (alive) throw new Error('the stale socket unexpectedly accepted a connection');
        ctx.note('server#3 uses listenUnix(): it sees EADDRINUSE, checks that the path is a socket, connects, is refused, unlinks and listens');
        const third = await startServer(ctx, path, 'server#3');
        if (!third.path) throw new Error(`listenUnix did not replace the stale socket: ${third.error?.message}`);
        ctx.note('now a live server owns the path; server#4 tries listenUnix() on it too');
        const fourth = await startServer(ctx, path, 'server#4');
        if (fourth.error?.code !== 'EADDRINUSE') throw new Error(`expected EADDRINUSE for a live path, got ${JSON.stringify(fourth.error ?? fourth.path)}`);
        ctx.note('server#4 was refused with EADDRINUSE: its probe connected, so the file belongs to a live server and stays');
        const c = client(ctx, 'client', path, [{ write: 'still yours?\n' }, { expectEcho: 13 }, { end: true }, { waitEvent: 'close' }]);
        await c.finish();
        await third.server.command('close');
        ctx.note(`server#3 closed: ${path} is ${describeFile(path)}`);
        ctx.note('server#5 handles SIGTERM and SIGINT by calling close(); it gets SIGTERM');
        const fifth = await startServer(ctx, path, 'server#5', false, { closeOnSignal: true });
        await fifth.server.kill('SIGTERM');
        ctx.note(`server#5 ended by itself after close(): ${path} is ${describeFile(path)}`);
        return { path, staleError: second.error.code, liveError: fourth.error.code };
      },
    },
    http: {
      title: 'HTTP over a Unix socket: http.get({ socketPath }) and fetch with an undici Agent',
      async run(ctx) {
        const path = socketPath(ctx, 'http.sock');
        const server = ctx.spawn('http-server', 'demo/http-server', { params: { path } });
        await server.ready();
        ctx.note(`an ordinary http.Server listening on ${path}; try it by hand: curl --unix-socket ${path} http://localhost/`);
        const c = ctx.spawn('http-client', 'demo/http-client', { params: { path } });
        const exit = await c.finish();
        if (exit.code !== 0) throw new Error(c.describeExit());
        await server.command('close');
        return { path };
      },
    },
    timing: {
      title: 'round trips over a Unix socket vs TCP loopback, side by side (--set roundTrips=N)',
      async run(ctx) {
        const results = await timing(ctx, roundTripsOption(ctx));
        return { lines: timingTable(results), timing: results };
      },
    },
  },
  async serve(ctx) {
    const path = socketPath(ctx, 'echo.sock');
    const { error } = await startServer(ctx, path);
    if (error) throw new Error(`the echo server could not listen on ${path}: ${error.message}`);
    const httpPath = join(path, '..', 'http.sock');
    const http = ctx.spawn('http-server', 'demo/http-server', { params: { path: httpPath } });
    await http.ready();
    return {
      address: path,
      commands: [`nc -U ${path}`, `printf 'hello\\n' | nc -U -N ${path}`, `curl --unix-socket ${httpPath} http://localhost/`],
    };
  },
});
