/**
 * The agent-maxsockets demo's server: an HTTP server on 127.0.0.1 (port 0) that answers every
 * request after a fixed delay, measured by a timer and nothing else, so the ideal time of a
 * batch is easy to compute. It counts the TCP connections it accepts; the orchestrator reads
 * and resets the counts with the `stats` command.
 *
 * Paths: `/r/<n>` answers after `delay` ms; `/warm` answers at once (the clients' warm-up,
 * not counted).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { program, trace } from '../../../src/runtime/child.js';
import { delayServer, type ServerStats } from '../contract.js';

const self = program(delayServer);
const { delay, trace: traceServer } = self.params();

let open = 0;
let total = 0;
let peak = 0;

const counted = new WeakSet<object>();

const server = http.createServer((req, res) => {
  if (req.url === '/warm') {
    res.end('warm\n');
    return;
  }
  // Count a connection when its first real request arrives: the clients' warm-up connections
  // (only ever used for /warm) are not part of any batch.
  const socket = req.socket;
  if (!counted.has(socket)) {
    counted.add(socket);
    open++;
    total++;
    peak = Math.max(peak, open);
    socket.once('close', () => open--);
  }
  // Tell the client which Connection header it sent: keep-alive or close.
  const body = `${req.url} answered after ${delay} ms (request said Connection: ${req.headers.connection ?? 'none'})\n`;
  // The only cost the ideal time counts: one timer per request.
  setTimeout(() => res.end(body), delay);
});
// Keep idle connections long enough that only the client decides when they close.
server.keepAliveTimeout = 30_000;

self.onCommand('stats', () => {
  const stats: ServerStats = { connections: total, peak, open };
  total = 0;
  peak = open;
  return { ...stats };
});

if (traceServer) trace(server);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
self.ready({ port: (server.address() as AddressInfo).port });
