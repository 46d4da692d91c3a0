/**
 * Grades `createFirehose(totalBytes)`: one check per requirement, each through real TCP clients
 * against the learner's server in its own process. What the server does with its buffer is
 * measured inside that process (grade/host.ts watches every write); what arrives is measured
 * here. Checks judge counts and orders of events, never how fast this machine happens to be:
 * time limits only bound waits for something that, done right, happens at once.
 */
import type * as net from 'node:net';
import { check, fail, startSubmission, type CheckContext, type TypedSubmission } from '../../src/grade/harness.js';
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

const DRAIN_HINT = "wait for 'drain' when write() returns false";

type Submission = TypedSubmission<NonNullable<typeof firehoseHost.ops>>;

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
      `${what}: your server wrote nothing to our connection${report ? '' : ' (it never accepted it)'}. ` +
        'A firehose starts writing as soon as a client connects: socket.write(chunk) in the connection listener.',
    );
  }
  return report;
}

/** Read until `want` bytes, the peer's end/close, or no progress for {@link STALL_MS}. */
function readAll(reader: ByteReader, want: number, ctx: CheckContext) {
  reader.socket.resume();
  return reader.until(() => reader.length >= want, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
}

/** Why a read stopped short, in words. */
function whyShort(outcome: string, reader: ByteReader): string {
  if (reader.error && !reader.ended) return `then the connection was reset (${reader.error.code ?? reader.error.message})`;
  if (reader.ended || reader.closed) return 'then your server ended the connection';
  return outcome === 'timeout' ? 'then time ran out' : `then nothing more came for ${STALL_MS / 1000} s`;
}

check('exact-bytes', 'each client gets exactly totalBytes bytes, byte i being i % 256 (0 and sizes that do not fill the last chunk too)', { points: 2 }, async (ctx) => {
  const sizes = [0, 1, 255, 1000, 16 * KiB, 64 * KiB, 64 * KiB + 1, 200_000, MiB + 3];
  const sub = await start();
  ctx.note(`one server per size (${sizes.join(', ')} bytes), one client each, reading as fast as it can`);
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
        `${call}: byte ${mismatch} of the stream should be ${expectedByte(mismatch)} (${mismatch} % 256), got ${got}. ` +
          'Byte i is i % 256 counted over the whole stream, not within each chunk: does your pattern start again at 0 in every chunk?',
      );
    }
    if (reader.length > size) {
      fail(`${call}: got more than ${bytesText(size)} (at least ${bytesText(reader.length)}). The last chunk must be cut to what is left: Math.min(CHUNK, totalBytes - sent).`);
    }
    if (reader.length < size) {
      const missing = size - reader.length;
      const ended = reader.ended || reader.closed;
      const hint =
        ended && missing < 64 * KiB
          ? ` The last ${bytesText(missing)} ${missing === 1 ? 'is' : 'are'} missing: when totalBytes is not a multiple of your chunk size, send the shorter last chunk too.`
          : reader.length === 0 && !ended
            ? ' Nothing arrived at all: write the stream in the connection listener.'
            : '';
      fail(`${call}: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}.${hint}`);
    }
  }
});

