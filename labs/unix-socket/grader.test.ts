/**
 * Grades `listenUnix(path)` (SPEC §4, unix-socket): one check per requirement, with real Unix
 * sockets in a private temporary directory. The learner's code runs in its own process; the
 * live server, the stale socket file (left by a process killed with SIGKILL) and the clients are
 * real too.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { check, currentCheck, fail, msg, startSubmission, type HostSubmission } from '../../src/grade/harness.js';
import { ByteReader, bytesText, closeGracefully, firstDifference, hex, show } from '../../src/grade/helpers.js';
import { makeTempDir, removeTempDir } from '../../src/runtime/cleanup.js';
import { unixHost, type ListenOutcome } from './contract.js';
import { socketPathTooLong } from './socket-path.js';

const LAB = 'unix-socket';

type Submission = HostSubmission<typeof unixHost>;
const start = (): Promise<Submission> => startSubmission(LAB, { host: unixHost });

/** A socket path in a private directory (mode 0700) of this check, removed when it ends. */
function socketPath(name = 's.sock'): string {
  const dir = makeTempDir('netlab-g-');
  currentCheck().defer(() => removeTempDir(dir));
  const path = join(dir, name);
  // Past the limit Node 20/22 truncate the name and 23+ refuse it: say so, rather than judge either.
  const tooLong = socketPathTooLong(path);
  if (tooLong) throw new Error(tooLong);
  return path;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function whatIsAt(path: string): string {
  const st = lstatOrNull(path);
  if (!st) return msg({ en: 'nothing', 'zh-CN': '空的' });
  if (st.isSocket()) return msg({ en: 'a socket file', 'zh-CN': '一个套接字文件' });
  if (st.isFile()) return msg({ en: `a regular file of ${bytesText(st.size)}`, 'zh-CN': `一个 ${bytesText(st.size)} 的普通文件` });
  return msg({ en: 'something that is not a socket', 'zh-CN': '一个不是套接字的东西' });
}

/** Connect to the Unix socket `path` as `actor`; the socket, or the error code. Destroyed at the end of the check. */
async function connectUnix(path: string, actor: string): Promise<net.Socket | string> {
  const check = currentCheck();
  const socket = check.trace(net.connect({ path }), actor);
  check.defer(() => socket.destroy());
  try {
    await Promise.race([
      once(socket, 'connect'),
      new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('timeout'), { code: msg({ en: 'no answer within 3 s', 'zh-CN': '3 秒内没有应答' }) })), Math.min(3000, check.remainingMs()))),
    ]);
    return socket;
  } catch (err) {
    socket.destroy();
    return (err as NodeJS.ErrnoException).code ?? String(err);
  }
}

/** A live server of the grader's on `path` that greets every client with "live\n". */
async function liveServer(path: string): Promise<net.Server> {
  const check = currentCheck();
  const server = check.trace(
    net.createServer((socket) => {
      socket.on('error', () => {});
      socket.end('live\n');
    }),
    'live-server',
  );
  check.defer(() => new Promise((resolve) => server.close(resolve)));
  server.listen(path);
  await once(server, 'listening');
  return server;
}

/** Does the server on `path` greet us with "live\n"? */
async function greets(path: string): Promise<boolean> {
  const socket = await connectUnix(path, 'client');
  if (typeof socket === 'string') return false;
  const reader = new ByteReader(socket);
  await reader.end({ timeoutMs: 2000 });
  return reader.bytes().toString() === 'live\n';
}

/**
 * A stale socket file at `path`, made the way it happens for real: a server process listens
 * there and is killed with SIGKILL, so nobody ever unlinks the file.
 */
async function staleSocket(path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore', timeout: 5000, killSignal: 'SIGKILL' });
  currentCheck().defer(() => child.kill('SIGKILL'));
  await once(child, 'exit');
  if (!lstatOrNull(path)?.isSocket()) throw new Error(`the grader could not prepare a stale socket at ${path}`);
  currentCheck().note(msg({ en: `${path} is a stale socket file: its server was killed with SIGKILL`, 'zh-CN': `${path} 是一个陈旧的套接字文件：它的服务器被 SIGKILL 杀掉了` }));
}

/** Generous: a correct listenUnix() settles in milliseconds, a hanging one is caught anyway. */
const GUARD_MS = 4000;

function listen(sub: Submission, path: string, guardMs = GUARD_MS): Promise<ListenOutcome> {
  return sub.call('listen', { path, guardMs }, guardMs + 2000);
}

