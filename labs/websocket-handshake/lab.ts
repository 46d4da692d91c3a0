import { msg } from '../../src/i18n/index.js';
import { defineLab, type DemoContext } from '../../src/lab/types.js';
import { wsRawClient, wsClient, wsServer, type ClientStep, type FrameSpec, type RawParams } from './contract.js';

/** The example key of RFC 6455 §1.3, so the accept value can be checked against the RFC. */
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

async function startServer(ctx: DemoContext, extra: { noUpgradeListener?: boolean } = {}) {
  const server = ctx.spawn('server', wsServer, { params: { implementation: ctx.implementation, ...extra } });
  const { port } = await server.ready();
  return { server, port };
}

/**
 * undici's WebSocket, run through `steps`; resolves when the client process has ended. A
 * handshake that fails when it should not (a learner's server under `--use`) fails the demo.
 */
async function undiciClient(ctx: DemoContext, actor: string, port: number, steps: ClientStep[], expectOpen = true) {
  const client = ctx.spawn(actor, wsClient, { params: { port, steps } });
  const info = await client.ready(15_000).catch(() => null);
  const exit = await client.finish(15_000);
  if (client.fatal || exit.code !== 0) throw new Error(client.describeExit());
  if (info && info.opened !== expectOpen) {
    throw new Error(
      expectOpen
        ? msg({
            en: `${actor}: undici's WebSocket could not open (look at response-head and accept:check in the trace)`,
            'zh-CN': `${actor}：undici 的 WebSocket 没能打开（看看跟踪中的 response-head 和 accept:check）`,
          })
        : msg({ en: `${actor}: the WebSocket opened, but this server should have refused it`, 'zh-CN': `${actor}：WebSocket 打开了，但这个服务器本应拒绝它` }),
    );
  }
}

type RawOptions = Omit<RawParams, 'port'>;

/** The raw client (http.request + hand-made frames); resolves when it has ended. */
async function rawClient(ctx: DemoContext, actor: string, port: number, options: RawOptions, expectUpgrade = true) {
  const client = ctx.spawn(actor, wsRawClient, { params: { port, ...options } });
  const info = await client.ready(15_000).catch(() => null);
  const exit = await client.finish(15_000);
  if (client.fatal || exit.code !== 0) throw new Error(client.describeExit());
  if (!info) return;
  if (info.upgraded !== expectUpgrade) {
    throw new Error(
      expectUpgrade
        ? msg({ en: `${actor}: the server refused a valid handshake (see response-head in the trace)`, 'zh-CN': `${actor}：服务器拒绝了一个有效的握手（见跟踪中的 response-head）` })
        : msg({ en: `${actor}: the server accepted a handshake it should have refused`, 'zh-CN': `${actor}：服务器接受了一个本应拒绝的握手` }),
    );
  }
  if (info.acceptOk === false) {
    throw new Error(msg({ en: `${actor}: wrong Sec-WebSocket-Accept (compare accept:check in the trace)`, 'zh-CN': `${actor}：Sec-WebSocket-Accept 不对（对照跟踪中的 accept:check）` }));
  }
}

const close = (code: number, reason = ''): FrameSpec => ({ op: 'close', code, reason });