check('ends-cleanly', 'the server ends each connection with a FIN right after the last byte (at once for 0 bytes)', { points: 1 }, async (ctx) => {
  const sub = await start();
  for (const size of [0, 300_000]) {
    const { port } = await firehose(size, sub);
    const client = await connectTcp(port, { actor: `client(${size})` });
    const reader = new ByteReader(client, { keep: false });
    ctx.note(`createFirehose(${size}): we read everything and wait for the server's FIN`);
    const outcome = await reader.until(() => reader.ended || reader.closed, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
    const call = `createFirehose(${size})`;
    if (reader.error && !reader.ended) {
      fail(`${call}: after ${bytesText(reader.length)} the connection was reset (${reader.error.code ?? reader.error.message}) instead of ended: finish with socket.end(), which sends a FIN once every buffered byte is out; destroy() throws them away.`);
    }
    if (!reader.ended) {
      fail(
        size === 0
          ? `${call}: we connected and waited ${STALL_MS / 1000} s: no FIN. With nothing to send, end the connection at once (socket.end()) — is your end() only reached inside the write loop?`
          : `${call}: got ${bytesText(reader.length)}, then no FIN for ${STALL_MS / 1000} s (${outcome}): call socket.end() after the last write, so the client knows the stream is complete.`,
      );
    }
    const mine = await serverSide(sub, client);
    if (mine && !mine.ended) {
      fail(`${call}: the connection closed, but your code never called end() on the socket (it was destroyed): end() is the clean way, it sends what is buffered first and then the FIN.`);
    }
  }
});

check('half-close', 'a client that ends its own side at once still gets every byte', { points: 1 }, async (ctx) => {
  const size = 16 * MiB;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note('we end our side at once (half-close: we send nothing more, but we will read), and read only once your server has seen our FIN');
  client.end();
  const mine = await serverSide(sub, client);
  // Your socket's 'end' is the moment Node would end your side too (allowHalfOpen: false); a server that never reads never sees it.
  if (mine) await sub.waitFor((e) => e.object === mine.id && e.name === 'end', { what: "your socket's 'end'", timeoutMs: 2000 }).catch(() => undefined);
  const outcome = await readAll(reader, size, ctx);
  if (reader.length === 0) fail(`we connected, ended our side at once (half-close) and read: nothing arrived, ${whyShort(outcome, reader)}. Write the stream in the connection listener.`);
  if (reader.length < size) {
    fail(
      `we connected, ended our side at once (half-close) and read: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}. ` +
        "With the default allowHalfOpen: false, Node ends your side as soon as the client's FIN arrives. Create the server with net.createServer({ allowHalfOpen: true }, …) and end it yourself after the last byte.",
    );
  }
});

check('bounded-buffer', "while a client pauses, the socket's buffer stays within writableHighWaterMark plus one chunk", { points: 2, timeoutMs: 20_000 }, async (ctx) => {
  const size = 64 * MiB;
  const bursts = 6;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note(`createFirehose(${formatBytes(size)}); our client reads nothing for ${PAUSE_MS / 1000} s, then reads ${bursts} bursts of 2 MiB, pausing after each until your writer meets backpressure again`);
  await untilBackpressure(sub, client, `our client connected and paused`);
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
    ['while the client paused', paused],
    ['once the client read again', after],
  ] as const) {
    if (s.peakWritableLength > limit) {
      fail(
        `your socket held ${formatBytes(s.peakWritableLength)} in writableLength ${when} (its writableHighWaterMark is ${formatBytes(hwm)}, the bound ${formatBytes(limit)}): ${DRAIN_HINT}.` +
          (s.writesBeforeDrain > 0 ? ` ${s.writesBeforeDrain} write() calls came after a false and before the 'drain'.` : ''),
      );
    }
    if (s.writesBeforeDrain > 0) {
      const first = s.firstBeforeDrain!;
      fail(
        `${when}, your code called write() ${s.writesBeforeDrain} time(s) after write() had returned false and before the socket emitted 'drain' ` +
          `(the first with ${formatBytes(first.writableLength)} already waiting in writableLength): ${DRAIN_HINT}, and only then write again. ` +
          "Registering socket.on('drain', …) on every false adds one more listener each time: use once().",
      );
    }
  }
  if (paused.falseReturns === 0) {
    fail(
      `while our client paused, your server wrote ${bytesText(paused.bytes)} of ${formatBytes(size)} and stopped, but write() never returned false: ` +
        'it stopped for another reason. Write until write() returns false, then wait for the drain.',
    );
  }
});

check('bounded-memory', 'the payload is made as it is sent: memory stays bounded, whatever totalBytes is', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 128 * MiB;
  const { sub, port } = await firehose(size, undefined, 15_000);
  const { client } = await pausedClient(port);
  ctx.note(`createFirehose(${formatBytes(size)}); our client connects and reads nothing for ${PAUSE_MS / 1000} s while we watch your process's memory`);
  await untilBackpressure(sub, client, 'our client connected and paused');
  await sub.call('memory', { reset: true }, CALL_MS);
  await new Promise((r) => setTimeout(r, Math.min(PAUSE_MS, ctx.remainingMs())));
  const memory = await sub.call('memory', null, CALL_MS);
  const limit = 32 * MiB;
  if (memory.peakOutsideBuffers > limit) {
    fail(
      `while our client paused, your process held ${formatBytes(memory.peakOutsideBuffers)} of buffers outside the socket's own buffer (its writableLength was ${formatBytes(memory.peakInBuffers)}) ` +
        `for a ${formatBytes(size)} stream. Memory must not grow with totalBytes: make each chunk just before you write it, instead of preparing the whole stream up front.`,
    );
  }
});

