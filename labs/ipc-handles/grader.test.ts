/**
 * Grades `startPrimary(workerPath, workers)`: one check per requirement, through real
 * connections to the learner's primary and real worker processes (netlab's worker, forked by
 * the learner's code). Which worker answered is read from the worker's own reply (its pid and
 * the remote port it saw); what the primary did with each connection is watched from inside
 * its process (see children.ts).
 */
import type * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { check, fail, startSubmission, type Submission } from '../../src/grade/harness.js';
import { ByteReader, connectTcp } from '../../src/grade/helpers.js';
import type { ChildRecord } from './children.js';
import type { Started } from './grade/host.js';

const LAB = 'ipc-handles';

interface Reply {
  pid: number;
  remotePort: number;
  /** The client's own port: the worker sees it when it got the real connection. */
  localPort: number;
  /** The client saw EOF after the reply. */
  ended: boolean;
}

/**
 * Start the learner's primary with `workers` workers. Unless `asResolved`, also wait until every
 * worker is ready (a primary that resolves too early is the business of one check only: the
 * others must not race against its workers starting).
 */
async function started(workers: number, options: { readyDelayMs?: number; failFirst?: string; asResolved?: boolean } = {}): Promise<{ sub: Submission; port: number; took: number }> {
  const sub = await startSubmission(LAB);
  let got: Started;
  try {
    got = await sub.call<Started>('start', { workers, ...options }, 8000);
  } catch (err) {
    const kids = await sub.call<ChildRecord[]>('children').catch(() => [] as ChildRecord[]);
    const ready = kids.filter((k) => k.readyAt !== null).length;
    if (/within|answer/i.test((err as Error).message) && sub.running) {
      fail(
        `startPrimary(workerPath, ${workers}) did not resolve within 8 s. ${kids.length} worker(s) were forked, ${ready} said {"type":"ready"}. ` +
          'Resolve once every worker has sent its ready message (listen for "message" on each ChildProcess).',
      );
    }
    throw err;
  }
  if (!options.asResolved) {
    const deadline = Date.now() + 8000;
    let ready = 0;
    while ((ready = readyPids(await sub.call<ChildRecord[]>('children')).length) < workers) {
      if (Date.now() > deadline) fail(`startPrimary(workerPath, ${workers}) resolved, but after 8 s only ${ready} worker(s) were running and ready: fork ${workers}, and replace any that exits`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return { sub, port: got.port, took: got.tookMs };
}

/**
 * Connect and send one line, then read the worker's JSON answer and wait for EOF. The line is
 * sent once the primary has handed the connection to a worker (seen from inside its process),
 * so that only the check about it (`atOnce`) depends on what a primary does with early bytes.
 */
async function ask(sub: Submission, port: number, what = 'hello', options: { atOnce?: boolean } = {}): Promise<Reply> {
  const client = await connectTcp(port);
  if (options.atOnce) {
    client.write(`${what}\n`);
  } else {
    await handedOver(sub, client.localPort!);
    client.write(`${what}\n`);
  }
  return answerOf(client, what);
}

/**
 * Wait until the connection from `clientPort` is the worker's: sent by the primary and
 * acknowledged by the worker (from then on the primary holds no copy that could read it).
 */
async function handedOver(sub: Submission, clientPort: number): Promise<void> {
  const deadline = Date.now() + 4000;
  while (!(await sub.call<ChildRecord[]>('children')).some((k) => k.handoffs.some((h) => h.remotePort === clientPort && h.acked))) {
    if (Date.now() > deadline) {
      fail(`we connected from port ${clientPort}; within 4 s your primary did not hand the connection to a worker (worker.send('connection', socket)). Is every connection handed to a ready worker, and kept until one is ready?`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

async function answerOf(client: net.Socket, what: string): Promise<Reply> {
  const reader = new ByteReader(client);
  const outcome = await reader.until(() => reader.bytes().includes(0x0a), { timeoutMs: 4000 });
  const text = reader.bytes().toString('utf8');
  if (outcome !== 'done') {
    if (reader.length === 0 && (outcome === 'ended' || outcome === 'closed')) {
      fail(`we connected and sent "${what}\\n": the connection was closed without an answer. Was it handed to a worker (worker.send('connection', socket)), or dropped?`);
    }
    fail(`we connected and sent "${what}\\n": no answer from a worker within 4 s (got ${JSON.stringify(text)}). Is every connection handed to a ready worker?`);
  }
  let reply: { pid?: unknown; remotePort?: unknown };
  try {
    reply = JSON.parse(text.slice(0, text.indexOf('\n')));
  } catch {
    fail(`the answer was ${JSON.stringify(text)}, not the worker's JSON line: the primary must not write to the connection itself`);
  }
  const ended = (await reader.end({ timeoutMs: 3000 })) === 'done';
  return { pid: Number(reply.pid), remotePort: Number(reply.remotePort), localPort: client.localPort!, ended };
}

function readyPids(kids: ChildRecord[]): number[] {
  return kids.filter((k) => k.readyAt !== null && k.exitedAt === null).map((k) => k.pid);
}

check('resolves-when-ready', 'startPrimary() resolves once it listens and every worker is ready', { points: 2 }, async () => {
  // Workers that take 300 ms to be ready show a primary that resolves too early.
  const { sub, port } = await started(2, { readyDelayMs: 300, asResolved: true });
  const kids = await sub.call<ChildRecord[]>('children');
  if (kids.length === 0) fail('startPrimary() resolved, but forked no worker: fork(workerPath) once per worker');
  const ready = readyPids(kids);
  if (ready.length < 2) {
    fail(`startPrimary(workerPath, 2) resolved when ${ready.length} of the ${kids.length} forked workers had said {"type":"ready"}: wait for every worker's ready message before resolving`);
  }
  const first = await ask(sub, port);
  if (!ready.includes(first.pid)) fail(`the answer came from pid ${first.pid}, which is not one of the workers your primary forked (${ready.join(', ')})`);
});

check('round-robin', 'connections go to the workers in turn: any 3 in a row to 3 different workers', { points: 3 }, async () => {
  const { sub, port } = await started(3);
  const pids: number[] = [];
  for (let i = 0; i < 6; i++) pids.push((await ask(sub, port, `request ${i + 1}`)).pid);
  const workers = readyPids(await sub.call<ChildRecord[]>('children'));
  const used = new Set(pids);
  if (used.size < 3) fail(`6 connections in a row were answered by ${used.size} worker(s) (pids ${pids.join(', ')}) of your 3: hand each connection to the next ready worker in turn`);
  for (let i = 0; i + 3 <= pids.length; i++) {
    const window = pids.slice(i, i + 3);
    if (new Set(window).size < 3) fail(`connections ${i + 1}–${i + 3} went to pids ${window.join(', ')}: with 3 ready workers, any 3 connections in a row go to 3 different workers (round-robin)`);
  }
  for (const pid of used) if (!workers.includes(pid)) fail(`pid ${pid} answered, but it is not one of your primary's workers`);
});

check('handle-passed', 'the socket is handed over, not proxied: the primary reads no byte, the worker sees the client', { points: 3 }, async () => {
  const { sub, port } = await started(2);
  // The client writes the moment it is connected: a primary that reads before handing over loses it.
  const client = await connectTcp(port);
  client.write('written at once\n');
  await handedOver(sub, client.localPort!);
  const kids = await sub.call<ChildRecord[]>('children');
  const mine = kids.flatMap((k) => k.handoffs).find((h) => h.remotePort === client.localPort)!;
  if (mine.bytesReadByPrimary > 0) {
    fail(
      `our client wrote "written at once\\n" the moment it connected, and your primary had read ${mine.bytesReadByPrimary} byte(s) of it before handing the socket over: ` +
        'those bytes stay in the primary and never reach the worker. Create the server with { pauseOnConnect: true } so nothing is read before the hand-off.',
    );
  }
  const reply = await answerOf(client, 'written at once');
  if (reply.remotePort !== reply.localPort) fail(`the worker saw remote port ${reply.remotePort}, but our client's port is ${reply.localPort}: the worker got another connection than ours (a proxy?). Hand over the client's own socket`);
});

check('no-copy-kept', 'once a socket is handed over, the primary keeps no copy of it open', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  const reply = await ask(sub, port);
  if (!reply.ended) fail('the worker answered, but our client got no EOF within 3 s');
  const mine = (await sub.call<ChildRecord[]>('children')).flatMap((k) => k.handoffs).find((h) => h.remotePort === reply.localPort);
  if (!mine) fail(`our connection (from port ${reply.localPort}) was never sent to a worker as a handle`);
  if (mine.openInPrimary) {
    fail(
      `the worker finished with our connection, yet the primary still holds its own copy open${mine.keepOpen ? " (send() with { keepOpen: true })" : ''}: ` +
        'the connection cannot really close while the primary keeps a file descriptor for it. Let Node close the primary\'s copy once the handle is sent (the default).',
    );
  }
});

check('restarts-worker', 'a worker killed with SIGKILL is replaced at once (within 1 s) and service goes on', { points: 3 }, async () => {
  const { sub, port } = await started(2);
  const victim = (await ask(sub, port)).pid;
  await sub.call('kill', { pid: victim });
  let kids: ChildRecord[] = [];
  const deadline = Date.now() + 5000;
  for (;;) {
    kids = await sub.call<ChildRecord[]>('children');
    const dead = kids.find((k) => k.pid === victim);
    const replacement = dead?.exitedAt != null ? kids.find((k) => k.forkedAt >= dead.exitedAt! && k.pid !== victim) : undefined;
    if (dead?.exitedAt != null && replacement?.readyAt != null) {
      const after = replacement.forkedAt - dead.exitedAt;
      if (after > 1000) fail(`worker ${victim} died; its replacement was forked ${Math.round(after)} ms later: fork the replacement in the 'exit' handler, at once`);
      break;
    }
    if (Date.now() > deadline) {
      fail(dead?.exitedAt == null ? `we killed worker ${victim} with SIGKILL; your primary did not see it exit` : `worker ${victim} was killed; within 5 s no replacement was forked and ready: fork a new worker when one exits unexpectedly`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pids = [];
  for (let i = 0; i < 2; i++) pids.push((await ask(sub, port, `after the crash ${i + 1}`)).pid);
  if (pids.includes(victim)) fail(`a connection went to worker ${victim} after it was killed`);
  if (new Set(pids).size < 2) fail(`after the restart, 2 connections were answered by pids ${pids.join(', ')}: the replacement should take its turn with the others`);
});

check('waits-for-worker', 'a connection that arrives while no worker is ready waits for one instead of being dropped', { points: 2 }, async () => {
  const { sub, port } = await started(1);
  const only = (await ask(sub, port)).pid;
  // The replacement takes 500 ms to be ready: our connection arrives in that gap.
  await sub.call('readyDelay', { ms: 500 });
  await sub.call('kill', { pid: only });
  const deadline = Date.now() + 3000;
  while (!(await sub.call<ChildRecord[]>('children')).find((k) => k.pid === only && k.exitedAt !== null)) {
    if (Date.now() > deadline) fail(`we killed the only worker (${only}); your primary did not see it exit within 3 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const reply = await ask(sub, port, 'anyone there?');
  if (reply.pid === only) fail(`worker ${only} was dead, yet it answered?`);
});

check('replaces-unready-worker', 'a worker that dies before it was ever ready is replaced too', { points: 2 }, async () => {
  const flag = join(tmpdir(), `netlab-ipc-fail-${randomUUID()}`);
  // netlab's worker: the first one forked exits before saying ready; the next ones work.
  const { sub, port } = await started(2, { failFirst: flag, asResolved: true });
  const deadline = Date.now() + 4000;
  while (readyPids(await sub.call<ChildRecord[]>('children')).length < 2) {
    if (Date.now() > deadline) fail('one of your 2 workers died before it was ever ready, and within 4 s no replacement was forked and ready: replace a worker that exits, whether or not it had been ready');
    await new Promise((r) => setTimeout(r, 25));
  }
  const pids = new Set([(await ask(sub, port)).pid, (await ask(sub, port)).pid]);
  if (pids.size < 2) fail(`two connections went to one worker (${[...pids].join(', ')}): the replacement should be in the rotation`);
  const { rmSync } = await import('node:fs');
  rmSync(flag, { force: true });
});

check('close-stops-everything', 'close() stops listening, disconnects every worker, and resolves once all have exited', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  await ask(sub, port);
  const kids = await sub.call<ChildRecord[]>('children');
  const closed = await sub.call<{ tookMs: number; live: number[]; listening: string[] }>('close', null, 8000).catch((err: Error) => {
    if (/within|answer/i.test(err.message)) fail('close() did not resolve within 8 s: disconnect() every worker and resolve when each has emitted "exit"');
    throw err;
  });
  if (closed.listening.length > 0) fail(`after close() resolved, your process still listens on ${closed.listening.join(', ')}: call server.close()`);
  if (closed.live.length > 0) fail(`close() resolved while ${closed.live.length} worker(s) (pid ${closed.live.join(', ')}) were still running: resolve after every worker's "exit"`);
  const after = await sub.call<ChildRecord[]>('children');
  const restarted = after.filter((k) => !kids.some((old) => old.pid === k.pid));
  if (restarted.length > 0) fail(`close() made the workers exit, and your primary forked ${restarted.length} new one(s) as if they had crashed: a worker that exits while closing must not be replaced`);
  const killed = after.filter((k) => k.signal !== null);
  if (killed.length > 0) fail(`close() killed worker(s) with ${killed[0]!.signal}: disconnect() them instead, so each finishes its connection and exits by itself`);
});

check('close-finishes-connections', 'a worker still serving a connection at close() finishes it first', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  await ask(sub, port);
  // A connection that the worker holds, waiting for our line, while the primary closes.
  const client = await connectTcp(port);
  await handedOver(sub, client.localPort!);
  const closing = sub.call('close', null, 8000);
  closing.catch(() => {});
  client.write('still there?\n');
  const reply = await answerOf(client, 'still there?');
  if (!Number.isFinite(reply.pid)) fail('no answer on a connection that was in progress when close() was called');
  await closing;
});
