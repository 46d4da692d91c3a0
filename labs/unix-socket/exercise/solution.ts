import { lstat, unlink } from 'node:fs/promises';
import * as net from 'node:net';

/**
 * The tcp-echo server, unchanged: a Unix socket is a stream like a TCP
 * connection.
 */
function createEchoServer(): net.Server {
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    socket.pipe(socket);
    socket.on('error', () => socket.destroy());
  });
}

/**
 * Listen on `path`; resolves once listening, rejects with listen's error
 * (EADDRINUSE…).
 */
function listenOn(path: string): Promise<net.Server> {
  const server = createEchoServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * True when a server accepts connections on `path`; false when nobody
 * answers (stale file).
 */
function someoneListens(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED: a socket file with nobody behind it; ENOENT: it
    // vanished meanwhile. Any other error (EAGAIN: a live server with a
    // full backlog) means: do not touch it.
    probe.once('error', (err: NodeJS.ErrnoException) =>
      resolve(err.code !== 'ECONNREFUSED' && err.code !== 'ENOENT'),
    );
  });
}

/**
 * An echo server listening on the Unix socket `path`. A stale socket file
 * left by a server that died is replaced; a live server's path is refused
 * with EADDRINUSE and left alone; anything that is not a socket is never
 * touched.
 */
export async function listenUnix(path: string): Promise<net.Server> {
  try {
    return await listenOn(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // Something exists at path. Only a socket file may be replaced, and
    // only a dead one.
    const stats = await lstat(path).catch(() => undefined);
    if (stats && !stats.isSocket()) {
      const message =
        `listen EADDRINUSE: ${path} exists and is not a socket; ` +
        'it was left alone';
      throw Object.assign(new Error(message), { code: 'EADDRINUSE' });
    }
    if (stats && (await someoneListens(path))) throw err;
    // Stale: nobody listens. Remove the leftover file (someone may have
    // beaten us to it).
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
    return listenOn(path);
  }
}
