import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import { NetlabError } from '../../src/errors.js';
import { msg } from '../../src/i18n/index.js';
import { padEnd } from '../../src/i18n/width.js';
import { benchClientDemo, benchServerDemo, clientDemo, httpClientDemo, httpServerDemo, serverDemo, type Measurement, type Step } from './contract.js';
import { socketPathTooLong } from './socket-path.js';
import { unsupported } from './platform.js';

/** `name` inside a fresh private temporary directory (mode 0700, removed after the run). */
function socketPath(ctx: DemoContext, name: string): string {
  const path = join(ctx.tempDir(), name);
  const tooLong = socketPathTooLong(path);
  if (tooLong) throw new NetlabError('NETLAB_ERR_UNSUPPORTED', tooLong);
  return path;
}

async function startServer(ctx: DemoContext, path: string, actor = 'server', naive = false, extra: { closeOnSignal?: boolean } = {}) {
  const server = ctx.spawn(actor, serverDemo, { params: { implementation: ctx.implementation, path, naive, ...extra } });
  const info = await server.ready();
  return { server, ...info };
}

function client(ctx: DemoContext, actor: string, path: string, steps: Step[]) {
  return ctx.spawn(actor, clientDemo, { params: { path, steps } });
}

async function probe(ctx: DemoContext, actor: string, path: string): Promise<boolean> {
  const p = ctx.spawn(actor, clientDemo, { params: { path, probe: true } });
  const alive = (await p.ready())?.alive ?? false;
  await p.finish();
  return alive;
}

function describeFile(path: string): string {
  try {
    const st = lstatSync(path);
    const kind = st.isSocket()
      ? msg({ en: 'a socket file (type s)', 'zh-CN': '是一个套接字文件（类型 s）' })
      : st.isFile()
        ? msg({ en: 'a regular file', 'zh-CN': '是一个普通文件' })
        : msg({ en: 'something else', 'zh-CN': '是别的东西' });
    const mode = (st.mode & 0o777).toString(8);
    return msg({ en: `${kind}, mode ${mode}`, 'zh-CN': `${kind}，权限 ${mode}` });
  } catch {
    return msg({ en: 'nothing (no such file)', 'zh-CN': '不存在（没有这个文件）' });
  }
}

const couldNotListen = (path: string, why: string) =>
  msg({ en: `the echo server could not listen on ${path}: ${why}`, 'zh-CN': `回显服务器无法在 ${path} 上监听：${why}` });

function micro(ms: number, count: number): string {
  return `${((ms * 1000) / count).toFixed(1)} µs`;
}

/** The side-by-side table of the summary: per-round-trip time and TCP relative to Unix. */
function timingTable(results: Measurement[]): string[] {
  const col = (s: string) => padEnd(s, 24);
  const head = results.map((m) => col(`${m.size >= 1024 ? `${m.size / 1024} KiB` : `${m.size} B`} × ${m.count}`)).join('');
  const row = (label: string, pick: (m: Measurement) => number) =>
    padEnd(label, 16) + results.map((m) => col(`${micro(pick(m), m.count)}  (${(pick(m) / m.unixMs).toFixed(2)}×)`)).join('');
  return [
    msg({ en: 'round trips, client and server in separate processes, measured in this run:', 'zh-CN': '往返时间，客户端和服务器在不同进程中，本次运行实测：' }),
    `${''.padEnd(16)}${head}`,
    row(msg({ en: 'Unix socket', 'zh-CN': 'Unix 套接字' }), (m) => m.unixMs),
    row('TCP 127.0.0.1', (m) => m.tcpMs),
    msg({
      en: 'per round trip (relative to the Unix socket); ratios on this machine now, not a promise',
      'zh-CN': '每次往返（相对于 Unix 套接字）；这是此刻这台机器上的比例，不是承诺',
    }),
  ];
}

