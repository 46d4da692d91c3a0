/**
 * A scripted TCP client for the tcp-echo demos: it connects, then performs the steps it was
 * given, one after the other, waiting for the echo where a step says so.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { msg } from '../../../src/i18n/index.js';
import { note, program, trace } from '../../../src/runtime/child.js';
import { echoClient } from '../contract.js';

export type { Step } from '../contract.js';

const client = program(echoClient);
const { port, steps } = client.params();

const socket = trace(net.connect({ port, host: '127.0.0.1' }));
let received = 0;
socket.on('data', (chunk: Buffer) => {
  received += chunk.length;
});
socket.on('error', () => {});
// A server that drops the connection (maxConnections) can reset it before this process, on a
// busy machine, even sees 'connect': the read fails then, and that is what a dropped client
// gets, not a failure of the demo. Only a connect that fails (ECONNREFUSED …) is one.
const failed = await new Promise<(Error & { syscall?: string }) | undefined>((resolve) => {
  socket.once('connect', () => resolve(undefined));
  socket.once('error', resolve);
});
if (failed?.syscall === 'connect') throw failed;
client.ready({ local: socket.localPort ?? null });

/** Wait until `total` bytes have come back; a server that does not echo fails the demo clearly. */
async function expectEcho(total: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received < total && !socket.readableEnded && !socket.destroyed && Date.now() < deadline) {
    let timer: NodeJS.Timeout | undefined;
    const controller = new AbortController();
    await Promise.race([
      once(socket, 'data', { signal: controller.signal }),
      once(socket, 'close', { signal: controller.signal }),
      new Promise((r) => (timer = setTimeout(r, deadline - Date.now()))),
    ]).catch(() => {});
    // Leave nothing pending behind: a live timer would keep this process alive for seconds.
    clearTimeout(timer);
    controller.abort();
  }
  if (received < total) {
    const why =
      socket.readableEnded || socket.destroyed
        ? msg({ en: 'the server closed the connection', 'zh-CN': '服务器关闭了连接' })
        : msg({ en: `nothing more came within ${timeoutMs} ms`, 'zh-CN': `${timeoutMs} 毫秒内再没有收到任何数据` });
    throw new Error(msg({ en: `expected ${total} bytes echoed back in all, got ${received}: ${why}`, 'zh-CN': `预期总共回显 ${total} 字节，实际收到 ${received} 字节：${why}` }));
  }
}

for (const step of steps) {
  if ('say' in step) note(step.say);
  else if ('write' in step) socket.write(step.write);
  else if ('writeBytes' in step) socket.write(Buffer.alloc(step.writeBytes, 'x'));
  else if ('expectEcho' in step) await expectEcho(step.expectEcho); else if ('end' in step) socket.end();
  else if ('reset' in step) socket.resetAndDestroy();
  else if ('waitFor' in step) await client.waitForCommand(step.waitFor);
  else if ('waitEvent' in step) {
    // Not events.once(): it rejects on 'error', and a reset client still closes (the dropped one).
    const event = step.waitEvent;
    if (!(event === 'close' ? socket.closed : socket.readableEnded)) await new Promise((resolve) => socket.once(event, resolve));
  }
}
