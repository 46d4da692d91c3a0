/**
 * The ipc-handles demo's primary: the exercise's `startPrimary()` (the reference solution, or
 * the learner's with `--use`) with netlab's worker. Every child it forks, every message and
 * every handle it sends is traced; the workers trace themselves in lanes of their own.
 */
import { pathToFileURL } from 'node:url';
import { mark, onCommand, params, ready, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { WORKER_PATH, children, killAllChildren, killChild, watchChildren } from '../children.js';

useTracePolicy(tracePolicy);

interface PrimaryParams {
  implementation: string;
  workers: number;
}
interface Primary {
  port: number;
  close(): Promise<void>;
}

const p = params<PrimaryParams>();
watchChildren({ traceWorkers: true });
process.on('exit', killAllChildren);

const mod = (await import(pathToFileURL(p.implementation).href)) as { startPrimary?: (path: string, n: number) => Promise<Primary> };
if (typeof mod.startPrimary !== 'function') throw new Error(`${p.implementation} does not export startPrimary()`);
const primary = await mod.startPrimary(WORKER_PATH, p.workers);
mark('resolved', { port: primary.port, workers: p.workers }, 'startPrimary()');

onCommand('children', () => children() as never);
onCommand('kill', (arg) => killChild((arg as { pid: number }).pid));
onCommand('close', async () => {
  await primary.close();
  return null;
});

ready({ port: primary.port, pids: children().map((c) => c.pid) });
