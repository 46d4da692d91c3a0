/**
 * The tcp-echo demo's server process: the exercise's `createEchoServer()` (the reference
 * solution, or the learner's with `--use`), traced, listening on 127.0.0.1 and a port the OS
 * picks. The orchestrator steers it with commands.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { note, program, trace } from '../../../src/runtime/child.js';
import { echoServer } from '../contract.js';

const server$ = program(echoServer);
const p = server$.params();
const ANSWER_DELAY_MS = 50;

/**
 * A server that answers only after the client's 'end', and not at once: the answer takes a
 * moment (a timer standing in for a database or a file). With allowHalfOpen: false, Node ends
 * our side on the next tick after 'end', so this late answer can no longer be sent.
 */
function goodbyeServer(allowHalfOpen: boolean): net.Server {
  const server = net.createServer({ allowHalfOpen }, (socket) => {
    socket.on('end', () => {
      note(`the client ended its side; our answer takes ${ANSWER_DELAY_MS} ms`);
      setTimeout(() => {
        if (socket.writableEnded) note('Node has already ended our side: this write is too late');
        socket.write('goodbye\n', (err) => {
          // A write after Node's automatic end() fails through its callback (no 'error' event).
          if (err) note(`write() failed: ${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`);
        });
        if (!socket.writableEnded) socket.end();
        server.close(); // one question per demo: the process ends with this connection
      }, ANSWER_DELAY_MS);
    });
    socket.on('error', () => {});
    socket.resume();
  });
  return server;
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
if (p.showHighWaterMark) {
  // The default changed between Node versions (16 KiB on 20, 64 KiB since 22): show this one's.
  server.once('connection', (socket: net.Socket) =>
    note(`on Node ${process.version} a socket's writableHighWaterMark is ${socket.writableHighWaterMark} bytes: write() returns false beyond that`),
  );
}

server$.onCommand('close', () => {
  note('server.close(): stop accepting; the server closes only when its open connections have ended');
  return new Promise((resolve) => server.close(() => resolve(null)));
});
server$.onCommand('connections', () => new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n))));

server.listen({ port: p.port ?? 0, host: '127.0.0.1' });
try {
  await once(server, 'listening');
  server$.ready({ port: (server.address() as net.AddressInfo).port });
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  server$.ready({ error: { code: e.code ?? 'ERROR', message: e.message } });
}
