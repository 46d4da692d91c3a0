/**
 * Grades `createEchoServer()` (SPEC §4, tcp-echo): one check per requirement, each through real
 * sockets against the learner's server running in its own process. Every check ends its
 * connections politely (end, then wait), so a server is only ever reset by the check about resets.
 */
import type * as net from 'node:net';
import { check, fail, startSubmission, type Submission } from '../../src/grade/harness.js';
import { ByteReader, bytesText, closeGracefully, connectTcp, firstDifference, hex, pollUntil, show } from '../../src/grade/helpers.js';
import type { TraceEvent } from '../../src/trace/event.js';
import type { Inspection, SocketStats } from './grade/host.js';

const LAB = 'tcp-echo';

async function listening(): Promise<{ sub: Submission; port: number }> {
  const sub = await startSubmission(LAB);
  const { port } = await sub.call<{ port: number }>('listen');
  return { sub, port };
}

/** The learner's side of our connection: the id of the socket their server accepted for it. */
async function serverSocketFor(sub: Submission, client: net.Socket): Promise<string> {
  const remote = `127.0.0.1:${client.localPort}`;
  const ev = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, {
    what: `your server's "connection" event for our client (${remote})`,
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
      fail(`we sent ${bytesText(bytes)} and waited 3 s: your server never read them (no 'data' event on its socket). Is anything reading from the socket: a 'data' listener, pipe(), for await…of?`);
    }
    throw err;
  }
}

const MiB = 1024 * 1024;

