import { msg } from '../../src/i18n/index.js';
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
  if (code === 0) return;
  if (p.fatal) throw new Error(msg({ en: `${p.actor}: ${p.fatal.message}`, 'zh-CN': `${p.actor}：${p.fatal.message}` }));
  throw new Error(
    signal
      ? msg({ en: `${p.actor} was killed (${signal})`, 'zh-CN': `${p.actor} 被信号 ${signal} 终止` })
      : msg({ en: `${p.actor} exited with code ${code}`, 'zh-CN': `${p.actor} 以退出码 ${code} 结束` }),
  );
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
        ctx.note({
          en: `the server listens on 127.0.0.1:${port} (port 0 asked the OS for a free port)`,
          'zh-CN': `服务器在 127.0.0.1:${port} 上监听（端口 0 表示请操作系统挑一个空闲端口）`,
        });
        const c2 = client(ctx, 'client#2', port!, [
          { write: 'I am client 2\n' },
          { expectEcho: 14 },
          { say: { en: 'client#2 stays connected and waits', 'zh-CN': 'client#2 保持连接，等待着' } },
          { waitFor: 'finish' },
          { say: { en: 'client#2 ends its side now', 'zh-CN': 'client#2 现在结束自己这一侧' } },
          { end: true },
          { waitEvent: 'close' },
        ]);
        await c2.ready();
        const c1 = client(ctx, 'client#1', port!, [
          { say: { en: 'two write() calls back to back: "hello " and "world\\n"', 'zh-CN': '紧接着的两次 write()："hello " 和 "world\\n"' } },
          { write: 'hello ' },
          { write: 'world\n' },
          { expectEcho: 12 },
          { say: { en: 'one write() of 256 KiB: watch how many "data" events it becomes', 'zh-CN': '一次 write() 写 256 KiB：看它变成多少个 "data" 事件' } },
          { writeBytes: 256 * 1024 },
          {
            say: {
              en: 'end() at once, before the echo is back: a half-close. The server gets "end" yet keeps echoing',
              'zh-CN': '回显还没回来就立刻 end()：这是半关闭。服务器收到 "end"，但仍继续回显',
            },
          },
          { end: true },
          { expectEcho: 12 + 256 * 1024 },
          { waitEvent: 'close' },
        ]);
        await completes(c1);
        ctx.note({
          en: 'client#1 is gone; now ask the server to close while client#2 is still connected',
          'zh-CN': 'client#1 已经离开；趁 client#2 仍然连着，现在让服务器关闭',
        });
        const closed = server.command('close', undefined, 20_000);
        closed.catch(() => {}); // awaited below; a failure in between must not go unhandled
        const open = await server.command('connections');
        ctx.note({
          en: `server.close() was called with ${String(open)} connection open: no "close" event yet`,
          'zh-CN': `调用 server.close() 时还有 ${String(open)} 个连接打开着：暂时没有 "close" 事件`,
        });
        await c2.command('finish');
        await closed;
        await completes(c2);
        ctx.note({ en: 'the last connection ended, so the server emitted "close"', 'zh-CN': '最后一个连接结束了，于是服务器发出 "close" 事件' });
        return { port: port!, clients: 2 };
      },
    },
    'half-close': {
      title: 'allowHalfOpen: answering a moment after the client has ended its side',
      async run(ctx) {
        for (const [n, halfOpen] of [[1, true], [2, false]] as const) {
          const actor = `server#${n}`;
          const { server, port } = await startServer(ctx, { halfOpen }, actor);
          ctx.note({
            en: `${actor} has allowHalfOpen: ${halfOpen}; the client asks a question, then end()s its side`,
            'zh-CN': `${actor} 的 allowHalfOpen 为 ${halfOpen}；客户端提一个问题，然后 end() 结束自己这一侧`,
          });
          const c = client(ctx, `client#${n}`, port!, [{ write: 'any last words?\n' }, { end: true }, { waitEvent: 'close' }]);
          await c.finish();
          await server.finish(5000);
        }
        ctx.note({
          en: 'allowHalfOpen: false ended server#2\'s side on the tick after "end" ("finish" at once): its late answer was lost',
          'zh-CN': 'allowHalfOpen: false 让 server#2 这一侧在 "end" 之后的下一个 tick 就结束了（立刻 "finish"）：它迟到的回答丢失了',
        });
        return {};
      },
    },
    eaddrinuse: {
      title: 'two servers, one port: EADDRINUSE',
      async run(ctx) {
        const { port } = await startServer(ctx, {}, 'server#1');
        ctx.note({ en: `a second server tries to listen on the same port, ${port}`, 'zh-CN': `第二个服务器尝试监听同一个端口 ${port}` });
        const second = await startServer(ctx, { port }, 'server#2');
        if (!second.error) throw new Error(msg({ en: 'the second listen() unexpectedly succeeded', 'zh-CN': '第二次 listen() 出乎意料地成功了' }));
        ctx.note({
          en: `listen() failed with ${second.error.code}: the port belongs to server#1 until it closes`,
          'zh-CN': `listen() 以 ${second.error.code} 失败：在 server#1 关闭之前，这个端口归它所有`,
        });
        return { port: port!, error: second.error.code };
      },
    },
    reset: {
      title: 'a client resets its connection: ECONNRESET on the server side',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        const c = client(ctx, 'client#1', port!, [{ write: 'hello\n' }, { expectEcho: 6 }, { say: { en: 'resetAndDestroy(): an RST instead of a FIN', 'zh-CN': 'resetAndDestroy()：发送 RST 而不是 FIN' } }, { reset: true }]);
        await c.finish();
        const c2 = client(ctx, 'client#2', port!, [{ write: 'still there?\n' }, { expectEcho: 13 }, { end: true }, { waitEvent: 'close' }]);
        await completes(c2);
        ctx.note({ en: 'the server survived the reset and served client#2', 'zh-CN': '服务器挺过了这次重置，并为 client#2 提供了服务' });
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
        await completes(c2);
        ctx.note({
          en: 'client#2 was accepted by the kernel, then closed by Node at once ("drop" on the server)',
          'zh-CN': 'client#2 先被内核接受，随即被 Node 关闭（服务器上的 "drop" 事件）',
        });
        await c1.command('finish');
        await completes(c1);
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
