/**
 * Grades `createEchoServer()` (SPEC §4, tcp-echo): one check per requirement, each through real
 * sockets against the learner's server running in its own process. Every check ends its
 * connections politely (end, then wait), so a server is only ever reset by the check about resets.
 */
import type * as net from 'node:net';
import { check, fail, msg, startSubmission, type HostSubmission } from '../../src/grade/harness.js';
import { ByteReader, bytesText, closeGracefully, connectTcp, firstDifference, hex, pollUntil, show } from '../../src/grade/helpers.js';
import type { TraceEvent } from '../../src/trace/event.js';
import { echoHost } from './contract.js';

const LAB = 'tcp-echo';

/** The learner's process, its operations typed by the lab's host contract. */
type Submission = HostSubmission<typeof echoHost>;

const start = (): Promise<Submission> => startSubmission(LAB, { host: echoHost });

async function listening(): Promise<{ sub: Submission; port: number }> {
  const sub = await start();
  const { port } = await sub.call('listen');
  return { sub, port };
}

/** The learner's side of our connection: the id of the socket their server accepted for it. */
async function serverSocketFor(sub: Submission, client: net.Socket): Promise<string> {
  const remote = `127.0.0.1:${client.localPort}`;
  const ev = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, {
    what: msg({ en: `your server's "connection" event for our client (${remote})`, 'zh-CN': `你的服务器为我们的客户端（${remote}）发出的 "connection" 事件` }),
    timeoutMs: 2000,
  });
  return String(ev.detail.socket);
}

/** Wait until the learner's socket `id` has emitted `data` events adding up to `bytes`. */
async function serverReceived(sub: Submission, id: string, bytes: number, what: string): Promise<TraceEvent> {
  let total = 0;
  try {
    return await sub.waitFor(
      (e) => {
        if (e.object !== id || e.name !== 'data') return false;
        total += Number(e.detail.bytes ?? 0);
        return total >= bytes;
      },
      { what, timeoutMs: 3000 },
    );
  } catch (err) {
    if (total === 0 && sub.running && !sub.crashed) {
      fail({
        en: `we sent ${bytesText(bytes)} and waited 3 s: your server never read them (no 'data' event on its socket). Is anything reading from the socket: a 'data' listener, pipe(), for await…of?`,
        'zh-CN': `我们发送了 ${bytesText(bytes)}，等了 3 秒：你的服务器一直没有读取（它的套接字上没有 'data' 事件）。有没有东西在读取这个套接字：'data' 监听器、pipe()、for await…of？`,
      });
    }
    throw err;
  }
}

const MiB = 1024 * 1024;

// The untouched starter passes this check already: it must pass, but earns nothing.
check('returns-server', 'createEchoServer() returns a net.Server that is not listening yet', { points: 0 }, async () => {
  const sub = await start();
  const got = await sub.call('inspect');
  if (got.kind === 'undefined') fail({ en: 'createEchoServer() returned undefined: return the server you create (`return server;`).', 'zh-CN': 'createEchoServer() 返回了 undefined：请返回你创建的服务器（`return server;`）。' });
  if (got.kind === 'promise') fail({ en: 'createEchoServer() returned a Promise: return the server itself, synchronously (is the function `async`?).', 'zh-CN': 'createEchoServer() 返回了一个 Promise：请同步地返回服务器本身（这个函数是不是 `async` 的？）。' });
  if (got.kind !== 'net.Server') fail({ en: `createEchoServer() returned ${got.kind}, expected a net.Server: create it with net.createServer(…) and return it.`, 'zh-CN': `createEchoServer() 返回了 ${got.kind}，应为 net.Server：用 net.createServer(…) 创建并返回它。` });
  if (got.listening) {
    fail({
      en:
        `createEchoServer() returned a server that is already listening (on ${got.address}). Return it without calling listen(): ` +
        'whoever uses the server decides where it listens (the grader picks a free port on 127.0.0.1, a demo might pick another).',
      'zh-CN': `createEchoServer() 返回的服务器已经在监听（${got.address}）。请不调用 listen() 就返回它：由使用服务器的一方决定在哪里监听（评分器在 127.0.0.1 上选一个空闲端口，演示可能选另一个）。`,
    });
  }
});

