/**
 * A scripted TCP client for the tcp-echo demos: it connects, then performs the steps it was
 * given, one after the other, waiting for the echo where a step says so.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { note, params, ready, trace, waitForCommand } from '../../../src/runtime/child.js';

export type Step =
  | { write: string }
  | { writeBytes: number }
  | { expectEcho: number }
  | { say: string }
  | { end: true }
  | { reset: true }
  | { waitFor: string }
  | { waitEvent: 'end' | 'close' };

const { port, steps } = params<{ port: number; steps: Step[] }>();

const socket = trace(net.connect({ port, host: '127.0.0.1' }));
let received = 0;
socket.on('data', (chunk: Buffer) => {
  received += chunk.length;
});
socket.on('error', () => {});
await once(socket, 'connect');
ready({ local: socket.localPort ?? null });

for (const step of steps) {
  if ('say' in step) note(step.say);
  else if ('write' in step) socket.write(step.write);
  else if ('writeBytes' in step) socket.write(Buffer.alloc(step.writeBytes, 'x'));
  else if ('expectEcho' in step) {
    while (received < step.expectEcho && !socket.destroyed) await once(socket, 'data');
  } else if ('end' in step) socket.end();
  else if ('reset' in step) socket.resetAndDestroy();
  else if ('waitFor' in step) await waitForCommand(step.waitFor);
  else if ('waitEvent' in step) {
    if (!(step.waitEvent === 'close' ? socket.closed : socket.readableEnded)) await once(socket, step.waitEvent);
  }
}
