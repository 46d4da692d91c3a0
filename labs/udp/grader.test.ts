/**
 * Grades `createUdpServer()` and `sendDatagram()` (SPEC §4, udp): one check per requirement,
 * through real UDP sockets. The learner's code runs in its own process; the grader's peers are
 * real `dgram` sockets on 127.0.0.1, traced into the check's report.
 */
import * as dgram from 'node:dgram';
import { check, currentCheck, fail, msg, startSubmission, type Submission, type HostSubmission } from '../../src/grade/harness.js';
import { bytesText, firstDifference, hex, show } from '../../src/grade/helpers.js';
import { udpHost, type SendArgs, type SendOutcome, type ServerInfo } from './contract.js';

const LAB = 'udp';

/** The learner's process, its operations typed by the lab's host contract. */
type UdpSubmission = HostSubmission<typeof udpHost>;

const start = (): Promise<UdpSubmission> => startSubmission(LAB, { host: udpHost });

type Received = { msg: Buffer; from: dgram.RemoteInfo };

/**
 * A UDP socket of the grader's, bound to 127.0.0.1 port 0, traced as `actor` and closed when the
 * check ends. It keeps every datagram it receives; `answer` (optional) replies to them.
 */
class Peer {
  readonly inbox: Received[] = [];
  private readonly waiters = new Set<() => void>();

  private constructor(readonly socket: dgram.Socket) {}

