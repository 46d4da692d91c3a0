/**
 * Grades `createUploadServer(limit)` and `shutdown(server)`: one check per requirement, each
 * through real sockets against the learner's server in its own process. Exchanges that must be
 * controlled byte by byte (a body held back, an interim answer that must not come) use a raw
 * `net` client (grade/raw-http.ts); messages show the request head sent, the response head
 * received, and the curl command that repeats the exchange by hand.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { check, fail, msg, startSubmission, type CheckContext, type Submission, type HostSubmission } from '../../src/grade/harness.js';
import { bytesText } from '../../src/grade/helpers.js';
import { uploadHost } from './contract.js';
import { payload, sha256 } from './demo/patterns.js';
import { AT_ONCE_MS, KEEP_ALIVE_MS } from './grade/timing.js';
import { ANSWER_MS, RawHttp, indent, isAnswer, type Answer, type Next } from './grade/raw-http.js';

const LAB = 'http-lifecycle';
/** The limit the grader gives createUploadServer; the same as the demo's, so `--serve` repeats a check. */
const LIMIT = 64 * 1024;
const KiB = 1024;

async function listening(): Promise<{ sub: HostSubmission<typeof uploadHost>; port: number }> {
  const sub = await startSubmission(LAB, { host: uploadHost });
  const { port } = await sub.call('listen', { limit: LIMIT });
  return { sub, port };
}


/** How to repeat an exchange by hand, next to `netlab run http-lifecycle --serve --use <your file>`. */
function curl(command: string): string {
  return msg({
    en: `\nTry it by hand: netlab run ${LAB} --serve --use ${LAB}.ts, then\n    ${command}`,
    'zh-CN': `\n动手试一试：netlab run ${LAB} --serve --use ${LAB}.ts，然后\n    ${command}`,
  });
}

/** "request head sent / response head received", for messages. */
function exchange(sent: string, got: Next): string {
  const received = isAnswer(got)
    ? msg({ en: `response head received:\n${indent(got.head)}`, 'zh-CN': `收到的响应头：\n${indent(got.head)}` })
    : msg({ en: `no response head received (${describeNone(got)})`, 'zh-CN': `没有收到响应头（${describeNone(got)}）` });
  return msg({ en: `\nrequest head sent:\n${indent(sent)}\n${received}`, 'zh-CN': `\n发出的请求头：\n${indent(sent)}\n${received}` });
}

function describeNone(n: Next): string {
  if (isAnswer(n)) return msg({ en: `got ${n.statusLine}`, 'zh-CN': `收到 ${n.statusLine}` });
  if (n.none === 'timeout') return msg({ en: `nothing within ${ANSWER_MS / 1000} s; received so far: ${n.partial}`, 'zh-CN': `${ANSWER_MS / 1000} 秒内什么也没收到；目前收到：${n.partial}` });
  if (n.none === 'garbage') return msg({ en: `not an HTTP response: ${n.partial}`, 'zh-CN': `收到的不是 HTTP 响应：${n.partial}` });
  return msg({ en: `the server ${n.none} the connection; received before that: ${n.partial}`, 'zh-CN': `服务器${n.none === 'ended' ? '结束' : '关闭'}了连接；在此之前收到：${n.partial}` });
}

/** Fail unless `got` is an answer with status `status`. */
function expectStatus(got: Next, status: number, what: string, sent: string, hint: string, by: string): Answer {
  if (!isAnswer(got)) fail(msg({ en: `${what}: expected ${status}, but ${describeNone(got)}. ${hint}${exchange(sent, got)}${curl(by)}`, 'zh-CN': `${what}：应为 ${status}，但${describeNone(got)}。${hint}${exchange(sent, got)}${curl(by)}` }));
  if (got.status !== status) fail(msg({ en: `${what}: expected ${status}, got "${got.statusLine}". ${hint}${exchange(sent, got)}${curl(by)}`, 'zh-CN': `${what}：应为 ${status}，收到的是 "${got.statusLine}"。${hint}${exchange(sent, got)}${curl(by)}` }));
  return got;
}

