import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { ProgramProcess } from '../../src/runtime/spawn.js';
import { tracePolicy } from './trace.js';
import { msg } from '../../src/i18n/index.js';
import { clientDemo, messagesDemo, primaryDemo, sharedPrimaryDemo, type ChildRecord } from './contract.js';

type Primary = ProgramProcess<NonNullable<typeof primaryDemo.spec>>;

async function startPrimary(ctx: DemoContext, workers: number): Promise<{ primary: Primary; port: number; pids: number[] }> {
  const primary = ctx.spawn('primary', primaryDemo, { params: { implementation: ctx.implementation, workers } });
  const { port, pids } = await primary.ready(15_000);
  return { primary, port, pids };
}

async function clients(ctx: DemoContext, actor: string, port: number, count: number): Promise<void> {
  const c = ctx.spawn(actor, clientDemo, { params: { port, count } });
  const { code } = await c.finish(15_000);
  if (code !== 0) throw new Error(c.fatal ? `${actor}: ${c.fatal.message}` : msg({ en: `${actor} exited with code ${code}`, 'zh-CN': `${actor} 以退出码 ${code} 退出` }));
}

const childrenOf = (primary: Primary): Promise<ChildRecord[]> => primary.command('children');

/** Which pid served how many connections, as table rows. */
function servedRows(kids: ChildRecord[]): string[] {
  return kids.map((k) => {
    const count = String(k.handoffs.length).padStart(2);
    const exit = k.signal ?? msg({ en: `code ${k.code}`, 'zh-CN': `退出码 ${k.code}` });
    const exited = k.exitedAt !== null ? msg({ en: `  exited (${exit})`, 'zh-CN': `  已退出（${exit}）` }) : '';
    return `${k.actor.padEnd(9)} pid ${String(k.pid).padEnd(7)} ${msg({ en: `${count} connection(s)`, 'zh-CN': `${count} 个连接` })}${exited}`;
  });
}

