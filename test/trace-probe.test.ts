import { describe, expect, test } from 'vitest';
import { EventEmitter, once } from 'node:events';
import * as net from 'node:net';
import { Probe, type ProbeEvent } from '../src/trace/probe.js';
import { previewBytes, toJson, formatAddress } from '../src/trace/detail.js';

function recorder() {
  const events: ProbeEvent[] = [];
  return { events, probe: new Probe((e) => events.push(e)) };
}

describe('Probe', () => {
  test('records events by the name Node emits, without changing emit()', () => {
    const { events, probe } = recorder();
    const emitter = probe.trace(new EventEmitter());
    const seen: unknown[] = [];
    emitter.on('greet', (...args) => seen.push(args));
    // Given a traced emitter, when it emits, then listeners get the same args and emit() the same result.
    expect(emitter.emit('greet', 1, 'two')).toBe(true);
    expect(emitter.emit('nobody-listens')).toBe(false);
    expect(seen).toEqual([[1, 'two']]);
    expect(events.map((e) => e.name)).toEqual(['greet', 'nobody-listens']);
    expect(events[0]!.object).toBe('EventEmitter#1');
  });

  test('an unhandled error still throws as it would untraced', () => {
    const { events, probe } = recorder();
    const emitter = probe.trace(new EventEmitter());
    expect(() => emitter.emit('error', Object.assign(new Error('boom'), { code: 'EBOOM' }))).toThrow('boom');
    expect(events[0]).toMatchObject({ name: 'error', detail: { code: 'EBOOM', message: 'boom' } });
  });

  test('a failing sink never breaks the traced program', () => {
    const probe = new Probe(() => {
      throw new Error('sink broke');
    });
    const emitter = probe.trace(new EventEmitter());
    let called = false;
    emitter.on('x', () => (called = true));
    expect(emitter.emit('x')).toBe(true);
    expect(called).toBe(true);
  });

  test('tracing twice records once', () => {
    const { events, probe } = recorder();
    const emitter = probe.trace(probe.trace(new EventEmitter()));
    emitter.emit('once');
    expect(events).toHaveLength(1);
  });

  test('follows a real server to its sockets: listening, connection, data, end, close', async () => {
    const { events, probe } = recorder();
    const server = probe.trace(net.createServer((socket) => socket.pipe(socket)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect(port, '127.0.0.1');
    await once(client, 'connect');
    client.end(Buffer.from([0x68, 0x69, 0x00, 0xff]));
    client.resume();
    await once(client, 'close');
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const names = events.map((e) => `${e.object} ${e.name}`);
    expect(names).toContain('net.Server#1 listening');
    expect(names).toContain('net.Server#1 connection');
    expect(names).toContain('net.Socket#1 data');
    expect(names).toContain('net.Socket#1 end');
    expect(names).toContain('net.Server#1 close');
    const listening = events.find((e) => e.name === 'listening')!;
    expect(listening.detail).toEqual({ address: `127.0.0.1:${port}` });
    const data = events.find((e) => e.name === 'data')!;
    expect(data.detail).toEqual({ bytes: 4, preview: 'hi\\x00\\xff' });
    const connection = events.find((e) => e.name === 'connection')!;
    expect(connection.detail).toMatchObject({ socket: 'net.Socket#1', local: `127.0.0.1:${port}` });
    // Every detail survives JSON: nothing but plain data crosses a process boundary.
    expect(JSON.parse(JSON.stringify(events))).toEqual(events);
  });

  test('tracing does not put a paused stream into flowing mode', async () => {
    const { probe } = recorder();
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = probe.trace(net.connect((server.address() as net.AddressInfo).port, '127.0.0.1'));
    await once(client, 'connect');
    expect(client.readableFlowing).toBe(null);
    client.destroy();
    server.close();
  });
});

describe('details', () => {
  test('previews escape what is not printable and say how much is left', () => {
    expect(previewBytes(Buffer.from('a\nb\r\t\\'))).toBe('a\\nb\\r\\t\\\\');
    expect(previewBytes(Buffer.from('é'))).toBe('\\xc3\\xa9');
    expect(previewBytes(Buffer.alloc(50, 0x41), 4)).toBe('AAAA… (+46 bytes)');
  });

  test('toJson makes anything JSON-safe', () => {
    const value = toJson({ buf: Buffer.from('hi'), err: Object.assign(new Error('x'), { code: 'EX' }), fn: () => 1, big: 10n, nested: { deep: { deeper: { deepest: 1 } } } });
    expect(value).toEqual({ buf: { bytes: 2, preview: 'hi' }, err: { message: 'x', code: 'EX' }, big: '10', nested: { deep: '[Object]' } });
    expect(formatAddress({ address: '::1', family: 'IPv6', port: 80 })).toBe('[::1]:80');
    expect(formatAddress('/tmp/x.sock')).toBe('/tmp/x.sock');
  });
});
