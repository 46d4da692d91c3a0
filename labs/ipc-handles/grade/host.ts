/**
 * ipc-handles' host: runs in the learner's process during grading. It calls their
 * `startPrimary(workerPath, n)` with netlab's worker and, watching every child process the
 * primary starts (see ../children.ts), tells the grader which workers were forked and ready,
 * which connection went to which worker and whether the primary had read any of its bytes.
 */
import * as net from 'node:net';
import { hostFail, hostSubmission } from '../../../src/grade/host.js';
import { msg } from '../../../src/i18n/index.js';
import { traceServersOnListen, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { WORKER_PATH, children, killAllChildren, killChild, liveChildren, watchChildren } from '../children.js';
import { primaryHost } from '../contract.js';

useTracePolicy(tracePolicy);

interface Primary {
  port: unknown;
  close?: () => unknown;
}

watchChildren({ traceWorkers: true });
traceServersOnListen();
const servers: net.Server[] = [];
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
  servers.push(this);
  return (originalListen as (...a: unknown[]) => net.Server).apply(this, args);
} as typeof originalListen;
// Whatever the learner's primary does, its workers go with this process.
process.on('exit', killAllChildren);

let primary: Primary | undefined;

hostSubmission(primaryHost, {
  /** Call startPrimary(workerPath, workers); resolves with the port once it resolves. */
  async start(mod, { workers, readyDelayMs, failFirst }) {
    // The workers inherit this process's environment: netlab's worker reads its knobs there.
    if (readyDelayMs) process.env.NETLAB_WORKER_READY_DELAY_MS = String(readyDelayMs);
    if (failFirst) process.env.NETLAB_WORKER_FAIL_FIRST = failFirst;
    const begin = performance.now();
    const value = (await (mod.startPrimary as (p: string, n: number) => unknown)(WORKER_PATH, workers)) as Primary | undefined;
    const tookMs = Math.round(performance.now() - begin);
    if (!value || typeof value !== 'object') {
      hostFail(msg({ en: `startPrimary() resolved with ${String(value)}: resolve with { port, close }`, 'zh-CN': `startPrimary() resolve 的值是 ${String(value)}：应当 resolve 为 { port, close }` }));
    }
    if (typeof value.port !== 'number') {
      const port = JSON.stringify(value.port ?? null);
      hostFail(
        msg({
          en: `startPrimary() resolved with port ${port}: it must be the number of the port your server listens on (server.address().port)`,
          'zh-CN': `startPrimary() resolve 的 port 是 ${port}：它必须是你的服务器监听的端口号（server.address().port）`,
        }),
      );
    }
    if (typeof value.close !== 'function') hostFail(msg({ en: 'startPrimary() resolved without a close() function', 'zh-CN': 'startPrimary() resolve 的值里没有 close() 函数' }));
    primary = value;
    return { port: value.port, tookMs };
  },

  /** Every child the primary started, with its lifecycle and the connections it was handed. */
  children() {
    return children();
  },

  /** Change the pause before a new worker says ready (for workers forked from now on). */
  readyDelay(_mod, { ms }) {
    process.env.NETLAB_WORKER_READY_DELAY_MS = String(ms);
    return null;
  },

  /** Kill one worker as a crash would. */
  kill(_mod, { pid }) {
    return killChild(pid);
  },

  /** Call close(); resolves with how long it took and what was left running. */
  async close() {
    if (!primary) hostFail(msg({ en: 'startPrimary() has not resolved, so there is nothing to close', 'zh-CN': 'startPrimary() 还没有 resolve，所以没有可关闭的东西' }));
    const begin = performance.now();
    await primary.close!();
    return {
      tookMs: Math.round(performance.now() - begin),
      live: liveChildren().map((c) => c.pid),
      listening: servers.filter((s) => s.listening).map((s) => String((s.address() as net.AddressInfo | null)?.port ?? s.address())),
    };
  },
});
