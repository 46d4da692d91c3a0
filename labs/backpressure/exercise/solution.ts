import * as net from 'node:net';

/** How much one write() hands the socket: big enough to be efficient, small enough to keep the bound. */
const CHUNK = 64 * 1024;

/** `size` bytes of the firehose's pattern starting at byte `offset` of the stream: byte i is i % 256. */
function patternChunk(offset: number, size: number): Buffer {
  const chunk = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) chunk[i] = (offset + i) & 0xff;
  return chunk;
}

/**
 * A server that sends every client `totalBytes` bytes of a counting pattern, then ends the
 * connection. It produces each chunk only when the socket can take it, so its memory stays the
 * same whether the client reads at once, slowly, or not at all for a while.
 */
export function createFirehose(totalBytes: number): net.Server {
  // allowHalfOpen: a client that ends its own side still wants every byte. Without it Node
  // ends our side as soon as the client's FIN arrives, and the rest of the stream is lost.
  return net.createServer({ allowHalfOpen: true }, (socket) => {
    let sent = 0;
    // A client that leaves midway makes the next write fail (EPIPE, ECONNRESET): the socket
    // emits 'error', then 'close'. Handled, it cannot crash the server.
    socket.on('error', () => {});
    // We never need what the client sends; reading it (and dropping it) lets 'end' arrive.
    socket.resume();

    // Everything about this client lives in this closure: clients never wait for each other.
    const pump = (): void => {
      while (sent < totalBytes) {
        // The client left (a write can fail synchronously): stop producing for it at once.
        if (socket.destroyed) return;
        const size = Math.min(CHUNK, totalBytes - sent);
        const chunk = patternChunk(sent, size);
        sent += size;
        // false: the socket's buffer is at its high-water mark. Write nothing more until
        // 'drain' says it has emptied; the next chunk is not even made until then.
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      // FIN after the last byte (at once when totalBytes is 0); buffered bytes still go out first.
      socket.end();
    };
    pump();
  });
}