check('echoes-interactively', 'echoes each message at once, while the connection stays open', { points: 2 }, async () => {
  const { port } = await listening();
  const client = await connectTcp(port);
  const reader = new ByteReader(client);
  const first = Buffer.from('hello\n');
  client.write(first);
  let outcome = await reader.atLeast(first.length, { timeoutMs: 2000 });
  if (outcome !== 'done') {
    if (reader.length === 0 && outcome === 'timeout') {
      fail({
        en:
          `sent ${show(first)} (${bytesText(first.length)}) and waited 2 s with the connection open: nothing came back. ` +
          'An echo server writes each chunk back as soon as it arrives. Are you collecting the data until the client ends?',
        'zh-CN': `发送了 ${show(first)}（${bytesText(first.length)}），保持连接打开等了 2 秒：什么也没有回来。回显服务器在每个数据块到达时就立即把它写回去。你是不是在收集数据，等客户端结束才回显？`,
      });
    }
    if (outcome === 'ended' || outcome === 'closed') {
      fail({
      en: `sent ${show(first)} and the server ${outcome === 'ended' ? 'ended' : 'closed'} the connection after echoing ${bytesText(reader.length)} (${show(reader.bytes())}): it should echo and stay open.`,
      'zh-CN': `发送了 ${show(first)}，服务器回显了 ${bytesText(reader.length)}（${show(reader.bytes())}）之后就${outcome === 'ended' ? '结束' : '关闭'}了连接：它应当回显，并保持连接打开。`,
    });
    }
    fail({
      en: `sent ${show(first)} (${bytesText(first.length)}), got ${bytesText(reader.length)} back within 2 s: ${show(reader.bytes())}.`,
      'zh-CN': `发送了 ${show(first)}（${bytesText(first.length)}），2 秒内收回 ${bytesText(reader.length)}：${show(reader.bytes())}。`,
    });
  }
  if (!reader.bytes().subarray(0, first.length).equals(first)) {
    fail({
      en: `sent ${show(first)}, got ${show(reader.bytes())} back: an echo sends back exactly the bytes it received.`,
      'zh-CN': `发送了 ${show(first)}，收回的是 ${show(reader.bytes())}：回显要原样送回收到的字节。`,
    });
  }
  const second = Buffer.from('are you still there?\n');
  client.write(second);
  const want = first.length + second.length;
  outcome = await reader.atLeast(want, { timeoutMs: 2000 });
  if (outcome !== 'done') {
    if (outcome === 'ended' || outcome === 'closed') {
      fail({
        en:
          `the server echoed our first message, then ${outcome === 'ended' ? 'ended' : 'closed'} the connection, so our second message ${show(second)} never came back. ` +
          'Keep the connection open for as long as the client talks: do not call end() or destroy() after the first chunk.',
        'zh-CN': `服务器回显了我们的第一条消息，然后${outcome === 'ended' ? '结束' : '关闭'}了连接，所以第二条消息 ${show(second)} 一直没有回来。只要客户端还在说话，就保持连接打开：不要在第一个数据块之后调用 end() 或 destroy()。`,
      });
    }
    fail({
      en: `sent a second message ${show(second)} on the same connection; within 2 s got ${bytesText(reader.length - first.length)} of its ${second.length} bytes back.`,
      'zh-CN': `在同一个连接上发送了第二条消息 ${show(second)}；2 秒内只收回它 ${second.length} 字节中的 ${bytesText(reader.length - first.length)}。`,
    });
  }
  const echoed = reader.bytes().subarray(first.length, want);
  if (!echoed.equals(second)) fail({ en: `sent ${show(second)} as our second message, got ${show(echoed)} back.`, 'zh-CN': `第二条消息发送了 ${show(second)}，收回的是 ${show(echoed)}。` });
  await closeGracefully(client);
});

