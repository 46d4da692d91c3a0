import * as net from 'node:net';

/**
 * Lab backpressure: return a TCP server (not yet listening) that sends every client
 * `totalBytes` bytes, where byte i is i % 256, then ends the connection — without ever
 * piling the stream up in memory, however slowly the client reads.
 *
 * Run the demo:   netlab run backpressure
 * Grade yourself: netlab grade backpressure
 * Stuck?          netlab hint backpressure
 */
export function createFirehose(totalBytes: number): net.Server {
  const server = net.createServer((socket) => {
    // TODO: write the stream in chunks (at most 64 KiB each): byte i of the stream is i % 256,
    //       exactly `totalBytes` bytes in all (the last chunk may be shorter; 0 bytes is allowed).
    // TODO: when socket.write() returns false, write nothing more (not even end(chunk)) until
    //       the socket emits 'drain'; make the next chunk only then.
    // TODO: after the last byte, end the connection with socket.end() (at once if totalBytes is 0).
    // TODO: a client that leaves midway makes the socket emit 'error': handle it, and stop
    //       producing for that socket (no write after it is destroyed).
    // TODO: a client that ends its own side still wants every byte (look at `allowHalfOpen`).
  });
  return server;
}
