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
import { check, currentCheck, fail, startSubmission, type Submission } from '../../src/grade/harness.js';
import { ByteReader, bytesText, closeGracefully, firstDifference, hex, show } from '../../src/grade/helpers.js';
import { makeTempDir, removeTempDir } from '../../src/runtime/cleanup.js';
import type { CloseOutcome, ListenOutcome } from './grade/host.js';

const LAB = 'unix-socket';

/** A socket path in a private directory (mode 0700) of this check, removed when it ends. */
function socketPath(name = 's.sock'): string {
  const dir = makeTempDir('netlab-g-');
  currentCheck().defer(() => removeTempDir(dir));
  return join(dir, name);
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
  if (!st) return 'nothing';
  if (st.isSocket()) return 'a socket file';
  if (st.isFile()) return `a regular file of ${bytesText(st.size)}`;
  return 'something that is not a socket';
}

/** Connect to the Unix socket `path` as `actor`; the socket, or the error code. Destroyed at the end of the check. */
async function connectUnix(path: string, actor: string): Promise<net.Socket | string> {
  const check = currentCheck();
  const socket = check.trace(net.connect({ path }), actor);
  check.defer(() => socket.destroy());
  try {
    await Promise.race([
      once(socket, 'connect'),
      new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'no answer within 3 s' })), Math.min(3000, check.remainingMs()))),
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
  currentCheck().note(`${path} is a stale socket file: its server was killed with SIGKILL`);
}

/** Generous: a correct listenUnix() settles in milliseconds, a hanging one is caught anyway. */
const GUARD_MS = 4000;

function listen(sub: Submission, path: string, guardMs = GUARD_MS): Promise<ListenOutcome> {
  return sub.call<ListenOutcome>('listen', { path, guardMs }, guardMs + 2000);
}

function outcomeText(out: ListenOutcome): string {
  if (!out.settled) return `had neither resolved nor rejected after ${GUARD_MS / 1000} s`;
  if (out.ok) return `resolved with ${out.kind === 'net.Server' ? `a server${out.address ? ` on ${out.address}` : ''}` : out.kind}`;
  return `rejected with ${out.error?.code ? `${out.error.code}: ` : ''}${out.error?.message}`;
}

/** listenUnix(path) must resolve; fails the check with what happened otherwise. */
async function mustListen(sub: Submission, path: string, situation: string): Promise<ListenOutcome> {
  const out = await listen(sub, path);
  if (!out.settled || !out.ok) fail(`listenUnix(${path}) ${situation}: it ${outcomeText(out)}.`);
  if (out.kind !== 'net.Server') fail(`listenUnix(${path}) resolved with ${out.kind}; resolve with the net.Server that listens.`);
  // Lenient about *when* it listens (resolves-when-listening judges that): wait a little.
  if (!out.listeningAtResolve) await sub.call('waitListening', { path, guardMs: 2000 }, 4000);
  return out;
}

/** Send bytes over the Unix socket, end, and expect exactly them back, then the server's end. */
async function expectEcho(path: string, payload: Buffer, actor = 'client'): Promise<void> {
  const socket = await connectUnix(path, actor);
  if (typeof socket === 'string') fail(`could not connect to ${path}: ${socket}. A server that listenUnix() resolved with must accept connections on that path.`);
  const reader = new ByteReader(socket);
  socket.end(payload);
  const outcome = await reader.end({ timeoutMs: 2000 });
  const got = reader.bytes();
  if (!got.equals(payload)) {
    const at = firstDifference(got, payload);
    fail(
      `sent ${bytesText(payload.length)} over ${path} and ended our side; got ${bytesText(got.length)} back` +
        (at >= 0 && at < got.length ? `, differing from byte ${at}: expected ${hex(payload.subarray(at), 6)}, got ${hex(got.subarray(at), 6)}` : '') +
        (got.includes(Buffer.from([0xef, 0xbf, 0xbd])) ? ' (ef bf bd is the replacement character: did you convert chunks to strings?)' : '') +
        (outcome === 'timeout' && got.length < payload.length ? ' before we gave up after 2 s' : '') +
        '. Echo every chunk as bytes (socket.pipe(socket) does) and end after the client ends.',
    );
  }
  if (outcome === 'timeout') fail(`the echo over ${path} came back, but the server never ended its side after we ended ours (half-close): end it once the echo is done.`);
  await closeGracefully(socket);
}

check('resolves-when-listening', 'listenUnix() resolves only once the server is listening', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath();
  const out = await listen(sub, path);
  if (!out.settled) fail(`listenUnix(${path}) on a free path ${outcomeText(out)}: resolve in listen()'s callback (the 'listening' event).`);
  if (!out.ok) fail(`listenUnix(${path}) on a free path in an empty directory ${outcomeText(out)}.`);
  if (out.kind !== 'net.Server') fail(`listenUnix() resolved with ${out.kind}, expected the net.Server that listens.`);
  if (!out.listeningAtResolve) {
    const client = await connectUnix(path, 'client');
    fail(
      `listenUnix() resolved with a server that was not listening yet (server.listening was false${typeof client === 'string' ? `, and connecting right away failed with ${client}` : ''}). ` +
        "Resolve only in listen()'s callback, and await whatever you do before calling listen() (a forgotten await lets the function return too early).",
    );
  }
  const client = await connectUnix(path, 'client');
  if (typeof client === 'string') fail(`listenUnix(${path}) resolved, but connecting to ${path} right away failed with ${client}.`);
  await closeGracefully(client);
});

