import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Lab websocket-handshake: make a plain http.Server speak WebSocket (RFC 6455) by hand.
 *
 * acceptWebSocket(server) adds an 'upgrade' listener that
 *   - answers a valid handshake with 101 Switching Protocols and the right Sec-WebSocket-Accept,
 *     a wrong Sec-WebSocket-Version with 426 (+ Sec-WebSocket-Version: 13), anything else
 *     that is wrong with 400, closing the connection;
 *   - then echoes every text and binary message as a message of the same type, answers ping
 *     with pong, answers close with close (same code) and ends the connection, and closes
 *     with 1002 when a client frame is not masked.
 * Plain HTTP requests must keep working: add nothing but the 'upgrade' listener.
 *
 * Run the demo:   netlab run websocket-handshake            (the reference server)
 *                 netlab run websocket-handshake --use websocket-handshake.ts   (yours)
 * Grade yourself: netlab grade websocket-handshake
 * Stuck?          netlab hint websocket-handshake
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function acceptWebSocket(server: http.Server): void {
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());

    // TODO: check the request: GET, `Upgrade: websocket`, `Connection` containing "Upgrade",
    //       a Sec-WebSocket-Key that is 16 bytes in base64. If not: 400 and close.
    //       Sec-WebSocket-Version other than 13: 426 with `Sec-WebSocket-Version: 13`.
    //       (socket.end('HTTP/1.1 400 Bad Request\r\n...\r\n\r\n') writes and closes.)

    const key = String(req.headers['sec-websocket-key']);
    // TODO: write the 101 Switching Protocols response: status line, Upgrade, Connection,
    //       Sec-WebSocket-Accept: acceptFor(key), each line ending in \r\n, then an empty line.

    // TODO: decode frames from `head` first (bytes that came with the request), then from
    //       every 'data' chunk. One chunk may hold several frames, or part of one.
    //       A frame (RFC 6455 §5.2): FIN = byte0 & 0x80, opcode = byte0 & 0x0f,
    //       MASK = byte1 & 0x80 (a client frame without it: close with 1002),
    //       length = byte1 & 0x7f (126: the next 2 bytes hold it, 127: the next 8),
    //       then the 4-byte masking key, then the payload: payload[i] ^= key[i % 4].
    // TODO: text (0x1) and binary (0x2) messages come back with the same opcode. FIN=0 means
    //       continuation frames (0x0) follow: echo once the frame with FIN=1 arrives.
    //       Ping (0x9) gets a pong (0xA) with the same payload, even between fragments.
    //       Close (0x8) gets a close with the same 2-byte code; then end the socket.

    socket.destroy(); // TODO: remove once the handshake is answered
  });
}

/** base64(SHA-1(key + GUID)): what Sec-WebSocket-Accept must say. */
function acceptFor(key: string): string {
  // TODO: hash key + GUID with SHA-1, and encode the 20-byte digest in base64 (not hex!).
  return key + GUID;
}

/** One unmasked server frame with FIN set. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  // TODO: byte 0 = 0x80 | opcode. Byte 1 = the length if < 126; else 126 and a 16-bit length
  //       if < 65536; else 127 and a 64-bit length (writeBigUInt64BE). Then the payload.
  //       A server never sets the MASK bit.
  return payload;
}

