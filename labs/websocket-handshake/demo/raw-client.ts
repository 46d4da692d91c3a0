/**
 * The raw view: a WebSocket client built from `http.request` with `Upgrade` headers (Node's
 * HTTP client emits `upgrade` on a 101 and hands over the socket), or, to show `head`, from a
 * bare `net` socket that sends its first frames in the same write as the request. Frames are
 * encoded with the lab's frames.ts, masked as a client must (or not, when a step says so).
 */
import { once } from 'node:events';
import * as http from 'node:http';
import * as net from 'node:net';
import { msg } from '../../../src/i18n/index.js';
import { note, program, trace } from '../../../src/runtime/child.js';
import { wsRawClient, type FrameSpec } from '../contract.js';
import { acceptFor, closePayload, encodeFrame, FrameParser, Opcode, randomKey } from '../frames.js';
import { Waiters } from '../waiters.js';

const self = program(wsRawClient);
const p = self.params();
const key = p.key ?? randomKey();
const headers: Record<string, string> = {
  Host: `127.0.0.1:${p.port}`,
  Connection: p.connection ?? 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Key': key,
  'Sec-WebSocket-Version': p.version ?? '13',
  ...(p.origin === undefined ? {} : { Origin: p.origin }),
};

function frameBytes(spec: FrameSpec): Buffer {
  let payload: Buffer;
  if (spec.op === 'close' && spec.bytes === undefined) payload = closePayload(spec.code, spec.reason);
  else if (spec.bytes !== undefined) payload = Buffer.from(Array.from({ length: spec.bytes }, (_, i) => i & 0xff));
  else payload = Buffer.from(spec.text ?? '');
  return encodeFrame(Opcode[spec.op], payload, { fin: spec.fin ?? true, mask: !spec.unmasked });
}

