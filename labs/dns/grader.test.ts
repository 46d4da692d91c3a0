/**
 * Grades `lookupVsResolve(hostname, dnsServer)` (SPEC §4, dns). Each check starts a private
 * network of its own (user + mount + network namespace, see src/runtime/namespace.ts) with a
 * hosts file and a resolv.conf of the grader's, runs the learner's code inside it, and starts
 * two DNS servers there, in the learner's process: the one resolv.conf names (127.0.0.1:53, what
 * dns.lookup falls through to) and the one handed to the learner as `dnsServer`. The two servers
 * and the hosts file give different addresses for the same names, so every source can be told
 * apart; the addresses are drawn anew for every grading run.
 *
 * Where namespaces are unavailable, the checks that need a hosts file of the grader's are
 * skipped with the reason, and the others run with `localhost` (already in every hosts file).
 */
import { check, fail, msg, skip, startSubmission, type CheckContext, type HostSubmission } from '../../src/grade/harness.js';
import { openPrivateNetwork, privateNetworkUnavailable } from '../../src/runtime/namespace.js';
import { lookupHost, type Listener, type Outcome } from './contract.js';
import type { Zone } from './demo/zone.js';

const LAB = 'dns';

/** Distinct host numbers 1..254, shuffled (Fisher–Yates): the last octets of this run's addresses. */
const octets = Array.from({ length: 254 }, (_, i) => i + 1);
for (let i = octets.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [octets[i], octets[j]] = [octets[j]!, octets[i]!];
}
const take = (prefix: string) => `${prefix}${octets.shift()}`;

const NAME = {
  /** In the hosts file with two IPv4 addresses (and one IPv6); both DNS servers know it too. */
  two: 'two.grade.netlab.test',
  /** Only in the hosts file. */
  hostsOnly: 'hosts-only.grade.netlab.test',
  /** Only in DNS, with two A records on each server. */
  dnsOnly: 'dns-only.grade.netlab.test',
  /** Nowhere. */
  unknown: 'unknown.grade.netlab.test',
};

const HOSTS = { two: [take('198.51.100.'), take('198.51.100.')], two6: `fd00::${octets[0]!.toString(16)}`, hostsOnly: take('198.51.100.') };
/** The server resolv.conf names: what dns.lookup asks when the hosts file does not know a name. */
const SYSTEM = { two: [take('192.0.2.')], dnsOnly: [take('192.0.2.'), take('192.0.2.')] };
/** The learner's `dnsServer`. */
const LABDNS = { two: [take('203.0.113.')], dnsOnly: [take('203.0.113.'), take('203.0.113.')], localhost: [take('203.0.113.')] };

const HOSTS_FILE = [
  '127.0.0.1 localhost',
  '::1 localhost',
  `${HOSTS.two[0]} ${NAME.two}`,
  `${HOSTS.two6} ${NAME.two}`,
  `${HOSTS.two[1]} ${NAME.two}`,
  `${HOSTS.hostsOnly} ${NAME.hostsOnly}`,
  '',
].join('\n');
const RESOLV_CONF = 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n';

const SYSTEM_ZONE: Zone = { [NAME.two]: { A: SYSTEM.two }, [NAME.dnsOnly]: { A: SYSTEM.dnsOnly } };
const LAB_ZONE: Zone = { [NAME.two]: { A: LABDNS.two }, [NAME.dnsOnly]: { A: LABDNS.dnsOnly }, localhost: { A: LABDNS.localhost } };

/** Why there is no private network here (checks then skip or use localhost), or null. */
const unavailable = privateNetworkUnavailable();

interface World {
  sub: HostSubmission<typeof lookupHost>;
  dnsServer: string;
  /** lookupVsResolve(hostname, dnsServer) in the learner's process, with what happened around it. */
  call(hostname: string): Promise<Outcome>;
}

