/**
 * The tcp-echo demo's server process: the exercise's `createEchoServer()` (the reference
 * solution, or the learner's with `--use`), traced, listening on 127.0.0.1 and a port the OS
 * picks. The orchestrator steers it with commands.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { msg } from '../../../src/i18n/index.js';
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
      note({ en: `the client ended its side; our answer takes ${ANSWER_DELAY_MS} ms`, 'zh-CN': `客户端结束了它那一侧；我们的回答需要 ${ANSWER_DELAY_MS} 毫秒` });
      setTimeout(() => {
        if (socket.writableEnded) note({ en: 'Node has already ended our side: this write is too late', 'zh-CN': 'Node 已经结束了我们这一侧：这次写入太晚了' });
        socket.write('goodbye\n', (err) => {
          // A write after Node's automatic end() fails through its callback (no 'error' event).
          if (err) note({ en: `write() failed: ${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`, 'zh-CN': `write() 失败：${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}` });
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
  if (typeof mod.createEchoServer !== 'function') throw new Error(msg({ en: `${p.implementation} does not export createEchoServer()`, 'zh-CN': `${p.implementation} 没有导出 createEchoServer()` }));
  server = mod.createEchoServer();
}
if (p.maxConnections !== undefined) server.maxConnections = p.maxConnections;
trace(server);
if (p.showHighWaterMark) {
  // The default changed between Node versions (16 KiB on 20, 64 KiB since 22): show this one's.
  server.once('connection', (socket: net.Socket) =>
    note({
      en: `on Node ${process.version} a socket's writableHighWaterMark is ${socket.writableHighWaterMark} bytes: write() returns false beyond that`,
      'zh-CN': `在 Node ${process.version} 上，套接字的 writableHighWaterMark 是 ${socket.writableHighWaterMark} 字节：超过它，write() 就返回 false`,
    }),
  );
}

server$.onCommand('close', () => {
  note({
    en: 'server.close(): stop accepting; the server closes only when its open connections have ended',
    'zh-CN': 'server.close()：不再接受新连接；要等已打开的连接都结束，服务器才真正关闭',
  });
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
