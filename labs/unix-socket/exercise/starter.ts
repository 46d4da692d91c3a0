import * as net from 'node:net';

/**
 * Lab unix-socket: resolve with an echo server (like tcp-echo's) that listens on the Unix
 * domain socket `path`.
 *
 * - A live server already listening on `path`: reject with code 'EADDRINUSE', leave it alone.
 * - A stale socket file at `path` (its server died, nobody listens): replace it.
 * - Anything at `path` that is not a socket (a regular file): reject, never delete or change it.
 * - After server.close(), no file is left at `path`.
 *
 * Run the demo:   netlab run unix-socket
 * Grade yourself: netlab grade unix-socket
 * Stuck?          netlab hint unix-socket
 */
export async function listenUnix(path: string): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    // TODO: echo every byte back to this client (as bytes), and end when the client ends.
    // TODO: handle 'error' so that one client that resets cannot crash the server.
  });
  // TODO: listen on `path` and resolve only once the server is listening.
  // TODO: on EADDRINUSE, find out what is at `path` (fs.lstat: is it a socket?) and whether
  //       anybody accepts connections there (try net.connect({ path })):
  //       a stale socket file may be unlinked and listened on again; anything else is an error.
  return server;
}
