/**
 * The checks of `acceptWebSocket(server)` (SPEC §4), in stages that earn points on their own:
 * the handshake, echo, payload lengths, control frames, fragmentation and protocol errors, and
 * `head`. Happy paths use undici's WebSocket; everything that needs exact bytes uses a raw
 * socket (grade/peers.ts) and the lab's frame codec.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { check, fail, msg, startSubmission, type CheckContext } from '../../src/grade/harness.js';
import { wsHost } from './contract.js';
import { acceptFor, closePayload, frameSummary, lengthEncodingFor, Opcode, opcodeName, parseClosePayload, WEBSOCKET_GUID, type Frame } from './frames.js';
import { ANSWER_MS, bytes, frame, handshake, noHead, openUndici, show, upgraded, type HandshakeOptions, type RawConnection, type UndiciClient } from './grade/peers.js';

const LAB = 'websocket-handshake';
/** The example key of RFC 6455 §1.3 and its accept value. */
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** A fresh learner process with an http.Server made a WebSocket server; its port. */
async function server(): Promise<number> {
  const sub = await startSubmission(LAB, { host: wsHost });
  const { port } = await sub.call('listen');
  return port;
}

/** Bytes 0, 1, 2, … 255, 0, 1, … (binary, and not valid UTF-8 as a whole). */
function pattern(size: number, seed = 0): Buffer {
  return Buffer.from(Array.from({ length: size }, (_, i) => (i + seed) & 0xff));
}

/** Why an accept value is wrong, when the mistake is a known one. */
function acceptMistake(key: string, got: string): string {
  const sha1 = (input: string | Buffer) => createHash('sha1').update(input);
  if (got === sha1(key).digest('base64')) {
    return msg({
      en: 'that is base64(SHA-1(key)): the GUID is missing, hash key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"',
      'zh-CN': '这是 base64(SHA-1(key))：少了 GUID，要对 key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" 做哈希',
    });
  }
  if (got.toLowerCase() === sha1(key + WEBSOCKET_GUID).digest('hex')) {
    return msg({ en: "that is the digest in hex: use digest('base64')", 'zh-CN': "这是十六进制的摘要：请用 digest('base64')" });
  }
  if (got === sha1(Buffer.concat([Buffer.from(key, 'base64'), Buffer.from(WEBSOCKET_GUID)])).digest('base64')) {
    return msg({
      en: 'the key was base64-decoded before hashing: hash the key string exactly as it arrived',
      'zh-CN': '哈希之前先对 key 做了 base64 解码：请直接对收到的 key 字符串原样做哈希',
    });
  }
  if (got === Buffer.from(key + WEBSOCKET_GUID).toString('base64')) {
    return msg({ en: 'that is base64 of key + GUID without the SHA-1 step', 'zh-CN': '这是 key + GUID 直接做 base64，漏掉了 SHA-1 这一步' });
  }
  return msg({
    en: 'compute base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))',
    'zh-CN': '请计算 base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))',
  });
}

/** What undici's close event says about why nothing came back. */
function closedHint(ws: UndiciClient): string {
  if (!ws.closeEvent) return '';
  if (ws.closeEvent.code === 1006) {
    return msg({
      en: ' (undici closed the connection with 1006: it received a frame that breaks the protocol, such as a masked server frame, a text message that is not UTF-8 or a wrong length; the frame-sent events in the trace show what your server sent)',
      'zh-CN': '（undici 以 1006 关闭了连接：它收到了违反协议的帧，比如带掩码的服务器帧、不是 UTF-8 的文本消息或错误的长度；跟踪中的 frame-sent 事件显示了你的服务器发出了什么）',
    });
  }
  return msg({ en: ` (the connection closed with code ${ws.closeEvent.code})`, 'zh-CN': `（连接以代码 ${ws.closeEvent.code} 关闭）` });
}

/** A frame that came back, for messages. */
function described(frames: Frame[]): string {
  return frames.length ? frames.map(frameSummary).join('; ') : msg({ en: 'no frames', 'zh-CN': '没有帧' });
}

/** `nothing came back` (and, when undici has not closed, how long we waited), for messages. */
function nothingBack(ws: UndiciClient): string {
  return ws.closeEvent
    ? msg({ en: `nothing came back${closedHint(ws)}`, 'zh-CN': `什么也没有回来${closedHint(ws)}` })
    : msg({ en: `nothing came back within ${ANSWER_MS} ms`, 'zh-CN': `${ANSWER_MS} ms 内什么也没有回来` });
}