/** The socket after the handshake, and frame bytes that came with the response. */
async function handshake(): Promise<{ socket: net.Socket; rest: Buffer } | null> {
  if (p.eager) {
    const socket = trace(net.connect({ port: p.port, host: '127.0.0.1' }));
    await once(socket, 'connect');
    const head = `${p.method ?? 'GET'} ${p.path ?? '/'} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    const frames = p.eager.map(frameBytes);
    const size = frames.reduce((n, f) => n + f.length, 0);
    note({
      en: `one write(): the ${head.length}-byte request head and ${frames.length} frame(s) (${size} bytes) without waiting for the 101`,
      'zh-CN': `一次 write()：${head.length} 字节的请求头和 ${frames.length} 个帧（${size} 字节），不等 101`,
    });
    socket.write(Buffer.concat([Buffer.from(head), ...frames]));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    while (received.indexOf('\r\n\r\n') < 0) {
      const event = await Promise.race([once(socket, 'data').then(() => 'data'), once(socket, 'end').then(() => 'end')]);
      if (event === 'end' && received.indexOf('\r\n\r\n') < 0) {
        const got = received.length;
        throw new Error(msg({ en: `the server ended the connection without a complete response head (got ${got} bytes)`, 'zh-CN': `服务器在发出完整的响应头之前就结束了连接（收到 ${got} 字节）` }));
      }
    }
    socket.removeAllListeners('data');
    const end = received.indexOf('\r\n\r\n');
    const [status = '', ...lines] = received.subarray(0, end).toString('latin1').split('\r\n');
    note({ en: `the answer starts with "${status}"`, 'zh-CN': `回答以 "${status}" 开头` });
    if (!/^HTTP\/1\.1 101\b/.test(status)) {
      socket.end();
      return null;
    }
    const accept = lines.find((line) => /^sec-websocket-accept:/i.test(line))?.replace(/^[^:]*:\s*/, '').trim();
    acceptOk = accept === acceptFor(key);
    return { socket, rest: received.subarray(end + 4) };
  }
  const req = trace(http.request({ host: '127.0.0.1', port: p.port, path: p.path ?? '/', method: p.method ?? 'GET', headers, agent: false }));
  req.end();
  const outcome = await Promise.race([
    once(req, 'upgrade').then(([res, socket, head]) => ({ kind: 'upgrade' as const, res: res as http.IncomingMessage, socket: socket as net.Socket, head: head as Buffer })),
    once(req, 'response').then(([res]) => ({ kind: 'response' as const, res: res as http.IncomingMessage })),
  ]).catch((err: NodeJS.ErrnoException) => {
    const why = err.code ?? err.message;
    throw new Error(
      msg({
        en: `the server did not answer the upgrade request (${why}): it closed the connection without an HTTP response`,
        'zh-CN': `服务器没有回答升级请求（${why}）：它没有发送 HTTP 响应就关闭了连接`,
      }),
    );
  });
  if (outcome.kind === 'response') {
    const chunks: Buffer[] = [];
    for await (const chunk of outcome.res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString().trim();
    const version = outcome.res.headers['sec-websocket-version'];
    const answer = `${outcome.res.statusCode} ${outcome.res.statusMessage}`;
    const more = version ? `, Sec-WebSocket-Version: ${version}` : '';
    note({ en: `no upgrade: ${answer}, body "${body}"${more}`, 'zh-CN': `没有升级：${answer}，响应体 "${body}"${more}` });
    return null;
  }
  const got = outcome.res.headers['sec-websocket-accept'];
  const expected = acceptFor(key);
  acceptOk = got === expected;
  note(
    got === expected
      ? {
          en: `101 and Sec-WebSocket-Accept ${got} = base64(SHA-1(our key + GUID)): the server really speaks WebSocket`,
          'zh-CN': `101，且 Sec-WebSocket-Accept ${got} = base64(SHA-1(我们的 key + GUID))：这个服务器确实会说 WebSocket`,
        }
      : {
          en: `Sec-WebSocket-Accept is ${got ?? 'missing'}, expected ${expected}: a real client would give up here`,
          'zh-CN': `Sec-WebSocket-Accept 是 ${got ?? '（缺失）'}，应为 ${expected}：真正的客户端到这里就放弃了`,
        },
  );
  return { socket: outcome.socket, rest: outcome.head };
}

/** A server that does not behave ends this client with one clear line, not a stack. */
function giveUp(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let acceptOk: boolean | null = null;
const result = await handshake().catch((err: Error) => giveUp(err.message));
self.ready({ upgraded: result !== null, acceptOk });
if (result) {
  const { socket, rest } = result;
  socket.on('error', () => {});
  const parser = new FrameParser();
  let frames = 0;
  let ended = false;
  const waiters = new Waiters();
  const wake = () => waiters.wake();
  /** Wait for `condition`; a server that never answers fails the client with a clear message. */
  const until = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
    if (await waiters.until(condition, timeoutMs)) return;
    giveUp(msg({ en: `waited ${timeoutMs} ms for ${what}, in vain (${frames} frame(s) received)`, 'zh-CN': `等待${what}等了 ${timeoutMs} ms，没有等到（收到了 ${frames} 个帧）` }));
  };
  const take = (chunk: Buffer) => {
    try {
      frames += parser.push(chunk).length;
    } catch {
      /* the server's tap shows what went wrong */
    }
    wake();
  };
  if (rest.length) take(rest);
  socket.on('data', take);
  socket.on('end', () => {
    ended = true;
    wake();
  });
  socket.on('close', () => {
    ended = true;
    wake();
  });

  for (const step of p.steps ?? []) {
    if ('say' in step) note(step.say);
    else if ('send' in step) socket.write(Buffer.concat(step.send.map(frameBytes)));
    else if ('expect' in step) await until(() => frames >= step.expect || ended, msg({ en: `frame #${step.expect} from the server`, 'zh-CN': `服务器的第 ${step.expect} 个帧` }));
    else if ('waitEnd' in step) await until(() => ended, msg({ en: 'the server to end the connection', 'zh-CN': '服务器结束连接' }));
  }
  socket.end();
  if (!socket.closed) await once(socket, 'close');
}
