import * as net from 'node:net';

/**
 * Lab tcp-echo: return a TCP server (not yet listening) that sends every byte a client
 * writes back to that same client, unchanged.
 *
 * Run the demo:   netlab run tcp-echo
 * Grade yourself: netlab grade tcp-echo
 * Stuck?          netlab hint tcp-echo
 */
export function createEchoServer(): net.Server {
  const server = net.createServer((socket) => {
    // TODO: send every chunk the client writes back to it at once, as bytes (not strings).
    // TODO: when the client reads more slowly than it sends (socket.write() returns false),
    //       stop reading from it until the socket emits 'drain' (backpressure).
    // TODO: when the client ends its side, finish echoing, then end yours.
    //       (look at the `allowHalfOpen` option and what `socket.pipe()` does on 'end')
    // TODO: a client that resets the connection makes the socket emit 'error':
    //       handle it so that one bad client cannot crash the server.
  });
  return server;
}
