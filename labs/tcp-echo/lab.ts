import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { RunningProgram } from '../../src/runtime/spawn.js';
import { echoClient, echoServer, type ServerParams, type Step } from './contract.js';

async function startServer(ctx: DemoContext, params: Omit<ServerParams, 'implementation'> = {}, actor = 'server') {
  const server = ctx.spawn(actor, echoServer, { params: { implementation: ctx.implementation, ...params } });
  const info = await server.ready();
  return { server, port: info.port, error: info.error };
}

function client(ctx: DemoContext, actor: string, port: number, steps: Step[]) {
  return ctx.spawn(actor, echoClient, { params: { port, steps } });
}

/** Wait for a client to finish its steps; one that failed (no echo, say) fails the demo with its reason. */
async function completes(p: RunningProgram): Promise<void> {
  const { code, signal } = await p.finish(20_000);
  if (code !== 0) throw new Error(p.fatal ? `${p.actor}: ${p.fatal.message}` : `${p.actor} ${signal ? `was killed (${signal})` : `exited with code ${code}`}`);
}

export default defineLab({
  id: 'tcp-echo',
  title: 'TCP echo server',
  summary: 'net.Server and net.Socket: a byte stream, half-close, and a server that closes politely',
  order: 10,
  exports: ['createEchoServer'],
  scenarios: {
    tour: {
      title: 'a server, two clients: stream boundaries, half-close, server.close() waiting',
      async run(ctx) {
        const { server, port } = await startServer(ctx, { showHighWaterMark: true });
        ctx.note(`the server listens on 127.0.0.1:${port} (port 0 asked the OS for a free port)`);
        const c2 = client(ctx, 'client#2', port!, [
          { write: 'I am client 2\n' },
          { expectEcho: 14 },
          { say: 'client#2 stays connected and waits' },
          { waitFor: 'finish' },
          { say: 'client#2 ends its side now' },
          { end: true },
          { waitEvent: 'close' },
        ]);
        await c2.ready();
        const c1 = client(ctx, 'client#1', port!, [
          { say: 'two write() calls back to back: "hello " and "world\\n"' },
          { write: 'hello ' },
          { write: 'world\n' },
          { expectEcho: 12 },
          { say: 'one write() of 256 KiB: watch how many "data" events it becomes' },
          { writeBytes: 256 * 1024 },
          { say: 'end() at once, before the echo is back: a half-close. The server gets "end" yet keeps echoing' },
          { end: true },
          { expectEcho: 12 + 256 * 1024 },
          { waitEvent: 'close' },
        ]);
        await completes(c1);
        ctx.note('client#1 is gone; now ask the server to close while client#2 is still connected');
        const closed = server.command('close', undefined, 20_000);
        closed.catch(() => {}); // awaited below; a failure in between must not go unhandled
        const open = await server.command('connections');
        ctx.note(`server.close() was called with ${String(open)} connection open: no "close" event yet`);
        await c2.command('finish');
        await closed;
        await completes(c2);
        ctx.note('the last connection ended, so the server emitted "close"');
        return { port: port!, clients: 2 };
      },
    },
    'half-close': {
      title: 'allowHalfOpen: answering a moment after the client has ended its side',
      async run(ctx) {
        for (const [n, halfOpen] of [[1, true], [2, false]] as const) {
          const actor = `server#${n}`;
          const { server, port } = await startServer(ctx, { halfOpen }, actor);
          ctx.note(`${actor} has allowHalfOpen: ${halfOpen}; the client asks a question, then end()s its side`);
          const c = client(ctx, `client#${n}`, port!, [{ write: 'any last words?\n' }, { end: true }, { waitEvent: 'close' }]);
          await c.finish();
          await server.finish(5000);
        }
        ctx.note('allowHalfOpen: false ended server#2\'s side on the tick after "end" ("finish" at once): its late answer was lost');
        return {};
      },
    },
    eaddrinuse: {
      title: 'two servers, one port: EADDRINUSE',
      async run(ctx) {
        const { port } = await startServer(ctx, {}, 'server#1');
        ctx.note(`a second server tries to listen on the same port, ${port}`);
        const second = await startServer(ctx, { port }, 'server#2');
        if (!second.error) throw new Error('the second listen() unexpectedly succeeded');
        ctx.note(`listen() failed with ${second.error.code}: the port belongs to server#1 until it closes`);
        return { port: port!, error: second.error.code };
      },
    },
    reset: {
      title: 'a client resets its connection: ECONNRESET on the server side',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        const c = client(ctx, 'client#1', port!, [{ write: 'hello\n' }, { expectEcho: 6 }, { say: 'resetAndDestroy(): an RST instead of a FIN' }, { reset: true }]);
        await c.finish();
        const c2 = client(ctx, 'client#2', port!, [{ write: 'still there?\n' }, { expectEcho: 13 }, { end: true }, { waitEvent: 'close' }]);
        await completes(c2);
        ctx.note('the server survived the reset and served client#2');
        await server.command('close');
        return {};
      },
    },
    'max-connections': {
      title: 'server.maxConnections = 1: the second client is dropped',
      async run(ctx) {
        const { server, port } = await startServer(ctx, { maxConnections: 1 });
        const c1 = client(ctx, 'client#1', port!, [{ write: 'first\n' }, { expectEcho: 6 }, { waitFor: 'finish' }, { end: true }, { waitEvent: 'close' }]);
        await c1.ready();
        const c2 = client(ctx, 'client#2', port!, [{ write: 'second\n' }, { waitEvent: 'close' }]);
        await c2.finish();
        ctx.note('client#2 was accepted by the kernel, then closed by Node at once ("drop" on the server)');
        await c1.command('finish');
        await c1.finish();
        await server.command('close');
        return {};
      },
    },
  },
  async serve(ctx) {
    const { port } = await startServer(ctx);
    return {
      address: `127.0.0.1:${port}`,
      commands: [`nc 127.0.0.1 ${port}`, `printf 'hello\\n' | nc -N 127.0.0.1 ${port}`],
    };
  },
});
