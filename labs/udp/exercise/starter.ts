import * as dgram from 'node:dgram';

/**
 * Lab udp, part 1: return a UDP server (an unbound 'udp4' socket) that answers every
 * datagram, empty ones too, with the bytes `ack:` followed by the bytes it received,
 * sent back to whoever sent the datagram.
 *
 * Run the demo:   netlab run udp
 * Grade yourself: netlab grade udp
 * Stuck?          netlab hint udp
 */
export function createUdpServer(): dgram.Socket {
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    // TODO: build the reply as bytes: `ack:` followed by `msg` (do not turn msg into a string).
    // TODO: send it from this socket to the sender: rinfo tells you its address and port.
  });
  // TODO: do not bind here: the caller chooses the address (tests bind to 127.0.0.1, port 0).
  return server;
}

/**
 * Lab udp, part 2: send `message` as one datagram to `host:port` from a fresh socket and
 * resolve with the first reply (a Buffer). Reject with an error whose `code` is 'ETIMEDOUT'
 * when no reply arrives within `timeoutMs`. Close the socket in every outcome.
 */
export function sendDatagram(
  message: string | Uint8Array,
  port: number,
  host = '127.0.0.1',
  timeoutMs = 1000,
): Promise<Buffer> {
  // TODO: create a fresh 'udp4' socket for this call (no bind() needed:
  //       the first send() binds it to a port the OS picks).
  // TODO: resolve with the first 'message' the socket receives.
  // TODO: send `message` to host:port.
  // TODO: start a timer: when it fires first, reject with an Error whose
  //       code is 'ETIMEDOUT'.
  // TODO: close the socket whatever happens (reply, timeout, error), and
  //       only once.
  return new Promise(() => {});
}
