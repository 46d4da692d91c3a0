import { msg } from '../../src/i18n/index.js';
import { padEnd } from '../../src/i18n/width.js';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import { tcpSink, tcpWriter, udpClient, udpServer, type Step } from './contract.js';

async function startServer(ctx: DemoContext, actor = 'server') {
  const server = ctx.spawn(actor, udpServer, { params: { implementation: ctx.implementation } });
  const { port } = await server.ready();
  return { server, port };
}

function client(ctx: DemoContext, actor: string, steps: Step[]) {
  return ctx.spawn(actor, udpClient, { params: { steps, implementation: ctx.implementation } });
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
  return `${padEnd(label, 5)} ${String(sizes.length).padStart(2)} × ${what.padEnd(9)} ${sizes.join(', ')}`;
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
        ctx.note({ en: `the server called bind(0, '127.0.0.1'): it listens on 127.0.0.1:${port}`, 'zh-CN': `服务器调用了 bind(0, '127.0.0.1')：它在 127.0.0.1:${port} 上监听` });
        const c1 = client(ctx, 'client#1', [
          { say: { en: 'a new socket, never bound: the first send() binds it to an ephemeral port', 'zh-CN': '一个从未绑定的新套接字：第一次 send() 把它绑定到一个临时端口' } },
          { send: 'hello from client#1', port },
          { expect: 1 },
          { ready: true },
          { waitFor: 'next' },
          { say: { en: 'three send() calls in one tick: three datagrams, three message events, three replies', 'zh-CN': '同一轮事件循环里三次 send()：三个数据报，三个 message 事件，三个回复' } },
          { send: ['one', 'two', 'three'], port },
          { expect: 4 },
          { close: true },
        ]);
        // client#1 says ready after its first round trip, so the trace reads in order.
        await c1.ready();
        const c2 = client(ctx, 'client#2', [{ send: 'hello from client#2', port }, { expect: 1 }, { close: true }]);
        await c2.finish();
        ctx.note({
          en: 'one server socket, two peers: each reply went to the address and port in that datagram\'s rinfo',
          'zh-CN': '一个服务器套接字，两个对端：每个回复都发往对应数据报 rinfo 里的地址和端口',
        });
        await c1.command('next');
        await c1.finish();
        const c3 = client(ctx, 'client#3', [
          { say: { en: 'sendDatagram() from the exercise: a fresh socket, one datagram, the first reply, close', 'zh-CN': '练习里的 sendDatagram()：一个新套接字，一个数据报，第一个回复，关闭' } },
          { sendDatagram: 'hello from sendDatagram()', port, timeoutMs: 1000 },
        ]);
        await c3.finish();
        const received = await server.command('received');
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
          { say: { en: `five send() calls in one tick: ${sizes.join(', ')} bytes`, 'zh-CN': `同一轮事件循环里五次 send()：${sizes.join(', ')} 字节` } },
          { sendSizes: sizes, port },
          { expect: sizes.length },
          { say: { en: '65,503 bytes: the reply ("ack:" + 65,503) is 65,507, the largest IPv4 UDP payload', 'zh-CN': '65,503 字节：回复（"ack:" + 65,503）是 65,507 字节，IPv4 UDP 载荷的上限' } },
          { sendSizes: [largest], port },
          { expect: sizes.length + 1 },
          { say: { en: 'one datagram of 65,508 bytes: too big, send() fails with EMSGSIZE', 'zh-CN': '一个 65,508 字节的数据报：太大了，send() 以 EMSGSIZE 失败' } },
          { sendSizes: [65_508], port },
          { close: true },
        ]);
        await c.finish();
        const udp = await server.command('received');
        await server.command('close');
        ctx.note({ en: 'the same five writes over TCP, a byte stream: the reader sees chunks, not writes', 'zh-CN': '同样的五次写入换成 TCP，一个字节流：读取方看到的是数据块，而不是一次次写入' });
        const sink = ctx.spawn('tcp-server', tcpSink);
        const { port: tcpPort } = await sink.ready();
        const writer = ctx.spawn('tcp-client', tcpWriter, { params: { port: tcpPort, sizes } });
        await writer.finish();
        const tcp = await sink.command('received');
        await sink.command('close');
        const sent = msg({ en: 'sent', 'zh-CN': '发送' });
        return {
          lines: [
            // The sent row lists every datagram that went through, so it matches the UDP row.
            sizesRow(sent, 'send()', [...sizes, largest]),
            sizesRow('UDP', 'message', udp),
            sizesRow(sent, 'write()', sizes),
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
          { say: { en: 'one socket sends to two servers; both replies arrive on it, told apart by rinfo', 'zh-CN': '一个套接字发往两个服务器；两个回复都到达这个套接字，靠 rinfo 区分' } },
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
        ctx.note({ en: `nobody listens on UDP 127.0.0.1:${port}`, 'zh-CN': `UDP 127.0.0.1:${port} 上没有人监听` });
        const c1 = client(ctx, 'client#1', [
          { say: { en: 'an unconnected socket sends there: send() succeeds, the datagram is dropped', 'zh-CN': '一个未连接的套接字往那里发送：send() 成功，数据报被丢弃' } },
          { send: 'is anybody there?', port },
          { quiet: 300 },
          { close: true },
        ]);
        await c1.finish();
        const c2 = client(ctx, 'client#2', [
          { say: { en: 'a connected socket: connect() only records the peer, no packet is sent', 'zh-CN': '一个已连接的套接字：connect() 只是记下对端，不发送任何包' } },
          { connect: port },
          { sendConnected: 'is anybody there?' },
          { quiet: 300 },
          { close: true },
        ]);
        await c2.finish();
        ctx.note({
          en: 'the kernel answered the datagram with ICMP "port unreachable"; only a connected socket is told, as ECONNREFUSED on its next receive, and only when that ICMP message arrives at all',
          'zh-CN': '内核用 ICMP "port unreachable" 回应了这个数据报；只有已连接的套接字会得知，表现为下一次接收时的 ECONNREFUSED，而且前提是这条 ICMP 消息真的到达了',
        });
        const c3 = client(ctx, 'client#3', [
          { say: { en: 'sendDatagram() with a 500 ms timeout: the only reliable sign of loss is a timer', 'zh-CN': '带 500 毫秒超时的 sendDatagram()：丢失唯一可靠的信号是定时器' } },
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
