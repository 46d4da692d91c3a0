/**
 * For the timing table: one echo server process listening on a Unix socket and on TCP
 * 127.0.0.1, so both transports reach the same code. It is not traced: recording every `data`
 * event would measure the tracer, not the transports.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { program } from '../../../src/runtime/child.js';
import { benchServerDemo } from '../contract.js';

const self = program(benchServerDemo);
const { path } = self.params();
const echo = (socket: net.Socket) => {
  socket.setNoDelay(true); // no Nagle delay on TCP; a no-op on a Unix socket
  socket.pipe(socket);
  socket.on('error', () => {});
};
const unix = net.createServer(echo);
const tcp = net.createServer(echo);
unix.listen(path);
tcp.listen(0, '127.0.0.1');
await Promise.all([once(unix, 'listening'), once(tcp, 'listening')]);
self.onCommand('close', async () => {
  await Promise.all([new Promise((r) => unix.close(r)), new Promise((r) => tcp.close(r))]);
  return null;
});
self.ready({ path, port: (tcp.address() as net.AddressInfo).port });