/** Send a binary message of each size and check the echo, frame by frame. */
async function echoSizes(conn: RawConnection, sizes: number[], hint: string): Promise<void> {
  for (const [i, size] of sizes.entries()) {
    const payload = pattern(size, i);
    conn.send(Opcode.binary, payload);
    const got = await conn.message(ANSWER_MS + Math.ceil(size / 50_000) * 1000);
    if ('problem' in got) {
      fail(msg({ en: `sent a ${size}-byte binary message; expected it back, but ${got.problem}. ${hint}`, 'zh-CN': `发送了一条 ${size} 字节的二进制消息，期望它原样回来，但${got.problem}。${hint}` }));
    }
    if (!got.payload.equals(payload)) {
      fail(
        msg({
          en: `sent a ${size}-byte binary message; got back a ${opcodeName(got.opcode)} message of ${bytes(got.payload.length)} (${described(got.frames)}). ${hint}`,
          'zh-CN': `发送了一条 ${size} 字节的二进制消息，收回的却是一条 ${bytes(got.payload.length)}的 ${opcodeName(got.opcode)} 消息（${described(got.frames)}）。${hint}`,
        }),
      );
    }
    if (got.opcode !== Opcode.binary) {
      fail(
        msg({
          en: `sent a ${size}-byte binary message; the bytes came back intact, but as a ${opcodeName(got.opcode)} message (${described(got.frames)}): echo with the message's own opcode, 0x2 for binary.`,
          'zh-CN': `发送了一条 ${size} 字节的二进制消息；字节原样回来了，却成了一条 ${opcodeName(got.opcode)} 消息（${described(got.frames)}）：回显时要用消息自己的操作码，二进制是 0x2。`,
        }),
      );
    }
    for (const f of got.frames) {
      const shortest = lengthEncodingFor(f.length);
      if (f.lengthEncoding !== shortest) {
        fail(
          msg({
            en: `sent ${size} bytes; the echo came back intact, but a ${f.length}-byte frame carried its length in the ${f.lengthEncoding} form. RFC 6455 requires the shortest form: ${shortest} for this length.`,
            'zh-CN': `发送了 ${size} 字节；回显的内容没错，但一个 ${f.length} 字节的帧用 ${f.lengthEncoding} 形式表示长度。RFC 6455 要求用最短的形式：这个长度应为 ${shortest}。`,
          }),
        );
      }
    }
  }
}

// ─── Stage 1: the handshake ────────────────────────────────────────────────────────────────

