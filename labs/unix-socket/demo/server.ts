/**
 * The unix-socket demo's server process. By default it is the exercise's `listenUnix(path)`
 * (the reference solution, or the learner's with `--use`), traced. With `naive: true` it is a
 * plain `net.createServer().listen(path)`, to show what happens without a stale-file check.
 */
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { note, onCommand, params, ready, trace, traceChannels, traceServersOnListen } from '../../../src/runtime/child.js';
import { errorDetail } from '../../../src/trace/detail.js';

interface ServerParams {
  /** Module exporting listenUnix. */
  implementation: string;
  /** The socket path. */
  path: string;
  /** A plain listen(path), no stale-file handling. */
  naive?: boolean;
  /** Close the server on SIGINT/SIGTERM, so that the socket file goes away with the process. */
  closeOnSignal?: boolean;
}

const p = params<ServerParams>();

// listenUnix may probe the path with a client connection of its own: trace those too.
traceChannels('net');
// listenUnix creates and listens inside the exercise; to see its servers' `listening` (and
// `error`), trace every server of this process at the moment it calls listen(). The original
// listen() runs unchanged.
traceServersOnListen();

async function naive(path: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.pipe(socket).on('error', () => {}));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

async function viaExercise(path: string): Promise<net.Server> {
  const mod = (await import(pathToFileURL(p.implementation).href)) as { listenUnix?: (path: string) => Promise<net.Server> };
  if (typeof mod.listenUnix !== 'function') throw new Error(`${p.implementation} does not export listenUnix()`);
  return trace(await mod.listenUnix(path));
}

let server: net.Server;
try {
  server = await (p.naive ? naive(p.path) : viaExercise(p.path));
} catch (err) {
  ready({ error: errorDetail(err) });
  process.exit(0);
}

onCommand('close', () => {
  note('server.close(): it stops accepting, waits for open connections, and removes the socket file');
  return new Promise((resolve) => server.close(() => resolve({ fileLeft: existsSync(p.path) })));
});
if (p.closeOnSignal) {
  // Only close() unlinks the file: a signal's default action, process.exit() and an uncaught
  // exception all end the process without it. The process ends once its connections have.
  const stop = (signal: NodeJS.Signals) => {
    note(`${signal}: the handler calls server.close(), which removes ${p.path}`);
    server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
ready({ path: server.address() as string });
