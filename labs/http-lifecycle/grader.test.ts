/**
 * Grades `createUploadServer(limit)` and `shutdown(server)`: one check per requirement, each
 * through real sockets against the learner's server in its own process. Exchanges that must be
 * controlled byte by byte (a body held back, an interim answer that must not come) use a raw
 * `net` client (grade/raw-http.ts); messages show the request head sent, the response head
 * received, and the curl command that repeats the exchange by hand.
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { check, fail, startSubmission, type CheckContext, type Submission, type TypedSubmission } from '../../src/grade/harness.js';
import { bytesText } from '../../src/grade/helpers.js';
import { uploadHost } from './contract.js';
import { payload, sha256 } from './demo/patterns.js';
import { AT_ONCE_MS, KEEP_ALIVE_MS } from './grade/timing.js';
import { ANSWER_MS, RawHttp, indent, isAnswer, type Answer, type Next } from './grade/raw-http.js';

const LAB = 'http-lifecycle';
/** The limit the grader gives createUploadServer; the same as the demo's, so `--serve` repeats a check. */
const LIMIT = 64 * 1024;
const KiB = 1024;

async function listening(): Promise<{ sub: TypedSubmission<NonNullable<(typeof uploadHost)['ops']>>; port: number }> {
  const sub = await startSubmission(LAB, { host: uploadHost });
  const { port } = await sub.call('listen', { limit: LIMIT });
  return { sub, port };
}


/** How to repeat an exchange by hand, next to `netlab run http-lifecycle --serve --use <your file>`. */
function curl(command: string): string {
  return `\nTry it by hand: netlab run ${LAB} --serve --use ${LAB}.ts, then\n    ${command}`;
}

/** "request head sent / response head received", for messages. */
function exchange(sent: string, got: Next): string {
  const received = isAnswer(got) ? `response head received:\n${indent(got.head)}` : `no response head received (${describeNone(got)})`;
  return `\nrequest head sent:\n${indent(sent)}\n${received}`;
}

function describeNone(n: Next): string {
  if (isAnswer(n)) return `got ${n.statusLine}`;
  if (n.none === 'timeout') return `nothing within ${ANSWER_MS / 1000} s; received so far: ${n.partial}`;
  if (n.none === 'garbage') return `not an HTTP response: ${n.partial}`;
  return `the server ${n.none} the connection; received before that: ${n.partial}`;
}

/** Fail unless `got` is an answer with status `status`. */
function expectStatus(got: Next, status: number, what: string, sent: string, hint: string, by: string): Answer {
  if (!isAnswer(got)) fail(`${what}: expected ${status}, but ${describeNone(got)}. ${hint}${exchange(sent, got)}${curl(by)}`);
  if (got.status !== status) fail(`${what}: expected ${status}, got "${got.statusLine}". ${hint}${exchange(sent, got)}${curl(by)}`);
  return got;
}

