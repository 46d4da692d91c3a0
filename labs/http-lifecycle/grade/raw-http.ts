/**
 * The grader's HTTP client on a bare `net` socket: it writes requests byte for byte (a head,
 * then the body when the check says so) and reads the answers the server sends, one at a
 * time, interim "100 Continue" included — so a check controls the exchange exactly (hold a
 * body back, see whether an answer comes before it) and can show the learner the raw heads.
 * Waits end at the awaited answer, at the server's end of the connection, or at their limit,
 * and say which; none sleeps.
 */
import type * as net from 'node:net';
import { currentCheck } from '../../../src/grade/harness.js';
import { ByteReader, connectTcp, show } from '../../../src/grade/helpers.js';
import { KEEP_ALIVE_MS } from './timing.js';

/** One response as it arrived. */
export interface Answer {
  status: number;
  statusLine: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The head as text, without the blank line. */
  head: string;
  body: Buffer;
}

/** Why no (complete) answer came. */
export interface NoAnswer {
  none: 'ended' | 'closed' | 'timeout' | 'garbage';
  /** What did arrive, for messages. */
  partial: string;
}

export type Next = Answer | NoAnswer;

export const isAnswer = (n: Next): n is Answer => 'status' in n;

/** How long the grader waits for an answer that a working server sends at once. */
export const ANSWER_MS = 3000;

export class RawHttp {
  private readonly reader: ByteReader;
  /** Bytes of the reader already taken by parsed answers. */
  private consumed = 0;
  private readonly answers: Answer[] = [];
  /** Heads of the requests written so far, for messages. */
  readonly sentHeads: string[] = [];
  garbage: string | undefined;
  /** The method of each request whose answer is still to come (a HEAD answer has no body). */
  private readonly pendingMethods: string[] = [];

  private constructor(
    readonly socket: net.Socket,
    readonly port: number,
  ) {
    this.reader = new ByteReader(socket);
  }

  static async open(port: number, actor?: string): Promise<RawHttp> {
    return new RawHttp(await connectTcp(port, actor ? { actor } : {}), port);
  }

  /** The server ended its side (or the connection closed). */
  get ended(): boolean {
    return this.reader.ended;
  }

  get closed(): boolean {
    return this.reader.closed;
  }

  /** Write a request head: `POST /upload HTTP/1.1` plus headers (Host is added). */
  head(requestLine: string, headers: Record<string, string | number> = {}): string {
    const lines = [requestLine, `Host: 127.0.0.1:${this.port}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    const text = lines.join('\r\n');
    this.sentHeads.push(text);
    this.pendingMethods.push(requestLine.split(' ')[0]!);
    this.socket.write(`${text}\r\n\r\n`);
    return text;
  }

  /** Write body bytes as they are (the caller frames them). */
  write(bytes: Uint8Array | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Write `bytes` as one chunk of a chunked body. */
  chunk(bytes: Uint8Array): void {
    this.write(Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]));
  }

  /** The last chunk of a chunked body. */
  lastChunk(): void {
    this.write('0\r\n\r\n');
  }

  /** The next answer (interim ones included), or why none came within `timeoutMs`. */
  async next(timeoutMs = ANSWER_MS): Promise<Next> {
    const ready = () => {
      this.parse();
      return this.answers.length > 0 || this.garbage !== undefined;
    };
    const outcome = await this.reader.until(ready, { timeoutMs });
    // The server's end can complete an answer whose body runs to the end of the connection.
    ready();
    const answer = this.answers.shift();
    if (answer) return answer;
    if (this.garbage !== undefined) return { none: 'garbage', partial: this.garbage };
    const rest = this.reader.bytes().subarray(this.consumed);
    const partial = rest.length ? show(rest, 200) : 'nothing';
    return { none: outcome === 'ended' || outcome === 'closed' ? outcome : 'timeout', partial };
  }

  /** Wait for the server to end or close the connection; true if it did within `timeoutMs`. */
  async closedByServer(timeoutMs: number): Promise<boolean> {
    // The helpers stretch a wait by the machine's pace; this one must still end well before
    // keepAliveTimeout would close the connection by itself, or "closed at once" and "closed
    // by the timeout" could not be told apart on a very busy machine.
    const pace = currentCheck().pace;
    await this.reader.end({ timeoutMs: Math.min(timeoutMs, KEEP_ALIVE_MS / 3 / pace) });
    return this.reader.ended || this.reader.closed;
  }

  /** End our side and wait briefly for the server to close. */
  async end(): Promise<void> {
    if (this.socket.destroyed) return;
    this.socket.end();
    await this.closedByServer(1000);
  }

  /** Take every complete response off the front of what was received. */
  private parse(): void {
    const all = this.reader.bytes();
    while (this.garbage === undefined) {
      const buffer = all.subarray(this.consumed);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(statusLine);
      if (!m) {
        this.garbage = show(buffer, 200);
        return;
      }
      const status = Number(m[1]);
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const rest = buffer.subarray(end + 4);
      const interim = status >= 100 && status < 200;
      const noBody = interim || status === 204 || status === 304 || this.pendingMethods[0] === 'HEAD';
      let body: Buffer;
      let used: number;
      if (noBody) {
        body = Buffer.alloc(0);
        used = 0;
      } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        const parsed = dechunk(rest);
        if (!parsed) return;
        if ('bad' in parsed) {
          this.garbage = `a chunked body that does not parse: ${parsed.bad}`;
          return;
        }
        ({ body, used } = parsed);
      } else if (headers['content-length'] !== undefined) {
        const length = Number(headers['content-length']);
        if (rest.length < length) return;
        body = Buffer.from(rest.subarray(0, length));
        used = length;
      } else {
        // Delimited by the end of the connection.
        if (!this.reader.ended) return;
        body = Buffer.from(rest);
        used = rest.length;
      }
      this.consumed += end + 4 + used;
      if (!interim) this.pendingMethods.shift();
      this.answers.push({ status, statusLine, headers, head, body });
    }
  }
}

function dechunk(bytes: Buffer): { body: Buffer; used: number } | { bad: string } | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!Number.isFinite(size)) return { bad: show(bytes.subarray(at, lineEnd)) };
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = bytes.indexOf('\r\n\r\n', at - 2);
      if (trailerEnd < 0) return undefined;
      return { body: Buffer.concat(parts), used: trailerEnd + 4 };
    }
    if (bytes.length < at + size + 2) return undefined;
    parts.push(bytes.subarray(at, at + size));
    at += size + 2;
  }
}

/** A head, indented, one header per line: for messages. */
export function indent(head: string): string {
  return head
    .split('\r\n')
    .map((l) => `    ${l}`)
    .join('\n');
}
