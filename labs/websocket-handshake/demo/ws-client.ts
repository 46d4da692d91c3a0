/**
 * A real WebSocket client that nobody here wrote: undici's `WebSocket` (the same code as the
 * global `WebSocket` of Node 22+; on Node 20 the global one is experimental, so it is imported
 * from undici). Its `open`/`message`/`close`/`error` events and undici's diagnostics channels
 * go into the trace. It performs the steps it is given, in order.
 */
import { WebSocket, ping } from 'undici';
import { msg } from '../../../src/i18n/index.js';
import { mark, note, program, traceChannels } from '../../../src/runtime/child.js';
import { previewBytes } from '../../../src/trace/detail.js';
import { wsClient } from '../contract.js';
import { Waiters } from '../waiters.js';

const self = program(wsClient);
const { port, path = '/', steps } = self.params();
const OBJECT = 'WebSocket#1';

traceChannels('undici');

const url = `ws://127.0.0.1:${port}${path}`;
note({ en: `new WebSocket("${url}"): undici sends the HTTP Upgrade request`, 'zh-CN': `new WebSocket("${url}")：undici 发送 HTTP Upgrade 请求` });
const ws = new WebSocket(url);
ws.binaryType = 'arraybuffer';

let messages = 0;
let pongs = 0;
const waiters = new Waiters();
const wake = () => waiters.wake();
/** Wait for `condition`; a server that never answers fails the client with a clear message. */
const until = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
  if (await waiters.until(condition, timeoutMs)) return;
  // One clear line for the demo's error, not a stack.
  process.stderr.write(`${msg({ en: `undici's WebSocket waited ${timeoutMs} ms for ${what}, in vain`, 'zh-CN': `undici 的 WebSocket 等待${what}等了 ${timeoutMs} ms，没有等到` })}\n`);
  process.exit(1);
};

let opened = false;
let closed = false;
ws.addEventListener('open', () => {
  opened = true;
  mark('open', { url, protocol: ws.protocol, extensions: ws.extensions }, OBJECT);
  wake();
});
ws.addEventListener('message', (event) => {
  messages++;
  const data = event.data as string | ArrayBuffer;
  if (typeof data === 'string') {
    const bytes = Buffer.from(data);
    mark('message', { type: 'text', bytes: bytes.length, text: data.length > 60 ? `${data.slice(0, 60)}…` : data }, OBJECT);
  } else {
    const bytes = Buffer.from(data);
    mark('message', { type: 'binary', bytes: bytes.length, preview: previewBytes(bytes, 16) }, OBJECT);
  }
  wake();
});
ws.addEventListener('error', (event) => {
  const message = (event as unknown as { message?: string; error?: Error }).error?.message ?? (event as unknown as { message?: string }).message ?? 'error';
  // Like a browser, undici does not say why a handshake failed in the event itself.
  mark('error', { message: message || msg({ en: '(no reason given: the WebSocket API hides it)', 'zh-CN': '（没有给出原因：WebSocket API 把它隐藏了）' }) }, OBJECT);
  wake();
});
ws.addEventListener('close', (event) => {
  closed = true;
  mark('close', { code: event.code, reason: event.reason, wasClean: event.wasClean }, OBJECT);
  wake();
});
// The pong of undici's ping() is only visible on its diagnostics channel.
const { subscribe } = await import('node:diagnostics_channel');
subscribe('undici:websocket:pong', () => {
  pongs++;
  wake();
});

await until(() => opened || closed, msg({ en: 'the handshake to end', 'zh-CN': '握手结束' }));
self.ready({ opened });

let pingsSent = 0;
const serverClose = msg({ en: "the server's close frame", 'zh-CN': '服务器的关闭帧' });
for (const step of steps) {
  if ('say' in step) note(step.say);
  else if ('text' in step) ws.send(step.text);
  else if ('binary' in step) ws.send(Uint8Array.from({ length: step.binary }, (_, i) => i & 0xff));
  else if ('expect' in step) await until(() => messages >= step.expect || closed, msg({ en: `message #${step.expect}`, 'zh-CN': `第 ${step.expect} 条消息` }));
  else if ('ping' in step) {
    pingsSent++;
    ping(ws, Buffer.from(step.ping));
  } else if ('waitPong' in step) await until(() => pongs >= pingsSent || closed, msg({ en: 'the pong', 'zh-CN': 'pong' }));
  else if ('close' in step) {
    if (!closed) ws.close(step.close.code, step.close.reason);
    await until(() => closed, serverClose);
  } else if ('waitClose' in step) await until(() => closed, msg({ en: 'the close event', 'zh-CN': 'close 事件' }));
}
if (!closed) {
  ws.close(1000, 'done');
  await until(() => closed, serverClose);
}