/** `node -e` needs no quoting trouble: the undici URL travels as an argument, single-quoted. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export default defineLab({
  id: 'websocket-handshake',
  title: 'WebSocket handshake and frames',
  summary: "HTTP Upgrade, 101, Sec-WebSocket-Accept, http.Server's upgrade event, and RFC 6455 frames byte by byte",
  order: 60,
  exports: ['acceptWebSocket'],
  scenarios: {
    handshake: {
      title: 'the Upgrade request, 101 Switching Protocols, the accept key, head, one message there and back',
      async run(ctx) {
        const { port } = await startServer(ctx);
        ctx.note({
          en: `an http.Server on 127.0.0.1:${port} with an 'upgrade' listener (acceptWebSocket)`,
          'zh-CN': `127.0.0.1:${port} 上的一个 http.Server，带一个 'upgrade' 监听器（acceptWebSocket）`,
        });
        ctx.note({
          en: `first the raw view: http.request with Upgrade headers and the key from RFC 6455's example, ${RFC_KEY}`,
          'zh-CN': `先看原始视图：用 http.request 发送 Upgrade 请求头，key 取自 RFC 6455 的示例：${RFC_KEY}`,
        });
        await rawClient(ctx, 'raw-client', port, {
          key: RFC_KEY,
          steps: [
            {
              say: {
                en: 'a masked text frame "hello": FIN + text = 0x81, then MASK + length 5 = 0x85, 4 key bytes, 5 masked bytes',
                'zh-CN': '一个带掩码的文本帧 "hello"：FIN + text = 0x81，然后 MASK + 长度 5 = 0x85，4 个掩码键字节，5 个加了掩码的字节',
              },
            },
            { send: [{ op: 'text', text: 'hello' }] },
            { expect: 1 },
            {
              say: {
                en: 'the close handshake: we send close 1000, the server answers with 1000 and ends the TCP connection',
                'zh-CN': '关闭握手：我们发送 close 1000，服务器用 1000 回答并结束 TCP 连接',
              },
            },
            { send: [close(1000, 'bye')] },
            { expect: 2 },
            { waitEnd: true },
          ],
        });
        ctx.note({
          en: "now a client nobody here wrote: undici's WebSocket (the global WebSocket of Node 22+)",
          'zh-CN': '现在换一个不是我们写的客户端：undici 的 WebSocket（即 Node 22+ 的全局 WebSocket）',
        });
        await undiciClient(ctx, 'undici', port, [{ text: 'hello from undici' }, { expect: 1 }, { close: { code: 1000, reason: 'done' } }]);
        ctx.note({
          en: 'a client may send frames right behind its request, without waiting for the 101: they arrive as `head`',
          'zh-CN': '客户端可以紧跟在请求后面发送帧，不等 101：它们作为 `head` 到达',
        });
        await rawClient(ctx, 'eager-client', port, {
          eager: [{ op: 'text', text: 'sent before the 101' }],
          steps: [{ expect: 1 }, { send: [close(1000)] }, { expect: 2 }, { waitEnd: true }],
        });
        return { key: RFC_KEY, accept: RFC_ACCEPT };
      },
    },
    echo: {
      title: 'text and binary messages: opcode 0x1 and 0x2, masked one way, unmasked the other',
      async run(ctx) {
        const { port } = await startServer(ctx);
        await undiciClient(ctx, 'undici', port, [
          { say: { en: 'ws.send(string): a text frame (opcode 0x1), UTF-8 bytes', 'zh-CN': 'ws.send(string)：一个文本帧（opcode 0x1），UTF-8 字节' } },
          { text: 'héllo, wörld ✓' },
          { expect: 1 },
          { say: { en: 'ws.send(Uint8Array): a binary frame (opcode 0x2), bytes as they are', 'zh-CN': 'ws.send(Uint8Array)：一个二进制帧（opcode 0x2），字节原样发送' } },
          { binary: 16 },
          { expect: 2 },
          { close: { code: 1000, reason: 'done' } },
        ]);
        return { messages: 2 };
      },
    },
    large: {
      title: 'payload lengths: 7-bit (≤125), 16-bit (126–65535) and 64-bit (≥65536) encodings',
      async run(ctx) {
        const { port } = await startServer(ctx);
        const sizes = [0, 125, 126, 65535, 65536, 100_000];
        const steps: ClientStep[] = [];
        sizes.forEach((size, i) => steps.push({ binary: size }, { expect: i + 1 }));
        await undiciClient(ctx, 'undici', port, [
          {
            say: {
              en: `binary messages of ${sizes.join(', ')} bytes: watch lengthEncoding in the frames`,
              'zh-CN': `${sizes.join('、')} 字节的二进制消息：留意帧中的 lengthEncoding`,
            },
          },
          ...steps,
          { close: { code: 1000 } },
        ]);
        // The Chinese header takes the same columns: a CJK character is two columns wide.
        const lines = [msg({ en: 'payload bytes   length field               client header   server header', 'zh-CN': '   载荷字节数   长度字段                    客户端帧头      服务器帧头' })];
        for (const size of sizes) {
          const [field, extra] = size < 126 ? [`7-bit (${size})`, 0] : size < 65536 ? ['126 + 16-bit', 2] : ['127 + 64-bit', 8];
          lines.push(`${String(size).padStart(13)}   ${String(field).padEnd(24)} ${String(2 + extra + 4).padStart(13)}   ${String(2 + extra).padStart(13)}`);
        }
        lines.push(msg({ en: '(the client header has 4 more bytes: the masking key)', 'zh-CN': '（客户端的帧头多 4 个字节：掩码键）' }));
        return { sizes: sizes.join(','), lines };
      },
    },
    fragmentation: {
      title: 'one message in three fragments (FIN=0, continuation 0x0) with a ping in between',
      async run(ctx) {
        const { port } = await startServer(ctx);
        await rawClient(ctx, 'raw-client', port, {
          steps: [
            { say: { en: 'fragment 1: opcode text, FIN=0, "Hel"', 'zh-CN': '分片 1：opcode text，FIN=0，"Hel"' } },
            { send: [{ op: 'text', text: 'Hel', fin: false }] },
            { say: { en: 'a control frame may come between fragments: ping, answered at once', 'zh-CN': '控制帧可以夹在分片之间：ping，立即得到回答' } },
            { send: [{ op: 'ping', text: 'mid-message' }] },
            { expect: 1 },
            { say: { en: 'fragment 2: opcode continuation, FIN=0, "lo, "', 'zh-CN': '分片 2：opcode continuation，FIN=0，"lo, "' } },
            { send: [{ op: 'continuation', text: 'lo, ', fin: false }] },
            { say: { en: 'fragment 3: opcode continuation, FIN=1, "world": the message is complete', 'zh-CN': '分片 3：opcode continuation，FIN=1，"world"：消息完整了' } },
            { send: [{ op: 'continuation', text: 'world' }] },
            { expect: 2 },
            { send: [close(1000)] },
            { expect: 3 },
            { waitEnd: true },
          ],
        });
        return { message: 'Hello, world', fragments: 3 };
      },
    },
    'ping-pong': {
      title: 'ping (0x9) is answered by pong (0xA) with the same payload',
      async run(ctx) {
        const { port } = await startServer(ctx);
        await rawClient(ctx, 'raw-client', port, {
          steps: [
            { send: [{ op: 'ping', text: 'are you there?' }] },
            { expect: 1 },
            { say: { en: 'an unsolicited pong (a one-way heartbeat) is allowed and gets no answer', 'zh-CN': '主动发送的 pong（单向心跳）是允许的，不会得到回答' } },
            { send: [{ op: 'pong', text: 'still here' }] },
            { send: [{ op: 'ping', text: 'and now?' }] },
            { expect: 2 },
            { send: [close(1000)] },
            { expect: 3 },
            { waitEnd: true },
          ],
        });
        await undiciClient(ctx, 'undici', port, [
          {
            say: {
              en: "undici's ping(ws, payload) sends a ping; the pong shows on the undici:websocket:pong channel",
              'zh-CN': 'undici 的 ping(ws, payload) 发送一个 ping；pong 出现在 undici:websocket:pong 通道上',
            },
          },
          { ping: 'ping from undici' },
          { waitPong: true },
          { close: { code: 1000 } },
        ]);
        return {};
      },
    },
    close: {
      title: 'the close handshake with a status code and a reason',
      async run(ctx) {
        const { port } = await startServer(ctx);
        await undiciClient(ctx, 'undici', port, [
          { text: 'last words' },
          { expect: 1 },
          {
            say: {
              en: "ws.close(4000, 'bye for now'): a close frame with code 4000 (4000–4999 are for applications)",
              'zh-CN': "ws.close(4000, 'bye for now')：一个代码为 4000 的关闭帧（4000–4999 留给应用程序）",
            },
          },
          { close: { code: 4000, reason: 'bye for now' } },
        ]);
        await rawClient(ctx, 'raw-client', port, {
          steps: [
            {
              say: {
                en: 'close 1001 "going away": the server answers with the same code, then ends the TCP connection first',
                'zh-CN': 'close 1001 "going away"：服务器用同样的代码回答，然后先结束 TCP 连接',
              },
            },
            { send: [close(1001, 'going away')] },
            { expect: 1 },
            { waitEnd: true },
          ],
        });
        await rawClient(ctx, 'empty-close', port, {
          steps: [
            {
              say: {
                en: 'a close frame with no body at all (the code is optional): the answer is an empty close too',
                'zh-CN': '一个完全没有内容的关闭帧（代码是可选的）：回答也是一个空的关闭帧',
              },
            },
            { send: [{ op: 'close' }] },
            { expect: 1 },
            { waitEnd: true },
          ],
        });
        await rawClient(ctx, 'one-byte-close', port, {
          steps: [
            { say: { en: 'a close body of 1 byte: too short for a code, a protocol error (1002)', 'zh-CN': '1 字节的关闭帧内容：放不下一个代码，属于协议错误（1002）' } },
            { send: [{ op: 'close', bytes: 1 }] },
            { expect: 1 },
            { waitEnd: true },
          ],
        });
        return { code: 4000 };
      },
    },
    rejected: {
      title: 'a token-list Connection header; bad handshakes (403, 400, 426); an unmasked frame (1002)',
      async run(ctx) {
        const { port } = await startServer(ctx);
        ctx.note({
          en: 'first a request as Firefox words it: "Connection: keep-alive, Upgrade" (a token list) and its page\'s Origin',
          'zh-CN': '先发一个 Firefox 式的请求："Connection: keep-alive, Upgrade"（一个令牌列表），以及页面的 Origin',
        });
        await rawClient(ctx, 'browser-like', port, {
          connection: 'keep-alive, Upgrade',
          origin: `http://127.0.0.1:${port}`,
          steps: [{ send: [close(1000)] }, { expect: 1 }, { waitEnd: true }],
        });
        ctx.note({
          en: 'the same from a page on another site (Origin: http://evil.example): 403 Forbidden',
          'zh-CN': '同样的请求，但来自另一个网站的页面（Origin: http://evil.example）：403 Forbidden',
        });
        await rawClient(ctx, 'cross-origin', port, { origin: 'http://evil.example' }, false);
        ctx.note({ en: 'a Sec-WebSocket-Key that is not 16 bytes in base64', 'zh-CN': '一个不是 base64 编码的 16 字节的 Sec-WebSocket-Key' });
        await rawClient(ctx, 'bad-key', port, { key: 'not-a-key' }, false);
        ctx.note({
          en: 'Sec-WebSocket-Version: 8 (an old draft): 426 Upgrade Required names the version the server speaks',
          'zh-CN': 'Sec-WebSocket-Version: 8（一个旧草案）：426 Upgrade Required 会说出服务器支持的版本',
        });
        await rawClient(ctx, 'old-version', port, { version: '8' }, false);
        ctx.note({ en: 'a valid handshake, then a text frame without a mask', 'zh-CN': '一个有效的握手，然后是一个不带掩码的文本帧' });
        await rawClient(ctx, 'no-mask', port, {
          steps: [{ send: [{ op: 'text', text: 'look, no mask', unmasked: true }] }, { expect: 1 }, { waitEnd: true }],
        });
        return { crossOrigin: 403, badKey: 400, oldVersion: 426, unmasked: 1002 };
      },
    },
    'no-upgrade-listener': {
      title: "an http.Server with no 'upgrade' listener: the upgrade request is just a request",
      async run(ctx) {
        await startServer(ctx, { noUpgradeListener: true }).then(async ({ port }) => {
          ctx.note({ en: "this server never called acceptWebSocket: it has only a 'request' handler", 'zh-CN': "这个服务器从没调用 acceptWebSocket：它只有一个 'request' 处理函数" });
          await undiciClient(ctx, 'undici', port, [{ waitClose: true }], false);
          ctx.note({
            en: 'undici got a 200, not a 101: the handshake failed, "error" then "close" with 1006 (closed abnormally)',
            'zh-CN': 'undici 收到的是 200 而不是 101：握手失败，先是 "error"，然后是代码 1006 的 "close"（异常关闭）',
          });
          await rawClient(ctx, 'raw-client', port, {}, false);
        });
        return { upgraded: false };
      },
    },
  },
  async serve(ctx) {
    const { port } = await startServer(ctx);
    const { createRequire } = await import('node:module');
    const { pathToFileURL } = await import('node:url');
    const undiciUrl = pathToFileURL(createRequire(import.meta.url).resolve('undici')).href;
    const script =
      `import(process.argv[1]).then(({ WebSocket }) => { ` +
      `const ws = new WebSocket("ws://127.0.0.1:${port}/"); ` +
      `ws.onopen = () => ws.send("hello"); ` +
      `ws.onmessage = (e) => { console.log("echo:", e.data); ws.close(1000, "bye"); }; ` +
      `ws.onclose = (e) => console.log("closed", e.code, e.reason); })`;
    return {
      address: `ws://127.0.0.1:${port}/`,
      commands: [
        `node -e ${shellQuote(script)} ${shellQuote(undiciUrl)}`,
        `curl -i -N -s --max-time 2 -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: ${RFC_KEY}' http://127.0.0.1:${port}/`,
      ],
    };
  },
});
