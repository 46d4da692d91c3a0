/**
 * Shows an HTTP server's messages as they are on the wire, for the trace: the head of every
 * request as the parser received it, and the head of every response (the interim
 * "100 Continue" included) as the server wrote it, each with the connection that carried it
 * and its number on that connection. The demo server and the grading host both install it.
 *
 * It only watches. Request heads come from the `http.server.request.start` diagnostics
 * channel (published before Node answers "100 Continue" by itself, so the order is the wire's);
 * response heads from a wrapper around the socket's `write` that calls the original with the
 * same arguments. No listener is added where Node's behaviour depends on one (a
 * 'checkContinue' listener would stop Node's automatic "100 Continue"), and nothing throws.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type * as http from 'node:http';
import type * as net from 'node:net';
import type { JsonObject } from '../../src/trace/event.js';

export interface HeadSink {
  /** A synthetic trace event (`mark` of the child API). */
  mark(name: string, detail: JsonObject, object: string): void;
  /** The trace id of an object (`net.Socket#2`). */
  idOf(obj: object): string;
}

/** The head as it was received: request line and headers in their order and case, without the blank line. */
export function requestHead(req: http.IncomingMessage): string {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join('\r\n');
}

const requestsOn = new WeakMap<object, number>();
let subscribed: HeadSink | undefined;

/** Trace the heads of every request and response of `server`. */
export function tapHeads(server: http.Server, sink: HeadSink): void {
  if (!subscribed) {
    subscribed = sink;
    diagnosticsChannel.subscribe('http.server.request.start', (message) => {
      try {
        const { request, socket } = message as { request: http.IncomingMessage; socket: net.Socket };
        const n = (requestsOn.get(socket) ?? 0) + 1;
        requestsOn.set(socket, n);
        sink.mark('request head', { connection: sink.idOf(socket), nth: n, request: sink.idOf(request), head: requestHead(request) }, sink.idOf(socket));
      } catch {
        /* tracing must not break the server */
      }
    });
  }
  server.prependListener('connection', (socket: net.Socket) => {
    try {
      const write = socket.write;
      socket.write = function headTappedWrite(this: net.Socket, ...args: unknown[]) {
        try {
          const chunk = args[0];
          const text = typeof chunk === 'string' ? chunk.slice(0, 4096) : chunk instanceof Uint8Array ? Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(chunk.length, 4096)).toString('latin1') : '';
          if (text.startsWith('HTTP/1.')) {
            const end = text.indexOf('\r\n\r\n');
            sink.mark('response head', { connection: sink.idOf(socket), head: end >= 0 ? text.slice(0, end) : text }, sink.idOf(socket));
          }
        } catch {
          /* tracing must not break the server */
        }
        return (write as (...a: unknown[]) => boolean).apply(this, args);
      } as typeof socket.write;
    } catch {
      /* tracing must not break the server */
    }
  });
}