function outcomeText(out: ListenOutcome): string {
  if (!out.settled) return msg({ en: `had neither resolved nor rejected after ${GUARD_MS / 1000} s`, 'zh-CN': `${GUARD_MS / 1000} 秒后既没有 resolve 也没有 reject` });
  if (out.ok) {
    if (out.kind !== 'net.Server') return msg({ en: `resolved with ${out.kind}`, 'zh-CN': `resolve 的值是 ${out.kind}` });
    return out.address
      ? msg({ en: `resolved with a server on ${out.address}`, 'zh-CN': `resolve 为一个在 ${out.address} 上的服务器` })
      : msg({ en: 'resolved with a server', 'zh-CN': 'resolve 为一个服务器' });
  }
  const error = `${out.error?.code ? `${out.error.code}: ` : ''}${out.error?.message}`;
  return msg({ en: `rejected with ${error}`, 'zh-CN': `以 ${error} reject` });
}

/** listenUnix(path) must resolve; fails the check with what happened otherwise. */
async function mustListen(sub: Submission, path: string, situation: string): Promise<ListenOutcome> {
  const out = await listen(sub, path);
  if (!out.settled || !out.ok) fail(msg({ en: `listenUnix(${path}) ${situation}: it ${outcomeText(out)}.`, 'zh-CN': `${situation}调用 listenUnix(${path})，${outcomeText(out)}。` }));
  if (out.kind !== 'net.Server') {
    fail(msg({ en: `listenUnix(${path}) resolved with ${out.kind}; resolve with the net.Server that listens.`, 'zh-CN': `listenUnix(${path}) resolve 的值是 ${out.kind}；应当 resolve 为正在监听的 net.Server。` }));
  }
  // Lenient about *when* it listens (resolves-when-listening judges that): wait a little.
  if (!out.listeningAtResolve) await sub.call('waitListening', { path, guardMs: 2000 }, 4000);
  return out;
}

const onFreePath = () => msg({ en: 'on a free path', 'zh-CN': '在空闲路径上' });

/** Send bytes over the Unix socket, end, and expect exactly them back, then the server's end. */
async function expectEcho(path: string, payload: Buffer, actor = 'client'): Promise<void> {
  const socket = await connectUnix(path, actor);
  if (typeof socket === 'string') {
    fail(
      msg({
        en: `could not connect to ${path}: ${socket}. A server that listenUnix() resolved with must accept connections on that path.`,
        'zh-CN': `无法连接到 ${path}：${socket}。listenUnix() resolve 出的服务器必须在这个路径上接受连接。`,
      }),
    );
  }
  const reader = new ByteReader(socket);
  socket.end(payload);
  const outcome = await reader.end({ timeoutMs: 2000 });
  const got = reader.bytes();
  if (!got.equals(payload)) {
    const at = firstDifference(got, payload);
    const differs = at >= 0 && at < got.length;
    const replaced = got.includes(Buffer.from([0xef, 0xbf, 0xbd]));
    const gaveUp = outcome === 'timeout' && got.length < payload.length;
    fail(
      msg({
        en:
          `sent ${bytesText(payload.length)} over ${path} and ended our side; got ${bytesText(got.length)} back` +
          (differs ? `, differing from byte ${at}: expected ${hex(payload.subarray(at), 6)}, got ${hex(got.subarray(at), 6)}` : '') +
          (replaced ? ' (ef bf bd is the replacement character: did you convert chunks to strings?)' : '') +
          (gaveUp ? ' before we gave up after 2 s' : '') +
          '. Echo every chunk as bytes (socket.pipe(socket) does) and end after the client ends.',
        'zh-CN':
          `经 ${path} 发送了 ${bytesText(payload.length)} 并结束了我们这一端；` +
          (gaveUp ? '2 秒后我们放弃时，' : '') +
          `收回 ${bytesText(got.length)}` +
          (differs ? `，从第 ${at} 个字节开始不同：应为 ${hex(payload.subarray(at), 6)}，实际是 ${hex(got.subarray(at), 6)}` : '') +
          (replaced ? '（ef bf bd 是替换字符：你是不是把数据块转成了字符串？）' : '') +
          '。把每个数据块按字节原样回显（socket.pipe(socket) 就是这样做的），并在客户端结束后结束连接。',
      }),
    );
  }
  if (outcome === 'timeout') {
    fail(
      msg({
        en: `the echo over ${path} came back, but the server never ended its side after we ended ours (half-close): end it once the echo is done.`,
        'zh-CN': `经 ${path} 的回显回来了，但我们结束自己这一端（半关闭）之后，服务器一直没有结束它那一端：回显完成后就结束连接。`,
      }),
    );
  }
  await closeGracefully(socket);
}

