/**
 * The API for programs netlab spawns (demo servers and clients, the learner's code under
 * grading). It records events with a {@link Probe} and sends them to the parent over IPC,
 * on the run's shared clock. Run without a parent, it prints NDJSON to stdout instead.
 */
import type { EventEmitter } from 'node:events';
import * as net from 'node:net';
import type { Json, JsonObject, UnsequencedLine } from '../trace/event.js';
import { Probe } from '../trace/probe.js';
import { bridgeChannels, type ChannelGroup } from '../trace/channels.js';
import { createClock } from '../trace/clock.js';
import type { TracePolicy } from '../trace/policy.js';
import type { NetlabErrorCode } from '../errors.js';
import type { ArgOf, CommandsOf, ParamsOf, Program, ProgramSpec, ReadyOf, ResultOf } from './contract.js';
import { localize, type Msg } from '../i18n/localized.js';
import { ENV, toWireError, type ChildMessage, type ParentMessage } from './protocol.js';

/** This process's actor name, given by the parent (`server`, `client#1`). */
export const actor: string = process.env[ENV.actor] ?? 'main';
const now = createClock();

function send(message: ChildMessage): void {
  if (process.send && process.connected) {
    process.send(message, undefined, undefined, () => {});
  } else if (message.k === 'line') {
    process.stdout.write(JSON.stringify({ ...message.line }) + '\n');
  }
}

let held: UnsequencedLine[] | undefined;

function emitLine(line: UnsequencedLine): void {
  if (held && held.length < 100_000) held.push(line);
  else send({ k: 'line', line });
}

/**
 * Hold this process's trace lines (each keeps the time it happened) until `releaseTrace()`, so
 * that a timing measurement does not share the CPU with sending, and the parent printing, its
 * own trace. Lines beyond 100 000 are sent at once.
 */
export function holdTrace(): void {
  held ??= [];
}

/** Send the lines held since `holdTrace()`, in order, and stop holding. */
export function releaseTrace(): void {
  const lines = held ?? [];
  held = undefined;
  for (const line of lines) send({ k: 'line', line });
}

/** The probe of this process; `trace()` and `traceChannels()` feed it. */
export const probe = new Probe((ev) => emitLine({ type: 'event', t: now(), actor, ...ev }));

/** Record every event `emitter` emits (and of the sockets it hands out). Returns it unchanged. */
export function trace<T extends EventEmitter>(emitter: T): T {
  return probe.trace(emitter);
}

/**
 * Apply the lab's trace policy in this process: its describers add their facts to the events
 * of every object this process traces (the lab's `lab.ts` declares the same policy for what
 * the trace shows). Call it once, at the top of a demo program or a lab's grade host.
 */
export function useTracePolicy(policy: TracePolicy): void {
  if (policy.describe) probe.describeWith(policy.describe);
}

/**
 * Trace every net.Server of this process from the moment it calls listen(), for servers that
 * code we do not control (the learner's) creates and listens on. listen() itself runs unchanged.
 */
