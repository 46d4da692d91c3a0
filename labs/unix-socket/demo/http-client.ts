/**
 * For the http scenario: two HTTP requests over a Unix socket, one with `http.get({ socketPath })`
 * and one with `fetch()` through an undici Agent whose connections go to the socket path.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import { Agent, fetch } from 'undici';
import { mark, note, params, trace, traceChannels } from '../../../src/runtime/child.js';

const { path } = params<{ path: string }>();
traceChannels('net', 'http');

note(`http.get({ socketPath }): the URL's host is only the Host header, the bytes go to ${path}`);
// agent: false: a one-off connection, closed after the response (no keep-alive pool to wait for).
const req = trace(http.get({ socketPath: path, path: '/via-http-get', headers: { host: 'localhost' }, agent: false }));
const [res] = (await once(req, 'response')) as [http.IncomingMessage];
trace(res);
let body = '';
for await (const chunk of res) body += chunk;
mark('body', { statusCode: res.statusCode ?? null, body: body.trim() }, 'http.get');

note("fetch() with an Agent whose connect option names the socket path; Agent and fetch both come from the 'undici' package");
const dispatcher = new Agent({ connect: { socketPath: path } });
const answer = await fetch('http://localhost/via-fetch', { dispatcher });
mark('body', { statusCode: answer.status, body: (await answer.text()).trim() }, 'fetch');
note('dispatcher.close(): undici closes its idle keep-alive connection by destroying the socket with its own UND_ERR_DESTROYED error; nothing failed');
await dispatcher.close();