check('resolves-when-listening', 'listenUnix() resolves only once the server is listening', { points: 2 }, async () => {
  const sub = await start();
  const path = socketPath();
  const out = await listen(sub, path);
  if (!out.settled) {
    fail(
      msg({
        en: `listenUnix(${path}) on a free path ${outcomeText(out)}: resolve in listen()'s callback (the 'listening' event).`,
        'zh-CN': `在空闲路径上调用 listenUnix(${path})，${outcomeText(out)}：请在 listen() 的回调（'listening' 事件）中 resolve。`,
      }),
    );
  }
  if (!out.ok) fail(msg({ en: `listenUnix(${path}) on a free path in an empty directory ${outcomeText(out)}.`, 'zh-CN': `在空目录中的空闲路径上调用 listenUnix(${path})，${outcomeText(out)}。` }));
  if (out.kind !== 'net.Server') fail(msg({ en: `listenUnix() resolved with ${out.kind}, expected the net.Server that listens.`, 'zh-CN': `listenUnix() resolve 的值是 ${out.kind}，应为正在监听的 net.Server。` }));
  if (!out.listeningAtResolve) {
    const client = await connectUnix(path, 'client');
    fail(
      msg({
        en:
          `listenUnix() resolved with a server that was not listening yet (server.listening was false${typeof client === 'string' ? `, and connecting right away failed with ${client}` : ''}). ` +
          "Resolve only in listen()'s callback, and await whatever you do before calling listen() (a forgotten await lets the function return too early).",
        'zh-CN': `listenUnix() resolve 出的服务器还没有开始监听（server.listening 为 false${typeof client === 'string' ? `，立即连接时失败：${client}` : ''}）。只在 listen() 的回调中 resolve，并 await 调用 listen() 之前所做的一切（漏掉一个 await，函数就会过早返回）。`,
      }),
    );
  }
  const client = await connectUnix(path, 'client');
  if (typeof client === 'string') {
    fail(msg({ en: `listenUnix(${path}) resolved, but connecting to ${path} right away failed with ${client}.`, 'zh-CN': `listenUnix(${path}) resolve 了，但立即连接 ${path} 时失败：${client}。` }));
  }
  await closeGracefully(client);
});

check('listens-on-path', 'the server listens on the Unix socket at the given path', { points: 1 }, async () => {
  const sub = await start();
  const path = socketPath();
  await mustListen(sub, path, onFreePath());
  const { address } = await sub.call('waitListening', { path, guardMs: 2000 }, 4000);
  if (address === null) {
    fail(
      msg({
        en: `listenUnix(${path}) resolved with a server that never started listening (server.address() is null): call server.listen(path).`,
        'zh-CN': `listenUnix(${path}) resolve 出的服务器从未开始监听（server.address() 为 null）：调用 server.listen(path)。`,
      }),
    );
  }
  if (address !== path) {
    const tcp = address && /^[\d.[\]:a-f]+:\d+$/.test(address);
    fail(
      msg({
        en:
          `listenUnix(${path}) resolved with a server listening on ${address ?? 'nothing'}${tcp ? ' (a TCP port)' : ''}, not on the path it was given. ` +
          'Call server.listen(path) with the path argument: a Unix socket has no port.',
        'zh-CN': `listenUnix(${path}) resolve 出的服务器监听在 ${address ?? '（无）'}${tcp ? '（一个 TCP 端口）' : ''}，而不是给它的路径上。用 path 参数调用 server.listen(path)：Unix 套接字没有端口。`,
      }),
    );
  }
  if (!lstatOrNull(path)?.isSocket()) {
    fail(
      msg({
        en: `the server says it listens on ${path}, but there is ${whatIsAt(path)} at that path, not a socket file.`,
        'zh-CN': `服务器说它在 ${path} 上监听，但那个路径上是${whatIsAt(path)}，不是套接字文件。`,
      }),
    );
  }
});

check('echoes-bytes', 'echoes any bytes over the Unix socket and ends after the client ends', { points: 2 }, async () => {
  const sub = await start();
  const path = socketPath();
  await mustListen(sub, path, onFreePath());
  const payload = Buffer.alloc(300);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 3) % 256;
  await expectEcho(path, Buffer.concat([Buffer.from('héllo ✓\n'), payload]));
});

