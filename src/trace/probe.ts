import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import * as http from 'node:http';
import type { JsonObject } from './event.js';
import { bytesDetail, endpoint, errorDetail, formatAddress, toJson } from './detail.js';
import type { EventDescriber } from './policy.js';

/** What the probe hands its sink: an event without the collector's `seq`, `t` and `actor`. */
export interface ProbeEvent {
  object: string;
  name: string;
  source: 'emit' | 'channel';
  detail: JsonObject;
}

export interface ProbeOptions {
  /** Events that are never recorded (default: `newListener`, `removeListener`). */
  ignore?: readonly string[];
  /** Also trace emitters that arrive as event arguments (a server's sockets). Default true. */
  follow?: boolean;
  /** A lab's extra facts per event name, merged over the default description (see TracePolicy). */
  describe?: Readonly<Record<string, EventDescriber>>;
}

/** Node's name for a kind of object, as the lesson uses it: `net.Socket`, `http.Server`. */
export function kindOf(obj: object): string {
  if (obj instanceof http.Server) return 'http.Server';
  if (obj instanceof http.ClientRequest) return 'http.ClientRequest';
  if (obj instanceof http.IncomingMessage) return 'http.IncomingMessage';
  if (obj instanceof http.ServerResponse) return 'http.ServerResponse';
  if (obj instanceof http.Agent) return 'http.Agent';
  if (obj instanceof net.Server) return 'net.Server';
  if (obj instanceof net.Socket) return 'net.Socket';
  if (obj instanceof dgram.Socket) return 'dgram.Socket';
  return obj.constructor?.name || 'EventEmitter';
}

/**
 * Records every event an EventEmitter emits, by wrapping that one object's `emit`. The
 * wrapper adds no listener (a stream stays paused, `error` stays unhandled if it was), calls
 * the original `emit` with the same arguments and returns its result, and swallows its own
 * failures: tracing never changes what the traced program does.
 */
export class Probe {
  private readonly ids = new WeakMap<object, string>();
  /** Sockets already handed to a traced http.ClientRequest (to tell a reused socket). */
  private readonly requestSockets = new WeakSet<object>();
  private readonly counters = new Map<string, number>();
  private readonly ignore: Set<string>;
  private readonly follow: boolean;
  private describers: Readonly<Record<string, EventDescriber>>;

  constructor(
    private readonly sink: (event: ProbeEvent) => void,
    options: ProbeOptions = {},
  ) {
    this.ignore = new Set(options.ignore ?? ['newListener', 'removeListener']);
    this.follow = options.follow ?? true;
    this.describers = options.describe ?? {};
  }

  /** Add a lab's describers (later ones win for the same event name). */
  describeWith(describers: Readonly<Record<string, EventDescriber>>): void {
    this.describers = { ...this.describers, ...describers };
  }

  /** The id of a traced object (`net.Socket#2`), or a new one. */
  idOf(obj: object): string {
    let id = this.ids.get(obj);
    if (!id) {
      const kind = kindOf(obj);
      const n = (this.counters.get(kind) ?? 0) + 1;
      this.counters.set(kind, n);
      id = `${kind}#${n}`;
      this.ids.set(obj, id);
    }
    return id;
  }

  isTraced(obj: object): boolean {
    return this.ids.has(obj) && Object.prototype.hasOwnProperty.call(obj, 'emit');
  }

  /** Start recording `emitter`'s events. Tracing the same object twice is a no-op. */
  trace<T extends EventEmitter>(emitter: T): T {
    if (this.isTraced(emitter)) return emitter;
    const id = this.idOf(emitter);
    const original = emitter.emit;
    const probe = this;
    (emitter as EventEmitter).emit = function tracedEmit(this: EventEmitter, name: string | symbol, ...args: unknown[]) {
      if (typeof name === 'string' && !probe.ignore.has(name)) probe.record(emitter, id, name, args);
      return original.apply(this, [name, ...args] as Parameters<typeof original>);
    };
    return emitter;
  }

  /**
   * Whether `socket`, given to a request's `socket` event, carries an earlier request: Node sets
   * `req.reusedSocket` only when a request finds an idle socket, not when the agent hands a
   * freed socket straight to a queued request, so the probe also remembers the sockets it saw.
   */
  socketReused(request: object, socket: object): boolean {
    const seen = this.requestSockets.has(socket);
    this.requestSockets.add(socket);
    return seen || (request as { reusedSocket?: boolean }).reusedSocket === true;
  }

  /** Record a diagnostics_channel message (or any synthetic event) under `object`. */
  channel(object: string, name: string, detail: JsonObject): void {
    try {
      this.sink({ object, name, source: 'channel', detail });
    } catch {
      /* a failing sink must not break the program */
    }
  }

