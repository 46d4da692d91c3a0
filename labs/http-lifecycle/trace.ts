/**
 * What this lab's trace shows: `checkContinue` described like `request` (method and URL), and
 * undici's most verbose channel messages (connection parameters, empty trailers) kept for
 * `--all-events`, so the heads and the request/response events stand out.
 */
import * as http from 'node:http';
import { defineTrace } from '../../src/trace/policy.js';

export const tracePolicy = defineTrace({
  quiet: ['undici:client:connected', 'undici:request:trailers'],
  describe: {
    checkContinue: (_server, [req]) => (req instanceof http.IncomingMessage ? { method: req.method ?? null, url: req.url ?? null } : undefined),
  },
});
