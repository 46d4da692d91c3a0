/**
 * A passive observer of a WebSocket server's wire, for the trace. It shows the raw request
 * and response heads, recomputes `Sec-WebSocket-Accept` step by step, and decodes every frame
 * in both directions. It only watches: it adds no listener (a paused socket stays paused),
 * calls the wrapped `emit`/`write`/`end` with the same arguments and returns their results,
 * and never throws into the program. The demo server and the grading host both install it,
 * so a learner sees the same decoded frames when their code is graded.
 */
import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { msg, type Msg } from '../../src/i18n/index.js';
import type { JsonObject } from '../../src/trace/event.js';
import { previewBytes } from '../../src/trace/detail.js';
import { acceptSteps, describeFrame, FrameParser, isValidKey, opcodeName } from './frames.js';

export interface TapSink {
  /** A synthetic trace event (`mark` of the child API), at time `t` when given. */
  mark(name: string, detail: JsonObject, object: string, t?: number): void;
  note(text: string | Msg, t?: number): void;
  /** The trace id of a socket (`net.Socket#2`). */
  idOf(obj: object): string;
  /** Now on the run's clock (`traceNow` of the child API): what is shown later keeps the time it happened. */
  now?(): number;
}

/**
 * Watch `server`'s upgrades. Call it before `trace(server)`, so that the `upgrade` event is
 * recorded before what the tap derives from it.
 */
export function tapWebSocketServer(server: http.Server, sink: TapSink): void {
  const original = server.emit;
  server.emit = function tappedEmit(this: http.Server, name: string | symbol, ...args: unknown[]) {
    if (name !== 'upgrade') return original.apply(this, [name, ...args] as Parameters<typeof original>);
    const [req, socket, head] = args as [http.IncomingMessage, Duplex, Buffer];
    let tap: SocketTap | undefined;
    try {
      tap = new SocketTap(sink, socket);
      tap.requestHead(req, head);
    } catch {
      /* tracing must not break the server */
    }
    if (!tap) return original.apply(this, [name, ...args] as Parameters<typeof original>);
    return tap.during(() => original.apply(this, [name, ...args] as Parameters<typeof original>));
  } as typeof server.emit;
}

class SocketTap {
  private readonly id: string;
  private readonly incoming = new FrameParser();
  private readonly outgoing = new FrameParser();
  /** Outgoing bytes before the end of the response head. */
  private responseHead: Buffer | null = Buffer.alloc(0);
  /** After a non-101 response the bytes are a body, not frames. */
  private outgoingIsBody = false;
  private expectedAccept: string | null = null;
  private depth = 0;
  /** What to show once the emit in progress has returned, with the time it happened. */
  private queued: Array<{ t: number | undefined; show: () => void }> = [];
  private incomingBroken = false;
  private outgoingBroken = false;

  constructor(
    private readonly sink: TapSink,
    private readonly socket: Duplex,
  ) {
    this.id = sink.idOf(socket);
    const tap = this;
    const emit = socket.emit;
    socket.emit = function tappedSocketEmit(this: Duplex, name: string | symbol, ...args: unknown[]) {
      if (name !== 'data') return emit.apply(this, [name, ...args] as Parameters<typeof emit>);
      return tap.during(
        () => emit.apply(this, [name, ...args] as Parameters<typeof emit>),
        () => tap.received(args[0]),
      );
    } as typeof socket.emit;
    const write = socket.write;
    socket.write = function tappedWrite(this: Duplex, ...args: unknown[]) {
      tap.sent(args[0], args[1]);
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof socket.write;
    const end = socket.end;
    socket.end = function tappedEnd(this: Duplex, ...args: unknown[]) {
      if (args[0] !== undefined && typeof args[0] !== 'function') tap.sent(args[0], args[1]);
      return (end as (...a: unknown[]) => Duplex).apply(this, args);
    } as typeof socket.end;
  }

  /**
   * Run `fn` (an emit that may make the program write); what it writes is shown after
   * `before` (what was received), so the trace reads in causal order: a frame arrives, then
   * the answer leaves.
   */
  during<T>(fn: () => T, afterwards?: () => void): T {
    const before = this.queued.length;
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      // What was received is shown first, at the moment of the first answer written meanwhile
      // (or now): after the socket's own 'data' event, before what it caused.
      const t = this.queued[before]?.t ?? this.sink.now?.();
      if (this.depth > 0) {
        if (afterwards) this.queued.splice(before, 0, { t, show: afterwards });
      } else {
        if (afterwards) this.stamped(t, afterwards);
        const queued = this.queued;
        this.queued = [];
        for (const entry of queued) this.stamped(entry.t, entry.show);
      }
    }
  }

  /** The time of what is being shown (when it happened, not when it is shown); undefined: now. */
  private at: number | undefined;

  private mark(name: string, detail: JsonObject, object: string): void {
    this.sink.mark(name, detail, object, this.at);
  }

  private note(text: string | Msg): void {
    this.sink.note(text, this.at);
  }

  /** `fn` later (when the emit in progress has returned), stamped with the time it happened. */
  private later(show: () => void): void {
    this.queued.push({ t: this.sink.now?.(), show });
  }