/** Every byte value once, ordered so that it ends with a newline (0x0a). */
function allByteValues(): Buffer {
  const bytes = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) bytes[i] = (i + 11) % 256;
  return bytes;
}

check('binary-safe', 'echoes any bytes unchanged, even a UTF-8 character split across two chunks', { points: 2 }, async () => {
  const { sub, port } = await listening();
  const client = await connectTcp(port);
  const id = await serverSocketFor(sub, client);
  const reader = new ByteReader(client);

  const binary = allByteValues();
  const text = Buffer.from('naïve café: ✓ and 😀\n');
  // Cut inside the 4-byte emoji, so no decoder can see the whole character in one chunk.
  const cut = text.indexOf(Buffer.from('😀')) + 2;
  const head = text.subarray(0, cut);
  const tail = text.subarray(cut);
  const marker = Buffer.from('--netlab-end--\n');

  client.write(binary);
  client.write(head);
  // Make sure the server has read the first half of the character before the rest leaves.
  await serverReceived(sub, id, binary.length + head.length, msg({ en: `your server to read the first ${binary.length + head.length} bytes we sent`, 'zh-CN': `你的服务器读取我们发送的前 ${binary.length + head.length} 个字节` }));
  client.write(tail);
  client.write(marker);
  client.end();
  const expected = Buffer.concat([binary, text]);
  await reader.until(() => reader.bytes().includes(marker) || reader.length > 4 * (expected.length + marker.length), { timeoutMs: 3000 });
  const all = reader.bytes();
  const markerAt = all.indexOf(marker);
  const echoed = markerAt >= 0 ? all.subarray(0, markerAt) : all;
  if (echoed.equals(expected)) return;

  const sent = msg({
    en: `sent ${bytesText(expected.length)} (every byte value 0x00–0xff, then ${show(text)} split inside the 😀)`,
    'zh-CN': `发送了 ${bytesText(expected.length)}（0x00–0xff 的每一种字节值，然后是在 😀 中间拆开的 ${show(text)}）`,
  });
  const replacement = Buffer.from([0xef, 0xbf, 0xbd]);
  const at = firstDifference(expected, echoed);
  const where =
    at >= 0 && at < echoed.length
      ? msg({
          en: `; first difference at byte ${at}: expected ${hex(expected.subarray(at, at + 4))}, got ${hex(echoed.subarray(at, at + 4))}`,
          'zh-CN': `；第一处不同在第 ${at} 个字节：应为 ${hex(expected.subarray(at, at + 4))}，实际为 ${hex(echoed.subarray(at, at + 4))}`,
        })
      : '';
  if (echoed.includes(replacement) && !expected.includes(replacement)) {
    const binaryIntact = echoed.subarray(0, binary.length).equals(binary);
    if (binaryIntact) {
      fail({
        en:
          `${sent}, got ${bytesText(echoed.length)} back: the emoji split across two chunks came back as EF BF BD (U+FFFD, the replacement character)${where}. ` +
          'Decoding each chunk to a string on its own breaks characters that span chunks. Write the Buffer back as it came.',
        'zh-CN': `${sent}，收回 ${bytesText(echoed.length)}：被拆在两个数据块中的 emoji 变成了 EF BF BD（U+FFFD，替换字符）${where}。把每个数据块单独解码成字符串，会破坏跨数据块的字符。请把 Buffer 原样写回去。`,
      });
    }
    fail({
      en:
        `${sent}, got ${bytesText(echoed.length)} back${where}. Bytes that are not valid UTF-8 came back as EF BF BD (U+FFFD): ` +
        'did you convert the chunk to a string (toString(), setEncoding(), a template string)? Write the Buffer back as it came.',
      'zh-CN': `${sent}，收回 ${bytesText(echoed.length)}${where}。不是合法 UTF-8 的字节变成了 EF BF BD（U+FFFD）：你是不是把数据块转换成了字符串（toString()、setEncoding()、模板字符串）？请把 Buffer 原样写回去。`,
    });
  }
  if (echoed.length < expected.length) fail({ en: `${sent}, got only ${bytesText(echoed.length)} back${where}.`, 'zh-CN': `${sent}，只收回 ${bytesText(echoed.length)}${where}。` });
  fail({
    en: `${sent}, got ${bytesText(echoed.length)} back${where}: an echo sends back exactly the bytes it received.`,
    'zh-CN': `${sent}，收回 ${bytesText(echoed.length)}${where}：回显要原样送回收到的字节。`,
  });
});