async function timing(ctx: DemoContext, roundTrips: number) {
  const path = socketPath(ctx, 'bench.sock');
  const server = ctx.spawn('bench-server', benchServerDemo, { params: { path } });
  const { port } = await server.ready();
  ctx.note({
    en: `timing: one echo server on ${path} and on 127.0.0.1:${port}; ${roundTrips} small round trips on each`,
    'zh-CN': `计时：同一个回显服务器监听 ${path} 和 127.0.0.1:${port}；两边各做 ${roundTrips} 次小的往返`,
  });
  const c = ctx.spawn('bench-client', benchClientDemo, { params: { path, port } });
  await c.ready();
  const results = await c.command('measure', { roundTrips }, 60_000);
  await c.command('close');
  await c.finish();
  await server.command('close');
  return results;
}

function roundTripsOption(ctx: DemoContext): number {
  const n = Number(ctx.options.roundTrips);
  if (!Number.isInteger(n) || n < 10 || n > 1_000_000) {
    const got = ctx.options.roundTrips;
    throw new NetlabError(
      'NETLAB_ERR_USAGE',
      msg({ en: `--set roundTrips takes a whole number from 10 to 1000000, got "${got}"`, 'zh-CN': `--set roundTrips 需要 10 到 1000000 之间的整数，收到的是 "${got}"` }),
    );
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
  unsupported,
  scenarios: {
    tour: {
      title: 'listen(path), a client over connect({ path }), close() removes the file, Unix vs TCP timing',
      async run(ctx) {
        const path = socketPath(ctx, 'echo.sock');
        const { server, error } = await startServer(ctx, path);
        if (error) throw new Error(couldNotListen(path, error.message));
        ctx.note({ en: `the server listens on a path, not a port: ${path} is now ${describeFile(path)}`, 'zh-CN': `服务器监听的是路径而不是端口：${path} 现在${describeFile(path)}` });
        const c = client(ctx, 'client#1', path, [
          { write: 'hello over a file\n' },
          { expectEcho: 18 },
          { say: { en: 'end(): the same half-close as TCP; the server finishes echoing, then ends too', 'zh-CN': 'end()：和 TCP 一样的半关闭；服务器回显完，然后也结束' } },
          { end: true },
          { waitEvent: 'close' },
        ]);
        await c.finish();
        const { fileLeft } = await server.command('close');
        ctx.note({ en: `after server.close(), ${path} is ${describeFile(path)}`, 'zh-CN': `server.close() 之后，${path} ${describeFile(path)}` });
        if (fileLeft) throw new Error(msg({ en: `the socket file ${path} is still there after close()`, 'zh-CN': `close() 之后套接字文件 ${path} 仍然存在` }));
        const results = await timing(ctx, roundTripsOption(ctx));
        return { path, lines: timingTable(results), timing: results };
      },
    },
    stale: {
      title: 'a killed server leaves its file: EADDRINUSE, telling stale from live, replacing it',
      async run(ctx) {
        const path = socketPath(ctx, 'echo.sock');
        const first = await startServer(ctx, path, 'server#1');
        ctx.note({ en: 'server#1 is killed with SIGKILL: no close(), no clean-up', 'zh-CN': 'server#1 被 SIGKILL 杀掉：没有 close()，也没有清理' });
        await first.server.kill('SIGKILL');
        ctx.note({ en: `${path} is still there: ${describeFile(path)}`, 'zh-CN': `${path} 还在：${describeFile(path)}` });
        ctx.note({ en: 'server#2 does a plain listen(path), with no stale-file check', 'zh-CN': 'server#2 直接调用 listen(path)，不检查陈旧文件' });
        const second = await startServer(ctx, path, 'server#2', true);
        if (second.error?.code !== 'EADDRINUSE') {
          const got = JSON.stringify(second.error ?? second.path);
          throw new Error(msg({ en: `expected EADDRINUSE, got ${got}`, 'zh-CN': `应为 EADDRINUSE，实际是 ${got}` }));
        }
        ctx.note({
          en: 'EADDRINUSE, though nobody listens: the file alone blocks the path. Is it stale? Try to connect:',
          'zh-CN': 'EADDRINUSE，尽管没有人在监听：光是这个文件就占住了路径。它是陈旧的吗？试着连接一下：',
        });
        const alive = await probe(ctx, 'probe', path);
        if (alive) throw new Error(msg({ en: 'the stale socket unexpectedly accepted a connection', 'zh-CN': '陈旧的套接字竟然接受了连接' }));
        ctx.note({
          en: 'server#3 uses listenUnix(): it sees EADDRINUSE, checks that the path is a socket, connects, is refused, unlinks and listens',
          'zh-CN': 'server#3 使用 listenUnix()：它遇到 EADDRINUSE，检查路径是套接字，连接，被拒绝，于是 unlink 并监听',
        });
        const third = await startServer(ctx, path, 'server#3');
        if (!third.path) {
          const why = third.error?.message;
          throw new Error(msg({ en: `listenUnix did not replace the stale socket: ${why}`, 'zh-CN': `listenUnix 没有替换陈旧的套接字：${why}` }));
        }
        ctx.note({ en: 'now a live server owns the path; server#4 tries listenUnix() on it too', 'zh-CN': '现在这个路径属于一个活着的服务器；server#4 也在它上面尝试 listenUnix()' });
        const fourth = await startServer(ctx, path, 'server#4');
        if (fourth.error?.code !== 'EADDRINUSE') {
          const got = JSON.stringify(fourth.error ?? fourth.path);
          throw new Error(msg({ en: `expected EADDRINUSE for a live path, got ${got}`, 'zh-CN': `活着的路径应得到 EADDRINUSE，实际是 ${got}` }));
        }
        ctx.note({
          en: 'server#4 was refused with EADDRINUSE: its probe connected, so the file belongs to a live server and stays',
          'zh-CN': 'server#4 以 EADDRINUSE 被拒绝：它的探测连接成功了，所以这个文件属于一个活着的服务器，要保留',
        });
        const c = client(ctx, 'client', path, [{ write: 'still yours?\n' }, { expectEcho: 13 }, { end: true }, { waitEvent: 'close' }]);
        await c.finish();
        await third.server.command('close');
        ctx.note({ en: `server#3 closed: ${path} is ${describeFile(path)}`, 'zh-CN': `server#3 已关闭：${path} ${describeFile(path)}` });
        ctx.note({ en: 'server#5 handles SIGTERM and SIGINT by calling close(); it gets SIGTERM', 'zh-CN': 'server#5 收到 SIGTERM 和 SIGINT 时调用 close()；现在给它发 SIGTERM' });
        const fifth = await startServer(ctx, path, 'server#5', false, { closeOnSignal: true });
        await fifth.server.kill('SIGTERM');
        ctx.note({ en: `server#5 ended by itself after close(): ${path} is ${describeFile(path)}`, 'zh-CN': `server#5 在 close() 之后自行结束：${path} ${describeFile(path)}` });
        return { path, staleError: second.error.code, liveError: fourth.error.code };
      },
    },
    http: {
      title: 'HTTP over a Unix socket: http.get({ socketPath }) and fetch with an undici Agent',
      async run(ctx) {
        const path = socketPath(ctx, 'http.sock');
        const server = ctx.spawn('http-server', httpServerDemo, { params: { path } });
        await server.ready();
        ctx.note({
          en: `an ordinary http.Server listening on ${path}; try it by hand: curl --unix-socket ${path} http://localhost/`,
          'zh-CN': `一个普通的 http.Server 在 ${path} 上监听；可以手动试试：curl --unix-socket ${path} http://localhost/`,
        });
        const c = ctx.spawn('http-client', httpClientDemo, { params: { path } });
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
    if (error) throw new Error(couldNotListen(path, error.message));
    const httpPath = join(path, '..', 'http.sock');
    const http = ctx.spawn('http-server', httpServerDemo, { params: { path: httpPath } });
    await http.ready();
    return {
      address: path,
      commands: [`nc -U ${path}`, `printf 'hello\\n' | nc -U -N ${path}`, `curl --unix-socket ${httpPath} http://localhost/`],
    };
  },
});