export default defineLab({
  id: 'ipc-handles',
  title: 'IPC and handle passing',
  summary: 'fork(), messages over the IPC channel, and handing a socket to another process',
  order: 70,
  trace: tracePolicy,
  exports: ['startPrimary'],
  options: {
    workers: { description: 'how many workers the primary forks', default: '3' },
    connections: { description: 'how many connections the client makes', default: '6' },
  },
  scenarios: {
    'round-robin': {
      title: 'a primary accepts and hands each connection to the next of 3 workers',
      async run(ctx) {
        const workers = Number(ctx.options.workers);
        const connections = Number(ctx.options.connections);
        const { primary, port } = await startPrimary(ctx, workers);
        ctx.note({ en: `startPrimary() resolved: 127.0.0.1:${port}, ${workers} workers ready`, 'zh-CN': `startPrimary() 已 resolve：127.0.0.1:${port}，${workers} 个工作进程就绪` });
        await clients(ctx, 'client', port, connections);
        const kids = await childrenOf(primary);
        ctx.note({
          en: "each worker saw the client's own port: it got the connection itself, not a copy of its bytes",
          'zh-CN': '每个工作进程看到的都是客户端自己的端口：它拿到的是连接本身，而不是其字节的副本',
        });
        await primary.command('close', null, 15_000);
        await primary.finish();
        return { port, lines: servedRows(kids) };
      },
    },
    messages: {
      title: 'send() and "message" both ways; json vs advanced serialization; disconnect()',
      async run(ctx) {
        for (const serialization of ['json', 'advanced'] as const) {
          const parent = ctx.spawn(`parent(${serialization})`, messagesDemo, { params: { serialization } });
          const { code } = await parent.finish(15_000);
          if (code !== 0) throw new Error(parent.fatal?.message ?? msg({ en: `parent exited with code ${code}`, 'zh-CN': `父进程以退出码 ${code} 退出` }));
        }
        return {};
      },
    },
    'shared-server': {
      title: 'the other way: send the listening server to the workers, the kernel picks',
      async run(ctx) {
        const workers = Number(ctx.options.workers);
        const shared = ctx.spawn('primary', sharedPrimaryDemo, { params: { workers } });
        const { port } = await shared.ready(15_000);
        ctx.note({ en: `${workers} workers accept on one shared listening socket, 127.0.0.1:${port}`, 'zh-CN': `${workers} 个工作进程在同一个共享的监听套接字 127.0.0.1:${port} 上接受连接` });
        await clients(ctx, 'client', port, Number(ctx.options.connections) * 2);
        ctx.note({
          en: 'count the pids in the answers: the kernel hands connections to whichever worker is waiting in accept(), not in turn',
          'zh-CN': '数一数回答里的 pid：内核把连接交给正在 accept() 中等待的任意一个工作进程，而不是轮流分配',
        });
        await shared.command('close', null, 15_000);
        await shared.finish();
        return { port };
      },
    },
    restart: {
      title: 'a worker is killed (SIGKILL) and replaced while clients keep connecting',
      async run(ctx) {
        const { primary, port } = await startPrimary(ctx, Number(ctx.options.workers));
        await clients(ctx, 'client#1', port, 3);
        const victim = (await childrenOf(primary))[0]!;
        ctx.note({ en: `kill -9 ${victim.pid}: ${victim.actor} dies without a word, as a crash would`, 'zh-CN': `kill -9 ${victim.pid}：${victim.actor} 一声不响地死去，就像崩溃一样` });
        await primary.command('kill', { pid: victim.pid });
        for (let tries = 0; ; tries++) {
          const kids = await childrenOf(primary);
          const dead = kids.find((k) => k.pid === victim.pid)!;
          if (dead.exitedAt !== null && kids.some((k) => k.forkedAt >= dead.exitedAt! && k.readyAt !== null)) break;
          if (tries > 200) throw new Error(msg({ en: 'the primary did not replace the killed worker', 'zh-CN': '主进程没有替换被杀掉的工作进程' }));
          await new Promise((r) => setTimeout(r, 25)); // polling the primary's state, not waiting for readiness by time
        }
        ctx.note({
          en: 'a replacement was forked in the "exit" handler and is ready: the next connections include it',
          'zh-CN': '"exit" 处理函数中 fork 出了替代者，它已就绪：接下来的连接中会有它的份',
        });
        await clients(ctx, 'client#2', port, 3);
        const kids = await childrenOf(primary);
        await primary.command('close', null, 15_000);
        await primary.finish();
        return { lines: servedRows(kids) };
      },
    },
    shutdown: {
      title: 'close(): stop accepting, disconnect the workers, let a connection in progress finish',
      async run(ctx) {
        const { primary, port } = await startPrimary(ctx, 2);
        const held = ctx.spawn('client', clientDemo, { params: { port, count: 1, holdFirst: true } });
        await held.ready();
        ctx.note({ en: 'the client is connected and its worker is waiting for a line; now the primary closes', 'zh-CN': '客户端已连接，它的工作进程正在等待一行数据；现在主进程开始关闭' });
        const closed = primary.command('close', null, 15_000);
        closed.catch(() => {});
        ctx.note({
          en: 'the worker that holds the connection finishes it before it exits; the idle one exits at once',
          'zh-CN': '持有连接的工作进程先处理完这个连接再退出；空闲的那个立即退出',
        });
        await held.command('send');
        await held.finish();
        await closed;
        await primary.finish();
        return {};
      },
    },
  },
  async serve(ctx) {
    const { port, pids } = await startPrimary(ctx, Number(ctx.options.workers));
    return {
      address: `127.0.0.1:${port}`,
      commands: [
        `echo hello | nc -N 127.0.0.1 ${port}     # ${msg({ en: 'run it several times: another pid answers each time', 'zh-CN': '多运行几次：每次回答的 pid 都不同' })}`,
        `kill ${pids[0]}     # ${msg({ en: 'a worker dies: watch the primary fork its replacement', 'zh-CN': '一个工作进程死了：看主进程 fork 出它的替代者' })}`,
      ],
    };
  },
});
