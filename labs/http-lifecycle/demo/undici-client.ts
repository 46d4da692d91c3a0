/**
 * An undici `Client` — exactly one connection — that sends the requests it is given in order
 * over that connection, and says what came back. A request can hold back the second half of
 * its body until the orchestrator says `rest` (a request "in flight"); `linger` keeps the idle
 * connection open until the server closes it.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { mark, note, params, ready, traceChannels, waitForCommand } from '../../../src/runtime/child.js';
import { payload, sha256 } from './patterns.js';

export interface Send {
  method: string;
  path: string;
  /** Upload this many bytes (binary). */
  bytes?: number;
  /** Send the body without a length: Transfer-Encoding: chunked, in chunks of this size. */
  chunked?: number;
  /** Send the first half, then wait for the orchestrator's `rest` command. */
  hold?: boolean;
}

export interface UndiciClientParams {
  port: number;
  requests: Send[];
  /** After the requests, keep the idle connection until the server closes it. */
  linger?: boolean;
}

const p = params<UndiciClientParams>();
const client = new Client(`http://127.0.0.1:${p.port}`, { pipelining: 1 });
traceChannels('undici');
client.on('connect', () => mark('connect', {}, 'undici.Client'));
const disconnected = once(client, 'disconnect').then(() => mark('disconnect', { why: 'the server closed the connection' }, 'undici.Client'));

function bodyOf(send: Send, bytes: Buffer): Buffer | Readable | undefined {
  if (send.bytes === undefined) return undefined;
  if (send.hold) {
    return Readable.from(
      (async function* () {
        yield bytes.subarray(0, bytes.length >> 1);
        note(`sent ${bytes.length >> 1} of ${bytes.length} bytes; the rest waits`);
        ready({ holding: true });
        await waitForCommand('rest');
        yield bytes.subarray(bytes.length >> 1);
      })(),
    );
  }
  if (!send.chunked) return bytes;
  const size = send.chunked;
  // An async iterable has no length: undici sends it with Transfer-Encoding: chunked.
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );
}

for (const [i, send] of p.requests.entries()) {
  const bytes = payload(send.bytes ?? 0, i);
  const started = performance.now();
  let answer;
  try {
    answer = await client.request({ method: send.method as 'GET', path: send.path, body: bodyOf(send, bytes) });
  } catch (err) {
    const e = err as { code?: string; message: string };
    mark('failed', { code: e.code ?? 'ERROR', message: e.message }, 'undici.Client');
    continue;
  }
  const { statusCode, headers, body } = answer;
  const text = await body.text();
  const detail: Record<string, string | number | boolean> = { status: statusCode, body: text.length > 120 ? `${text.slice(0, 120)}…` : text, ms: Math.round(performance.now() - started) };
  if (headers.connection) detail.connection = String(headers.connection);
  if (send.bytes !== undefined && statusCode === 200) detail.sha256Matches = text.includes(sha256(bytes));
  mark('answer', detail, 'undici.Client');
}
if (p.linger) {
  ready({ idle: true });
  note('idle: the connection stays open, waiting for a next request or for the server to close it');
  await disconnected;
}
await client.close();
