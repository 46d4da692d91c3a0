/**
 * A TCP server for the localhost scenario: it listens on the host it is given (`127.0.0.1`,
 * or the name `localhost`, which listen() resolves with dns.lookup and binds to the first
 * address) and accepts connections.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { program, trace } from '../../../src/runtime/child.js';
import { tcpServer } from '../contract.js';

const self = program(tcpServer);
const { host } = self.params();
const server = trace(net.createServer((socket) => socket.end()));
server.listen(0, host);
await once(server, 'listening');
const address = server.address() as net.AddressInfo;
self.ready({ port: address.port, address: address.address, family: address.family });
