/**
 * dgram has no event for "a datagram went out", so the demo programs wrap one socket's
 * `send()` to record each call as a synthetic `send` event (destination, size, preview, and
 * whether the socket was bound yet). The wrapper calls the original with the same arguments
 * and returns its result: what the socket does is unchanged.
 */
import type * as dgram from 'node:dgram';
import { bytesDetail, endpoint, formatAddress } from '../../../src/trace/detail.js';
import type { JsonObject } from '../../../src/trace/event.js';
import { mark, probe } from '../../../src/runtime/child.js';

function payloadBytes(msg: unknown): Buffer {
  if (typeof msg === 'string') return Buffer.from(msg);
  if (msg instanceof Uint8Array) return Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
  if (Array.isArray(msg)) return Buffer.concat(msg.map(payloadBytes));
  return Buffer.alloc(0);
}

/** Where the socket is bound, or null before its first bind (explicit or implicit). */
export function boundAddress(socket: dgram.Socket): string | null {
  try {
    return formatAddress(socket.address());
  } catch {
    return null;
  }
}

function describeSend(socket: dgram.Socket, msg: unknown, rest: unknown[]): JsonObject {
  let bytes = payloadBytes(msg);
  let port: unknown;
  let address: unknown;
  if (typeof rest[0] === 'number' && typeof rest[1] === 'number' && typeof rest[2] === 'number') {
    // send(msg, offset, length, port, address): the old form, still supported.
    bytes = bytes.subarray(rest[0], rest[0] + rest[1]);
    [port, address] = [rest[2], rest[3]];
  } else {
    [port, address] = [rest[0], rest[1]];
  }
  let to: string;
  if (typeof port === 'number') to = endpoint(typeof address === 'string' ? address : '127.0.0.1', port) ?? String(port);
  else {
    let remote: string | null = null;
    try {
      remote = formatAddress(socket.remoteAddress());
    } catch {
      /* not connected */
    }
    to = remote ?? 'the connected peer';
  }
  const from = boundAddress(socket);
  return { to, ...bytesDetail(bytes), from: from ?? 'not bound yet: send() binds it now' };
}

/** Record every `socket.send()` call as a `send` event of this socket. Returns the socket. */
export function traceSends(socket: dgram.Socket): dgram.Socket {
  const original = socket.send;
  // A send() on an unbound socket starts the implicit bind and is queued; when the socket
  // is bound, Node calls send() again for each queued one. Those repeats are not recorded.
  let queued = 0;
  const wrapped = function (this: dgram.Socket, msg: unknown, ...rest: unknown[]) {
    try {
      if (boundAddress(socket) === null) {
        queued++;
        mark('send', describeSend(socket, msg, rest), probe.idOf(socket));
      } else if (queued > 0) {
        queued--;
      } else {
        mark('send', describeSend(socket, msg, rest), probe.idOf(socket));
      }
    } catch {
      /* tracing never breaks the program */
    }
    return (original as (...args: unknown[]) => void).apply(this, [msg, ...rest]);
  };
  socket.send = wrapped as typeof socket.send;
  return socket;
}
