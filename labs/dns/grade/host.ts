/**
 * The dns lab's host: runs in the learner's process, inside the grader's private network
 * (when this machine can make one). It starts the lab's DNS servers here, in the same network
 * as the learner's code — the one resolv.conf names on 127.0.0.1:53 and the one given to the
 * learner as `dnsServer` — and calls `lookupVsResolve`, reporting what it returned, what the
 * process-wide DNS servers were before and after, and which queries each server received.
 */
// The default import: with `import * as dns`, getServers() would not see a dns.setServers() call.
import dns from 'node:dns';
import type { Json } from '../../../src/trace/event.js';
import { HOST_FAILURE, hostFail, hostSubmission } from '../../../src/grade/host.js';
import { msg } from '../../../src/i18n/index.js';
import { note } from '../../../src/runtime/child.js';
import { lookupHost, type Outcome } from '../contract.js';
import { startListener, type Seen } from '../demo/listener.js';

const seen: Seen[] = [];

type LookupVsResolve = (hostname: string, dnsServer: string) => Promise<unknown>;

function servers(): { callback: string[]; promises: string[] } {
  return { callback: dns.getServers(), promises: dns.promises.getServers() };
}

/** The learner's answer made JSON-safe, keeping what the grader needs to explain a wrong shape. */
function shape(value: unknown): Json {
  try {
    return JSON.parse(JSON.stringify(value ?? null)) as Json;
  } catch {
    return `(not JSON-serializable: ${typeof value})`;
  }
}

hostSubmission(lookupHost, {
  async startDns(_mod, { listeners }) {
    const running = await Promise.all(listeners.map((l) => startListener(l, seen)));
    const where = (on: string) => running.map((r) => `${r.label}${on}127.0.0.1:${r.port}`).join(', ');
    note({ en: `the lab's DNS servers listen in your process's network: ${where(' on ')}`, 'zh-CN': `本实验的 DNS 服务器在你的进程所在的网络里监听：${where(' 在 ')}` });
    return { ports: Object.fromEntries(running.map((r) => [r.label, r.port])) };
  },

  async lookupVsResolve(mod, { hostname, dnsServer }) {
    const fn = mod.lookupVsResolve as LookupVsResolve;
    const before = servers();
    const from = seen.length;
    let returned: Json = null;
    let error: Outcome['error'] = null;
    try {
      const value = fn(hostname, dnsServer);
      if (!value || typeof (value as Promise<unknown>).then !== 'function') {
        const kind = value === undefined ? 'undefined' : typeof value;
        hostFail(msg({
          en: `lookupVsResolve('${hostname}', '${dnsServer}') returned ${kind}, not a Promise: make it an async function`,
          'zh-CN': `lookupVsResolve('${hostname}', '${dnsServer}') 返回了 ${kind}，不是 Promise：把它写成 async 函数`,
        }));
      }
      returned = shape(await value);
    } catch (err) {
      if ((err as { code?: string }).code === HOST_FAILURE) throw err;
      const e = err as NodeJS.ErrnoException;
      error = { code: e?.code ?? null, message: String(e?.message ?? err) };
    }
    return {
      returned,
      error,
      serversBefore: before,
      serversAfter: servers(),
      queries: seen.slice(from).map((s) => ({ label: s.label, question: s.question })),
    };
  },
});