/** Check a 200 upload answer: JSON with the right bytes and sha256. */
function expectDigest(got: Next, body: Buffer, what: string, sent: string, by: string): void {
  const answer = expectStatus(got, 200, what, sent, msg({ en: 'A complete upload under the limit gets 200 with {"bytes", "sha256"}.', 'zh-CN': '不超过上限的完整上传应得到 200 和 {"bytes", "sha256"}。' }), by);
  const type = answer.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    fail(msg({
      en: `${what}: the answer's Content-Type is ${type ? `"${type}"` : 'missing'}, expected application/json (res.setHeader('Content-Type', 'application/json')).${exchange(sent, got)}`,
      'zh-CN': `${what}：响应的 Content-Type ${type ? `是 "${type}"` : '缺失'}，应为 application/json（res.setHeader('Content-Type', 'application/json')）。${exchange(sent, got)}`,
    }));
  }
  let json: { bytes?: unknown; sha256?: unknown };
  try {
    json = JSON.parse(answer.body.toString('utf8')) as typeof json;
  } catch {
    fail(msg({ en: `${what}: the body is not JSON: "${answer.body.toString('utf8').slice(0, 120)}".${exchange(sent, got)}`, 'zh-CN': `${what}：响应体不是 JSON："${answer.body.toString('utf8').slice(0, 120)}"。${exchange(sent, got)}` }));
  }
  const want = sha256(body);
  if (json.bytes !== body.length) {
    const asText = Buffer.byteLength(body.toString('utf8'));
    const hint =
      json.bytes === body.toString('utf8').length || json.bytes === asText
        ? msg({ en: ' That is the length of the body decoded as text: count the Buffers\' bytes (chunk.length), never a string\'s length.', 'zh-CN': '这是请求体按文本解码后的长度：要数 Buffer 的字节数（chunk.length），不要用字符串的长度。' })
        : typeof json.bytes === 'string'
          ? msg({ en: ' "bytes" must be a number, not a string.', 'zh-CN': '"bytes" 必须是数字，不能是字符串。' })
          : '';
    fail(msg({
      en: `${what}: sent ${bytesText(body.length)} of binary data, your answer says bytes: ${JSON.stringify(json.bytes)}.${hint}${exchange(sent, got)}`,
      'zh-CN': `${what}：发送了 ${bytesText(body.length)} 二进制数据，你的响应却说 bytes: ${JSON.stringify(json.bytes)}。${hint}${exchange(sent, got)}`,
    }));
  }
  if (json.sha256 !== want) {
    const got256 = String(json.sha256);
    const hint =
      got256.toLowerCase() === want
        ? msg({ en: ' Same digest, but in upper case: digest(\'hex\') gives lower case.', 'zh-CN': '摘要相同，但是大写：digest(\'hex\') 给出的是小写。' })
        : got256 === createHash('sha256').update(body).digest('base64')
          ? msg({ en: " That is base64: use digest('hex').", 'zh-CN': "这是 base64：请用 digest('hex')。" })
          : got256 === sha256(Buffer.from(body.toString('utf8')))
            ? msg({
                en: ' That is the SHA-256 of the body decoded as UTF-8 text and encoded again: hash the Buffers as they came (hash.update(chunk)).',
                'zh-CN': '这是请求体先按 UTF-8 文本解码、再重新编码后的 SHA-256：要按原样对收到的 Buffer 求哈希（hash.update(chunk)）。',
              })
            : msg({ en: ' Feed every chunk, as bytes, to one createHash(\'sha256\') and call digest(\'hex\') once, at the end.', 'zh-CN': '把每个数据块按字节交给同一个 createHash(\'sha256\')，最后只调用一次 digest(\'hex\')。' });
    fail(msg({
      en: `${what}: sent ${bytesText(body.length)}; expected sha256 ${want}, your answer says ${JSON.stringify(json.sha256)}.${hint}${exchange(sent, got)}`,
      'zh-CN': `${what}：发送了 ${bytesText(body.length)}；sha256 应为 ${want}，你的响应却说 ${JSON.stringify(json.sha256)}。${hint}${exchange(sent, got)}`,
    }));
  }
}

/** Upload `body` on `conn` with Content-Length (or chunked in `chunk`-byte chunks); resolves with the request head and the answer. */
async function upload(conn: RawHttp, body: Buffer, chunk?: number): Promise<{ sent: string; got: Next }> {
  if (chunk === undefined) {
    const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
    conn.write(body);
    return { sent, got: await conn.next() };
  }
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' });
  for (let at = 0; at < body.length; at += chunk) conn.chunk(body.subarray(at, at + chunk));
  conn.lastChunk();
  return { sent, got: await conn.next() };
}

const CURL_UPLOAD = `head -c 40000 /dev/urandom > body.bin; curl -v --data-binary @body.bin http://127.0.0.1:PORT/upload; sha256sum body.bin`;
const CURL_CHUNKED = `head -c 40000 /dev/urandom | curl -v -H 'Transfer-Encoding: chunked' --data-binary @- http://127.0.0.1:PORT/upload`;

// ─── Uploads ────────────────────────────────────────────────────────────────────────────────

check('upload-content-length', 'POST /upload with Content-Length: 200, JSON with the body\'s bytes and sha256', { points: 2 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const body = payload(40 * KiB);
  const { sent, got } = await upload(conn, body);
  expectDigest(got, body, msg({ en: `POST /upload with ${bytesText(body.length)} of binary data (Content-Length)`, 'zh-CN': `POST /upload 上传 ${bytesText(body.length)} 二进制数据（Content-Length）` }), sent, CURL_UPLOAD);
  await conn.end();
});

check('upload-chunked', 'POST /upload with Transfer-Encoding: chunked: the same answer', { points: 2 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  // Odd chunk sizes: a multi-byte sequence or a hash block never lines up with a chunk.
  const body = payload(40 * KiB + 3, 1);
  const { sent, got } = await upload(conn, body, 7001);
  expectDigest(got, body, msg({ en: `POST /upload with ${bytesText(body.length)} of binary data, chunked (no Content-Length)`, 'zh-CN': `POST /upload 以 chunked 方式上传 ${bytesText(body.length)} 二进制数据（没有 Content-Length）` }), sent, CURL_CHUNKED);
  await conn.end();
});

check('limit-exact', `a body of exactly the limit (${LIMIT} bytes) is accepted, with Content-Length and chunked`, { points: 1 }, async () => {
  const { port } = await listening();
  const body = payload(LIMIT, 2);
  for (const chunk of [undefined, 16 * KiB]) {
    const conn = await RawHttp.open(port);
    const { sent, got } = await upload(conn, body, chunk);
    const how = chunk ? 'chunked' : msg({ en: 'with Content-Length', 'zh-CN': '带 Content-Length' });
    if (isAnswer(got) && got.status === 413) {
      fail(msg({
        en: `POST /upload of exactly ${LIMIT} bytes (${how}), with limit ${LIMIT}: got 413. Only a body *larger* than the limit is refused: compare with >, not >=.${exchange(sent, got)}`,
        'zh-CN': `POST /upload 恰好 ${LIMIT} 字节（${how}），上限 ${LIMIT}：收到 413。只有*超过*上限的请求体才被拒绝：用 > 比较，不要用 >=。${exchange(sent, got)}`,
      }));
    }
    expectDigest(got, body, msg({ en: `POST /upload of exactly ${LIMIT} bytes (${how}), with limit ${LIMIT}`, 'zh-CN': `POST /upload 恰好 ${LIMIT} 字节（${how}），上限 ${LIMIT}` }), sent, `head -c ${LIMIT} /dev/urandom | curl -v --data-binary @- http://127.0.0.1:PORT/upload`);
    await conn.end();
  }
});

