import * as net from 'node:net';

/**
 * A TCP echo server: every byte a client sends comes straight back to that
 * client. Returned without listening; whoever calls it decides where it
 * listens.
 */
export function createEchoServer(): net.Server {
  // allowHalfOpen: when a client ends its side, keep ours open until the
  // echo is done.
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    // pipe() writes each chunk back as bytes (no string conversion) and
    // respects backpressure: when the client reads slowly, reading from it
    // pauses. When the client half-closes, pipe() ends our side after the
    // last byte is written.
    socket.pipe(socket);
    // A client that resets the connection emits 'error' (ECONNRESET); an
    // unhandled 'error' would crash the whole server, so handle it: the
    // socket is closed anyway.
    socket.on('error', () => socket.destroy());
  });
  return server;
}
