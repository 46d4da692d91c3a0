/**
 * A scripted UDP client for the udp demos. It creates one socket and does not bind it: the
 * first `send()` binds it implicitly. Then it performs its steps in order.
 */
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { bytesDetail, errorDetail } from '../../../src/trace/detail.js';
import { mark, note, probe, program, trace, traceChannels } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { udpClient } from '../contract.js';
import { traceSends } from './sends.js';

const self = program(udpClient);
const { steps, implementation } = self.params();

let replies = 0;
let errors = 0;
let own: dgram.Socket | undefined;
const waiters: Array<{ n: number; resolve: () => void }> = [];

/** Resolves once `n` replies have arrived in total; fails the demo with a reason after 3 s. */
async function untilReplies(n: number): Promise<void> {
  if (replies >= n) return;
  const arrived = new Promise<void>((resolve) => waiters.push({ n, resolve }));
  const limit = sleep(3000, 'late' as const, { ref: false });
  if ((await Promise.race([arrived, limit])) === 'late') {
    throw new Error(msg({
      en: `expected ${n} replies in total, got ${replies} within 3 s: the server did not answer every datagram`,
      'zh-CN': `应当总共收到 ${n} 个回复，3 秒内只收到 ${replies} 个：服务器没有回答每一个数据报`,
    }));
  }
}
/** This client's socket, created on first use (a client that only calls sendDatagram() has none). */
function sock(): dgram.Socket {
  if (!own) {
    // macOS refuses UDP sends larger than the socket's send buffer, 9,216 bytes by default;
    // a 64 KiB buffer lets the boundaries demo send up to Linux's 65,507-byte limit there too.
    own = traceSends(trace(dgram.createSocket({ type: 'udp4', sendBufferSize: 64 * 1024 })));
    own.on('message', () => {
      replies++;
      for (const w of waiters.filter((w) => replies >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    // The 'error' is in the trace; handling it keeps this client alive to show what follows.
    own.on('error', () => errors++);
  }
  return own;
}

/** send() with a callback: a failure is recorded, and the caller can wait for it (a send()
 * still resolving its address when close() is called is dropped without a callback). */
function send(msg: string | Buffer, port?: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (err: Error | null) => {
      if (err) mark('send failed', errorDetail(err), probe.idOf(sock()));
      resolve();
    };
    if (port === undefined) sock().send(msg, done);
    else sock().send(msg, port, '127.0.0.1', done);
  });
}

if (!steps.some((s) => 'ready' in s)) self.ready(null);
for (const step of steps) {
  if ('say' in step) note(step.say);
  else if ('ready' in step) self.ready(null);
  else if ('send' in step) {
    const texts = Array.isArray(step.send) ? step.send : [step.send];
    await Promise.all(texts.map((text) => send(text, step.port)));
  }
  else if ('sendSizes' in step) {
    await Promise.all(step.sendSizes.map((size) => send(Buffer.alloc(size, 'u'), step.port)));
  } else if ('expect' in step) {
    await untilReplies(step.expect);
  } else if ('quiet' in step) {
    const [r0, e0] = [replies, errors];
    await sleep(step.quiet);
    const [r, e] = [replies - r0, errors - e0];
    note({
      en: `${step.quiet} ms later: ${r === 0 ? 'no reply' : `${r} ${r === 1 ? 'reply' : 'replies'}`}, ${e === 0 ? 'no error' : `${e} 'error' event${e === 1 ? '' : 's'}`}`,
      'zh-CN': `${step.quiet} 毫秒后：${r === 0 ? '没有回复' : `${r} 个回复`}，${e === 0 ? '没有错误' : `${e} 个 'error' 事件`}`,
    });
  } else if ('connect' in step) {
    sock().connect(step.connect, '127.0.0.1');
    await once(sock(), 'connect');
  } else if ('sendConnected' in step) await send(step.sendConnected);
  else if ('sendDatagram' in step) {
    const mod = (await import(pathToFileURL(implementation!).href)) as {
      sendDatagram?: (m: string | Uint8Array, port: number, host?: string, timeoutMs?: number) => Promise<Buffer>;
    };
    if (typeof mod.sendDatagram !== 'function') throw new Error(msg({ en: `${implementation} does not export sendDatagram()`, 'zh-CN': `${implementation} 没有导出 sendDatagram()` }));
    // sendDatagram makes its own socket: diagnostics_channel `udp.socket` lets us trace it.
    const untrace = traceChannels('udp');
    const started = performance.now();
    try {
      const reply = await mod.sendDatagram(step.sendDatagram, step.port, '127.0.0.1', step.timeoutMs);
      mark('resolved', { ...bytesDetail(reply), ms: Math.round(performance.now() - started) }, 'sendDatagram()');
    } catch (err) {
      mark('rejected', { ...errorDetail(err), ms: Math.round(performance.now() - started) }, 'sendDatagram()');
    } finally {
      untrace();
    }
  } else if ('waitFor' in step) await self.waitForCommand(step.waitFor);
  else if ('close' in step && own) {
    own.close();
    await once(own, 'close');
  }
}
