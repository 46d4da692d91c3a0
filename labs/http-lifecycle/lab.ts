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
  if (code !== 0) throw new Error(p.fatal ? `${p.actor}: ${p.fatal.message}` : `${p.actor} ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
}


/** The server's requests as a table: which connection carried which request. */
async function requestTable(server: { command(name: 'requests'): Promise<Logged[]> }): Promise<{ rows: Logged[]; lines: string[] }> {
  const rows = await server.command('requests');
  const lines = [`${'#'.padEnd(4)}${'connection'.padEnd(16)}${'request'.padEnd(28)}status`];
  rows.forEach((r, i) => lines.push(`${String(i + 1).padEnd(4)}${r.connection.padEnd(16)}${r.request.padEnd(28)}${r.status ?? 'none'}`));
  return { rows, lines };
}

/** How long the shutdown scenario watches a connection that Node leaves open after its answer. */
const STILL_OPEN_MS = 500;

/** The three ways the shutdown scenario compares. */
const SHUTDOWNS = [
  { how: 'close', label: 'server.close()' },
  { how: 'closeAll', label: 'close() + closeAllConnections()' },
  { how: 'exercise', label: 'shutdown(server) (the exercise)' },
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
        ctx.note(`the server listens on 127.0.0.1:${port}; an undici Client (one connection) sends three requests in a row`);
        await completes(
          undici(ctx, 'client', port, [
            { method: 'GET', path: '/health' },
            { method: 'POST', path: '/upload', bytes: 1000 },
            { method: 'GET', path: '/health?again=1' },
          ]),
        );
        const { rows, lines } = await requestTable(server);
        const connections = new Set(rows.map((r) => r.connection)).size;
        ctx.note(`${rows.length} requests, ${connections} connection: "connection" once, then "request" for each`);
        return { requests: rows.length, connections, lines };
      },
    },
    uploads: {
      title: 'the same 48 KiB upload with Content-Length, then chunked',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        ctx.note('first with Content-Length (undici knows the Buffer\'s length), then as a stream of 16 KiB chunks (no length: Transfer-Encoding: chunked)');
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
        ctx.note(`the limit is ${LIMIT / KiB} KiB: first 1000 bytes, then 200 KiB, each announced with "Expect: 100-continue"`);
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
        ctx.note('the aborted request got no status: its response never finished');
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
        const lines = [`times in ms after the shutdown began; keepAliveTimeout is Node's default, 5000 ms`, '', `${'how'.padEnd(34)}${'idle conn.'.padEnd(12)}${'busy conn.'.padEnd(12)}${"'close'".padEnd(9)}answer`];
        for (const [i, { how, label }] of SHUTDOWNS.entries()) {
          if (i > 0) ({ port } = await server.command('next'));
          ctx.note(`── ${label}: one connection idle, one upload half sent`);
          await clients.command('round', port);
          await server.command('busy', 1, 3000).catch(() => {
            throw new Error('the upload was answered before its body was complete, so there is no request in flight to shut down: read the whole body before answering');
          });
          await server.command('shutdown', how);
          const answer = await clients.command('rest');
          const closing = server.command('closed', null, 10_000).catch(() => {
            throw new Error(`${label}: the server did not emit 'close' within 10 s of the shutdown`);
          });
          let times = await Promise.race([closing, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), STILL_OPEN_MS))]);
          const hungUp = !times;
          if (!times) {
            ctx.note(`${STILL_OPEN_MS} ms after its answer the busy connection is still open, and no 'close' yet: Node would close it after keepAliveTimeout (+1 s). The client hangs up instead`);
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
          lines.push(`${label.padEnd(34)}${String(row.idleClosedMs).padEnd(12)}${busyText.padEnd(12)}${String(row.closeEventMs).padEnd(9)}${row.answer}`);
        }
        await Promise.all([server.command('exit'), clients.command('exit')]);
        lines.push('', `* still open ${STILL_OPEN_MS} ms after its answer, so the client hung up (Node would have waited keepAliveTimeout + 1 s)`);
        lines.push('closeAllConnections() destroyed the upload in flight; shutdown() let it finish, then closed it at once');
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
