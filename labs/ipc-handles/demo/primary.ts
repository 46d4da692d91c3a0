/**
 * The ipc-handles demo's primary: the exercise's `startPrimary()` (the reference solution, or
 * the learner's with `--use`) with netlab's worker. Every child it forks, every message and
 * every handle it sends is traced; the workers trace themselves in lanes of their own.
 */
import { pathToFileURL } from 'node:url';
import { mark, program, useTracePolicy } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { tracePolicy } from '../trace.js';
import { WORKER_PATH, children, killAllChildren, killChild, watchChildren } from '../children.js';
import { primaryDemo } from '../contract.js';

useTracePolicy(tracePolicy);

interface Primary {
  port: number;
  close(): Promise<void>;
}

const self = program(primaryDemo);
const p = self.params();
watchChildren({ traceWorkers: true });
process.on('exit', killAllChildren);

const mod = (await import(pathToFileURL(p.implementation).href)) as { startPrimary?: (path: string, n: number) => Promise<Primary> };
if (typeof mod.startPrimary !== 'function') {
  throw new Error(msg({ en: `${p.implementation} does not export startPrimary()`, 'zh-CN': `${p.implementation} 没有导出 startPrimary()` }));
}
const primary = await mod.startPrimary(WORKER_PATH, p.workers);
mark('resolved', { port: primary.port, workers: p.workers }, 'startPrimary()');

self.onCommand('children', () => children());
self.onCommand('kill', ({ pid }) => killChild(pid));
self.onCommand('close', async () => {
  await primary.close();
  return null;
});

self.ready({ port: primary.port, pids: children().map((c) => c.pid) });