async function world(ctx: CheckContext, options: { needsHostsFile?: boolean } = {}): Promise<World> {
  if (unavailable && options.needsHostsFile) {
    skip(msg({ en: `needs a hosts file of the grader's, in a private network namespace: ${unavailable}`, 'zh-CN': `需要评分器自己的 hosts 文件，放在一个私有网络命名空间里：${unavailable}` }));
  }
  let listeners: Listener[];
  let sub: World['sub'];
  if (unavailable) {
    ctx.note(msg({ en: `no private network here (${unavailable}): checking with localhost and the machine's own hosts file`, 'zh-CN': `这里没有私有网络（${unavailable}）：改用 localhost 和本机自己的 hosts 文件来检查` }));
    sub = await startSubmission(LAB, { host: lookupHost });
    listeners = [{ port: 0, label: 'dnsServer', zone: LAB_ZONE }];
  } else {
    const network = await openPrivateNetwork({ hosts: HOSTS_FILE, resolvConf: RESOLV_CONF }, { signal: ctx.signal });
    ctx.defer(() => network.close());
    ctx.note(msg({
      en: `private network: hosts file says ${NAME.two} is ${HOSTS.two.join(' and ')} (and ${HOSTS.two6}), ${NAME.hostsOnly} is ${HOSTS.hostsOnly}`,
      'zh-CN': `私有网络：hosts 文件说 ${NAME.two} 是 ${HOSTS.two.join(' 和 ')}（以及 ${HOSTS.two6}），${NAME.hostsOnly} 是 ${HOSTS.hostsOnly}`,
    }));
    sub = await startSubmission(LAB, { network, host: lookupHost });
    listeners = [
      { port: 53, label: 'resolv.conf', zone: SYSTEM_ZONE },
      { port: 0, label: 'dnsServer', zone: LAB_ZONE },
    ];
  }
  const { ports } = await sub.call('startDns', { listeners });
  const dnsServer = `127.0.0.1:${ports.dnsServer}`;
  return { sub, dnsServer, call: (hostname) => sub.call('lookupVsResolve', { hostname, dnsServer }) };
}

const list = (a: readonly string[]) => (a.length ? a.join(', ') : '[]');
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const callText = (hostname: string, dnsServer: string) => `lookupVsResolve('${hostname}', '${dnsServer}')`;

/** "<call> rejected with <code>: <message>", then `more`. */
function rejected(call: string, error: NonNullable<Outcome['error']>, more = ''): string {
  const code = error.code ?? msg({ en: 'an error', 'zh-CN': '一个错误' });
  return msg({ en: `${call} rejected with ${code}: ${error.message}${more}`, 'zh-CN': `${call} 被拒绝，${code}：${error.message}${more}` });
}

/** The learner's answer, or a failure that says what was wrong with it. */
function answer(o: Outcome, hostname: string, dnsServer: string): { lookup: string[]; resolve: string[] } {
  const call = callText(hostname, dnsServer);
  if (o.error) {
    const notFound = o.error.code === 'ENOTFOUND' || o.error.code === 'ENODATA';
    fail(rejected(call, o.error, notFound ? msg({
      en: `. A name unknown to one source gives [] for that source: catch ${o.error.code} around each question separately.`,
      'zh-CN': `。某个来源不知道的名字，对那个来源给出 []：在每次查询外面分别捕获 ${o.error.code}。`,
    }) : ''));
  }
  const r = o.returned as { lookup?: unknown; resolve?: unknown } | null;
  if (!r || typeof r !== 'object') {
    fail(msg({ en: `${call} resolved with ${JSON.stringify(r)}, expected { lookup: string[], resolve: string[] }`, 'zh-CN': `${call} 兑现的是 ${JSON.stringify(r)}，应为 { lookup: string[], resolve: string[] }` }));
  }
  for (const key of ['lookup', 'resolve'] as const) {
    const v = r[key];
    if (!Array.isArray(v)) fail(msg({ en: `${call} resolved with ${key}: ${JSON.stringify(v)}, expected an array of address strings`, 'zh-CN': `${call} 兑现的 ${key} 是 ${JSON.stringify(v)}，应为地址字符串组成的数组` }));
    if (v.some((x) => typeof x !== 'string')) {
      const odd = JSON.stringify(v.find((x) => typeof x !== 'string'));
      fail(msg({
        en: `${call}: ${key} contains ${odd}; expected address strings such as '203.0.113.7' (map dns.lookup's { address, family } objects to their address)`,
        'zh-CN': `${call}：${key} 里有 ${odd}；应为 '203.0.113.7' 这样的地址字符串（把 dns.lookup 给出的 { address, family } 对象映射成它们的 address）`,
      }));
    }
  }
  return r as { lookup: string[]; resolve: string[] };
}

