import { defineLab, type DemoContext } from '../../src/lab/types.js';
import type { JsonObject } from '../../src/trace/event.js';
import type { ClientStep } from './demo/ws-client.js';
import type { RawStep, FrameSpec } from './demo/raw-client.js';

/** The example key of RFC 6455 §1.3, so the accept value can be checked against the RFC. */
const RFC_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const RFC_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

async function startServer(ctx: DemoContext, extra: JsonObject = {}) {
  const server = ctx.spawn('server', 'demo/server', { params: { implementation: ctx.implementation, ...extra } });
  const { port } = (await server.ready()) as { port: number };
  return { server, port };
}

/**
 * undici's WebSocket, run through `steps`; resolves when the client process has ended. A
 * handshake that fails when it should not (a learner's server under `--use`) fails the demo.
 */
async function undiciClient(ctx: DemoContext, actor: string, port: number, steps: ClientStep[], expectOpen = true) {
  const client = ctx.spawn(actor, 'demo/ws-client', { params: { port, steps } });
  const info = (await client.ready(15_000).catch(() => null)) as { opened?: boolean } | null;
  const exit = await client.finish(15_000);
  if (client.fatal || exit.code !== 0) throw new Error(client.describeExit());
  if (info && info.opened !== expectOpen) {
    throw new Error(expectOpen ? `${actor}: undici's WebSocket could not open (look at response-head and accept:check in the trace)` : `${actor}: the WebSocket opened, but this server should have refused it`);
  }
}

interface RawOptions {
  key?: string;
  version?: string;
  connection?: string;
  origin?: string;
  method?: string;
  eager?: FrameSpec[];
  steps?: RawStep[];
}

