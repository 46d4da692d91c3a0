/**
 * The other way to share a port: the primary listens, then sends the listening *server* to
 * every worker and closes its own copy. From then on the kernel decides which worker's accept()
 * gets each connection — nobody takes turns.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { mark, note, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { sharedPrimaryDemo } from '../contract.js';

useTracePolicy(tracePolicy);

const self = program(sharedPrimaryDemo);
const { workers } = self.params();
const workerPath = fileURLToPath(new URL('./shared-worker.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');

const server = trace(net.createServer());
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const port = (server.address() as net.AddressInfo).port;

const children: ChildProcess[] = [];
for (let i = 1; i <= workers; i++) {
  const child = trace(fork(workerPath, [], { env: { ...process.env, NETLAB_ACTOR: `worker#${i}` } }));
  children.push(child);
  child.send('server', server);
  mark('send', { to: `worker#${i}`, message: 'server', handle: 'net.Server' }, 'primary');
  await once(child, 'message'); // the worker listens on the shared handle
}
note({
  en: 'every worker holds the listening socket now; the primary closes its own copy and accepts nothing',
  'zh-CN': '现在每个工作进程都持有这个监听套接字；主进程关闭自己的副本，不再接受任何连接',
});
server.close();

self.onCommand('close', async () => {
  for (const child of children) child.disconnect();
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : null)));
  return null;
});
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));
self.ready({ port });