/** Check a 200 upload answer: JSON with the right bytes and sha256. */
function expectDigest(got: Next, body: Buffer, what: string, sent: string, by: string): void {
  const answer = expectStatus(got, 200, what, sent, 'A complete upload under the limit gets 200 with {"bytes", "sha256"}.', by);
  const type = answer.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    fail(`${what}: the answer's Content-Type is ${type ? `"${type}"` : 'missing'}, expected application/json (res.setHeader('Content-Type', 'application/json')).${exchange(sent, got)}`);
  }
  let json: { bytes?: unknown; sha256?: unknown };
  try {
    json = JSON.parse(answer.body.toString('utf8')) as typeof json;
  } catch {
    fail(`${what}: the body is not JSON: "${answer.body.toString('utf8').slice(0, 120)}".${exchange(sent, got)}`);
  }
  const want = sha256(body);
  if (json.bytes !== body.length) {
    const asText = Buffer.byteLength(body.toString('utf8'));
    const hint =
      json.bytes === body.toString('utf8').length || json.bytes === asText
        ? ' That is the length of the body decoded as text: count the Buffers\' bytes (chunk.length), never a string\'s length.'
        : typeof json.bytes === 'string'
          ? ' "bytes" must be a number, not a string.'
          : '';
    fail(`${what}: sent ${bytesText(body.length)} of binary data, your answer says bytes: ${JSON.stringify(json.bytes)}.${hint}${exchange(sent, got)}`);
  }
  if (json.sha256 !== want) {
    const got256 = String(json.sha256);
    const hint =
      got256.toLowerCase() === want
        ? ' Same digest, but in upper case: digest(\'hex\') gives lower case.'
        : got256 === createHash('sha256').update(body).digest('base64')
          ? " That is base64: use digest('hex')."
          : got256 === sha256(Buffer.from(body.toString('utf8')))
            ? ' That is the SHA-256 of the body decoded as UTF-8 text and encoded again: hash the Buffers as they came (hash.update(chunk)).'
            : ' Feed every chunk, as bytes, to one createHash(\'sha256\') and call digest(\'hex\') once, at the end.';
    fail(`${what}: sent ${bytesText(body.length)}; expected sha256 ${want}, your answer says ${JSON.stringify(json.sha256)}.${hint}${exchange(sent, got)}`);
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
  expectDigest(got, body, `POST /upload with ${bytesText(body.length)} of binary data (Content-Length)`, sent, CURL_UPLOAD);
  await conn.end();
});

check('upload-chunked', 'POST /upload with Transfer-Encoding: chunked: the same answer', { points: 2 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  // Odd chunk sizes: a multi-byte sequence or a hash block never lines up with a chunk.
  const body = payload(40 * KiB + 3, 1);
  const { sent, got } = await upload(conn, body, 7001);
  expectDigest(got, body, `POST /upload with ${bytesText(body.length)} of binary data, chunked (no Content-Length)`, sent, CURL_CHUNKED);
  await conn.end();
});

check('limit-exact', `a body of exactly the limit (${LIMIT} bytes) is accepted, with Content-Length and chunked`, { points: 1 }, async () => {
  const { port } = await listening();
  const body = payload(LIMIT, 2);
  for (const chunk of [undefined, 16 * KiB]) {
    const conn = await RawHttp.open(port);
    const { sent, got } = await upload(conn, body, chunk);
    const how = chunk ? 'chunked' : 'with Content-Length';
    if (isAnswer(got) && got.status === 413) {
      fail(`POST /upload of exactly ${LIMIT} bytes (${how}), with limit ${LIMIT}: got 413. Only a body *larger* than the limit is refused: compare with >, not >=.${exchange(sent, got)}`);
    }
    expectDigest(got, body, `POST /upload of exactly ${LIMIT} bytes (${how}), with limit ${LIMIT}`, sent, `head -c ${LIMIT} /dev/urandom | curl -v --data-binary @- http://127.0.0.1:PORT/upload`);
    await conn.end();
  }
});

/** After a 413: the Connection: close header, then the server ends the connection. */
async function expectClose(conn: RawHttp, got: Answer, what: string, sent: string, by: string): Promise<void> {
  if (!/(^|,)\s*close\s*(,|$)/i.test(got.headers.connection ?? '')) {
    fail(
      `${what}: got 413, but without "Connection: close" (Connection: ${got.headers.connection ?? 'none'}). The client still has a body to send that nobody will read: ` +
        "tell it the connection ends (res.setHeader('Connection', 'close'), or in writeHead) so it does not send the next request behind the rest of this body." +
        exchange(sent, got) +
        curl(by),
    );
  }
  if (!(await conn.closedByServer(AT_ONCE_MS))) {
    fail(`${what}: got 413 with "Connection: close", but the connection stayed open ${AT_ONCE_MS / 1000} s later. Node closes it after the answer when the header says close: is the answer ended (res.end())?${exchange(sent, got)}`);
  }
}

