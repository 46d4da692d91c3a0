/**
 * Grades `createUdpServer()` and `sendDatagram()` (SPEC §4, udp): one check per requirement,
 * through real UDP sockets. The learner's code runs in its own process; the grader's peers are
 * real `dgram` sockets on 127.0.0.1, traced into the check's report.
 */
import * as dgram from 'node:dgram';
import { check, currentCheck, fail, startSubmission, type Submission } from '../../src/grade/harness.js';
import { bytesText, firstDifference, hex, show } from '../../src/grade/helpers.js';
import type { SendArgs, SendOutcome, ServerInfo, SocketState } from './grade/host.js';

const LAB = 'udp';

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

async function boundServer(): Promise<{ sub: Submission; server: ServerInfo }> {
  const sub = await startSubmission(LAB);
  const server = await sub.call<ServerInfo>('server');
  if (server.port === 0) fail(`createUdpServer() returned a socket that binds itself, and ${server.address}. Return it unbound; the caller binds it.`);
  return { sub, server };
}

/** Where the learner's server sent datagrams (its `send` calls, from the trace). */
function serverSends(sub: Submission): string[] {
  return sub.trace.filter((l) => l.type === 'event' && l.name === 'send').map((l) => String((l as { detail: { to?: unknown } }).detail.to));
}

/** Send `payload` to the learner's server from `peer`; the first reply, or undefined. */
async function ask(peer: Peer, payload: Uint8Array | string, port: number, timeoutMs = 2000): Promise<Received | undefined> {
  const before = peer.inbox.length;
  await peer.send(payload, port);
  return (await peer.received(before + 1, timeoutMs)) ? peer.inbox[before] : undefined;
}

function noReply(sub: Submission, sent: string, server: ServerInfo, from: Peer): string {
  const sends = serverSends(sub);
  const where = sends.length
    ? ` Your server did send ${sends.length === 1 ? 'a datagram' : `${sends.length} datagrams`}, to ${[...new Set(sends)].join(', ')}, but we sent from 127.0.0.1:${from.port}.`
    : ' Your server sent nothing back.';
  return `sent ${sent} from 127.0.0.1:${from.port} to your server at ${server.address}; no reply within 2 s.${where} Answer each datagram at the address and port in rinfo: server.send(reply, rinfo.port, rinfo.address).`;
}

const ACK = Buffer.from('ack:');

// The untouched starter passes this check already: it must pass, but earns nothing.
check('server-unbound', "createUdpServer() returns a 'udp4' socket that is not bound yet", { points: 0 }, async () => {
  const sub = await startSubmission(LAB);
  const server = await sub.call<ServerInfo>('server');
  if (server.alreadyBound) {
    fail(
      `createUdpServer() returned a socket that binds itself (${server.port ? `it is bound to ${server.address}` : server.address}); binding it again throws ERR_SOCKET_ALREADY_BOUND. ` +
        'Return it without calling bind(): the caller decides the address (the grader binds to 127.0.0.1, port 0, so two servers never collide on a fixed port).',
    );
  }
  if (server.type !== 'udp4') fail(`createUdpServer() returned a '${server.type}' socket; create it with dgram.createSocket('udp4').`);
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
        fail(`sent "${text}" from 127.0.0.1:${peer.port}; the reply went to the other peer (127.0.0.1:${other.port}) instead. Reply to this datagram's rinfo, not to an address you kept from an earlier one.`);
      }
      fail(noReply(sub, show(text), server, peer));
    }
    if (reply.from.port !== server.port) {
      fail(
        `sent "${text}" to your server at ${server.address}; the reply came from 127.0.0.1:${reply.from.port}, another port. ` +
          'Send replies from the server socket itself (server.send), not from a new socket: nc -u and any connected client drop datagrams from an address they did not send to.',
      );
    }
    if (!reply.msg.includes(Buffer.from(text))) {
      fail(`sent "${text}" from 127.0.0.1:${peer.port}; the reply ${show(reply.msg)} does not contain it: is it the answer to another datagram?`);
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
    fail(`sent ${show(sent)}, expected the reply ${show(want)} (${bytesText(want.length)}), got ${show(reply.msg)} (${bytesText(reply.msg.length)}): "ack:" then the received bytes, nothing else (no space, no newline).`);
  }
});

