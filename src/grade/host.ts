/**
 * The learner's side of grading. A lab's `grade/host.ts` calls {@link hostSubmission} with the
 * operations its grader may ask for; this module runs in a fresh process per check (spawned by
 * the harness through `ActorProcess`, with netlab's TypeScript loader), loads the learner's
 * module, checks its exports, and answers each operation over IPC. What the learner's objects
 * emit reaches the check's trace through `trace()` from `src/runtime/child.ts`; their console
 * output arrives as `output` lines.
 *
 * It never dies silently: a module that throws while loading is reported with the learner's
 * stack (source-mapped to their `.ts` lines), a missing export is named, and a process whose
 * parent disappears dies with it even inside a busy loop: killed by the kernel where `setpriv`
 * asked it to (see `ActorProcess`), else by a watchdog thread that also enforces a hard limit.
 */
import { register } from 'node:module';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Json } from '../trace/event.js';
import { onCommand, params, ready, waitForCommand } from '../runtime/child.js';
import { ENV, toWireError } from '../runtime/protocol.js';
import { HOST_EXIT, HOST_FAILURE, HOST_PING, type HostParams } from './host-protocol.js';
import type { ArgOf, CommandSpecs, HostContract, ResultOf } from '../runtime/contract.js';

// Lab hosts tell their own failures apart from the learner's errors by this code.
export { HOST_FAILURE } from './host-protocol.js';

/**
 * What a value the learner's function returned is, in a learner's words: the name of one of
 * `kinds` (`net.Server`), `null`, `undefined`, `promiseWord` for a thenable (the learner made
 * the function `async`), else its class or type. For messages such as "returned a Promise, not a
 * net.Server".
 */
export function kindOfValue(value: unknown, kinds: ReadonlyArray<readonly [new (...args: never[]) => unknown, string]>, promiseWord = 'a Promise'): string {
  for (const [ctor, name] of kinds) if (value instanceof ctor) return name;
  if (value === null || value === undefined) return String(value);
  if (typeof (value as { then?: unknown }).then === 'function') return promiseWord;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** The learner's module: whatever it exports. */
export type LearnerModule = Record<string, unknown>;

/** One operation the grader can ask for: gets the learner's module and a JSON argument, returns JSON. */
export type HostOp = (mod: LearnerModule, arg: Json) => Json | void | Promise<Json | void>;

/** The operations of a host contract, each typed by what it takes and answers. */
export type HostOps<Ops extends CommandSpecs> = {
  [K in keyof Ops]: (mod: LearnerModule, arg: ArgOf<Ops, K>) => ResultOf<Ops, K> | void | Promise<ResultOf<Ops, K> | void>;
};

/**
 * Serve `ops` for the learner's module named in this process's params. Call it once, at the
 * top level of a lab's `grade/host.ts`. With a contract (`defineHost`, shared with the grader's
 * `startSubmission(lab, { host })`), each operation is checked against it.
 */
export function hostSubmission<Ops extends CommandSpecs>(contract: HostContract<Ops>, ops: HostOps<Ops>): void;
export function hostSubmission(ops: Record<string, HostOp>): void;
export function hostSubmission(first: HostContract | Record<string, HostOp>, second?: object): void {
  const ops = (second ?? first) as Record<string, HostOp>;
  const p = params<HostParams>();
  // Where the kernel kills this process with its parent (setpriv), the harness's own limits
  // are enough: a watchdog thread would only double the start-up cost of every check.
  if (!process.env[ENV.diesWithParent]) startWatchdog(p.maxLifetimeMs);
  // Registered before the import, so the harness can tell a module stuck in a top-level await
  // (still answers) from one stuck in a busy loop (does not).
  onCommand(HOST_PING, () => 'pong');
  // Keeps the process alive (the IPC channel is unref'd otherwise) until the harness kills it.
  void waitForCommand(HOST_EXIT).then(() => process.exit(0));
  void load(p, ops);
}

async function load(p: HostParams, ops: Record<string, HostOp>): Promise<void> {
  let mod: LearnerModule;
  if (p.transpiled !== undefined) usePreloaded(p.submission, p.transpiled);
  try {
    mod = (await import(pathToFileURL(p.module ?? p.submission).href)) as LearnerModule;
  } catch (err) {
    ready({ ok: false, stage: 'import', error: toWireError(err) } as unknown as Json);
    return;
  }
  const problem = missingExports(mod, p.exports, p.submission);
  if (problem) {
    ready({ ok: false, stage: 'exports', error: { message: problem } } as unknown as Json);
    return;
  }
  for (const [name, op] of Object.entries(ops)) {
    onCommand(name, (arg) => op(mod, arg));
  }
  ready({ ok: true, exports: Object.keys(mod) } as unknown as Json);
}

/**
 * Fail the check with `message`, shown to the learner as is (no stack): for problems an
 * operation detects itself, such as `createEchoServer() returned undefined`.
 */
export function hostFail(message: string): never {
  throw Object.assign(new Error(message), { code: HOST_FAILURE });
}

/** A sentence naming what is missing from the learner's module, or undefined if nothing is. */
export function missingExports(mod: LearnerModule, required: readonly string[], file: string): string | undefined {
  const name = relative(process.cwd(), file) || file;
  const has = Object.keys(mod).filter((k) => k !== 'default' || mod.default !== undefined);
  for (const wanted of required) {
    const value = mod[wanted];
    if (typeof value === 'function') continue;
    const listing = has.length ? `it exports: ${has.join(', ')}` : 'it exports nothing';
    if (value !== undefined) return `${name} exports ${wanted}, but as a ${typeof value}, not a function`;
    const def = mod.default as { name?: unknown } | undefined;
    if (typeof def === 'function' && def.name === wanted) {
      return `${name} has ${wanted} as its default export; netlab needs a named export: \`export function ${wanted}(…)\``;
    }
    const close = has.find((k) => k.toLowerCase() === wanted.toLowerCase());
    if (close) return `${name} does not export ${wanted} (${listing}): did you mean to name "${close}" "${wanted}"?`;
    return `${name} does not export a function named ${wanted} (${listing}). Add \`export function ${wanted}(…)\`.`;
  }
  return undefined;
}

/** Serve the learner's module from the runner's transpiled copy (see preloaded-hooks.ts). */
function usePreloaded(file: string, source: string): void {
  try {
    register(new URL('./preloaded-hooks.js', import.meta.url), { data: { url: pathToFileURL(file).href, source } });
  } catch {
    /* not built (running from sources): netlab's loader transpiles the file itself */
  }
}

/**
 * A hard limit that a busy loop cannot defeat: a worker thread (its own event loop) that kills
 * this process when the parent goes away (re-parenting changes the ppid) or when the lifetime
 * is over.
 */
function startWatchdog(maxLifetimeMs: number): void {
  const source = `
    const { workerData } = require('node:worker_threads');
    const started = Date.now();
    const ppid = workerData.ppid;
    setInterval(() => {
      let parentGone = process.ppid !== ppid;
      if (!parentGone) { try { process.kill(ppid, 0); } catch { parentGone = true; } }
      if (parentGone || Date.now() - started > workerData.maxLifetimeMs) process.kill(process.pid, 'SIGKILL');
    }, 200);
  `;
  try {
    const worker = new Worker(source, { eval: true, workerData: { ppid: process.ppid, maxLifetimeMs: maxLifetimeMs || 120_000 } });
    worker.unref();
    worker.on('error', () => {});
  } catch {
    /* no worker threads: the harness still kills this process at the end of the check */
  }
}