  private stamped(t: number | undefined, fn: () => void): void {
    this.at = t;
    this.safely(fn);
    this.at = undefined;
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      /* never break the traced program */
    }
  }

  private show(fn: () => void): void {
    if (this.depth > 0) this.later(fn);
    else this.safely(fn);
  }

  requestHead(req: http.IncomingMessage, head: Buffer): void {
    const start = `${req.method} ${req.url} HTTP/${req.httpVersion}`;
    const headers: JsonObject = {};
    const lines: string[] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers[req.rawHeaders[i]!] = req.rawHeaders[i + 1]!;
      lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    }
    this.mark('request-head', { start, headers, headBytes: head.length }, this.id);
    this.note(`← ${start}`);
    for (const line of lines) this.note(`←   ${line}`);
    const key = req.headers['sec-websocket-key'];
    if (typeof key === 'string') {
      const steps = acceptSteps(key);
      this.expectedAccept = steps.accept;
      this.mark('accept:key+guid', { key, guid: steps.input.slice(key.length), input: steps.input, validKey: isValidKey(key) }, 'handshake');
      this.mark('accept:sha1', { sha1: steps.sha1Hex }, 'handshake');
      this.mark('accept:base64', { accept: steps.accept }, 'handshake');
    }
    if (head.length) {
      this.note({
        en: `${head.length} bytes arrived together with the request head: Node hands them over as \`head\``,
        'zh-CN': `${head.length} 字节与请求头一起到达：Node 把它们作为 \`head\` 交出`,
      });
      this.received(head);
    }
  }

  private received(chunk: unknown): void {
    if (this.incomingBroken || !(chunk instanceof Uint8Array)) return;
    let frames;
    try {
      frames = this.incoming.push(chunk);
    } catch (err) {
      this.incomingBroken = true;
      this.mark('frame-error', { direction: 'received', message: (err as Error).message }, this.id);
      return;
    }
    for (const frame of frames) this.mark('frame-received', describeFrame(frame), this.id);
  }

  private sent(chunk: unknown, encoding: unknown): void {
    let bytes: Buffer;
    if (typeof chunk === 'string') bytes = Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) bytes = Buffer.from(chunk);
    else return;
    if (this.responseHead) {
      const all = Buffer.concat([this.responseHead, bytes]);
      const end = all.indexOf('\r\n\r\n');
      if (end < 0) {
        this.responseHead = all;
        return;
      }
      this.responseHead = null;
      const text = all.subarray(0, end).toString('latin1');
      // Decided now, not when shown: the bytes after a non-101 head are a body, not frames.
      this.outgoingIsBody = !/^HTTP\/1\.[01] 101\b/.test(text);
      this.show(() => this.showResponseHead(text));
      bytes = all.subarray(end + 4);
      if (!bytes.length) return;
    }
    if (this.outgoingIsBody) {
      const copy = bytes;
      this.show(() => this.mark('response-body', { bytes: copy.length, preview: previewBytes(copy) }, this.id));
      return;
    }
    if (this.outgoingBroken) return;
    let frames;
    try {
      frames = this.outgoing.push(bytes);
    } catch (err) {
      this.outgoingBroken = true;
      const message = (err as Error).message;
      this.show(() => this.mark('frame-error', { direction: 'sent', message }, this.id));
      return;
    }
    for (const frame of frames) {
      const detail = describeFrame(frame);
      this.show(() => this.mark('frame-sent', detail, this.id));
    }
  }

  private showResponseHead(text: string): void {
    const [start = '', ...lines] = text.split('\r\n');
    const headers: JsonObject = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(start)?.[1] ?? NaN);
    this.mark('response-head', { start, status: Number.isFinite(status) ? status : null, headers }, this.id);
    this.note(`→ ${start}`);
    for (const line of lines) this.note(`→   ${line}`);
    const acceptHeader = Object.entries(headers).find(([name]) => name.toLowerCase() === 'sec-websocket-accept')?.[1];
    if (status === 101 && this.expectedAccept) {
      const ok = acceptHeader === this.expectedAccept;
      this.mark('accept:check', { sent: acceptHeader ?? null, expected: this.expectedAccept, ok }, 'handshake');
      if (!ok) {
        const sent = acceptHeader ?? msg({ en: '(none)', 'zh-CN': '（没有）' });
        this.note({
          en: `the server sent Sec-WebSocket-Accept ${sent}, expected ${this.expectedAccept}: a real client will refuse the connection`,
          'zh-CN': `服务器发送的 Sec-WebSocket-Accept 是 ${sent}，应为 ${this.expectedAccept}：真正的客户端会拒绝这个连接`,
        });
      }
    }
    if (status === 101) {
      this.note({
        en: `from here on, ${this.id} carries WebSocket frames, not HTTP (first byte of each: FIN + RSV + opcode; e.g. 0x81 = FIN ${opcodeName(1)})`,
        'zh-CN': `从这里开始，${this.id} 上传输的是 WebSocket 帧，而不是 HTTP（每帧第一个字节：FIN + RSV + opcode；例如 0x81 = FIN ${opcodeName(1)}）`,
      });
    }
  }
}