/** After a 413: the Connection: close header, then the server ends the connection. */
async function expectClose(conn: RawHttp, got: Answer, what: string, sent: string, by: string): Promise<void> {
  if (!/(^|,)\s*close\s*(,|$)/i.test(got.headers.connection ?? '')) {
    fail(msg({
      en:
        `${what}: got 413, but without "Connection: close" (Connection: ${got.headers.connection ?? 'none'}). The client still has a body to send that nobody will read: ` +
        "tell it the connection ends (res.setHeader('Connection', 'close'), or in writeHead) so it does not send the next request behind the rest of this body." +
        exchange(sent, got) +
        curl(by),
      'zh-CN':
        `${what}：收到 413，但没有 "Connection: close"（Connection: ${got.headers.connection ?? '无'}）。客户端还有一段没人会读的请求体要发：` +
        "告诉它连接要结束了（res.setHeader('Connection', 'close')，或写在 writeHead 里），它就不会在这段请求体的剩余部分后面接着发下一个请求。" +
        exchange(sent, got) +
        curl(by),
    }));
  }
  if (!(await conn.closedByServer(AT_ONCE_MS))) {
    fail(msg({
      en: `${what}: got 413 with "Connection: close", but the connection stayed open ${AT_ONCE_MS / 1000} s later. Node closes it after the answer when the header says close: is the answer ended (res.end())?${exchange(sent, got)}`,
      'zh-CN': `${what}：收到带 "Connection: close" 的 413，但 ${AT_ONCE_MS / 1000} 秒后连接仍然打开。响应头写了 close 时，Node 会在响应之后关闭连接：响应结束了吗（res.end()）？${exchange(sent, got)}`,
    }));
  }
}

check('limit-content-length', 'a Content-Length over the limit: 413 and Connection: close at once, before any body is sent', { points: 2 }, async ({ note }) => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const size = LIMIT * 4;
  note(msg({ en: `only the head, announcing ${size} bytes; the body is held back until an answer comes`, 'zh-CN': `只发请求头，声明 ${size} 字节；请求体先扣住，等响应来了再说` }));
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  const got = await conn.next();
  const by = `head -c ${size} /dev/zero | curl -v --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = msg({ en: `sent a head with Content-Length: ${size} (limit ${LIMIT}) and held the body back`, 'zh-CN': `发送了 Content-Length: ${size}（上限 ${LIMIT}）的请求头，扣住请求体不发` });
  if (!isAnswer(got) && got.none === 'timeout') {
    fail(msg({
      en: `${what}: no answer within ${ANSWER_MS / 1000} s. The length is in the headers: answer 413 right away, without reading the body.${exchange(sent, got)}${curl(by)}`,
      'zh-CN': `${what}：${ANSWER_MS / 1000} 秒内没有响应。长度就在请求头里：立即回答 413，不必读取请求体。${exchange(sent, got)}${curl(by)}`,
    }));
  }
  if (isAnswer(got) && got.status === 100) {
    fail(msg({ en: `${what}: got "100 Continue", but this request did not ask for it (no Expect header).${exchange(sent, got)}`, 'zh-CN': `${what}：收到 "100 Continue"，但这个请求并没有要求它（没有 Expect 请求头）。${exchange(sent, got)}` }));
  }
  const answer = expectStatus(got, 413, what, sent, msg({ en: 'A Content-Length over the limit is known at the headers: answer 413 Payload Too Large.', 'zh-CN': '超过上限的 Content-Length 在请求头里就能看出来：回答 413 Payload Too Large。' }), by);
  await expectClose(conn, answer, what, sent, by);
});

check('limit-chunked', 'a chunked body that passes the limit: 413 and Connection: close the moment it passes', { points: 2 }, async ({ note }) => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' });
  const body = payload(LIMIT + 1, 3);
  for (let at = 0; at < body.length; at += 16 * KiB) conn.chunk(body.subarray(at, at + 16 * KiB));
  note(msg({ en: `${LIMIT + 1} bytes sent, one more than the limit; the rest of the body (and its last chunk) is held back until an answer comes`, 'zh-CN': `已发送 ${LIMIT + 1} 字节，比上限多 1；请求体的其余部分（和最后一个块）先扣住，等响应来了再说` }));
  const got = await conn.next();
  const by = `head -c 200000 /dev/zero | curl -v -H 'Transfer-Encoding: chunked' --limit-rate 20k --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = msg({ en: `sent a chunked body of ${LIMIT + 1} bytes so far (limit ${LIMIT}), more to come`, 'zh-CN': `chunked 请求体已发送 ${LIMIT + 1} 字节（上限 ${LIMIT}），后面还有` });
  if (!isAnswer(got) && got.none === 'timeout') {
    fail(msg({
      en:
        `${what}: no answer within ${ANSWER_MS / 1000} s. A chunked body has no length up front: count the bytes as they arrive and answer 413 as soon as the count passes the limit — do not wait for 'end', it may never come.` +
        exchange(sent, got) +
        curl(by),
      'zh-CN':
        `${what}：${ANSWER_MS / 1000} 秒内没有响应。chunked 请求体事先没有长度：字节到达时就计数，一超过上限就回答 413——不要等 'end'，它可能永远不会来。` +
        exchange(sent, got) +
        curl(by),
    }));
  }
  const answer = expectStatus(got, 413, what, sent, msg({ en: 'Count the bytes in the data handler; past the limit, answer 413 and stop reading.', 'zh-CN': '在 data 处理函数里计数字节；超过上限就回答 413，并停止读取。' }), by);
  await expectClose(conn, answer, what, sent, by);
});

// ─── Expect: 100-continue ───────────────────────────────────────────────────────────────────

