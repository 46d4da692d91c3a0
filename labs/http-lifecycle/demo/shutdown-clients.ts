/**
 * The two clients of the shutdown rounds, in one process: an undici Client that sent one
 * request and now sits idle on its keep-alive connection, and one whose upload is in flight
 * (half its body sent, the rest held back until the orchestrator says `rest`). Each round
 * (`round` with the server's port) gets two fresh connections.
 */
import { Readable } from 'node:stream';
import { Client } from 'undici';
import { mark, note, program, traceChannels, useTracePolicy } from '../../../src/runtime/child.js';
import { shutdownClients, type BusyAnswer } from '../contract.js';
import { tracePolicy } from '../trace.js';
import { payload, sha256 } from './patterns.js';

useTracePolicy(tracePolicy);

const UPLOAD = 32 * 1024;
traceChannels('undici');

interface Round {
  idle: Client;
  busy: Client;
  release: () => void;
  answer: Promise<BusyAnswer>;
}
let round: Round | undefined;

/** An undici Client whose 'disconnect' (the connection closed, by either side) is traced under `name`. */
function client(port: number, name: string): Client {
  // Trust the server's "Keep-Alive: timeout=5" fully: undici would otherwise give the idle
  // connection up 2 s early, and this demo is about who closes it.
  const c = new Client(`http://127.0.0.1:${port}`, { keepAliveTimeoutThreshold: 0 });
  c.on('disconnect', (_origin, _targets, err: { code?: string }) => mark('disconnect', { code: err?.code ?? null }, name));
  return c;
}

const self = program(shutdownClients);

self.onCommand('round', async (port) => {
  const idle = client(port, 'undici.Client(idle)');
  const busy = client(port, 'undici.Client(busy)');
  const health = await idle.request({ method: 'GET', path: '/health' });
  await health.body.text();
  mark('answer', { status: health.statusCode }, 'undici.Client(idle)');
  note({ en: 'idle: its connection stays open for a next request', 'zh-CN': 'idle：它的连接保持打开，留给下一个请求' });
  let release!: () => void;
  const rest = new Promise<void>((resolve) => (release = resolve));
  const bytes = payload(UPLOAD);
  const held = new Promise<void>((resolve) => {
    const body = Readable.from(
      (async function* () {
        yield bytes.subarray(0, UPLOAD / 2);
        note({ en: `busy: sent ${UPLOAD / 2} of ${UPLOAD} bytes; the rest waits`, 'zh-CN': `busy：${UPLOAD} 字节中已发送 ${UPLOAD / 2}；其余的等着` });
        resolve();
        await rest;
        yield bytes.subarray(UPLOAD / 2);
      })(),
    );
    const answer = busy.request({ method: 'POST', path: '/upload', body }).then(
      async ({ statusCode, body: text }) => {
        const got = await text.text();
        const detail = { status: statusCode, sha256Matches: got.includes(sha256(bytes)) };
        mark('answer', detail, 'undici.Client(busy)');
        return detail;
      },
      (err: { code?: string; message: string }) => {
        mark('failed', { code: err.code ?? 'ERROR', message: err.message }, 'undici.Client(busy)');
        return { failed: err.code ?? err.message };
      },
    );
    round = { idle, busy, release, answer };
  });
  await held;
});

self.onCommand('rest', async () => {
  round!.release();
  return round!.answer;
});

self.onCommand('end', async () => {
  const r = round!;
  round = undefined;
  await Promise.all([r.idle.destroy(), r.busy.destroy()]);
});

self.ready(null);
await self.waitForCommand('exit');
