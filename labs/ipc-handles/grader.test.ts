/**
 * Grades `startPrimary(workerPath, workers)`: one check per requirement, through real
 * connections to the learner's primary and real worker processes (netlab's worker, forked by
 * the learner's code). Which worker answered is read from the worker's own reply (its pid and
 * the remote port it saw); what the primary did with each connection is watched from inside
 * its process (see children.ts).
 */
import type * as net from 'node:net';
import { join } from 'node:path';
import { check, fail, msg, paced, startSubmission, type HostSubmission } from '../../src/grade/harness.js';
import { ByteReader, connectTcp } from '../../src/grade/helpers.js';
import { primaryHost, type ChildRecord, type Started } from './contract.js';

const LAB = 'ipc-handles';

type Submission = HostSubmission<typeof primaryHost>;

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
  const sub = await startSubmission(LAB, { host: primaryHost });
  const { asResolved, ...knobs } = options;
  let got: Started;
  try {
    got = await sub.call('start', { workers, ...knobs }, 8000);
  } catch (err) {
    const kids = await sub.call('children').catch((): ChildRecord[] => []);
    const ready = kids.filter((k) => k.readyAt !== null).length;
    if (/within|answer/i.test((err as Error).message) && sub.running) {
      fail(
        msg({
          en:
            `startPrimary(workerPath, ${workers}) did not resolve within 8 s. ${kids.length} worker(s) were forked, ${ready} said {"type":"ready"}. ` +
            'Resolve once every worker has sent its ready message (listen for "message" on each ChildProcess).',
          'zh-CN': `startPrimary(workerPath, ${workers}) 在 8 秒内没有 resolve。fork 了 ${kids.length} 个工作进程，其中 ${ready} 个发来了 {"type":"ready"}。等每个工作进程都发来 ready 消息后再 resolve（在每个 ChildProcess 上监听 "message"）。`,
        }),
      );
    }
    throw err;
  }
  if (!asResolved) {
    const deadline = Date.now() + paced(8000);
    let ready = 0;
    while ((ready = readyPids(await sub.call('children')).length) < workers) {
      if (Date.now() > deadline) {
        fail(
          msg({
            en: `startPrimary(workerPath, ${workers}) resolved, but after 8 s only ${ready} worker(s) were running and ready: fork ${workers}, and replace any that exits`,
            'zh-CN': `startPrimary(workerPath, ${workers}) resolve 了，但 8 秒后只有 ${ready} 个工作进程在运行并已就绪：fork ${workers} 个，并替换任何退出的工作进程`,
          }),
        );
      }
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
  const deadline = Date.now() + paced(4000);
  while (!(await sub.call('children')).some((k) => k.handoffs.some((h) => h.remotePort === clientPort && h.acked))) {
    if (Date.now() > deadline) {
      fail(
        msg({
          en: `we connected from port ${clientPort}; within 4 s your primary did not hand the connection to a worker (worker.send('connection', socket)). Is every connection handed to a ready worker, and kept until one is ready?`,
          'zh-CN': `我们从端口 ${clientPort} 连接；4 秒内你的主进程没有把这个连接交给工作进程（worker.send('connection', socket)）。是否每个连接都交给了一个就绪的工作进程，并且在没有就绪的工作进程时先留着它？`,
        }),
      );
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
      fail(
        msg({
          en: `we connected and sent "${what}\\n": the connection was closed without an answer. Was it handed to a worker (worker.send('connection', socket)), or dropped?`,
          'zh-CN': `我们连接并发送了 "${what}\\n"：连接没有任何回答就关闭了。它是交给了工作进程（worker.send('connection', socket)），还是被丢掉了？`,
        }),
      );
    }
    fail(
      msg({
        en: `we connected and sent "${what}\\n": no answer from a worker within 4 s (got ${JSON.stringify(text)}). Is every connection handed to a ready worker?`,
        'zh-CN': `我们连接并发送了 "${what}\\n"：4 秒内没有工作进程回答（收到 ${JSON.stringify(text)}）。是否每个连接都交给了一个就绪的工作进程？`,
      }),
    );
  }
  let reply: { pid?: unknown; remotePort?: unknown };
  try {
    reply = JSON.parse(text.slice(0, text.indexOf('\n')));
  } catch {
    fail(
      msg({
        en: `the answer was ${JSON.stringify(text)}, not the worker's JSON line: the primary must not write to the connection itself`,
        'zh-CN': `回答是 ${JSON.stringify(text)}，不是工作进程的 JSON 行：主进程自己不能向这个连接写入`,
      }),
    );
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
  const kids = await sub.call('children');
  if (kids.length === 0) fail(msg({ en: 'startPrimary() resolved, but forked no worker: fork(workerPath) once per worker', 'zh-CN': 'startPrimary() resolve 了，却没有 fork 任何工作进程：每个工作进程调用一次 fork(workerPath)' }));
  const ready = readyPids(kids);
  if (ready.length < 2) {
    fail(
      msg({
        en: `startPrimary(workerPath, 2) resolved when ${ready.length} of the ${kids.length} forked workers had said {"type":"ready"}: wait for every worker's ready message before resolving`,
        'zh-CN': `startPrimary(workerPath, 2) resolve 时，fork 出的 ${kids.length} 个工作进程中只有 ${ready.length} 个发来了 {"type":"ready"}：等每个工作进程的 ready 消息都到了再 resolve`,
      }),
    );
  }
  const first = await ask(sub, port);
  if (!ready.includes(first.pid)) {
    fail(
      msg({
        en: `the answer came from pid ${first.pid}, which is not one of the workers your primary forked (${ready.join(', ')})`,
        'zh-CN': `回答来自 pid ${first.pid}，它不是你的主进程 fork 出的工作进程之一（${ready.join(', ')}）`,
      }),
    );
  }
});

check('round-robin', 'connections go to the workers in turn: any 3 in a row to 3 different workers', { points: 3 }, async () => {
  const { sub, port } = await started(3);
  const pids: number[] = [];
  for (let i = 0; i < 6; i++) pids.push((await ask(sub, port, `request ${i + 1}`)).pid);
  const workers = readyPids(await sub.call('children'));
  const used = new Set(pids);
  if (used.size < 3) {
    fail(
      msg({
        en: `6 connections in a row were answered by ${used.size} worker(s) (pids ${pids.join(', ')}) of your 3: hand each connection to the next ready worker in turn`,
        'zh-CN': `连续 6 个连接只由你 3 个工作进程中的 ${used.size} 个回答（pid ${pids.join(', ')}）：依次把每个连接交给下一个就绪的工作进程`,
      }),
    );
  }
  for (let i = 0; i + 3 <= pids.length; i++) {
    const window = pids.slice(i, i + 3);
    if (new Set(window).size < 3) {
      fail(
        msg({
          en: `connections ${i + 1}–${i + 3} went to pids ${window.join(', ')}: with 3 ready workers, any 3 connections in a row go to 3 different workers (round-robin)`,
          'zh-CN': `第 ${i + 1}–${i + 3} 个连接交给了 pid ${window.join(', ')}：有 3 个就绪的工作进程时，任意连续 3 个连接都应交给 3 个不同的工作进程（轮转）`,
        }),
      );
    }
  }
  for (const pid of used) {
    if (!workers.includes(pid)) fail(msg({ en: `pid ${pid} answered, but it is not one of your primary's workers`, 'zh-CN': `pid ${pid} 回答了，但它不是你的主进程的工作进程` }));
  }
});

check('handle-passed', 'the socket is handed over, not proxied: the primary reads no byte, the worker sees the client', { points: 3 }, async () => {
  const { sub, port } = await started(2);
  // The client writes the moment it is connected: a primary that reads before handing over loses it.
  const client = await connectTcp(port);
  client.write('written at once\n');
  await handedOver(sub, client.localPort!);
  const kids = await sub.call('children');
  const mine = kids.flatMap((k) => k.handoffs).find((h) => h.remotePort === client.localPort)!;
  if (mine.bytesReadByPrimary > 0) {
    fail(
      msg({
        en:
          `our client wrote "written at once\\n" the moment it connected, and your primary had read ${mine.bytesReadByPrimary} byte(s) of it before handing the socket over: ` +
          'those bytes stay in the primary and never reach the worker. Create the server with { pauseOnConnect: true } so nothing is read before the hand-off.',
        'zh-CN': `我们的客户端一连上就写了 "written at once\\n"，而你的主进程在交出套接字之前已经读走了其中 ${mine.bytesReadByPrimary} 个字节：这些字节留在主进程里，永远到不了工作进程。用 { pauseOnConnect: true } 创建服务器，这样交接之前什么都不会被读取。`,
      }),
    );
  }
  const reply = await answerOf(client, 'written at once');
  if (reply.remotePort !== reply.localPort) {
    fail(
      msg({
        en: `the worker saw remote port ${reply.remotePort}, but our client's port is ${reply.localPort}: the worker got another connection than ours (a proxy?). Hand over the client's own socket`,
        'zh-CN': `工作进程看到的远端端口是 ${reply.remotePort}，而我们客户端的端口是 ${reply.localPort}：工作进程拿到的不是我们的连接（是代理吗？）。请交出客户端自己的套接字`,
      }),
    );
  }
});

check('no-copy-kept', 'once a socket is handed over, the primary keeps no copy of it open', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  const reply = await ask(sub, port);
  if (!reply.ended) fail(msg({ en: 'the worker answered, but our client got no EOF within 3 s', 'zh-CN': '工作进程回答了，但我们的客户端 3 秒内没有收到 EOF' }));
  const mine = (await sub.call('children')).flatMap((k) => k.handoffs).find((h) => h.remotePort === reply.localPort);
  if (!mine) fail(msg({ en: `our connection (from port ${reply.localPort}) was never sent to a worker as a handle`, 'zh-CN': `我们的连接（来自端口 ${reply.localPort}）从未作为句柄发送给工作进程` }));
  if (mine.openInPrimary) {
    fail(
      msg({
        en:
          `the worker finished with our connection, yet the primary still holds its own copy open${mine.keepOpen ? ' (send() with { keepOpen: true })' : ''}: ` +
          "the connection cannot really close while the primary keeps a file descriptor for it. Let Node close the primary's copy once the handle is sent (the default).",
        'zh-CN': `工作进程已经处理完我们的连接，主进程却仍打开着自己的那份副本${mine.keepOpen ? '（send() 用了 { keepOpen: true }）' : ''}：只要主进程还持有它的文件描述符，连接就无法真正关闭。让 Node 在句柄发出后关闭主进程的副本（这是默认行为）。`,
      }),
    );
  }
});