  static async open(actor: string, answer?: (got: Received, peer: Peer) => void): Promise<Peer> {
    const check = currentCheck();
    const socket = check.trace(dgram.createSocket('udp4'), actor);
    const peer = new Peer(socket);
    socket.on('error', () => {});
    socket.on('message', (msg: Buffer, from: dgram.RemoteInfo) => {
      const got = { msg, from };
      peer.inbox.push(got);
      answer?.(got, peer);
      for (const wake of [...peer.waiters]) wake();
    });
    check.defer(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return peer;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(payload: Uint8Array | string, port: number): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(payload, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  }

  /** Wait until `n` datagrams have arrived in all; false if they have not after `timeoutMs`. */
  received(n: number, timeoutMs: number): Promise<boolean> {
    const check = currentCheck();
    const limit = Math.min(timeoutMs, check.remainingMs());
    return new Promise((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(value);
      };
      const wake = () => {
        if (this.inbox.length >= n) finish(true);
      };
      const timer = setTimeout(() => finish(this.inbox.length >= n), limit);
      this.waiters.add(wake);
      wake();
    });
  }
}

async function boundServer(): Promise<{ sub: UdpSubmission; server: ServerInfo }> {
  const sub = await start();
  const server = await sub.call('server');
  if (server.port === 0) {
    fail(msg({ en: `createUdpServer() returned a socket that binds itself, and ${server.address}. Return it unbound; the caller binds it.`, 'zh-CN': `createUdpServer() 返回的套接字自己绑定了端口，而且${server.address}。请返回未绑定的套接字，由调用方来绑定。` }));
  }
  return { sub, server };
}

/** Where the learner's server sent datagrams (its `send` calls, from the trace). */
function serverSends(sub: Pick<Submission, 'trace'>): string[] {
  return sub.trace.filter((l) => l.type === 'event' && l.name === 'send').map((l) => String((l as { detail: { to?: unknown } }).detail.to));
}

/** Send `payload` to the learner's server from `peer`; the first reply, or undefined. */
async function ask(peer: Peer, payload: Uint8Array | string, port: number, timeoutMs = 2000): Promise<Received | undefined> {
  const before = peer.inbox.length;
  await peer.send(payload, port);
  return (await peer.received(before + 1, timeoutMs)) ? peer.inbox[before] : undefined;
}

function noReply(sub: Pick<Submission, 'trace'>, sent: string, server: ServerInfo, from: Peer): string {
  const sends = serverSends(sub);
  const to = [...new Set(sends)].join(', ');
  const where = sends.length
    ? msg({
        en: ` Your server did send ${sends.length === 1 ? 'a datagram' : `${sends.length} datagrams`}, to ${to}, but we sent from 127.0.0.1:${from.port}.`,
        'zh-CN': `你的服务器确实发送了 ${sends.length} 个数据报，发往 ${to}，但我们是从 127.0.0.1:${from.port} 发出的。`,
      })
    : msg({ en: ' Your server sent nothing back.', 'zh-CN': '你的服务器什么也没有发回来。' });
  return msg({
    en: `sent ${sent} from 127.0.0.1:${from.port} to your server at ${server.address}; no reply within 2 s.${where} Answer each datagram at the address and port in rinfo: server.send(reply, rinfo.port, rinfo.address).`,
    'zh-CN': `从 127.0.0.1:${from.port} 向你在 ${server.address} 的服务器发送了 ${sent}；2 秒内没有回复。${where}按 rinfo 里的地址和端口回复每个数据报：server.send(reply, rinfo.port, rinfo.address)。`,
  });
}

const ACK = Buffer.from('ack:');

// The untouched starter passes this check already: it must pass, but earns nothing.
check('server-unbound', "createUdpServer() returns a 'udp4' socket that is not bound yet", { points: 0 }, async () => {
  const sub = await start();
  const server = await sub.call('server');
  if (server.alreadyBound) {
    fail(msg({
      en:
        `createUdpServer() returned a socket that binds itself (${server.port ? `it is bound to ${server.address}` : server.address}); binding it again throws ERR_SOCKET_ALREADY_BOUND. ` +
        'Return it without calling bind(): the caller decides the address (the grader binds to 127.0.0.1, port 0, so two servers never collide on a fixed port).',
      'zh-CN':
        `createUdpServer() 返回的套接字自己绑定了端口（${server.port ? `绑定在 ${server.address}` : server.address}）；再绑定一次就会抛出 ERR_SOCKET_ALREADY_BOUND。` +
        '返回它时不要调用 bind()：地址由调用方决定（评分器绑定到 127.0.0.1 的端口 0，这样两个服务器永远不会在固定端口上冲突）。',
    }));
  }
  if (server.type !== 'udp4') {
    fail(msg({ en: `createUdpServer() returned a '${server.type}' socket; create it with dgram.createSocket('udp4').`, 'zh-CN': `createUdpServer() 返回的是 '${server.type}' 套接字；请用 dgram.createSocket('udp4') 创建。` }));
  }
});

check('replies-to-sender', "answers each datagram at its sender's address and port, from the server's own port", { points: 2 }, async () => {
  const { sub, server } = await boundServer();
  const one = await Peer.open('peer#1');
  const two = await Peer.open('peer#2');
  for (const [peer, text, other] of [
    [one, 'from peer 1', two],
    [two, 'from peer 2', one],
  ] as const) {
    const otherBefore = other.inbox.length;
    const reply = await ask(peer, text, server.port);
    if (!reply) {
      if (other.inbox.length > otherBefore) {
        fail(msg({
          en: `sent "${text}" from 127.0.0.1:${peer.port}; the reply went to the other peer (127.0.0.1:${other.port}) instead. Reply to this datagram's rinfo, not to an address you kept from an earlier one.`,
          'zh-CN': `从 127.0.0.1:${peer.port} 发送了 "${text}"；回复却发给了另一个对端（127.0.0.1:${other.port}）。按这个数据报的 rinfo 回复，不要用你从之前的数据报里记下的地址。`,
        }));
      }
      fail(noReply(sub, show(text), server, peer));
    }
    if (reply.from.port !== server.port) {
      fail(msg({
        en:
          `sent "${text}" to your server at ${server.address}; the reply came from 127.0.0.1:${reply.from.port}, another port. ` +
          'Send replies from the server socket itself (server.send), not from a new socket: nc -u and any connected client drop datagrams from an address they did not send to.',
        'zh-CN':
          `向你在 ${server.address} 的服务器发送了 "${text}"；回复却来自 127.0.0.1:${reply.from.port}，另一个端口。` +
          '用服务器套接字本身发送回复（server.send），不要新建套接字：nc -u 和任何已连接（connect）的客户端都会丢弃来自它们没发过数据的地址的数据报。',
      }));
    }
    if (!reply.msg.includes(Buffer.from(text))) {
      fail(msg({ en: `sent "${text}" from 127.0.0.1:${peer.port}; the reply ${show(reply.msg)} does not contain it: is it the answer to another datagram?`, 'zh-CN': `从 127.0.0.1:${peer.port} 发送了 "${text}"；回复 ${show(reply.msg)} 里没有它：这是对另一个数据报的回复吗？` }));
    }
  }
});

check('ack-format', 'the reply is the bytes "ack:" followed by exactly the bytes received', { points: 1 }, async () => {
  const { sub, server } = await boundServer();
  const peer = await Peer.open('peer');
  const sent = Buffer.from('hello');
  const reply = await ask(peer, sent, server.port);
  if (!reply) fail(noReply(sub, show(sent), server, peer));
  const want = Buffer.concat([ACK, sent]);
  if (!reply.msg.equals(want)) {
    fail(msg({
      en: `sent ${show(sent)}, expected the reply ${show(want)} (${bytesText(want.length)}), got ${show(reply.msg)} (${bytesText(reply.msg.length)}): "ack:" then the received bytes, nothing else (no space, no newline).`,
      'zh-CN': `发送了 ${show(sent)}，回复应为 ${show(want)}（${bytesText(want.length)}），收到的是 ${show(reply.msg)}（${bytesText(reply.msg.length)}）："ack:" 后面紧跟收到的字节，别的什么都不要（没有空格，没有换行）。`,
    }));
  }
});

check('binary-safe', 'acknowledges any bytes unchanged (every byte value, not valid UTF-8)', { points: 2 }, async () => {
  const { sub, server } = await boundServer();
  const peer = await Peer.open('peer');
  const sent = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) sent[i] = 255 - i;
  const reply = await ask(peer, sent, server.port);
  if (!reply) fail(noReply(sub, msg({ en: `${bytesText(sent.length)} of binary data`, 'zh-CN': `${bytesText(sent.length)} 二进制数据` }), server, peer));
  const want = Buffer.concat([ACK, sent]);
  if (!reply.msg.equals(want)) {
    const at = firstDifference(reply.msg, want);
    const replaced = reply.msg.includes(Buffer.from([0xef, 0xbf, 0xbd]));
    fail(msg({
      en:
        `sent ${bytesText(sent.length)} (every byte value, starting ${hex(sent, 6)}), expected ${bytesText(want.length)} back ("ack:" + those bytes), got ${bytesText(reply.msg.length)}; ` +
        `they differ from byte ${at}: expected ${hex(want.subarray(at), 6)}, got ${hex(reply.msg.subarray(at), 6)}. ` +
        (replaced ? "ef bf bd is U+FFFD, the replacement character: did you turn the datagram into a string ('ack:' + msg)? " : '') +
        "Build the reply as bytes: Buffer.concat([Buffer.from('ack:'), msg]).",
      'zh-CN':
        `发送了 ${bytesText(sent.length)}（每种字节值各一个，开头是 ${hex(sent, 6)}），应收回 ${bytesText(want.length)}（"ack:" 加上这些字节），收到的是 ${bytesText(reply.msg.length)}；` +
        `从第 ${at} 个字节起不同：应为 ${hex(want.subarray(at), 6)}，收到 ${hex(reply.msg.subarray(at), 6)}。` +
        (replaced ? "ef bf bd 是 U+FFFD，即替换字符：你是不是把数据报变成了字符串（'ack:' + msg）？" : '') +
        "按字节构造回复：Buffer.concat([Buffer.from('ack:'), msg])。",
    }));
  }
});

