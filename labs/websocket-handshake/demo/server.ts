/**
 * The websocket-handshake demo's server: a plain `http.Server` made into a WebSocket server by
 * the exercise's `acceptWebSocket(server)` (the reference solution, or the learner's with
 * `--use`), on 127.0.0.1 and a port the OS picks. A wire tap decodes what crosses the socket.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { msg } from '../../../src/i18n/index.js';
import { mark, note, probe, program, trace, traceNow } from '../../../src/runtime/child.js';
import { wsServer } from '../contract.js';
import { tapWebSocketServer } from '../wire-tap.js';

const self = program(wsServer);
const p = self.params();

const server = http.createServer((req, res) => {
  const to = req.headers.upgrade;
  if (p.noUpgradeListener) {
    const asked = to ? msg({ en: ` (it asked to upgrade to "${to}")`, 'zh-CN': `（它请求升级到 "${to}"）` }) : '';
    note({
      en: `no 'upgrade' listener, so Node handed this request to the 'request' handler like any other${asked}`,
      'zh-CN': `没有 'upgrade' 监听器，所以 Node 把这个请求像其他请求一样交给了 'request' 处理函数${asked}`,
    });
  }
  res.end(`plain HTTP: ${req.method} ${req.url}\n`);
});

if (!p.noUpgradeListener) {
  const mod = (await import(pathToFileURL(p.implementation).href)) as { acceptWebSocket?: (server: http.Server) => void };
  if (typeof mod.acceptWebSocket !== 'function') {
    throw new Error(msg({ en: `${p.implementation} does not export acceptWebSocket()`, 'zh-CN': `${p.implementation} 没有导出 acceptWebSocket()` }));
  }
  mod.acceptWebSocket(server);
}

// The tap first, then the probe: the probe records `upgrade`, then the tap shows what it derives.
tapWebSocketServer(server, { mark, note, idOf: (obj) => probe.idOf(obj), now: traceNow });
trace(server);

self.onCommand('close', () => {
  note({
    en: 'server.close(): stop accepting; "close" comes once every connection, upgraded ones included, has ended',
    'zh-CN': 'server.close()：停止接受新连接；等所有连接（包括已升级的）都结束后才会发出 "close"',
  });
  return new Promise<void>((resolve) => server.close(() => resolve()));
});

server.listen({ port: 0, host: '127.0.0.1' });
await once(server, 'listening');
self.ready({ port: (server.address() as AddressInfo).port });