check('handshake', 'answers a valid handshake with 101 Switching Protocols and the right Sec-WebSocket-Accept', { points: 3 }, async (ctx) => {
  const port = await server();
  ctx.note(msg({ en: `a valid upgrade request with the key of RFC 6455's own example, ${RFC_KEY}`, 'zh-CN': `一个有效的升级请求，用 RFC 6455 自己示例中的 key：${RFC_KEY}` }));
  const sent = `GET, Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Version: 13, Sec-WebSocket-Key: ${RFC_KEY}`;
  const a = await handshake(ctx, port, { key: RFC_KEY });
  if (a.status === null) fail(msg({ en: `sent a valid upgrade request (${sent}); ${noHead(a)}.`, 'zh-CN': `发送了一个有效的升级请求（${sent}）；${noHead(a)}。` }));
  if (a.status !== 101) {
    fail(msg({ en: `sent a valid upgrade request (${sent}); expected "HTTP/1.1 101 Switching Protocols", got "${a.statusLine}".`, 'zh-CN': `发送了一个有效的升级请求（${sent}）；期望 "HTTP/1.1 101 Switching Protocols"，得到的是 "${a.statusLine}"。` }));
  }
  if ((a.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    const got = a.headers.upgrade === undefined ? msg({ en: 'no Upgrade header', 'zh-CN': '没有 Upgrade 头' }) : `"Upgrade: ${a.headers.upgrade}"`;
    fail(
      msg({
        en: `the 101 response needs the header "Upgrade: websocket"; got ${got}.\nYour response head:\n${a.head}`,
        'zh-CN': `101 响应需要 "Upgrade: websocket" 头；得到的是 ${got}。\n你的响应头：\n${a.head}`,
      }),
    );
  }
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(a.headers.connection ?? '')) {
    const got = a.headers.connection === undefined ? msg({ en: 'no Connection header', 'zh-CN': '没有 Connection 头' }) : `"Connection: ${a.headers.connection}"`;
    fail(
      msg({
        en: `the 101 response needs the header "Connection: Upgrade"; got ${got}.\nYour response head:\n${a.head}`,
        'zh-CN': `101 响应需要 "Connection: Upgrade" 头；得到的是 ${got}。\n你的响应头：\n${a.head}`,
      }),
    );
  }
  const expected = acceptFor(RFC_KEY);
  const got = a.headers['sec-websocket-accept'];
  if (got === undefined) {
    fail(
      msg({
        en: `the 101 response has no Sec-WebSocket-Accept header; for the key ${RFC_KEY} it must be "${expected}" (base64 of SHA-1 of key + GUID).\nYour response head:\n${a.head}`,
        'zh-CN': `101 响应没有 Sec-WebSocket-Accept 头；对 key ${RFC_KEY}，它必须是 "${expected}"（key + GUID 的 SHA-1 再做 base64）。\n你的响应头：\n${a.head}`,
      }),
    );
  }
  if (got !== expected) {
    fail(
      msg({
        en: `for Sec-WebSocket-Key ${RFC_KEY} your Sec-WebSocket-Accept was "${got}", expected "${expected}": ${acceptMistake(RFC_KEY, got)}.`,
        'zh-CN': `对 Sec-WebSocket-Key ${RFC_KEY}，你的 Sec-WebSocket-Accept 是 "${got}"，应为 "${expected}"：${acceptMistake(RFC_KEY, got)}。`,
      }),
    );
  }

  ctx.note(
    msg({
      en: '"Connection: keep-alive, Upgrade" (a token list, as Firefox sends it) and "Upgrade: WebSocket" (another case)',
      'zh-CN': '"Connection: keep-alive, Upgrade"（一个令牌列表，Firefox 就这样发送）和 "Upgrade: WebSocket"（大小写不同）',
    }),
  );
  const b = await handshake(ctx, port, { connection: 'keep-alive, Upgrade', upgrade: 'WebSocket', actor: 'firefox-like' });
  if (b.status !== 101) {
    const answer = b.status === null ? noHead(b) : `"${b.statusLine}"`;
    fail(
      msg({
        en:
          `sent a valid upgrade request with Connection: keep-alive, Upgrade (as Firefox sends it) and Upgrade: WebSocket; expected 101, got ${answer}. ` +
          'Header values compare case-insensitively, and Connection is a comma-separated list: look for the token "upgrade" in it.',
        'zh-CN': `发送了一个有效的升级请求，带 Connection: keep-alive, Upgrade（Firefox 就这样发送）和 Upgrade: WebSocket；期望 101，得到的是 ${answer}。头的值比较时不区分大小写，而 Connection 是逗号分隔的列表：在其中查找令牌 "upgrade"。`,
      }),
    );
  }

  ctx.note(msg({ en: "now a client nobody here wrote: undici's WebSocket", 'zh-CN': '现在换一个不是我们写的客户端：undici 的 WebSocket' }));
  await openUndici(ctx, port).catch(() => {
    fail(
      msg({
        en: `the raw handshake was right, but undici's WebSocket did not open. Compare your whole response head with the reference (netlab run ${LAB}):\n${a.head}`,
        'zh-CN': `原始握手是对的，但 undici 的 WebSocket 没有打开。把你的整个响应头与参考实现（netlab run ${LAB}）比较一下：\n${a.head}`,
      }),
    );
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('plain-http', "leaves plain HTTP requests to the server's request handler", { points: 0 }, async (ctx) => {
  const port = await server();
  ctx.note(msg({ en: 'GET / without any Upgrade header', 'zh-CN': '不带任何 Upgrade 头的 GET /' }));
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = ctx.trace(http.get({ host: '127.0.0.1', port, path: '/', agent: false }), 'client');
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.setTimeout(ANSWER_MS, () => req.destroy(new Error(msg({ en: `no response within ${ANSWER_MS} ms`, 'zh-CN': `${ANSWER_MS} ms 内没有响应` }))));
  }).catch((err: Error) =>
    fail(
      msg({
        en: `a plain GET / failed: ${err.message}. acceptWebSocket() must only add an 'upgrade' listener and leave other requests alone.`,
        'zh-CN': `普通的 GET / 失败了：${err.message}。acceptWebSocket() 只应添加一个 'upgrade' 监听器，不要动其他请求。`,
      }),
    ),
  );
  if (status !== 200 || body !== 'plain HTTP still works\n') {
    fail(
      msg({
        en: `a plain GET / should reach the server's own request handler (200 "plain HTTP still works"); got ${status} ${JSON.stringify(body)}. Do not remove or replace the server's 'request' listeners.`,
        'zh-CN': `普通的 GET / 应该交给服务器自己的请求处理函数（200 "plain HTTP still works"）；得到的是 ${status} ${JSON.stringify(body)}。不要移除或替换服务器的 'request' 监听器。`,
      }),
    );
  }
});

check('reject-bad-request', 'answers a bad handshake with 400 Bad Request and closes the connection', { points: 2 }, async (ctx) => {
  const port = await server();
  const cases: Array<[string, HandshakeOptions]> = [
    [msg({ en: 'a Sec-WebSocket-Key that is not base64 ("not-a-key")', 'zh-CN': '不是 base64 的 Sec-WebSocket-Key（"not-a-key"）' }), { key: 'not-a-key' }],
    [msg({ en: 'no Sec-WebSocket-Key at all', 'zh-CN': '根本没有 Sec-WebSocket-Key' }), { key: null }],
    [msg({ en: 'a Sec-WebSocket-Key of 8 bytes, not 16 ("AAAAAAAAAAA=")', 'zh-CN': '8 字节而不是 16 字节的 Sec-WebSocket-Key（"AAAAAAAAAAA="）' }), { key: 'AAAAAAAAAAA=' }],
    [msg({ en: 'POST instead of GET', 'zh-CN': '用 POST 而不是 GET' }), { method: 'POST' }],
    [msg({ en: '"Upgrade: h2c" instead of "Upgrade: websocket"', 'zh-CN': '"Upgrade: h2c" 而不是 "Upgrade: websocket"' }), { upgrade: 'h2c' }],
  ];
  for (const [what, options] of cases) {
    const sent = msg({ en: `an upgrade request with ${what}`, 'zh-CN': `一个升级请求，带${what}` });
    ctx.note(sent);
    const a = await handshake(ctx, port, options);
    if (a.status === null) fail(msg({ en: `sent ${sent}; expected "HTTP/1.1 400 Bad Request", but ${noHead(a)}.`, 'zh-CN': `发送了${sent}；期望 "HTTP/1.1 400 Bad Request"，但${noHead(a)}。` }));
    if (a.status === 101) {
      fail(
        msg({
          en: `sent ${sent}; expected 400 Bad Request, got 101 Switching Protocols. Check the request before accepting it: GET, Upgrade: websocket, and a key of 16 bytes in base64.`,
          'zh-CN': `发送了${sent}；期望 400 Bad Request，得到的是 101 Switching Protocols。接受之前先检查请求：GET、Upgrade: websocket，以及 base64 编码的 16 字节 key。`,
        }),
      );
    }
    if (a.status !== 400) fail(msg({ en: `sent ${sent}; expected 400 Bad Request, got "${a.statusLine}".`, 'zh-CN': `发送了${sent}；期望 400 Bad Request，得到的是 "${a.statusLine}"。` }));
    if (!(await a.conn.waitEnd())) {
      fail(
        msg({
          en: `sent ${sent}; got 400, but the connection was still open ${ANSWER_MS} ms later. End it after the response: socket.end(response).`,
          'zh-CN': `发送了${sent}；得到了 400，但 ${ANSWER_MS} ms 后连接仍然开着。响应之后要结束连接：socket.end(response)。`,
        }),
      );
    }
  }
});

check('reject-version', 'answers another Sec-WebSocket-Version with 426 and Sec-WebSocket-Version: 13', { points: 1 }, async (ctx) => {
  const port = await server();
  ctx.note(msg({ en: 'a valid upgrade request, but Sec-WebSocket-Version: 8', 'zh-CN': '一个有效的升级请求，但带 Sec-WebSocket-Version: 8' }));
  const a = await handshake(ctx, port, { version: '8' });
  if (a.status === null) fail(msg({ en: `sent Sec-WebSocket-Version: 8; expected "HTTP/1.1 426 Upgrade Required", but ${noHead(a)}.`, 'zh-CN': `发送了 Sec-WebSocket-Version: 8；期望 "HTTP/1.1 426 Upgrade Required"，但${noHead(a)}。` }));
  if (a.status === 101) {
    fail(msg({ en: 'sent Sec-WebSocket-Version: 8; expected 426 Upgrade Required, got 101: only version 13 is RFC 6455.', 'zh-CN': '发送了 Sec-WebSocket-Version: 8；期望 426 Upgrade Required，得到的是 101：只有版本 13 才是 RFC 6455。' }));
  }
  if (a.status !== 426) {
    fail(
      msg({
        en: `sent Sec-WebSocket-Version: 8; expected 426 Upgrade Required (a wrong version is not a bad request: 426 tells the client which version to use), got "${a.statusLine}".`,
        'zh-CN': `发送了 Sec-WebSocket-Version: 8；期望 426 Upgrade Required（版本不对并不是错误的请求：426 告诉客户端该用哪个版本），得到的是 "${a.statusLine}"。`,
      }),
    );
  }
  const versions = (a.headers['sec-websocket-version'] ?? '').split(',').map((v) => v.trim());
  if (!versions.includes('13')) {
    const got = a.headers['sec-websocket-version'] === undefined ? msg({ en: 'no such header', 'zh-CN': '没有这个头' }) : `"${a.headers['sec-websocket-version']}"`;
    fail(
      msg({
        en: `the 426 response must say which version the server speaks: "Sec-WebSocket-Version: 13"; got ${got}.`,
        'zh-CN': `426 响应必须说明服务器支持哪个版本："Sec-WebSocket-Version: 13"；得到的是 ${got}。`,
      }),
    );
  }
});

// ─── Stage 2: echo ─────────────────────────────────────────────────────────────────────────

check('echo-text', 'echoes text messages as text, also two frames that arrive in one chunk', { points: 2 }, async (ctx) => {
  const port = await server();
  ctx.note(msg({ en: 'two masked text frames written with one write(): they arrive in the same data chunk', 'zh-CN': '用一次 write() 写出两个带掩码的文本帧：它们会在同一个数据块中到达' }));
  const conn = await upgraded(ctx, port);
  conn.socket.write(Buffer.concat([frame(Opcode.text, 'first'), frame(Opcode.text, 'second')]));
  for (const text of ['first', 'second']) {
    const got = await conn.message();
    if ('problem' in got) {
      fail(
        msg({
          en: `sent two text frames, "first" and "second", in one write (one data chunk); expected both back, but for "${text}" ${got.problem}. One chunk can hold several frames: keep decoding while the buffer holds a whole frame.`,
          'zh-CN': `用一次写入（一个数据块）发送了两个文本帧 "first" 和 "second"，期望两个都回来，但对 "${text}"：${got.problem}。一个数据块可以装下好几个帧：只要缓冲区里还有一个完整的帧，就继续解码。`,
        }),
      );
    }
    if (got.payload.toString() !== text) {
      fail(msg({ en: `sent "first" and "second" in one write; expected "${text}" back, got ${show(got.payload)}.`, 'zh-CN': `用一次写入发送了 "first" 和 "second"；期望回来 "${text}"，得到的是 ${show(got.payload)}。` }));
    }
    if (got.opcode !== Opcode.text) {
      fail(
        msg({
          en: `sent the text message "${text}"; it came back as a ${opcodeName(got.opcode)} message. Echo with the opcode the message came with: 0x1 for text.`,
          'zh-CN': `发送了文本消息 "${text}"；它回来时成了一条 ${opcodeName(got.opcode)} 消息。回显时用消息原来的操作码：文本是 0x1。`,
        }),
      );
    }
  }
  ctx.note(msg({ en: "undici's WebSocket sends two text messages, one of them beyond ASCII", 'zh-CN': 'undici 的 WebSocket 发送两条文本消息，其中一条有 ASCII 以外的字符' }));
  const ws = await openUndici(ctx, port);
  const texts = ['hello', 'héllo, wörld ✓ 👋'];
  for (const text of texts) ws.ws.send(text);
  await ws.until(() => ws.messages.length >= texts.length);
  for (const [i, text] of texts.entries()) {
    const got = ws.messages[i];
    const sent = JSON.stringify(text);
    if (got === undefined) {
      fail(msg({ en: `undici's WebSocket sent the text message ${sent}; ${nothingBack(ws)}.`, 'zh-CN': `undici 的 WebSocket 发送了文本消息 ${sent}；${nothingBack(ws)}。` }));
    }
    if (typeof got !== 'string') {
      fail(
        msg({
          en: `sent the text message ${sent}; it came back as a binary message (${show(got)}). Echo with the opcode the message came with: 0x1 for text.`,
          'zh-CN': `发送了文本消息 ${sent}；它回来时成了一条二进制消息（${show(got)}）。回显时用消息原来的操作码：文本是 0x1。`,
        }),
      );
    }
    if (got !== text) {
      fail(
        msg({
          en: `sent the text message ${sent} (${Buffer.byteLength(text)} bytes); got back ${JSON.stringify(got)} (${Buffer.byteLength(got)} bytes). Unmask with key[i % 4] and send the bytes as they are.`,
          'zh-CN': `发送了文本消息 ${sent}（${Buffer.byteLength(text)} 字节）；收回的是 ${JSON.stringify(got)}（${Buffer.byteLength(got)} 字节）。用 key[i % 4] 去掉掩码，再把字节原样发回。`,
        }),
      );
    }
  }
});

check('echo-binary', 'echoes binary messages as binary, byte for byte', { points: 2 }, async (ctx) => {
  const port = await server();
  const ws = await openUndici(ctx, port);
  const payload = Buffer.concat([pattern(256), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]);
  ws.ws.send(payload);
  await ws.until(() => ws.messages.length >= 1);
  const got = ws.messages[0];
  const size = payload.length;
  if (got === undefined) {
    fail(msg({ en: `undici's WebSocket sent a ${size}-byte binary message; ${nothingBack(ws)}.`, 'zh-CN': `undici 的 WebSocket 发送了一条 ${size} 字节的二进制消息；${nothingBack(ws)}。` }));
  }
  if (typeof got === 'string') {
    fail(
      msg({
        en: `sent a ${size}-byte binary message (bytes 0x00–0xff); it came back as a text message of ${Buffer.byteLength(got)} bytes. Echo binary messages with opcode 0x2, and keep them as Buffers (no toString()).`,
        'zh-CN': `发送了一条 ${size} 字节的二进制消息（字节 0x00–0xff）；它回来时成了一条 ${Buffer.byteLength(got)} 字节的文本消息。二进制消息要用操作码 0x2 回显，并保持为 Buffer（不要 toString()）。`,
      }),
    );
  }
  if (!got.equals(payload)) {
    fail(
      msg({
        en: `sent a ${size}-byte binary message ${show(payload, 16)}; got back ${bytes(got.length)} ${show(got, 16)}.`,
        'zh-CN': `发送了一条 ${size} 字节的二进制消息 ${show(payload, 16)}；收回的是 ${bytes(got.length)} ${show(got, 16)}。`,
      }),
    );
  }
});

check('server-unmasked', "sends its own frames unmasked (MASK bit 0, no masking key)", { points: 1 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  conn.send(Opcode.text, 'are your frames masked?');
  const got = await conn.next();
  if ('none' in got) fail(msg({ en: `sent a masked text frame; expected its echo, but ${got.detail}.`, 'zh-CN': `发送了一个带掩码的文本帧，期望它的回显，但${got.detail}。` }));
  if (got.frame.masked) {
    const key = got.frame.maskingKey?.toString('hex');
    fail(
      msg({
        en: `your echo frame has the MASK bit set (masking key ${key}): only clients mask. A server's frames are never masked, and clients fail the connection when they are.`,
        'zh-CN': `你的回显帧设置了 MASK 位（掩码键 ${key}）：只有客户端才加掩码。服务器的帧从不加掩码，客户端收到带掩码的服务器帧会让连接失败。`,
      }),
    );
  }
});

// ─── Stage 3: payload lengths ──────────────────────────────────────────────────────────────

check('length-7bit', 'handles payloads of 0 to 125 bytes (7-bit length)', { points: 1 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  await echoSizes(conn, [0, 1, 125], msg({ en: 'Up to 125 bytes, the length is the low 7 bits of byte 1.', 'zh-CN': '不超过 125 字节时，长度就是第 1 字节的低 7 位。' }));
});

check('length-16bit', 'handles payloads of 126 to 65535 bytes (126 + 16-bit length)', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  await echoSizes(
    conn,
    [126, 1000, 65535],
    msg({
      en: 'From 126 to 65535 bytes, byte 1 holds 126 and the next 2 bytes hold the length (readUInt16BE / writeUInt16BE), both when you read and when you write.',
      'zh-CN': '126 到 65535 字节时，第 1 字节是 126，随后 2 个字节是长度（readUInt16BE / writeUInt16BE），读和写都一样。',
    }),
  );
});

check('length-64bit', 'handles payloads of 65536 bytes and more (127 + 64-bit length)', { points: 2 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  await echoSizes(
    conn,
    [65536, 100_000],
    msg({
      en: 'From 65536 bytes on, byte 1 holds 127 and the next 8 bytes hold the length (readBigUInt64BE / writeBigUInt64BE), both when you read and when you write. Such a frame also arrives in several data chunks.',
      'zh-CN': '从 65536 字节起，第 1 字节是 127，随后 8 个字节是长度（readBigUInt64BE / writeBigUInt64BE），读和写都一样。这样的帧还会分成好几个数据块到达。',
    }),
  );
  ctx.note(msg({ en: "and 100 000 bytes through undici's WebSocket", 'zh-CN': '再通过 undici 的 WebSocket 发送 100 000 字节' }));
  const ws = await openUndici(ctx, port);
  const payload = pattern(100_000, 7);
  ws.ws.send(payload);
  await ws.until(() => ws.messages.length >= 1, ANSWER_MS + 2000);
  const got = ws.messages[0];
  if (!(got instanceof Buffer) || !got.equals(payload)) {
    const answer =
      got === undefined
        ? msg({ en: `nothing came back${closedHint(ws)}`, 'zh-CN': `什么也没有回来${closedHint(ws)}` })
        : typeof got === 'string'
          ? msg({ en: 'got a text message', 'zh-CN': '收到的是一条文本消息' })
          : msg({ en: `got ${bytes(got.length)} that differ`, 'zh-CN': `收到的 ${bytes(got.length)}内容不对` });
    fail(msg({ en: `undici's WebSocket sent 100 000 bytes; ${answer}.`, 'zh-CN': `undici 的 WebSocket 发送了 100 000 字节；${answer}。` }));
  }
});

// ─── Stage 4: control frames ───────────────────────────────────────────────────────────────

check('ping-pong', 'answers a ping (0x9) with a pong (0xA) carrying the same payload', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  for (const payload of ['are you there?', '']) {
    conn.send(Opcode.ping, payload);
    const got = await conn.next();
    const sent = payload
      ? msg({ en: `a ping with the payload "${payload}"`, 'zh-CN': `一个载荷为 "${payload}" 的 ping` })
      : msg({ en: 'a ping with no payload', 'zh-CN': '一个没有载荷的 ping' });
    if ('none' in got) {
      fail(msg({ en: `sent ${sent}; expected a pong (opcode 0xA) with the same payload, but ${got.detail}.`, 'zh-CN': `发送了${sent}；期望一个载荷相同的 pong（操作码 0xA），但${got.detail}。` }));
    }
    const f = got.frame;
    if (f.opcode !== Opcode.pong) {
      const more = f.opcode === Opcode.ping ? msg({ en: ' The answer to a ping is a pong, not another ping.', 'zh-CN': '对 ping 的回答是 pong，而不是另一个 ping。' }) : '';
      fail(msg({ en: `sent ${sent}; expected a pong (opcode 0xA), got ${frameSummary(f)}.${more}`, 'zh-CN': `发送了${sent}；期望一个 pong（操作码 0xA），得到的是 ${frameSummary(f)}。${more}` }));
    }
    if (f.payload.toString() !== payload) {
      fail(msg({ en: `sent ${sent}; the pong must carry the same payload, it carried ${show(f.payload)}.`, 'zh-CN': `发送了${sent}；pong 必须带着相同的载荷，它带的却是 ${show(f.payload)}。` }));
    }
  }
  conn.send(Opcode.text, 'still open?');
  const after = await conn.message();
  if ('problem' in after || after.payload.toString() !== 'still open?') {
    const answer = 'problem' in after ? after.problem : msg({ en: `got ${show(after.payload)}`, 'zh-CN': `得到的是 ${show(after.payload)}` });
    fail(
      msg({
        en: `after the pings, the text message "still open?" should be echoed as usual; ${answer}.`,
        'zh-CN': `ping 之后，文本消息 "still open?" 应该照常回显；${answer}。`,
      }),
    );
  }
});