check('continue-refused', 'Expect: 100-continue over the limit: 413 at once, never "100 Continue"', { points: 2 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const size = LIMIT * 2;
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': size, Expect: '100-continue' });
  const got = await conn.next();
  const by = `head -c ${size} /dev/zero | curl -v -H 'Expect: 100-continue' --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = msg({ en: `sent a head with Expect: 100-continue and Content-Length: ${size} (limit ${LIMIT}), and waited`, 'zh-CN': `发送了带 Expect: 100-continue 和 Content-Length: ${size}（上限 ${LIMIT}）的请求头，然后等待` });
  if (isAnswer(got) && got.status === 100) {
    fail(msg({
      en:
        `${what}: your server said "100 Continue", inviting a body it will refuse. Without a 'checkContinue' listener Node sends "100 Continue" by itself before your request handler runs: ` +
        "listen for server.on('checkContinue', (req, res) => …), answer 413 there, and call res.writeContinue() only for a body you will read." +
        exchange(sent, got) +
        curl(by),
      'zh-CN':
        `${what}：你的服务器回答了 "100 Continue"，邀请客户端发送一个它随后会拒绝的请求体。没有 'checkContinue' 监听器时，Node 会在你的请求处理函数运行之前自动发送 "100 Continue"：` +
        "监听 server.on('checkContinue', (req, res) => …)，在那里回答 413，只有对你会读取的请求体才调用 res.writeContinue()。" +
        exchange(sent, got) +
        curl(by),
    }));
  }
  expectStatus(got, 413, what, sent, msg({ en: 'Answer 413 from the checkContinue listener, before any body is sent.', 'zh-CN': '在 checkContinue 监听器里回答 413，赶在任何请求体发出之前。' }), by);
  await conn.end();
});

check('continue-accepted', 'Expect: 100-continue under the limit: "100 Continue", then the body, then 200', { points: 1 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const body = payload(3000, 4);
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, Expect: '100-continue' });
  const first = await conn.next();
  const by = `head -c 3000 /dev/urandom | curl -v -H 'Expect: 100-continue' --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = msg({
    en: `sent a head with Expect: 100-continue and Content-Length: ${body.length} (limit ${LIMIT}), and waited before sending the body`,
    'zh-CN': `发送了带 Expect: 100-continue 和 Content-Length: ${body.length}（上限 ${LIMIT}）的请求头，先等待、再发请求体`,
  });
  if (!isAnswer(first) || first.status !== 100) {
    const hint = isAnswer(first)
      ? msg({ en: 'The body is under the limit: call res.writeContinue() and then read it.', 'zh-CN': '请求体没有超过上限：调用 res.writeContinue()，然后读取它。' })
      : msg({
          en: "The client waits for \"100 Continue\" before it sends its body. With a 'checkContinue' listener, Node leaves that to you: res.writeContinue().",
          'zh-CN': "客户端要等到 \"100 Continue\" 才发送请求体。有了 'checkContinue' 监听器，Node 就把这件事交给你：res.writeContinue()。",
        });
    const got = isAnswer(first) ? msg({ en: `got "${first.statusLine}"`, 'zh-CN': `收到的是 "${first.statusLine}"` }) : describeNone(first);
    fail(msg({ en: `${what}: expected "HTTP/1.1 100 Continue", ${got}. ${hint}${exchange(sent, first)}${curl(by)}`, 'zh-CN': `${what}：应为 "HTTP/1.1 100 Continue"，${got}。${hint}${exchange(sent, first)}${curl(by)}` }));
  }
  conn.write(body);
  expectDigest(await conn.next(), body, msg({ en: `after "100 Continue" we sent the ${bytesText(body.length)} body`, 'zh-CN': `收到 "100 Continue" 之后，我们发送了 ${bytesText(body.length)} 的请求体` }), sent, by);
  await conn.end();
});

// ─── Routes ─────────────────────────────────────────────────────────────────────────────────

/** Send a body-less request (or one announcing a body with Expect) and return the first answer. */
async function ask(port: number, requestLine: string, headers: Record<string, string | number> = {}): Promise<{ sent: string; got: Next; conn: RawHttp }> {
  const conn = await RawHttp.open(port);
  const sent = conn.head(requestLine, headers);
  return { sent, got: await conn.next(), conn };
}

check('health', 'GET /health: 200 with the body "ok" (query string ignored)', { points: 1 }, async () => {
  const { port } = await listening();
  for (const path of ['/health', '/health?probe=1']) {
    const { sent, got, conn } = await ask(port, `GET ${path} HTTP/1.1`);
    const by = `curl -v 'http://127.0.0.1:PORT${path}'`;
    const hint = path.includes('?')
      ? msg({ en: 'Match the path without its query string: new URL(req.url, "http://x").pathname.', 'zh-CN': '匹配路径时去掉查询字符串：new URL(req.url, "http://x").pathname。' })
      : msg({ en: 'GET /health answers 200 "ok".', 'zh-CN': 'GET /health 应回答 200 "ok"。' });
    const answer = expectStatus(got, 200, `GET ${path}`, sent, hint, by);
    if (answer.body.toString() !== 'ok') {
      const text = answer.body.toString().slice(0, 60);
      fail(msg({ en: `GET ${path}: got 200 with the body "${text}", expected exactly "ok".${exchange(sent, got)}${curl(by)}`, 'zh-CN': `GET ${path}：收到 200，响应体是 "${text}"，应当恰好是 "ok"。${exchange(sent, got)}${curl(by)}` }));
    }
    await conn.end();
  }
});

