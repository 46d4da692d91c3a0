/**
 * Grades `createFirehose(totalBytes)`: one check per requirement, each through real TCP clients
 * against the learner's server in its own process. What the server does with its buffer is
 * measured inside that process (grade/host.ts watches every write); what arrives is measured
 * here. Checks judge counts and orders of events, never how fast this machine happens to be:
 * time limits only bound waits for something that, done right, happens at once.
 */
import type * as net from 'node:net';
import { check, fail, msg, startSubmission, type CheckContext, type HostSubmission } from '../../src/grade/harness.js';
import { ByteReader, bytesText, connectTcp, formatBytes, pollUntil } from '../../src/grade/helpers.js';
import { firehoseHost, type SocketReport } from './contract.js';
import { expectedByte, patternMismatch } from './pattern.js';

const LAB = 'backpressure';
const KiB = 1024;
const MiB = 1024 * KiB;
/** The contract's bound: writableHighWaterMark plus one chunk of at most 64 KiB. */
const CHUNK_ALLOWANCE = 64 * KiB;
/** How long a client stays paused where the contract says "for seconds". */
const PAUSE_MS = 1500;
/** A transfer that made no progress for this long has stopped (done right, bytes flow at once). */
const STALL_MS = 3000;

/** Patience with a learner process that is busy (writing a whole stream in one go blocks its event loop for a while). */
const CALL_MS = 12_000;

const drainHint = () => msg({ en: "wait for 'drain' when write() returns false", 'zh-CN': "write() 返回 false 时要等待 'drain'" });

type Submission = HostSubmission<typeof firehoseHost>;

const start = (): Promise<Submission> => startSubmission(LAB, { host: firehoseHost });

/** A fresh learner process with a firehose of `totalBytes` listening; resolves with its port. */
async function firehose(totalBytes: number, sub?: Submission, timeoutMs?: number): Promise<{ sub: Submission; port: number }> {
  sub ??= await start();
  const { port } = await sub.call('listen', { totalBytes }, timeoutMs);
  return { sub, port };
}

/** The learner's socket for our `client`, as the host reports it (it may take a moment to be accepted). */
async function serverSide(sub: Submission, client: net.Socket): Promise<SocketReport | undefined> {
  const remote = `127.0.0.1:${client.localPort}`;
  return pollUntil(async () => (await sub.call('sockets', null, CALL_MS)).find((s) => s.remote === remote), { timeoutMs: 3000, intervalMs: 20 });
}

/** Connect, and stop reading at once: a client that is busy elsewhere. */
async function pausedClient(port: number, actor?: string): Promise<{ client: net.Socket; reader: ByteReader }> {
  const client = await connectTcp(port, actor ? { actor } : {});
  const reader = new ByteReader(client, { keep: false });
  client.pause();
  return { client, reader };
}

/**
 * Wait until the learner's writer for `client` has met backpressure (a write() returned false)
 * or has plainly stopped writing; fails the check if it never wrote anything at all.
 */
async function untilBackpressure(sub: Submission, client: net.Socket, what: string): Promise<SocketReport> {
  const remote = `127.0.0.1:${client.localPort}`;
  let last: SocketReport | undefined;
  let lastBytes = -1;
  let still = 0;
  const found = await pollUntil(
    async () => {
      last = (await sub.call('sockets', null, CALL_MS)).find((s) => s.remote === remote) ?? last;
      if (!last) return undefined;
      if (last.falseReturns > 0 || last.peakWritableLength > last.writableHighWaterMark + CHUNK_ALLOWANCE) return last;
      // Writing nothing more for a while without ever meeting backpressure: judge what we have.
      still = last.bytes === lastBytes ? still + 1 : 0;
      lastBytes = last.bytes;
      return still >= 40 ? last : undefined;
    },
    { timeoutMs: 2 * STALL_MS, intervalMs: 25 },
  );
  const report = found ?? last;
  if (!report || report.bytes === 0) {
    fail(
      msg({
        en:
          `${what}: your server wrote nothing to our connection${report ? '' : ' (it never accepted it)'}. ` +
          'A firehose starts writing as soon as a client connects: socket.write(chunk) in the connection listener.',
        'zh-CN': `${what}：你的服务器没有向我们的连接写入任何东西${report ? '' : '（它根本没有接受这个连接）'}。客户端一连上，firehose 就要开始写：在 connection 监听器里调用 socket.write(chunk)。`,
      }),
    );
  }
  return report;
}