check('close-handshake', 'answers a close frame with a close frame with the same code, then ends the connection', { points: 2 }, async (ctx) => {
  const port = await server();
  const conn = await upgraded(ctx, port);
  ctx.note(msg({ en: 'a close frame with code 1000 and the reason "bye"', 'zh-CN': '一个代码为 1000、原因为 "bye" 的关闭帧' }));
  conn.send(Opcode.close, closePayload(1000, 'bye'));
  const got = await conn.next();
  if ('none' in got) {
    fail(
      msg({
        en: `sent a close frame (code 1000, reason "bye"); expected a close frame back with code 1000, but ${got.detail}. Answer close with close before ending the connection.`,
        'zh-CN': `发送了一个关闭帧（代码 1000，原因 "bye"）；期望收到一个代码为 1000 的关闭帧，但${got.detail}。结束连接之前，要用关闭帧回答关闭帧。`,
      }),
    );
  }
  if (got.frame.opcode !== Opcode.close) {
    fail(msg({ en: `sent a close frame (code 1000); expected a close frame back, got ${frameSummary(got.frame)}.`, 'zh-CN': `发送了一个关闭帧（代码 1000）；期望收到一个关闭帧，得到的是 ${frameSummary(got.frame)}。` }));
  }
  const { code } = parseClosePayload(got.frame.payload);
  if (code !== 1000) {
    const carried = code === null ? msg({ en: 'no code', 'zh-CN': '没有代码' }) : msg({ en: `code ${code}`, 'zh-CN': `代码 ${code}` });
    fail(
      msg({
        en: `sent a close frame with code 1000; your close frame carried ${carried}: echo the client's 2-byte code.`,
        'zh-CN': `发送了一个代码为 1000 的关闭帧；你的关闭帧带的是${carried}：请原样返回客户端的 2 字节代码。`,
      }),
    );
  }
  if (!(await conn.waitEnd())) {
    fail(
      msg({
        en: `the close handshake is done (close sent, close answered), but the connection was still open ${ANSWER_MS} ms later: the server ends the TCP connection (socket.end()).`,
        'zh-CN': `关闭握手已经完成（关闭帧已发送、已回答），但 ${ANSWER_MS} ms 后连接仍然开着：应由服务器结束 TCP 连接（socket.end()）。`,
      }),
    );
  }

  ctx.note(msg({ en: 'a close frame with an empty body (the status code is optional)', 'zh-CN': '一个没有内容的关闭帧（状态码是可选的）' }));
  const bare = await upgraded(ctx, port);
  bare.send(Opcode.close, Buffer.alloc(0));
  const answer = await bare.next();
  if ('none' in answer || answer.frame.opcode !== Opcode.close) {
    const instead = 'none' in answer ? answer.detail : msg({ en: `got ${frameSummary(answer.frame)}`, 'zh-CN': `得到的是 ${frameSummary(answer.frame)}` });
    fail(
      msg({
        en:
          `sent a close frame with an empty body; expected a close frame back (an empty one), but ${instead}. ` +
          'A close body is optional: read a code only when there are at least 2 bytes, and answer an empty close with an empty close.',
        'zh-CN': `发送了一个没有内容的关闭帧；期望收到一个（同样为空的）关闭帧，但${instead}。关闭帧的内容是可选的：至少有 2 个字节时才读取代码，用空的关闭帧回答空的关闭帧。`,
      }),
    );
  }
  if (!(await bare.waitEnd())) {
    fail(
      msg({
        en: `answered an empty close frame, but the connection was still open ${ANSWER_MS} ms later: end the TCP connection after the close handshake.`,
        'zh-CN': `回答了空的关闭帧，但 ${ANSWER_MS} ms 后连接仍然开着：关闭握手之后要结束 TCP 连接。`,
      }),
    );
  }

  ctx.note(msg({ en: "undici's WebSocket: ws.close(4000, 'done')", 'zh-CN': "undici 的 WebSocket：ws.close(4000, 'done')" }));
  const ws = await openUndici(ctx, port);
  ws.ws.close(4000, 'done');
  await ws.until(() => ws.closeEvent !== undefined);
  if (!ws.closeEvent) {
    fail(
      msg({
        en: `undici's WebSocket called close(4000); no close event within ${ANSWER_MS} ms: your close frame never came.`,
        'zh-CN': `undici 的 WebSocket 调用了 close(4000)；${ANSWER_MS} ms 内没有 close 事件：你的关闭帧一直没有到。`,
      }),
    );
  }
  const { code: closeCode, wasClean } = ws.closeEvent;
  if (wasClean && closeCode !== 4000) {
    fail(
      msg({
        en: `undici's WebSocket called close(4000, 'done'); your close frame carried code ${closeCode}: echo the client's 2-byte code.`,
        'zh-CN': `undici 的 WebSocket 调用了 close(4000, 'done')；你的关闭帧带的是代码 ${closeCode}：请原样返回客户端的 2 字节代码。`,
      }),
    );
  }
  if (closeCode !== 4000 || !wasClean) {
    fail(
      msg({
        en: `undici's WebSocket called close(4000); its close event said code=${closeCode} wasClean=${wasClean}, expected code=4000 wasClean=true${closedHint(ws)}.`,
        'zh-CN': `undici 的 WebSocket 调用了 close(4000)；它的 close 事件是 code=${closeCode} wasClean=${wasClean}，应为 code=4000 wasClean=true${closedHint(ws)}。`,
      }),
    );
  }
});

