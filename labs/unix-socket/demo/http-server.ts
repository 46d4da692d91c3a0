/**
 * For the http scenario: an ordinary `http.Server`, listening on a Unix socket path instead of
 * a port. Nothing in the request handler knows or cares.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import { program, trace } from '../../../src/runtime/child.js';
import { httpServerDemo } from '../contract.js';

const self = program(httpServerDemo);
const { path } = self.params();
const server = trace(
  http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    // Over a Unix socket there is no remote address: the kernel knows the peer by its process.
    res.end(JSON.stringify({ url: req.url, remoteAddress: req.socket.remoteAddress ?? null, via: server.address() }) + '\n');
  }),
);
self.onCommand('close', () => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve(null)));
});
server.listen(path);
await once(server, 'listening');
self.ready({ path });
