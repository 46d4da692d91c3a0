/**
 * The udp demo's server process: the exercise's `createUdpServer()` (the reference solution,
 * or the learner's with `--use`), traced, bound with `bind()` to 127.0.0.1 and a port the OS
 * picks. It tells the orchestrator the sizes of the datagrams it received when asked.
 */
import { once } from 'node:events';
import type * as dgram from 'node:dgram';
import { pathToFileURL } from 'node:url';
import { note, program, trace } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { udpServer } from '../contract.js';
import { traceSends } from './sends.js';

const self = program(udpServer);
const p = self.params();
const mod = (await import(pathToFileURL(p.implementation).href)) as { createUdpServer?: () => dgram.Socket };
if (typeof mod.createUdpServer !== 'function') {
  throw new Error(msg({ en: `${p.implementation} does not export createUdpServer()`, 'zh-CN': `${p.implementation} 没有导出 createUdpServer()` }));
}
const server = traceSends(trace(mod.createUdpServer()));

// A second 'message' listener only counts: datagram events have no flow control to disturb.
const sizes: number[] = [];
server.on('message', (msg: Buffer) => sizes.push(msg.length));

self.onCommand('received', () => sizes);
self.onCommand('close', () => {
  note({ en: 'server.close(): no connections to wait for, the socket just stops receiving', 'zh-CN': 'server.close()：没有连接要等，套接字只是停止接收' });
  return new Promise((resolve) => server.close(() => resolve(null)));
});

server.bind(0, '127.0.0.1');
await once(server, 'listening');
// macOS refuses UDP sends larger than the send buffer (9,216 bytes by default): give the
// server room for a reply of 65,507 bytes, the IPv4 maximum, as the client does.
server.setSendBufferSize(64 * 1024);
self.ready({ port: server.address().port });
