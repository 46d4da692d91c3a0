import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { ProgramProcess } from '../../src/runtime/spawn.js';
import type { JsonObject } from '../../src/trace/event.js';
import { NetlabError } from '../../src/errors.js';
import { msg } from '../../src/i18n/index.js';
import { padEnd } from '../../src/i18n/width.js';
import { delayServer, fetchAllClient, poolClient, type BatchCommands, type ServerStats } from './contract.js';
import {
  drawWaterfall,
  idealMs,
  kLabel,
  parseIntOption,
  parseKs,
  type BatchResult,
  type ClientParams,
  type PoolSpec,
} from './timing.js';

interface Settings {
  n: number;
  delay: number;
  ks: number[];
}

/** The `--set` options, checked: a bad value stops the demo with a message naming it. */
function settings(ctx: DemoContext): Settings {
  try {
    return {
      n: parseIntOption('requests', ctx.options.requests!, 1, 500),
      delay: parseIntOption('delay', ctx.options.delay!, 1, 10_000),
      ks: parseKs(ctx.options.k!),
    };
  } catch (err) {
    throw new NetlabError('NETLAB_ERR_USAGE', (err as Error).message);
  }
}

/** The `--set` options, the demo server started with their delay, and the tables' headings (`h`). */
async function startServer(ctx: DemoContext, traced = false) {
  const options = settings(ctx);
  const { delay } = options;
  const server = ctx.spawn('server', delayServer, { params: { delay, trace: traced } });
  const { port } = await server.ready();
  ctx.note({
    en: `the server listens on 127.0.0.1:${port} and answers every request after a ${delay} ms timer`,
    'zh-CN': `服务器在 127.0.0.1:${port} 上监听，每个请求都在一个 ${delay} ms 的定时器之后回答`,
  });
  return { ...options, server, port, h: heading() };
}

type DelayServer = ProgramProcess<NonNullable<typeof delayServer.spec>>;
/** Either batch program (the pool client or fetch-all): they differ only in what `ready()` says. */
type BatchProgram = ProgramProcess<{ ready: unknown; commands: BatchCommands }>;

/** One pool client process, run by {@link runBatch}. */
function runClient(ctx: DemoContext, server: DelayServer, actor: string, params: ClientParams, delay: number) {
  const budget = (params.bursts ?? 1) * (params.n * delay + (params.pauseMs ?? 0)) + 10_000;
  return runBatch(server, actor, ctx.spawn(actor, poolClient, { params }), budget);
}

/**
 * Run one batch program. The server's counts are reset once the client has warmed up, so
 * `stats` counts the batch's connections only.
 */
async function runBatch(server: DelayServer, actor: string, client: BatchProgram, budget: number): Promise<{ result: BatchResult; stats: ServerStats }> {
  await client.ready(30_000);
  await server.command('stats');
  const result = await client.command('run', null, budget);
  const counted = await server.command('stats');
  await client.command('done');
  await client.finish();
  const failed = result.requests.find((r) => r.status < 200 || r.status > 299);
  if (failed) {
    const [r, status] = [`r${failed.i}`, failed.status];
    throw new Error(msg({ en: `${actor}: request ${r} got status ${status}`, 'zh-CN': `${actor}：请求 ${r} 得到了状态码 ${status}` }));
  }
  return { result, stats: counted };
}

const ms = (x: number) => `${x.toFixed(1)} ms`;
const ratioOf = (measured: number, ideal: number) => Math.round((measured / ideal) * 1000) / 1000;
// Width-aware: a column's Chinese heading takes two terminal columns per character.
const pad = (s: string, n: number) => padEnd(s, n);

/** The summary tables' column headings, in the run's language. */
function heading(): Record<'measured' | 'ideal' | 'ratio' | 'connections' | 'reused' | 'idleAfter' | 'sent' | 'burst1' | 'peak' | 'order', string> {
  return {
    measured: msg({ en: 'measured', 'zh-CN': '实测' }),
    ideal: msg({ en: 'ideal', 'zh-CN': '理想' }),
    ratio: msg({ en: 'ratio', 'zh-CN': '比值' }),
    connections: msg({ en: 'connections', 'zh-CN': '连接数' }),
    reused: msg({ en: 'reused', 'zh-CN': '复用' }),
    idleAfter: msg({ en: 'idle after', 'zh-CN': '之后空闲' }),
    sent: msg({ en: 'Connection sent', 'zh-CN': '发送的 Connection' }),
    burst1: msg({ en: 'burst 1', 'zh-CN': '第 1 波' }),
    peak: msg({ en: 'peak open', 'zh-CN': '同时最多' }),
    order: msg({ en: 'order', 'zh-CN': '顺序' }),
  };
}