check('live-server-refused', "a live server's path is refused with EADDRINUSE and left working", { points: 2 }, async () => {
  const sub = await start();
  const path = socketPath();
  await liveServer(path);
  const before = lstatSync(path);
  const out = await listen(sub, path);
  const after = lstatOrNull(path);
  const stolen = !after || after.ino !== before.ino;
  if (out.settled && out.ok) {
    fail(
      msg({
        en:
          `a live server accepts connections on ${path}, yet listenUnix(${path}) resolved${stolen ? ': its socket file was removed and replaced by yours, so the live server keeps running but nobody can reach it any more' : ''}. ` +
          'Reject with the EADDRINUSE error instead. Never unlink before checking: connect to the path first, and if that connection succeeds, someone is listening.',
        'zh-CN': `一个活着的服务器正在 ${path} 上接受连接，listenUnix(${path}) 却 resolve 了${stolen ? '：它的套接字文件被删掉并换成了你的，于是那个服务器还在运行，却再也没人能连上它' : ''}。应当以 EADDRINUSE 错误 reject。不检查就绝不 unlink：先连接这个路径，连接成功就说明有人在监听。`,
      }),
    );
  }
  if (!out.settled) {
    fail(
      msg({
        en: `a live server listens on ${path}; listenUnix(${path}) ${outcomeText(out)}: it should reject with EADDRINUSE.`,
        'zh-CN': `一个活着的服务器在 ${path} 上监听；listenUnix(${path}) ${outcomeText(out)}：它应当以 EADDRINUSE reject。`,
      }),
    );
  }
  if (stolen) {
    fail(
      msg({
        en: `listenUnix(${path}) rejected, but the live server's socket file ${after ? 'was replaced' : 'was deleted'}: its clients cannot reach it any more. Leave a live server's path alone.`,
        'zh-CN': `listenUnix(${path}) reject 了，但那个活着的服务器的套接字文件${after ? '被替换了' : '被删除了'}：它的客户端再也连不上它。不要动活着的服务器的路径。`,
      }),
    );
  }
  if (out.error?.code !== 'EADDRINUSE') {
    fail(
      msg({
        en: `a live server listens on ${path}; listenUnix() ${outcomeText(out)}, expected an error whose code is 'EADDRINUSE'.`,
        'zh-CN': `一个活着的服务器在 ${path} 上监听；listenUnix() ${outcomeText(out)}，应为 code 是 'EADDRINUSE' 的错误。`,
      }),
    );
  }
  if (!(await greets(path))) {
    fail(
      msg({
        en: `after listenUnix() was refused, the live server on ${path} no longer answers: leave it untouched.`,
        'zh-CN': `listenUnix() 被拒绝之后，${path} 上那个活着的服务器不再应答了：不要碰它。`,
      }),
    );
  }
});

check('replaces-stale-socket', 'a stale socket file (its server was killed) is replaced', { points: 2 }, async () => {
  const sub = await start();
  const path = socketPath();
  await staleSocket(path);
  const out = await listen(sub, path);
  if (!out.settled || !out.ok) {
    fail(
      msg({
        en:
          `${path} held a stale socket file: its server was killed with SIGKILL, so nobody listens (connecting gives ECONNREFUSED). listenUnix() ${outcomeText(out)}. ` +
          'A plain listen() fails with EADDRINUSE here: check that the path is a socket (fs.lstat, isSocket()), confirm that a connection is refused, unlink it, then listen again.',
        'zh-CN': `${path} 上是一个陈旧的套接字文件：它的服务器被 SIGKILL 杀掉了，没有人在监听（连接会得到 ECONNREFUSED）。listenUnix() ${outcomeText(out)}。在这里直接 listen() 会以 EADDRINUSE 失败：先检查这个路径是套接字（fs.lstat、isSocket()），确认连接被拒绝，再 unlink 它，然后重新监听。`,
      }),
    );
  }
  if (!out.listeningAtResolve) await sub.call('waitListening', { path, guardMs: 2000 }, 4000);
  await expectEcho(path, Buffer.from('hello after a crash\n'));
});