check('isolated', 'two clients at once each get only their own bytes back', { points: 2 }, async () => {
  const { sub, port } = await listening();
  const a = await connectTcp(port, { actor: 'client#A' });
  const b = await connectTcp(port, { actor: 'client#B' });
  const [idA, idB] = [await serverSocketFor(sub, a), await serverSocketFor(sub, b)];
  const readerA = new ByteReader(a);
  const readerB = new ByteReader(b);
  const msgA = Buffer.from('from client A\n');
  const msgB = Buffer.from('from client B\n');
  a.write(msgA);
  b.write(msgB);
  // Both messages have reached the server before either client says it is done.
  await serverReceived(sub, idA, msgA.length, msg({ en: "your server to read client A's message", 'zh-CN': '你的服务器读取客户端 A 的消息' }));
  await serverReceived(sub, idB, msgB.length, msg({ en: "your server to read client B's message", 'zh-CN': '你的服务器读取客户端 B 的消息' }));
  const markerA = Buffer.from('--end of A--\n');
  const markerB = Buffer.from('--end of B--\n');
  a.end(markerA);
  b.end(markerB);
  await Promise.all([
    readerA.until(() => readerA.bytes().includes(markerA), { timeoutMs: 3000 }),
    readerB.until(() => readerB.bytes().includes(markerB), { timeoutMs: 3000 }),
  ]);
  for (const [name, other, reader, msg, marker, otherMsg] of [
    ['A', 'B', readerA, msgA, markerA, msgB],
    ['B', 'A', readerB, msgB, markerB, msgA],
  ] as const) {
    const all = reader.bytes();
    const at = all.indexOf(marker);
    const got = at >= 0 ? all.subarray(0, at) : all;
    if (got.equals(msg)) continue;
    if (got.includes(otherMsg)) {
      fail({
        en:
          `client ${name} sent ${show(msg)} and got back ${show(got)}: that includes client ${other}'s bytes. ` +
          'Each client must get only its own bytes: write to the socket the data came from, not to every connected socket.',
        'zh-CN': `客户端 ${name} 发送了 ${show(msg)}，收回的是 ${show(got)}：其中有客户端 ${other} 的字节。每个客户端只应收到自己的字节：写回数据来自的那个套接字，而不是每个已连接的套接字。`,
      });
    }
    fail({
      en: `client ${name} sent ${show(msg)} while client ${other} was connected too, and got back ${show(got)} (expected exactly ${show(msg)}).`,
      'zh-CN': `客户端 ${name} 在客户端 ${other} 也连着的时候发送了 ${show(msg)}，收回的是 ${show(got)}（应当恰好是 ${show(msg)}）。`,
    });
  }
  await Promise.all([closeGracefully(a), closeGracefully(b)]);
});