// ─── Stage 5: fragmentation and protocol errors ────────────────────────────────────────────

check('fragmentation', 'puts fragmented messages together (continuation frames, a ping in between)', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  ctx.note(
    msg({
      en: '"Hel" (text, FIN=0), a ping, "lo, " (continuation, FIN=0), "world" (continuation, FIN=1)',
      'zh-CN': '"Hel"（text，FIN=0）、一个 ping、"lo, "（continuation，FIN=0）、"world"（continuation，FIN=1）',
    }),
  );
  conn.send(Opcode.text, 'Hel', { fin: false });
  conn.send(Opcode.ping, 'between fragments');
  conn.send(Opcode.continuation, 'lo, ', { fin: false });
  conn.send(Opcode.continuation, 'world');
  const sent = msg({
    en: 'sent the text message "Hello, world" in three fragments ("Hel" with FIN=0, then continuation frames "lo, " and "world", the last with FIN=1) with a ping after the first',
    'zh-CN': '把文本消息 "Hello, world" 分成三个分片发送（"Hel" 带 FIN=0，然后是 continuation 帧 "lo, " 和 "world"，最后一个带 FIN=1），第一个分片之后还有一个 ping',
  });
  const got = await conn.message();
  if ('problem' in got) fail(msg({ en: `${sent}; expected the pong and then "Hello, world" back, but ${got.problem}.`, 'zh-CN': `${sent}；期望先收到 pong，再收到 "Hello, world"，但${got.problem}。` }));
  const text = got.payload.toString();
  if (text !== 'Hello, world' || got.opcode !== Opcode.text) {
    const hint =
      text === 'Hel'
        ? msg({
            en: ' You echoed the first fragment alone: a frame with FIN=0 is not a whole message, wait for the continuation frames.',
            'zh-CN': '你把第一个分片单独回显了：FIN=0 的帧不是一条完整的消息，要等 continuation 帧。',
          })
        : text === 'world' || text === 'lo, '
          ? msg({
              en: ' Only a continuation frame came back: collect the fragments from the first frame (whose opcode gives the type) to the one with FIN=1.',
              'zh-CN': '只回来了一个 continuation 帧：要把从第一个帧（它的操作码决定消息类型）到 FIN=1 的那个帧之间的分片都收集起来。',
            })
          : '';
    fail(
      msg({
        en: `${sent}; expected one text message "Hello, world", got a ${opcodeName(got.opcode)} message ${show(got.payload)} (${described(got.frames)}).${hint}`,
        'zh-CN': `${sent}；期望一条文本消息 "Hello, world"，得到的是一条 ${opcodeName(got.opcode)} 消息 ${show(got.payload)}（${described(got.frames)}）。${hint}`,
      }),
    );
  }
  const pong = got.controls.find((f) => f.opcode === Opcode.pong);
  if (!pong || pong.payload.toString() !== 'between fragments') {
    const answered = pong ? msg({ en: `a pong with ${show(pong.payload)}`, 'zh-CN': `一个带 ${show(pong.payload)} 的 pong` }) : msg({ en: 'no pong', 'zh-CN': '没有 pong' });
    fail(
      msg({
        en: `${sent}; the message came back, but the ping between the fragments got ${answered}: control frames may arrive between fragments and are answered at once.`,
        'zh-CN': `${sent}；消息回来了，但分片之间的 ping 得到的是${answered}：控制帧可能夹在分片之间到达，要立即回答。`,
      }),
    );
  }

  ctx.note(msg({ en: 'a binary message in two fragments: 100 bytes, then 200', 'zh-CN': '分成两个分片的二进制消息：先 100 字节，再 200 字节' }));
  const data = pattern(300, 3);
  conn.send(Opcode.binary, data.subarray(0, 100), { fin: false });
  conn.send(Opcode.continuation, data.subarray(100));
  const bin = await conn.message();
  if ('problem' in bin) {
    fail(msg({ en: `sent a 300-byte binary message in two fragments (100 + 200 bytes); ${bin.problem}.`, 'zh-CN': `把一条 300 字节的二进制消息分成两个分片（100 + 200 字节）发送；${bin.problem}。` }));
  }
  if (bin.opcode !== Opcode.binary || !bin.payload.equals(data)) {
    fail(
      msg({
        en: `sent a 300-byte binary message in two fragments; got a ${opcodeName(bin.opcode)} message of ${bytes(bin.payload.length)} back: the type comes from the first fragment, the payload is all fragments together.`,
        'zh-CN': `把一条 300 字节的二进制消息分成两个分片发送；收回的是一条 ${bytes(bin.payload.length)}的 ${opcodeName(bin.opcode)} 消息：类型由第一个分片决定，载荷是所有分片连在一起。`,
      }),
    );
  }
});