export function traceServersOnListen(): void {
  const original = net.Server.prototype.listen;
  if ((original as { netlabTraced?: boolean }).netlabTraced) return;
  const traced = function tracedListen(this: net.Server, ...args: unknown[]) {
    probe.trace(this);
    return (original as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof original;
  (traced as { netlabTraced?: boolean }).netlabTraced = true;
  net.Server.prototype.listen = traced;
}

/** Bridge diagnostics_channel groups (`net`, `http`, `udp`, `undici`) into the trace. */
export function traceChannels(...groups: ChannelGroup[]): () => void {
  return bridgeChannels(probe, groups);
}

/** Narrate: a sentence that appears in the trace at this moment. */
export function note(text: string | Msg, t: number = now()): void {
  emitLine({ type: 'note', t, actor, text: localize(text) });
}

/**
 * A synthetic event for things Node does not emit (a computed value, a timing). `t` places it
 * at an earlier moment of the run's clock (from {@link traceNow}), for what is recorded later
 * than it happened: the trace is in time order.
 */
export function mark(name: string, detail: JsonObject = {}, object = actor, t?: number): void {
  if (t === undefined) probe.channel(object, name, detail);
  else emitLine({ type: 'event', t, actor, object, name, source: 'channel', detail });
}

/** Now, on the run's clock (what `t` of a trace line means). */
export function traceNow(): number {
  return now();
}

/** The JSON parameters the parent passed (`ctx.spawn(…, { params })`). */
export function params<T = JsonObject>(): T {
  const raw = process.env[ENV.params];
  return (raw ? JSON.parse(raw) : {}) as T;
}

/** Tell the parent this process is ready (a server: listening, with its address). */
export function ready(info: Json = null): void {
  send({ k: 'ready', info });
}

type Handler = (arg: Json) => Json | void | Promise<Json | void>;
const handlers = new Map<string, Handler>();
const waiters = new Map<string, Array<(arg: Json) => void>>();

/**
 * Answer the parent's command `name` (e.g. `close`) with `handler`'s value. A handler does not
 * keep the process alive by itself: a server that waits for `close` is kept alive by its handle.
 */
export function onCommand(name: string, handler: Handler): void {
  handlers.set(name, handler);
}

/** Wait for the parent's command `name` once; the process stays alive while it waits. */
export function waitForCommand(name: string): Promise<Json> {
  refChannel(+1);
  return new Promise((resolve) => {
    const list = waiters.get(name) ?? [];
    list.push((arg) => {
      refChannel(-1);
      resolve(arg);
    });
    waiters.set(name, list);
  });
}

/** A command handler's answer: nothing, when the contract says it answers nothing. */
type Answer<R> = [R] extends [null] ? void | null | Promise<void | null> : R | Promise<R>;

/** This process's side of a program contract (see src/runtime/contract.ts). */
export interface ProgramSide<S extends ProgramSpec> {
  params(): ParamsOf<S>;
  ready(info: ReadyOf<S>): void;
  onCommand<K extends keyof CommandsOf<S> & string>(name: K, handler: (arg: ArgOf<CommandsOf<S>, K>) => Answer<ResultOf<CommandsOf<S>, K>>): void;
  waitForCommand<K extends keyof CommandsOf<S> & string>(name: K): Promise<ArgOf<CommandsOf<S>, K>>;
}

/**
 * `params`, `ready`, `onCommand` and `waitForCommand`, checked against `program`'s contract:
 * `const server = program(echoServer); const { port } = server.params();`.
 */
export function program<S extends ProgramSpec>(_program: Program<S>): ProgramSide<S> {
  return {
    params: () => params() as ParamsOf<S>,
    ready: (info) => ready(info as Json),
    onCommand: (name, handler) => onCommand(name, handler as unknown as Handler),
    waitForCommand: (name) => waitForCommand(name) as Promise<never>,
  };
}

let refs = 0;
function refChannel(delta: number): void {
  refs += delta;
  const channel = (process as unknown as { channel?: { ref(): void; unref(): void } }).channel;
  if (!channel) return;
  if (refs > 0) channel.ref();
  else channel.unref();
}

if (process.send) {
  // The IPC channel must not keep a finished program alive: programs end when their work does.
  refChannel(0);
  process.on('message', async (raw: ParentMessage) => {
    if (!raw || raw.k !== 'cmd') return;
    const list = waiters.get(raw.name);
    if (list?.length) {
      list.shift()!(raw.arg);
      send({ k: 'reply', id: raw.id, ok: true, value: null });
      return;
    }
    const handler = handlers.get(raw.name);
    if (!handler) {
      send({ k: 'reply', id: raw.id, ok: false, error: { code: 'NETLAB_ERR_NO_COMMAND' satisfies NetlabErrorCode, message: `${actor} has no command "${raw.name}"` } });
      return;
    }
    try {
      const value = (await handler(raw.arg)) ?? null;
      send({ k: 'reply', id: raw.id, ok: true, value });
    } catch (err) {
      send({ k: 'reply', id: raw.id, ok: false, error: toWireError(err) });
    }
  });
  // Never outlive the parent: when netlab goes away, so do its children.
  process.on('disconnect', () => process.exit(0));
}

/** Report an uncaught exception to the parent before dying with it. */
process.on('uncaughtException', (err) => {
  send({ k: 'fatal', error: toWireError(err) });
  process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
  // Let the IPC message flush, then die as Node would have.
  setImmediate(() => process.exit(1));
});
