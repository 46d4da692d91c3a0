/**
 * The checks of `acceptWebSocket(server)` (SPEC §4), in stages that earn points on their own:
 * the handshake, echo, payload lengths, control frames, fragmentation and protocol errors, and
 * `head`. Happy paths use undici's WebSocket; everything that needs exact bytes uses a raw
 * socket (grade/peers.ts) and the lab's frame codec.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { check, fail, startSubmission, type CheckContext } from '../../src/grade/harness.js';
import { acceptFor, closePayload, frameSummary, lengthEncodingFor, Opcode, opcodeName, parseClosePayload, WEBSOCKET_GUID, type Frame } from './frames.js';
import { ANSWER_MS, frame, handshake, noHead, openUndici, show, upgraded, type HandshakeOptions, type RawConnection, type UndiciClient } from './grade/peers.js';

const LAB = 'websocket-handshake';
/** The example key of RFC 6455 §1.3 and its accept value. */
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A fresh learner process with an http.Server made a WebSocket server; its port. */
async function server(): Promise<number> {
  const sub = await startSubmission(LAB);
  const { port } = await sub.call<{ port: number }>('listen');
  return port;
}

/** Bytes 0, 1, 2, … 255, 0, 1, … (binary, and not valid UTF-8 as a whole). */
function pattern(size: number, seed = 0): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i + seed) & 0xff));
}

/** Why an accept value is wrong, when the mistake is a known one. */
function acceptMistake(key: string, got: string): string {
  const sha1 = (input: string | Buffer) => createHash('sha1').update(input);
  if (got === sha1(key).digest('base64')) return 'that is base64(SHA-1(key)): the GUID is missing, hash key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"';
  if (got.toLowerCase() === sha1(key + WEBSOCKET_GUID).digest('hex')) return "that is the digest in hex: use digest('base64')";
  if (got === sha1(Buffer.concat([Buffer.from(key, 'base64'), Buffer.from(WEBSOCKET_GUID)])).digest('base64')) return 'the key was base64-decoded before hashing: hash the key string exactly as it arrived';
  if (got === Buffer.from(key + WEBSOCKET_GUID).toString('base64')) return 'that is base64 of key + GUID without the SHA-1 step';
  return 'compute base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))';
}

