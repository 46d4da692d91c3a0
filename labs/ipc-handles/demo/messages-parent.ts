/**
 * Messages both ways over the IPC channel that only fork() sets up: JSON messages, what the
 * default 'json' serialization does to a Map and a Buffer (and what 'advanced' keeps), then
 * disconnect() and the child's exit.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mark, note, program, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';
import { messagesDemo } from '../contract.js';

useTracePolicy(tracePolicy);

const { serialization } = program(messagesDemo).params();
const childPath = fileURLToPath(new URL('./messages-child.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');

const child = trace(fork(childPath, [], { serialization, env: { ...process.env, NETLAB_ACTOR: 'child' } }));
mark('fork', { pid: child.pid ?? null, serialization }, 'child_process');
await once(child, 'message'); // the child's "hello"

const payload = { type: 'work', id: 1, tags: new Map([['lang', 'node']]), bytes: Buffer.from('hi') };
note({
  en: `send() a message holding a Map and a Buffer, with serialization '${serialization}'`,
  'zh-CN': `用 serialization '${serialization}' 调用 send()，发送一条包含 Map 和 Buffer 的消息`,
});
child.send(payload);
const [answer] = (await once(child, 'message')) as [{ sawTags: string; sawBytes: string }];
mark('compare', { sent: 'Map(1) + Buffer(2)', childSawTags: answer.sawTags, childSawBytes: answer.sawBytes });

note({
  en: 'disconnect(): close the IPC channel; the child sees "disconnect" and, with nothing else to do, exits',
  'zh-CN': 'disconnect()：关闭 IPC 通道；子进程收到 "disconnect"，没有别的事可做，于是退出',
});
child.disconnect();
await once(child, 'exit');