check('lookup-every-address', 'lookup: every IPv4 address the operating system gives (the hosts file counts)', { points: 2 }, async (ctx) => {
  const w = await world(ctx, { needsHostsFile: true });
  const { lookup } = answer(await w.call(NAME.two), NAME.two, w.dnsServer);
  const call = callText(NAME.two, w.dnsServer);
  if (sameSet(lookup, HOSTS.two)) return;
  const ipv6 = lookup.filter((a) => a.includes(':'));
  if (lookup.length === 1 && (ipv6.length || HOSTS.two.includes(lookup[0]!))) {
    fail(msg({
      en:
        `${call}: lookup is only ${lookup[0]}, but the hosts file gives ${NAME.two} two IPv4 addresses (${list(HOSTS.two)})${ipv6.length ? ' and an IPv6 one' : ''}. ` +
        `dns.lookup returns the first address only, unless you pass { all: true }${ipv6.length ? ', and IPv6 ones too, unless you pass { family: 4 }' : ''}.`,
      'zh-CN':
        `${call}：lookup 只有 ${lookup[0]}，但 hosts 文件给 ${NAME.two} 两个 IPv4 地址（${list(HOSTS.two)}）${ipv6.length ? '和一个 IPv6 地址' : ''}。` +
        `dns.lookup 只返回第一个地址，除非传入 { all: true }${ipv6.length ? '；它还会返回 IPv6 地址，除非传入 { family: 4 }' : ''}。`,
    }));
  }
  if (ipv6.length) {
    fail(msg({
      en: `${call}: lookup contains ${list(ipv6)}, an IPv6 address. lookup is every IPv4 address: pass { family: 4 } to dns.lookup (expected ${list(HOSTS.two)}).`,
      'zh-CN': `${call}：lookup 里有 IPv6 地址 ${list(ipv6)}。lookup 是所有 IPv4 地址：给 dns.lookup 传入 { family: 4 }（应为 ${list(HOSTS.two)}）。`,
    }));
  }
  if (sameSet(lookup, LABDNS.two) || sameSet(lookup, SYSTEM.two)) {
    fail(msg({
      en: `${call}: lookup is ${list(lookup)}, a DNS server's answer; the hosts file says ${list(HOSTS.two)}. lookup must come from dns.lookup (the operating system), which reads the hosts file first.`,
      'zh-CN': `${call}：lookup 是 ${list(lookup)}，这是某个 DNS 服务器的回答；hosts 文件说的是 ${list(HOSTS.two)}。lookup 必须来自 dns.lookup（操作系统），它先读 hosts 文件。`,
    }));
  }
  fail(msg({ en: `${call}: expected lookup ${list(HOSTS.two)} (the hosts file), got ${list(lookup)}`, 'zh-CN': `${call}：lookup 应为 ${list(HOSTS.two)}（hosts 文件），实际是 ${list(lookup)}` }));
});

check('resolve-asks-the-server', 'resolve: the A records of the server `dnsServer`, never the hosts file', { points: 2 }, async (ctx) => {
  const w = await world(ctx);
  const name = unavailable ? 'localhost' : NAME.two;
  const expected = unavailable ? LABDNS.localhost : LABDNS.two;
  const o = await w.call(name);
  const { resolve } = answer(o, name, w.dnsServer);
  const call = callText(name, w.dnsServer);
  if (sameSet(resolve, expected)) return;
  const fromHosts = unavailable ? resolve.some((a) => a.startsWith('127.')) : resolve.some((a) => HOSTS.two.includes(a));
  if (fromHosts) {
    fail(msg({
      en: `${call}: resolve is ${list(resolve)}, the hosts file's answer; ${w.dnsServer} answers ${list(expected)}. dns.lookup reads the hosts file: resolve must ask the DNS server with a Resolver (resolve4).`,
      'zh-CN': `${call}：resolve 是 ${list(resolve)}，这是 hosts 文件的回答；${w.dnsServer} 回答的是 ${list(expected)}。dns.lookup 会读 hosts 文件：resolve 必须用 Resolver（resolve4）去问 DNS 服务器。`,
    }));
  }
  if (sameSet(resolve, SYSTEM.two)) {
    fail(msg({
      en: `${call}: resolve is ${list(resolve)}, the answer of the server in resolv.conf (the process-wide servers), not of ${w.dnsServer} (${list(expected)}). Give your Resolver the server: resolver.setServers([dnsServer]).`,
      'zh-CN': `${call}：resolve 是 ${list(resolve)}，这是 resolv.conf 里那个服务器（整个进程共用的服务器）的回答，而不是 ${w.dnsServer} 的（${list(expected)}）。把服务器交给你的 Resolver：resolver.setServers([dnsServer])。`,
    }));
  }
  if (resolve.length === 1 && expected.includes(resolve[0]!) && expected.length > 1) {
    fail(msg({ en: `${call}: resolve is only ${resolve[0]}; the server answered ${list(expected)}`, 'zh-CN': `${call}：resolve 只有 ${resolve[0]}；服务器回答的是 ${list(expected)}` }));
  }
  fail(msg({ en: `${call}: expected resolve ${list(expected)} (what ${w.dnsServer} answers), got ${list(resolve)}`, 'zh-CN': `${call}：resolve 应为 ${list(expected)}（${w.dnsServer} 的回答），实际是 ${list(resolve)}` }));
});