check('empty-datagram', 'answers an empty datagram with "ack:"', { points: 1 }, async () => {
  const { sub, server } = await boundServer();
  const peer = await Peer.open('peer');
  const reply = await ask(peer, Buffer.alloc(0), server.port);
  if (!reply) {
    const sends = serverSends(sub).join(', ');
    fail(msg({
      en:
        `sent an empty datagram (0 bytes) to ${server.address}; no reply within 2 s. An empty datagram is still a datagram: ` +
        `'message' fires with a 0-byte Buffer, and it deserves the reply "ack:" like any other.${sends ? ` (Your server sent to ${sends}.)` : ''}`,
      'zh-CN':
        `向 ${server.address} 发送了一个空数据报（0 字节）；2 秒内没有回复。空数据报也是数据报：` +
        `'message' 会带着一个 0 字节的 Buffer 触发，它和别的数据报一样应得到回复 "ack:"。${sends ? `（你的服务器发往了 ${sends}。）` : ''}`,
    }));
  }
  if (!reply.msg.equals(ACK)) {
    fail(msg({ en: `sent an empty datagram, expected the reply "ack:" (4 bytes), got ${show(reply.msg)} (${bytesText(reply.msg.length)}).`, 'zh-CN': `发送了一个空数据报，回复应为 "ack:"（4 字节），收到的是 ${show(reply.msg)}（${bytesText(reply.msg.length)}）。` }));
  }
});

/** One sendDatagram() call in the learner's process. */
function send(sub: UdpSubmission, args: Omit<SendArgs, 'guardMs'>, guardMs: number) {
  return sub.call('send', { ...args, guardMs }, guardMs + 2000);
}