check('not-found', 'any other path: 404, also with Expect: 100-continue (no "100 Continue")', { points: 1 }, async () => {
  const { port } = await listening();
  for (const [line, headers] of [
    ['GET /nope HTTP/1.1', {}],
    ['POST /uploads HTTP/1.1', { 'Content-Length': 0 }],
    ['POST /nope HTTP/1.1', { 'Content-Length': 10, Expect: '100-continue' }],
  ] as Array<[string, Record<string, string | number>]>) {
    const { sent, got, conn } = await ask(port, line, headers);
    const path = line.split(' ')[1];
    const by = headers.Expect ? `curl -v -H 'Expect: 100-continue' --data-binary 0123456789 http://127.0.0.1:PORT${path}` : `curl -v ${line.startsWith('POST') ? "-X POST " : ''}http://127.0.0.1:PORT${path}`;
    if (isAnswer(got) && got.status === 100) {
      const request = line.split(' HTTP')[0];
      fail(msg({
        en: `${request} with Expect: 100-continue: got "100 Continue" for a path that does not exist. Route in the 'checkContinue' listener too, and answer 404 without inviting the body.${exchange(sent, got)}${curl(by)}`,
        'zh-CN': `带 Expect: 100-continue 的 ${request}：一个不存在的路径却收到了 "100 Continue"。在 'checkContinue' 监听器里也要做路由，直接回答 404，不邀请请求体。${exchange(sent, got)}${curl(by)}`,
      }));
    }
    expectStatus(got, 404, line.split(' HTTP')[0]!, sent, msg({ en: 'A path other than /upload and /health is 404 Not Found.', 'zh-CN': '/upload 和 /health 以外的路径一律 404 Not Found。' }), by);
    await conn.end();
  }
});

check('method-not-allowed', 'another method on /upload or /health: 405 with an Allow header', { points: 1 }, async () => {
  const { port } = await listening();
  for (const [line, headers, allowed] of [
    ['GET /upload HTTP/1.1', {}, 'POST'],
    ['POST /health HTTP/1.1', { 'Content-Length': 0 }, 'GET'],
    ['PUT /upload HTTP/1.1', { 'Content-Length': 10, Expect: '100-continue' }, 'POST'],
  ] as Array<[string, Record<string, string | number>, string]>) {
    const { sent, got, conn } = await ask(port, line, headers);
    const [method, path] = line.split(' ');
    const by = headers.Expect ? `curl -v -X ${method} -H 'Expect: 100-continue' --data-binary 0123456789 'http://127.0.0.1:PORT${path}'` : `curl -v -X ${method} 'http://127.0.0.1:PORT${path}'`;
    if (isAnswer(got) && got.status === 100) {
      fail(msg({
        en: `${method} ${path} with Expect: 100-continue: got "100 Continue", inviting a body for a method that is not allowed. Answer 405 from the 'checkContinue' listener too.${exchange(sent, got)}${curl(by)}`,
        'zh-CN': `带 Expect: 100-continue 的 ${method} ${path}：收到 "100 Continue"，为一个不允许的方法邀请了请求体。在 'checkContinue' 监听器里也要回答 405。${exchange(sent, got)}${curl(by)}`,
      }));
    }
    const answer = expectStatus(got, 405, `${method} ${path}`, sent, msg({ en: `${path} exists but does not take ${method}: 405 Method Not Allowed.`, 'zh-CN': `${path} 存在，但不接受 ${method}：405 Method Not Allowed。` }), by);
    const allow = answer.headers.allow;
    if (allow === undefined || !allow.split(',').map((m) => m.trim().toUpperCase()).includes(allowed)) {
      fail(msg({
        en: `${method} ${path}: got 405, but ${allow === undefined ? 'no Allow header' : `"Allow: ${allow}"`}; a 405 must name the allowed method(s): "Allow: ${allowed}".${exchange(sent, got)}${curl(by)}`,
        'zh-CN': `${method} ${path}：收到 405，但${allow === undefined ? '没有 Allow 响应头' : `是 "Allow: ${allow}"`}；405 必须列出允许的方法："Allow: ${allowed}"。${exchange(sent, got)}${curl(by)}`,
      }));
    }
    await conn.end();
  }
});

/** `: <the uncaught exception>` of a crashed learner process, or nothing. */
function crashText(sub: Pick<Submission, 'crashed'>): string {
  return sub.crashed ? `: ${sub.crashed.message}` : '';
}

// ─── Keep-alive and aborts ──────────────────────────────────────────────────────────────────

