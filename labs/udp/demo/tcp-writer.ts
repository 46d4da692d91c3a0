/**
 * For the boundaries scenario: a TCP client that makes one write() per size, all in the same
 * tick (like the UDP client's send()s), then ends its side.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { program, trace } from '../../../src/runtime/child.js';
import { tcpWriter } from '../contract.js';

const { port, sizes } = program(tcpWriter).params();
const socket = trace(net.connect({ port, host: '127.0.0.1' }));
socket.on('error', () => {});
await once(socket, 'connect');
for (const size of sizes) socket.write(Buffer.alloc(size, 't'));
socket.end();
socket.resume();
await once(socket, 'close');
