import { msg } from '../../src/i18n/index.js';
import { padEnd } from '../../src/i18n/width.js';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { RunningProgram } from '../../src/runtime/spawn.js';
import type { JsonObject } from '../../src/trace/event.js';
import { nodeClient, shutdownClients, undiciClient, uploadServer, type Logged, type NodeStep, type Send } from './contract.js';
import { tracePolicy } from './trace.js';

/** The upload limit of the demo's server. */
const LIMIT = 64 * 1024;
const KiB = 1024;

async function startServer(ctx: DemoContext, rounds = false) {
  const server = ctx.spawn('server', uploadServer, { params: { implementation: ctx.implementation, limit: LIMIT, rounds } });
  const { port } = await server.ready();
  return { server, port };
}

function undici(ctx: DemoContext, actor: string, port: number, requests: Send[]) {
  return ctx.spawn(actor, undiciClient, { params: { port, requests } });
}

function node(ctx: DemoContext, actor: string, port: number, steps: NodeStep[]) {
  return ctx.spawn(actor, nodeClient, { params: { port, steps } });
}

/** Wait for a client to end by itself; one that failed fails the demo with its reason. */
async function completes(p: RunningProgram): Promise<void> {
  const { code, signal } = await p.finish(20_000);
  if (code === 0) return;
  if (p.fatal) throw new Error(`${p.actor}: ${p.fatal.message}`);
  throw new Error(signal ? msg({ en: `${p.actor} was killed (${signal})`, 'zh-CN': `${p.actor} 被终止（${signal}）` }) : msg({ en: `${p.actor} exited with code ${code}`, 'zh-CN': `${p.actor} 以退出码 ${code} 退出` }));
}


/** The server's requests as a table: which connection carried which request. */
async function requestTable(server: { command(name: 'requests'): Promise<Logged[]> }): Promise<{ rows: Logged[]; lines: string[] }> {
  const rows = await server.command('requests');
  const [connection, request, status] = [msg({ en: 'connection', 'zh-CN': '连接' }), msg({ en: 'request', 'zh-CN': '请求' }), msg({ en: 'status', 'zh-CN': '状态码' })];
  const lines = [`${'#'.padEnd(4)}${padEnd(connection, 16)}${padEnd(request, 28)}${status}`];
  rows.forEach((r, i) => lines.push(`${String(i + 1).padEnd(4)}${r.connection.padEnd(16)}${r.request.padEnd(28)}${r.status ?? msg({ en: 'none', 'zh-CN': '无' })}`));
  return { rows, lines };
}

/** How long the shutdown scenario watches a connection that Node leaves open after its answer. */
const STILL_OPEN_MS = 500;

/** The three ways the shutdown scenario compares. */
const SHUTDOWNS = [
  { how: 'close', label: 'server.close()', shown: () => 'server.close()' },
  { how: 'closeAll', label: 'close() + closeAllConnections()', shown: () => 'close() + closeAllConnections()' },
  { how: 'exercise', label: 'shutdown(server) (the exercise)', shown: () => msg({ en: 'shutdown(server) (the exercise)', 'zh-CN': 'shutdown(server)（练习）' }) },
] as const;

