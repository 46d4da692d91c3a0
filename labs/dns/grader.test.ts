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
import { check, fail, skip, startSubmission, type CheckContext, type Submission } from '../../src/grade/harness.js';
import { openPrivateNetwork, privateNetworkUnavailable } from '../../src/runtime/namespace.js';
import type { Listener } from './demo/listener.js';
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

interface Outcome {
  returned: unknown;
  error: { code: string | null; message: string } | null;
  serversBefore: { callback: string[]; promises: string[] };
  serversAfter: { callback: string[]; promises: string[] };
  queries: Array<{ label: string; question: string }>;
}

interface World {
  sub: Submission;
  dnsServer: string;
  /** lookupVsResolve(hostname, dnsServer) in the learner's process, with what happened around it. */
  call(hostname: string): Promise<Outcome>;
}

async function world(ctx: CheckContext, options: { needsHostsFile?: boolean } = {}): Promise<World> {
  if (unavailable && options.needsHostsFile) skip(`needs a hosts file of the grader's, in a private network namespace: ${unavailable}`);
  let listeners: Listener[];
  let sub: Submission;
  if (unavailable) {
    ctx.note(`no private network here (${unavailable}): checking with localhost and the machine's own hosts file`);
    sub = await startSubmission(LAB);
    listeners = [{ port: 0, label: 'dnsServer', zone: LAB_ZONE }];
  } else {
    const network = await openPrivateNetwork({ hosts: HOSTS_FILE, resolvConf: RESOLV_CONF }, { signal: ctx.signal });
    ctx.defer(() => network.close());
    ctx.note(`private network: hosts file says ${NAME.two} is ${HOSTS.two.join(' and ')} (and ${HOSTS.two6}), ${NAME.hostsOnly} is ${HOSTS.hostsOnly}`);
    sub = await startSubmission(LAB, { network });
    listeners = [
      { port: 53, label: 'resolv.conf', zone: SYSTEM_ZONE },
      { port: 0, label: 'dnsServer', zone: LAB_ZONE },
    ];
  }
  const { ports } = await sub.call<{ ports: Record<string, number> }>('startDns', { listeners } as never);
  const dnsServer = `127.0.0.1:${ports.dnsServer}`;
  return { sub, dnsServer, call: (hostname) => sub.call<Outcome>('lookupVsResolve', { hostname, dnsServer }) };
}

const list = (a: readonly string[]) => (a.length ? a.join(', ') : '[]');
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
const callText = (hostname: string, dnsServer: string) => `lookupVsResolve('${hostname}', '${dnsServer}')`;

/** The learner's answer, or a failure that says what was wrong with it. */
function answer(o: Outcome, hostname: string, dnsServer: string): { lookup: string[]; resolve: string[] } {
  const call = callText(hostname, dnsServer);
  if (o.error) {
    const notFound = o.error.code === 'ENOTFOUND' || o.error.code === 'ENODATA';
    fail(
      `${call} rejected with ${o.error.code ?? 'an error'}: ${o.error.message}` +
        (notFound ? `. A name unknown to one source gives [] for that source: catch ${o.error.code} around each question separately.` : ''),
    );
  }
  const r = o.returned as { lookup?: unknown; resolve?: unknown } | null;
  if (!r || typeof r !== 'object') fail(`${call} resolved with ${JSON.stringify(r)}, expected { lookup: string[], resolve: string[] }`);
  for (const key of ['lookup', 'resolve'] as const) {
    const v = r[key];
    if (!Array.isArray(v)) fail(`${call} resolved with ${key}: ${JSON.stringify(v)}, expected an array of address strings`);
    if (v.some((x) => typeof x !== 'string')) {
      fail(`${call}: ${key} contains ${JSON.stringify(v.find((x) => typeof x !== 'string'))}; expected address strings such as '203.0.113.7' (map dns.lookup's { address, family } objects to their address)`);
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
    fail(
      `${call}: lookup is only ${lookup[0]}, but the hosts file gives ${NAME.two} two IPv4 addresses (${list(HOSTS.two)})${ipv6.length ? ' and an IPv6 one' : ''}. ` +
        `dns.lookup returns the first address only, unless you pass { all: true }${ipv6.length ? ', and IPv6 ones too, unless you pass { family: 4 }' : ''}.`,
    );
  }
  if (ipv6.length) fail(`${call}: lookup contains ${list(ipv6)}, an IPv6 address. lookup is every IPv4 address: pass { family: 4 } to dns.lookup (expected ${list(HOSTS.two)}).`);
  if (sameSet(lookup, LABDNS.two) || sameSet(lookup, SYSTEM.two)) {
    fail(`${call}: lookup is ${list(lookup)}, a DNS server's answer; the hosts file says ${list(HOSTS.two)}. lookup must come from dns.lookup (the operating system), which reads the hosts file first.`);
  }
  fail(`${call}: expected lookup ${list(HOSTS.two)} (the hosts file), got ${list(lookup)}`);
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
    fail(`${call}: resolve is ${list(resolve)}, the hosts file's answer; ${w.dnsServer} answers ${list(expected)}. dns.lookup reads the hosts file: resolve must ask the DNS server with a Resolver (resolve4).`);
  }
  if (sameSet(resolve, SYSTEM.two)) {
    fail(`${call}: resolve is ${list(resolve)}, the answer of the server in resolv.conf (the process-wide servers), not of ${w.dnsServer} (${list(expected)}). Give your Resolver the server: resolver.setServers([dnsServer]).`);
  }
  if (resolve.length === 1 && expected.includes(resolve[0]!) && expected.length > 1) fail(`${call}: resolve is only ${resolve[0]}; the server answered ${list(expected)}`);
  fail(`${call}: expected resolve ${list(expected)} (what ${w.dnsServer} answers), got ${list(resolve)}`);
});