check('binary-safe', 'acknowledges any bytes unchanged (every byte value, not valid UTF-8)', { points: 2 }, async () => {
  const { sub, server } = await boundServer();
  const peer = await Peer.open('peer');
  const sent = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) sent[i] = 255 - i;
  const reply = await ask(peer, sent, server.port);
  if (!reply) fail(noReply(sub, `${bytesText(sent.length)} of binary data`, server, peer));
  const want = Buffer.concat([ACK, sent]);
  if (!reply.msg.equals(want)) {
    const at = firstDifference(reply.msg, want);
    fail(
      `sent ${bytesText(sent.length)} (every byte value, starting ${hex(sent, 6)}), expected ${bytesText(want.length)} back ("ack:" + those bytes), got ${bytesText(reply.msg.length)}; ` +
        `they differ from byte ${at}: expected ${hex(want.subarray(at), 6)}, got ${hex(reply.msg.subarray(at), 6)}. ` +
        (reply.msg.includes(Buffer.from([0xef, 0xbf, 0xbd])) ? "ef bf bd is U+FFFD, the replacement character: did you turn the datagram into a string ('ack:' + msg)? " : '') +
        "Build the reply as bytes: Buffer.concat([Buffer.from('ack:'), msg]).",
    );
  }
});

check('empty-datagram', 'answers an empty datagram with "ack:"', { points: 1 }, async () => {
  const { sub, server } = await boundServer();
  const peer = await Peer.open('peer');
  const reply = await ask(peer, Buffer.alloc(0), server.port);
  if (!reply) {
    fail(
      `sent an empty datagram (0 bytes) to ${server.address}; no reply within 2 s. An empty datagram is still a datagram: ` +
        `'message' fires with a 0-byte Buffer, and it deserves the reply "ack:" like any other.${serverSends(sub).length ? ` (Your server sent to ${serverSends(sub).join(', ')}.)` : ''}`,
    );
  }
  if (!reply.msg.equals(ACK)) fail(`sent an empty datagram, expected the reply "ack:" (4 bytes), got ${show(reply.msg)} (${bytesText(reply.msg.length)}).`);
});

/** One sendDatagram() call in the learner's process. */
function send(sub: Submission, args: Omit<SendArgs, 'guardMs'>, guardMs: number) {
  return sub.call<SendOutcome & { sockets: SocketState[] }>('send', { ...args, guardMs }, guardMs + 2000);
}

function described(outcome: SendOutcome): string {
  if (!outcome.settled) return 'had not settled';
  if (outcome.ok) return `resolved with ${outcome.reply?.base64 !== null ? show(Buffer.from(outcome.reply!.base64!, 'base64')) : outcome.reply?.type}`;
  return `rejected with ${outcome.error?.code ? `${outcome.error.code}: ` : ''}${outcome.error?.message}`;
}

check('send-gets-reply', 'sendDatagram() sends to 127.0.0.1 by default and resolves with the reply as a Buffer', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const answer = Buffer.from([0x70, 0x6f, 0x6e, 0x67, 0x3a, 0xff, 0x00, 0x80]);
  const peer = await Peer.open('peer', ({ from }, p) => p.socket.send(answer, from.port, from.address));
  const out = await send(sub, { base64: Buffer.from('ping').toString('base64'), asString: true, port: peer.port }, 2000);
  const call = `sendDatagram('ping', ${peer.port})`;
  if (peer.inbox.length === 0) {
    fail(`${call}: our peer at 127.0.0.1:${peer.port} received nothing (the call ${described(out)}). Send the message to \`port\` at \`host\`, which defaults to '127.0.0.1'.`);
  }
  if (!peer.inbox[0]!.msg.equals(Buffer.from('ping'))) fail(`${call}: our peer received ${show(peer.inbox[0]!.msg)}, expected "ping".`);
  if (!out.settled) fail(`${call}: our peer answered at once with ${show(answer)}, but 2 s later the promise had not settled. Resolve it from the socket's 'message' event.`);
  if (!out.ok) fail(`${call}: our peer answered at once, but the call ${described(out)}.`);
  const reply = out.reply!;
  if (!reply.isBuffer) {
    fail(
      `${call} resolved with ${reply.type === 'string' ? `a string (${show(reply.text ?? '')})` : reply.type}, not a Buffer. ` +
        "Resolve with the Buffer that 'message' gives you: converting it to a string corrupts binary replies (our reply had bytes ff 00 80).",
    );
  }
  const got = Buffer.from(reply.base64!, 'base64');
  if (!got.equals(answer)) fail(`${call}: our peer answered ${hex(answer)}, the call resolved with ${hex(got)}.`);
});