check('resumes-after-pause', 'a client that pauses for seconds gets every byte once it reads again', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 32 * MiB;
  const { sub, port } = await firehose(size);
  const { client, reader } = await pausedClient(port);
  ctx.note(`createFirehose(${formatBytes(size)}); our client reads nothing for ${PAUSE_MS / 1000} s, then reads everything`);
  await untilBackpressure(sub, client, 'our client connected and paused');
  await new Promise((r) => setTimeout(r, Math.min(PAUSE_MS, ctx.remainingMs())));
  ctx.note('now we read');
  const outcome = await readAll(reader, size, ctx);
  if (reader.length < size) {
    const mine = await serverSide(sub, client);
    fail(
      `our client paused for ${PAUSE_MS / 1000} s, then read: got ${bytesText(reader.length)} of ${bytesText(size)}, ${whyShort(outcome, reader)}. ` +
        (mine && mine.drains > 0
          ? `Your socket emitted 'drain' ${mine.drains} time(s); after each one, write again until write() returns false, and so on to the end.`
          : "After write() returns false, go on writing when the socket emits 'drain' (socket.once('drain', writeMore))."),
    );
  }
});

check('independent-clients', 'a paused client does not hold up another', { points: 1, timeoutMs: 20_000 }, async (ctx) => {
  const size = 16 * MiB;
  const { sub, port } = await firehose(size);
  const a = await pausedClient(port, 'client#A');
  ctx.note('client#A connects and reads nothing; then client#B connects and reads everything');
  await untilBackpressure(sub, a.client, 'client#A connected and paused');
  const b = await connectTcp(port, { actor: 'client#B' });
  const readerB = new ByteReader(b, { keep: false });
  const outcome = await readAll(readerB, size, ctx);
  if (readerB.length < size) {
    fail(
      `client#A paused; client#B read as fast as it could and got ${bytesText(readerB.length)} of ${bytesText(size)}, ${whyShort(outcome, readerB)}. ` +
        "Serve every connection on its own: keep each client's progress and its wait for 'drain' inside the connection listener, not in variables shared by all, and never wait for one client before serving the next.",
    );
  }
});

check('client-leaves', 'a client that leaves midway stops the production for it at once; no crash, others still served', { points: 2, timeoutMs: 20_000 }, async (ctx) => {
  // Far more than TCP's buffers can hold (they grow to tens of MiB for a client that reads): the server is still producing when we leave.
  const size = 256 * MiB;
  const enough = 4 * MiB;
  const { sub, port } = await firehose(size);
  const rude = await connectTcp(port, { actor: 'client#leaving' });
  const mine = await serverSide(sub, rude);
  // Leave the moment 1 MiB has arrived: destroy() with data still unread, so the kernel answers the server's next write with a reset.
  const reader = new ByteReader(rude, {
    keep: false,
    onChunk: (chunk, offset) => {
      if (offset + chunk.length >= MiB) rude.destroy();
    },
  });
  const outcome = await reader.until(() => rude.destroyed, { timeoutMs: ctx.remainingMs(), stallMs: STALL_MS });
  if (reader.length < MiB) fail(`our client waited for its first ${formatBytes(MiB)}: got ${bytesText(reader.length)}, ${whyShort(outcome, reader)}.`);
  ctx.note(`our client read ${formatBytes(reader.length)} and left (destroy() with data unread)`);
  if (mine) {
    await sub
      .waitFor((e) => e.object === mine.id && e.name === 'close', { what: "your server's socket to close after our client left", timeoutMs: STALL_MS })
      .catch(() => undefined);
  }
  if (sub.crashed || !sub.running) {
    fail(
      `our client left midway (after ${formatBytes(reader.length)}) and your server crashed: the socket emitted 'error' (EPIPE or ECONNRESET) and nothing listened for it, so Node threw it. ` +
        "Add socket.on('error', …) for every connection.",
    );
  }
  const next = await connectTcp(port, { actor: 'client#next' });
  const nextReader = new ByteReader(next, { keep: false });
  const nextOutcome = await readAll(nextReader, enough, ctx);
  if (sub.crashed || !sub.running) fail('after a client left midway, your server crashed while serving the next client.');
  const after = mine ? (await sub.call('sockets', null, CALL_MS)).find((s) => s.id === mine.id) : undefined;
  if (after && after.writesAfterDestroy > 0) {
    fail(
      `our client left after ${formatBytes(reader.length)}; your code then called write() ${after.writesAfterDestroy} more time(s) on its destroyed socket ` +
        `(${formatBytes(after.bytes)} written to it in all). Stop producing for a socket once it is destroyed: check socket.destroyed (or listen for 'close') before the next write, ` +
        'and treat an error in a write callback as the end.',
    );
  }
  if (nextReader.length < enough) {
    fail(`after a client left midway, the next client waited for its first ${formatBytes(enough)} and got ${bytesText(nextReader.length)}, ${whyShort(nextOutcome, nextReader)}: the server must go on serving others.`);
  }
});