const connectedAndPaused = () => msg({ en: 'our client connected and paused', 'zh-CN': '我们的客户端连上后暂停了读取' });

/** Read until `want` bytes, the peer's end/close, or no progress for {@link STALL_MS}. */
function readAll(reader: ByteReader, want: number, ctx: CheckContext) {
  reader.socket.resume();
  return reader.until(() => reader.length >= want, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
}

/** Why a read stopped short, in words. */
function whyShort(outcome: string, reader: ByteReader): string {
  if (reader.error && !reader.ended) {
    const code = reader.error.code ?? reader.error.message;
    return msg({ en: `then the connection was reset (${code})`, 'zh-CN': `随后连接被重置（${code}）` });
  }
  if (reader.ended || reader.closed) return msg({ en: 'then your server ended the connection', 'zh-CN': '随后你的服务器结束了连接' });
  return outcome === 'timeout'
    ? msg({ en: 'then time ran out', 'zh-CN': '随后时间用完了' })
    : msg({ en: `then nothing more came for ${STALL_MS / 1000} s`, 'zh-CN': `随后 ${STALL_MS / 1000} 秒内再没有数据到达` });
}

check('exact-bytes', 'each client gets exactly totalBytes bytes, byte i being i % 256 (0 and sizes that do not fill the last chunk too)', { points: 2 }, async (ctx) => {
  const sizes = [0, 1, 255, 1000, 16 * KiB, 64 * KiB, 64 * KiB + 1, 200_000, MiB + 3];
  const sub = await start();
  ctx.note(
    msg({
      en: `one server per size (${sizes.join(', ')} bytes), one client each, reading as fast as it can`,
      'zh-CN': `每个大小（${sizes.join(', ')} 字节）一个服务器，各配一个客户端，以最快速度读取`,
    }),
  );
  const results = await Promise.all(
    sizes.map(async (size) => {
      const { port } = await firehose(size, sub);
      const client = await connectTcp(port, { actor: `client(${size})` });
      let mismatch = -1;
      let got = -1;
      const reader = new ByteReader(client, {
        keep: false,
        onChunk(chunk, offset) {
          if (mismatch >= 0) return;
          const at = patternMismatch(chunk, offset);
          if (at >= 0) {
            mismatch = offset + at;
            got = chunk[at]!;
          }
        },
      });
      // Past `size`, wait a little for bytes that should not come (the FIN is another check's business).
      const outcome = await reader.until(() => reader.ended || reader.closed || reader.length > size, { timeoutMs: 10_000, stallMs: size === 0 ? 1000 : STALL_MS });
      return { size, reader, outcome, mismatch, got };
    }),
  );
  for (const { size, reader, outcome, mismatch, got } of results) {
    const call = `createFirehose(${size})`;
    if (mismatch >= 0) {
      fail(
        msg({
          en:
            `${call}: byte ${mismatch} of the stream should be ${expectedByte(mismatch)} (${mismatch} % 256), got ${got}. ` +
            'Byte i is i % 256 counted over the whole stream, not within each chunk: does your pattern start again at 0 in every chunk?',
          'zh-CN': `${call}：流的第 ${mismatch} 个字节应为 ${expectedByte(mismatch)}（${mismatch} % 256），实际是 ${got}。第 i 个字节是 i % 256，按整个流计数，而不是在每个数据块内计数：你的模式是不是在每个数据块里又从 0 开始了？`,
        }),
      );
    }
    if (reader.length > size) {
      fail(
        msg({
          en: `${call}: got more than ${bytesText(size)} (at least ${bytesText(reader.length)}). The last chunk must be cut to what is left: Math.min(CHUNK, totalBytes - sent).`,
          'zh-CN': `${call}：收到的超过了 ${bytesText(size)}（至少 ${bytesText(reader.length)}）。最后一个数据块要截成剩下的长度：Math.min(CHUNK, totalBytes - sent)。`,
        }),
      );
    }
    if (reader.length < size) {
      const missing = size - reader.length;
      const ended = reader.ended || reader.closed;
      const hint =
        ended && missing < 64 * KiB
          ? msg({
              en: ` The last ${bytesText(missing)} ${missing === 1 ? 'is' : 'are'} missing: when totalBytes is not a multiple of your chunk size, send the shorter last chunk too.`,
              'zh-CN': `最后 ${bytesText(missing)} 没有收到：totalBytes 不是你的数据块大小的整数倍时，也要发送较短的最后一块。`,
            })
          : reader.length === 0 && !ended
            ? msg({ en: ' Nothing arrived at all: write the stream in the connection listener.', 'zh-CN': '什么都没有收到：在 connection 监听器里写出这个流。' })
            : '';
      fail(
        msg({
          en: `${call}: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}.${hint}`,
          'zh-CN': `${call}：收到 ${bytesText(size)} 中的 ${bytesText(reader.length)}，${whyShort(outcome, reader)}。${hint}`,
        }),
      );
    }
  }
});

check('ends-cleanly', 'the server ends each connection with a FIN right after the last byte (at once for 0 bytes)', { points: 1 }, async (ctx) => {
  const sub = await start();
  for (const size of [0, 300_000]) {
    const { port } = await firehose(size, sub);
    const client = await connectTcp(port, { actor: `client(${size})` });
    const reader = new ByteReader(client, { keep: false });
    ctx.note(msg({ en: `createFirehose(${size}): we read everything and wait for the server's FIN`, 'zh-CN': `createFirehose(${size})：我们读取全部数据，并等待服务器的 FIN` }));
    const outcome = await reader.until(() => reader.ended || reader.closed, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
    const call = `createFirehose(${size})`;
    if (reader.error && !reader.ended) {
      const code = reader.error.code ?? reader.error.message;
      fail(
        msg({
          en: `${call}: after ${bytesText(reader.length)} the connection was reset (${code}) instead of ended: finish with socket.end(), which sends a FIN once every buffered byte is out; destroy() throws them away.`,
          'zh-CN': `${call}：收到 ${bytesText(reader.length)} 之后，连接被重置（${code}），而不是正常结束：用 socket.end() 收尾，它会在缓冲的字节全部发出后再发送 FIN；destroy() 会把它们丢掉。`,
        }),
      );
    }
    if (!reader.ended) {
      fail(
        size === 0
          ? msg({
              en: `${call}: we connected and waited ${STALL_MS / 1000} s: no FIN. With nothing to send, end the connection at once (socket.end()) — is your end() only reached inside the write loop?`,
              'zh-CN': `${call}：我们连上后等了 ${STALL_MS / 1000} 秒：没有 FIN。没有东西要发送时，应立即结束连接（socket.end()）——你的 end() 是不是只在写循环里才会执行到？`,
            })
          : msg({
              en: `${call}: got ${bytesText(reader.length)}, then no FIN for ${STALL_MS / 1000} s (${outcome}): call socket.end() after the last write, so the client knows the stream is complete.`,
              'zh-CN': `${call}：收到 ${bytesText(reader.length)}，之后 ${STALL_MS / 1000} 秒内没有 FIN（${outcome}）：在最后一次写入后调用 socket.end()，客户端才知道流已经完整。`,
            }),
      );
    }
    const mine = await serverSide(sub, client);
    if (mine && !mine.ended) {
      fail(
        msg({
          en: `${call}: the connection closed, but your code never called end() on the socket (it was destroyed): end() is the clean way, it sends what is buffered first and then the FIN.`,
          'zh-CN': `${call}：连接关闭了，但你的代码从未对这个套接字调用 end()（它是被销毁的）：end() 才是干净的做法，它先发出缓冲的数据，再发送 FIN。`,
        }),
      );
    }
  }
});

check('half-close', 'a client that ends its own side at once still gets every byte', { points: 1 }, async (ctx) => {
  const size = 16 * MiB;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note(
    msg({
      en: 'we end our side at once (half-close: we send nothing more, but we will read), and read only once your server has seen our FIN',
      'zh-CN': '我们立即结束自己这一端（半关闭：不再发送，但仍会读取），等你的服务器看到我们的 FIN 之后才开始读取',
    }),
  );
  client.end();
  const mine = await serverSide(sub, client);
  // Your socket's 'end' is the moment Node would end your side too (allowHalfOpen: false); a server that never reads never sees it.
  if (mine) await sub.waitFor((e) => e.object === mine.id && e.name === 'end', { what: msg({ en: "your socket's 'end'", 'zh-CN': "你的套接字的 'end' 事件" }), timeoutMs: 2000 }).catch(() => undefined);
  const outcome = await readAll(reader, size, ctx);
  if (reader.length === 0) {
    fail(
      msg({
        en: `we connected, ended our side at once (half-close) and read: nothing arrived, ${whyShort(outcome, reader)}. Write the stream in the connection listener.`,
        'zh-CN': `我们连上后立即结束了自己这一端（半关闭）并读取：什么都没有收到，${whyShort(outcome, reader)}。在 connection 监听器里写出这个流。`,
      }),
    );
  }
  if (reader.length < size) {
    fail(
      msg({
        en:
          `we connected, ended our side at once (half-close) and read: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}. ` +
          "With the default allowHalfOpen: false, Node ends your side as soon as the client's FIN arrives. Create the server with net.createServer({ allowHalfOpen: true }, …) and end it yourself after the last byte.",
        'zh-CN': `我们连上后立即结束了自己这一端（半关闭）并读取：收到 ${bytesText(size)} 中的 ${bytesText(reader.length)}，${whyShort(outcome, reader)}。在默认的 allowHalfOpen: false 下，客户端的 FIN 一到，Node 就会结束你这一端。用 net.createServer({ allowHalfOpen: true }, …) 创建服务器，并在最后一个字节之后自己结束连接。`,
      }),
    );
  }
});

check('bounded-buffer', "while a client pauses, the socket's buffer stays within writableHighWaterMark plus one chunk", { points: 2, timeoutMs: 20_000 }, async (ctx) => {
  const size = 64 * MiB;
  const bursts = 6;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note(
    msg({
      en: `createFirehose(${formatBytes(size)}); our client reads nothing for ${PAUSE_MS / 1000} s, then reads ${bursts} bursts of 2 MiB, pausing after each until your writer meets backpressure again`,
      'zh-CN': `createFirehose(${formatBytes(size)})；我们的客户端 ${PAUSE_MS / 1000} 秒内什么都不读，然后分 ${bursts} 次、每次读 2 MiB，每次读完都暂停，直到你的写入方再次遇到背压`,
    }),
  );
  await untilBackpressure(sub, client, connectedAndPaused());
  await new Promise((r) => setTimeout(r, Math.min(PAUSE_MS, ctx.remainingMs())));
  const paused = (await serverSide(sub, client))!;
  // Each burst makes room, so your writer gets a 'drain' and writes until the next false: every step of the loop is exercised several times.
  let latest = paused;
  for (let i = 1; i <= bursts && !reader.ended && !reader.closed; i++) {
    const before = latest.falseReturns;
    client.resume();
    await reader.until(() => reader.length >= i * 2 * MiB, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
    client.pause();
    latest =
      (await pollUntil(
        async () => {
          const s = await serverSide(sub, client);
          return s && (s.falseReturns > before || s.ended || s.destroyed) ? s : undefined;
        },
        { timeoutMs: 1000, intervalMs: 20 },
      )) ?? latest;
  }
  const after = (await serverSide(sub, client)) ?? latest;
  const hwm = paused.writableHighWaterMark;
  const limit = hwm + CHUNK_ALLOWANCE;
  for (const [when, s] of [
    [msg({ en: 'while the client paused', 'zh-CN': '在客户端暂停期间' }), paused],
    [msg({ en: 'once the client read again', 'zh-CN': '在客户端恢复读取之后' }), after],
  ] as const) {
    if (s.peakWritableLength > limit) {
      fail(
        msg({
          en:
            `your socket held ${formatBytes(s.peakWritableLength)} in writableLength ${when} (its writableHighWaterMark is ${formatBytes(hwm)}, the bound ${formatBytes(limit)}): ${drainHint()}.` +
            (s.writesBeforeDrain > 0 ? ` ${s.writesBeforeDrain} write() calls came after a false and before the 'drain'.` : ''),
          'zh-CN':
            `${when}，你的套接字的 writableLength 达到了 ${formatBytes(s.peakWritableLength)}（它的 writableHighWaterMark 是 ${formatBytes(hwm)}，上限为 ${formatBytes(limit)}）：${drainHint()}。` +
            (s.writesBeforeDrain > 0 ? `有 ${s.writesBeforeDrain} 次 write() 调用发生在返回 false 之后、'drain' 之前。` : ''),
        }),
      );
    }
    if (s.writesBeforeDrain > 0) {
      const first = s.firstBeforeDrain!;
      fail(
        msg({
          en:
            `${when}, your code called write() ${s.writesBeforeDrain} time(s) after write() had returned false and before the socket emitted 'drain' ` +
            `(the first with ${formatBytes(first.writableLength)} already waiting in writableLength): ${drainHint()}, and only then write again. ` +
            "Registering socket.on('drain', …) on every false adds one more listener each time: use once().",
          'zh-CN': `${when}，在 write() 已经返回 false 之后、套接字发出 'drain' 之前，你的代码又调用了 ${s.writesBeforeDrain} 次 write()（第一次调用时 writableLength 中已有 ${formatBytes(first.writableLength)} 在等待）：${drainHint()}，之后才能再写。每次遇到 false 都注册 socket.on('drain', …) 会每次多加一个监听器：请用 once()。`,
        }),
      );
    }
  }
  if (paused.falseReturns === 0) {
    fail(
      msg({
        en:
          `while our client paused, your server wrote ${bytesText(paused.bytes)} of ${formatBytes(size)} and stopped, but write() never returned false: ` +
          'it stopped for another reason. Write until write() returns false, then wait for the drain.',
        'zh-CN': `在我们的客户端暂停期间，你的服务器写了 ${formatBytes(size)} 中的 ${bytesText(paused.bytes)} 就停下了，但 write() 从未返回 false：它是因为别的原因停下的。一直写到 write() 返回 false，然后等待 'drain'。`,
      }),
    );
  }
});

check('bounded-memory', 'the payload is made as it is sent: memory stays bounded, whatever totalBytes is', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 128 * MiB;
  const { sub, port } = await firehose(size, undefined, 15_000);
  const { client } = await pausedClient(port);
  ctx.note(
    msg({
      en: `createFirehose(${formatBytes(size)}); our client connects and reads nothing for ${PAUSE_MS / 1000} s while we watch your process's memory`,
      'zh-CN': `createFirehose(${formatBytes(size)})；我们的客户端连上后 ${PAUSE_MS / 1000} 秒内什么都不读，同时我们观察你的进程的内存`,
    }),
  );
  await untilBackpressure(sub, client, connectedAndPaused());
  await sub.call('memory', { reset: true }, CALL_MS);
  await new Promise((r) => setTimeout(r, Math.min(PAUSE_MS, ctx.remainingMs())));
  const memory = await sub.call('memory', null, CALL_MS);
  const limit = 32 * MiB;
  if (memory.peakOutsideBuffers > limit) {
    fail(
      msg({
        en:
          `while our client paused, your process held ${formatBytes(memory.peakOutsideBuffers)} of buffers outside the socket's own buffer (its writableLength was ${formatBytes(memory.peakInBuffers)}) ` +
          `for a ${formatBytes(size)} stream. Memory must not grow with totalBytes: make each chunk just before you write it, instead of preparing the whole stream up front.`,
        'zh-CN': `在我们的客户端暂停期间，为一个 ${formatBytes(size)} 的流，你的进程在套接字自己的缓冲区之外占用了 ${formatBytes(memory.peakOutsideBuffers)} 的 Buffer（套接字的 writableLength 为 ${formatBytes(memory.peakInBuffers)}）。内存不能随 totalBytes 增长：每个数据块在写入前才生成，而不是预先准备好整个流。`,
      }),
    );
  }
});

check('resumes-after-pause', 'a client that pauses for seconds gets every byte once it reads again', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 32 * MiB;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note(
    msg({
      en: `createFirehose(${formatBytes(size)}); our client reads nothing for ${PAUSE_MS / 1000} s, then reads everything`,
      'zh-CN': `createFirehose(${formatBytes(size)})；我们的客户端 ${PAUSE_MS / 1000} 秒内什么都不读，然后读取全部数据`,
    }),
  );
  await untilBackpressure(sub, client, connectedAndPaused());
  await new Promise((r) => setTimeout(r, Math.min(PAUSE_MS, ctx.remainingMs())));
  ctx.note(msg({ en: 'now we read', 'zh-CN': '现在开始读取' }));
  const outcome = await readAll(reader, size, ctx);
  if (reader.length < size) {
    const mine = await serverSide(sub, client);
    fail(
      msg({
        en:
          `our client paused for ${PAUSE_MS / 1000} s, then read: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}. ` +
          (mine && mine.drains > 0
            ? `Your socket emitted 'drain' ${mine.drains} time(s); after each one, write again until write() returns false, and so on to the end.`
            : "After write() returns false, go on writing when the socket emits 'drain' (socket.once('drain', writeMore))."),
        'zh-CN':
          `我们的客户端暂停了 ${PAUSE_MS / 1000} 秒，然后读取：收到 ${bytesText(size)} 中的 ${bytesText(reader.length)}，${whyShort(outcome, reader)}。` +
          (mine && mine.drains > 0
            ? `你的套接字发出了 ${mine.drains} 次 'drain'；每次之后都要继续写，直到 write() 返回 false，如此反复直到结束。`
            : "write() 返回 false 之后，要在套接字发出 'drain' 时继续写（socket.once('drain', writeMore)）。"),
      }),
    );
  }
});

check('independent-clients', 'a paused client does not hold up another', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 16 * MiB;
  const { sub, port } = await firehose(size);
  const a = await pausedClient(port, 'client#A');
  ctx.note(msg({ en: 'client#A connects and reads nothing; then client#B connects and reads everything', 'zh-CN': 'client#A 连上后什么都不读；然后 client#B 连上并读取全部数据' }));
  await untilBackpressure(sub, a.client, msg({ en: 'client#A connected and paused', 'zh-CN': 'client#A 连上后暂停了读取' }));
  const b = await connectTcp(port, { actor: 'client#B' });
  const readerB = new ByteReader(b, { keep: false });
  const outcome = await readAll(readerB, size, ctx);
  if (readerB.length < size) {
    fail(
      msg({
        en:
          `client#A paused; client#B read as fast as it could and got ${bytesText(readerB.length)} of ${bytesText(size)}, ${whyShort(outcome, readerB)}. ` +
          "Serve every connection on its own: keep each client's progress and its wait for 'drain' inside the connection listener, not in variables shared by all, and never wait for one client before serving the next.",
        'zh-CN': `client#A 暂停了；client#B 以最快速度读取，收到 ${bytesText(size)} 中的 ${bytesText(readerB.length)}，${whyShort(outcome, readerB)}。每个连接要各自服务：把每个客户端的进度和它对 'drain' 的等待放在 connection 监听器内部，而不是放在所有连接共用的变量里；也绝不要等一个客户端完成后才服务下一个。`,
      }),
    );
  }
});

