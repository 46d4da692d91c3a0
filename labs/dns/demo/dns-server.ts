/**
 * The dns lab's DNS server process: UDP on 127.0.0.1, one socket per listener, each with its
 * own zone. Every query and every answer goes into the trace (see listener.ts). A `silent`
 * listener receives and never answers (the timeout scenario).
 *
 * Inside the dns lab's private network a listener on port 53 is the server that the lab's
 * resolv.conf names, so the operating system's resolver (dns.lookup) asks it too.
 */
import { note, program } from '../../../src/runtime/child.js';
import { dnsServer } from '../contract.js';
import { countByLabel, startListener, type Running, type Seen } from './listener.js';

const self = program(dnsServer);
const { listeners } = self.params();
const seen: Seen[] = [];
let running: Running[] = [];

self.onCommand('stats', () => ({
  counts: countByLabel(seen, listeners.map((l) => l.label)),
  queries: seen.map((s) => ({ label: s.label, question: s.question })),
}));

self.onCommand('close', async () => {
  await Promise.all(running.map((r) => new Promise<void>((resolve) => r.socket.close(() => resolve()))));
  return null;
});

running = await Promise.all(listeners.map((l) => startListener(l, seen)));
const silent = listeners.filter((l) => l.silent).map((l) => l.label);
if (silent.length) note({ en: `${silent.join(', ')}: receives queries and never answers`, 'zh-CN': `${silent.join(', ')}：接收查询，但从不回答` });
self.ready({ listeners: running.map(({ label, port }) => ({ label, port })) });
