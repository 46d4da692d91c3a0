/**
 * For the http scenario: two HTTP requests over a Unix socket, one with `http.get({ socketPath })`
 * and one with `fetch()` through an undici Agent whose connections go to the socket path.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import { Agent, fetch } from 'undici';
import { mark, note, program, trace, traceChannels } from '../../../src/runtime/child.js';
import { httpClientDemo } from '../contract.js';

const { path } = program(httpClientDemo).params();
traceChannels('net', 'http');

note({
  en: `http.get({ socketPath }): the URL's host is only the Host header, the bytes go to ${path}`,
  'zh-CN': `http.get({ socketPath })：URL 里的主机只用作 Host 请求头，字节都发往 ${path}`,
});
// agent: false: a one-off connection, closed after the response (no keep-alive pool to wait for).
const req = trace(http.get({ socketPath: path, path: '/via-http-get', headers: { host: 'localhost' }, agent: false }));
const [res] = (await once(req, 'response')) as [http.IncomingMessage];
trace(res);
let body = '';
for await (const chunk of res) body += chunk;
mark('body', { statusCode: res.statusCode ?? null, body: body.trim() }, 'http.get');

note({
  en: "fetch() with an Agent whose connect option names the socket path; Agent and fetch both come from the 'undici' package",
  'zh-CN': "fetch() 配一个 Agent，它的 connect 选项指定套接字路径；Agent 和 fetch 都来自 'undici' 包",
});
const dispatcher = new Agent({ connect: { socketPath: path } });
const answer = await fetch('http://localhost/via-fetch', { dispatcher });
mark('body', { statusCode: answer.status, body: (await answer.text()).trim() }, 'fetch');
note({
  en: 'dispatcher.close(): undici closes its idle keep-alive connection by destroying the socket with its own UND_ERR_DESTROYED error; nothing failed',
  'zh-CN': 'dispatcher.close()：undici 用它自己的 UND_ERR_DESTROYED 错误销毁套接字，以此关闭空闲的长连接；并没有出错',
});
await dispatcher.close();