check('unmasked-client-frame', 'closes the connection with code 1002 when a client frame is not masked', { points: 2 }, async (ctx) => {
  const conn = await upgraded(ctx, await server());
  ctx.note(msg({ en: 'a text frame without the MASK bit: a protocol error', 'zh-CN': '一个没有 MASK 位的文本帧：这是协议错误' }));
  conn.send(Opcode.text, 'look, no mask', { mask: false });
  const got = await conn.next();
  if ('none' in got) {
    fail(msg({ en: `sent an unmasked text frame; expected a close frame with code 1002 (protocol error), but ${got.detail}.`, 'zh-CN': `发送了一个不带掩码的文本帧；期望一个代码为 1002（协议错误）的关闭帧，但${got.detail}。` }));
  }
  const f = got.frame;
  if (f.opcode !== Opcode.close) {
    const more =
      f.opcode === Opcode.text
        ? msg({
            en: ' You accepted it: client frames must have the MASK bit, and a server closes with 1002 when one does not.',
            'zh-CN': '你接受了它：客户端的帧必须有 MASK 位，没有时服务器要以 1002 关闭连接。',
          })
        : '';
    fail(
      msg({
        en: `sent an unmasked text frame "look, no mask"; expected a close frame with code 1002, got ${frameSummary(f)}.${more}`,
        'zh-CN': `发送了一个不带掩码的文本帧 "look, no mask"；期望一个代码为 1002 的关闭帧，得到的是 ${frameSummary(f)}。${more}`,
      }),
    );
  }
  const { code } = parseClosePayload(f.payload);
  if (code !== 1002) {
    const carried = code === null ? msg({ en: 'one without a code', 'zh-CN': '一个没有代码的关闭帧' }) : msg({ en: `code ${code}`, 'zh-CN': `代码 ${code}` });
    fail(
      msg({
        en: `sent an unmasked text frame; expected a close frame with code 1002 (protocol error), got ${carried}.`,
        'zh-CN': `发送了一个不带掩码的文本帧；期望一个代码为 1002（协议错误）的关闭帧，得到的是${carried}。`,
      }),
    );
  }
  if (!(await conn.waitEnd())) {
    fail(msg({ en: `after closing with 1002, end the connection: it was still open ${ANSWER_MS} ms later.`, 'zh-CN': `以 1002 关闭之后要结束连接：${ANSWER_MS} ms 后它仍然开着。` }));
  }
});