check('client-leaves', 'a client that leaves midway stops the production for it at once; no crash, others still served', { points: 2, timeoutMs: 20_000 }, async (ctx) => {
  // Far more than TCP's buffers can hold (they grow to tens of MiB for a client that reads): the server is still producing when we leave.
  const size = 256 * MiB;
  const enough = 4 * MiB;
  const { sub, port } = await firehose(size);
  const rude = await connectTcp(port, { actor: 'client#leaving' });
  const remote = `127.0.0.1:${rude.localPort}`;
  const mine = await serverSide(sub, rude);
  // Leave the moment 1 MiB has arrived: destroy() with data still unread, so the kernel answers the server's next write with a reset.
  const reader = new ByteReader(rude, {
    keep: false,
    onChunk: (chunk, offset) => {
      if (offset + chunk.length >= MiB) rude.destroy();
    },
  });
  const outcome = await reader.until(() => rude.destroyed, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
  if (reader.length < MiB) {
    fail(
      msg({
        en: `our client waited for its first ${formatBytes(MiB)}: got ${bytesText(reader.length)}, ${whyShort(outcome, reader)}.`,
        'zh-CN': `我们的客户端等待最初的 ${formatBytes(MiB)}：收到 ${bytesText(reader.length)}，${whyShort(outcome, reader)}。`,
      }),
    );
  }
  ctx.note(msg({ en: `our client read ${formatBytes(reader.length)} and left (destroy() with data unread)`, 'zh-CN': `我们的客户端读了 ${formatBytes(reader.length)} 后离开（还有数据未读就调用了 destroy()）` }));
  if (mine) {
    await sub
      .waitFor((e) => e.object === mine.id && e.name === 'close', { what: msg({ en: "your server's socket to close after our client left", 'zh-CN': '我们的客户端离开后，你的服务器的套接字关闭' }), timeoutMs: STALL_MS })
      .catch(() => undefined);
  }
  if (sub.crashed || !sub.running) {
    fail(
      msg({
        en:
          `our client left midway (after ${formatBytes(reader.length)}) and your server crashed: the socket emitted 'error' (EPIPE or ECONNRESET) and nothing listened for it, so Node threw it. ` +
          "Add socket.on('error', …) for every connection.",
        'zh-CN': `我们的客户端中途离开（收到 ${formatBytes(reader.length)} 之后），你的服务器崩溃了：套接字发出了 'error'（EPIPE 或 ECONNRESET），却没有监听器处理它，于是 Node 把它抛了出来。为每个连接加上 socket.on('error', …)。`,
      }),
    );
  }
  const next = await connectTcp(port, { actor: 'client#next' });
  const nextReader = new ByteReader(next, { keep: false });
  const nextOutcome = await readAll(nextReader, enough, ctx);
  if (sub.crashed || !sub.running) fail(msg({ en: 'after a client left midway, your server crashed while serving the next client.', 'zh-CN': '一个客户端中途离开之后，你的服务器在服务下一个客户端时崩溃了。' }));
  // By our client's address when the server was too busy to report its socket in time: the
  // writes after destroy are judged either way.
  // Judged once the server's socket for our client is destroyed (its writes after that are the
  // question), not at whatever moment the query lands: until then, no write is "after destroy".
  const leftSocket = async () => (await sub.call('sockets', null, CALL_MS)).find((s) => (mine ? s.id === mine.id : s.remote === remote));
  const after = (await pollUntil(async () => ((await leftSocket())?.destroyed ? leftSocket() : undefined), { timeoutMs: STALL_MS })) ?? (await leftSocket());
  if (after && after.writesAfterDestroy > 0) {
    fail(
      msg({
        en:
          `our client left after ${formatBytes(reader.length)}; your code then called write() ${after.writesAfterDestroy} more time(s) on its failed or destroyed socket ` +
          `(${formatBytes(after.bytes)} written to it in all). Stop producing for a socket once it is destroyed: check socket.destroyed (or listen for 'close') before the next write, ` +
          'and treat an error in a write callback as the end.',
        'zh-CN': `我们的客户端在收到 ${formatBytes(reader.length)} 后离开；之后你的代码又在它已出错或已销毁的套接字上调用了 ${after.writesAfterDestroy} 次 write()（总共向它写了 ${formatBytes(after.bytes)}）。套接字一旦销毁，就停止为它生成数据：下一次写入前检查 socket.destroyed（或监听 'close'），并把写入回调中的错误当作结束。`,
      }),
    );
  }
  if (nextReader.length < enough) {
    fail(
      msg({
        en: `after a client left midway, the next client waited for its first ${formatBytes(enough)} and got ${bytesText(nextReader.length)}, ${whyShort(nextOutcome, nextReader)}: the server must go on serving others.`,
        'zh-CN': `一个客户端中途离开之后，下一个客户端等待最初的 ${formatBytes(enough)}，收到 ${bytesText(nextReader.length)}，${whyShort(nextOutcome, nextReader)}：服务器必须继续服务其他客户端。`,
      }),
    );
  }
});
