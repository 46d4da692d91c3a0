/**
 * The grader's peers for the learner's WebSocket server: a raw client on a bare `net` socket
 * (it writes the handshake and frames byte by byte, with the lab's frames.ts, and reads every
 * frame that comes back), and undici's `WebSocket` for the happy paths. Both are traced in the
 * check and closed when it ends. Waits are bounded and never sleep: they end at the awaited
 * event, at the peer's end of the connection, or at their limit, and say which.
 */
import * as net from 'node:net';
import { WebSocket } from 'undici';
import { fail, msg, type CheckContext } from '../../../src/grade/harness.js';
import { previewBytes } from '../../../src/trace/detail.js';
import { encodeFrame, FrameParser, frameSummary, isControl, Opcode, randomKey, type Frame } from '../frames.js';
import { Waiters } from '../waiters.js';

/** How long the grader waits for an answer that a working server sends at once. */
export const ANSWER_MS = 2000;

/** `1 byte`, `5 bytes` (`5 字节`). */
export function bytes(n: number): string {
  return msg({ en: `${n} byte${n === 1 ? '' : 's'}`, 'zh-CN': `${n} 字节` });
}

/** Short printable form of bytes for messages: `"hello"` or `"\x81\x05hel…"`. */
export function show(bytes: Uint8Array, max = 40): string {
  return `"${previewBytes(bytes, max)}"`;
}

export interface HandshakeOptions {
  /** Sec-WebSocket-Key (default a fresh random one; null leaves the header out). */
  key?: string | null;
  /** Sec-WebSocket-Version (default 13; null leaves the header out). */
  version?: string | null;
  method?: string;
  /** The Upgrade header's value (default `websocket`). */
  upgrade?: string;
  /** The Connection header's value (default `Upgrade`; Firefox sends `keep-alive, Upgrade`). */
  connection?: string;
  /** Bytes sent in the same write as the request head (they arrive as `head`). */
  extra?: Buffer;
  actor?: string;
}

/** The server's answer to a handshake. */
export interface HandshakeAnswer {
  /** The status code, or null if no complete response head arrived. */
  status: number | null;
  statusLine: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** The response head as text (for messages). */
  head: string;
  /** The key that was sent. */
  key: string | null;
  conn: RawConnection;
}

/** What `next()` found: a frame, or why there is none. */
export type NextFrame = { frame: Frame } | { none: 'ended' | 'timeout' | 'garbage'; detail: string };