check('half-close', 'after the client ends its side, the server echoes the rest, then ends', { points: 2 }, async () => {
  const { port } = await listening();
  const client = await connectTcp(port);
  const reader = new ByteReader(client);
  const lastLine = Buffer.from('and a last line without a newline');
  const payload = Buffer.concat([Buffer.from('a first line\n'), lastLine]);
  client.end(payload);
  await reader.end({ timeoutMs: 3000 });
  const got = reader.bytes();
  const ended = reader.ended || reader.closed;
  const sent = msg({
    en: `sent ${show(payload)} (${bytesText(payload.length)}) and ended our side (half-close)`,
    'zh-CN': `发送了 ${show(payload)}（${bytesText(payload.length)}）并结束了我们这一侧（半关闭）`,
  });
  if (reader.error && !reader.ended) {
    const error = reader.error.code ?? reader.error.message;
    fail({
      en: `${sent}; the connection was reset (${error}) after ${bytesText(got.length)} came back: end() the socket instead of destroying it.`,
      'zh-CN': `${sent}；收回 ${bytesText(got.length)}之后连接被重置（${error}）：请 end() 套接字，而不是销毁它。`,
    });
  }
  if (got.equals(payload)) {
    if (ended) return;
    fail({
      en:
        `${sent}: all of it came back, but then the server never ended its side (no FIN within 3 s), so the client waits forever. ` +
        "With allowHalfOpen: true, call socket.end() once the client's 'end' arrives and you have written everything (pipe() does this for you).",
      'zh-CN': `${sent}：数据全部回来了，但服务器一直没有结束它那一侧（3 秒内没有 FIN），客户端只能永远等下去。使用 allowHalfOpen: true 时，在客户端的 'end' 到达、你也写完所有数据之后调用 socket.end()（pipe() 会替你这样做）。`,
    });
  }
  if (ended) {
    if (got.length < payload.length && payload.subarray(0, got.length).equals(got)) {
      const missing = payload.subarray(got.length);
      const lineHint = missing.equals(lastLine)
        ? msg({
            en: ' Exactly the bytes after the last newline are missing: are you waiting for a newline? When the client ends, echo what is left, then end.',
            'zh-CN': '缺的恰好是最后一个换行符之后的字节：你是不是在等换行符？客户端结束时，把剩下的回显出去，然后结束。',
          })
        : msg({
            en:
              ' Finish writing everything you received before you end the connection (end() after the last write, never destroy()).' +
              " If your echo writes later than the client's 'end' (after a timer or an await), the default allowHalfOpen: false has already" +
              ' ended your side on the next tick and those writes fail with EPIPE: create the server with allowHalfOpen: true and end() after the last write.',
            'zh-CN':
              '在结束连接之前，把收到的一切都写完（最后一次写入之后 end()，绝不 destroy()）。' +
              "如果你的回显写得比客户端的 'end' 晚（在定时器或 await 之后），默认的 allowHalfOpen: false 已经在下一个 tick 结束了你这一侧，" +
              '这些写入会以 EPIPE 失败：用 allowHalfOpen: true 创建服务器，并在最后一次写入之后 end()。',
          });
      fail({
        en: `${sent}; the server ended after echoing only ${bytesText(got.length)}: the last ${bytesText(missing.length)} (${show(missing)}) never came back.${lineHint}`,
        'zh-CN': `${sent}；服务器只回显了 ${bytesText(got.length)} 就结束了：最后的 ${bytesText(missing.length)}（${show(missing)}）一直没有回来。${lineHint}`,
      });
    }
    fail({
      en: `${sent}; got ${show(got)} back before the server ended (expected exactly what we sent).`,
      'zh-CN': `${sent}；服务器结束之前收回的是 ${show(got)}（应当恰好是我们发送的内容）。`,
    });
  }
  fail({
    en: `${sent}; within 3 s got ${show(got)} (${bytesText(got.length)}) back and no end from the server.`,
    'zh-CN': `${sent}；3 秒内收回 ${show(got)}（${bytesText(got.length)}），服务器没有结束。`,
  });
});

/** `size` bytes of numbered ASCII lines: reordering, loss or duplication shows. */
function bigPayload(size: number): Buffer {
  const line = 64;
  const buf = Buffer.alloc(size, 0x2e);
  for (let offset = 0, n = 0; offset < size; offset += line, n++) {
    buf.write(`${String(n).padStart(8, '0')} netlab backpressure `, offset, 'latin1');
    buf[Math.min(offset + line, size) - 1] = 0x0a;
  }
  return buf;
}