/** `1 byte`, `5 bytes`. */
function bytes(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** What undici's close event says about why nothing came back. */
function closedHint(ws: UndiciClient): string {
  if (!ws.closeEvent) return '';
  if (ws.closeEvent.code === 1006) {
    return ' (undici closed the connection with 1006: it received a frame that breaks the protocol, such as a masked server frame, a text message that is not UTF-8 or a wrong length; the frame-sent events in the trace show what your server sent)';
  }
  return ` (the connection closed with code ${ws.closeEvent.code})`;
}

/** A frame that came back, for messages. */
function described(frames: Frame[]): string {
  return frames.length ? frames.map(frameSummary).join('; ') : 'no frames';
}

/** Send a binary message of each size and check the echo, frame by frame. */
async function echoSizes(conn: RawConnection, sizes: number[], hint: string): Promise<void> {
  for (const [i, size] of sizes.entries()) {
    const payload = pattern(size, i);
    conn.send(Opcode.binary, payload);
    const got = await conn.message(ANSWER_MS + Math.ceil(size / 50_000) * 1000);
    if ('problem' in got) fail(`sent a ${size}-byte binary message; expected it back, but ${got.problem}. ${hint}`);
    if (!got.payload.equals(payload)) {
      fail(`sent a ${size}-byte binary message; got back a ${opcodeName(got.opcode)} message of ${bytes(got.payload.length)} (${described(got.frames)}). ${hint}`);
    }
    if (got.opcode !== Opcode.binary) {
      fail(`sent a ${size}-byte binary message; the bytes came back intact, but as a ${opcodeName(got.opcode)} message (${described(got.frames)}): echo with the message's own opcode, 0x2 for binary.`);
    }
    for (const f of got.frames) {
      const shortest = lengthEncodingFor(f.length);
      if (f.lengthEncoding !== shortest) {
        fail(`sent ${size} bytes; the echo came back intact, but a ${f.length}-byte frame carried its length in the ${f.lengthEncoding} form. RFC 6455 requires the shortest form: ${shortest} for this length.`);
      }
    }
  }
}

// ─── Stage 1: the handshake ────────────────────────────────────────────────────────────────

check('handshake', 'answers a valid handshake with 101 Switching Protocols and the right Sec-WebSocket-Accept', { points: 3 }, async (ctx) => {
  const port = await server();
  ctx.note(`a valid upgrade request with the key of RFC 6455's own example, ${RFC_KEY}`);
  const sent = `GET, Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13, Sec-WebSocket-Key: ${RFC_KEY}`;
  const a = await handshake(ctx, port, { key: RFC_KEY });
  if (a.status === null) fail(`sent a valid upgrade request (${sent}); ${noHead(a)}.`);
  if (a.status !== 101) fail(`sent a valid upgrade request (${sent}); expected "HTTP/1.1 101 Switching Protocols", got "${a.statusLine}".`);
  if ((a.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    fail(`the 101 response needs the header "Upgrade: websocket"; got ${a.headers.upgrade === undefined ? 'no Upgrade header' : `"Upgrade: ${a.headers.upgrade}"`}.\nYour response head:\n${a.head}`);
  }
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(a.headers.connection ?? '')) {
    fail(`the 101 response needs the header "Connection: Upgrade"; got ${a.headers.connection === undefined ? 'no Connection header' : `"Connection: ${a.headers.connection}"`}.\nYour response head:\n${a.head}`);
  }
  const expected = acceptFor(RFC_KEY);
  const got = a.headers['sec-websocket-accept'];
  if (got === undefined) fail(`the 101 response has no Sec-WebSocket-Accept header; for the key ${RFC_KEY} it must be "${expected}" (base64 of SHA-1 of key + GUID).\nYour response head:\n${a.head}`);
  if (got !== expected) fail(`for Sec-WebSocket-Key ${RFC_KEY} your Sec-WebSocket-Accept was "${got}", expected "${expected}": ${acceptMistake(RFC_KEY, got)}.`);

  ctx.note('"Connection: keep-alive, Upgrade" (a token list, as Firefox sends it) and "Upgrade: WebSocket" (another case)');
  const b = await handshake(ctx, port, { connection: 'keep-alive, Upgrade', upgrade: 'WebSocket', actor: 'firefox-like' });
  if (b.status !== 101) {
    fail(
      `sent a valid upgrade request with Connection: keep-alive, Upgrade (as Firefox sends it) and Upgrade: WebSocket; expected 101, got ${b.status === null ? noHead(b) : `"${b.statusLine}"`}. ` +
        'Header values compare case-insensitively, and Connection is a comma-separated list: look for the token "upgrade" in it.',
    );
  }

  ctx.note("now a client nobody here wrote: undici's WebSocket");
  await openUndici(ctx, port).catch(() => {
    fail(`the raw handshake was right, but undici's WebSocket did not open. Compare your whole response head with the reference (netlab run ${LAB}):\n${a.head}`);
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('plain-http', "leaves plain HTTP requests to the server's request handler", { points: 0 }, async (ctx) => {
  const port = await server();
  ctx.note('GET / without any Upgrade header');
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = ctx.trace(http.get({ host: '127.0.0.1', port, path: '/', agent: false }), 'client');
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(ANSWER_MS, () => req.destroy(new Error(`no response within ${ANSWER_MS} ms`)));
  }).catch((err: Error) => fail(`a plain GET / failed: ${err.message}. acceptWebSocket() must only add an 'upgrade' listener and leave other requests alone.`));
  if (status !== 200 || body !== 'plain HTTP still works\n') {
    fail(`a plain GET / should reach the server's own request handler (200 "plain HTTP still works"); got ${status} ${JSON.stringify(body)}. Do not remove or replace the server's 'request' listeners.`);
  }
});

check('reject-bad-request', 'answers a bad handshake with 400 Bad Request and closes the connection', { points: 2 }, async (ctx) => {
  const port = await server();
  const cases: Array<[string, HandshakeOptions]> = [
    ['a Sec-WebSocket-Key that is not base64 ("not-a-key")', { key: 'not-a-key' }],
    ['no Sec-WebSocket-Key at all', { key: null }],
    ['a Sec-WebSocket-Key of 8 bytes, not 16 ("AAAAAAAAAAA=")', { key: 'AAAAAAAAAAA=' }],
    ['POST instead of GET', { method: 'POST' }],
    ['"Upgrade: h2c" instead of "Upgrade: websocket"', { upgrade: 'h2c' }],
  ];
  for (const [what, options] of cases) {
    ctx.note(`an upgrade request with ${what}`);
    const a = await handshake(ctx, port, options);
    if (a.status === null) fail(`sent an upgrade request with ${what}; expected "HTTP/1.1 400 Bad Request", but ${noHead(a)}.`);
    if (a.status === 101) fail(`sent an upgrade request with ${what}; expected 400 Bad Request, got 101 Switching Protocols. Check the request before accepting it: GET, Upgrade: websocket, and a key of 16 bytes in base64.`);
    if (a.status !== 400) fail(`sent an upgrade request with ${what}; expected 400 Bad Request, got "${a.statusLine}".`);
    if (!(await a.conn.waitEnd())) fail(`sent an upgrade request with ${what}; got 400, but the connection was still open ${ANSWER_MS} ms later. End it after the response: socket.end(response).`);
  }
});

check('reject-version', 'answers another Sec-WebSocket-Version with 426 and Sec-WebSocket-Version: 13', { points: 1 }, async (ctx) => {
  const port = await server();
  ctx.note('a valid upgrade request, but Sec-WebSocket-Version: 8');
  const a = await handshake(ctx, port, { version: '8' });
  if (a.status === null) fail(`sent Sec-WebSocket-Version: 8; expected "HTTP/1.1 426 Upgrade Required", but ${noHead(a)}.`);
  if (a.status === 101) fail('sent Sec-WebSocket-Version: 8; expected 426 Upgrade Required, got 101: only version 13 is RFC 6455.');
  if (a.status !== 426) fail(`sent Sec-WebSocket-Version: 8; expected 426 Upgrade Required (a wrong version is not a bad request: 426 tells the client which version to use), got "${a.statusLine}".`);
  const versions = (a.headers['sec-websocket-version'] ?? '').split(',').map((v) => v.trim());
  if (!versions.includes('13')) fail(`the 426 response must say which version the server speaks: "Sec-WebSocket-Version: 13"; got ${a.headers['sec-websocket-version'] === undefined ? 'no such header' : `"${a.headers['sec-websocket-version']}"`}.`);
});

// ─── Stage 2: echo ─────────────────────────────────────────────────────────────────────────

check('echo-text', 'echoes text messages as text, also two frames that arrive in one chunk', { points: 2 }, async (ctx) => {
  const port = await server();
  ctx.note('two masked text frames written with one write(): they arrive in the same data chunk');
  const conn = await upgraded(ctx, port);
  conn.socket.write(Buffer.concat([frame(Opcode.text, 'first'), frame(Opcode.text, 'second')]));
  for (const text of ['first', 'second']) {
    const got = await conn.message();
    if ('problem' in got) fail(`sent two text frames, "first" and "second", in one write (one data chunk); expected both back, but for "${text}" ${got.problem}. One chunk can hold several frames: keep decoding while the buffer holds a whole frame.`);
    if (got.payload.toString() !== text) fail(`sent "first" and "second" in one write; expected "${text}" back, got ${show(got.payload)}.`);
    if (got.opcode !== Opcode.text) fail(`sent the text message "${text}"; it came back as a ${opcodeName(got.opcode)} message. Echo with the opcode the message came with: 0x1 for text.`);
  }
  ctx.note("undici's WebSocket sends two text messages, one of them beyond ASCII");
  const ws = await openUndici(ctx, port);
  const texts = ['hello', 'héllo, wörld ✓ 👋'];
  for (const text of texts) ws.ws.send(text);
  await ws.until(() => ws.messages.length >= texts.length);
  for (const [i, text] of texts.entries()) {
    const got = ws.messages[i];
    if (got === undefined) fail(`undici's WebSocket sent the text message ${JSON.stringify(text)}; nothing came back${ws.closeEvent ? '' : ` within ${ANSWER_MS} ms`}${closedHint(ws)}.`);
    if (typeof got !== 'string') fail(`sent the text message ${JSON.stringify(text)}; it came back as a binary message (${show(got)}). Echo with the opcode the message came with: 0x1 for text.`);
    if (got !== text) fail(`sent the text message ${JSON.stringify(text)} (${Buffer.byteLength(text)} bytes); got back ${JSON.stringify(got)} (${Buffer.byteLength(got)} bytes). Unmask with key[i % 4] and send the bytes as they are.`);
  }
});

check('echo-binary', 'echoes binary messages as binary, byte for byte', { points: 2 }, async (ctx) => {
  const port = await server();
  const ws = await openUndici(ctx, port);
  const payload = Buffer.concat([pattern(256), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]);
  ws.ws.send(payload);
  await ws.until(() => ws.messages.length >= 1);
  const got = ws.messages[0];
  if (got === undefined) fail(`undici's WebSocket sent a ${payload.length}-byte binary message; nothing came back${ws.closeEvent ? '' : ` within ${ANSWER_MS} ms`}${closedHint(ws)}.`);
  if (typeof got === 'string') fail(`sent a ${payload.length}-byte binary message (bytes 0x00–0xff); it came back as a text message of ${Buffer.byteLength(got)} bytes. Echo binary messages with opcode 0x2, and keep them as Buffers (no toString()).`);
  if (!got.equals(payload)) fail(`sent a ${payload.length}-byte binary message ${show(payload, 16)}; got back ${bytes(got.length)} ${show(got, 16)}.`);
});

check('server-unmasked', "sends its own frames unmasked (MASK bit 0, no masking key)", { points: 1 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  conn.send(Opcode.text, 'are your frames masked?');
  const got = await conn.next();
  if ('none' in got) fail(`sent a masked text frame; expected its echo, but ${got.detail}.`);
  if (got.frame.masked) {
    fail(`your echo frame has the MASK bit set (masking key ${got.frame.maskingKey?.toString('hex')}): only clients mask. A server's frames are never masked, and clients fail the connection when they are.`);
  }
});

// ─── Stage 3: payload lengths ──────────────────────────────────────────────────────────────

check('length-7bit', 'handles payloads of 0 to 125 bytes (7-bit length)', { points: 1 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  await echoSizes(conn, [0, 1, 125], 'Up to 125 bytes, the length is the low 7 bits of byte 1.');
});

check('length-16bit', 'handles payloads of 126 to 65535 bytes (126 + 16-bit length)', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  await echoSizes(conn, [126, 1000, 65535], 'From 126 to 65535 bytes, byte 1 holds 126 and the next 2 bytes hold the length (readUInt16BE / writeUInt16BE), both when you read and when you write.');
});

check('length-64bit', 'handles payloads of 65536 bytes and more (127 + 64-bit length)', { points: 2 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  await echoSizes(conn, [65536, 100_000], 'From 65536 bytes on, byte 1 holds 127 and the next 8 bytes hold the length (readBigUInt64BE / writeBigUInt64BE), both when you read and when you write. Such a frame also arrives in several data chunks.');
  ctx.note("and 100 000 bytes through undici's WebSocket");
  const ws = await openUndici(ctx, port);
  const payload = pattern(100_000, 7);
  ws.ws.send(payload);
  await ws.until(() => ws.messages.length >= 1, ANSWER_MS + 2000);
  const got = ws.messages[0];
  if (!(got instanceof Buffer) || !got.equals(payload)) {
    fail(`undici's WebSocket sent 100 000 bytes; ${got === undefined ? `nothing came back${closedHint(ws)}` : `got ${typeof got === 'string' ? 'a text message' : `${bytes(got.length)} that differ`}`}.`);
  }
});

// ─── Stage 4: control frames ───────────────────────────────────────────────────────────────

check('ping-pong', 'answers a ping (0x9) with a pong (0xA) carrying the same payload', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  for (const payload of ['are you there?', '']) {
    conn.send(Opcode.ping, payload);
    const got = await conn.next();
    const sent = payload ? `a ping with the payload "${payload}"` : 'a ping with no payload';
    if ('none' in got) fail(`sent ${sent}; expected a pong (opcode 0xA) with the same payload, but ${got.detail}.`);
    const f = got.frame;
    if (f.opcode !== Opcode.pong) fail(`sent ${sent}; expected a pong (opcode 0xA), got ${frameSummary(f)}.${f.opcode === Opcode.ping ? ' The answer to a ping is a pong, not another ping.' : ''}`);
    if (f.payload.toString() !== payload) fail(`sent ${sent}; the pong must carry the same payload, it carried ${show(f.payload)}.`);
  }
  conn.send(Opcode.text, 'still open?');
  const after = await conn.message();
  if ('problem' in after || after.payload.toString() !== 'still open?') fail(`after the pings, the text message "still open?" should be echoed as usual; ${'problem' in after ? after.problem : `got ${show(after.payload)}`}.`);
});

check('close-handshake', 'answers a close frame with a close frame with the same code, then ends the connection', { points: 2 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  ctx.note('a close frame with code 1000 and the reason "bye"');
  conn.send(Opcode.close, closePayload(1000, 'bye'));
  const got = await conn.next();
  if ('none' in got) fail(`sent a close frame (code 1000, reason "bye"); expected a close frame back with code 1000, but ${got.detail}. Answer close with close before ending the connection.`);
  if (got.frame.opcode !== Opcode.close) fail(`sent a close frame (code 1000); expected a close frame back, got ${frameSummary(got.frame)}.`);
  const { code } = parseClosePayload(got.frame.payload);
  if (code !== 1000) fail(`sent a close frame with code 1000; your close frame carried ${code === null ? 'no code' : `code ${code}`}: echo the client's 2-byte code.`);
  if (!(await conn.waitEnd())) fail(`the close handshake is done (close sent, close answered), but the connection was still open ${ANSWER_MS} ms later: the server ends the TCP connection (socket.end()).`);

  ctx.note('a close frame with an empty body (the status code is optional)');
  const bare = await upgraded(ctx, port);
  bare.send(Opcode.close, Buffer.alloc(0));
  const answer = await bare.next();
  if ('none' in answer || answer.frame.opcode !== Opcode.close) {
    fail(
      `sent a close frame with an empty body; expected a close frame back (an empty one), but ${'none' in answer ? answer.detail : `got ${frameSummary(answer.frame)}`}. ` +
        'A close body is optional: read a code only when there are at least 2 bytes, and answer an empty close with an empty close.',
    );
  }
  if (!(await bare.waitEnd())) fail(`answered an empty close frame, but the connection was still open ${ANSWER_MS} ms later: end the TCP connection after the close handshake.`);

  ctx.note("undici's WebSocket: ws.close(4000, 'done')");
  const ws = await openUndici(ctx, port);
  ws.ws.close(4000, 'done');
  await ws.until(() => ws.closeEvent !== undefined);
  if (!ws.closeEvent) fail(`undici's WebSocket called close(4000); no close event within ${ANSWER_MS} ms: your close frame never came.`);
  if (ws.closeEvent.wasClean && ws.closeEvent.code !== 4000) fail(`undici's WebSocket called close(4000, 'done'); your close frame carried code ${ws.closeEvent.code}: echo the client's 2-byte code.`);
  if (ws.closeEvent.code !== 4000 || !ws.closeEvent.wasClean) fail(`undici's WebSocket called close(4000); its close event said code=${ws.closeEvent.code} wasClean=${ws.closeEvent.wasClean}, expected code=4000 wasClean=true${closedHint(ws)}.`);
});

// ─── Stage 5: fragmentation and protocol errors ────────────────────────────────────────────

check('fragmentation', 'puts fragmented messages together (continuation frames, a ping in between)', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  ctx.note('"Hel" (text, FIN=0), a ping, "lo, " (continuation, FIN=0), "world" (continuation, FIN=1)');
  conn.send(Opcode.text, 'Hel', { fin: false });
  conn.send(Opcode.ping, 'between fragments');
  conn.send(Opcode.continuation, 'lo, ', { fin: false });
  conn.send(Opcode.continuation, 'world');
  const sent = 'sent the text message "Hello, world" in three fragments ("Hel" with FIN=0, then continuation frames "lo, " and "world", the last with FIN=1) with a ping after the first';
  const got = await conn.message();
  if ('problem' in got) fail(`${sent}; expected the pong and then "Hello, world" back, but ${got.problem}.`);
  const text = got.payload.toString();
  if (text !== 'Hello, world' || got.opcode !== Opcode.text) {
    const hint =
      text === 'Hel'
        ? ' You echoed the first fragment alone: a frame with FIN=0 is not a whole message, wait for the continuation frames.'
        : text === 'world' || text === 'lo, '
          ? ' Only a continuation frame came back: collect the fragments from the first frame (whose opcode gives the type) to the one with FIN=1.'
          : '';
    fail(`${sent}; expected one text message "Hello, world", got a ${opcodeName(got.opcode)} message ${show(got.payload)} (${described(got.frames)}).${hint}`);
  }
  const pong = got.controls.find((f) => f.opcode === Opcode.pong);
  if (!pong || pong.payload.toString() !== 'between fragments') fail(`${sent}; the message came back, but the ping between the fragments got ${pong ? `a pong with ${show(pong.payload)}` : 'no pong'}: control frames may arrive between fragments and are answered at once.`);

  ctx.note('a binary message in two fragments: 100 bytes, then 200');
  const data = pattern(300, 3);
  conn.send(Opcode.binary, data.subarray(0, 100), { fin: false });
  conn.send(Opcode.continuation, data.subarray(100));
  const bin = await conn.message();
  if ('problem' in bin) fail(`sent a 300-byte binary message in two fragments (100 + 200 bytes); ${bin.problem}.`);
  if (bin.opcode !== Opcode.binary || !bin.payload.equals(data)) fail(`sent a 300-byte binary message in two fragments; got a ${opcodeName(bin.opcode)} message of ${bytes(bin.payload.length)} back: the type comes from the first fragment, the payload is all fragments together.`);
});

