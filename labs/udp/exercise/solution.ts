import * as dgram from 'node:dgram';
import { isIP } from 'node:net';

const ACK = Buffer.from('ack:');

/**
 * A UDP server: every datagram it receives (empty ones too) is answered
 * with the bytes `ack:` followed by the received bytes, sent back to the
 * sender's address and port. Returned unbound; whoever calls it decides
 * where it binds.
 */
export function createUdpServer(): dgram.Socket {
  const server = dgram.createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    // Buffer.concat keeps the bytes as bytes: no string conversion, so
    // any payload survives.
    const reply = Buffer.concat([ACK, msg]);
    // There is no connection to answer on: rinfo says who sent this
    // datagram, and sending from this same socket makes the reply come
    // from the address the client sent to.
    server.send(reply, rinfo.port, rinfo.address, () => {
      // A reply that cannot be sent is dropped, like any datagram; with a
      // callback, a send error is given here instead of being emitted as
      // 'error' on the socket.
    });
  });
  // Without an 'error' listener an error would crash the process that
  // owns the server.
  server.on('error', () => {});
  return server;
}

/**
 * Send `message` as one datagram from a fresh socket to `host:port` and
 * resolve with the first datagram that comes back. Rejects with
 * `code: 'ETIMEDOUT'` when nothing comes back within `timeoutMs`. The
 * socket is closed in every outcome.
 */
export function sendDatagram(
  message: string | Uint8Array, port: number,
  host = '127.0.0.1', timeoutMs = 1000,
): Promise<Buffer> {
  // A fresh socket per call: the OS gives it its own ephemeral port when
  // send() binds it implicitly, so concurrent calls never see each
  // other's replies.
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null, reply?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(reply!);
    };
    // UDP never says "lost": the only way to notice is to stop waiting.
    const timer = setTimeout(() => {
      const err: NodeJS.ErrnoException = new Error(
        `no reply from ${host}:${port} within ${timeoutMs} ms`,
      );
      err.code = 'ETIMEDOUT';
      settle(err);
    }, timeoutMs);
    // Anyone can send to our port: take only a datagram from the peer we
    // asked. (Comparing the address needs an IP; for a host name, the
    // port is what we can check.)
    socket.on('message', (reply, rinfo) => {
      const fromPeer =
        rinfo.port === port && (!isIP(host) || rinfo.address === host);
      if (fromPeer) settle(null, reply);
    });
    socket.on('error', (err) => settle(err));
    socket.send(message, port, host, (err) => {
      if (err) settle(err);
    });
  });
}
