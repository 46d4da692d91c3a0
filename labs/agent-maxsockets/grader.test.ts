/**
 * Grades `fetchAll(urls, maxSockets)` (SPEC §4, agent-maxsockets). The learner's function runs
 * in its own process; the grader is the HTTP server it talks to, a real one on 127.0.0.1 that
 * answers each URL after a delay the URL chooses, and counts TCP connections: how many are
 * open at once (the peak), how many were opened in all, and how many are still open when
 * fetchAll has settled. Timing is judged by one check only, with a generous bound.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { check, fail, msg, paced, startSubmission, type HostSubmission } from '../../src/grade/harness.js';
import { agentHost, type FetchAllOutcome } from './contract.js';

const LAB = 'agent-maxsockets';

/** A server that answers after a delay named in the URL and counts connections. */
interface CountingServer {
  /** `http://127.0.0.1:PORT/d/<ms>/<tag>`: answers 200 `body:<tag>` after `ms`. */
  url(ms: number, tag: string | number): string;
  /** Answers `status` (after `ms`) with a small error page. */
  statusUrl(status: number, ms: number, tag: string | number): string;
  /** Answers 200 with a UTF-8 body sent in two writes that split a multi-byte character. */
  utf8Url(tag: string | number): string;
  /** The body `url(…, tag)` answers with. */
  body(tag: string | number): string;
  /** The body `utf8Url(tag)` answers with. */
  utf8Body(tag: string | number): string;
  /** When each `/d/` request arrived and when it was answered (ms, performance.now()). */
  readonly answered: ReadonlyArray<{ arrive: number; answer: number }>;
  /** Connections open now, opened in all, most open at once. */
  readonly open: number;
  readonly total: number;
  readonly peak: number;
  /**
   * Resolves with 0 once no connection is open and none has opened for `quietMs`, or with the
   * number still open after `timeoutMs`. The quiet time catches connections that open late
   * (requests still queued in an agent that was destroyed too early).
   */
  allClosed(timeoutMs: number, quietMs?: number): Promise<number>;
  close(): Promise<void>;
}

type Answered = CountingServer['answered'];

/**
 * Each request's arrival (+1) and answer (-1) in time order; an answer and an arrival at the
 * same instant put the answer first (the next request on that socket can only follow it).
 */
function busyEdges(answered: Answered): Array<{ t: number; busy: number }> {
  const edges = [...answered.map((r) => ({ t: r.arrive, busy: +1 })), ...answered.map((r) => ({ t: r.answer, busy: -1 }))];
  return edges.sort((a, b) => a.t - b.t || a.busy - b.busy);
}

/** The most requests in flight at once: each counts from its arrival to its answer. */
function busyPeak(answered: Answered): number {
  let busy = 0;
  let peak = 0;
  for (const e of busyEdges(answered)) peak = Math.max(peak, (busy += e.busy));
  return peak;
}