check('regular-file-untouched', 'a regular file at the path is never deleted or changed', { points: 2 }, async () => {
  const sub = await start();
  const path = socketPath('data.sock');
  const content = 'precious data: not a socket\n';
  writeFileSync(path, content);
  const before = statSync(path);
  const out = await listen(sub, path);
  const after = lstatOrNull(path);
  if (!after || !after.isFile()) {
    fail(
      msg({
        en:
          `${path} was a regular file (${bytesText(content.length)}: ${show(content)}); after listenUnix(${path}) there is ${whatIsAt(path)}: your code deleted it. ` +
          'Connecting to a regular file fails with ECONNREFUSED too, so a refused connection does not prove a stale socket: check fs.lstat(path).isSocket() first, and reject for anything that is not a socket.',
        'zh-CN': `${path} 原本是一个普通文件（${bytesText(content.length)}：${show(content)}）；listenUnix(${path}) 之后那里是${whatIsAt(path)}：你的代码删掉了它。连接普通文件同样会以 ECONNREFUSED 失败，所以连接被拒绝并不能证明那是陈旧的套接字：先检查 fs.lstat(path).isSocket()，不是套接字的一律 reject。`,
      }),
    );
  }
  const now = readFileSync(path, 'utf8');
  if (after.ino !== before.ino || now !== content) {
    fail(
      msg({
        en: `the regular file at ${path} was changed (it now holds ${show(now)}); never write to or replace what is not a socket.`,
        'zh-CN': `${path} 上的普通文件被改动了（现在的内容是 ${show(now)}）；绝不要写入或替换不是套接字的东西。`,
      }),
    );
  }
  if (!out.settled) fail(msg({ en: `a regular file is at ${path}; listenUnix(${path}) ${outcomeText(out)}: it should reject.`, 'zh-CN': `${path} 上是一个普通文件；listenUnix(${path}) ${outcomeText(out)}：它应当 reject。` }));
  if (out.ok) {
    fail(
      msg({
        en: `a regular file is at ${path}; listenUnix(${path}) ${outcomeText(out)}, but no Unix socket can listen there: it should reject.`,
        'zh-CN': `${path} 上是一个普通文件；listenUnix(${path}) ${outcomeText(out)}，可是那里不可能有 Unix 套接字在监听：它应当 reject。`,
      }),
    );
  }
});

check('no-file-after-close', 'after close() no socket file is left, also after replacing a stale one', { points: 1 }, async () => {
  const sub = await start();
  for (const stale of [false, true]) {
    const path = socketPath();
    if (stale) await staleSocket(path);
    const situation = stale
      ? msg({ en: 'replaced a stale socket', 'zh-CN': '替换了一个陈旧的套接字' })
      : msg({ en: 'listened on a free path', 'zh-CN': '在空闲路径上监听' });
    await mustListen(sub, path, stale ? msg({ en: 'on a stale socket file', 'zh-CN': '在陈旧的套接字文件上' }) : onFreePath());
    const closed = await sub.call('close', { path, guardMs: 3000 }, 5000);
    if (!closed.settled) {
      fail(
        msg({
          en: `listenUnix(${path}) ${situation}; then server.close() did not finish within 3 s (nothing else was connected).`,
          'zh-CN': `listenUnix(${path}) ${situation}；之后 server.close() 在 3 秒内没有完成（并没有其他连接）。`,
        }),
      );
    }
    const left = readdirSync(join(path, '..'));
    if (lstatOrNull(path) || left.length > 0) {
      const code = closed.error?.code ?? msg({ en: 'an error', 'zh-CN': '一个错误' });
      fail(
        msg({
          en:
            `listenUnix(${path}) ${situation}; after close() of the server it resolved with, ${lstatOrNull(path) ? `${whatIsAt(path)} is still at ${path}` : `the directory still holds ${left.join(', ')}`}` +
            (closed.error
              ? ` (close() failed with ${code}: "${closed.error.message}"; the server you resolved with is not the one that listens: resolve with the server that listens)`
              : '') +
            '. Closing a listening server removes its socket file.',
          'zh-CN':
            `listenUnix(${path}) ${situation}；对它 resolve 出的服务器调用 close() 之后，${lstatOrNull(path) ? `${path} 上仍然是${whatIsAt(path)}` : `目录里仍有 ${left.join(', ')}`}` +
            (closed.error ? `（close() 以 ${code} 失败："${closed.error.message}"；你 resolve 出的服务器不是正在监听的那个：请 resolve 为正在监听的服务器）` : '') +
            '。关闭一个正在监听的服务器会删除它的套接字文件。',
        }),
      );
    }
  }
});
