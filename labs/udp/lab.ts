import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { Step } from './demo/client.js';

async function startServer(ctx: DemoContext, actor = 'server') {
  const server = ctx.spawn(actor, 'demo/server', { params: { implementation: ctx.implementation } });
  const { port } = (await server.ready()) as { port: number };
  return { server, port };
}

function client(ctx: DemoContext, actor: string, steps: Step[]) {
  return ctx.spawn(actor, 'demo/client', { params: { steps, implementation: ctx.implementation } });
}

/**
 * A UDP port on 127.0.0.1 where nobody listens: bind port 0, read the port, close. (Nothing
 * else on this machine is likely to take it in the next second; if something did, the lost
 * datagram would simply be answered or ignored by it.)
 */
async function deadPort(): Promise<number> {
  // Imported here, not at the top: `netlab list` loads every lab.ts and should stay light.
  const dgram = await import('node:dgram');
  const probe = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address();
  await new Promise<void>((resolve) => probe.close(resolve));
  return port;
}

function sizesRow(label: string, what: string, sizes: number[]): string {
  return `${label.padEnd(5)} ${String(sizes.length).padStart(2)} × ${what.padEnd(9)} ${sizes.join(', ')}`;
}

export default defineLab({
  id: 'udp',
  title: 'UDP datagrams',
  summary: 'dgram sockets: bind, send, message + rinfo, no connection, boundaries kept, silent loss',
  order: 20,
  exports: ['createUdpServer', 'sendDatagram'],
  scenarios: {
    tour: {
      title: 'a bound server, two clients bound implicitly by send(), replies addressed from rinfo',
      async run(ctx) {
        const { server, port } = await startServer(ctx);
        ctx.note(`the server called bind(0, '127.0.0.1'): it listens on 127.0.0.1:${port}`);
        const c1 = client(ctx, 'client#1', [
          { say: 'a new socket, never bound: the first send() binds it to an ephemeral port' },
          { send: 'hello from client#1', port },
          { expect: 1 },
          { ready: true },
          { waitFor: 'next' },
          { say: 'three send() calls in one tick: three datagrams, three message events, three replies' },
          { send: ['one', 'two', 'three'], port },
          { expect: 4 },
          { close: true },
        ]);
        // client#1 says ready after its first round trip, so the trace reads in order.
        await c1.ready();
        const c2 = client(ctx, 'client#2', [{ send: 'hello from client#2', port }, { expect: 1 }, { close: true }]);
        await c2.finish();
        ctx.note('one server socket, two peers: each reply went to the address and port in that datagram\'s rinfo');
        await c1.command('next');
        await c1.finish();
        const c3 = client(ctx, 'client#3', [
          { say: 'sendDatagram() from the exercise: a fresh socket, one datagram, the first reply, close' },
          { sendDatagram: 'hello from sendDatagram()', port, timeoutMs: 1000 },
        ]);
        await c3.finish();
        const received = (await server.command('received')) as number[];
        await server.command('close');
        return { server: `127.0.0.1:${port}`, peers: 3, datagrams: received.length };
      },
    },
    boundaries: {
      title: 'datagram boundaries are kept (and TCP\'s are not); the largest datagram',
      async run(ctx) {
        const sizes = [10, 100, 1000, 10_000, 60_000];
        const largest = 65_503;
        const { server, port } = await startServer(ctx);
        const c = client(ctx, 'client', [
          { say: `five send() calls in one tick: ${sizes.join(', ')} bytes` },
          { sendSizes: sizes, port },
          { expect: sizes.length },
          { say: '65,503 bytes: the reply ("ack:" + 65,503) is 65,507, the largest IPv4 UDP payload' },
          { sendSizes: [largest], port },
          { expect: sizes.length + 1 },
          { say: 'one datagram of 65,508 bytes: too big, send() fails with EMSGSIZE' },
          { sendSizes: [65_508], port },
          { close: true },
        ]);
        await c.finish();
        const udp = (await server.command('received')) as number[];
        await server.command('close');
        ctx.note('the same five writes over TCP, a byte stream: the reader sees chunks, not writes');
        const sink = ctx.spawn('tcp-server', 'demo/tcp-sink');
        const { port: tcpPort } = (await sink.ready()) as { port: number };
        const writer = ctx.spawn('tcp-client', 'demo/tcp-writer', { params: { port: tcpPort, sizes } });
        await writer.finish();
        const tcp = (await sink.command('received')) as number[];
        await sink.command('close');
        return {
          lines: [
            // The sent row lists every datagram that went through, so it matches the UDP row.
            sizesRow('sent', 'send()', [...sizes, largest]),
            sizesRow('UDP', 'message', udp),
            sizesRow('sent', 'write()', sizes),
            sizesRow('TCP', 'data', tcp),
          ],
          udpMessages: udp.length,
          tcpDataEvents: tcp.length,
        };
      },
    },
    'many-peers': {
      title: 'one client socket, two servers: no connection, just addresses',
      async run(ctx) {
        const a = await startServer(ctx, 'server#1');
        const b = await startServer(ctx, 'server#2');
        const c = client(ctx, 'client', [
          { say: 'one socket sends to two servers; both replies arrive on it, told apart by rinfo' },
          { send: 'for server#1', port: a.port },
          { send: 'for server#2', port: b.port },
          { expect: 2 },
          { close: true },
        ]);
        await c.finish();
        await a.server.command('close');
        await b.server.command('close');
        return { servers: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`] };
      },
    },
    lost: {
      title: 'a datagram to a port where nobody listens: silence (and ECONNREFUSED on a connected socket)',
      async run(ctx) {
        const port = await deadPort();
        ctx.note(`nobody listens on UDP 127.0.0.1:${port}`);
        const c1 = client(ctx, 'client#1', [
          { say: 'an unconnected socket sends there: send() succeeds, the datagram is dropped' },
          { send: 'is anybody there?', port },
          { quiet: 300 },
          { close: true },
        ]);
        await c1.finish();
        const c2 = client(ctx, 'client#2', [
          { say: 'a connected socket: connect() only records the peer, no packet is sent' },
          { connect: port },
          { sendConnected: 'is anybody there?' },
          { quiet: 300 },
          { close: true },
        ]);
        await c2.finish();
        ctx.note('the kernel answered the datagram with ICMP "port unreachable"; only a connected socket is told, as ECONNREFUSED on its next receive, and only when that ICMP message arrives at all');
        const c3 = client(ctx, 'client#3', [
          { say: 'sendDatagram() with a 500 ms timeout: the only reliable sign of loss is a timer' },
          { sendDatagram: 'is anybody there?', port, timeoutMs: 500 },
        ]);
        await c3.finish();
        return { deadPort: port };
      },
    },
  },
  async serve(ctx) {
    const { port } = await startServer(ctx);
    return {
      address: `udp 127.0.0.1:${port}`,
      commands: [`nc -u 127.0.0.1 ${port}`, `printf 'hello' | nc -u -w1 127.0.0.1 ${port}`],
    };
  },
});