async function startServer(): Promise<CountingServer> {
  const sockets = new Set<Socket>();
  let total = 0;
  let peak = 0;
  /** Called on every connection opened or closed. */
  const onChange = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const utf8Body = (tag: string | number) => `héllo wörld ✓ ${tag}`;
  const answered: Array<{ arrive: number; answer: number }> = [];
  const server = http.createServer((req, res) => {
    const parts = (req.url ?? '').split('/');
    if (parts[1] === 'd') {
      const arrive = performance.now();
      later(Number(parts[2]), () => {
        answered.push({ arrive, answer: performance.now() });
        res.end(`body:${parts[3]}`);
      });
    } else if (parts[1] === 'status') {
      later(Number(parts[3]), () => {
        res.statusCode = Number(parts[2]);
        res.end(`error page ${parts[2]} for ${req.url}`);
      });
    } else if (parts[1] === 'utf8') {
      const bytes = Buffer.from(utf8Body(decodeURIComponent(parts[2] ?? '')));
      // Split inside "é" (two bytes in UTF-8): the first write ends with its first byte.
      const cut = Buffer.from('h').length + 1;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.write(bytes.subarray(0, cut));
      later(60, () => res.end(bytes.subarray(cut)));
    } else {
      res.statusCode = 404;
      res.end('no such path');
    }
  });
  // Idle connections stay open until the client closes them: that is what the checks look at.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    total++;
    peak = Math.max(peak, sockets.size);
    for (const fn of [...onChange]) fn();
    socket.once('close', () => {
      sockets.delete(socket);
      for (const fn of [...onChange]) fn();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (ms, tag) => `${origin}/d/${ms}/${tag}`,
    statusUrl: (status, ms, tag) => `${origin}/status/${status}/${ms}/${tag}`,
    utf8Url: (tag) => `${origin}/utf8/${encodeURIComponent(String(tag))}`,
    body: (tag) => `body:${tag}`,
    answered,
    utf8Body,
    get open() {
      return sockets.size;
    },
    get total() {
      return total;
    },
    get peak() {
      return peak;
    },
    allClosed(timeoutMs, quietMs = 300) {
      return new Promise((resolve) => {
        let quiet: NodeJS.Timeout | undefined;
        const done = (value: number) => {
          clearTimeout(deadline);
          clearTimeout(quiet);
          onChange.delete(update);
          resolve(value);
        };
        const update = () => {
          clearTimeout(quiet);
          if (sockets.size === 0) quiet = setTimeout(() => done(0), quietMs);
        };
        const deadline = setTimeout(() => done(sockets.size), timeoutMs);
        onChange.add(update);
        update();
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Start a server, run `fn` against it, always close the server. */
async function withServer(fn: (server: CountingServer) => Promise<void>): Promise<void> {
  const server = await startServer();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const kText = (k: number) => (Number.isFinite(k) ? String(k) : 'Infinity');

/** The learner's process, typed by the host's operations. */
type Submission = HostSubmission<typeof agentHost>;

async function fetchAll(sub: Submission, urls: string[], k: number): Promise<FetchAllOutcome> {
  return sub.call('fetchAll', { urls, maxSockets: Number.isFinite(k) ? k : null });
}

/** The bodies, or a failure saying why there are none. */
function bodiesOf(outcome: FetchAllOutcome, urls: string[], k: number): string[] {
  const call = `fetchAll(${urls.length} URLs, ${kText(k)})`;
  const n = urls.length;
  if (outcome.settled === 'rejected') {
    const why = outcome.error.message;
    fail(
      msg({
        en: `${call} rejected with "${why}", but every URL answered 200 OK: it should resolve with the ${n} bodies.`,
        'zh-CN': `${call} 以 "${why}" 拒绝（reject）了，但每个 URL 都回答了 200 OK：它应该以这 ${n} 个响应体兑现（resolve）。`,
      }),
    );
  }
  if (outcome.bodies === null) {
    fail(
      msg({
        en: `${call} resolved with ${outcome.got}; expected an array of ${n} strings, the bodies in the order of urls.`,
        'zh-CN': `${call} 兑现的值是 ${outcome.got}；应为一个含 ${n} 个字符串的数组，即按 urls 顺序排列的响应体。`,
      }),
    );
  }
  const got = outcome.bodies.length;
  if (got !== n) {
    fail(msg({ en: `${call} resolved with ${got} bodies for ${n} URLs: one body per URL, please.`, 'zh-CN': `${call} 为 ${n} 个 URL 兑现了 ${got} 个响应体：每个 URL 应对应一个响应体。` }));
  }
  return outcome.bodies;
}

/** ", 2 of them opened after fetchAll had settled (…)", or nothing. */
const lateText = (late: number) =>
  late > 0
    ? msg({
        en: `, ${late} of them opened after fetchAll had settled (requests still queued in an agent that was destroyed get new connections)`,
        'zh-CN': `，其中 ${late} 个是在 fetchAll 已经落定之后才打开的（在已销毁的 Agent 中仍在排队的请求会得到新连接）`,
      })
    : '';

/**
 * Once fetchAll has settled, wait up to 1.5 s for the server's connections to close: how many
 * are still open then, of how many in all, and which of them opened late.
 */
async function stillOpen(server: CountingServer, note: (text: string) => void, resolved: boolean) {
  const open = server.open;
  note(
    resolved
      ? msg({ en: `fetchAll resolved; the server has ${open} of its connections open: waiting up to 1.5 s for them to close`, 'zh-CN': `fetchAll 已兑现；服务器上还有 ${open} 个它的连接开着：最多等 1.5 秒让它们关闭` })
      : msg({ en: `fetchAll rejected; the server has ${open} of its connections open: waiting up to 1.5 s for them to close`, 'zh-CN': `fetchAll 已拒绝；服务器上还有 ${open} 个它的连接开着：最多等 1.5 秒让它们关闭` }),
  );
  const before = server.total;
  const left = await server.allClosed(1500);
  return { left, total: server.total, late: lateText(server.total - before) };
}

const quote = (list: string[], max = 8) => `[${list.slice(0, max).map((s) => JSON.stringify(s)).join(', ')}${list.length > max ? ', …' : ''}]`;

/**
 * Socket-time wasted while URLs were waiting, in ms: over the batch, at each moment, the number
 * of the k sockets not carrying a request although some URL had not been requested yet. Sockets
 * that take the next URL as soon as they are free waste only the hand-over (a response's way
 * back and the next request's way in); waiting for whole groups, or one request at a time,
 * wastes the time of every slow answer. Unlike total time, it does not grow with a slow server
 * or with late timers, so it stays fair on a busy machine.
 */
function idleSocketMs(answered: Answered, n: number, k: number): number {
  const events = busyEdges(answered);
  let busy = 0;
  let requested = 0;
  let idle = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    busy += e.busy;
    if (e.busy > 0) requested++;
    const next = events[i + 1];
    if (!next) break;
    idle += Math.max(0, Math.min(k - busy, n - requested)) * (next.t - e.t);
  }
  return idle;
}

/**
 * The time a freed socket takes to carry the next request on this machine now: the j-th answer
 * frees the socket the (k+j)-th request arrives on; the lower quartile of those gaps. Not the
 * median: waves of 2 make half the gaps long, so the median was the largest of the short ones,
 * and one slow hand-over on a busy machine excused the waves' idle time (seen once in npm test).
 */
function handoverMs(answered: ReadonlyArray<{ arrive: number; answer: number }>, k: number): number {
  const arrivals = answered.map((r) => r.arrive).sort((a, b) => a - b);
  const answers = answered.map((r) => r.answer).sort((a, b) => a - b);
  const gaps: number[] = [];
  for (let j = 0; j + k < arrivals.length; j++) gaps.push(Math.max(0, arrivals[j + k]! - answers[j]!));
  gaps.sort((a, b) => a - b);
  return gaps.length ? gaps[Math.floor((gaps.length - 1) / 4)]! : 0;
}

/** The finish time of N requests of these durations, k at a time, each starting when a socket is free. */
function listSchedule(durations: number[], k: number): number {
  const free = Array.from({ length: Math.min(k, durations.length) }, () => 0);
  for (const d of durations) {
    const i = free.indexOf(Math.min(...free));
    free[i] = free[i]! + d;
  }
  return Math.max(0, ...free);
}

check('peak-concurrency', 'keeps min(maxSockets, N) connections busy at once: never more, never fewer', { points: 2 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  const rounds: Array<[n: number, k: number, delay: number]> = [
    [6, 3, 200],
    [2, 4, 200],
  ];
  for (const [n, k, delay] of rounds) {
    await withServer(async (server) => {
      const urls = Array.from({ length: n }, (_, i) => server.url(delay, i));
      bodiesOf(await fetchAll(sub, urls, k), urls, k);
      const want = Math.min(n, k);
      // "Never more" counts requests in flight (arrived, not yet answered), not open sockets:
      // code that opens a connection per request may open the next one a moment before the
      // last one closed, which is connection-reuse's finding, not too many requests at once.
      const busy = busyPeak(server.answered);
      if (busy > want) {
        fail(
          msg({
            en:
              `fetchAll(${n} URLs, ${k}): the server was answering ${busy} requests at the same time; at most ${want} allowed. ` +
              'Requests beyond maxSockets must wait for a free socket: pass every request an http.Agent of your own created with { maxSockets } ' +
              '(without `agent`, requests use http.globalAgent, whose maxSockets is Infinity).',
            'zh-CN':
              `fetchAll(${n} URLs, ${k})：服务器同时在处理 ${busy} 个请求；最多允许 ${want} 个。` +
              '超出 maxSockets 的请求必须等待空闲的套接字：给每个请求传入你自己用 { maxSockets } 创建的 http.Agent（不传 `agent` 时，请求使用 http.globalAgent，它的 maxSockets 是 Infinity）。',
          }),
        );
      }
      if (server.peak < want) {
        const { peak } = server;
        fail(
          msg({
            en:
              `fetchAll(${n} URLs, ${k}): the server never saw more than ${peak} connection(s) open at once; expected ${want}, ` +
              `since there ${n === 1 ? 'is' : 'are'} ${n} URL(s) and ${k} sockets allowed. Start all the requests at once and let the agent queue ` +
              'the ones that do not fit, instead of awaiting each request before the next.',
            'zh-CN': `fetchAll(${n} URLs, ${k})：服务器同时看到的连接从未超过 ${peak} 个；应为 ${want} 个，因为有 ${n} 个 URL、允许 ${k} 个套接字。一次发起所有请求，让 Agent 去排队放不下的请求，而不是等一个请求完成再发下一个。`,
          }),
        );
      }
    });
  }
});

check('connection-reuse', 'opens no more than maxSockets connections for the whole batch (reuses them)', { points: 2 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  await withServer(async (server) => {
    const [n, k] = [8, 2];
    const urls = Array.from({ length: n }, (_, i) => server.url(60, i));
    bodiesOf(await fetchAll(sub, urls, k), urls, k);
    if (server.total > k) {
      const { total } = server;
      fail(
        msg({
          en:
            `fetchAll(${n} URLs, ${k}) opened ${total} TCP connections; with maxSockets ${k} it needs only ${k}. ` +
            'A connection freed by one response should carry the next request: use one http.Agent for the whole batch ' +
            '(keepAlive: true keeps sockets between requests); agent: false, or a new agent per request, opens a new connection every time.',
          'zh-CN': `fetchAll(${n} URLs, ${k}) 打开了 ${total} 个 TCP 连接；maxSockets 为 ${k} 时只需要 ${k} 个。一个响应空出来的连接应该承载下一个请求：整批请求用同一个 http.Agent（keepAlive: true 让套接字在请求之间保持打开）；agent: false 或每个请求一个新 Agent，每次都会打开新连接。`,
        }),
      );
    }
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('input-order', 'resolves with the bodies in the order of urls, not in the order the answers arrive', { points: 0 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  await withServer(async (server) => {
    const delays = [300, 40, 200, 10, 120, 60];
    const k = 3;
    const urls = delays.map((ms, i) => server.url(ms, i));
    const expected = delays.map((_, i) => server.body(i));
    const bodies = bodiesOf(await fetchAll(sub, urls, k), urls, k);
    if (bodies.some((b, i) => b !== expected[i])) {
      const sameSet = [...bodies].sort().join('\n') === [...expected].sort().join('\n');
      const why = sameSet
        ? msg({
            en: "The bodies are right but in the order they arrived: keep each body at its URL's index (Promise.all over urls.map(…) does), do not push() them as they come.",
            'zh-CN': '响应体是对的，但顺序是它们到达的顺序：把每个响应体放在它的 URL 所在的下标上（对 urls.map(…) 用 Promise.all 就是这样），不要在它们到达时 push()。',
          })
        : msg({ en: 'Each body must be the answer to the URL at the same index.', 'zh-CN': '每个响应体必须是同一下标处 URL 的回答。' });
      const [n, took, got, want] = [urls.length, delays.join(', '), quote(bodies), quote(expected)];
      fail(
        msg({
          en: `fetchAll(${n} URLs, ${k}) with answers taking ${took} ms resolved with ${got}; expected ${want}. ${why}`,
          'zh-CN': `fetchAll(${n} URLs, ${k})，各回答分别耗时 ${took} ms，兑现的值是 ${got}；应为 ${want}。${why}`,
        }),
      );
    }
  });
});

check('utf8-bodies', 'decodes each body as UTF-8 as a whole, even when a character is split between chunks', { points: 1 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  await withServer(async (server) => {
    const tags = ['a', 'b', 'c'];
    const urls = tags.map((t) => server.utf8Url(t));
    const expected = tags.map((t) => server.utf8Body(t));
    const bodies = bodiesOf(await fetchAll(sub, urls, 2), urls, 2);
    // Order is the input-order check's business: compare as sets here.
    if ([...bodies].sort().join('\n') !== [...expected].sort().join('\n')) {
      const wrong = bodies.find((b) => !expected.includes(b)) ?? bodies[0]!;
      const why = wrong.includes('\uFFFD')
        ? msg({
            en: "The U+FFFD characters show each chunk was decoded on its own (`body += chunk`): collect the Buffers and decode once with Buffer.concat(chunks).toString('utf8'), or call res.setEncoding('utf8').",
            'zh-CN': "U+FFFD 字符说明每个数据块是单独解码的（`body += chunk`）：把 Buffer 收集起来，用 Buffer.concat(chunks).toString('utf8') 一次解码，或者调用 res.setEncoding('utf8')。",
          })
        : msg({ en: 'Decode the whole body as UTF-8.', 'zh-CN': '把整个响应体作为 UTF-8 解码。' });
      const [sent, got] = [JSON.stringify(expected[0]), JSON.stringify(wrong)];
      fail(
        msg({
          en: `the server sent ${sent} as UTF-8 in two writes, split inside "é"; fetchAll gave back ${got}. ${why}`,
          'zh-CN': `服务器分两次写入以 UTF-8 发送了 ${sent}，在 "é" 中间断开；fetchAll 返回的是 ${got}。${why}`,
        }),
      );
    }
  });
});

check('rejects-non-2xx', 'rejects when an answer is not 2xx, with an error naming the URL', { points: 1 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  for (const status of [404, 500]) {
    await withServer(async (server) => {
      const bad = server.statusUrl(status, 20, 'x');
      const urls = [server.url(20, 0), server.url(20, 1), bad, server.url(20, 3), server.url(20, 4)];
      const outcome = await fetchAll(sub, urls, 2);
      if (outcome.settled === 'resolved') {
        const shown = outcome.bodies ? quote(outcome.bodies) : outcome.got;
        fail(
          msg({
            en: `${bad} answered ${status}, yet fetchAll resolved with ${shown}. http.get() does not fail on an error status: check res.statusCode and reject when it is outside 200–299.`,
            'zh-CN': `${bad} 回答了 ${status}，fetchAll 却兑现为 ${shown}。http.get() 遇到错误状态码并不会失败：检查 res.statusCode，不在 200–299 之内就拒绝（reject）。`,
          }),
        );
      }
      if (!outcome.error.message.includes(bad)) {
        const why = outcome.error.message;
        fail(
          msg({
            en: `fetchAll rejected (good) with "${why}", which does not contain the URL that failed (${bad}). With many URLs, the message must say which one: e.g. \`GET \${url} failed: HTTP ${status}\`.`,
            'zh-CN': `fetchAll 以 "${why}" 拒绝了（这没错），但消息里没有失败的 URL（${bad}）。URL 很多时，消息必须说出是哪一个：例如 \`GET \${url} failed: HTTP ${status}\`。`,
          }),
        );
      }
    });
  }
});

check('closes-connections', 'leaves no connection open once it has settled, after success and after a failure', { points: 2 }, async ({ note }) => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  await withServer(async (server) => {
    const urls = Array.from({ length: 6 }, (_, i) => server.url(50, i));
    bodiesOf(await fetchAll(sub, urls, 3), urls, 3);
    const { left, total, late } = await stillOpen(server, note, true);
    if (left > 0) {
      fail(
        msg({
          en:
            `fetchAll(6 URLs, 3) resolved, and 1.5 s later ${left} of its ${total} connection(s) were still open on the server${late}. ` +
            'A keep-alive agent keeps idle sockets open (they no longer keep your process alive, but the server still holds them): ' +
            'call agent.destroy() when the batch is over. (http.globalAgent keeps its sockets alive too, since Node 19.)',
          'zh-CN': `fetchAll(6 URLs, 3) 已兑现，1.5 秒后它的 ${total} 个连接中仍有 ${left} 个在服务器上开着${late}。长连接的 Agent 会让空闲套接字保持打开（它们不再让你的进程保持运行，但服务器仍占着它们）：整批请求结束后调用 agent.destroy()。（从 Node 19 起，http.globalAgent 也会让它的套接字保持打开。）`,
        }),
      );
    }
  });
  await withServer(async (server) => {
    const bad = server.statusUrl(500, 30, 'x');
    const urls = [server.url(80, 0), bad, server.url(300, 2), server.url(80, 3), server.url(80, 4), server.url(80, 5)];
    const outcome = await fetchAll(sub, urls, 2);
    if (outcome.settled === 'resolved') return; // rejects-non-2xx reports this one
    const { left, total, late } = await stillOpen(server, note, false);
    if (left > 0) {
      fail(
        msg({
          en:
            `fetchAll(6 URLs, 2) rejected because ${bad} answered 500, and 1.5 s later ${left} of its ${total} connection(s) were still open on the server${late}. ` +
            'Close your agent after a failure too: wait for the requests still running (Promise.allSettled) or abort them, then agent.destroy(), then reject.',
          'zh-CN': `fetchAll(6 URLs, 2) 因为 ${bad} 回答了 500 而拒绝，1.5 秒后它的 ${total} 个连接中仍有 ${left} 个在服务器上开着${late}。失败之后也要关闭你的 Agent：等待仍在进行的请求（Promise.allSettled）或中止它们，然后 agent.destroy()，再拒绝（reject）。`,
        }),
      );
    }
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('total-time', 'takes about the ideal time: no socket sits idle while URLs wait', { points: 0, alone: true }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB, { host: agentHost });
  await withServer(async (server) => {
    const k = 2;
    // Slow and quick answers alternate, so every group of k holds one slow answer: waiting for
    // whole groups leaves a socket idle behind each slow answer, while sockets that take the
    // next URL at once are never idle for long.
    // Scaled by the machine's pace: on a busy machine hand-overs grow, and answers that grow
    // with them keep the idle time of waves well above what hand-overs explain.
    const [slow, quick] = [paced(200), paced(10)];
    const delays = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? slow : quick));
    const urls = delays.map((ms, i) => server.url(ms, i));
    const ideal = listSchedule(delays, k);
    const outcome = await fetchAll(sub, urls, k);
    bodiesOf(outcome, urls, k);
    // Every hand-over of a freed socket to the next URL costs some time however the code is
    // written, more on a busy machine (and more again for code that opens a connection per
    // request): measured here as a typical hand-over (the lower quartile: a pool's are all alike;
    // waves of 2 have one long wait per group besides as many quick ones), and only idle time
    // beyond it counts.
    const handover = Math.round(handoverMs(server.answered, k));
    const idle = Math.max(0, Math.round(idleSocketMs(server.answered, urls.length, k) - (urls.length - k) * handover));
    // Judged on idle socket time against a baseline measured in this check, never on wall time
    // (a busy machine stretches that for everyone): waves of k leave a socket idle behind every
    // slow answer, (N/k)·(k−1)·(slow − quick) with the answer times measured here (about
    // 1140 ms on a quiet machine; one request at a time wastes more); a pool only its hand-overs.
    const took = server.answered.map((r) => r.answer - r.arrive).sort((a, b) => a - b);
    const half = Math.floor(took.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const wavesIdle = Math.round((urls.length / k) * (k - 1) * (mean(took.slice(half)) - mean(took.slice(0, half))));
    const maxIdle = Math.round(wavesIdle * 0.45);
    if (idle > maxIdle) {
      const [n, took] = [urls.length, Math.round(outcome.ms)];
      fail(
        msg({
          en:
            `fetchAll(${n} URLs, ${k}), answers taking ${slow} ms and ${quick} ms in turn: while URLs were still waiting, your ${k} sockets sat idle for ${idle} ms in all, beyond the ${handover} ms a hand-over took here. ` +
            `Waves of ${k} would leave them idle about ${wavesIdle} ms with the answer times measured here, a pool next to nothing (allowed: ${maxIdle} ms, 45% of the waves' figure; ` +
            `this check judges idle socket time, not wall time, so a busy machine does not count against you). It took ${took} ms; about ${ideal} ms would do. ` +
            'Waiting for each group of maxSockets requests (or for each request) before starting the next leaves a socket idle behind every slow answer: ' +
            'start every request at once and let the agent hand each freed socket to the next request.',
          'zh-CN':
            `fetchAll(${n} URLs, ${k})，回答轮流耗时 ${slow} ms 和 ${quick} ms：在还有 URL 等待时，除去这里每次交接所用的 ${handover} ms，你的 ${k} 个套接字一共空闲了 ${idle} ms。` +
            `按这里测得的回答时间，每次 ${k} 个一波一波地发会空闲约 ${wavesIdle} ms，连接池几乎为零（允许：${maxIdle} ms，即一波一波方式的 45%；` +
            `这项检查评判的是套接字空闲时间而不是实际耗时，所以机器繁忙不会算到你头上）。它用了 ${took} ms；约 ${ideal} ms 就够了。` +
            '每凑满 maxSockets 个请求（或每个请求）就等它们完成再开始下一批，会让每个慢回答后面都有套接字空闲：一次发起所有请求，让 Agent 把每个空出来的套接字交给下一个请求。',
        }),
      );
    }
  });
});
