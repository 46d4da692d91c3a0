/**
 * A client that connects `count` times, one connection after another, sends one line on each
 * and reads the worker's answer: which pid served it, and whether that worker saw the client's
 * own port (the handle was passed, not proxied).
 */
import * as net from 'node:net';
import { mark, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { msg } from '../../../src/i18n/index.js';
import { tracePolicy } from '../trace.js';
import { clientDemo } from '../contract.js';

useTracePolicy(tracePolicy);

const self = program(clientDemo);
const p = self.params();

function ask(index: number, hold: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = trace(net.connect(p.port, '127.0.0.1'));
    let myPort = 0;
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('connect', async () => {
      myPort = socket.localPort ?? 0;
      if (hold) {
        self.ready({ localPort: socket.localPort ?? 0 });
        await self.waitForCommand('send');
      }
      socket.write(`hello ${index}\n`);
    });
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        const reply = JSON.parse(answer) as { pid: number; remotePort: number };
        mark('answer', { pid: reply.pid, workerSawPort: reply.remotePort, myPort, sameSocket: reply.remotePort === myPort });
        resolve();
      } catch {
        const got = JSON.stringify(answer);
        reject(new Error(msg({ en: `connection ${index}: no answer from a worker (got ${got})`, 'zh-CN': `第 ${index} 个连接：没有工作进程回答（收到 ${got}）` })));
      }
    });
  });
}

for (let i = 1; i <= p.count; i++) await ask(i, i === 1 && Boolean(p.holdFirst));