check('send-bytes', 'sendDatagram() sends exactly the given bytes, as one datagram', { points: 1 }, async () => {
  const sub = await startSubmission(LAB);
  const peer = await Peer.open('peer', ({ from }, p) => p.socket.send('ok', from.port, from.address));
  const payload = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0xc3, 0x28, 0x61]);
  const out = await send(sub, { base64: payload.toString('base64'), port: peer.port, host: '127.0.0.1', timeoutMs: 1000 }, 2000);
  const call = `sendDatagram(<Uint8Array ${hex(payload)}>, ${peer.port}, '127.0.0.1', 1000)`;
  if (peer.inbox.length === 0) fail(`${call}: our peer received nothing (the call ${described(out)}).`);
  if (peer.inbox.length > 1) fail(`${call}: our peer received ${peer.inbox.length} datagrams; one call sends one datagram.`);
  const got = peer.inbox[0]!.msg;
  if (!got.equals(payload)) {
    fail(`${call}: our peer received ${hex(got)} (${bytesText(got.length)}); expected exactly ${hex(payload)}. Pass the Uint8Array to send() as it is, without converting it to a string.`);
  }
});

check('send-concurrent', 'concurrent sendDatagram() calls each resolve with their own reply', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
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
  const { outcomes } = await sub.call<{ outcomes: SendOutcome[]; sockets: SocketState[] }>('sendMany', args as never, 7000);
  for (const [i, out] of outcomes.entries()) {
    const call = `call ${i + 1} of ${calls} (sendDatagram('call-${i}', …))`;
    if (!out.settled) fail(`${calls} calls at once: ${call} had not settled after 3 s (its timeout was 2 s).`);
    if (!out.ok) {
      const inUse = out.error?.code === 'EADDRINUSE';
      fail(
        `${calls} calls at once: ${call} ${described(out)}.` +
          (inUse ? ' Did you bind the client socket to a fixed port? Let the first send() bind each call\'s own socket to an ephemeral port the OS picks.' : ''),
      );
    }
    const got = out.reply?.base64 != null ? Buffer.from(out.reply.base64, 'base64').toString() : String(out.reply?.text);
    if (got !== `re:call-${i}`) {
      fail(
        `${calls} calls at once, answered in reverse order: ${call} resolved with ${JSON.stringify(got)}, expected "re:call-${i}". ` +
          'Each call needs a socket of its own and must resolve with the reply to its own datagram.',
      );
    }
  }
});

check('send-timeout', "sendDatagram() rejects with code 'ETIMEDOUT' when nobody answers", { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const silent = await Peer.open('silent-peer');
  const out = await send(sub, { base64: Buffer.from('anyone?').toString('base64'), asString: true, port: silent.port, host: '127.0.0.1', timeoutMs: 300 }, 2500);
  const call = `sendDatagram('anyone?', ${silent.port}, '127.0.0.1', 300) to a peer that never answers`;
  if (!out.settled) {
    fail(
      `${call}: 2.5 s later the promise had not settled. UDP never reports a lost datagram or a silent peer: ` +
        "start a timer when you send (setTimeout(…, timeoutMs)) and reject when it fires first, with an error whose code is 'ETIMEDOUT'.",
    );
  }
  if (out.ok) fail(`${call}: it ${described(out)}, although nothing came back.`);
  if (out.error?.code !== 'ETIMEDOUT') {
    fail(`${call}: it ${described(out)}; expected an error whose code is 'ETIMEDOUT', e.g. Object.assign(new Error('no reply within ${300} ms'), { code: 'ETIMEDOUT' }).`);
  }
  if (out.ms! < 250) fail(`${call}: it rejected after ${out.ms} ms, before the ${300} ms timeout was over.`);
});

check('send-closes-socket', 'sendDatagram() closes its socket after a reply and after a timeout', { points: 2 }, async () => {
  const sub = await startSubmission(LAB);
  const answering = await Peer.open('peer', ({ from }, p) => p.socket.send('pong', from.port, from.address));
  const silent = await Peer.open('silent-peer');
  for (const [what, peer, timeoutMs] of [
    ['after a reply', answering, 1000],
    ['after a timeout', silent, 200],
  ] as const) {
    const out = await send(sub, { base64: Buffer.from('ping').toString('base64'), asString: true, port: peer.port, host: '127.0.0.1', timeoutMs }, 2500);
    const call = `sendDatagram('ping', ${peer.port}, '127.0.0.1', ${timeoutMs}) ${what === 'after a reply' ? 'to a peer that answers' : 'to a peer that never answers'}`;
    if (!out.settled) fail(`${call}: it had not settled after 2.5 s, so its socket could not be closed either.`);
    if (out.sockets.length === 0) fail(`${call}: it ${described(out)} without creating a UDP socket of its own; create a fresh one per call.`);
    const open = out.sockets.filter((s) => s.open);
    if (open.length > 0) {
      fail(
        `${call}: it ${described(out)}, and its socket (${open.map((s) => `${s.id}${s.address ? ` on ${s.address}` : ''}`).join(', ')}) was still open 300 ms later. ` +
          'An open socket keeps its port and keeps the process alive: close it on every path, the reply, the timeout and an error.',
      );
    }
  }
});
