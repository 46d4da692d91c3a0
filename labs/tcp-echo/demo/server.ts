/**
 * The tcp-echo demo's server process: the exercise's `createEchoServer()` (the reference
 * solution, or the learner's with `--use`), traced, listening on 127.0.0.1 and a port the OS
 * picks. The orchestrator steers it with commands.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { note, onCommand, params, ready, trace } from '../../../src/runtime/child.js';

interface ServerParams {
  /** Module exporting createEchoServer (ignored when `halfOpen` is set). */
  implementation: string;
  /** Instead of the echo server, a server that answers "bye" after the client's end. */
  halfOpen?: boolean;
  /** net.Server#maxConnections */
  maxConnections?: number;
  /** Listen on this port instead of 0 (to provoke EADDRINUSE). */
  port?: number;
}

const p = params<ServerParams>();

function goodbyeServer(allowHalfOpen: boolean): net.Server {
  return net.createServer({ allowHalfOpen }, (socket) => {
    socket.on('end', () => {
      if (socket.writable) {
        note(`the client ended its side; our side is still writable, so we can still say goodbye`);
        socket.end('goodbye\n');
      } else {
        note(`the client ended its side and Node already ended ours (allowHalfOpen: false): too late to answer`);
      }
    });
    socket.on('error', () => {});
    socket.resume();
  });
}

let server: net.Server;
if (p.halfOpen !== undefined) {
  server = goodbyeServer(p.halfOpen);
} else {
  const mod = (await import(pathToFileURL(p.implementation).href)) as { createEchoServer?: () => net.Server };
  if (typeof mod.createEchoServer !== 'function') throw new Error(`${p.implementation} does not export createEchoServer()`);
  server = mod.createEchoServer();
}
if (p.maxConnections !== undefined) server.maxConnections = p.maxConnections;
trace(server);

onCommand('close', () => {
  note('server.close(): stop accepting; the server closes only when its open connections have ended');
  return new Promise((resolve) => server.close(() => resolve(null)));
});
onCommand('connections', () => new Promise((resolve) => server.getConnections((_err, n) => resolve(n))));

server.listen({ port: p.port ?? 0, host: '127.0.0.1' });
try {
  await once(server, 'listening');
  ready({ port: (server.address() as net.AddressInfo).port });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  ready({ error: { code: e.code ?? 'ERROR', message: e.message } });
}