check('unmasked-client-frame', 'closes the connection with code 1002 when a client frame is not masked', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  ctx.note('a text frame without the MASK bit: a protocol error');
  conn.send(Opcode.text, 'look, no mask', { mask: false });
  const got = await conn.next();
  if ('none' in got) fail(`sent an unmasked text frame; expected a close frame with code 1002 (protocol error), but ${got.detail}.`);
  const f = got.frame;
  if (f.opcode !== Opcode.close) {
    fail(`sent an unmasked text frame "look, no mask"; expected a close frame with code 1002, got ${frameSummary(f)}.${f.opcode === Opcode.text ? ' You accepted it: client frames must have the MASK bit, and a server closes with 1002 when one does not.' : ''}`);
  }
  const { code } = parseClosePayload(f.payload);
  if (code !== 1002) fail(`sent an unmasked text frame; expected a close frame with code 1002 (protocol error), got ${code === null ? 'one without a code' : `code ${code}`}.`);
  if (!(await conn.waitEnd())) fail(`after closing with 1002, end the connection: it was still open ${ANSWER_MS} ms later.`);
});

// ─── Stage 6: head ─────────────────────────────────────────────────────────────────────────

check('head-bytes', 'keeps the bytes that arrived together with the upgrade request (head)', { points: 2 }, async (ctx: CheckContext) => {
  const port = await server();
  ctx.note('the upgrade request and a masked text frame in one write(): the frame arrives in `head`');
  const a = await handshake(ctx, port, { extra: frame(Opcode.text, 'sent with the request') });
  if (a.status !== 101) fail(`sent a valid upgrade request with a text frame right behind it; expected 101, ${a.status === null ? noHead(a) : `got "${a.statusLine}"`}.`);
  const got = await a.conn.message();
  if (!('problem' in got) && got.payload.toString() === 'sent with the request') return;
  a.conn.send(Opcode.text, 'sent after the 101');
  const later = await a.conn.message();
  const laterWorked = !('problem' in later) && later.payload.toString() === 'sent after the 101';
  fail(
    `sent the upgrade request and the text frame "sent with the request" in one write; expected its echo after the 101, but ${'problem' in got ? got.problem : `got ${show(got.payload)}`}.` +
      (laterWorked ? ' A frame sent after the 101 was echoed, so only the first was lost: it arrived in the `head` argument of the upgrade event, which is never emitted as data. Decode head first.' : ''),
  );
});