/** A WebSocket connection driven by hand from the grader. */
export class RawConnection {
  private readonly parser = new FrameParser(64 * 1024 * 1024);
  private readonly frames: Frame[] = [];
  private readonly waiters = new Waiters();
  private buffered = Buffer.alloc(0);
  /** True once the response head was read: later bytes are frames. */
  private upgraded = false;
  ended = false;
  closed = false;
  error: string | undefined;
  garbage: string | undefined;
  /** Bytes received after the response head. */
  frameBytes = 0;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.take(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error = err.code ?? err.message;
      this.wake();
    });
  }

  private wake(): void {
    this.waiters.wake();
  }

  private take(chunk: Buffer): void {
    if (!this.upgraded) {
      this.buffered = Buffer.concat([this.buffered, chunk]);
    } else {
      this.frameBytes += chunk.length;
      this.decode(chunk);
    }
    this.wake();
  }

  private decode(chunk: Buffer): void {
    if (this.garbage) return;
    try {
      this.frames.push(...this.parser.push(chunk));
    } catch (err) {
      this.garbage = (err as Error).message;
    }
  }

  /** Wait until `done()` or the connection ends, at most `timeoutMs`. */
  until(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waiters.until(done, timeoutMs, () => this.ended || this.closed || Boolean(this.garbage));
  }

  /** Read the HTTP response head; the bytes after it are frames. */
  async readHead(timeoutMs: number): Promise<{ head: string | null; body: Buffer }> {
    await this.until(() => this.buffered.indexOf('\r\n\r\n') >= 0, timeoutMs);
    const end = this.buffered.indexOf('\r\n\r\n');
    if (end < 0) return { head: null, body: this.buffered };
    const head = this.buffered.subarray(0, end).toString('latin1');
    const rest = this.buffered.subarray(end + 4);
    this.buffered = Buffer.alloc(0);
    this.upgraded = true;
    this.frameBytes += rest.length;
    if (rest.length) this.decode(rest);
    return { head, body: rest };
  }

  /** Send one frame, masked (as a client must) unless `mask: false`. */
  send(opcode: number, payload: Uint8Array | string = '', options: { fin?: boolean; mask?: boolean } = {}): void {
    this.socket.write(frame(opcode, payload, options));
  }

  /** The next frame from the server, or why none came within `timeoutMs`. */
  async next(timeoutMs = ANSWER_MS): Promise<NextFrame> {
    await this.until(() => this.frames.length > 0, timeoutMs);
    const frame = this.frames.shift();
    if (frame) return { frame };
    if (this.garbage) return { none: 'garbage', detail: this.garbage };
    const pending = this.parser.pending;
    const header = this.parser.peekHeader();
    const ended = this.ended || this.closed;
    let detail = msg({ en: 'nothing came back', 'zh-CN': '什么也没有回来' });
    if (pending) {
      const bytesShown = show(this.parser.pendingBytes, 24);
      detail = msg({ en: `${bytes(pending)} came back that do not make a whole frame: ${bytesShown}`, 'zh-CN': `回来了 ${bytes(pending)}，凑不成一个完整的帧：${bytesShown}` });
      if (header) {
        const read = `opcode 0x${header.opcode.toString(16)}, ${header.lengthEncoding} length ${header.length}${header.masked ? ', masked' : ''}`;
        const more = header.length - Math.max(0, pending - 2);
        detail += msg({ en: ` (read as: ${read}, so ${more}+ more bytes were awaited)`, 'zh-CN': `（解读为：${read}，所以还在等至少 ${more} 字节）` });
      }
    }
    if (ended) {
      detail += pending
        ? msg({ en: ', then the server ended the connection', 'zh-CN': '，然后服务器结束了连接' })
        : msg({ en: ': the server ended the connection', 'zh-CN': '：服务器结束了连接' });
    }
    return { none: ended ? 'ended' : 'timeout', detail };
  }

  /**
   * The next data message (fragments put together), and the control frames that arrived before
   * it completed. `problem` says what went wrong instead.
   */
  async message(timeoutMs = ANSWER_MS): Promise<{ opcode: number; payload: Buffer; frames: Frame[]; controls: Frame[] } | { problem: string; frames: Frame[]; controls: Frame[] }> {
    const frames: Frame[] = [];
    const controls: Frame[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = await this.next(Math.max(1, deadline - Date.now()));
      if ('none' in got) {
        const shown = frames.map(frameSummary).join('; ');
        const partial = frames.length ? msg({ en: ` after ${frames.length} fragment(s) without FIN (${shown})`, 'zh-CN': `（此前收到 ${frames.length} 个不带 FIN 的分片：${shown}）` }) : '';
        return { problem: `${got.detail}${partial}`, frames, controls };
      }
      const f = got.frame;
      if (isControl(f.opcode)) {
        controls.push(f);
        if (f.opcode === Opcode.close) {
          const problem = msg({ en: `the server sent a close frame (${frameSummary(f)}) instead of a message`, 'zh-CN': `服务器发来的是一个关闭帧（${frameSummary(f)}），而不是消息` });
          return { problem, frames, controls };
        }
        continue;
      }
      frames.push(f);
      if (f.fin) {
        return { opcode: frames[0]!.opcode, payload: Buffer.concat(frames.map((x) => x.payload)), frames, controls };
      }
    }
  }

  /** True if the server ends the connection within `timeoutMs`. */
  async waitEnd(timeoutMs = ANSWER_MS): Promise<boolean> {
    return this.until(() => this.ended || this.closed, timeoutMs);
  }
}

/** One client frame. */
export function frame(opcode: number, payload: Uint8Array | string = '', options: { fin?: boolean; mask?: boolean } = {}): Buffer {
  return encodeFrame(opcode, payload, { fin: options.fin ?? true, mask: options.mask ?? true });
}

/**
 * Open a TCP connection, send an upgrade request (and `extra` bytes in the same write), read the
 * response head. Fails only if nobody accepts the connection.
 */
export async function handshake(ctx: CheckContext, port: number, options: HandshakeOptions = {}): Promise<HandshakeAnswer> {
  const socket = ctx.trace(new net.Socket(), options.actor ?? 'client');
  socket.on('error', () => {});
  ctx.defer(() => socket.destroy());
  const conn = new RawConnection(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', (err: NodeJS.ErrnoException) => reject(err));
    socket.connect(port, '127.0.0.1');
  }).catch((err: NodeJS.ErrnoException) => {
    const why = err.code ?? err.message;
    fail(msg({ en: `could not connect to your server at 127.0.0.1:${port}: ${why} (did it crash?)`, 'zh-CN': `无法连接到你在 127.0.0.1:${port} 上的服务器：${why}（它崩溃了吗？）` }));
  });
  const key = options.key === undefined ? randomKey() : options.key;
  const lines = [`${options.method ?? 'GET'} /chat HTTP/1.1`, `Host: 127.0.0.1:${port}`, `Connection: ${options.connection ?? 'Upgrade'}`, `Upgrade: ${options.upgrade ?? 'websocket'}`];
  if (key !== null) lines.push(`Sec-WebSocket-Key: ${key}`);
  const version = options.version === undefined ? '13' : options.version;
  if (version !== null) lines.push(`Sec-WebSocket-Version: ${version}`);
  socket.write(Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n'), options.extra ?? Buffer.alloc(0)]));
  const { head } = await conn.readHead(ANSWER_MS);
  if (head === null) return { status: null, statusLine: '', headers: {}, head: '', key, conn };
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = /^HTTP\/1\.[01] (\d{3})\b/.exec(statusLine);
  return { status: status ? Number(status[1]) : null, statusLine, headers, head, key, conn };
}