check('falls-through-to-dns', 'a name not in the hosts file: lookup gets it from the resolv.conf server, resolve from `dnsServer`', { points: 2 }, async (ctx) => {
  const w = await world(ctx, { needsHostsFile: true });
  const { lookup, resolve } = answer(await w.call(NAME.dnsOnly), NAME.dnsOnly, w.dnsServer);
  const call = callText(NAME.dnsOnly, w.dnsServer);
  if (!sameSet(lookup, SYSTEM.dnsOnly)) {
    if (sameSet(lookup, LABDNS.dnsOnly)) {
      fail(msg({
        en: `${call}: lookup is ${list(lookup)}, the answer of ${w.dnsServer}; the operating system asks the server in resolv.conf, which says ${list(SYSTEM.dnsOnly)}. lookup must come from dns.lookup.`,
        'zh-CN': `${call}：lookup 是 ${list(lookup)}，这是 ${w.dnsServer} 的回答；操作系统问的是 resolv.conf 里的服务器，它说的是 ${list(SYSTEM.dnsOnly)}。lookup 必须来自 dns.lookup。`,
      }));
    }
    if (lookup.length === 1 && SYSTEM.dnsOnly.includes(lookup[0]!)) {
      fail(msg({ en: `${call}: lookup is only ${lookup[0]}; the operating system gives ${list(SYSTEM.dnsOnly)}: pass { all: true }.`, 'zh-CN': `${call}：lookup 只有 ${lookup[0]}；操作系统给出的是 ${list(SYSTEM.dnsOnly)}：传入 { all: true }。` }));
    }
    fail(msg({ en: `${call}: expected lookup ${list(SYSTEM.dnsOnly)} (from the resolv.conf server), got ${list(lookup)}`, 'zh-CN': `${call}：lookup 应为 ${list(SYSTEM.dnsOnly)}（来自 resolv.conf 里的服务器），实际是 ${list(lookup)}` }));
  }
  if (!sameSet(resolve, LABDNS.dnsOnly)) {
    if (resolve.length === 1 && LABDNS.dnsOnly.includes(resolve[0]!)) {
      fail(msg({
        en: `${call}: resolve is only ${resolve[0]}; ${w.dnsServer} answered two A records, ${list(LABDNS.dnsOnly)}: return them all.`,
        'zh-CN': `${call}：resolve 只有 ${resolve[0]}；${w.dnsServer} 回答了两条 A 记录 ${list(LABDNS.dnsOnly)}：要全部返回。`,
      }));
    }
    fail(msg({ en: `${call}: expected resolve ${list(LABDNS.dnsOnly)} (from ${w.dnsServer}), got ${list(resolve)}`, 'zh-CN': `${call}：resolve 应为 ${list(LABDNS.dnsOnly)}（来自 ${w.dnsServer}），实际是 ${list(resolve)}` }));
  }
});