function agentPool(keepAlive: boolean, k: number, maxFreeSockets?: number): PoolSpec {
  return { kind: 'agent', keepAlive, maxSockets: Number.isFinite(k) ? k : null, ...(maxFreeSockets === undefined ? {} : { maxFreeSockets }) };
}

/** How many distinct sockets carried the batch, and how many requests reused one. */
function reuse(result: BatchResult) {
  return { sockets: new Set(result.requests.map((r) => r.socket)).size, reused: result.requests.filter((r) => r.reused).length };
}

export default defineLab({
  id: 'agent-maxsockets',
  title: 'http.Agent and maxSockets',
  summary: 'connection pools: maxSockets, queueing, keep-alive reuse, agent: false, undici Pool; measured vs ideal time, as a waterfall',
  order: 50,
  exports: ['fetchAll'],
  options: {
    requests: { description: 'requests per batch (N), all sent at once', default: '10' },
    delay: { description: 'how long the server takes to answer each request (D), in ms', default: '200' },
    k: { description: 'maxSockets values to compare, comma-separated (Infinity for no limit)', default: '1,5,Infinity' },
  },
  scenarios: {
    maxsockets: {
      title: 'N requests at once through http.Agent({ keepAlive: true, maxSockets: k }): measured vs ceil(N/k)·D',
      async run(ctx) {
        const { n, delay, ks, server, port, h } = await startServer(ctx);
        const measured: JsonObject = {};
        const ideal: JsonObject = {};
        const ratio: JsonObject = {};
        const connections: JsonObject = {};
        const table: string[] = [
          msg({ en: `N = ${n} requests sent at once, the server answers each after D = ${delay} ms`, 'zh-CN': `一次发出 N = ${n} 个请求，服务器在 D = ${delay} ms 后回答每一个` }),
          '',
          `${pad('maxSockets', 12)}${pad(h.measured, 12)}${pad(`${h.ideal} ceil(N/k)·D`, 19)}${pad(h.ratio, 8)}${h.connections}`,
        ];
        const waterfalls: string[] = [];
        for (const k of ks) {
          const label = kLabel(k);
          ctx.note({
            en: `maxSockets ${label}: new http.Agent({ keepAlive: true, maxSockets: ${label} }), ${n} requests at once`,
            'zh-CN': `maxSockets ${label}：new http.Agent({ keepAlive: true, maxSockets: ${label} })，一次发出 ${n} 个请求`,
          });
          const { result, stats: s } = await runClient(ctx, server, `client(k=${label})`, { port, n, pool: agentPool(true, k) }, delay);
          const want = idealMs(n, k, delay);
          measured[label] = result.measuredMs;
          ideal[label] = want;
          ratio[label] = ratioOf(result.measuredMs, want);
          connections[label] = s.connections;
          const took = ms(result.measuredMs);
          ctx.note({
            en: `maxSockets ${label}: ${took} measured, ${want} ms ideal, ${s.connections} connection(s), at most ${s.peak} open at once`,
            'zh-CN': `maxSockets ${label}：实测 ${took}，理想 ${want} ms，${s.connections} 个连接，同时最多打开 ${s.peak} 个`,
          });
          table.push(`${pad(label, 12)}${pad(ms(result.measuredMs), 12)}${pad(`${want} ms`, 19)}${pad(String(ratio[label]), 8)}${s.connections}`);
          waterfalls.push('', msg({ en: `maxSockets ${label}: ${took} (ideal ${want} ms)`, 'zh-CN': `maxSockets ${label}：${took}（理想 ${want} ms）` }), ...drawWaterfall(result.requests));
        }
        table.push('', msg({ en: 'measured: inside the client, from the first request to the last response; ratio = measured / ideal', 'zh-CN': 'measured：在客户端内测得，从第一个请求到最后一个响应；ratio = measured / ideal' }));
        return { requests: n, delayMs: delay, measuredMs: measured, idealMs: ideal, ratio, connections, lines: [...table, ...waterfalls] };
      },
    },
    'keep-alive': {
      title: 'keepAlive on vs off: two bursts, which connections survive between them',
      async run(ctx) {
        const { n, delay, ks, server, port, h } = await startServer(ctx);
        const k = ks.find((x) => Number.isFinite(x) && x > 1) ?? 5;
        const configs: Array<{ name: string; pool: PoolSpec; say: string }> = [
          {
            name: `keepAlive: true, maxSockets: ${k}`,
            pool: agentPool(true, k),
            say: msg({ en: 'idle sockets wait in agent.freeSockets; the second burst reuses them', 'zh-CN': '空闲套接字在 agent.freeSockets 中等待；第二波请求复用它们' }),
          },
          {
            name: `keepAlive: false, maxSockets: ${k}`,
            pool: agentPool(false, k),
            say: msg({
              en: 'queued requests still reuse a socket, but the agent destroys it once nobody waits',
              'zh-CN': '排队的请求仍会复用套接字，但一旦没人等待，Agent 就销毁它',
            }),
          },
          {
            name: 'keepAlive: false, maxSockets: Infinity',
            pool: agentPool(false, Infinity),
            say: msg({ en: 'every request sends Connection: close and gets its own connection', 'zh-CN': '每个请求都发送 Connection: close，并得到自己的连接' }),
          },
        ];
        const lines = [msg({ en: `two bursts of ${n} requests, ${delay} ms apart; D = ${delay} ms`, 'zh-CN': `两波各 ${n} 个请求，相隔 ${delay} ms；D = ${delay} ms` }), '', `${pad('agent', 40)}${pad(h.connections, 13)}${pad(h.reused, 8)}${pad(h.idleAfter, 12)}${h.sent}`];
        const summary: JsonObject = {};
        for (const c of configs) {
          ctx.note(`new http.Agent({ ${c.name} }): ${c.say}`);
          const { result, stats: s } = await runClient(ctx, server, `client(${c.name.replace(/, maxSockets.*/, '')}${c.pool.kind === 'agent' && c.pool.maxSockets === null ? ', ∞' : ''})`, { port, n, bursts: 2, pauseMs: delay, pool: c.pool }, delay);
          const { reused } = reuse(result);
          const sent = [...new Set(result.requests.map((r) => r.sent))].join(', ');
          lines.push(`${pad(c.name, 40)}${pad(String(s.connections), 13)}${pad(String(reused), 8)}${pad(result.idleAfterBurst.join(' / '), 12)}${sent}`);
          summary[c.name] = { connections: s.connections, reused, idleAfterBurst: result.idleAfterBurst, connectionHeader: sent };
          lines.push(...drawWaterfall(result.requests, { maxRows: 0 }).map((l) => `  ${l}`), '');
        }
        return { requests: n, delayMs: delay, agents: summary, lines };
      },
    },
    'agent-false': {
      title: 'agent: false (a connection per request) vs http.globalAgent (keep-alive since Node 19)',
      async run(ctx) {
        const { n, delay, server, port, h } = await startServer(ctx);
        const lines = [msg({ en: `two bursts of ${n} requests, D = ${delay} ms`, 'zh-CN': `两波各 ${n} 个请求，D = ${delay} ms` }), '', `${pad('agent', 22)}${pad(h.connections, 13)}${pad(h.reused, 8)}${pad(h.idleAfter, 12)}${pad(h.burst1, 10)}${h.sent}`];
        const summary: JsonObject = {};
        for (const [name, pool, say] of [
          [
            'agent: false',
            { kind: 'agent-false' },
            msg({ en: 'a throwaway agent per request: a new connection each time, closed after the response', 'zh-CN': '每个请求一个用完即弃的 Agent：每次一个新连接，响应之后关闭' }),
          ],
          [
            'http.globalAgent',
            { kind: 'global-agent' },
            msg({ en: 'the default agent: keepAlive: true (since Node 19), maxSockets: Infinity', 'zh-CN': '默认的 Agent：keepAlive: true（从 Node 19 起），maxSockets: Infinity' }),
          ],
        ] as Array<[string, PoolSpec, string]>) {
          ctx.note(`${name}: ${say}`);
          const { result, stats: s } = await runClient(ctx, server, `client(${name})`, { port, n, bursts: 2, pauseMs: delay, pool }, delay);
          const { reused } = reuse(result);
          const sent = [...new Set(result.requests.map((r) => r.sent))].join(', ');
          lines.push(`${pad(name, 22)}${pad(String(s.connections), 13)}${pad(String(reused), 8)}${pad(result.idleAfterBurst.join(' / '), 12)}${pad(ms(result.burstsMs[0]!), 10)}${sent}`);
          summary[name] = { connections: s.connections, reused, idleAfterBurst: result.idleAfterBurst, connectionHeader: sent, measuredMs: result.burstsMs[0]! };
        }
        lines.push(
          '',
          msg({
            en: 'both have no limit, so each burst takes about D; only the global agent keeps its connections for the next burst',
            'zh-CN': '两者都没有上限，所以每波大约用时 D；只有全局 Agent 会把连接留给下一波',
          }),
        );
        return { requests: n, delayMs: delay, agents: summary, lines };
      },
    },
    'max-free-sockets': {
      title: 'maxFreeSockets: how many idle sockets the agent keeps between bursts',
      async run(ctx) {
        const { n, delay, ks, server, port, h } = await startServer(ctx);
        const k = ks.find((x) => Number.isFinite(x) && x > 2) ?? 5;
        const keep = Math.max(1, Math.floor(k / 2));
        const lines = [msg({ en: `two bursts of ${n} requests with maxSockets: ${k}, D = ${delay} ms`, 'zh-CN': `两波各 ${n} 个请求，maxSockets: ${k}，D = ${delay} ms` }), '', `${pad('agent', 52)}${pad(h.connections, 13)}${pad(h.reused, 8)}${h.idleAfter}`];
        const summary: JsonObject = {};
        for (const maxFree of [undefined, keep]) {
          const name = `keepAlive: true, maxSockets: ${k}${maxFree === undefined ? '' : `, maxFreeSockets: ${maxFree}`}`;
          const why =
            maxFree === undefined
              ? msg({ en: ' (maxFreeSockets defaults to 256)', 'zh-CN': '（maxFreeSockets 默认为 256）' })
              : msg({ en: `: after a burst only ${maxFree} idle socket(s) stay, the others are destroyed`, 'zh-CN': `：一波之后只留下 ${maxFree} 个空闲套接字，其余的被销毁` });
          ctx.note(`new http.Agent({ ${name} })${why}`);
          const { result, stats: s } = await runClient(ctx, server, `client(maxFreeSockets=${maxFree ?? 256})`, { port, n, bursts: 2, pauseMs: delay, pool: agentPool(true, k, maxFree) }, delay);
          const { reused } = reuse(result);
          lines.push(`${pad(name, 52)}${pad(String(s.connections), 13)}${pad(String(reused), 8)}${result.idleAfterBurst.join(' / ')}`);
          summary[`maxFreeSockets=${maxFree ?? 256}`] = { connections: s.connections, reused, idleAfterBurst: result.idleAfterBurst };
          lines.push(...drawWaterfall(result.requests, { maxRows: 0 }).map((l) => `  ${l}`), '');
        }
        return { requests: n, delayMs: delay, maxSockets: k, agents: summary, lines };
      },
    },
    'undici-pool': {
      title: 'undici Pool({ connections: k }) beside http.Agent({ maxSockets: k }) on the same server',
      async run(ctx) {
        const { n, delay, ks, server, port, h } = await startServer(ctx);
        const measured: JsonObject = {};
        const ideal: JsonObject = {};
        const lines = [`N = ${n}, D = ${delay} ms`, '', `${pad('k', 10)}${pad(h.ideal, 10)}${pad('http.Agent', 14)}${pad('undici Pool', 14)}${h.connections} (Agent / Pool)`];
        const waterfalls: string[] = [];
        for (const k of ks) {
          const label = kLabel(k);
          const want = idealMs(n, k, delay);
          const row: Record<string, BatchResult> = {};
          const conns: number[] = [];
          for (const [name, pool] of [
            ['http.Agent', agentPool(true, k)],
            ['undici Pool', { kind: 'undici', connections: Number.isFinite(k) ? k : null }],
          ] as Array<[string, PoolSpec]>) {
            const limit = Number.isFinite(k) ? k : name === 'http.Agent' ? 'Infinity' : msg({ en: 'null (no limit)', 'zh-CN': 'null（无上限）' });
            const option = name === 'http.Agent' ? 'maxSockets' : 'connections';
            ctx.note({ en: `${name} with ${option}: ${limit}`, 'zh-CN': `${name} 的 ${option} 为 ${limit}` });
            const run = await runClient(ctx, server, `client(${name === 'http.Agent' ? 'agent' : 'undici'}, k=${label})`, { port, n, pool }, delay);
            row[name] = run.result;
            conns.push(run.stats.connections);
            const took = ms(row[name]!.measuredMs);
            waterfalls.push('', msg({ en: `${name}, k = ${label}: ${took} (ideal ${want} ms)`, 'zh-CN': `${name}，k = ${label}：${took}（理想 ${want} ms）` }), ...drawWaterfall(row[name]!.requests, { maxRows: 0 }));
          }
          measured[label] = { agent: row['http.Agent']!.measuredMs, undici: row['undici Pool']!.measuredMs };
          ideal[label] = want;
          lines.push(`${pad(label, 10)}${pad(`${want} ms`, 10)}${pad(ms(row['http.Agent']!.measuredMs), 14)}${pad(ms(row['undici Pool']!.measuredMs), 14)}${conns.join(' / ')}`);
        }
        return { requests: n, delayMs: delay, measuredMs: measured, idealMs: ideal, lines: [...lines, ...waterfalls] };
      },
    },
    'fetch-all': {
      title: 'fetchAll(urls, k) from the exercise (yours with --use): measured vs ideal, connections, waterfall',
      async run(ctx) {
        const { n, delay, ks, server, port, h } = await startServer(ctx);
        const who = ctx.usingLearnerCode ? msg({ en: 'your fetchAll', 'zh-CN': '你的 fetchAll' }) : msg({ en: 'the reference fetchAll', 'zh-CN': '参考答案的 fetchAll' });
        const measured: JsonObject = {};
        const ideal: JsonObject = {};
        const connections: JsonObject = {};
        const lines = [msg({ en: `${who}: N = ${n} URLs, D = ${delay} ms`, 'zh-CN': `${who}：N = ${n} 个 URL，D = ${delay} ms` }), '', `${pad('maxSockets', 12)}${pad(h.measured, 12)}${pad(h.ideal, 10)}${pad(h.ratio, 8)}${pad(h.connections, 13)}${pad(h.peak, 11)}${h.order}`];
        const waterfalls: string[] = [];
        for (const k of ks) {
          const label = kLabel(k);
          const want = idealMs(n, k, delay);
          ctx.note({ en: `${who}(${n} urls, ${label})`, 'zh-CN': `${who}（${n} 个 URL，${label}）` });
          const actor = `fetchAll(k=${label})`;
          const params = { port, n, k: Number.isFinite(k) ? k : null, implementation: ctx.implementation };
          const { result, stats: s } = await runBatch(server, actor, ctx.spawn(actor, fetchAllClient, { params }), n * delay + 10_000);
          const inOrder = result.inOrder === true;
          measured[label] = result.measuredMs;
          ideal[label] = want;
          connections[label] = s.connections;
          const verdict = [
            s.peak === Math.min(k, n) ? '' : msg({ en: `peak ${s.peak} ≠ min(k, N) = ${Math.min(k, n)}`, 'zh-CN': `峰值 ${s.peak} ≠ min(k, N) = ${Math.min(k, n)}` }),
            s.connections <= k ? '' : msg({ en: `${s.connections} connections > k`, 'zh-CN': `${s.connections} 个连接 > k` }),
          ].filter(Boolean);
          if (verdict.length) ctx.note({ en: `maxSockets ${label}: ${verdict.join('; ')}`, 'zh-CN': `maxSockets ${label}：${verdict.join('；')}` });
          lines.push(`${pad(label, 12)}${pad(ms(result.measuredMs), 12)}${pad(`${want} ms`, 10)}${pad(String(ratioOf(result.measuredMs, want)), 8)}${pad(String(s.connections), 13)}${pad(String(s.peak), 11)}${inOrder ? msg({ en: 'ok', 'zh-CN': '正确' }) : msg({ en: 'WRONG', 'zh-CN': '错误' })}`);
          const took = ms(result.measuredMs);
          const title = msg({
            en: `maxSockets ${label}: ${took} (ideal ${want} ms); ░ = waiting since fetchAll() was called`,
            'zh-CN': `maxSockets ${label}：${took}（理想 ${want} ms）；░ = 自调用 fetchAll() 起在等待`,
          });
          waterfalls.push('', title, ...drawWaterfall(result.requests));
        }
        return { requests: n, delayMs: delay, implementation: ctx.usingLearnerCode ? ctx.implementation : 'reference', measuredMs: measured, idealMs: ideal, connections, lines: [...lines, ...waterfalls] };
      },
    },
  },
  async serve(ctx) {
    const { port } = await startServer(ctx, true);
    const url = `http://127.0.0.1:${port}/r/1`;
    return {
      address: `127.0.0.1:${port}`,
      commands: [
        `curl -v ${url}`,
        `curl -v ${url} ${url.replace(/1$/, '2')}   # one connection, reused: "Re-using existing connection"`,
        `node -e "const h=require('http');const a=new h.Agent({maxSockets:2});console.time('6 requests');let n=6;for(let i=0;i<6;i++)h.get('${url}',{agent:a},r=>{r.resume();r.on('end',()=>--n||(console.timeEnd('6 requests'),a.destroy()))})"`,
      ],
    };
  },
});
