/**
 * unix-socket's host: runs in the learner's process during grading. It calls
 * `listenUnix(path)` for the grader and reports how the call ended and what the server looks
 * like at that moment (listening? on which address?), and closes servers on request. Every
 * server the learner's code creates is traced from the moment it calls `listen()`, and their
 * probe connections through diagnostics_channel, so a failing check shows the whole story.
 */
import * as net from 'node:net';
import { hostSubmission, type LearnerModule } from '../../../src/grade/host.js';
import { trace, traceChannels, traceServersOnListen } from '../../../src/runtime/child.js';
import { formatAddress } from '../../../src/trace/detail.js';
import { unixHost, type CloseOutcome, type ListenOutcome, type WireError } from '../contract.js';

traceChannels('net');
// Trace every server of this process from the moment it calls listen(), so its `listening`
// and `error` events are in the trace even though listen() happens inside the learner's code.
traceServersOnListen();

const servers = new Map<string, net.Server>();

function kindOf(value: unknown): string {
  if (value instanceof net.Server) return 'net.Server';
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

function errorOf(err: unknown): WireError {
  const e = err as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : null, message: String(e?.message ?? err) };
}

function listen(mod: LearnerModule, path: string, guardMs: number): Promise<ListenOutcome> {
  return new Promise((resolve) => {
    const guard = setTimeout(() => resolve({ settled: false }), guardMs);
    const done = (outcome: ListenOutcome) => {
      clearTimeout(guard);
      resolve(outcome);
    };
    try {
      Promise.resolve((mod.listenUnix as (p: string) => unknown)(path)).then(
        (value) => {
          const server = value instanceof net.Server ? value : undefined;
          if (server) servers.set(path, trace(server));
          let address: string | null = null;
          try {
            address = formatAddress(server?.address());
          } catch {
            /* not listening */
          }
          done({ settled: true, ok: true, kind: kindOf(value), listeningAtResolve: server?.listening ?? false, address });
        },
        (err) => done({ settled: true, ok: false, error: errorOf(err) }),
      );
    } catch (err) {
      done({ settled: true, ok: false, error: errorOf(err) });
    }
  });
}

hostSubmission(unixHost, {
  /** listenUnix(path). */
  listen(mod, { path, guardMs }) {
    return listen(mod, path, guardMs);
  },

  /** Wait (up to `guardMs`) until the server listenUnix(path) resolved with is listening; its address. */
  async waitListening(_mod, { path, guardMs }) {
    const server = servers.get(path);
    if (!server) return { listening: false, address: null };
    if (!server.listening) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, guardMs);
        server.once('listening', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return { listening: server.listening, address: server.listening ? formatAddress(server.address()) : null };
  },

  /** close() the server listenUnix(path) resolved with; resolves when its callback ran. */
  close(_mod, { path, guardMs }) {
    const server = servers.get(path);
    if (!server) return { settled: true, error: { code: null, message: 'no server to close' } } satisfies CloseOutcome;
    return new Promise<CloseOutcome>((resolve) => {
      const timer = setTimeout(() => resolve({ settled: false, error: null }), guardMs);
      server.close((err) => {
        clearTimeout(timer);
        resolve({ settled: true, error: err ? errorOf(err) : null });
      });
    });
  },
});