check('limit-content-length', 'a Content-Length over the limit: 413 and Connection: close at once, before any body is sent', { points: 2 }, async ({ note }) => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const size = LIMIT * 4;
  note(`only the head, announcing ${size} bytes; the body is held back until an answer comes`);
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': size });
  const got = await conn.next();
  const by = `head -c ${size} /dev/zero | curl -v --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = `sent a head with Content-Length: ${size} (limit ${LIMIT}) and held the body back`;
  if (!isAnswer(got) && got.none === 'timeout') {
    fail(`${what}: no answer within ${ANSWER_MS / 1000} s. The length is in the headers: answer 413 right away, without reading the body.${exchange(sent, got)}${curl(by)}`);
  }
  if (isAnswer(got) && got.status === 100) fail(`${what}: got "100 Continue", but this request did not ask for it (no Expect header).${exchange(sent, got)}`);
  const answer = expectStatus(got, 413, what, sent, 'A Content-Length over the limit is known at the headers: answer 413 Payload Too Large.', by);
  await expectClose(conn, answer, what, sent, by);
});

check('limit-chunked', 'a chunked body that passes the limit: 413 and Connection: close the moment it passes', { points: 2 }, async ({ note }) => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' });
  const body = payload(LIMIT + 1, 3);
  for (let at = 0; at < body.length; at += 16 * KiB) conn.chunk(body.subarray(at, at + 16 * KiB));
  note(`${LIMIT + 1} bytes sent, one more than the limit; the rest of the body (and its last chunk) is held back until an answer comes`);
  const got = await conn.next();
  const by = `head -c 200000 /dev/zero | curl -v -H 'Transfer-Encoding: chunked' --limit-rate 20k --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = `sent a chunked body of ${LIMIT + 1} bytes so far (limit ${LIMIT}), more to come`;
  if (!isAnswer(got) && got.none === 'timeout') {
    fail(
      `${what}: no answer within ${ANSWER_MS / 1000} s. A chunked body has no length up front: count the bytes as they arrive and answer 413 as soon as the count passes the limit — do not wait for 'end', it may never come.` +
        exchange(sent, got) +
        curl(by),
    );
  }
  const answer = expectStatus(got, 413, what, sent, 'Count the bytes in the data handler; past the limit, answer 413 and stop reading.', by);
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
  const what = `sent a head with Expect: 100-continue and Content-Length: ${size} (limit ${LIMIT}), and waited`;
  if (isAnswer(got) && got.status === 100) {
    fail(
      `${what}: your server said "100 Continue", inviting a body it will refuse. Without a 'checkContinue' listener Node sends "100 Continue" by itself before your request handler runs: ` +
        "listen for server.on('checkContinue', (req, res) => …), answer 413 there, and call res.writeContinue() only for a body you will read." +
        exchange(sent, got) +
        curl(by),
    );
  }
  expectStatus(got, 413, what, sent, 'Answer 413 from the checkContinue listener, before any body is sent.', by);
  await conn.end();
});