check('restarts-worker', 'a worker killed with SIGKILL is replaced at once (within 1 s) and service goes on', { points: 3 }, async () => {
  const { sub, port } = await started(2);
  const victim = (await ask(sub, port)).pid;
  await sub.call('kill', { pid: victim });
  let kids: ChildRecord[] = [];
  const deadline = Date.now() + paced(5000);
  for (;;) {
    kids = await sub.call('children');
    const dead = kids.find((k) => k.pid === victim);
    const replacement = dead?.exitedAt != null ? kids.find((k) => k.forkedAt >= dead.exitedAt! && k.pid !== victim) : undefined;
    if (dead?.exitedAt != null && replacement?.readyAt != null) {
      const after = replacement.forkedAt - dead.exitedAt;
      if (after > 1000) {
        fail(
          msg({
            en: `worker ${victim} died; its replacement was forked ${Math.round(after)} ms later: fork the replacement in the 'exit' handler, at once`,
            'zh-CN': `工作进程 ${victim} 死了；${Math.round(after)} 毫秒后才 fork 出替代者：应在 'exit' 处理函数中立即 fork 替代者`,
          }),
        );
      }
      break;
    }
    if (Date.now() > deadline) {
      fail(
        dead?.exitedAt == null
          ? msg({ en: `we killed worker ${victim} with SIGKILL; your primary did not see it exit`, 'zh-CN': `我们用 SIGKILL 杀掉了工作进程 ${victim}；你的主进程没有察觉它退出` })
          : msg({
              en: `worker ${victim} was killed; within 5 s no replacement was forked and ready: fork a new worker when one exits unexpectedly`,
              'zh-CN': `工作进程 ${victim} 被杀掉了；5 秒内没有替代者被 fork 出来并就绪：工作进程意外退出时，要 fork 一个新的`,
            }),
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pids = [];
  for (let i = 0; i < 2; i++) pids.push((await ask(sub, port, `after the crash ${i + 1}`)).pid);
  if (pids.includes(victim)) fail(msg({ en: `a connection went to worker ${victim} after it was killed`, 'zh-CN': `工作进程 ${victim} 被杀掉之后，还有连接交给了它` }));
  if (new Set(pids).size < 2) {
    fail(
      msg({
        en: `after the restart, 2 connections were answered by pids ${pids.join(', ')}: the replacement should take its turn with the others`,
        'zh-CN': `重启之后，2 个连接由 pid ${pids.join(', ')} 回答：替代者应当和其他工作进程一起轮流接收连接`,
      }),
    );
  }
});

check('waits-for-worker', 'a connection that arrives while no worker is ready waits for one instead of being dropped', { points: 2 }, async () => {
  const { sub, port } = await started(1);
  const only = (await ask(sub, port)).pid;
  // The replacement takes 500 ms to be ready: our connection arrives in that gap.
  await sub.call('readyDelay', { ms: 500 });
  await sub.call('kill', { pid: only });
  const deadline = Date.now() + paced(3000);
  while (!(await sub.call('children')).find((k) => k.pid === only && k.exitedAt !== null)) {
    if (Date.now() > deadline) fail(msg({ en: `we killed the only worker (${only}); your primary did not see it exit within 3 s`, 'zh-CN': `我们杀掉了唯一的工作进程（${only}）；你的主进程 3 秒内没有察觉它退出` }));
    await new Promise((r) => setTimeout(r, 20));
  }
  const reply = await ask(sub, port, 'anyone there?');
  if (reply.pid === only) fail(msg({ en: `worker ${only} was dead, yet it answered?`, 'zh-CN': `工作进程 ${only} 已经死了，却还回答了？` }));
});

check('replaces-unready-worker', 'a worker that dies before it was ever ready is replaced too', { points: 2 }, async (ctx) => {
  // In the check's own folder: removed when the check ends, however it ends.
  const flag = join(ctx.tempDir(), 'fail-first');
  // netlab's worker: the first one forked exits before saying ready; the next ones work.
  const { sub, port } = await started(2, { failFirst: flag, asResolved: true });
  // Timed from what happened, not from the start (a busy machine forks slowly): once we see
  // the failed worker gone, a replacement must be forked within 4 s, and, like any worker at the
  // start, be ready within 8 s of when we see it.
  const seen = { start: Date.now(), died: 0, replacement: 0 };
  for (;;) {
    const kids = await sub.call('children');
    if (readyPids(kids).length >= 2) break;
    const died = kids.find((k) => k.readyAt === null && k.exitedAt !== null);
    const replacement = died && kids.find((k) => k.forkedAt >= died.exitedAt! && k.exitedAt === null);
    const now = Date.now();
    if (died) seen.died ||= now;
    if (replacement) seen.replacement ||= now;
    const late = replacement ? seen.replacement + paced(8000) : died ? seen.died + paced(4000) : seen.start + paced(8000);
    if (now > late) {
      fail(
        replacement
          ? msg({
              en: `one of your 2 workers died before it was ever ready; you forked a replacement (${replacement.actor}), but it was not ready within 8 s`,
              'zh-CN': `你的 2 个工作进程中有一个还没就绪就死了；你 fork 了替代者（${replacement.actor}），但它 8 秒内没有就绪`,
            })
          : msg({
              en: 'one of your 2 workers died before it was ever ready, and within 4 s no replacement was forked: replace a worker that exits, whether or not it had been ready',
              'zh-CN': '你的 2 个工作进程中有一个还没就绪就死了，4 秒内没有 fork 替代者：工作进程退出就要替换，不管它是否就绪过',
            }),
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const pids = new Set([(await ask(sub, port)).pid, (await ask(sub, port)).pid]);
  if (pids.size < 2) fail(msg({ en: `two connections went to one worker (${[...pids].join(', ')}): the replacement should be in the rotation`, 'zh-CN': `两个连接都交给了同一个工作进程（${[...pids].join(', ')}）：替代者应当加入轮转` }));
});

check('close-stops-everything', 'close() stops listening, disconnects every worker, and resolves once all have exited', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  await ask(sub, port);
  const kids = await sub.call('children');
  const closed = await sub.call('close', null, 8000).catch((err: Error) => {
    if (/within|answer/i.test(err.message)) {
      fail(msg({ en: 'close() did not resolve within 8 s: disconnect() every worker and resolve when each has emitted "exit"', 'zh-CN': 'close() 在 8 秒内没有 resolve：对每个工作进程调用 disconnect()，等每个都发出 "exit" 后再 resolve' }));
    }
    throw err;
  });
  if (closed.listening.length > 0) {
    fail(msg({ en: `after close() resolved, your process still listens on ${closed.listening.join(', ')}: call server.close()`, 'zh-CN': `close() resolve 之后，你的进程仍在 ${closed.listening.join(', ')} 上监听：调用 server.close()` }));
  }
  if (closed.live.length > 0) {
    fail(
      msg({
        en: `close() resolved while ${closed.live.length} worker(s) (pid ${closed.live.join(', ')}) were still running: resolve after every worker's "exit"`,
        'zh-CN': `close() resolve 时还有 ${closed.live.length} 个工作进程（pid ${closed.live.join(', ')}）在运行：等每个工作进程的 "exit" 之后再 resolve`,
      }),
    );
  }
  const after = await sub.call('children');
  const restarted = after.filter((k) => !kids.some((old) => old.pid === k.pid));
  if (restarted.length > 0) {
    fail(
      msg({
        en: `close() made the workers exit, and your primary forked ${restarted.length} new one(s) as if they had crashed: a worker that exits while closing must not be replaced`,
        'zh-CN': `close() 让工作进程退出了，你的主进程却像它们崩溃了一样又 fork 了 ${restarted.length} 个新的：关闭过程中退出的工作进程不能被替换`,
      }),
    );
  }
  const killed = after.filter((k) => k.signal !== null);
  if (killed.length > 0) {
    const signal = killed[0]!.signal;
    fail(
      msg({
        en: `close() killed worker(s) with ${signal}: disconnect() them instead, so each finishes its connection and exits by itself`,
        'zh-CN': `close() 用 ${signal} 杀掉了工作进程：应改为对它们调用 disconnect()，让每个工作进程处理完自己的连接后自行退出`,
      }),
    );
  }
});

check('close-finishes-connections', 'a worker still serving a connection at close() finishes it first', { points: 2 }, async () => {
  const { sub, port } = await started(2);
  await ask(sub, port);
  // A connection that the worker holds, waiting for our line, while the primary closes.
  const client = await connectTcp(port);
  await handedOver(sub, client.localPort!);
  const closing = sub.call('close', null, 8000);
  closing.catch(() => {});
  // Our line goes out once close() is under way, seen as the idle worker's exit: whatever
  // close() does to the worker holding our connection (let it finish, or kill it) is done by then.
  const deadline = Date.now() + 4000;
  for (;;) {
    const kids = await sub.call('children');
    const idle = kids.filter((k) => !k.handoffs.some((h) => h.remotePort === client.localPort));
    if (idle.every((k) => k.exitedAt !== null) || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  client.write('still there?\n');
  const reply = await answerOf(client, 'still there?');
  if (!Number.isFinite(reply.pid)) fail(msg({ en: 'no answer on a connection that was in progress when close() was called', 'zh-CN': '调用 close() 时仍在进行的连接没有得到回答' }));
  await closing;
});
