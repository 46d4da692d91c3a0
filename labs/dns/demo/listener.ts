/**
 * One listening socket of the lab's DNS server: UDP on 127.0.0.1, answers from a zone, and
 * puts every query and answer in the trace (`query`, `answer`, or `dropped` when silent) next
 * to the socket's own `message` events. Used by the demo's dns-server process and, during
 * grading, inside the learner's private network.
 */
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { mark, probe, trace } from '../../../src/runtime/child.js';
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

/** A query as a listener saw it. */
export interface Seen {
  label: string;
  question: string;
}

export interface Running {
  label: string;
  port: number;
  socket: dgram.Socket;
}

/** Bind `listener` on 127.0.0.1 and serve it; every query is also appended to `seen`. */
export async function startListener(listener: Listener, seen: Seen[]): Promise<Running> {
  const socket = trace(dgram.createSocket('udp4'));
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
  return { label: listener.label, port: socket.address().port, socket };
}

/** Queries per listener label. */
export function countByLabel(seen: readonly Seen[], labels: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const s of seen) counts[s.label] = (counts[s.label] ?? 0) + 1;
  return counts;
}
