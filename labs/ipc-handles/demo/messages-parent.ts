/**
 * Messages both ways over the IPC channel that only fork() sets up: JSON messages, what the
 * default 'json' serialization does to a Map and a Buffer (and what 'advanced' keeps), then
 * disconnect() and the child's exit.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mark, note, params, trace, useTracePolicy } from '../../../src/runtime/child.js';
import { tracePolicy } from '../trace.js';

useTracePolicy(tracePolicy);

const { serialization } = params<{ serialization: 'json' | 'advanced' }>();
const childPath = fileURLToPath(new URL('./messages-child.js', import.meta.url)).replace(/\.js$/, import.meta.url.endsWith('.ts') ? '.ts' : '.js');

const child = trace(fork(childPath, [], { serialization, env: { ...process.env, NETLAB_ACTOR: 'child' } }));
mark('fork', { pid: child.pid ?? null, serialization }, 'child_process');
await once(child, 'message'); // the child's "hello"

const payload = { type: 'work', id: 1, tags: new Map([['lang', 'node']]), bytes: Buffer.from('hi') };
note(`send() a message holding a Map and a Buffer, with serialization '${serialization}'`);
child.send(payload);
const [answer] = (await once(child, 'message')) as [{ sawTags: string; sawBytes: string }];
mark('compare', { sent: 'Map(1) + Buffer(2)', childSawTags: answer.sawTags, childSawBytes: answer.sawBytes });

note('disconnect(): close the IPC channel; the child sees "disconnect" and, with nothing else to do, exits');
child.disconnect();
await once(child, 'exit');
