/**
 * A worker of the shared-server demo: it receives the listening server as a handle and accepts
 * connections on it itself, answering like netlab's worker (its pid, the remote port it sees).
 */
import type * as net from 'node:net';
import { relayProbe } from '../relay.js';

const probe = relayProbe(process.env.NETLAB_ACTOR ?? `worker(${process.pid})`);
probe.trace(process);

process.on('message', (message: unknown, handle: unknown) => {
  if (message !== 'server' || !handle) return;
  const server = probe.trace(handle as net.Server);
  server.on('connection', (socket) => {
    socket.once('data', () => socket.end(JSON.stringify({ pid: process.pid, remotePort: socket.remotePort }) + '\n'));
    socket.on('error', () => {});
  });
  // Once the primary disconnects, stop accepting so the process can exit.
  process.once('disconnect', () => server.close());
  process.send!({ type: 'ready' });
});