  private record(emitter: EventEmitter, id: string, name: string, args: unknown[]): void {
    try {
      const detail = this.extend(describe(this, emitter, name, args), emitter, name, args);
      this.sink({ object: id, name, source: 'emit', detail });
      if (this.follow) {
        for (const arg of args) {
          if (arg instanceof EventEmitter && !this.isTraced(arg) && isNetObject(arg)) this.trace(arg);
        }
      }
    } catch {
      /* never let tracing throw into the traced program */
    }
  }

  private extend(detail: JsonObject, emitter: EventEmitter, name: string, args: unknown[]): JsonObject {
    const describer = this.describers[name];
    if (!describer) return detail;
    try {
      const extra = describer(emitter, args);
      if (!extra) return detail;
      // netlab's generic description (the raw `args`) says nothing a lab's own facts do not.
      const generic = Object.keys(detail).length === 1 && 'args' in detail;
      return generic ? extra : { ...detail, ...extra };
    } catch {
      // A lab's describer that throws costs its extra facts, never the event.
      return detail;
    }
  }
}

function isNetObject(obj: object): boolean {
  return (
    obj instanceof net.Socket ||
    obj instanceof net.Server ||
    obj instanceof dgram.Socket ||
    obj instanceof http.IncomingMessage ||
    obj instanceof http.ServerResponse ||
    obj instanceof http.ClientRequest
  );
}

function socketEnds(socket: net.Socket): JsonObject {
  const out: JsonObject = {};
  const local = endpoint(socket.localAddress, socket.localPort);
  const remote = endpoint(socket.remoteAddress, socket.remotePort);
  if (local) out.local = local;
  if (remote) out.remote = remote;
  if (!local && !remote) {
    // A Unix domain socket: the path is on the server side only.
    const path = (socket as unknown as { _server?: net.Server })._server?.address();
    if (typeof path === 'string') out.path = path;
  }
  return out;
}

/** The facts worth showing for one event, by what emitted it and the event's name. */
function describe(probe: Probe, emitter: EventEmitter, name: string, args: unknown[]): JsonObject {
  const [a0, a1] = args;
  switch (name) {
    case 'listening': {
      const addr = (emitter as net.Server | dgram.Socket).address?.();
      const address = formatAddress(addr);
      return address ? { address } : {};
    }
    case 'connection':
      if (a0 instanceof net.Socket) return { socket: probe.idOf(a0), ...socketEnds(a0) };
      break;
    case 'connect':
      if (emitter instanceof net.Socket) return socketEnds(emitter);
      if (emitter instanceof dgram.Socket) return { remote: formatAddress(emitter.remoteAddress()) };
      if (emitter instanceof http.ClientRequest && a1 instanceof net.Socket) return { socket: probe.idOf(a1), statusCode: (a0 as http.IncomingMessage).statusCode ?? null };
      break;
    case 'data':
      if (a0 instanceof Uint8Array || typeof a0 === 'string') return bytesDetail(a0);
      break;
    case 'message':
      if (a0 instanceof Uint8Array) {
        const rinfo = a1 as dgram.RemoteInfo | undefined;
        return { ...bytesDetail(a0), from: rinfo ? endpoint(rinfo.address, rinfo.port) : null };
      }
      break;
    case 'error':
      return errorDetail(a0);
    case 'close':
      return typeof a0 === 'boolean' ? { hadError: a0 } : {};
    case 'request':
      if (a0 instanceof http.IncomingMessage) {
        return { method: a0.method ?? null, url: a0.url ?? null, request: probe.idOf(a0), response: a1 ? probe.idOf(a1 as object) : null, socket: probe.idOf(a0.socket) };
      }
      break;
    case 'upgrade':
      if (a0 instanceof http.IncomingMessage) {
        return { method: a0.method ?? null, url: a0.url ?? null, statusCode: a0.statusCode ?? null, headers: toJson(a0.headers), socket: probe.idOf(a1 as object), headBytes: (a2len(args) ?? 0) };
      }
      break;
    case 'socket':
      if (a0 instanceof net.Socket) {
        return { socket: probe.idOf(a0), reused: probe.socketReused(emitter, a0) };
      }
      break;
    case 'response':
      if (a0 instanceof http.IncomingMessage) return { statusCode: a0.statusCode ?? null, response: probe.idOf(a0) };
      break;
    case 'free':
      if (a0 instanceof net.Socket) return { socket: probe.idOf(a0) };
      break;
  }
  if (args.length === 0) return {};
  return { args: args.map((a) => (a instanceof EventEmitter ? probe.idOf(a) : toJson(a))) };
}

function a2len(args: unknown[]): number | undefined {
  const head = args[2];
  return head instanceof Uint8Array ? head.length : undefined;
}