check('backpressure', 'a slow reader gets 32 MiB whole, and the server does not pile them up in memory', { points: 2, timeoutMs: 20_000 }, async ({ note }) => {
  const { sub, port } = await listening();
  const client = await connectTcp(port);
  const id = await serverSocketFor(sub, client);
  const payload = bigPayload(32 * MiB);
  let mismatch = -1;
  let matched = 0;
  client.pause();
  const reader = new ByteReader(client, {
    keep: false,
    onChunk(chunk, offset) {
      if (mismatch >= 0) return;
      const want = payload.subarray(offset, offset + chunk.length);
      const at = firstDifference(want, chunk);
      if (at >= 0) mismatch = offset + at;
      else matched = offset + chunk.length;
    },
  });
  client.pause();
  note(msg({ en: 'we send 32 MiB and do not read anything yet: a server that respects backpressure stops reading from us', 'zh-CN': '我们发送 32 MiB，暂时什么也不读：遵守背压的服务器会停止读取我们的数据' }));
  client.write(payload);
  client.end();
  const limit = 4 * MiB;
  const verdict = await pollUntil(
    async () => {
      const stats = (await sub.call('sockets')).find((s) => s.id === id);
      if (!stats) return undefined;
      const held = stats.bytesRead - stats.bytesWritten + stats.writableLength;
      if (stats.writableLength > limit) return { kind: 'piled-up' as const, stats };
      if (held > limit + stats.writableLength) return { kind: 'held' as const, stats, held };
      if (stats.readableLength >= stats.readableHighWaterMark) return { kind: 'stopped-reading' as const, stats };
      return undefined;
    },
    { timeoutMs: 5000, intervalMs: 20 },
  );
  if (verdict?.kind === 'piled-up') {
    const piled = bytesText(verdict.stats.writableLength);
    fail({
      en:
        `we sent 32 MiB and did not read yet; your server kept writing anyway: ${piled} piled up in the socket's write buffer (writableLength), in the server's memory. ` +
        "When socket.write() returns false, pause() reading from the client until the socket emits 'drain', then resume() — or let socket.pipe(socket) do exactly that.",
      'zh-CN': `我们发送了 32 MiB，还没有读取；你的服务器却一直在写：${piled} 堆积在套接字的写缓冲区里（writableLength），占着服务器的内存。socket.write() 返回 false 时，pause() 停止读取客户端，直到套接字发出 'drain' 再 resume()——或者让 socket.pipe(socket) 正好做这件事。`,
    });
  }
  if (verdict?.kind === 'held') {
    const read = bytesText(verdict.stats.bytesRead);
    const held = bytesText(verdict.held);
    fail({
      en:
        `we sent 32 MiB and did not read yet; your server read ${read} from us and kept ${held} of them in memory instead of sending them back. ` +
        "Echo each chunk as it comes, and stop reading (pause()) while the client is not reading yours ('drain' says when to go on) — socket.pipe(socket) does both.",
      'zh-CN': `我们发送了 32 MiB，还没有读取；你的服务器从我们这里读了 ${read}，其中 ${held} 留在内存里，没有送回。每个数据块到达就回显，并在客户端不读取时停止读取（pause()）（'drain' 告诉你何时继续）——socket.pipe(socket) 两件事都会做。`,
    });
  }
  note(msg({ en: 'now we read, as fast as we can', 'zh-CN': '现在我们尽快读取' }));
  client.resume();
  const outcome = await reader.until(() => reader.length >= payload.length || mismatch >= 0, { timeoutMs: 12_000, stallMs: 3000 });
  if (mismatch >= 0) {
    const line = Math.floor(mismatch / 64);
    fail({
      en: `sent 32 MiB of numbered lines; the echo differs from byte ${mismatch} on (line ${line}): bytes were lost, repeated or reordered.`,
      'zh-CN': `发送了 32 MiB 带编号的行；回显从第 ${mismatch} 个字节（第 ${line} 行）起不同：有字节丢失、重复或乱序。`,
    });
  }
  if (reader.length < payload.length) {
    const stats = (await sub.call('sockets').catch(() => [])).find((s) => s.id === id);
    const paused = stats && stats.readableFlowing === false && stats.writableLength === 0;
    const why =
      outcome === 'stalled' || outcome === 'timeout'
        ? paused
          ? msg({
              en: "then nothing for 3 s: your server paused reading and never resumed. After pause() on backpressure, resume() when the socket emits 'drain'.",
              'zh-CN': "之后 3 秒什么也没有：你的服务器暂停了读取，却再也没有恢复。因背压而 pause() 之后，要在套接字发出 'drain' 时 resume()。",
            })
          : msg({ en: 'then nothing for 3 s.', 'zh-CN': '之后 3 秒什么也没有。' })
        : msg({ en: `then the server ${outcome} the connection.`, 'zh-CN': `之后服务器${outcome === 'ended' ? '结束' : '关闭'}了连接。` });
    fail({
      en: `sent 32 MiB and read as fast as we could; got ${bytesText(reader.length)} back (all correct so far, up to byte ${matched}), ${why}`,
      'zh-CN': `发送了 32 MiB 并尽快读取；收回 ${bytesText(reader.length)}（到第 ${matched} 个字节为止都正确），${why}`,
    });
  }
  await reader.end({ timeoutMs: 2000 });
  await closeGracefully(client);
});