check('continue-accepted', 'Expect: 100-continue under the limit: "100 Continue", then the body, then 200', { points: 1 }, async () => {
  const { port } = await listening();
  const conn = await RawHttp.open(port);
  const body = payload(3000, 4);
  const sent = conn.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, Expect: '100-continue' });
  const first = await conn.next();
  const by = `head -c 3000 /dev/urandom | curl -v -H 'Expect: 100-continue' --data-binary @- http://127.0.0.1:PORT/upload`;
  const what = `sent a head with Expect: 100-continue and Content-Length: ${body.length} (limit ${LIMIT}), and waited before sending the body`;
  if (!isAnswer(first) || first.status !== 100) {
    const hint = isAnswer(first)
      ? 'The body is under the limit: call res.writeContinue() and then read it.'
      : "The client waits for \"100 Continue\" before it sends its body. With a 'checkContinue' listener, Node leaves that to you: res.writeContinue().";
    fail(`${what}: expected "HTTP/1.1 100 Continue", ${isAnswer(first) ? `got "${first.statusLine}"` : describeNone(first)}. ${hint}${exchange(sent, first)}${curl(by)}`);
  }
  conn.write(body);
  expectDigest(await conn.next(), body, `after "100 Continue" we sent the ${bytesText(body.length)} body`, sent, by);
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
    const answer = expectStatus(got, 200, `GET ${path}`, sent, path.includes('?') ? 'Match the path without its query string: new URL(req.url, "http://x").pathname.' : 'GET /health answers 200 "ok".', by);
    if (answer.body.toString() !== 'ok') fail(`GET ${path}: got 200 with the body "${answer.body.toString().slice(0, 60)}", expected exactly "ok".${exchange(sent, got)}${curl(by)}`);
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
      fail(`${line.split(' HTTP')[0]} with Expect: 100-continue: got "100 Continue" for a path that does not exist. Route in the 'checkContinue' listener too, and answer 404 without inviting the body.${exchange(sent, got)}${curl(by)}`);
    }
    expectStatus(got, 404, line.split(' HTTP')[0]!, sent, 'A path other than /upload and /health is 404 Not Found.', by);
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
      fail(`${method} ${path} with Expect: 100-continue: got "100 Continue", inviting a body for a method that is not allowed. Answer 405 from the 'checkContinue' listener too.${exchange(sent, got)}${curl(by)}`);
    }
    const answer = expectStatus(got, 405, `${method} ${path}`, sent, `${path} exists but does not take ${method}: 405 Method Not Allowed.`, by);
    const allow = answer.headers.allow;
    if (allow === undefined || !allow.split(',').map((m) => m.trim().toUpperCase()).includes(allowed)) {
      fail(`${method} ${path}: got 405, but ${allow === undefined ? 'no Allow header' : `"Allow: ${allow}"`}; a 405 must name the allowed method(s): "Allow: ${allowed}".${exchange(sent, got)}${curl(by)}`);
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
    { label: 'GET /health', go: async () => ({ sent: conn.head('GET /health HTTP/1.1'), got: await conn.next() }), verify: (got, sent) => expectStatus(got, 200, 'GET /health (request 1)', sent, '', 'curl -v http://127.0.0.1:PORT/health') },
    { label: 'POST /upload (Content-Length)', go: () => upload(conn, payload(5000, 5)), verify: (got, sent) => expectDigest(got, payload(5000, 5), 'POST /upload (request 2, Content-Length)', sent, CURL_UPLOAD) },
    { label: 'POST /upload (chunked)', go: () => upload(conn, payload(5000, 6), 999), verify: (got, sent) => expectDigest(got, payload(5000, 6), 'POST /upload (request 3, chunked)', sent, CURL_CHUNKED) },
    { label: 'GET /health', go: async () => ({ sent: conn.head('GET /health HTTP/1.1'), got: await conn.next() }), verify: (got, sent) => expectStatus(got, 200, 'GET /health (request 4)', sent, '', 'curl -v http://127.0.0.1:PORT/health') },
  ];
  const by = 'curl -v http://127.0.0.1:PORT/health http://127.0.0.1:PORT/health   # look for "Re-using existing connection"';
  for (const [i, step] of steps.entries()) {
    if (conn.ended || conn.closed) {
      fail(`request ${i + 1} (${step.label}) could not be sent: your server closed the connection after request ${i}. Keep-alive is HTTP/1.1's default; do not send "Connection: close" or end the socket after an ordinary answer.${curl(by)}`);
    }
    const { sent, got } = await step.go();
    if (!isAnswer(got) && got.none !== 'timeout' && i > 0) {
      fail(`request ${i + 1} (${step.label}) on the same connection: ${describeNone(got)}. The connection must stay open for the next request.${exchange(sent, got)}${curl(by)}`);
    }
    step.verify(got, sent);
    if (isAnswer(got) && /(^|,)\s*close\s*(,|$)/i.test(got.headers.connection ?? '')) {
      fail(`request ${i + 1} (${step.label}) was answered with "Connection: close": the connection ends after it, so the next request needs a new one. Send Connection: close only after a 413.${exchange(sent, got)}${curl(by)}`);
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
    const accepted = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, { what: `your server's "connection" for our upload (${remote})`, timeoutMs: ANSWER_MS });
    const socketId = String(accepted.detail.socket);
    await sub.waitFor((e) => e.name === 'request' && e.detail.socket === socketId, { what: 'your server\'s "request" event for our upload', timeoutMs: ANSWER_MS });
    note(`16 KiB of ${size / KiB} KiB sent; now the client aborts with ${how}`);
    abort(conn.socket);
    await sub.waitFor((e) => e.object === socketId && e.name === 'close', { what: "your server's socket to close after the abort", timeoutMs: ANSWER_MS }).catch(() => undefined);
    if (sub.crashed || !sub.running) {
      fail(
        `a client sent 16 KiB of a ${size / KiB} KiB upload and aborted with ${how}; your server crashed${crashText(sub)}. ` +
          "The request emits 'aborted' and an 'error' (ECONNRESET \"aborted\"): with for await…of or pipeline() that error is thrown or passed to you — catch it, an async request handler's rejection is an unhandled rejection that ends the process.",
      );
    }
    // The abort's events have all run once the next upload, on a new connection, is answered.
    const next = await RawHttp.open(port, 'client(next)');
    const body = payload(2000, 8);
    const { sent, got } = await upload(next, body);
    if (!sub.running) fail(`after a client aborted its upload with ${how}, your server crashed while serving the next one${crashText(sub)}.`);
    expectDigest(got, body, `after a client aborted its upload with ${how}, the next POST /upload`, sent, CURL_UPLOAD);
    await next.end();
    const late = await sub.call('lateWrites');
    if (late.length) {
      fail(
        `a client aborted its upload with ${how} after 16 KiB; your server then called ${late.map((w) => w.call).join(', ')} for that request, whose client is gone. ` +
          "Nothing may be written for it: answer on the request's 'end' (which never comes for an aborted body), not on 'close', 'aborted' or 'error'.",
      );
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
  if (!isAnswer(first)) fail(`before the shutdown, GET /health on the connection to be left idle got no answer: ${describeNone(first)}.${exchange(health, first)}`);
  const busy = await RawHttp.open(port, 'client(busy)');
  const body = payload(40 * KiB, 9);
  const sent = busy.head('POST /upload HTTP/1.1', { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length });
  busy.write(body.subarray(0, body.length / 2));
  const remote = `127.0.0.1:${busy.socket.localPort}`;
  const accepted = await sub.waitFor((e) => e.name === 'connection' && e.detail.remote === remote, { what: `your server's "connection" for the upload (${remote})`, timeoutMs: ANSWER_MS });
  await sub.waitFor((e) => e.name === 'request' && e.detail.socket === accepted.detail.socket, { what: 'your server\'s "request" event for the upload', timeoutMs: ANSWER_MS });
  ctx.note('one connection idle after GET /health, one upload with half its body sent: now shutdown(server)');
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

  ctx.note('the rest of the upload\'s body');
  busy.write(body.subarray(body.length / 2));
  const got = await busy.next();
  const whole = isAnswer(got) && got.status === 200;
  const laterIdleClosed = whole ? await busy.closedByServer(AT_ONCE_MS) : undefined;

  // Whatever the server left open, we close now, so that 'close' can come and shutdown settle.
  await Promise.all([idle.end(), busy.end()]);
  const settled = await sub
    .waitFor((e) => e.name === 'shutdown settled', { what: 'shutdown() to settle', timeoutMs: ANSWER_MS })
    .then((e) => e.detail as unknown as ShutdownRun['settled'])
    .catch(() => undefined);
  return { idleClosed, refused, refusedDetail, inFlight: { sent, got, body }, laterIdleClosed, settled };
}

check('shutdown-idle', 'shutdown closes an idle keep-alive connection at once, while another request is still in flight', { points: 2 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  if (!run.idleClosed) {
    fail(
      `a connection sat idle after GET /health when shutdown() was called, and ${AT_ONCE_MS / 1000} s later it was still open (keepAliveTimeout is ${KEEP_ALIVE_MS / 1000} s here). ` +
        'Idle keep-alive connections must close at once: server.close() does that for the connections idle at that moment (Node 19 and later), server.closeIdleConnections() at any time. ' +
        'Call them when shutdown starts, not after the requests in flight have finished.',
    );
  }
});

check('shutdown-in-flight', 'shutdown stops accepting connections and lets the request in flight finish whole', { points: 2 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  const { sent, got, body } = run.inFlight;
  if (!run.refused) {
    fail(
      `after shutdown() a new connection was ${run.refusedDetail === 'accepted' ? 'still accepted' : `answered with ${run.refusedDetail}`}: a shutdown starts by no longer accepting connections — server.close() stops listening at once.`,
    );
  }
  if (isAnswer(got) && got.status === 200) {
    expectDigest(got, body, 'an upload half sent when shutdown() was called, completed after it', sent, CURL_UPLOAD);
    return;
  }
  const destroyed = !isAnswer(got) && (got.none === 'ended' || got.none === 'closed');
  fail(
    `an upload had half its body sent when shutdown() was called; we sent the rest and ${isAnswer(got) ? `got "${got.statusLine}"` : describeNone(got)}. ` +
      (destroyed ? 'The connection was closed under a request in flight: closeAllConnections() or destroying sockets does that. Let busy connections finish; close them after their answer.' : 'A graceful shutdown lets every request in progress get its whole answer.') +
      exchange(sent, got),
  );
});

check('shutdown-later-idle', 'after shutdown, a connection is closed as soon as its answer is out (not after keepAliveTimeout)', { points: 1 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  if (run.laterIdleClosed === false) {
    fail(
      `an upload finished after shutdown() was called and got its answer; ${AT_ONCE_MS / 1000} s later its connection was still open (keepAliveTimeout is ${KEEP_ALIVE_MS / 1000} s here), holding back the server's 'close'. ` +
        "server.close() only closed the connections idle when it was called. Close this one when its response finishes: res.on('finish', …) then server.closeIdleConnections(), or answer with \"Connection: close\" once shutting down.",
    );
  }
  if (run.laterIdleClosed === undefined && isAnswer(run.inFlight.got)) {
    fail(`the upload in flight during the shutdown got "${run.inFlight.got.statusLine}" instead of its 200 answer, so this could not be judged (see the check shutdown-in-flight).${exchange(run.inFlight.sent, run.inFlight.got)}`);
  }
});

check('shutdown-resolves', "shutdown's promise resolves, and only after the server has emitted 'close'", { points: 1 }, async (ctx) => {
  const run = await shutdownRun(ctx);
  const s = run.settled;
  if (!s) fail("shutdown() never settled, even after every connection had closed: resolve the promise from server.close(callback) or on the server's 'close' event.");
  if (s.outcome === 'not a promise') fail(`shutdown() returned ${s.returned}, not a Promise: return new Promise((resolve, reject) => server.close((err) => …)).`);
  if (s.outcome === 'rejected') fail(`shutdown() rejected with "${s.message}". It should resolve once the server has closed.`);
  if (!s.closeEmitted) {
    fail("shutdown() resolved before the server emitted 'close': a caller that awaits it and then exits would cut the requests in flight. Resolve in server.close(callback) (called on 'close'), not right after calling close().");
  }
});
