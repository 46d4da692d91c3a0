/**
 * A scripted DNS client for the dns lab's demos. Node's dns module emits no events, so each
 * call's answer (or error) is recorded as a trace mark named after the function, as Node spells
 * it: `lookup`, `resolve4`, `resolveMx`, `reverse`, `getServers`, … When every step is done the
 * client hands its results to the orchestrator (`ready(results)`) and ends.
 */
// The default import, not `import * as dns`: dns.setServers() rebinds the CommonJS exports
// only, so a namespace import's dns.resolve*() and dns.getServers() stay on the old servers.
import dns from 'node:dns';
import { once } from 'node:events';
import * as net from 'node:net';
import { pathToFileURL } from 'node:url';
import type { JsonObject } from '../../../src/trace/event.js';
import { mark, note, program, trace } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { dnsClient, type Rrtype, type Step, type StepResult } from '../contract.js';

const self = program(dnsClient);
const { steps, implementation } = self.params();

const methods: Record<Rrtype, string> = {
  A: 'resolve4',
  AAAA: 'resolve6',
  CNAME: 'resolveCname',
  MX: 'resolveMx',
  TXT: 'resolveTxt',
  SRV: 'resolveSrv',
  NS: 'resolveNs',
  PTR: 'resolvePtr',
};

function asText(rrtype: Rrtype, records: unknown[]): string[] {
  return records.map((r) => {
    if (typeof r === 'string') return r;
    if (Array.isArray(r)) return r.join('');
    if (rrtype === 'MX') {
      const mx = r as dns.MxRecord;
      return `${mx.priority} ${mx.exchange}`;
    }
    if (rrtype === 'SRV') {
      const srv = r as dns.SrvRecord;
      return `${srv.priority} ${srv.weight} ${srv.port} ${srv.name}`;
    }
    return JSON.stringify(r);
  });
}

function errorOf(err: unknown): { code: string; message: string } {
  const e = err as NodeJS.ErrnoException;
  return { code: e.code ?? 'ERROR', message: e.message };
}

function resolverFor(server: string | undefined, timeout?: number, tries?: number): dns.promises.Resolver | typeof dns.promises {
  if (!server) return dns.promises;
  const resolver = new dns.promises.Resolver({ timeout: timeout ?? -1, tries: tries ?? 4 });
  resolver.setServers([server]);
  return resolver;
}

let implementationModule: { lookupVsResolve?: (h: string, s: string) => Promise<{ lookup: string[]; resolve: string[] }> } | undefined;

async function run(step: Step): Promise<StepResult | undefined> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  if ('say' in step) {
    note(step.say);
    return undefined;
  }
  if ('getServers' in step) {
    const servers = dns.getServers();
    mark('getServers', { servers });
    return { step: 'getServers', answer: servers, ms: 0 };
  }
  if ('setServers' in step) {
    dns.setServers(step.setServers);
    mark('setServers', { servers: step.setServers, scope: 'process-wide' });
    return { step: 'setServers', answer: step.setServers, ms: 0 };
  }
  if ('defaultResultOrder' in step) {
    const order = dns.getDefaultResultOrder();
    mark('getDefaultResultOrder', { order });
    return { step: 'getDefaultResultOrder', answer: [order], ms: 0 };
  }
  if ('lookup' in step) {
    const options = { all: true as const, ...step.options };
    try {
      const found = await dns.promises.lookup(step.lookup, options as dns.LookupAllOptions);
      const answer = (Array.isArray(found) ? found : [found]).map((a) => a.address);
      mark('lookup', { hostname: step.lookup, options: options as JsonObject, addresses: answer, ms: ms(), by: 'getaddrinfo (hosts file, then resolv.conf)' });
      return { step: 'lookup', name: step.lookup, answer, ms: ms() };
    } catch (err) {
      mark('lookup', { hostname: step.lookup, options: options as JsonObject, error: errorOf(err), ms: ms() });
      return { step: 'lookup', name: step.lookup, error: errorOf(err), ms: ms() };
    }
  }
  if ('resolve' in step) {
    const rrtype = step.rrtype ?? 'A';
    const method = methods[rrtype];
    const via = step.server ? `Resolver [${step.server}]` : `process-wide [${dns.getServers().join(', ')}]`;
    const resolver = resolverFor(step.server, step.timeout, step.tries) as unknown as Record<string, (n: string) => Promise<unknown[]>>;
    try {
      const records = await resolver[method]!(step.resolve);
      const answer = asText(rrtype, records);
      mark(method, { hostname: step.resolve, records: answer, via, ms: ms() });
      return { step: method, name: step.resolve, answer, ms: ms() };
    } catch (err) {
      mark(method, { hostname: step.resolve, via, error: errorOf(err), ms: ms() });
      return { step: method, name: step.resolve, error: errorOf(err), ms: ms() };
    }
  }
  if ('reverse' in step) {
    const via = step.server ? `Resolver [${step.server}]` : `process-wide [${dns.getServers().join(', ')}]`;
    const resolver = resolverFor(step.server);
    try {
      const answer = await resolver.reverse(step.reverse);
      mark('reverse', { ip: step.reverse, hostnames: answer, via, ms: ms() });
      return { step: 'reverse', name: step.reverse, answer, ms: ms() };
    } catch (err) {
      mark('reverse', { ip: step.reverse, via, error: errorOf(err), ms: ms() });
      return { step: 'reverse', name: step.reverse, error: errorOf(err), ms: ms() };
    }
  }
  if ('connect' in step) {
    const { host, port, autoSelectFamily } = step.connect;
    const socket = trace(net.connect({ host, port, ...(autoSelectFamily === undefined ? {} : { autoSelectFamily }) }));
    try {
      await once(socket, 'connect');
      const answer = [`${socket.remoteAddress}:${socket.remotePort}`];
      socket.end();
      await once(socket, 'close');
      return { step: 'connect', name: host, answer, ms: ms() };
    } catch (err) {
      return { step: 'connect', name: host, error: errorOf(err), ms: ms() };
    }
  }
  if ('exercise' in step) {
    implementationModule ??= (await import(pathToFileURL(implementation!).href)) as typeof implementationModule;
    const fn = implementationModule?.lookupVsResolve;
    if (typeof fn !== 'function') throw new Error(msg({ en: `${implementation} does not export lookupVsResolve()`, 'zh-CN': `${implementation} 没有导出 lookupVsResolve()` }));
    try {
      const result = await fn(step.exercise, step.server);
      const lookup = [...(result?.lookup ?? [])].map(String);
      const resolve = [...(result?.resolve ?? [])].map(String);
      mark('lookupVsResolve', { hostname: step.exercise, dnsServer: step.server, lookup, resolve, ms: ms() });
      return { step: 'lookupVsResolve', name: step.exercise, lookup, resolve, ms: ms() };
    } catch (err) {
      mark('lookupVsResolve', { hostname: step.exercise, dnsServer: step.server, error: errorOf(err), ms: ms() });
      return { step: 'lookupVsResolve', name: step.exercise, error: errorOf(err), ms: ms() };
    }
  }
  return undefined;
}

const results: StepResult[] = [];
for (const step of steps) {
  const result = await run(step);
  if (result) results.push(result);
}
self.ready({ results });