// ─── Stage 6: head ─────────────────────────────────────────────────────────────────────────

check('head-bytes', 'keeps the bytes that arrived together with the upgrade request (head)', { points: 2 }, async (ctx: CheckContext) => {
  const port = await server();
  ctx.note(
    msg({
      en: 'the upgrade request and a masked text frame in one write(): the frame arrives in `head`',
      'zh-CN': '用一次 write() 发送升级请求和一个带掩码的文本帧：这个帧会出现在 `head` 中',
    }),
  );
  const a = await handshake(ctx, port, { extra: frame(Opcode.text, 'sent with the request') });
  if (a.status !== 101) {
    const answer = a.status === null ? noHead(a) : msg({ en: `got "${a.statusLine}"`, 'zh-CN': `得到的是 "${a.statusLine}"` });
    fail(msg({ en: `sent a valid upgrade request with a text frame right behind it; expected 101, ${answer}.`, 'zh-CN': `发送了一个有效的升级请求，紧跟着一个文本帧；期望 101，${answer}。` }));
  }
  const got = await a.conn.message();
  if (!('problem' in got) && got.payload.toString() === 'sent with the request') return;
  a.conn.send(Opcode.text, 'sent after the 101');
  const later = await a.conn.message();
  const laterWorked = !('problem' in later) && later.payload.toString() === 'sent after the 101';
  const instead = 'problem' in got ? got.problem : msg({ en: `got ${show(got.payload)}`, 'zh-CN': `得到的是 ${show(got.payload)}` });
  const why = laterWorked
    ? msg({
        en: ' A frame sent after the 101 was echoed, so only the first was lost: it arrived in the `head` argument of the upgrade event, which is never emitted as data. Decode head first.',
        'zh-CN': '101 之后发送的帧被回显了，所以丢的只有第一个：它在 upgrade 事件的 `head` 参数里，不会再作为 data 发出。先解码 head。',
      })
    : '';
  fail(
    msg({
      en: `sent the upgrade request and the text frame "sent with the request" in one write; expected its echo after the 101, but ${instead}.${why}`,
      'zh-CN': `用一次写入发送了升级请求和文本帧 "sent with the request"；期望在 101 之后收到它的回显，但${instead}。${why}`,
    }),
  );
});