function described(outcome: SendOutcome): string {
  if (!outcome.settled) return msg({ en: 'had not settled', 'zh-CN': '尚未完成' });
  if (outcome.ok) {
    const value = outcome.reply?.base64 !== null ? show(Buffer.from(outcome.reply!.base64!, 'base64')) : outcome.reply?.type;
    return msg({ en: `resolved with ${value}`, 'zh-CN': `兑现为 ${value}` });
  }
  const error = `${outcome.error?.code ? `${outcome.error.code}: ` : ''}${outcome.error?.message}`;
  return msg({ en: `rejected with ${error}`, 'zh-CN': `被拒绝：${error}` });
}

check('send-gets-reply', 'sendDatagram() sends to 127.0.0.1 by default and resolves with the reply as a Buffer', { points: 2 }, async () => {
  const sub = await start();
  const answer = Buffer.from([0x70, 0x6f, 0x6e, 0x67, 0x3a, 0xff, 0x00, 0x80]);
  const peer = await Peer.open('peer', ({ from }, p) => p.socket.send(answer, from.port, from.address));
  const out = await send(sub, { base64: Buffer.from('ping').toString('base64'), asString: true, port: peer.port }, 2000);
  const call = `sendDatagram('ping', ${peer.port})`;
  if (peer.inbox.length === 0) {
    fail(msg({
      en: `${call}: our peer at 127.0.0.1:${peer.port} received nothing (the call ${described(out)}). Send the message to \`port\` at \`host\`, which defaults to '127.0.0.1'.`,
      'zh-CN': `${call}：我们在 127.0.0.1:${peer.port} 的对端什么也没收到（这次调用${described(out)}）。把消息发往 \`host\` 的 \`port\`，\`host\` 默认为 '127.0.0.1'。`,
    }));
  }
  const first = peer.inbox[0]!.msg;
  if (!first.equals(Buffer.from('ping'))) fail(msg({ en: `${call}: our peer received ${show(first)}, expected "ping".`, 'zh-CN': `${call}：我们的对端收到的是 ${show(first)}，应为 "ping"。` }));
  if (!out.settled) {
    fail(msg({
      en: `${call}: our peer answered at once with ${show(answer)}, but 2 s later the promise had not settled. Resolve it from the socket's 'message' event.`,
      'zh-CN': `${call}：我们的对端立即回复了 ${show(answer)}，但 2 秒后这个 promise 仍未完成。在套接字的 'message' 事件里兑现它。`,
    }));
  }
  if (!out.ok) fail(msg({ en: `${call}: our peer answered at once, but the call ${described(out)}.`, 'zh-CN': `${call}：我们的对端立即回复了，但这次调用${described(out)}。` }));
  const reply = out.reply!;
  if (!reply.isBuffer) {
    const value = reply.type === 'string' ? msg({ en: `a string (${show(reply.text ?? '')})`, 'zh-CN': `一个字符串（${show(reply.text ?? '')}）` }) : reply.type;
    fail(msg({
      en:
        `${call} resolved with ${value}, not a Buffer. ` +
        "Resolve with the Buffer that 'message' gives you: converting it to a string corrupts binary replies (our reply had bytes ff 00 80).",
      'zh-CN':
        `${call} 兑现的是${value}，不是 Buffer。` +
        "用 'message' 交给你的 Buffer 来兑现：把它转成字符串会破坏二进制回复（我们的回复里有字节 ff 00 80）。",
    }));
  }
  const got = Buffer.from(reply.base64!, 'base64');
  if (!got.equals(answer)) fail(msg({ en: `${call}: our peer answered ${hex(answer)}, the call resolved with ${hex(got)}.`, 'zh-CN': `${call}：我们的对端回复的是 ${hex(answer)}，这次调用兑现的却是 ${hex(got)}。` }));
});