check('unknown-names-empty', 'a name unknown to a source gives [] for that source, not an error', { points: 2 }, async (ctx) => {
  const w = await world(ctx, { needsHostsFile: true });
  const hostsOnly = answer(await w.call(NAME.hostsOnly), NAME.hostsOnly, w.dnsServer);
  const call = callText(NAME.hostsOnly, w.dnsServer);
  if (!sameSet(hostsOnly.lookup, [HOSTS.hostsOnly]) || hostsOnly.resolve.length !== 0) {
    const got = `{ lookup: [${hostsOnly.lookup.join(', ')}], resolve: [${hostsOnly.resolve.join(', ')}] }`;
    const empty = hostsOnly.lookup.length === 0;
    fail(msg({
      en:
        `${call}: the hosts file knows ${NAME.hostsOnly} (${HOSTS.hostsOnly}), ${w.dnsServer} does not (NXDOMAIN). Expected { lookup: [${HOSTS.hostsOnly}], resolve: [] }, got ${got}` +
        (empty ? '. lookup is empty although the hosts file has the name: if one catch turned both answers into [], catch each source separately.' : ''),
      'zh-CN':
        `${call}：hosts 文件知道 ${NAME.hostsOnly}（${HOSTS.hostsOnly}），${w.dnsServer} 不知道（NXDOMAIN）。应为 { lookup: [${HOSTS.hostsOnly}], resolve: [] }，实际是 ${got}` +
        (empty ? '。hosts 文件里有这个名字，lookup 却是空的：如果是一个 catch 把两个回答都变成了 []，请对每个来源分别捕获。' : ''),
    }));
  }
  const unknown = answer(await w.call(NAME.unknown), NAME.unknown, w.dnsServer);
  if (unknown.lookup.length || unknown.resolve.length) {
    const call = callText(NAME.unknown, w.dnsServer);
    const got = `{ lookup: [${unknown.lookup.join(', ')}], resolve: [${unknown.resolve.join(', ')}] }`;
    fail(msg({ en: `${call}: nobody knows this name; expected { lookup: [], resolve: [] }, got ${got}`, 'zh-CN': `${call}：谁都不知道这个名字；应为 { lookup: [], resolve: [] }，实际是 ${got}` }));
  }
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('global-servers-unchanged', 'dns.getServers() is the same after the call: a Resolver of its own, not dns.setServers()', { points: 0 }, async (ctx) => {
  const w = await world(ctx);
  const name = unavailable ? 'localhost' : NAME.two;
  const o = await w.call(name);
  const call = callText(name, w.dnsServer);
  if (o.serversAfter.callback.join() !== o.serversBefore.callback.join()) {
    const [before, after] = [o.serversBefore.callback.join(', '), o.serversAfter.callback.join(', ')];
    fail(msg({
      en: `${call} changed the process-wide DNS servers: dns.getServers() was [${before}] and is now [${after}]. dns.setServers() affects every dns.resolve*() in the process: use new dns.promises.Resolver() and call setServers() on it.`,
      'zh-CN': `${call} 改动了整个进程共用的 DNS 服务器：dns.getServers() 原来是 [${before}]，现在是 [${after}]。dns.setServers() 会影响进程里所有的 dns.resolve*()：请用 new dns.promises.Resolver()，并在它上面调用 setServers()。`,
    }));
  }
  if (o.serversAfter.promises.join() !== o.serversBefore.promises.join()) {
    const [before, after] = [o.serversBefore.promises.join(', '), o.serversAfter.promises.join(', ')];
    fail(msg({
      en: `${call} changed dns.promises' servers: dns.promises.getServers() was [${before}] and is now [${after}]. dns.promises.setServers() is process-wide too: use a Resolver of your own.`,
      'zh-CN': `${call} 改动了 dns.promises 的服务器：dns.promises.getServers() 原来是 [${before}]，现在是 [${after}]。dns.promises.setServers() 同样作用于整个进程：请用你自己的 Resolver。`,
    }));
  }
  if (o.error) fail(rejected(call, o.error));
});

check('one-query-per-call', 'exactly one query to `dnsServer` per call', { points: 2 }, async (ctx) => {
  const w = await world(ctx);
  // Names every source knows first: a correct resolver never rejects for them.
  const names = unavailable ? ['localhost'] : [NAME.two, NAME.dnsOnly, NAME.hostsOnly, NAME.unknown];
  for (const name of names) {
    const o = await w.call(name);
    const mine = o.queries.filter((q) => q.label === 'dnsServer');
    const call = callText(name, w.dnsServer);
    // A call that rejected before asking (see unknown-names-empty) sent no query: nothing to count.
    if (mine.length === 0 && o.error) continue;
    if (mine.length === 0) {
      const r = o.returned as { lookup?: unknown[]; resolve?: unknown[] } | null;
      const allEmpty = Array.isArray(r?.lookup) && Array.isArray(r?.resolve) && r.lookup.length === 0 && r.resolve.length === 0;
      fail(msg({
        en:
          `${call} sent no query to ${w.dnsServer}: resolve must come from that server (a Resolver with setServers([dnsServer]), then resolve4)` +
          (allEmpty ? '. Both lists came back empty: if a failed lookup stopped your code before it asked the server, ask both sources, each with its own catch.' : '.'),
        'zh-CN':
          `${call} 没有向 ${w.dnsServer} 发送任何查询：resolve 必须来自那个服务器（一个 setServers([dnsServer]) 的 Resolver，然后 resolve4）` +
          (allEmpty ? '。两个列表都是空的：如果是失败的 lookup 让你的代码在问服务器之前就停下了，请两个来源都问，各用自己的 catch。' : '。'),
      }));
    }
    if (mine.length > 1) {
      const questions = mine.map((q) => q.question).join('; ');
      fail(msg({
        en: `${call} sent ${mine.length} queries to ${w.dnsServer} (${questions}), expected exactly one: call resolve4 once per lookupVsResolve and use its answer (use { tries: 1 } so a slow answer is not asked again).`,
        'zh-CN': `${call} 向 ${w.dnsServer} 发送了 ${mine.length} 个查询（${questions}），应当恰好一个：每次 lookupVsResolve 只调用一次 resolve4 并使用它的回答（用 { tries: 1 }，慢一点的回答就不会被重问）。`,
      }));
    }
  }
});