check('keep-alive', 'one connection carries several requests in a row', { points: 2 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const steps: Array<{ label: string; go: () => Promise<{ sent: string; got: Next }>; verify: (got: Next, sent: string) => void }> = [
    { label: 'GET /health', go: async () => ({ sent: conn.head('GET /health HTTP/1.1'), got: await conn.next() }), verify: (got, sent) => expectStatus(got, 200, msg({ en: 'GET /health (request 1)', 'zh-CN': 'GET /health（第 1 个请求）' }), sent, '', 'curl -v http://127.0.0.1:PORT/health') },
    { label: 'POST /upload (Content-Length)', go: () => upload(conn, payload(5000, 5)), verify: (got, sent) => expectDigest(got, payload(5000, 5), msg({ en: 'POST /upload (request 2, Content-Length)', 'zh-CN': 'POST /upload（第 2 个请求，Content-Length）' }), sent, CURL_UPLOAD) },
    { label: 'POST /upload (chunked)', go: () => upload(conn, payload(5000, 6), 999), verify: (got, sent) => expectDigest(got, payload(5000, 6), msg({ en: 'POST /upload (request 3, chunked)', 'zh-CN': 'POST /upload（第 3 个请求，chunked）' }), sent, CURL_CHUNKED) },
    { label: 'GET /health', go: async () => ({ sent: conn.head('GET /health HTTP/1.1'), got: await conn.next() }), verify: (got, sent) => expectStatus(got, 200, msg({ en: 'GET /health (request 4)', 'zh-CN': 'GET /health（第 4 个请求）' }), sent, '', 'curl -v http://127.0.0.1:PORT/health') },
  ];
  const by = msg({
    en: 'curl -v http://127.0.0.1:PORT/health http://127.0.0.1:PORT/health   # look for "Re-using existing connection"',
    'zh-CN': 'curl -v http://127.0.0.1:PORT/health http://127.0.0.1:PORT/health   # 找 "Re-using existing connection" 这一行',
  });
  for (const [i, step] of steps.entries()) {
    if (conn.ended || conn.closed) {
      fail(msg({
        en: `request ${i + 1} (${step.label}) could not be sent: your server closed the connection after request ${i}. Keep-alive is HTTP/1.1's default; do not send "Connection: close" or end the socket after an ordinary answer.${curl(by)}`,
        'zh-CN': `第 ${i + 1} 个请求（${step.label}）发不出去：你的服务器在第 ${i} 个请求之后关闭了连接。长连接是 HTTP/1.1 的默认行为；普通响应之后不要发送 "Connection: close"，也不要结束套接字。${curl(by)}`,
      }));
    }
    const { sent, got } = await step.go();
    if (!isAnswer(got) && got.none !== 'timeout' && i > 0) {
      fail(msg({
        en: `request ${i + 1} (${step.label}) on the same connection: ${describeNone(got)}. The connection must stay open for the next request.${exchange(sent, got)}${curl(by)}`,
        'zh-CN': `同一个连接上的第 ${i + 1} 个请求（${step.label}）：${describeNone(got)}。连接必须保持打开，留给下一个请求。${exchange(sent, got)}${curl(by)}`,
      }));
    }
    step.verify(got, sent);
    if (isAnswer(got) && /(^|,)\s*close\s*(,|$)/i.test(got.headers.connection ?? '')) {
      fail(msg({
        en: `request ${i + 1} (${step.label}) was answered with "Connection: close": the connection ends after it, so the next request needs a new one. Send Connection: close only after a 413.${exchange(sent, got)}${curl(by)}`,
        'zh-CN': `第 ${i + 1} 个请求（${step.label}）的响应带有 "Connection: close"：连接在它之后结束，下一个请求只好新建连接。只在 413 之后才发送 Connection: close。${exchange(sent, got)}${curl(by)}`,
      }));
    }
  }
  await conn.end();
});

check('aborted-upload', 'a client that aborts mid-body: no crash, nothing written for it, the next upload is served', { points: 2 }, async ({ note }) => {
  const { sub, port } = await listening();
  for (const [how, abort] of [
    ['destroy() (FIN)', (s: net.Socket) => s.destroy()],
    ['resetAndDestroy() (RST)', (s: net.Socket) => s.resetAndDestroy()],
  ] as Array<[string, (s: net.Socket) => void]>) {
    const conn = await RawHttp.open(port, `client(${how.split('(')[0]})`);
    const size = 48 * KiB;
    conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
    conn.write(payload(16 * KiB, 7));
    const remote = `127.0.0.1:${conn.socket.localPort}`;
    const accepted = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, { what: msg({ en: `your server's "connection" for our upload (${remote})`, 'zh-CN': `你的服务器为我们的上传（${remote}）发出的 "connection" 事件` }), timeoutMs: ANSWER_MS });
    const socketId = String(accepted.detail.socket);
    await sub.waitFor((e) => e.name === 'request' && e.detail.socket === socketId, { what: msg({ en: 'your server\'s "request" event for our upload', 'zh-CN': '你的服务器为我们的上传发出的 "request" 事件' }), timeoutMs: ANSWER_MS });
    note(msg({ en: `16 KiB of ${size / KiB} KiB sent; now the client aborts with ${how}`, 'zh-CN': `${size / KiB} KiB 中已发送 16 KiB；现在客户端用 ${how} 中止` }));
    abort(conn.socket);
    await sub.waitFor((e) => e.object === socketId && e.name === 'close', { what: msg({ en: "your server's socket to close after the abort", 'zh-CN': '中止之后你的服务器的套接字关闭' }), timeoutMs: ANSWER_MS }).catch(() => undefined);
    if (sub.crashed || !sub.running) {
      fail(msg({
        en:
          `a client sent 16 KiB of a ${size / KiB} KiB upload and aborted with ${how}; your server crashed${crashText(sub)}. ` +
          "The request emits 'aborted' and an 'error' (ECONNRESET \"aborted\"): with for await…of or pipeline() that error is thrown or passed to you — catch it, an async request handler's rejection is an unhandled rejection that ends the process.",
        'zh-CN':
          `一个客户端在 ${size / KiB} KiB 的上传中发送了 16 KiB，然后用 ${how} 中止；你的服务器崩溃了${crashText(sub)}。` +
          "请求会发出 'aborted' 和一个 'error'（ECONNRESET \"aborted\"）：用 for await…of 或 pipeline() 时，这个错误会被抛出或交给你——要捕获它，async 请求处理函数的 rejection 是未处理的 rejection，会结束进程。",
      }));
    }
    // The abort's events have all run once the next upload, on a new connection, is answered.
    const next = await RawHttp.open(port, 'client(next)');
    const body = payload(2000, 8);
    const { sent, got } = await upload(next, body);
    if (!sub.running) fail(msg({ en: `after a client aborted its upload with ${how}, your server crashed while serving the next one${crashText(sub)}.`, 'zh-CN': `一个客户端用 ${how} 中止上传之后，你的服务器在处理下一个上传时崩溃了${crashText(sub)}。` }));
    expectDigest(got, body, msg({ en: `after a client aborted its upload with ${how}, the next POST /upload`, 'zh-CN': `一个客户端用 ${how} 中止上传之后，下一个 POST /upload` }), sent, CURL_UPLOAD);
    await next.end();
    const late = await sub.call('lateWrites');
    if (late.length) {
      fail(msg({
        en:
          `a client aborted its upload with ${how} after 16 KiB; your server then called ${late.map((w) => w.call).join(', ')} for that request, whose client is gone. ` +
          "Nothing may be written for it: answer on the request's 'end' (which never comes for an aborted body), not on 'close', 'aborted' or 'error'.",
        'zh-CN':
          `一个客户端发送 16 KiB 后用 ${how} 中止了上传；随后你的服务器还为这个请求调用了 ${late.map((w) => w.call).join(', ')}，而它的客户端已经不在了。` +
          "不能再为它写任何东西：在请求的 'end' 时回答（被中止的请求体永远等不到 'end'），而不是在 'close'、'aborted' 或 'error' 时。",
      }));
    }
  }
});

