/**
 * The backpressure demo's reader: a TCP client that reads the firehose slowly. It stays paused
 * for a while (or until told to wake), then reads at a set pace by pausing and resuming its
 * socket — so the writer meets a reader that is really slow, in flowing mode and in paused
 * mode in turn. It checks every byte against the pattern and reports what it got.
 *
 * Started ahead of time, it connects when the parent sends `go` with the port (so its start-up
 * is not part of the story), and stays until the parent has its `result` and sends `exit`.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { mark, note, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { reader, type ReaderResult } from '../contract.js';
import { tracePolicy } from '../trace.js';
import { patternMismatch } from '../pattern.js';

useTracePolicy(tracePolicy);

const self = program(reader);
const p = self.params();

function read(port: number): { connected: Promise<unknown>; done: Promise<ReaderResult> } {
  const socket = trace(net.connect({ port, host: '127.0.0.1' }));
  let started = 0;
  let received = 0;
  let mismatch = -1;
  let left = false;
  let error: string | null = null;
  // While awake: when the current pace window began and what was read in it.
  let windowStart = 0;
  let windowBytes = 0;
  let napping = false;
  let awake = false;
  let lastProgress = 0;
  // A writer that stops sending without ending (a learner's, with --use) must not hang the demo.
  const stallMs = 5000;
  const watchdog = setInterval(() => {
    if (!awake || napping || socket.destroyed || performance.now() - lastProgress < stallMs) return;
    note({
      en: `nothing arrived for ${stallMs / 1000} s after ${received} bytes, and the stream has not ended: giving up`,
      'zh-CN': `收到 ${received} 字节之后 ${stallMs / 1000} 秒内再没有数据到达，流也没有结束：放弃`,
    });
    socket.destroy();
  }, 250);
  watchdog.unref();

  socket.pause();
  socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
  const done = new Promise<ReaderResult>((resolve) => {
    socket.once('close', () => {
      clearInterval(watchdog);
      const ms = Math.round(performance.now() - started);
      mark('received', { bytes: received, ms, pattern: mismatch < 0 ? 'every byte i = i % 256' : `wrong from byte ${mismatch}` });
      resolve({ bytes: received, mismatch, ended: socket.readableEnded, left, error, ms });
    });
  });

  socket.on('data', (chunk: Buffer) => {
    if (mismatch < 0) {
      const at = patternMismatch(chunk, received);
      if (at >= 0) mismatch = received + at;
    }
    received += chunk.length;
    windowBytes += chunk.length;
    lastProgress = performance.now();
    if (p.leaveAfter !== undefined && received >= p.leaveAfter && !left) {
      left = true;
      note({ en: `read ${received} bytes; leaving now: destroy() with data still unread`, 'zh-CN': `读了 ${received} 字节；现在离开：还有数据未读就调用 destroy()` });
      socket.destroy();
      return;
    }
    if (p.pace > 0 && !napping) {
      // Ahead of the pace: stop reading until the clock catches up (naps of 20 ms or more).
      const aheadMs = (windowBytes / p.pace) * 1000 - (performance.now() - windowStart);
      if (aheadMs >= 20) {
        napping = true;
        socket.pause();
        setTimeout(() => {
          napping = false;
          lastProgress = performance.now();
          socket.resume();
        }, aheadMs);
      }
    }
  });

  const wake = (): void => {
    awake = true;
    lastProgress = performance.now();
    windowStart = performance.now();
    windowBytes = 0;
    const pace = (p.pace / 1024 / 1024).toFixed(1);
    note(
      p.pace > 0
        ? { en: `awake: reading at ${pace} MiB/s, pausing whenever ahead of that pace`, 'zh-CN': `醒来：以 ${pace} MiB/s 的速度读取，超过这个速度就暂停` }
        : { en: 'awake: reading as fast as the data comes', 'zh-CN': '醒来：数据来多快就读多快' },
    );
    socket.resume();
  };

  const connected = once(socket, 'connect').then(() => {
    started = performance.now();
    if (p.sleepMs === null) {
      note({ en: 'connected, and paused: not reading until woken', 'zh-CN': '已连接并暂停：被唤醒之前不读取' });
      void self.waitForCommand('wake').then(wake);
    } else if (p.sleepMs > 0) {
      note({ en: `connected, and paused: not reading for ${p.sleepMs} ms`, 'zh-CN': `已连接并暂停：${p.sleepMs} 毫秒内不读取` });
      setTimeout(wake, p.sleepMs);
    } else {
      wake();
    }
  });
  return { connected, done };
}

let transfer: ReturnType<typeof read> | undefined;
self.onCommand('go', async ({ port }) => {
  transfer = read(port);
  await transfer.connected;
  return null;
});
self.onCommand('result', () => {
  if (!transfer) throw new Error('not connected yet');
  return transfer.done;
});

// The IPC channel does not keep a program alive: this wait does, until the parent is done with us.
const exit = self.waitForCommand('exit');
self.ready(null);
await exit;
process.exit(0);
