/**
 * The dns lab's DNS server: UDP on 127.0.0.1, one socket per listener, each with its own zone.
 * Every query and every answer goes into the trace (`query`, `answer`), next to the socket's
 * own `message` events with the raw bytes. A `silent` listener receives and never answers
 * (the timeout scenario).
 *
 * Inside the dns lab's private network a listener on port 53 is the server that the lab's
 * resolv.conf names, so the operating system's resolver (dns.lookup) asks it too.
 */
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { mark, note, onCommand, params, probe, ready, trace } from '../../../src/runtime/child.js';
import { answerQuery } from './answer.js';
import type { Zone } from './zone.js';

export interface Listener {
  /** 53 for the server named in resolv.conf (inside the private network), 0 for any free port. */
  port: number;
  /** How the trace names this listener: `resolv.conf`, `lab`, `other`. */
  label: string;
  zone: Zone;
  /** Receive and never answer. */
  silent?: boolean;
}

export interface ServerInfo {
  listeners: Array<{ label: string; port: number }>;
}

const { listeners } = params<{ listeners: Listener[] }>();

interface Seen {
  label: string;
  question: string;
}
const seen: Seen[] = [];
const sockets: dgram.Socket[] = [];

async function start(listener: Listener): Promise<{ label: string; port: number }> {
  const socket = trace(dgram.createSocket('udp4'));
  sockets.push(socket);
  const id = probe.idOf(socket);
  socket.on('message', (message, rinfo) => {
    const from = `${rinfo.address}:${rinfo.port}`;
    const handled = answerQuery(message, listener.zone);
    if (!handled) {
      mark('ignored', { via: listener.label, from, bytes: message.length }, id);
      return;
    }
    seen.push({ label: listener.label, question: handled.query.question });
    mark('query', { via: listener.label, from, ...handled.query }, id);
    if (listener.silent) {
      mark('dropped', { via: listener.label, question: handled.query.question, why: 'this server never answers' }, id);
      return;
    }
    socket.send(handled.response, rinfo.port, rinfo.address, (err) => {
      if (err) mark('error', { code: (err as NodeJS.ErrnoException).code ?? 'ERROR', message: err.message }, id);
    });
    mark('answer', { via: listener.label, to: from, id: handled.query.id, rcode: handled.answer.rcode, answers: handled.answer.answers, bytes: handled.response.length }, id);
  });
  socket.bind(listener.port, '127.0.0.1');
  await once(socket, 'listening');
  return { label: listener.label, port: socket.address().port };
}

onCommand('stats', () => {
  const counts: Record<string, number> = {};
  for (const l of listeners) counts[l.label] = 0;
  for (const s of seen) counts[s.label] = (counts[s.label] ?? 0) + 1;
  return { counts, queries: seen.map((s) => ({ label: s.label, question: s.question })) };
});

onCommand('close', async () => {
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return null;
});

const started = await Promise.all(listeners.map(start));
const silent = listeners.filter((l) => l.silent).map((l) => l.label);
if (silent.length) note(`${silent.join(', ')}: receives queries and never answers`);
ready({ listeners: started } satisfies ServerInfo);