check('send-bytes', 'sendDatagram() sends exactly the given bytes, as one datagram', { points: 1 }, async () => {
  const sub = await start();
  const peer = await Peer.open('peer', ({ from }, p) => p.socket.send('ok', from.port, from.address));
  const payload = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x61]);
  const out = await send(sub, { base64: payload.toString('base64'), port: peer.port, host: '127.0.0.1', timeoutMs: 1000 }, 2000);
  const call = `sendDatagram(<Uint8Array ${hex(payload)}>, ${peer.port}, '127.0.0.1', 1000)`;
  if (peer.inbox.length === 0) fail(msg({ en: `${call}: our peer received nothing (the call ${described(out)}).`, 'zh-CN': `${call}：我们的对端什么也没收到（这次调用${described(out)}）。` }));
  if (peer.inbox.length > 1) {
    fail(msg({ en: `${call}: our peer received ${peer.inbox.length} datagrams; one call sends one datagram.`, 'zh-CN': `${call}：我们的对端收到了 ${peer.inbox.length} 个数据报；一次调用只发送一个数据报。` }));
  }
  const got = peer.inbox[0]!.msg;
  if (!got.equals(payload)) {
    fail(msg({
      en: `${call}: our peer received ${hex(got)} (${bytesText(got.length)}); expected exactly ${hex(payload)}. Pass the Uint8Array to send() as it is, without converting it to a string.`,
      'zh-CN': `${call}：我们的对端收到的是 ${hex(got)}（${bytesText(got.length)}）；应当恰好是 ${hex(payload)}。把 Uint8Array 原样交给 send()，不要先转成字符串。`,
    }));
  }
});

check('send-concurrent', 'concurrent sendDatagram() calls each resolve with their own reply', { points: 2 }, async () => {
  const sub = await start();
  const calls = 8;
  // Collects the calls' datagrams, then answers them in reverse order, each to its sender
  // (if some are slow to come, it answers what it has after 1 s, and any later one at once).
  let answered = 0;
  const reply = ({ msg, from }: Received, p: Peer) => p.socket.send(Buffer.concat([Buffer.from('re:'), msg]), from.port, from.address);
  const answerPending = (p: Peer) => {
    const pending = p.inbox.slice(answered);
    answered = p.inbox.length;
    for (const got of pending.reverse()) reply(got, p);
  };
  let timer: NodeJS.Timeout | undefined;
  const peer = await Peer.open('peer', (_got, p) => {
    if (timer === undefined) timer = setTimeout(() => answerPending(p), 1000);
    if (p.inbox.length === calls || answered > 0) answerPending(p);
  });
  currentCheck().defer(() => clearTimeout(timer));
  const args: SendArgs[] = Array.from({ length: calls }, (_, i) => ({
    base64: Buffer.from(`call-${i}`).toString('base64'),
    asString: true,
    port: peer.port,
    host: '127.0.0.1',
    timeoutMs: 2000,
    guardMs: 3000,
  }));
  const { outcomes } = await sub.call('sendMany', args, 7000);
  for (const [i, out] of outcomes.entries()) {
    const call = msg({ en: `call ${i + 1} of ${calls} (sendDatagram('call-${i}', …))`, 'zh-CN': `${calls} 个调用中的第 ${i + 1} 个（sendDatagram('call-${i}', …)）` });
    if (!out.settled) fail(msg({ en: `${calls} calls at once: ${call} had not settled after 3 s (its timeout was 2 s).`, 'zh-CN': `同时发起 ${calls} 个调用：${call}在 3 秒后仍未完成（它的超时是 2 秒）。` }));
    if (!out.ok) {
      const inUse = out.error?.code === 'EADDRINUSE';
      fail(msg({
        en:
          `${calls} calls at once: ${call} ${described(out)}.` +
          (inUse ? ' Did you bind the client socket to a fixed port? Let the first send() bind each call\'s own socket to an ephemeral port the OS picks.' : ''),
        'zh-CN':
          `同时发起 ${calls} 个调用：${call}${described(out)}。` +
          (inUse ? '你是不是把客户端套接字绑定到了固定端口？让第一次 send() 把每个调用自己的套接字绑定到操作系统挑选的临时端口。' : ''),
      }));
    }
    const got = out.reply?.base64 != null ? Buffer.from(out.reply.base64, 'base64').toString() : String(out.reply?.text);
    if (got !== `re:call-${i}`) {
      fail(msg({
        en:
          `${calls} calls at once, answered in reverse order: ${call} resolved with ${JSON.stringify(got)}, expected "re:call-${i}". ` +
          'Each call needs a socket of its own and must resolve with the reply to its own datagram.',
        'zh-CN':
          `同时发起 ${calls} 个调用，按相反顺序回复：${call}兑现的是 ${JSON.stringify(got)}，应为 "re:call-${i}"。` +
          '每个调用都需要自己的套接字，并且要用对它自己那个数据报的回复来兑现。',
      }));
    }
  }
});