check('falls-through-to-dns', 'a name not in the hosts file: lookup gets it from the resolv.conf server, resolve from `dnsServer`', { points: 2 }, async (ctx) => {
  const w = await world(ctx, { needsHostsFile: true });
  const { lookup, resolve } = answer(await w.call(NAME.dnsOnly), NAME.dnsOnly, w.dnsServer);
  const call = callText(NAME.dnsOnly, w.dnsServer);
  if (!sameSet(lookup, SYSTEM.dnsOnly)) {
    if (sameSet(lookup, LABDNS.dnsOnly)) {
      fail(`${call}: lookup is ${list(lookup)}, the answer of ${w.dnsServer}; the operating system asks the server in resolv.conf, which says ${list(SYSTEM.dnsOnly)}. lookup must come from dns.lookup.`);
    }
    if (lookup.length === 1 && SYSTEM.dnsOnly.includes(lookup[0]!)) fail(`${call}: lookup is only ${lookup[0]}; the operating system gives ${list(SYSTEM.dnsOnly)}: pass { all: true }.`);
    fail(`${call}: expected lookup ${list(SYSTEM.dnsOnly)} (from the resolv.conf server), got ${list(lookup)}`);
  }
  if (!sameSet(resolve, LABDNS.dnsOnly)) {
    if (resolve.length === 1 && LABDNS.dnsOnly.includes(resolve[0]!)) fail(`${call}: resolve is only ${resolve[0]}; ${w.dnsServer} answered two A records, ${list(LABDNS.dnsOnly)}: return them all.`);
    fail(`${call}: expected resolve ${list(LABDNS.dnsOnly)} (from ${w.dnsServer}), got ${list(resolve)}`);
  }
});

check('unknown-names-empty', 'a name unknown to a source gives [] for that source, not an error', { points: 2 }, async (ctx) => {
  const w = await world(ctx, { needsHostsFile: true });
  const hostsOnly = answer(await w.call(NAME.hostsOnly), NAME.hostsOnly, w.dnsServer);
  const call = callText(NAME.hostsOnly, w.dnsServer);
  if (!sameSet(hostsOnly.lookup, [HOSTS.hostsOnly]) || hostsOnly.resolve.length !== 0) {
    fail(
      `${call}: the hosts file knows ${NAME.hostsOnly} (${HOSTS.hostsOnly}), ${w.dnsServer} does not (NXDOMAIN). Expected { lookup: [${HOSTS.hostsOnly}], resolve: [] }, ` +
        `got { lookup: [${hostsOnly.lookup.join(', ')}], resolve: [${hostsOnly.resolve.join(', ')}] }` +
        (hostsOnly.lookup.length === 0 ? '. lookup is empty although the hosts file has the name: if one catch turned both answers into [], catch each source separately.' : ''),
    );
  }
  const unknown = answer(await w.call(NAME.unknown), NAME.unknown, w.dnsServer);
  if (unknown.lookup.length || unknown.resolve.length) {
    fail(`${callText(NAME.unknown, w.dnsServer)}: nobody knows this name; expected { lookup: [], resolve: [] }, got { lookup: [${unknown.lookup.join(', ')}], resolve: [${unknown.resolve.join(', ')}] }`);
  }
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('global-servers-unchanged', 'dns.getServers() is the same after the call: a Resolver of its own, not dns.setServers()', { points: 0 }, async (ctx) => {
  const w = await world(ctx);
  const name = unavailable ? 'localhost' : NAME.two;
  const o = await w.call(name);
  const call = callText(name, w.dnsServer);
  if (o.serversAfter.callback.join() !== o.serversBefore.callback.join()) {
    fail(`${call} changed the process-wide DNS servers: dns.getServers() was [${o.serversBefore.callback.join(', ')}] and is now [${o.serversAfter.callback.join(', ')}]. dns.setServers() affects every dns.resolve*() in the process: use new dns.promises.Resolver() and call setServers() on it.`);
  }
  if (o.serversAfter.promises.join() !== o.serversBefore.promises.join()) {
    fail(`${call} changed dns.promises' servers: dns.promises.getServers() was [${o.serversBefore.promises.join(', ')}] and is now [${o.serversAfter.promises.join(', ')}]. dns.promises.setServers() is process-wide too: use a Resolver of your own.`);
  }
  if (o.error) fail(`${call} rejected with ${o.error.code ?? 'an error'}: ${o.error.message}`);
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
      fail(
        `${call} sent no query to ${w.dnsServer}: resolve must come from that server (a Resolver with setServers([dnsServer]), then resolve4)` +
          (allEmpty ? '. Both lists came back empty: if a failed lookup stopped your code before it asked the server, ask both sources, each with its own catch.' : '.'),
      );
    }
    if (mine.length > 1) {
      fail(`${call} sent ${mine.length} queries to ${w.dnsServer} (${mine.map((q) => q.question).join('; ')}), expected exactly one: call resolve4 once per lookupVsResolve and use its answer (use { tries: 1 } so a slow answer is not asked again).`);
    }
  }
});