// ─── Shutdown ───────────────────────────────────────────────────────────────────────────────

/** What happened during one graceful shutdown with a request in flight and an idle connection. */
interface ShutdownRun {
  /** The idle keep-alive connection was closed by the server while the other request was still in flight. */
  idleClosed: boolean;
  /** A new connection after shutdown() was refused (false: accepted, so the server still listens). */
  refused: boolean;
  refusedDetail: string;
  /** The in-flight upload's answer, after we sent the rest of its body. */
  inFlight: { sent: string; got: Next; body: Buffer };
  /** After that answer, its connection was closed by the server at once (undefined: no whole answer came). */
  laterIdleClosed: boolean | undefined;
  /** How shutdown() settled (the 'shutdown settled' trace event), or undefined if it never did. */
  settled: { outcome: string; closeEmitted: boolean; message?: string; returned?: string } | undefined;
}

/**
 * The shutdown story, the same for its four checks: a connection left idle after GET /health,
 * an upload with half its body sent; shutdown(server); then, in order: is the idle connection
 * closed (the upload still in flight)? is a new connection refused? does the upload, once its
 * body is complete, get its whole answer, and is its connection then closed? does shutdown
 * settle after the server's 'close'? Each check judges its own step.
 */
async function shutdownRun(ctx: CheckContext): Promise<ShutdownRun> {
  const { sub, port } = await listening();
  const idle = await RawHttp.open(port, 'client(idle)');
  const health = idle.head('GET /health HTTP/1.1');
  const first = await idle.next();
  if (!isAnswer(first)) {
    fail(msg({ en: `before the shutdown, GET /health on the connection to be left idle got no answer: ${describeNone(first)}.${exchange(health, first)}`, 'zh-CN': `关闭之前，在准备闲置的连接上发送 GET /health，没有得到响应：${describeNone(first)}。${exchange(health, first)}` }));
  }
  const busy = await RawHttp.open(port, 'client(busy)');
  const body = payload(40 * KiB, 9);
  const sent = busy.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
  busy.write(body.subarray(0, body.length / 2));
  const remote = `127.0.0.1:${busy.socket.localPort}`;
  const accepted = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, { what: msg({ en: `your server's "connection" for the upload (${remote})`, 'zh-CN': `你的服务器为这次上传（${remote}）发出的 "connection" 事件` }), timeoutMs: ANSWER_MS });
  await sub.waitFor((e) => e.name === 'request' && e.detail.socket === accepted.detail.socket, { what: msg({ en: 'your server\'s "request" event for the upload', 'zh-CN': '你的服务器为这次上传发出的 "request" 事件' }), timeoutMs: ANSWER_MS });
  ctx.note(msg({ en: 'one connection idle after GET /health, one upload with half its body sent: now shutdown(server)', 'zh-CN': '一个连接在 GET /health 之后闲置，一个上传只发了一半请求体：现在调用 shutdown(server)' }));
  await sub.call('shutdown');

  const idleClosed = await idle.closedByServer(AT_ONCE_MS);
  let refused = false;
  let refusedDetail = '';
  await new Promise<void>((resolve) => {
    const probe = ctx.trace(net.connect(port, '127.0.0.1'), 'client(new)');
    probe.on('error', (err: NodeJS.ErrnoException) => {
      refused = err.code === 'ECONNREFUSED';
      refusedDetail = err.code ?? err.message;
      resolve();
    });
    probe.on('connect', () => {
      refusedDetail = 'accepted';
      probe.end();
      resolve();
    });
    ctx.defer(() => probe.destroy());
  });

  ctx.note(msg({ en: 'the rest of the upload\'s body', 'zh-CN': '上传请求体的其余部分' }));
  busy.write(body.subarray(body.length / 2));
  const got = await busy.next();
  const whole = isAnswer(got) && got.status === 200;
  const laterIdleClosed = whole ? await busy.closedByServer(AT_ONCE_MS) : undefined;

  // Whatever the server left open, we close now, so that 'close' can come and shutdown settle.
  await Promise.all([idle.end(), busy.end()]);
  const settled = await sub
    .waitFor((e) => e.name === 'shutdown settled', { what: msg({ en: 'shutdown() to settle', 'zh-CN': 'shutdown() 完成（兑现或拒绝）' }), timeoutMs: ANSWER_MS })
    .then((e) => e.detail as unknown as ShutdownRun['settled'])
    .catch(() => undefined);
  return { idleClosed, refused, refusedDetail, inFlight: { sent, got, body }, laterIdleClosed, settled };
}

check('shutdown-idle', 'shutdown closes an idle keep-alive connection at once, while another request is still in flight', { points: 2 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  if (!run.idleClosed) {
    fail(msg({
      en:
        `a connection sat idle after GET /health when shutdown() was called, and ${AT_ONCE_MS / 1000} s later it was still open (keepAliveTimeout is ${KEEP_ALIVE_MS / 1000} s here). ` +
        'Idle keep-alive connections must close at once: server.close() does that for the connections idle at that moment (Node 19 and later), server.closeIdleConnections() at any time. ' +
        'Call them when shutdown starts, not after the requests in flight have finished.',
      'zh-CN':
        `调用 shutdown() 时，一个连接在 GET /health 之后正闲置着，${AT_ONCE_MS / 1000} 秒后它仍然打开（这里的 keepAliveTimeout 是 ${KEEP_ALIVE_MS / 1000} 秒）。` +
        '闲置的长连接必须立即关闭：server.close() 会关闭调用那一刻闲置的连接（Node 19 及以后），server.closeIdleConnections() 随时都可以调用。' +
        '在关闭开始时就调用它们，而不是等进行中的请求都结束之后。',
    }));
  }
});