check('listens-on-path', 'the server listens on the Unix socket at the given path', { points: 1 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath();
  await mustListen(sub, path, 'on a free path');
  const { address } = await sub.call<{ listening: boolean; address: string | null }>('waitListening', { path, guardMs: 2000 }, 4000);
  if (address === null) fail(`listenUnix(${path}) resolved with a server that never started listening (server.address() is null): call server.listen(path).`);
  if (address !== path) {
    const tcp = address && /^[\d.[\]:a-f]+:\d+$/.test(address);
    fail(
      `listenUnix(${path}) resolved with a server listening on ${address ?? 'nothing'}${tcp ? ' (a TCP port)' : ''}, not on the path it was given. ` +
        'Call server.listen(path) with the path argument: a Unix socket has no port.',
    );
  }
  if (!lstatOrNull(path)?.isSocket()) fail(`the server says it listens on ${path}, but there is ${whatIsAt(path)} at that path, not a socket file.`);
});

check('echoes-bytes', 'echoes any bytes over the Unix socket and ends after the client ends', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath();
  await mustListen(sub, path, 'on a free path');
  const payload = Buffer.alloc(300);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + 3) % 256;
  await expectEcho(path, Buffer.concat([Buffer.from('héllo ✓\n'), payload]));
});

check('live-server-refused', "a live server's path is refused with EADDRINUSE and left working", { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath();
  await liveServer(path);
  const before = lstatSync(path);
  const out = await listen(sub, path);
  const after = lstatOrNull(path);
  const stolen = !after || after.ino !== before.ino;
  if (out.settled && out.ok) {
    fail(
      `a live server accepts connections on ${path}, yet listenUnix(${path}) resolved${stolen ? ': its socket file was removed and replaced by yours, so the live server keeps running but nobody can reach it any more' : ''}. ` +
        "Reject with the EADDRINUSE error instead. Never unlink before checking: connect to the path first, and if that connection succeeds, someone is listening.",
    );
  }
  if (!out.settled) fail(`a live server listens on ${path}; listenUnix(${path}) ${outcomeText(out)}: it should reject with EADDRINUSE.`);
  if (stolen) fail(`listenUnix(${path}) rejected, but the live server's socket file ${after ? 'was replaced' : 'was deleted'}: its clients cannot reach it any more. Leave a live server's path alone.`);
  if (out.error?.code !== 'EADDRINUSE') fail(`a live server listens on ${path}; listenUnix() ${outcomeText(out)}, expected an error whose code is 'EADDRINUSE'.`);
  if (!(await greets(path))) fail(`after listenUnix() was refused, the live server on ${path} no longer answers: leave it untouched.`);
});

check('replaces-stale-socket', 'a stale socket file (its server was killed) is replaced', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath();
  await staleSocket(path);
  const out = await listen(sub, path);
  if (!out.settled || !out.ok) {
    fail(
      `${path} held a stale socket file: its server was killed with SIGKILL, so nobody listens (connecting gives ECONNREFUSED). listenUnix() ${outcomeText(out)}. ` +
        'A plain listen() fails with EADDRINUSE here: check that the path is a socket (fs.lstat, isSocket()), confirm that a connection is refused, unlink it, then listen again.',
    );
  }
  if (!out.listeningAtResolve) await sub.call('waitListening', { path, guardMs: 2000 }, 4000);
  await expectEcho(path, Buffer.from('hello after a crash\n'));
});

check('regular-file-untouched', 'a regular file at the path is never deleted or changed', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const path = socketPath('data.sock');
  const content = 'precious data: not a socket\n';
  writeFileSync(path, content);
  const before = statSync(path);
  const out = await listen(sub, path);
  const after = lstatOrNull(path);
  if (!after || !after.isFile()) {
    fail(
      `${path} was a regular file (${bytesText(content.length)}: ${show(content)}); after listenUnix(${path}) there is ${whatIsAt(path)}: your code deleted it. ` +
        'Connecting to a regular file fails with ECONNREFUSED too, so a refused connection does not prove a stale socket: check fs.lstat(path).isSocket() first, and reject for anything that is not a socket.',
    );
  }
  const now = readFileSync(path, 'utf8');
  if (after.ino !== before.ino || now !== content) fail(`the regular file at ${path} was changed (it now holds ${show(now)}); never write to or replace what is not a socket.`);
  if (!out.settled) fail(`a regular file is at ${path}; listenUnix(${path}) ${outcomeText(out)}: it should reject.`);
  if (out.ok) fail(`a regular file is at ${path}; listenUnix(${path}) ${outcomeText(out)}, but no Unix socket can listen there: it should reject.`);
});

check('no-file-after-close', 'after close() no socket file is left, also after replacing a stale one', { points: 1 }, async () => {
  const sub = await startSubmission(LAB);
  for (const stale of [false, true]) {
    const path = socketPath();
    if (stale) await staleSocket(path);
    const situation = stale ? 'replaced a stale socket' : 'listened on a free path';
    await mustListen(sub, path, stale ? 'on a stale socket file' : 'on a free path');
    const closed = await sub.call<CloseOutcome>('close', { path, guardMs: 3000 }, 5000);
    if (!closed.settled) fail(`listenUnix(${path}) ${situation}; then server.close() did not finish within 3 s (nothing else was connected).`);
    const left = readdirSync(join(path, '..'));
    if (lstatOrNull(path) || left.length > 0) {
      fail(
        `listenUnix(${path}) ${situation}; after close() of the server it resolved with, ${lstatOrNull(path) ? `${whatIsAt(path)} is still at ${path}` : `the directory still holds ${left.join(', ')}`}` +
          (closed.error
            ? ` (close() failed with ${closed.error.code ?? 'an error'}: "${closed.error.message}"; the server you resolved with is not the one that listens: resolve with the server that listens)`
            : '') +
          '. Closing a listening server removes its socket file.',
      );
    }
  }
});
