/**
 * Node's own client (`http.request`) for the two stories about it: `Expect: 100-continue`
 * (the request waits for the server's 'continue' before writing its body) and a client that
 * aborts its upload halfway through. Each request gets a connection of its own (agent: false).
 */
import * as http from 'node:http';
import { mark, note, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { nodeClient } from '../contract.js';
import { tracePolicy } from '../trace.js';
import { payload, sha256 } from './patterns.js';

useTracePolicy(tracePolicy);

const self = program(nodeClient);
const p = self.params();

/** One POST /upload; resolves with the status and body, or null if it was aborted. */
function post(bytes: Buffer, options: { expectContinue?: boolean; abortAfter?: number }): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { 'Content-Length': bytes.length, 'Content-Type': 'application/octet-stream' };
    if (options.expectContinue) headers.Expect = '100-continue';
    const req = trace(http.request({ host: '127.0.0.1', port: p.port, method: 'POST', path: '/upload', headers, agent: false }));
    let sentBody = false;
    req.on('response', (res) => {
      if (options.expectContinue && !sentBody) {
        note({
          en: `the answer came before any "100 Continue": the ${bytes.length} bytes of the body were never sent`,
          'zh-CN': `响应在任何 "100 Continue" 之前就来了：请求体的 ${bytes.length} 字节从未发出`,
        });
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        // A refused body that was never sent: this request cannot be completed, drop it.
        if (!sentBody) req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => (options.abortAfter !== undefined || !sentBody ? resolve(null) : reject(err)));
    if (options.expectContinue) {
      // Send the head now, the body only when the server says "100 Continue".
      req.flushHeaders();
      req.on('continue', () => {
        sentBody = true;
        req.end(bytes);
      });
    } else if (options.abortAfter !== undefined) {
      sentBody = true;
      req.write(bytes.subarray(0, options.abortAfter), () => {
        note({ en: `wrote ${options.abortAfter} of ${bytes.length} bytes`, 'zh-CN': `${bytes.length} 字节中已写入 ${options.abortAfter}` });
        self.ready({ partial: options.abortAfter ?? 0 });
        void self.waitForCommand('abort').then(() => {
          note({ en: 'req.destroy(): the client gives up in the middle of its body', 'zh-CN': 'req.destroy()：客户端在请求体发到一半时放弃' });
          req.destroy();
        });
      });
    } else {
      sentBody = true;
      req.end(bytes);
    }
  });
}

for (const [i, step] of p.steps.entries()) {
  if ('expectContinue' in step) {
    const bytes = payload(step.expectContinue, i);
    const got = await post(bytes, { expectContinue: true });
    mark('answer', { status: got?.status ?? null, body: got?.body.trim() ?? null, sha256Matches: got ? got.body.includes(sha256(bytes)) : false }, 'http.ClientRequest');
  } else if ('abortAfter' in step) {
    await post(payload(step.of, i), { abortAfter: step.abortAfter });
  } else {
    const bytes = payload(step.upload, i);
    const got = await post(bytes, {});
    mark('answer', { status: got?.status ?? null, body: got?.body.trim() ?? null, sha256Matches: got ? got.body.includes(sha256(bytes)) : false }, 'http.ClientRequest');
  }
}