check('shutdown-in-flight', 'shutdown stops accepting connections and lets the request in flight finish whole', { points: 2 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  const { sent, got, body } = run.inFlight;
  if (!run.refused) {
    fail(msg({
      en: `after shutdown() a new connection was ${run.refusedDetail === 'accepted' ? 'still accepted' : `answered with ${run.refusedDetail}`}: a shutdown starts by no longer accepting connections — server.close() stops listening at once.`,
      'zh-CN': `shutdown() 之后，一个新连接${run.refusedDetail === 'accepted' ? '仍然被接受了' : `得到的是 ${run.refusedDetail}`}：关闭的第一步是不再接受连接——server.close() 会立即停止监听。`,
    }));
  }
  if (isAnswer(got) && got.status === 200) {
    expectDigest(got, body, msg({ en: 'an upload half sent when shutdown() was called, completed after it', 'zh-CN': '调用 shutdown() 时只发了一半、之后才发完的上传' }), sent, CURL_UPLOAD);
    return;
  }
  const destroyed = !isAnswer(got) && (got.none === 'ended' || got.none === 'closed');
  const outcome = isAnswer(got) ? msg({ en: `got "${got.statusLine}"`, 'zh-CN': `收到的是 "${got.statusLine}"` }) : describeNone(got);
  fail(msg({
    en:
      `an upload had half its body sent when shutdown() was called; we sent the rest and ${outcome}. ` +
      (destroyed ? 'The connection was closed under a request in flight: closeAllConnections() or destroying sockets does that. Let busy connections finish; close them after their answer.' : 'A graceful shutdown lets every request in progress get its whole answer.') +
      exchange(sent, got),
    'zh-CN':
      `调用 shutdown() 时，一个上传的请求体才发了一半；我们发完其余部分后，${outcome}。` +
      (destroyed ? '连接在请求进行中被关闭了：closeAllConnections() 或销毁套接字会这样做。让忙碌的连接做完；在它们的响应之后再关闭。' : '优雅关闭要让每个进行中的请求都拿到完整的响应。') +
      exchange(sent, got),
  }));
});

check('shutdown-later-idle', 'after shutdown, a connection is closed as soon as its answer is out (not after keepAliveTimeout)', { points: 1 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  if (run.laterIdleClosed === false) {
    fail(msg({
      en:
        `an upload finished after shutdown() was called and got its answer; ${AT_ONCE_MS / 1000} s later its connection was still open (keepAliveTimeout is ${KEEP_ALIVE_MS / 1000} s here), holding back the server's 'close'. ` +
        "server.close() only closed the connections idle when it was called. Close this one when its response finishes: res.on('finish', …) then server.closeIdleConnections(), or answer with \"Connection: close\" once shutting down.",
      'zh-CN':
        `一个上传在调用 shutdown() 之后完成并拿到了响应；${AT_ONCE_MS / 1000} 秒后它的连接仍然打开（这里的 keepAliveTimeout 是 ${KEEP_ALIVE_MS / 1000} 秒），拖住了服务器的 'close'。` +
        "server.close() 只关闭调用它那一刻闲置的连接。这个连接要在它的响应完成时关闭：res.on('finish', …) 里调用 server.closeIdleConnections()，或者在关闭期间用 \"Connection: close\" 回答。",
    }));
  }
  if (run.laterIdleClosed === undefined && isAnswer(run.inFlight.got)) {
    const { sent, got } = run.inFlight;
    fail(msg({
      en: `the upload in flight during the shutdown got "${got.statusLine}" instead of its 200 answer, so this could not be judged (see the check shutdown-in-flight).${exchange(sent, got)}`,
      'zh-CN': `关闭期间进行中的上传收到的是 "${got.statusLine}"，而不是 200，所以这一项无法判断（见检查 shutdown-in-flight）。${exchange(sent, got)}`,
    }));
  }
});

check('shutdown-resolves', "shutdown's promise resolves, and only after the server has emitted 'close'", { points: 1 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  const s = run.settled;
  if (!s) {
    fail(msg({
      en: "shutdown() never settled, even after every connection had closed: resolve the promise from server.close(callback) or on the server's 'close' event.",
      'zh-CN': "即使所有连接都已关闭，shutdown() 也一直没有完成：在 server.close(callback) 里或服务器的 'close' 事件上兑现这个 promise。",
    }));
  }
  if (s.outcome === 'not a promise') {
    fail(msg({ en: `shutdown() returned ${s.returned}, not a Promise: return new Promise((resolve, reject) => server.close((err) => …)).`, 'zh-CN': `shutdown() 返回了 ${s.returned}，不是 Promise：返回 new Promise((resolve, reject) => server.close((err) => …))。` }));
  }
  if (s.outcome === 'rejected') fail(msg({ en: `shutdown() rejected with "${s.message}". It should resolve once the server has closed.`, 'zh-CN': `shutdown() 被拒绝了："${s.message}"。它应当在服务器关闭后兑现。` }));
  if (!s.closeEmitted) {
    fail(msg({
      en: "shutdown() resolved before the server emitted 'close': a caller that awaits it and then exits would cut the requests in flight. Resolve in server.close(callback) (called on 'close'), not right after calling close().",
      'zh-CN': "shutdown() 在服务器发出 'close' 之前就兑现了：调用方 await 它之后退出，就会切断进行中的请求。在 server.close(callback) 里兑现（它在 'close' 时被调用），而不是调用 close() 之后立刻兑现。",
    }));
  }
});
