/**
 * For the boundaries scenario: a plain TCP server that only reads, to compare how many
 * `data` events the same writes become over TCP with the `message` events of UDP.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { program, trace } from '../../../src/runtime/child.js';
import { tcpSink } from '../contract.js';

const self = program(tcpSink);

const sizes: number[] = [];
let ended!: () => void;
const done = new Promise<void>((resolve) => (ended = resolve));
const server = trace(
  net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => sizes.push(chunk.length));
    socket.on('end', ended);
    socket.on('error', () => {});
  }),
);
// Answered once the writer's stream has ended, so every chunk has been counted.
self.onCommand('received', async () => {
  await done;
  return sizes;
});
self.onCommand('close', () => new Promise((resolve) => server.close(() => resolve(null))));
server.listen(0, '127.0.0.1');
await once(server, 'listening');
self.ready({ port: (server.address() as net.AddressInfo).port });