export default defineLab({
  id: 'http-lifecycle',
  title: 'The life of an HTTP request',
  summary: 'http.Server on top of net: connection → request → finish → close; keep-alive, 100-continue, aborts, graceful shutdown',
  order: 45,
  exports: ['createUploadServer', 'shutdown'],
  trace: tracePolicy,
  scenarios: {
    'keep-alive': {
      title: 'three requests over one connection: raw heads, the parser, finish and close',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        ctx.note({
          en: `the server listens on 127.0.0.1:${port}; an undici Client (one connection) sends three requests in a row`,
          'zh-CN': `服务器在 127.0.0.1:${port} 上监听；一个 undici Client（一个连接）接连发送三个请求`,
        });
        await completes(
          undici(ctx, 'client', port, [
            { method: 'GET', path: '/health' },
            { method: 'POST', path: '/upload', bytes: 1000 },
            { method: 'GET', path: '/health?again=1' },
          ]),
        );
        const { rows, lines } = await requestTable(server);
        const connections = new Set(rows.map((r) => r.connection)).size;
        ctx.note({
          en: `${rows.length} requests, ${connections} connection: "connection" once, then "request" for each`,
          'zh-CN': `${rows.length} 个请求，${connections} 个连接："connection" 只有一次，然后每个请求一次 "request"`,
        });
        return { requests: rows.length, connections, lines };
      },
    },
    uploads: {
      title: 'the same 48 KiB upload with Content-Length, then chunked',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        ctx.note({
          en: 'first with Content-Length (undici knows the Buffer\'s length), then as a stream of 16 KiB chunks (no length: Transfer-Encoding: chunked)',
          'zh-CN': '先带 Content-Length（undici 知道 Buffer 的长度），再作为 16 KiB 数据块组成的流（没有长度：Transfer-Encoding: chunked）',
        });
        await completes(
          undici(ctx, 'client', port, [
            { method: 'POST', path: '/upload', bytes: 48 * KiB },
            { method: 'POST', path: '/upload', bytes: 48 * KiB, chunked: 16 * KiB },
          ]),
        );
        const { lines } = await requestTable(server);
        return { limit: LIMIT, lines };
      },
    },
    continue: {
      title: 'Expect: 100-continue with http.request: accepted under the limit, refused (413) over it',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        ctx.note({
          en: `the limit is ${LIMIT / KiB} KiB: first 1000 bytes, then 200 KiB, each announced with "Expect: 100-continue"`,
          'zh-CN': `上限是 ${LIMIT / KiB} KiB：先 1000 字节，再 200 KiB，每次都先用 "Expect: 100-continue" 声明`,
        });
        await completes(node(ctx, 'client', port, [{ expectContinue: 1000 }, { expectContinue: 200 * KiB }]));
        const { rows, lines } = await requestTable(server);
        return { limit: LIMIT, statuses: rows.map((r) => r.status), lines };
      },
    },
    abort: {
      title: 'a client aborts its upload halfway: aborted, close, no finish; the server serves the next one',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        const client = node(ctx, 'client', port, [{ abortAfter: 16 * KiB, of: 48 * KiB }, { upload: 1000 }]);
        await client.ready();
        await server.command('busy', 1);
        await client.command('abort');
        await completes(client);
        const { rows, lines } = await requestTable(server);
        ctx.note({ en: 'the aborted request got no status: its response never finished', 'zh-CN': '被中止的请求没有状态码：它的响应从未完成' });
        return { statuses: rows.map((r) => r.status), lines };
      },
    },
    shutdown: {
      title: 'shutting down with a request in flight and an idle keep-alive connection, three ways',
      async run(ctx) {
        const clients = ctx.spawn('clients', shutdownClients);
        let { server, port } = await startServer(ctx, true);
        await clients.ready();
        const summary: JsonObject = {};
        const lines = [
          msg({ en: `times in ms after the shutdown began; keepAliveTimeout is Node's default, 5000 ms`, 'zh-CN': `时间为关闭开始后的毫秒数；keepAliveTimeout 是 Node 的默认值 5000 毫秒` }),
          '',
          [
            padEnd(msg({ en: 'how', 'zh-CN': '方式' }), 34),
            padEnd(msg({ en: 'idle conn.', 'zh-CN': '闲置连接' }), 12),
            padEnd(msg({ en: 'busy conn.', 'zh-CN': '忙碌连接' }), 12),
            "'close'".padEnd(9),
            msg({ en: 'answer', 'zh-CN': '响应' }),
          ].join(''),
        ];
        for (const [i, { how, label, shown }] of SHUTDOWNS.entries()) {
          if (i > 0) ({ port } = await server.command('next'));
          ctx.note({ en: `── ${label}: one connection idle, one upload half sent`, 'zh-CN': `── ${shown()}：一个连接闲置，一个上传只发了一半` });
          await clients.command('round', port);
          await server.command('busy', 1, 3000).catch(() => {
            throw new Error(msg({
              en: 'the upload was answered before its body was complete, so there is no request in flight to shut down: read the whole body before answering',
              'zh-CN': '上传在请求体完整之前就得到了响应，所以关闭时没有进行中的请求：先读完整个请求体再回答',
            }));
          });
          await server.command('shutdown', how);
          const answer = await clients.command('rest');
          const closing = server.command('closed', null, 10_000).catch(() => {
            throw new Error(msg({ en: `${label}: the server did not emit 'close' within 10 s of the shutdown`, 'zh-CN': `${shown()}：关闭开始后 10 秒内服务器没有发出 'close'` }));
          });
          let times = await Promise.race([closing, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), STILL_OPEN_MS))]);
          const hungUp = !times;
          if (!times) {
            ctx.note({
              en: `${STILL_OPEN_MS} ms after its answer the busy connection is still open, and no 'close' yet: Node would close it after keepAliveTimeout (+1 s). The client hangs up instead`,
              'zh-CN': `响应之后 ${STILL_OPEN_MS} 毫秒，忙碌的连接仍然打开，也还没有 'close'：Node 要到 keepAliveTimeout（+1 秒）之后才会关闭它。于是由客户端挂断`,
            });
            await clients.command('end');
            times = await closing;
          } else {
            await clients.command('end');
          }
          const idleConn = times.requests.find((r) => r.request.startsWith('GET'))?.connection;
          const busyConn = times.requests.find((r) => r.request.startsWith('POST'))?.connection;
          const at = (id: string | undefined) => (id === undefined ? null : (times!.closedMs[id] ?? null));
          const row = { idleClosedMs: at(idleConn), busyClosedMs: at(busyConn), answer: answer.status ?? `failed (${answer.failed})`, closeEventMs: times.closeEventMs, clientHungUp: hungUp };
          summary[label] = row;
          const busyText = hungUp ? `${row.busyClosedMs} *` : String(row.busyClosedMs);
          const answerText = answer.status ?? msg({ en: `failed (${answer.failed})`, 'zh-CN': `失败（${answer.failed}）` });
          lines.push(`${padEnd(shown(), 34)}${String(row.idleClosedMs).padEnd(12)}${busyText.padEnd(12)}${String(row.closeEventMs).padEnd(9)}${answerText}`);
        }
        await Promise.all([server.command('exit'), clients.command('exit')]);
        lines.push(
          '',
          msg({
            en: `* still open ${STILL_OPEN_MS} ms after its answer, so the client hung up (Node would have waited keepAliveTimeout + 1 s)`,
            'zh-CN': `* 响应之后 ${STILL_OPEN_MS} 毫秒仍然打开，于是客户端挂断了（Node 本会等 keepAliveTimeout + 1 秒）`,
          }),
          msg({
            en: 'closeAllConnections() destroyed the upload in flight; shutdown() let it finish, then closed it at once',
            'zh-CN': 'closeAllConnections() 销毁了进行中的上传；shutdown() 让它做完，然后立即关闭连接',
          }),
        );
        return { shutdowns: summary, lines };
      },
    },
  },
  async serve(ctx) {
    const { port } = await startServer(ctx);
    const url = `http://127.0.0.1:${port}`;
    return {
      address: `127.0.0.1:${port}`,
      commands: [
        `curl -v --data-binary 'hello, upload' ${url}/upload`,
        `head -c 100000 /dev/urandom | curl -v -H 'Expect: 100-continue' --data-binary @- ${url}/upload   # over the ${LIMIT / KiB} KiB limit: 413, body never sent`,
        `head -c 40000 /dev/urandom | curl -v -H 'Transfer-Encoding: chunked' --limit-rate 20k --data-binary @- ${url}/upload   # a slow chunked body: watch the data events`,
        `curl -v ${url}/health '${url}/health?again' ${url}/nope   # one connection: "Re-using existing connection"`,
      ],
    };
  },
});