check('send-timeout', "sendDatagram() rejects with code 'ETIMEDOUT' when nobody answers", { points: 2 }, async () => {
  const sub = await start();
  const silent = await Peer.open('silent-peer');
  const out = await send(sub, { base64: Buffer.from('anyone?').toString('base64'), asString: true, port: silent.port, host: '127.0.0.1', timeoutMs: 300 }, 2500);
  const call = msg({
    en: `sendDatagram('anyone?', ${silent.port}, '127.0.0.1', 300) to a peer that never answers`,
    'zh-CN': `向一个从不回复的对端调用 sendDatagram('anyone?', ${silent.port}, '127.0.0.1', 300)`,
  });
  if (!out.settled) {
    fail(msg({
      en:
        `${call}: 2.5 s later the promise had not settled. UDP never reports a lost datagram or a silent peer: ` +
        "start a timer when you send (setTimeout(…, timeoutMs)) and reject when it fires first, with an error whose code is 'ETIMEDOUT'.",
      'zh-CN':
        `${call}：2.5 秒后这个 promise 仍未完成。UDP 从不报告丢失的数据报或沉默的对端：` +
        "发送时启动一个定时器（setTimeout(…, timeoutMs)），如果它先触发，就用一个 code 为 'ETIMEDOUT' 的错误拒绝。",
    }));
  }
  if (out.ok) fail(msg({ en: `${call}: it ${described(out)}, although nothing came back.`, 'zh-CN': `${call}：什么也没有回来，它却${described(out)}。` }));
  if (out.error?.code !== 'ETIMEDOUT') {
    fail(msg({
      en: `${call}: it ${described(out)}; expected an error whose code is 'ETIMEDOUT', e.g. Object.assign(new Error('no reply within ${300} ms'), { code: 'ETIMEDOUT' }).`,
      'zh-CN': `${call}：它${described(out)}；应为一个 code 为 'ETIMEDOUT' 的错误，例如 Object.assign(new Error('no reply within ${300} ms'), { code: 'ETIMEDOUT' })。`,
    }));
  }
  if (out.ms! < 250) fail(msg({ en: `${call}: it rejected after ${out.ms} ms, before the ${300} ms timeout was over.`, 'zh-CN': `${call}：它在 ${out.ms} 毫秒后就被拒绝了，${300} 毫秒的超时还没到。` }));
});

check('send-closes-socket', 'sendDatagram() closes its socket after a reply and after a timeout', { points: 2 }, async () => {
  const sub = await start();
  const answering = await Peer.open('peer', ({ from }, p) => p.socket.send('pong', from.port, from.address));
  const silent = await Peer.open('silent-peer');
  for (const [what, peer, timeoutMs] of [
    ['after a reply', answering, 1000],
    ['after a timeout', silent, 200],
  ] as const) {
    const out = await send(sub, { base64: Buffer.from('ping').toString('base64'), asString: true, port: peer.port, host: '127.0.0.1', timeoutMs }, 2500);
    const answers = what === 'after a reply';
    const call = msg({
      en: `sendDatagram('ping', ${peer.port}, '127.0.0.1', ${timeoutMs}) ${answers ? 'to a peer that answers' : 'to a peer that never answers'}`,
      'zh-CN': `向一个${answers ? '会回复' : '从不回复'}的对端调用 sendDatagram('ping', ${peer.port}, '127.0.0.1', ${timeoutMs})`,
    });
    if (!out.settled) fail(msg({ en: `${call}: it had not settled after 2.5 s, so its socket could not be closed either.`, 'zh-CN': `${call}：2.5 秒后它仍未完成，所以它的套接字也不可能已关闭。` }));
    if (out.sockets.length === 0) {
      fail(msg({ en: `${call}: it ${described(out)} without creating a UDP socket of its own; create a fresh one per call.`, 'zh-CN': `${call}：它没有创建自己的 UDP 套接字就${described(out)}；每次调用都要新建一个。` }));
    }
    const open = out.sockets.filter((s) => s.open);
    if (open.length > 0) {
      const sockets = open.map((s) => `${s.id}${s.address ? msg({ en: ` on ${s.address}`, 'zh-CN': ` 位于 ${s.address}` }) : ''}`).join(', ');
      fail(msg({
        en:
          `${call}: it ${described(out)}, and its socket (${sockets}) was still open 300 ms later. ` +
          'An open socket keeps its port and keeps the process alive: close it on every path, the reply, the timeout and an error.',
        'zh-CN':
          `${call}：它${described(out)}，而它的套接字（${sockets}）在 300 毫秒后仍然打开。` +
          '打开的套接字会占着端口，还会让进程一直活着：每条路径上都要关闭它——收到回复、超时、出错。',
      }));
    }
  }
});
