/**
 * tcp-echo's host: runs in the learner's process during grading. It calls their
 * `createEchoServer()`, traces the server (and every socket it accepts), listens on a free port
 * of 127.0.0.1, and lets the grader look at the server's sockets (buffer sizes) to judge
 * backpressure. Reading those numbers changes nothing in how the learner's code behaves.
 */
import * as net from 'node:net';
import { hostFail, hostSubmission, type LearnerModule, kindOfValue } from '../../../src/grade/host.js';
import { probe, trace } from '../../../src/runtime/child.js';
import { formatAddress } from '../../../src/trace/detail.js';
import { echoHost, type Inspection, type SocketStats } from '../contract.js';

const sockets = new Set<net.Socket>();

// `promise`: the `returns-server` check tells an async function by this word.
const kindOf = (value: unknown): string => kindOfValue(value, [[net.Server, 'net.Server']], 'promise');

/**
 * Call the learner's createEchoServer(), noting whether it called listen() itself (listen()
 * with a host becomes `listening` only later, so the flag alone cannot tell).
 */
function create(mod: LearnerModule): { value: unknown; listenCalled: boolean } {
  const original = net.Server.prototype.listen;
  let listenCalled = false;
  net.Server.prototype.listen = function (this: net.Server, ...args: unknown[]) {
    listenCalled = true;
    return (original as (...a: unknown[]) => net.Server).apply(this, args);
  } as typeof original;
  try {
    return { value: (mod.createEchoServer as () => unknown)(), listenCalled };
  } finally {
    net.Server.prototype.listen = original;
  }
}

function whenListening(server: net.Server): Promise<void> {
  if (server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
}

function watch(server: net.Server): net.Server {
  trace(server);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return server;
}

hostSubmission(echoHost, {
  /** Call createEchoServer() and say what came back, without listening. */
  async inspect(mod) {
    const { value, listenCalled } = create(mod);
    const kind = kindOf(value);
    if (!(value instanceof net.Server)) return { kind, listening: false, address: null } satisfies Inspection;
    trace(value);
    if (listenCalled) await whenListening(value).catch(() => {});
    return { kind, listening: listenCalled || value.listening, address: formatAddress(value.address()) } satisfies Inspection;
  },

  /** Create the learner's server and listen on a free port of 127.0.0.1; resolves with the port. */
  async listen(mod) {
    const created = create(mod);
    let value = created.value;
    // Be lenient here: the `returns-server` check judges these mistakes; other checks go on.
    if (kindOf(value) === 'promise') value = await value;
    if (!(value instanceof net.Server)) {
      hostFail(`createEchoServer() returned ${kindOf(value)}, not a net.Server, so there is nothing to connect to: return the server that net.createServer() gives you`);
    }
    const server = watch(value);
    if (created.listenCalled || server.listening) {
      await whenListening(server);
    } else {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
    const address = server.address();
    if (!address || typeof address === 'string') hostFail(`the server listens on ${String(address)}, not on a TCP port`);
    return { port: address.port };
  },

  /** The server's accepted sockets and their buffers, for the backpressure check. */
  sockets() {
    return [...sockets].map(
      (s) =>
        ({
          id: probe.idOf(s),
          remote: s.remoteAddress ? `${s.remoteAddress}:${s.remotePort}` : null,
          bytesRead: s.bytesRead,
          bytesWritten: s.bytesWritten ?? 0,
          writableLength: s.writableLength,
          writableHighWaterMark: s.writableHighWaterMark,
          readableLength: s.readableLength,
          readableHighWaterMark: s.readableHighWaterMark,
          readableFlowing: s.readableFlowing,
          destroyed: s.destroyed,
        }) satisfies SocketStats,
    );
  },
});