/** What the grader says when a response head never arrived. */
export function noHead(answer: HandshakeAnswer): string {
  if (answer.conn.ended || answer.conn.closed) {
    return msg({ en: 'the server closed the connection without an HTTP response', 'zh-CN': '服务器没有发送 HTTP 响应就关闭了连接' });
  }
  return msg({
    en: `no complete HTTP response head within ${ANSWER_MS} ms (it ends with an empty line: "\\r\\n\\r\\n")`,
    'zh-CN': `${ANSWER_MS} ms 内没有收到完整的 HTTP 响应头（它以一个空行结束："\\r\\n\\r\\n"）`,
  });
}

/** A handshake that must succeed before the real test: fails the check if it does not. */
export async function upgraded(ctx: CheckContext, port: number, options: HandshakeOptions = {}): Promise<RawConnection> {
  const answer = await handshake(ctx, port, options);
  if (answer.status !== 101) {
    needsHandshake(
      answer.status === null
        ? noHead(answer)
        : msg({ en: `a valid handshake got "${answer.statusLine}" instead of 101 Switching Protocols`, 'zh-CN': `有效的握手得到的是 "${answer.statusLine}"，而不是 101 Switching Protocols` }),
    );
  }
  return answer.conn;
}

/** This check depends on the handshake, which failed: say so, and point at the `handshake` check. */
export function needsHandshake(reason: string): never {
  fail(msg({ en: `this check needs a working handshake first: ${reason}. The "handshake" check says more.`, 'zh-CN': `这项检查需要先有能用的握手：${reason}。"handshake" 检查会说明更多。` }));
}

/** undici's WebSocket, with its messages queued and its end awaited. */
export class UndiciClient {
  readonly ws: WebSocket;
  readonly messages: Array<string | Buffer> = [];
  opened = false;
  closeEvent: { code: number; reason: string; wasClean: boolean } | undefined;
  errored = false;
  private readonly waiters = new Waiters();

  constructor(ctx: CheckContext, url: string) {
    this.ws = new WebSocket(url);
    this.ws.binaryType = 'arraybuffer';
    ctx.defer(() => {
      if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    });
    this.ws.addEventListener('open', () => {
      this.opened = true;
      ctx.note(msg({ en: "undici's WebSocket: open", 'zh-CN': 'undici 的 WebSocket：已打开（open）' }));
      this.wake();
    });
    this.ws.addEventListener('message', (event) => {
      const data = event.data as string | ArrayBuffer;
      const value = typeof data === 'string' ? data : Buffer.from(data);
      this.messages.push(value);
      const size = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
      const kind = typeof value === 'string' ? 'text' : 'binary';
      ctx.note(msg({ en: `undici's WebSocket: message (${kind}, ${size} bytes)`, 'zh-CN': `undici 的 WebSocket：message（${kind}，${size} 字节）` }));
      this.wake();
    });
    this.ws.addEventListener('error', () => {
      this.errored = true;
      ctx.note(msg({ en: "undici's WebSocket: error", 'zh-CN': 'undici 的 WebSocket：error' }));
      this.wake();
    });
    this.ws.addEventListener('close', (event) => {
      this.closeEvent = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      ctx.note(msg({ en: `undici's WebSocket: close code=${event.code} wasClean=${event.wasClean}`, 'zh-CN': `undici 的 WebSocket：close code=${event.code} wasClean=${event.wasClean}` }));
      this.wake();
    });
  }

  private wake(): void {
    this.waiters.wake();
  }

  until(done: () => boolean, timeoutMs = ANSWER_MS): Promise<boolean> {
    return this.waiters.until(done, timeoutMs, () => Boolean(this.closeEvent));
  }
}

/** Open undici's WebSocket to the learner's server; fails with a reason if it does not open. */
export async function openUndici(ctx: CheckContext, port: number): Promise<UndiciClient> {
  const client = new UndiciClient(ctx, `ws://127.0.0.1:${port}/chat`);
  await client.until(() => client.opened, ANSWER_MS + 1000);
  if (!client.opened) {
    needsHandshake(
      client.closeEvent
        ? msg({ en: `undici's WebSocket could not open (close code ${client.closeEvent.code})`, 'zh-CN': `undici 的 WebSocket 无法打开（关闭代码 ${client.closeEvent.code}）` })
        : msg({ en: `undici's WebSocket did not open within ${ANSWER_MS + 1000} ms`, 'zh-CN': `undici 的 WebSocket 在 ${ANSWER_MS + 1000} ms 内没有打开` }),
    );
  }
  return client;
}