/** The raw client (http.request + hand-made frames); resolves when it has ended. */
async function rawClient(ctx: DemoContext, actor: string, port: number, options: RawOptions, expectUpgrade = true) {
  const client = ctx.spawn(actor, 'demo/raw-client', { params: { port, ...options } });
  const info = (await client.ready(15_000).catch(() => null)) as { upgraded?: boolean; acceptOk?: boolean | null } | null;
  const exit = await client.finish(15_000);
  if (client.fatal || exit.code !== 0) throw new Error(client.describeExit());
  if (!info) return;
  if (info.upgraded !== expectUpgrade) {
    throw new Error(expectUpgrade ? `${actor}: the server refused a valid handshake (see response-head in the trace)` : `${actor}: the server accepted a handshake it should have refused`);
  }
  if (info.acceptOk === false) throw new Error(`${actor}: wrong Sec-WebSocket-Accept (compare accept:check in the trace)`);
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
        ctx.note(`an http.Server on 127.0.0.1:${port} with an 'upgrade' listener (acceptWebSocket)`);
        ctx.note(`first the raw view: http.request with Upgrade headers and the key from RFC 6455's example, ${RFC_KEY}`);
        await rawClient(ctx, 'raw-client', port, {
          key: RFC_KEY,
          steps: [
            { say: 'a masked text frame "hello": FIN + text = 0x81, then MASK + length 5 = 0x85, 4 key bytes, 5 masked bytes' },
            { send: [{ op: 'text', text: 'hello' }] },
            { expect: 1 },
            { say: 'the close handshake: we send close 1000, the server answers with 1000 and ends the TCP connection' },
            { send: [close(1000, 'bye')] },
            { expect: 2 },
            { waitEnd: true },
          ],
        });
        ctx.note("now a client nobody here wrote: undici's WebSocket (the global WebSocket of Node 22+)");
        await undiciClient(ctx, 'undici', port, [{ text: 'hello from undici' }, { expect: 1 }, { close: { code: 1000, reason: 'done' } }]);
        ctx.note('a client may send frames right behind its request, without waiting for the 101: they arrive as `head`');
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
          { say: 'ws.send(string): a text frame (opcode 0x1), UTF-8 bytes' },
          { text: 'héllo, wörld ✓' },
          { expect: 1 },
          { say: 'ws.send(Uint8Array): a binary frame (opcode 0x2), bytes as they are' },
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
          { say: `binary messages of ${sizes.join(', ')} bytes: watch lengthEncoding in the frames` },
          ...steps,
          { close: { code: 1000 } },
        ]);
        const lines = ['payload bytes   length field               client header   server header'];
        for (const size of sizes) {
          const [field, extra] = size < 126 ? [`7-bit (${size})`, 0] : size < 65536 ? ['126 + 16-bit', 2] : ['127 + 64-bit', 8];
          lines.push(`${String(size).padStart(13)}   ${String(field).padEnd(24)} ${String(2 + extra + 4).padStart(13)}   ${String(2 + extra).padStart(13)}`);
        }
        lines.push('(the client header has 4 more bytes: the masking key)');
        return { sizes: sizes.join(','), lines };
      },
    },
    fragmentation: {
      title: 'one message in three fragments (FIN=0, continuation 0x0) with a ping in between',
      async run(ctx) {
        const { port } = await startServer(ctx);
        await rawClient(ctx, 'raw-client', port, {
          steps: [
            { say: 'fragment 1: opcode text, FIN=0, "Hel"' },
            { send: [{ op: 'text', text: 'Hel', fin: false }] },
            { say: 'a control frame may come between fragments: ping, answered at once' },
            { send: [{ op: 'ping', text: 'mid-message' }] },
            { expect: 1 },
            { say: 'fragment 2: opcode continuation, FIN=0, "lo, "' },
            { send: [{ op: 'continuation', text: 'lo, ', fin: false }] },
            { say: 'fragment 3: opcode continuation, FIN=1, "world": the message is complete' },
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
            { say: 'an unsolicited pong (a one-way heartbeat) is allowed and gets no answer' },
            { send: [{ op: 'pong', text: 'still here' }] },
            { send: [{ op: 'ping', text: 'and now?' }] },
            { expect: 2 },
            { send: [close(1000)] },
            { expect: 3 },
            { waitEnd: true },
          ],
        });
        await undiciClient(ctx, 'undici', port, [
          { say: "undici's ping(ws, payload) sends a ping; the pong shows on the undici:websocket:pong channel" },
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
          { say: "ws.close(4000, 'bye for now'): a close frame with code 4000 (4000–4999 are for applications)" },
          { close: { code: 4000, reason: 'bye for now' } },
        ]);
        await rawClient(ctx, 'raw-client', port, {
          steps: [
            { say: 'close 1001 "going away": the server answers with the same code, then ends the TCP connection first' },
            { send: [close(1001, 'going away')] },
            { expect: 1 },
            { waitEnd: true },
          ],
        });
        await rawClient(ctx, 'empty-close', port, {
          steps: [
            { say: 'a close frame with no body at all (the code is optional): the answer is an empty close too' },
            { send: [{ op: 'close' }] },
            { expect: 1 },
            { waitEnd: true },
          ],
        });
        await rawClient(ctx, 'one-byte-close', port, {
          steps: [
            { say: 'a close body of 1 byte: too short for a code, a protocol error (1002)' },
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
        ctx.note('first a request as Firefox words it: "Connection: keep-alive, Upgrade" (a token list) and its page\'s Origin');
        await rawClient(ctx, 'browser-like', port, {
          connection: 'keep-alive, Upgrade',
          origin: `http://127.0.0.1:${port}`,
          steps: [{ send: [close(1000)] }, { expect: 1 }, { waitEnd: true }],
        });
        ctx.note('the same from a page on another site (Origin: http://evil.example): 403 Forbidden');
        await rawClient(ctx, 'cross-origin', port, { origin: 'http://evil.example' }, false);
        ctx.note('a Sec-WebSocket-Key that is not 16 bytes in base64');
        await rawClient(ctx, 'bad-key', port, { key: 'not-a-key' }, false);
        ctx.note('Sec-WebSocket-Version: 8 (an old draft): 426 Upgrade Required names the version the server speaks');
        await rawClient(ctx, 'old-version', port, { version: '8' }, false);
        ctx.note('a valid handshake, then a text frame without a mask');
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
          ctx.note("this server never called acceptWebSocket: it has only a 'request' handler");
          await undiciClient(ctx, 'undici', port, [{ waitClose: true }], false);
          ctx.note('undici got a 200, not a 101: the handshake failed, "error" then "close" with 1006 (closed abnormally)');
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
