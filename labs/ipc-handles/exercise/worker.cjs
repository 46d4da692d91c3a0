'use strict';
/*
 * netlab's worker for the ipc-handles lab. The learner does not write it: their primary runs it
 * as it is with child_process.fork(workerPath).
 *
 * - It sends {"type":"ready"} once it can take connections.
 * - For every message "connection" that arrives with a socket handle, it reads one line from
 *   the client and answers with one JSON line: its pid and the remote port it sees (the
 *   client's own port when the primary handed over the socket, the primary's when it proxied),
 *   then ends the connection.
 * - Once its parent disconnects it takes no more work and exits by itself, after finishing the
 *   connections it is serving (nothing else keeps it alive).
 *
 * With NETLAB_WORKER_TRACE=1 (netlab's demos set it) it also writes what happens to it as trace
 * lines on its standard output, which netlab shows in the worker's own lane.
 */
const { performance } = require('node:perf_hooks');

const tracing = process.env.NETLAB_WORKER_TRACE === '1';
const actor = process.env.NETLAB_ACTOR || `worker(${process.pid})`;
const t0 = Number(process.env.NETLAB_T0) || performance.timeOrigin;
let sockets = 0;

/** One trace line on stdout, prefixed with an ASCII record separator so netlab tells it from output. */
function traceEvent(object, name, detail) {
  if (!tracing) return;
  const t = Math.round((performance.timeOrigin + performance.now() - t0) * 1000) / 1000;
  process.stdout.write(`\u001e${JSON.stringify({ type: 'event', t, actor, object, name, source: 'emit', detail })}\n`);
}

function serve(socket) {
  const id = `net.Socket#${++sockets}`;
  const remotePort = socket.remotePort;
  traceEvent('process', 'message', { message: 'connection', handle: id, remote: `${socket.remoteAddress}:${remotePort}`, pid: process.pid });
  let line = '';
  let answered = false;
  const answer = () => {
    if (answered) return;
    answered = true;
    const reply = JSON.stringify({ pid: process.pid, remotePort }) + '\n';
    traceEvent(id, 'end', { bytes: Buffer.byteLength(reply), reply: reply.trim() });
    socket.end(reply);
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    if (answered) return;
    line += chunk;
    traceEvent(id, 'data', { bytes: Buffer.byteLength(chunk), preview: JSON.stringify(chunk.slice(0, 40)).slice(1, -1) });
    if (line.includes('\n')) answer();
  });
  // A client that ends without a newline still gets its answer.
  socket.on('end', answer);
  socket.on('error', (err) => traceEvent(id, 'error', { code: err.code || 'ERROR', message: err.message }));
  socket.on('close', () => traceEvent(id, 'close', {}));
}

process.on('message', (message, handle) => {
  if (message === 'connection' && handle && typeof handle.remotePort !== 'undefined') {
    serve(handle);
    return;
  }
  traceEvent('process', 'message', { message: message === undefined ? null : message, handle: handle ? String(handle.constructor && handle.constructor.name) : null });
});

process.on('disconnect', () => traceEvent('process', 'disconnect', { pid: process.pid }));

if (typeof process.send !== 'function') {
  process.stderr.write('this is netlab\'s ipc-handles worker: start it with child_process.fork(), not directly\n');
  process.exit(1);
}
// Knobs for netlab's grader, which needs slow and failing workers on purpose: a pause before
// saying ready, and a first worker that dies before it is ever ready.
const failFirst = process.env.NETLAB_WORKER_FAIL_FIRST;
if (failFirst) {
  try {
    require('node:fs').writeFileSync(failFirst, String(process.pid), { flag: 'wx' });
    traceEvent('process', 'exit', { code: 1, reason: 'made to fail before it was ready' });
    process.exit(1);
  } catch {
    // The file exists: an earlier worker already failed; this one works.
  }
}
const readyDelay = Number(process.env.NETLAB_WORKER_READY_DELAY_MS) || 0;
setTimeout(() => {
  process.send({ type: 'ready' });
  traceEvent('process', 'send', { message: '{"type":"ready"}', pid: process.pid });
}, readyDelay);
