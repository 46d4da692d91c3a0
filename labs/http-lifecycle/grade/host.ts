/**
 * http-lifecycle's host: runs in the learner's process during grading. It calls their
 * `createUploadServer(limit)`, traces the server (connections, requests, responses, and the raw
 * heads of both, as the demo does), listens on a free port of 127.0.0.1, and runs their
 * `shutdown(server)` when the grader asks. Two things it watches without changing them: calls
 * that write to a response after its client went away, and when `shutdown` settles compared
 * with the server's 'close'.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostFail, hostSubmission, type LearnerModule, kindOfValue } from '../../../src/grade/host.js';
import { mark, probe, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { tapHeads } from '../heads.js';
import { KEEP_ALIVE_MS } from './timing.js';
import { uploadHost, type LateWrite } from '../contract.js';

useTracePolicy(tracePolicy);

let server: http.Server | undefined;
const lateWrites: LateWrite[] = [];
let closeEmitted = false;

const kindOf = (value: unknown): string => kindOfValue(value, [[http.Server, 'http.Server']]);

/** Record calls to write/writeHead/end on `res` made after its client aborted the request. */
function watchLateWrites(req: http.IncomingMessage, res: http.ServerResponse): void {
  const id = probe.idOf(req);
  // Gone: the connection was destroyed before the whole body arrived.
  const gone = () => !req.complete && req.socket?.destroyed === true;
  for (const name of ['write', 'writeHead', 'end'] as const) {
    const original = res[name] as (...args: unknown[]) => unknown;
    (res as unknown as Record<string, unknown>)[name] = function watched(this: http.ServerResponse, ...args: unknown[]) {
      try {
        if (gone()) {
          const first = args[0];
          const what = name === 'writeHead' ? `writeHead(${String(first)})` : first === undefined || typeof first === 'function' ? `${name}()` : `${name}(${typeof first === 'string' ? JSON.stringify(first.slice(0, 60)) : `<${(first as Uint8Array).length ?? '?'} bytes>`})`;
          lateWrites.push({ request: `${id} ${req.method} ${req.url}`, call: `res.${what}` });
          mark('late write', { request: id, call: `res.${what}` }, id);
        }
      } catch {
        /* watching must not break the learner's code */
      }
      return original.apply(this, args);
    };
  }
}

hostSubmission(uploadHost, {
  async listen(mod: LearnerModule, { limit }) {
    const made = (mod.createUploadServer as (limit: number) => unknown)(limit);
    if (!(made instanceof http.Server)) {
      hostFail(`createUploadServer(${limit}) returned ${kindOf(made)}, expected an http.Server (http.createServer(…)) that is not listening yet.`);
    }
    if (made.listening) hostFail(`createUploadServer(${limit}) returned a server that is already listening: return it without calling listen(), the grader picks the port.`);
    server = made;
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    // Prepended, and without a 'checkContinue' listener: Node behaves exactly as without us.
    server.prependListener('request', watchLateWrites);
    server.once('close', () => (closeEmitted = true));
    tapHeads(server, { mark, idOf: (obj) => probe.idOf(obj) });
    trace(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { port: (server.address() as AddressInfo).port };
  },

  lateWrites() {
    return lateWrites;
  },

  /** Start the learner's shutdown(server); how it settles arrives as a 'shutdown settled' trace event. */
  shutdown(mod: LearnerModule) {
    if (!server) hostFail('no server to shut down');
    const result = (mod.shutdown as (s: http.Server) => unknown)(server);
    if (!result || typeof (result as { then?: unknown }).then !== 'function') {
      mark('shutdown settled', { outcome: 'not a promise', returned: kindOf(result), closeEmitted });
      return;
    }
    (result as Promise<unknown>).then(
      () => mark('shutdown settled', { outcome: 'resolved', closeEmitted }),
      (err: Error) => mark('shutdown settled', { outcome: 'rejected', message: String(err?.message ?? err), closeEmitted }),
    );
  },
});
