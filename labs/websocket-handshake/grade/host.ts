/**
 * Runs inside the learner's process during grading: an http.Server with a plain `request`
 * handler, made a WebSocket server by the learner's `acceptWebSocket(server)`, traced, and
 * watched by the same wire tap as the demo, so a failing check's trace shows decoded frames.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostSubmission } from '../../../src/grade/host.js';
import { mark, note, probe, trace, traceNow } from '../../../src/runtime/child.js';
import { wsHost } from '../contract.js';
import { tapWebSocketServer } from '../wire-tap.js';

/** What a plain HTTP request gets: the grader checks that the learner's code left it alone. */
const PLAIN_BODY = 'plain HTTP still works\n';

hostSubmission(wsHost, {
  async listen(mod) {
    const server = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(PLAIN_BODY);
    });
    (mod.acceptWebSocket as (server: http.Server) => void)(server);
    tapWebSocketServer(server, { mark, note, idOf: (obj) => probe.idOf(obj), now: traceNow });
    trace(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { port: (server.address() as AddressInfo).port };
  },
});
