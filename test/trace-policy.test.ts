import { describe, expect, test } from 'vitest';
import * as net from 'node:net';
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { isQuiet, type TracePolicy } from '../src/trace/policy.js';
import { Probe, type ProbeEvent } from '../src/trace/probe.js';
import { PrettyTracePrinter } from '../src/trace/pretty.js';
import type { TraceEvent } from '../src/trace/event.js';

function event(name: string, more: Partial<TraceEvent> = {}): TraceEvent {
  return { type: 'event', seq: 1, t: 1, actor: 'server', object: 'net.Socket#1', name, source: 'emit', detail: {}, ...more };
}

describe('a lab\'s trace policy', () => {
  test('shows what netlab hides by default, and keeps quiet what it names', () => {
    const policy: TracePolicy = { show: ['pause', 'resume'], quiet: [{ name: 'message', actor: 'dns-server', object: 'dgram.Socket' }] };
    // Given netlab's defaults, pause is quiet; given the lab's policy, it shows.
    expect(isQuiet(event('pause'))).toBe(true);
    expect(isQuiet(event('pause'), policy)).toBe(false);
    expect(isQuiet(event('readable'), policy)).toBe(true);
    // A quiet rule matches the actor and the kind of object it names, nothing else.
    expect(isQuiet(event('message', { actor: 'dns-server', object: 'dgram.Socket#2' }), policy)).toBe(true);
    expect(isQuiet(event('message', { actor: 'client', object: 'dgram.Socket#2' }), policy)).toBe(false);
    expect(isQuiet(event('message', { actor: 'dns-server', object: 'net.Socket#2' }), policy)).toBe(false);
    expect(isQuiet(event('message'))).toBe(false);
  });

  test('the pretty printer follows it; --all-events shows everything', () => {
    const print = (allEvents: boolean) => {
      const out = new PassThrough();
      let text = '';
      out.on('data', (c) => (text += c));
      const printer = new PrettyTracePrinter(out, new Chalk({ level: 0 }), allEvents, { show: ['pause'], quiet: ['message'] });
      for (const name of ['pause', 'message', 'readable', 'data']) printer.write(event(name));
      printer.end();
      return text;
    };
    expect(print(false)).toMatch(/pause[\s\S]*data/);
    expect(print(false)).not.toMatch(/message|readable/);
    expect(print(true)).toMatch(/pause[\s\S]*message[\s\S]*readable[\s\S]*data/);
  });

  test('describers add facts to a real socket\'s events where they are emitted; a failing one costs only its facts', async () => {
    const events: ProbeEvent[] = [];
    const probe = new Probe((e) => events.push(e), {
      describe: {
        drain: (s) => (s instanceof net.Socket ? { writableLength: s.writableLength } : undefined),
        end: () => {
          throw new Error('a describer bug');
        },
      },
    });
    const server = net.createServer((socket) => socket.resume().on('end', () => socket.end()));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const client = probe.trace(net.connect(port, '127.0.0.1'));
    await once(client, 'connect');
    // Given a write larger than the high-water mark, when the kernel takes it, then 'drain' says how much is still queued.
    if (client.write(Buffer.alloc(4 * 1024 * 1024))) throw new Error('expected backpressure');
    await once(client, 'drain');
    client.end();
    client.resume();
    await once(client, 'close');
    server.close();
    const drain = events.find((e) => e.name === 'drain');
    expect(drain?.detail).toEqual({ writableLength: 0 });
    expect(events.some((e) => e.name === 'end')).toBe(true);
  });
});
