import { msg, type Msg } from '../../src/i18n/index.js';
import { padEnd, textWidth } from '../../src/i18n/width.js';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { JsonObject } from '../../src/trace/event.js';
import type { PrivateNetwork } from '../../src/runtime/namespace.js';
import type { ProgramProcess } from '../../src/runtime/spawn.js';
import { dnsClient, dnsServer, tcpServer, type Listener, type Step, type StepResult } from './contract.js';
import {
  DNS_ONLY,
  DOMAIN,
  FALLBACK_LOCALHOST_ADDRESS,
  FALLBACK_ZONE,
  HOSTS_ADDRESS,
  LAB_HOSTS,
  LAB_RESOLV_CONF,
  LAB_ZONE,
  OTHER_ZONE,
  OVERRIDDEN,
  UNKNOWN,
} from './demo/zone.js';

/**
 * The lab's private network (hosts file and resolv.conf of its own), or null with the fallback
 * announced in the trace when this machine cannot make one.
 */
async function privateNetwork(ctx: DemoContext): Promise<{ network: PrivateNetwork | null; reason?: string }> {
  // Imported when a demo needs it: `netlab list` loads every lab.ts and should stay light.
  const { privateNetworkUnavailable } = await import('../../src/runtime/namespace.js');
  let reason = privateNetworkUnavailable();
  if (!reason) {
    try {
      const network = await ctx.privateNetwork({ hosts: LAB_HOSTS, resolvConf: LAB_RESOLV_CONF });
      ctx.note({
        en:
          `private network ready: a new user + mount + network namespace with loopback up, where the lab's hosts file ` +
          `and resolv.conf (nameserver 127.0.0.1) are bind-mounted over /etc/hosts and /etc/resolv.conf. ` +
          `Only the processes inside see them; this machine's files are not touched.`,
        'zh-CN':
          `私有网络就绪：一个新的 user + mount + network 命名空间，回环接口已启用，本实验的 hosts 文件和 resolv.conf（nameserver 127.0.0.1）` +
          `以 bind mount 的方式覆盖在 /etc/hosts 和 /etc/resolv.conf 上。只有里面的进程看得到它们；这台机器上的文件不受影响。`,
      });
      return { network };
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  ctx.note({ en: `FALLBACK: no private network on this machine (${reason}).`, 'zh-CN': `FALLBACK：这台机器上无法建立私有网络（${reason}）。` });
  return { network: null, reason };
}

/** The step that introduces the exercise's lookupVsResolve: whose it is. */
function exerciseSay(ctx: DemoContext, args: string): Msg {
  return ctx.usingLearnerCode
    ? { en: `the exercise's lookupVsResolve${args} (yours, from --use)`, 'zh-CN': `练习里的 lookupVsResolve${args}（你的，来自 --use）` }
    : { en: `the exercise's lookupVsResolve${args} (the reference solution)`, 'zh-CN': `练习里的 lookupVsResolve${args}（参考答案）` };
}

async function startDns(ctx: DemoContext, network: PrivateNetwork | null, listeners: Listener[], actor = 'dns-server') {
  const server = ctx.spawn(actor, dnsServer, { network: network ?? undefined, params: { listeners } });
  const info = await server.ready();
  const ports = Object.fromEntries(info.listeners.map((l) => [l.label, l.port])) as Record<string, number>;
  return { server, ports };
}

async function runClient(ctx: DemoContext, network: PrivateNetwork | null, steps: Step[], actor = 'client'): Promise<StepResult[]> {
  const client = ctx.spawn(actor, dnsClient, { network: network ?? undefined, params: { steps, implementation: ctx.implementation } });
  const { results } = await client.ready(20_000);
  await client.finish();
  return results;
}

async function queryCounts(server: ProgramProcess<NonNullable<(typeof dnsServer)['spec']>>): Promise<Record<string, number>> {
  const stats = await server.command('stats');
  return stats.counts;
}

const list = (a: string[] | undefined) => (a && a.length ? a.join(', ') : '—');

function shown(r: StepResult | undefined): string {
  if (!r) return '?';
  return r.error ? r.error.code : list(r.answer);
}

/**
 * A plain text table, the first row its header, kept narrow enough for the interactive lab's
 * 80-column trace view (widths in terminal cells: a CJK character takes two).
 */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => textWidth(r[i] ?? ''))));
  const line = (r: string[]) => r.map((cell, i) => padEnd(cell, widths[i]!)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

// The summary tables' headers, in the run's language.
const NAME_HEADER = () => msg({ en: 'name', 'zh-CN': '名字' });
const CALL_HEADER = () => msg({ en: 'call', 'zh-CN': '调用' });
const ANSWER_HEADER = () => msg({ en: 'answer', 'zh-CN': '回答' });
const RESOLVE_HEADER = (fn: string) => msg({ en: `${fn} (DNS only)`, 'zh-CN': `${fn}（仅 DNS）` });

function exerciseTable(results: StepResult[]): string[] {
  const rows = results.filter((r) => r.step === 'lookupVsResolve');
  return table([
    ['lookupVsResolve()', msg({ en: 'lookup (hosts, DNS)', 'zh-CN': 'lookup（hosts、DNS）' }), RESOLVE_HEADER('resolve')],
    ...rows.map((r) => [r.name ?? '', r.error ? msg({ en: `error ${r.error.code}`, 'zh-CN': `错误 ${r.error.code}` }) : list(r.lookup), r.error ? '' : list(r.resolve)]),
  ]);
}

function expectAnswer(r: StepResult | undefined, expected: string[], what: string): void {
  const got = r?.answer ? [...r.answer].sort() : undefined;
  if (!got || got.join() !== [...expected].sort().join()) {
    const actual = r?.error ? r.error.code : list(got);
    throw new Error(msg({ en: `${what}: expected ${list(expected)}, got ${actual}`, 'zh-CN': `${what}：应为 ${list(expected)}，实际是 ${actual}` }));
  }
}

export default defineLab({
  id: 'dns',
  title: 'DNS: lookup vs resolve',
  summary: 'dns.lookup asks the OS (hosts file first), dns.resolve* asks DNS servers: one name, two answers',
  order: 40,
  exports: ['lookupVsResolve'],
  // The DNS server's raw datagrams repeat what its decoded query/answer lines say: a flag away.
  trace: { quiet: [{ name: 'message', actor: 'dns-server' }] },
  scenarios: {
    tour: {
      title: 'one name, two answers: a hosts-file override in a private network, a DNS server of our own',
      async run(ctx): Promise<JsonObject> {
        const { network, reason } = await privateNetwork(ctx);
        if (!network) {
          ctx.note({
            en:
              `The fallback teaches the same difference with a name already in this machine's hosts file: localhost. ` +
              `The lab's DNS server (on a free port, not port 53) claims localhost is ${FALLBACK_LOCALHOST_ADDRESS}, an answer no real server would give. ` +
              `Names outside the hosts file are not tried: dns.lookup would ask this machine's own DNS servers.`,
            'zh-CN':
              `退而求其次，用一个本机 hosts 文件里已有的名字 localhost 来演示同样的区别。` +
              `本实验的 DNS 服务器（在一个空闲端口上，不是 53 端口）声称 localhost 是 ${FALLBACK_LOCALHOST_ADDRESS}，这是真实服务器绝不会给出的回答。` +
              `hosts 文件以外的名字不做尝试：dns.lookup 会去问这台机器自己的 DNS 服务器。`,
          });
          const { server, ports } = await startDns(ctx, null, [{ port: 0, label: 'lab', zone: FALLBACK_ZONE }]);
          const dnsServer = `127.0.0.1:${ports.lab}`;
          const results = await runClient(ctx, null, [
            { say: { en: `dns.lookup('localhost'): getaddrinfo on a libuv thread finds it in /etc/hosts; no DNS query is sent`, 'zh-CN': `dns.lookup('localhost')：libuv 线程上的 getaddrinfo 在 /etc/hosts 里找到它；不发送 DNS 查询` } },
            { lookup: 'localhost', options: { family: 4 } },
            { say: { en: `Resolver.resolve4('localhost') with setServers(['${dnsServer}']): c-ares asks the lab's DNS server; the hosts file is never read`, 'zh-CN': `Resolver.resolve4('localhost')，setServers(['${dnsServer}'])：c-ares 去问本实验的 DNS 服务器；从不读 hosts 文件` } },
            { resolve: 'localhost', server: dnsServer },
            { say: exerciseSay(ctx, '') },
            { exercise: 'localhost', server: dnsServer },
          ]);
          const [lookup, resolve] = [results.find((r) => r.step === 'lookup'), results.find((r) => r.step === 'resolve4')];
          expectAnswer(resolve, [FALLBACK_LOCALHOST_ADDRESS], msg({ en: `resolve4('localhost') from the lab's DNS server`, 'zh-CN': `从本实验的 DNS 服务器 resolve4('localhost')` }));
          if (lookup?.answer?.includes(FALLBACK_LOCALHOST_ADDRESS)) {
            throw new Error(msg({ en: `lookup('localhost') unexpectedly returned the DNS server's answer`, 'zh-CN': `lookup('localhost') 意外地返回了 DNS 服务器的回答` }));
          }
          return {
            mode: 'fallback',
            reason: reason ?? '',
            lines: table([
              [NAME_HEADER(), msg({ en: 'lookup (hosts first)', 'zh-CN': 'lookup（先查 hosts）' }), RESOLVE_HEADER('resolve4')],
              ['localhost', shown(lookup), shown(resolve)],
            ]).concat(['', ...exerciseTable(results)]),
            queries: await queryCounts(server),
          };
        }

        const { server, ports } = await startDns(ctx, network, [
          { port: 53, label: 'resolv.conf', zone: LAB_ZONE },
          { port: 0, label: 'lab', zone: LAB_ZONE },
        ]);
        const dnsServer = `127.0.0.1:${ports.lab}`;
        ctx.note({
          en:
            `dns-server answers on 127.0.0.1:53 (the server the private resolv.conf names: glibc has no port option) and on ${dnsServer}; ` +
            `its zone says ${OVERRIDDEN} is 203.0.113.10, the private hosts file says ${HOSTS_ADDRESS}`,
          'zh-CN':
            `dns-server 在 127.0.0.1:53（私有 resolv.conf 指定的服务器：glibc 没有端口选项）和 ${dnsServer} 上应答；` +
            `它的区数据说 ${OVERRIDDEN} 是 203.0.113.10，私有 hosts 文件说是 ${HOSTS_ADDRESS}`,
        });
        const results = await runClient(ctx, network, [
          { getServers: true },
          { say: { en: `dns.lookup('${OVERRIDDEN}'): getaddrinfo on a libuv thread reads /etc/hosts first and finds it: no DNS query is sent`, 'zh-CN': `dns.lookup('${OVERRIDDEN}')：libuv 线程上的 getaddrinfo 先读 /etc/hosts 并找到了它：不发送 DNS 查询` } },
          { lookup: OVERRIDDEN, options: { family: 4 } },
          { say: { en: `dns.resolve4('${OVERRIDDEN}'): c-ares sends a query to the servers of resolv.conf; it never reads /etc/hosts`, 'zh-CN': `dns.resolve4('${OVERRIDDEN}')：c-ares 向 resolv.conf 里的服务器发送查询；它从不读 /etc/hosts` } },
          { resolve: OVERRIDDEN },
          { say: { en: `${DNS_ONLY} is not in the hosts file: getaddrinfo falls through to DNS ("hosts: files dns" in nsswitch.conf)`, 'zh-CN': `${DNS_ONLY} 不在 hosts 文件里：getaddrinfo 转而去问 DNS（nsswitch.conf 里的 "hosts: files dns"）` } },
          { lookup: DNS_ONLY, options: { family: 4 } },
          { resolve: DNS_ONLY },
          { say: exerciseSay(ctx, `(name, '${dnsServer}')`) },
          { exercise: OVERRIDDEN, server: dnsServer },
          { exercise: DNS_ONLY, server: dnsServer },
          { exercise: UNKNOWN, server: dnsServer },
        ]);
        const [lookupShop, lookupApi] = results.filter((r) => r.step === 'lookup');
        const [resolveShop, resolveApi] = results.filter((r) => r.step === 'resolve4');
        expectAnswer(lookupShop, [HOSTS_ADDRESS], msg({ en: `lookup('${OVERRIDDEN}') in the private network`, 'zh-CN': `私有网络里的 lookup('${OVERRIDDEN}')` }));
        expectAnswer(resolveShop, LAB_ZONE[OVERRIDDEN]!.A!, `resolve4('${OVERRIDDEN}')`);
        expectAnswer(lookupApi, LAB_ZONE[DNS_ONLY]!.A!, msg({ en: `lookup('${DNS_ONLY}') through the private resolv.conf`, 'zh-CN': `经由私有 resolv.conf 的 lookup('${DNS_ONLY}')` }));
        const [byHosts, byDns] = [list(lookupShop!.answer), list(resolveShop!.answer)];
        ctx.note({
          en: `one name, two answers: lookup said ${byHosts} (hosts file), resolve4 said ${byDns} (DNS)`,
          'zh-CN': `一个名字，两个回答：lookup 说 ${byHosts}（hosts 文件），resolve4 说 ${byDns}（DNS）`,
        });
        return {
          mode: 'private network',
          lines: table([
            [NAME_HEADER(), msg({ en: 'lookup (hosts, then DNS)', 'zh-CN': 'lookup（先 hosts，再 DNS）' }), RESOLVE_HEADER('resolve4')],
            [OVERRIDDEN, shown(lookupShop), shown(resolveShop)],
            [DNS_ONLY, shown(lookupApi), shown(resolveApi)],
          ]).concat(['', ...exerciseTable(results)]),
          queries: await queryCounts(server),
        };
      },
    },
    'record-types': {
      title: 'resolveMx, resolveTxt, resolveSrv, resolveNs, CNAME, reverse; ENODATA vs ENOTFOUND',
      async run(ctx): Promise<JsonObject> {
        const { server, ports } = await startDns(ctx, null, [{ port: 0, label: 'lab', zone: LAB_ZONE }]);
        const s = `127.0.0.1:${ports.lab}`;
        ctx.note({
          en: `every query goes through a Resolver whose only server is the lab's, ${s}; no private network is needed`,
          'zh-CN': `每个查询都经过一个 Resolver，它唯一的服务器是本实验的 ${s}；不需要私有网络`,
        });
        const results = await runClient(ctx, null, [
          { resolve: OVERRIDDEN, rrtype: 'A', server: s },
          { say: { en: `the name exists but has no AAAA record: NOERROR with no answers, which Node reports as ENODATA`, 'zh-CN': `名字存在，但没有 AAAA 记录：NOERROR 且没有回答，Node 报告为 ENODATA` } },
          { resolve: OVERRIDDEN, rrtype: 'AAAA', server: s },
          { say: { en: `a name the server does not know: NXDOMAIN, which Node reports as ENOTFOUND`, 'zh-CN': `服务器不知道的名字：NXDOMAIN，Node 报告为 ENOTFOUND` } },
          { resolve: UNKNOWN, rrtype: 'A', server: s },
          { resolve: DOMAIN, rrtype: 'MX', server: s },
          { resolve: DOMAIN, rrtype: 'TXT', server: s },
          { resolve: `_http._tcp.${DOMAIN}`, rrtype: 'SRV', server: s },
          { resolve: DOMAIN, rrtype: 'NS', server: s },
          { resolve: `www.${DOMAIN}`, rrtype: 'CNAME', server: s },
          { say: { en: `resolve4 of an alias: the answer carries the CNAME and the A record it points to`, 'zh-CN': `对别名 resolve4：回答里带着 CNAME 和它指向的 A 记录` } },
          { resolve: `www.${DOMAIN}`, rrtype: 'A', server: s },
          { say: { en: `reverse(): a PTR query for 10.113.0.203.in-addr.arpa`, 'zh-CN': `reverse()：对 10.113.0.203.in-addr.arpa 的 PTR 查询` } },
          { reverse: '203.0.113.10', server: s },
        ]);
        const rows = results.map((r) => [`${r.step}('${r.name ?? ''}')`, shown(r)]);
        return { lines: table([[CALL_HEADER(), ANSWER_HEADER()], ...rows]), queries: await queryCounts(server) };
      },
    },
    localhost: {
      title: 'the localhost trap: ::1 first since Node 17 (verbatim order), and how connect() copes',
      async run(ctx): Promise<JsonObject> {
        const { network } = await privateNetwork(ctx);
        if (network) ctx.note({ en: `the private hosts file lists localhost twice: 127.0.0.1 and ::1`, 'zh-CN': `私有 hosts 文件把 localhost 列了两次：127.0.0.1 和 ::1` });
        else {
          ctx.note({
            en: `this uses the machine's own hosts file: if it has no "::1 localhost" line, localhost has only one address here`,
            'zh-CN': `这里用的是本机自己的 hosts 文件：如果它没有 "::1 localhost" 这一行，localhost 在这里就只有一个地址`,
          });
        }
        const v4 = ctx.spawn('server', tcpServer, { network: network ?? undefined, params: { host: '127.0.0.1' } });
        const { port } = await v4.ready();
        const results = await runClient(ctx, network, [
          { defaultResultOrder: true },
          { say: { en: `dns.lookup('localhost', { all: true }): in the order getaddrinfo gives (verbatim), ::1 first when the OS sorts it first`, 'zh-CN': `dns.lookup('localhost', { all: true })：按 getaddrinfo 给出的顺序（verbatim），操作系统把 ::1 排在前面时它就在前面` } },
          { lookup: 'localhost' },
          { lookup: 'localhost', options: { order: 'ipv4first' } },
          { say: { en: `a server listens on 127.0.0.1:${port} only. connect('localhost') without autoSelectFamily takes the first address`, 'zh-CN': `一个服务器只在 127.0.0.1:${port} 上监听。不带 autoSelectFamily 的 connect('localhost') 取第一个地址` } },
          { connect: { host: 'localhost', port, autoSelectFamily: false } },
          { say: { en: `the default (autoSelectFamily: true since Node 20) tries every address in turn ("happy eyeballs")`, 'zh-CN': `默认行为（Node 20 起 autoSelectFamily: true）依次尝试每个地址（"happy eyeballs"）` } },
          { connect: { host: 'localhost', port } },
          { say: { en: `asking for 127.0.0.1 explicitly is the robust fix`, 'zh-CN': `明确写 127.0.0.1 才是稳妥的修法` } },
          { connect: { host: '127.0.0.1', port } },
        ]);
        const byLocalhost = results.filter((r) => r.step === 'connect');
        return {
          mode: network ? 'private network' : 'fallback',
          lines: table([
            [CALL_HEADER(), msg({ en: 'result', 'zh-CN': '结果' })],
            ["dns.getDefaultResultOrder()", shown(results[0])],
            ["lookup('localhost', { all: true })", shown(results[1])],
            ["lookup('localhost', { all: true, order: 'ipv4first' })", shown(results[2])],
            [`connect('localhost', ${port}, { autoSelectFamily: false })`, shown(byLocalhost[0])],
            [`connect('localhost', ${port})`, shown(byLocalhost[1])],
            [`connect('127.0.0.1', ${port})`, shown(byLocalhost[2])],
          ]),
        };
      },
    },
    resolver: {
      title: 'new Resolver() + setServers() vs the process-wide dns.setServers()',
      async run(ctx): Promise<JsonObject> {
        const { network } = await privateNetwork(ctx);
        const first = network
          ? await startDns(ctx, network, [{ port: 53, label: 'resolv.conf', zone: LAB_ZONE }])
          : await startDns(ctx, null, [{ port: 0, label: 'lab', zone: LAB_ZONE }]);
        const other = await startDns(ctx, network, [{ port: 0, label: 'other', zone: OTHER_ZONE }], 'other-dns');
        const otherServer = `127.0.0.1:${other.ports.other}`;
        const steps: Step[] = [
          { say: { en: `dns.getServers(): the process-wide list, read from resolv.conf when the process started`, 'zh-CN': `dns.getServers()：整个进程共用的列表，在进程启动时从 resolv.conf 读取` } },
          { getServers: true },
        ];
        if (network) steps.push({ resolve: OVERRIDDEN });
        else steps.push({ resolve: OVERRIDDEN, server: `127.0.0.1:${first.ports.lab}` });
        steps.push(
          { say: { en: `a Resolver of our own, setServers(['${otherServer}']): only this Resolver asks other-dns`, 'zh-CN': `我们自己的 Resolver，setServers(['${otherServer}'])：只有这个 Resolver 去问 other-dns` } },
          { resolve: OVERRIDDEN, server: otherServer },
          { getServers: true },
          { say: { en: `dns.setServers() instead changes the servers of every dns.resolve*() call in this process`, 'zh-CN': `换成 dns.setServers()，则会改变本进程里每一次 dns.resolve*() 调用的服务器` } },
          { setServers: [otherServer] },
          { resolve: OVERRIDDEN },
          { getServers: true },
        );
        if (network) {
          steps.push(
            { say: { en: `...but not dns.lookup(): getaddrinfo still reads resolv.conf, so ${DNS_ONLY} is still asked of 127.0.0.1:53`, 'zh-CN': `……但 dns.lookup() 不受影响：getaddrinfo 仍然读 resolv.conf，所以 ${DNS_ONLY} 仍然去问 127.0.0.1:53` } },
            { lookup: DNS_ONLY, options: { family: 4 } },
          );
        }
        const results = await runClient(ctx, network, steps);
        return {
          mode: network ? 'private network' : 'fallback',
          lines: table([[CALL_HEADER(), ANSWER_HEADER()], ...results.map((r) => [`${r.step}(${r.name ? `'${r.name}'` : ''})`, shown(r)])]),
          queries: { ...(await queryCounts(first.server)), ...(await queryCounts(other.server)) },
        };
      },
    },
    timeout: {
      title: 'a DNS server that never answers: Resolver timeout and tries, and lookup waiting on resolv.conf',
      async run(ctx): Promise<JsonObject> {
        const { network } = await privateNetwork(ctx);
        const { server, ports } = await startDns(ctx, network, [{ port: network ? 53 : 0, label: network ? 'resolv.conf' : 'silent', zone: LAB_ZONE, silent: true }]);
        const silent = `127.0.0.1:${ports[network ? 'resolv.conf' : 'silent']}`;
        const steps: Step[] = [
          { say: { en: `Resolver({ timeout: 200, tries: 1 }): one query, then ETIMEOUT (timeout is a base, not the wait)`, 'zh-CN': `Resolver({ timeout: 200, tries: 1 })：一次查询，然后 ETIMEOUT（timeout 是基数，不是实际等待时间）` } },
          { resolve: OVERRIDDEN, server: silent, timeout: 200, tries: 1 },
          { say: { en: `Resolver({ timeout: 200, tries: 3 }): the same query is sent again after each timeout (which grows)`, 'zh-CN': `Resolver({ timeout: 200, tries: 3 })：每次超时后重发同一个查询（超时时间逐次增长）` } },
          { resolve: OVERRIDDEN, server: silent, timeout: 200, tries: 3 },
        ];
        if (network) {
          steps.push(
            { say: { en: `dns.lookup of a name in the hosts file does not need DNS at all`, 'zh-CN': `对 hosts 文件里的名字做 dns.lookup 根本不需要 DNS` } },
            { lookup: OVERRIDDEN, options: { family: 4 } },
            { say: { en: `dns.lookup of a name that needs DNS waits as long as resolv.conf says (options timeout:1 attempts:1), blocking a libuv thread meanwhile`, 'zh-CN': `对需要 DNS 的名字做 dns.lookup，要等 resolv.conf 规定的时长（options timeout:1 attempts:1），其间占着一个 libuv 线程` } },
            { lookup: DNS_ONLY, options: { family: 4 } },
          );
        }
        const results = await runClient(ctx, network, steps);
        return {
          mode: network ? 'private network' : 'fallback',
          lines: table([[CALL_HEADER(), msg({ en: 'result', 'zh-CN': '结果' }), msg({ en: 'after', 'zh-CN': '用时' })], ...results.map((r) => [`${r.step}('${r.name ?? ''}')`, shown(r), `${r.ms} ms`])]),
          queries: await queryCounts(server),
        };
      },
    },
  },
  async serve(ctx) {
    const { ports } = await startDns(ctx, null, [{ port: 0, label: 'lab', zone: LAB_ZONE }]);
    const p = ports.lab!;
    return {
      address: `127.0.0.1:${p} (udp)`,
      commands: [
        `dig @127.0.0.1 -p ${p} ${OVERRIDDEN}`,
        `dig @127.0.0.1 -p ${p} ${DOMAIN} MX`,
        `dig @127.0.0.1 -p ${p} _http._tcp.${DOMAIN} SRV`,
        `dig @127.0.0.1 -p ${p} -x 203.0.113.10`,
        `node -e "const r = new (require('node:dns').promises.Resolver)(); r.setServers(['127.0.0.1:${p}']); r.resolve4('${OVERRIDDEN}').then(console.log)"`,
      ],
    };
  },
});