check('survives-reset', 'a client that resets its connection does not crash the server', { points: 1 }, async () => {
  const { sub, port } = await listening();
  const rude = await connectTcp(port, { actor: 'client#rude' });
  const id = await serverSocketFor(sub, rude);
  rude.write('hello\n');
  await serverReceived(sub, id, 6, msg({ en: 'your server to read our first message', 'zh-CN': '你的服务器读取我们的第一条消息' })).catch(() => undefined);
  // RST instead of FIN: the server's next read fails with ECONNRESET.
  rude.resetAndDestroy();
  await sub
    .waitFor((e) => e.object === id && e.name === 'close', { what: msg({ en: "your server's socket to close after the reset", 'zh-CN': '重置之后你的服务器的套接字关闭' }), timeoutMs: 2000 })
    .catch(() => undefined);
  if (sub.crashed || !sub.running) {
    fail({
      en:
        "a client reset its connection (ECONNRESET) and your whole server crashed. An 'error' event that nobody listens to is thrown: " +
        "add socket.on('error', …) for every connection, so one bad client cannot take the server down.",
      'zh-CN': "一个客户端重置了连接（ECONNRESET），你的整个服务器就崩溃了。没有监听器的 'error' 事件会被抛出：为每个连接加上 socket.on('error', …)，这样一个出问题的客户端不会拖垮服务器。",
    });
  }
  const polite = await connectTcp(port, { actor: 'client#polite' });
  const reader = new ByteReader(polite);
  const next = Buffer.from('still there?\n');
  polite.end(next);
  await reader.atLeast(next.length, { timeoutMs: 3000 });
  if (sub.crashed || !sub.running) {
    fail({ en: 'after a client reset its connection, your server crashed while serving the next client.', 'zh-CN': '一个客户端重置连接之后，你的服务器在服务下一个客户端时崩溃了。' });
  }
  if (!reader.bytes().equals(next)) {
    fail({
      en: `after a client reset its connection, the next client sent ${show(next)} and got ${show(reader.bytes())} back.`,
      'zh-CN': `一个客户端重置连接之后，下一个客户端发送了 ${show(next)}，收回的是 ${show(reader.bytes())}。`,
    });
  }
  await closeGracefully(polite);
});