// The untouched starter passes this check already: it must pass, but earns nothing.
check('returns-server', 'createEchoServer() returns a net.Server that is not listening yet', { points: 0 }, async () => {
  const sub = await startSubmission(LAB);
  const got = await sub.call<Inspection>('inspect');
  if (got.kind === 'undefined') fail('createEchoServer() returned undefined: return the server you create (`return server;`).');
  if (got.kind === 'promise') fail('createEchoServer() returned a Promise: return the server itself, synchronously (is the function `async`?).');
  if (got.kind !== 'net.Server') fail(`createEchoServer() returned ${got.kind}, expected a net.Server: create it with net.createServer(…) and return it.`);
  if (got.listening) {
    fail(
      `createEchoServer() returned a server that is already listening (on ${got.address}). Return it without calling listen(): ` +
        'whoever uses the server decides where it listens (the grader picks a free port on 127.0.0.1, a demo might pick another).',
    );
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
      fail(
        `sent ${show(first)} (${bytesText(first.length)}) and waited 2 s with the connection open: nothing came back. ` +
          'An echo server writes each chunk back as soon as it arrives. Are you collecting the data until the client ends?',
      );
    }
    if (outcome === 'ended' || outcome === 'closed') {
      fail(`sent ${show(first)} and the server ${outcome === 'ended' ? 'ended' : 'closed'} the connection after echoing ${bytesText(reader.length)} (${show(reader.bytes())}): it should echo and stay open.`);
    }
    fail(`sent ${show(first)} (${bytesText(first.length)}), got ${bytesText(reader.length)} back within 2 s: ${show(reader.bytes())}.`);
  }
  if (!reader.bytes().subarray(0, first.length).equals(first)) {
    fail(`sent ${show(first)}, got ${show(reader.bytes())} back: an echo sends back exactly the bytes it received.`);
  }
  const second = Buffer.from('are you still there?\n');
  client.write(second);
  const want = first.length + second.length;
  outcome = await reader.atLeast(want, { timeoutMs: 2000 });
  if (outcome !== 'done') {
    if (outcome === 'ended' || outcome === 'closed') {
      fail(
        `the server echoed our first message, then ${outcome === 'ended' ? 'ended' : 'closed'} the connection, so our second message ${show(second)} never came back. ` +
          'Keep the connection open for as long as the client talks: do not call end() or destroy() after the first chunk.',
      );
    }
    fail(`sent a second message ${show(second)} on the same connection; within 2 s got ${bytesText(reader.length - first.length)} of its ${second.length} bytes back.`);
  }
  const echoed = reader.bytes().subarray(first.length, want);
  if (!echoed.equals(second)) fail(`sent ${show(second)} as our second message, got ${show(echoed)} back.`);
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
  await serverReceived(sub, id, binary.length + head.length, `your server to read the first ${binary.length + head.length} bytes we sent`);
  client.write(tail);
  client.write(marker);
  client.end();
  const expected = Buffer.concat([binary, text]);
  await reader.until(() => reader.bytes().includes(marker) || reader.length > 4 * (expected.length + marker.length), { timeoutMs: 3000 });
  const all = reader.bytes();
  const markerAt = all.indexOf(marker);
  const echoed = markerAt >= 0 ? all.subarray(0, markerAt) : all;
  if (echoed.equals(expected)) return;

  const sent = `sent ${bytesText(expected.length)} (every byte value 0x00–0xff, then ${show(text)} split inside the 😀)`;
  const replacement = Buffer.from([0xef, 0xbf, 0xbd]);
  const at = firstDifference(expected, echoed);
  const where = at >= 0 && at < echoed.length ? `; first difference at byte ${at}: expected ${hex(expected.subarray(at, at + 4))}, got ${hex(echoed.subarray(at, at + 4))}` : '';
  if (echoed.includes(replacement) && !expected.includes(replacement)) {
    const binaryIntact = echoed.subarray(0, binary.length).equals(binary);
    if (binaryIntact) {
      fail(
        `${sent}, got ${bytesText(echoed.length)} back: the emoji split across two chunks came back as EF BF BD (U+FFFD, the replacement character)${where}. ` +
          'Decoding each chunk to a string on its own breaks characters that span chunks. Write the Buffer back as it came.',
      );
    }
    fail(
      `${sent}, got ${bytesText(echoed.length)} back${where}. Bytes that are not valid UTF-8 came back as EF BF BD (U+FFFD): ` +
        'did you convert the chunk to a string (toString(), setEncoding(), a template string)? Write the Buffer back as it came.',
    );
  }
  if (echoed.length < expected.length) fail(`${sent}, got only ${bytesText(echoed.length)} back${where}.`);
  fail(`${sent}, got ${bytesText(echoed.length)} back${where}: an echo sends back exactly the bytes it received.`);
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
  await serverReceived(sub, idA, msgA.length, "your server to read client A's message");
  await serverReceived(sub, idB, msgB.length, "your server to read client B's message");
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
      fail(
        `client ${name} sent ${show(msg)} and got back ${show(got)}: that includes client ${other}'s bytes. ` +
          'Each client must get only its own bytes: write to the socket the data came from, not to every connected socket.',
      );
    }
    fail(`client ${name} sent ${show(msg)} while client ${other} was connected too, and got back ${show(got)} (expected exactly ${show(msg)}).`);
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
  const sent = `sent ${show(payload)} (${bytesText(payload.length)}) and ended our side (half-close)`;
  if (reader.error && !reader.ended) {
    fail(`${sent}; the connection was reset (${reader.error.code ?? reader.error.message}) after ${bytesText(got.length)} came back: end() the socket instead of destroying it.`);
  }
  if (got.equals(payload)) {
    if (ended) return;
    fail(
      `${sent}: all of it came back, but then the server never ended its side (no FIN within 3 s), so the client waits forever. ` +
        "With allowHalfOpen: true, call socket.end() once the client's 'end' arrives and you have written everything (pipe() does this for you).",
    );
  }
  if (ended) {
    if (got.length < payload.length && payload.subarray(0, got.length).equals(got)) {
      const missing = payload.subarray(got.length);
      const lineHint = missing.equals(lastLine)
        ? ' Exactly the bytes after the last newline are missing: are you waiting for a newline? When the client ends, echo what is left, then end.'
        : ' Finish writing everything you received before you end the connection (end() after the last write, never destroy()).' +
          " If your echo writes later than the client's 'end' (after a timer or an await), the default allowHalfOpen: false has already" +
          ' ended your side on the next tick and those writes fail with EPIPE: create the server with allowHalfOpen: true and end() after the last write.';
      fail(`${sent}; the server ended after echoing only ${bytesText(got.length)}: the last ${bytesText(missing.length)} (${show(missing)}) never came back.${lineHint}`);
    }
    fail(`${sent}; got ${show(got)} back before the server ended (expected exactly what we sent).`);
  }
  fail(`${sent}; within 3 s got ${show(got)} (${bytesText(got.length)}) back and no end from the server.`);
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
  note('we send 32 MiB and do not read anything yet: a server that respects backpressure stops reading from us');
  client.write(payload);
  client.end();
  const limit = 4 * MiB;
  const verdict = await pollUntil(
    async () => {
      const stats = (await sub.call<SocketStats[]>('sockets')).find((s) => s.id === id);
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
    fail(
      `we sent 32 MiB and did not read yet; your server kept writing anyway: ${bytesText(verdict.stats.writableLength)} piled up in the socket's write buffer (writableLength), in the server's memory. ` +
        "When socket.write() returns false, pause() reading from the client until the socket emits 'drain', then resume() — or let socket.pipe(socket) do exactly that.",
    );
  }
  if (verdict?.kind === 'held') {
    fail(
      `we sent 32 MiB and did not read yet; your server read ${bytesText(verdict.stats.bytesRead)} from us and kept ${bytesText(verdict.held)} of them in memory instead of sending them back. ` +
        "Echo each chunk as it comes, and stop reading (pause()) while the client is not reading yours ('drain' says when to go on) — socket.pipe(socket) does both.",
    );
  }
  note('now we read, as fast as we can');
  client.resume();
  const outcome = await reader.until(() => reader.length >= payload.length || mismatch >= 0, { timeoutMs: 12_000, stallMs: 3000 });
  if (mismatch >= 0) {
    fail(`sent 32 MiB of numbered lines; the echo differs from byte ${mismatch} on (line ${Math.floor(mismatch / 64)}): bytes were lost, repeated or reordered.`);
  }
  if (reader.length < payload.length) {
    const stats = (await sub.call<SocketStats[]>('sockets').catch(() => [])).find((s) => s.id === id);
    const paused = stats && stats.readableFlowing === false && stats.writableLength === 0;
    const why =
      outcome === 'stalled' || outcome === 'timeout'
        ? paused
          ? "then nothing for 3 s: your server paused reading and never resumed. After pause() on backpressure, resume() when the socket emits 'drain'."
          : 'then nothing for 3 s.'
        : `then the server ${outcome} the connection.`;
    fail(`sent 32 MiB and read as fast as we could; got ${bytesText(reader.length)} back (all correct so far, up to byte ${matched}), ${why}`);
  }
  await reader.end({ timeoutMs: 2000 });
  await closeGracefully(client);
});

