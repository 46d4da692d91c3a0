/**
 * A scripted client over a Unix socket for the unix-socket demos: `net.connect({ path })`,
 * then its steps. With `probe: true` it only tries to connect and reports what happened, the
 * way a program tells a live socket file from a stale one.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { note, program, trace } from '../../../src/runtime/child.js';
import { clientDemo } from '../contract.js';
import { demoError } from '../demo-error.js';

const self = program(clientDemo);
const { path, steps = [], probe = false } = self.params();

const socket = trace(net.connect({ path }));
let received = 0;
socket.on('data', (chunk: Buffer) => (received += chunk.length));
const connected = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
  socket.once('connect', () => resolve(null));
  socket.once('error', (err) => resolve(err));
});
if (probe) {
  if (connected) {
    const code = connected.code;
    note(
      code === 'ECONNREFUSED'
        ? { en: `connect failed with ${code}: a socket file, but nobody listens: stale`, 'zh-CN': `连接失败，${code}：是套接字文件，但没有人在监听：它是陈旧的` }
        : { en: `connect failed with ${code}: no usable socket there`, 'zh-CN': `连接失败，${code}：那里没有可用的套接字` },
    );
  } else note({ en: 'connected: a server is alive behind this path', 'zh-CN': '已连接：这个路径背后有一个活着的服务器' });
  socket.destroy();
  self.ready({ alive: connected === null, error: connected ? demoError(connected) : null });
} else {
  if (connected) throw connected;
  note({
    en: `connected to ${path}: a Unix socket has no ports, so the client's connect shows no addresses`,
    'zh-CN': `已连接到 ${path}：Unix 套接字没有端口，所以客户端的 connect 不显示地址`,
  });
  socket.on('error', () => {});
  self.ready(null);
  for (const step of steps) {
    if ('say' in step) note(step.say);
    else if ('write' in step) socket.write(step.write);
    else if ('expectEcho' in step) {
      while (received < step.expectEcho && !socket.destroyed) await once(socket, 'data');
    } else if ('end' in step) socket.end();
    else if ('waitEvent' in step && !socket.closed) await once(socket, 'close');
  }
}
