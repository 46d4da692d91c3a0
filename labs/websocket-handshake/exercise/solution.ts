import { createHash } from 'node:crypto';
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';

/** RFC 6455 §1.3: every server appends this to the client's key before
 * hashing. */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const CONTINUATION = 0x0;
const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

/** Refuse messages bigger than this (close code 1009) instead of
 * buffering without end. */
const MAX_MESSAGE = 16 * 1024 * 1024;
const TOO_BIG = 'message too big';

/**
 * Turn `server` into a WebSocket echo server: answer the HTTP Upgrade
 * handshake on its `upgrade` event, then speak RFC 6455 frames on the
 * socket. Plain HTTP requests still go to the server's `request`
 * listeners: this adds nothing else.
 */
export function acceptWebSocket(server: http.Server): void {
  server.on('upgrade', (req, socket: Duplex, head: Buffer) => {
    // After 'upgrade', nobody else listens to this socket: an unhandled
    // 'error' would crash us.
    socket.on('error', () => socket.destroy());

    const problem = checkRequest(req);
    if (problem) {
      reject(socket, problem.status, problem.reason, problem.headers);
      return;
    }

    const key = req.headers['sec-websocket-key'] as string;
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\n' +
        'Upgrade: websocket\r\n' +
        'Connection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n` +
        '\r\n',
    );

    const connection = new Connection(socket);
    // Bytes the client sent right behind its request (it may not wait for
    // our 101) arrived with the head, not as 'data': they are the start of
    // the frame stream.
    if (head.length > 0) connection.receive(head);
    socket.on('data', (chunk: Buffer) => connection.receive(chunk));
    // http.Server sockets allow half-open connections: if the client ends,
    // we must end too.
    socket.on('end', () => socket.end());
  });
}

interface Message {
  opcode: number;
  parts: Buffer[];
  size: number;
}

interface Problem {
  status: number;
  reason: string;
  headers?: Record<string, string>;
}

/** What is wrong with an upgrade request, or null if it is a valid
 * WebSocket handshake. */
function checkRequest(req: http.IncomingMessage): Problem | null {
  const bad = (reason: string): Problem => ({ status: 400, reason });
  if (req.method !== 'GET') {
    return bad('a WebSocket handshake is a GET request');
  }
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    return bad('Upgrade must be "websocket"');
  }
  // A list of tokens: browsers send e.g. "keep-alive, Upgrade".
  const connection = (req.headers.connection ?? '')
    .toLowerCase()
    .split(',')
    .map((t) => t.trim());
  if (!connection.includes('upgrade')) {
    return bad('Connection must contain "Upgrade"');
  }
  const key = req.headers['sec-websocket-key'];
  // 16 random bytes in base64 are 24 characters, the last two "==".
  if (
    typeof key !== 'string' ||
    !/^[A-Za-z0-9+/]{22}==$/.test(key) ||
    Buffer.from(key, 'base64').length !== 16
  ) {
    return bad('Sec-WebSocket-Key must be 16 bytes in base64');
  }
  // A browser sends the page's Origin; without this check any web page
  // could open a connection here with its visitor's cookies (cross-site
  // WebSocket hijacking). Clients that are not browsers send no Origin.
  const origin = req.headers.origin;
  if (origin !== undefined && !sameOrigin(origin, req.headers.host)) {
    return { status: 403, reason: `Origin ${origin} is not allowed here` };
  }
  const version = req.headers['sec-websocket-version'];
  if (version === undefined) return bad('Sec-WebSocket-Version is missing');
  if (version.trim() !== '13') {
    // 426 tells the client which version we do speak, so it can retry
    // with that one.
    return {
      status: 426,
      reason: `version ${version} is not supported`,
      headers: { 'Sec-WebSocket-Version': '13' },
    };
  }
  return null;
}

/** Does the page's Origin name the host (and port) that this request was
 * sent to? */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === (host ?? '').toLowerCase();
  } catch {
    return false; // "null" (a sandboxed page, a file) or garbage
  }
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  426: 'Upgrade Required',
};

function reject(
  socket: Duplex,
  status: number,
  reason: string,
  headers: Record<string, string> = {},
): void {
  const body = reason + '\n';
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  for (const [name, value] of Object.entries(headers)) {
    lines.push(`${name}: ${value}`);
  }
  socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
}

/** One server frame: FIN set, never masked, the length in the smallest of
 * its three forms. */
function encodeFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.alloc(2);
    header[1] = length;
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  // FIN + opcode; RSV bits 0; the MASK bit (in header[1]) stays 0.
  header[0] = 0x80 | opcode;
  return Buffer.concat([header, payload]);
}

/** The frames of one WebSocket connection, decoded as bytes arrive. */
class Connection {
  /** Bytes received but not yet decoded: TCP splits and joins frames as
   * it likes. */
  private buffer: Buffer = Buffer.alloc(0);
  /** The message being assembled from fragments: its opcode and its parts
   * so far. */
  private message: Message | null = null;
  /** Set once we sent a close frame: nothing more is sent or read. */
  private closing = false;

  constructor(private readonly socket: Duplex) {}

  receive(chunk: Buffer): void {
    this.buffer = this.buffer.length
      ? Buffer.concat([this.buffer, chunk])
      : chunk;
    while (!this.closing && this.decodeOne()) {
      /* one frame handled; try the next */
    }
  }

  /** Decode and handle one frame from the buffer; false if it holds no
   * whole frame yet. */
  private decodeOne(): boolean {
    const b = this.buffer;
    if (b.length < 2) return false;
    const fin = (b[0]! & 0x80) !== 0;
    const rsv = b[0]! & 0x70;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    // The check can happen as soon as the first two bytes are here.
    if (rsv !== 0) {
      const reason = 'RSV bits set, but no extension was negotiated';
      return this.fail(1002, reason);
    }
    if (!masked) return this.fail(1002, 'client frames must be masked');

    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return false;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return false;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE)) return this.fail(1009, TOO_BIG);
      length = Number(big);
      offset = 10;
    }
    if (b.length < offset + 4 + length) return false; // wait for the rest

    const mask = b.subarray(offset, offset + 4);
    const start = offset + 4;
    // A copy, which we may change.
    const payload = Buffer.from(b.subarray(start, start + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    this.buffer = b.subarray(offset + 4 + length);

    this.handleFrame(fin, opcode, payload);
    return true;
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode & 0x8) {
      // Control frames: at most 125 bytes, never fragmented, allowed
      // between fragments.
      if (!fin || payload.length > 125) {
        const reason = 'control frames must be whole and at most 125 bytes';
        return void this.fail(1002, reason);
      }
      if (opcode === PING) this.send(PONG, payload);
      else if (opcode === CLOSE) this.answerClose(payload);
      else if (opcode !== PONG) this.fail(1002, unknown(opcode));
      return;
    }
    if (opcode === TEXT || opcode === BINARY) {
      if (this.message) {
        const reason = 'a new message started before the last one finished';
        return void this.fail(1002, reason);
      }
      this.message = { opcode, parts: [], size: 0 };
    } else if (opcode === CONTINUATION) {
      if (!this.message) {
        const reason = 'a continuation frame without a message to continue';
        return void this.fail(1002, reason);
      }
    } else {
      return void this.fail(1002, unknown(opcode));
    }
    const message = this.message!;
    message.parts.push(payload);
    message.size += payload.length;
    if (message.size > MAX_MESSAGE) return void this.fail(1009, TOO_BIG);
    if (!fin) return; // more fragments follow
    this.message = null;
    const data = Buffer.concat(message.parts);
    if (message.opcode === TEXT && !isUtf8(data)) {
      return void this.fail(1007, 'text messages must be UTF-8');
    }
    this.send(message.opcode, data); // the echo: same type, same bytes
  }

  private answerClose(payload: Buffer): void {
    if (payload.length === 1) {
      const reason = 'a close payload is empty or at least 2 bytes';
      return void this.fail(1002, reason);
    }
    // Echo the client's status code (an empty close is answered with an
    // empty close).
    this.send(CLOSE, payload.subarray(0, Math.min(payload.length, 2)));
    this.closing = true;
    // The server closes the TCP connection first (RFC 6455 §7.1.1).
    this.socket.end();
  }

  /** Close the connection because the peer broke the protocol. Returns
   * false (stop decoding). */
  private fail(code: number, reason: string): false {
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.send(CLOSE, payload);
    this.closing = true;
    this.socket.end();
    return false;
  }

  private send(opcode: number, payload: Buffer): void {
    if (this.closing || !this.socket.writable) return;
    this.socket.write(encodeFrame(opcode, payload));
  }
}

function unknown(opcode: number): string {
  return `unknown opcode 0x${opcode.toString(16)}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
