/**
 * The dns lab's DNS server process: UDP on 127.0.0.1, one socket per listener, each with its
 * own zone. Every query and every answer goes into the trace (see listener.ts). A `silent`
 * listener receives and never answers (the timeout scenario).
 *
 * Inside the dns lab's private network a listener on port 53 is the server that the lab's
 * resolv.conf names, so the operating system's resolver (dns.lookup) asks it too.
 */
import { note, onCommand, params, ready } from '../../../src/runtime/child.js';
import { countByLabel, startListener, type Listener, type Running, type Seen } from './listener.js';

export type { Listener } from './listener.js';

export interface ServerInfo {
  listeners: Array<{ label: string; port: number }>;
}

const { listeners } = params<{ listeners: Listener[] }>();
const seen: Seen[] = [];
let running: Running[] = [];

onCommand('stats', () => ({
  counts: countByLabel(seen, listeners.map((l) => l.label)),
  queries: seen.map((s) => ({ label: s.label, question: s.question })),
}));

onCommand('close', async () => {
  await Promise.all(running.map((r) => new Promise<void>((resolve) => r.socket.close(() => resolve()))));
  return null;
});

running = await Promise.all(listeners.map((l) => startListener(l, seen)));
const silent = listeners.filter((l) => l.silent).map((l) => l.label);
if (silent.length) note({ en: `${silent.join(', ')}: receives queries and never answers`, 'zh-CN': `${silent.join(', ')}：接收查询，但从不回答` });
ready({ listeners: running.map(({ label, port }) => ({ label, port })) } satisfies ServerInfo);
