/**
 * A scripted client over a Unix socket for the unix-socket demos: `net.connect({ path })`,
 * then its steps. With `probe: true` it only tries to connect and reports what happened, the
 * way a program tells a live socket file from a stale one.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { errorDetail } from '../../../src/trace/detail.js';
import { note, params, ready, trace } from '../../../src/runtime/child.js';

export type Step = { write: string } | { expectEcho: number } | { say: string } | { end: true } | { waitEvent: 'close' };

const { path, steps = [], probe = false } = params<{ path: string; steps?: Step[]; probe?: boolean }>();

const socket = trace(net.connect({ path }));
let received = 0;
socket.on('data', (chunk: Buffer) => (received += chunk.length));
const connected = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
  socket.once('connect', () => resolve(null));
  socket.once('error', (err) => resolve(err));
});
if (probe) {
  if (connected) note(`connect failed with ${connected.code}: ${connected.code === 'ECONNREFUSED' ? 'a socket file, but nobody listens: stale' : 'no usable socket there'}`);
  else note('connected: a server is alive behind this path');
  socket.destroy();
  ready({ alive: connected === null, error: connected ? errorDetail(connected) : null });
} else {
  if (connected) throw connected;
  note(`connected to ${path}: a Unix socket has no ports, so the client's connect shows no addresses`);
  socket.on('error', () => {});
  ready(null);
  for (const step of steps) {
    if ('say' in step) note(step.say);
    else if ('write' in step) socket.write(step.write);
    else if ('expectEcho' in step) {
      while (received < step.expectEcho && !socket.destroyed) await once(socket, 'data');
    } else if ('end' in step) socket.end();
    else if ('waitEvent' in step && !socket.closed) await once(socket, 'close');
  }
}