check('survives-reset', 'a client that resets its connection does not crash the server', { points: 1 }, async () => {
  const { sub, port } = await listening();
  const rude = await connectTcp(port, { actor: 'client#rude' });
  const id = await serverSocketFor(sub, rude);
  rude.write('hello\n');
  await serverReceived(sub, id, 6, 'your server to read our first message').catch(() => undefined);
  // RST instead of FIN: the server's next read fails with ECONNRESET.
  rude.resetAndDestroy();
  await sub
    .waitFor((e) => e.object === id && e.name === 'close', { what: "your server's socket to close after the reset", timeoutMs: 2000 })
    .catch(() => undefined);
  if (sub.crashed || !sub.running) {
    fail(
      "a client reset its connection (ECONNRESET) and your whole server crashed. An 'error' event that nobody listens to is thrown: " +
        "add socket.on('error', …) for every connection, so one bad client cannot take the server down.",
    );
  }
  const polite = await connectTcp(port, { actor: 'client#polite' });
  const reader = new ByteReader(polite);
  const msg = Buffer.from('still there?\n');
  polite.end(msg);
  await reader.atLeast(msg.length, { timeoutMs: 3000 });
  if (sub.crashed || !sub.running) fail('after a client reset its connection, your server crashed while serving the next client.');
  if (!reader.bytes().equals(msg)) {
    fail(`after a client reset its connection, the next client sent ${show(msg)} and got ${show(reader.bytes())} back.`);
  }
  await closeGracefully(polite);
});
