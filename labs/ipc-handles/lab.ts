import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { ActorProcess } from '../../src/runtime/spawn.js';
import type { ChildRecord } from './children.js';
import { tracePolicy } from './trace.js';

interface Started {
  primary: ActorProcess;
  port: number;
}

async function startPrimary(ctx: DemoContext, workers: number): Promise<Started> {
  const primary = ctx.spawn('primary', 'demo/primary', { params: { implementation: ctx.implementation, workers } });
  const { port } = (await primary.ready(15_000)) as { port: number };
  return { primary, port };
}

async function clients(ctx: DemoContext, actor: string, port: number, count: number): Promise<void> {
  const c = ctx.spawn(actor, 'demo/client', { params: { port, count } });
  const { code } = await c.finish(15_000);
  if (code !== 0) throw new Error(c.fatal ? `${actor}: ${c.fatal.message}` : `${actor} exited with code ${code}`);
}

async function childrenOf(primary: ActorProcess): Promise<ChildRecord[]> {
  return (await primary.command('children')) as unknown as ChildRecord[];
}

/** Which pid served how many connections, as table rows. */
function servedRows(kids: ChildRecord[]): string[] {
  return kids.map((k) => `${k.actor.padEnd(9)} pid ${String(k.pid).padEnd(7)} ${String(k.handoffs.length).padStart(2)} connection(s)${k.exitedAt !== null ? `  exited (${k.signal ?? `code ${k.code}`})` : ''}`);
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
        ctx.note(`startPrimary() resolved: 127.0.0.1:${port}, ${workers} workers ready`);
        await clients(ctx, 'client', port, connections);
        const kids = await childrenOf(primary);
        ctx.note('each worker saw the client\'s own port: it got the connection itself, not a copy of its bytes');
        await primary.command('close', null, 15_000);
        await primary.finish();
        return { port, lines: servedRows(kids) };
      },
    },
    messages: {
      title: 'send() and "message" both ways; json vs advanced serialization; disconnect()',
      async run(ctx) {
        for (const serialization of ['json', 'advanced'] as const) {
          const parent = ctx.spawn(`parent(${serialization})`, 'demo/messages-parent', { params: { serialization } });
          const { code } = await parent.finish(15_000);
          if (code !== 0) throw new Error(parent.fatal?.message ?? `parent exited with code ${code}`);
        }
        return {};
      },
    },
    'shared-server': {
      title: 'the other way: send the listening server to the workers, the kernel picks',
      async run(ctx) {
        const workers = Number(ctx.options.workers);
        const shared = ctx.spawn('primary', 'demo/shared-primary', { params: { workers } });
        const { port } = (await shared.ready(15_000)) as { port: number };
        ctx.note(`${workers} workers accept on one shared listening socket, 127.0.0.1:${port}`);
        await clients(ctx, 'client', port, Number(ctx.options.connections) * 2);
        ctx.note('count the pids in the answers: the kernel hands connections to whichever worker is waiting in accept(), not in turn');
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
        ctx.note(`kill -9 ${victim.pid}: ${victim.actor} dies without a word, as a crash would`);
        await primary.command('kill', { pid: victim.pid });
        for (let tries = 0; ; tries++) {
          const kids = await childrenOf(primary);
          const dead = kids.find((k) => k.pid === victim.pid)!;
          if (dead.exitedAt !== null && kids.some((k) => k.forkedAt >= dead.exitedAt! && k.readyAt !== null)) break;
          if (tries > 200) throw new Error('the primary did not replace the killed worker');
          await new Promise((r) => setTimeout(r, 25)); // polling the primary's state, not waiting for readiness by time
        }
        ctx.note('a replacement was forked in the "exit" handler and is ready: the next connections include it');
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
        const held = ctx.spawn('client', 'demo/client', { params: { port, count: 1, holdFirst: true } });
        await held.ready();
        ctx.note('the client is connected and its worker is waiting for a line; now the primary closes');
        const closed = primary.command('close', null, 15_000);
        closed.catch(() => {});
        ctx.note('the worker that holds the connection finishes it before it exits; the idle one exits at once');
        await held.command('send');
        await held.finish();
        await closed;
        await primary.finish();
        return {};
      },
    },
  },
  async serve(ctx) {
    const { primary, port } = await startPrimary(ctx, Number(ctx.options.workers));
    const pids = ((await primary.ready()) as { pids: number[] }).pids;
    return {
      address: `127.0.0.1:${port}`,
      commands: [
        `echo hello | nc -N 127.0.0.1 ${port}     # run it several times: another pid answers each time`,
        `kill ${pids[0]}     # a worker dies: watch the primary fork its replacement`,
      ],
    };
  },
});
