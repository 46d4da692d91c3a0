/**
 * An undici `Client` — exactly one connection — that sends the requests it is given, one
 * after the other, over that connection, and says what came back.
 */
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { mark, note, program, traceChannels, useTracePolicy } from '../../../src/runtime/child.js';
import { undiciClient, type Send } from '../contract.js';
import { tracePolicy } from '../trace.js';
import { payload, sha256 } from './patterns.js';

useTracePolicy(tracePolicy);

const p = program(undiciClient).params();
const client = new Client(`http://127.0.0.1:${p.port}`);
traceChannels('undici');
client.on('connect', () => mark('connect', {}, 'undici.Client'));
client.on('disconnect', (_origin, _targets, err: { code?: string }) => mark('disconnect', { code: err?.code ?? null }, 'undici.Client'));

function bodyOf(send: Send, bytes: Buffer): Buffer | Readable | undefined {
  if (send.bytes === undefined) return undefined;
  if (!send.chunked) return bytes;
  const size = send.chunked;
  // An iterable has no length: undici sends it with Transfer-Encoding: chunked.
  return Readable.from(
    (function* () {
      for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
    })(),
  );
}

for (const [i, send] of p.requests.entries()) {
  const bytes = payload(send.bytes ?? 0, i);
  const { statusCode, headers, body } = await client.request({ method: send.method, path: send.path, body: bodyOf(send, bytes) });
  const text = await body.text();
  const detail: Record<string, string | number | boolean> = { status: statusCode, body: text.length > 120 ? `${text.slice(0, 120)}…` : text };
  if (headers.connection) detail.connection = String(headers.connection);
  if (send.bytes !== undefined && statusCode === 200) detail.sha256Matches = text.includes(sha256(bytes));
  mark('answer', detail, 'undici.Client');
}
note({
  en: 'client.close(): undici closes its connection by destroying the socket (the UND_ERR_DESTROYED below is that, not a failure)',
  'zh-CN': 'client.close()：undici 通过销毁套接字来关闭它的连接（下面的 UND_ERR_DESTROYED 就是这个，不是故障）',
});
await client.close();
