/**
 * The unix-socket demo's server process. By default it is the exercise's `listenUnix(path)`
 * (the reference solution, or the learner's with `--use`), traced. With `naive: true` it is a
 * plain `net.createServer().listen(path)`, to show what happens without a stale-file check.
 */
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import { note, program, trace, traceChannels, traceServersOnListen } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { serverDemo } from '../contract.js';
import { demoError } from '../demo-error.js';

const self = program(serverDemo);
const p = self.params();

// listenUnix may probe the path with a client connection of its own: trace those too.
traceChannels('net');
// listenUnix creates and listens inside the exercise; to see its servers' `listening` (and
// `error`), trace every server of this process at the moment it calls listen(). The original
// listen() runs unchanged.
traceServersOnListen();

async function naive(path: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.pipe(socket).on('error', () => {}));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}

async function viaExercise(path: string): Promise<net.Server> {
  const mod = (await import(pathToFileURL(p.implementation).href)) as { listenUnix?: (path: string) => Promise<net.Server> };
  if (typeof mod.listenUnix !== 'function') {
    throw new Error(msg({ en: `${p.implementation} does not export listenUnix()`, 'zh-CN': `${p.implementation} 没有导出 listenUnix()` }));
  }
  return trace(await mod.listenUnix(path));
}

let server: net.Server;
try {
  server = await (p.naive ? naive(p.path) : viaExercise(p.path));
} catch (err) {
  self.ready({ error: demoError(err) });
  process.exit(0);
}

self.onCommand('close', () => {
  note({ en: 'server.close(): it stops accepting, waits for open connections, and removes the socket file', 'zh-CN': 'server.close()：停止接受新连接，等待已打开的连接结束，并删除套接字文件' });
  return new Promise((resolve) => server.close(() => resolve({ fileLeft: existsSync(p.path) })));
});
if (p.closeOnSignal) {
  // Only close() unlinks the file: a signal's default action, process.exit() and an uncaught
  // exception all end the process without it. The process ends once its connections have.
  const stop = (signal: NodeJS.Signals) => {
    note({ en: `${signal}: the handler calls server.close(), which removes ${p.path}`, 'zh-CN': `${signal}：处理函数调用 server.close()，它会删除 ${p.path}` });
    server.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
self.ready({ path: server.address() as string });
