/**
 * udp's host: runs in the learner's process during grading. It calls `createUdpServer()` and
 * binds the socket to 127.0.0.1 port 0, and it calls `sendDatagram()` for the grader, watching
 * every UDP socket the learner's code creates (diagnostics_channel `udp.socket`) to tell which
 * ones are still open when a call has settled. Watching adds a `close` listener and wraps
 * `send()` for the trace; neither changes what the learner's sockets do.
 */
import * as dgram from 'node:dgram';
import diagnosticsChannel from 'node:diagnostics_channel';
import { hostFail, hostSubmission, type LearnerModule, kindOfValue } from '../../../src/grade/host.js';
import { probe, trace, traceChannels } from '../../../src/runtime/child.js';
import { errorDetail, formatAddress } from '../../../src/trace/detail.js';
import { msg } from '../../../src/i18n/index.js';
import { udpHost, type SendArgs, type ServerInfo, type SendOutcome, type SocketState } from '../contract.js';
import { traceSends } from '../demo/sends.js';

type Watched = { socket: dgram.Socket; open: boolean };
const created: Watched[] = [];

// Every UDP socket of this process, from its construction on: traced, and watched for `close`.
traceChannels('udp');
diagnosticsChannel.subscribe('udp.socket', (message) => {
  const socket = (message as { socket?: dgram.Socket }).socket;
  if (!(socket instanceof dgram.Socket)) return;
  const watched: Watched = { socket, open: true };
  created.push(watched);
  socket.once('close', () => (watched.open = false));
});

const kindOf = (value: unknown): string => kindOfValue(value, [[dgram.Socket, 'dgram.Socket']]);

function describe(value: unknown): SendOutcome['reply'] {
  const isBuffer = Buffer.isBuffer(value);
  const bytes = value instanceof Uint8Array ? Buffer.from(value) : null;
  return {
    isBuffer,
    type: kindOf(value),
    base64: bytes ? bytes.toString('base64') : null,
    text: typeof value === 'string' ? value : null,
  };
}

function settleError(err: unknown): SendOutcome['error'] {
  const detail = errorDetail(err);
  const code = (err as { code?: unknown })?.code;
  return { code: typeof code === 'string' ? code : null, message: String(detail.message) };
}

/** Call sendDatagram once; resolve when it settles or when `guardMs` has passed. */
function callSend(mod: LearnerModule, args: SendArgs): Promise<SendOutcome> {
  const payload = Buffer.from(args.base64, 'base64');
  const message = args.asString ? payload.toString('utf8') : new Uint8Array(payload);
  const callArgs: unknown[] = [message, args.port];
  if (args.host != null || args.timeoutMs != null) callArgs.push(args.host ?? undefined);
  if (args.timeoutMs != null) callArgs.push(args.timeoutMs);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const guard = setTimeout(() => resolve({ settled: false }), args.guardMs);
    const done = (outcome: SendOutcome) => {
      clearTimeout(guard);
      resolve(outcome);
    };
    try {
      Promise.resolve((mod.sendDatagram as (...a: unknown[]) => unknown)(...callArgs)).then(
        (value) => done({ settled: true, ok: true, ms: ms(), reply: describe(value) }),
        (err) => done({ settled: true, ok: false, ms: ms(), error: settleError(err) }),
      );
    } catch (err) {
      done({ settled: true, ok: false, ms: 0, error: settleError(err) });
    }
  });
}

/** The sockets created since `from`; waits up to `graceMs` for them to finish closing. */
async function socketsSince(from: number, graceMs = 300): Promise<SocketState[]> {
  const mine = () => created.slice(from).filter((w) => w.socket !== server);
  const deadline = Date.now() + graceMs;
  while (mine().some((w) => w.open) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return mine().map((w) => {
    let address: string | null = null;
    try {
      address = formatAddress(w.socket.address());
    } catch {
      /* closed or never bound */
    }
    return { id: probe.idOf(w.socket), open: w.open, address };
  });
}

let server: dgram.Socket | undefined;

hostSubmission(udpHost, {
  /** createUdpServer(), bound by us to 127.0.0.1:0 (unless it already bound itself). */
  async server(mod) {
    const value = (mod.createUdpServer as () => unknown)();
    if (!(value instanceof dgram.Socket)) {
      hostFail(msg({
        en: `createUdpServer() returned ${kindOf(value)}, not a dgram.Socket: return the socket that dgram.createSocket('udp4') gives you`,
        'zh-CN': `createUdpServer() 返回了 ${kindOf(value)}，不是 dgram.Socket：请返回 dgram.createSocket('udp4') 给你的套接字`,
      }));
    }
    server = traceSends(trace(value));
    let alreadyBound = false;
    const bound = new Promise<void>((resolve, reject) => {
      server!.once('listening', () => resolve());
      server!.once('error', reject);
    });
    bound.catch(() => {});
    try {
      server.bind(0, '127.0.0.1');
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_SOCKET_ALREADY_BOUND') throw err;
      alreadyBound = true;
    }
    const type = (server as unknown as { type: string }).type;
    let address: ReturnType<dgram.Socket['address']>;
    try {
      address = server.address();
    } catch {
      try {
        await bound;
      } catch (err) {
        // The learner's own bind() failed (a fixed port already taken): say so, no port.
        if (alreadyBound) return { port: 0, address: msg({ en: `its own bind() failed: ${String(errorDetail(err).message)}`, 'zh-CN': `它自己的 bind() 失败了：${String(errorDetail(err).message)}` }), alreadyBound, type } satisfies ServerInfo;
        throw err;
      }
      address = server.address();
    }
    return { port: address.port, address: formatAddress(address)!, alreadyBound, type } satisfies ServerInfo;
  },

  /** One sendDatagram() call, and the learner's UDP sockets it created. */
  async send(mod, arg) {
    const from = created.length;
    const outcome = await callSend(mod, arg);
    return { ...outcome, sockets: await socketsSince(from) };
  },

  /** Several sendDatagram() calls at once. */
  async sendMany(mod, arg) {
    const from = created.length;
    const outcomes = await Promise.all(arg.map((c) => callSend(mod, c)));
    return { outcomes, sockets: await socketsSince(from) };
  },
});
