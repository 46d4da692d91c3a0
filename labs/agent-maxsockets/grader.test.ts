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
import { check, fail, startSubmission, type Submission } from '../../src/grade/harness.js';
import type { FetchAllOutcome } from './grade/host.js';

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

async function fetchAll(sub: Submission, urls: string[], k: number): Promise<FetchAllOutcome> {
  return sub.call<FetchAllOutcome>('fetchAll', { urls, maxSockets: Number.isFinite(k) ? k : null });
}

/** The bodies, or a failure saying why there are none. */
function bodiesOf(outcome: FetchAllOutcome, urls: string[], k: number): string[] {
  const call = `fetchAll(${urls.length} URLs, ${kText(k)})`;
  if (outcome.settled === 'rejected') {
    fail(`${call} rejected with "${outcome.error.message}", but every URL answered 200 OK: it should resolve with the ${urls.length} bodies.`);
  }
  if (outcome.bodies === null) fail(`${call} resolved with ${outcome.got}; expected an array of ${urls.length} strings, the bodies in the order of urls.`);
  if (outcome.bodies.length !== urls.length) fail(`${call} resolved with ${outcome.bodies.length} bodies for ${urls.length} URLs: one body per URL, please.`);
  return outcome.bodies;
}

/** ", 2 of them opened after fetchAll had settled (…)", or nothing. */
const lateText = (late: number) =>
  late > 0 ? `, ${late} of them opened after fetchAll had settled (requests still queued in an agent that was destroyed get new connections)` : '';

const quote = (list: string[], max = 8) => `[${list.slice(0, max).map((s) => JSON.stringify(s)).join(', ')}${list.length > max ? ', …' : ''}]`;

/**
 * Socket-time wasted while URLs were waiting, in ms: over the batch, at each moment, the number
 * of the k sockets not carrying a request although some URL had not been requested yet. Sockets
 * that take the next URL as soon as they are free waste only the hand-over (a response's way
 * back and the next request's way in); waiting for whole groups, or one request at a time,
 * wastes the time of every slow answer. Unlike total time, it does not grow with a slow server
 * or with late timers, so it stays fair on a busy machine.
 */
function idleSocketMs(answered: ReadonlyArray<{ arrive: number; answer: number }>, n: number, k: number): number {
  const events = [...answered.map((r) => ({ t: r.arrive, busy: +1 })), ...answered.map((r) => ({ t: r.answer, busy: -1 }))].sort((a, b) => a.t - b.t || a.busy - b.busy);
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
  const sub = await startSubmission(LAB);
  const rounds: Array<[n: number, k: number, delay: number]> = [
    [6, 3, 200],
    [2, 4, 200],
  ];
  for (const [n, k, delay] of rounds) {
    await withServer(async (server) => {
      const urls = Array.from({ length: n }, (_, i) => server.url(delay, i));
      bodiesOf(await fetchAll(sub, urls, k), urls, k);
      const want = Math.min(n, k);
      if (server.peak > want) {
        fail(
          `fetchAll(${n} URLs, ${k}): the server saw ${server.peak} connections open at the same time; at most ${want} allowed. ` +
            (server.total > want && server.peak <= want + 1
              ? `Your requests opened ${server.total} connections in all, one per request: a new connection can open before the previous one has closed. ` +
                'Let one http.Agent created with { maxSockets } carry all the requests, so a freed socket is reused instead.'
              : 'Requests beyond maxSockets must wait for a free socket: pass every request an http.Agent of your own created with { maxSockets } ' +
                '(without `agent`, requests use http.globalAgent, whose maxSockets is Infinity).'),
        );
      }
      if (server.peak < want) {
        fail(
          `fetchAll(${n} URLs, ${k}): the server never saw more than ${server.peak} connection(s) open at once; expected ${want}, ` +
            `since there ${n === 1 ? 'is' : 'are'} ${n} URL(s) and ${k} sockets allowed. Start all the requests at once and let the agent queue ` +
            'the ones that do not fit, instead of awaiting each request before the next.',
        );
      }
    });
  }
});

check('connection-reuse', 'opens no more than maxSockets connections for the whole batch (reuses them)', { points: 2 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  await withServer(async (server) => {
    const [n, k] = [8, 2];
    const urls = Array.from({ length: n }, (_, i) => server.url(60, i));
    bodiesOf(await fetchAll(sub, urls, k), urls, k);
    if (server.total > k) {
      fail(
        `fetchAll(${n} URLs, ${k}) opened ${server.total} TCP connections; with maxSockets ${k} it needs only ${k}. ` +
          'A connection freed by one response should carry the next request: use one http.Agent for the whole batch ' +
          '(keepAlive: true keeps sockets between requests); agent: false, or a new agent per request, opens a new connection every time.',
      );
    }
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('input-order', 'resolves with the bodies in the order of urls, not in the order the answers arrive', { points: 0 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  await withServer(async (server) => {
    const delays = [300, 40, 200, 10, 120, 60];
    const k = 3;
    const urls = delays.map((ms, i) => server.url(ms, i));
    const expected = delays.map((_, i) => server.body(i));
    const bodies = bodiesOf(await fetchAll(sub, urls, k), urls, k);
    if (bodies.some((b, i) => b !== expected[i])) {
      const sameSet = [...bodies].sort().join('\n') === [...expected].sort().join('\n');
      fail(
        `fetchAll(${urls.length} URLs, ${k}) with answers taking ${delays.join(', ')} ms resolved with ${quote(bodies)}; expected ${quote(expected)}. ` +
          (sameSet
            ? 'The bodies are right but in the order they arrived: keep each body at its URL\'s index (Promise.all over urls.map(…) does), do not push() them as they come.'
            : 'Each body must be the answer to the URL at the same index.'),
      );
    }
  });
});

check('utf8-bodies', 'decodes each body as UTF-8 as a whole, even when a character is split between chunks', { points: 1 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  await withServer(async (server) => {
    const tags = ['a', 'b', 'c'];
    const urls = tags.map((t) => server.utf8Url(t));
    const expected = tags.map((t) => server.utf8Body(t));
    const bodies = bodiesOf(await fetchAll(sub, urls, 2), urls, 2);
    // Order is the input-order check's business: compare as sets here.
    if ([...bodies].sort().join('\n') !== [...expected].sort().join('\n')) {
      const wrong = bodies.find((b) => !expected.includes(b)) ?? bodies[0]!;
      fail(
        `the server sent ${JSON.stringify(expected[0])} as UTF-8 in two writes, split inside "é"; fetchAll gave back ${JSON.stringify(wrong)}. ` +
          (wrong.includes('\uFFFD')
            ? 'The U+FFFD characters show each chunk was decoded on its own (`body += chunk`): collect the Buffers and decode once with Buffer.concat(chunks).toString(\'utf8\'), or call res.setEncoding(\'utf8\').'
            : 'Decode the whole body as UTF-8.'),
      );
    }
  });
});

check('rejects-non-2xx', 'rejects when an answer is not 2xx, with an error naming the URL', { points: 1 }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  for (const status of [404, 500]) {
    await withServer(async (server) => {
      const bad = server.statusUrl(status, 20, 'x');
      const urls = [server.url(20, 0), server.url(20, 1), bad, server.url(20, 3), server.url(20, 4)];
      const outcome = await fetchAll(sub, urls, 2);
      if (outcome.settled === 'resolved') {
        const shown = outcome.bodies ? quote(outcome.bodies) : outcome.got;
        fail(
          `${bad} answered ${status}, yet fetchAll resolved with ${shown}. ` +
            'http.get() does not fail on an error status: check res.statusCode and reject when it is outside 200–299.',
        );
      }
      if (!outcome.error.message.includes(bad)) {
        fail(
          `fetchAll rejected (good) with "${outcome.error.message}", which does not contain the URL that failed (${bad}). ` +
            `With many URLs, the message must say which one: e.g. \`GET \${url} failed: HTTP ${status}\`.`,
        );
      }
    });
  }
});

check('closes-connections', 'leaves no connection open once it has settled, after success and after a failure', { points: 2 }, async ({ note }) => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  await withServer(async (server) => {
    const urls = Array.from({ length: 6 }, (_, i) => server.url(50, i));
    bodiesOf(await fetchAll(sub, urls, 3), urls, 3);
    note(`fetchAll resolved; the server has ${server.open} of its connections open: waiting up to 1.5 s for them to close`);
    const before = server.total;
    const left = await server.allClosed(1500);
    if (left > 0) {
      fail(
        `fetchAll(6 URLs, 3) resolved, and 1.5 s later ${left} of its ${server.total} connection(s) were still open on the server${lateText(server.total - before)}. ` +
          'A keep-alive agent keeps idle sockets open (they no longer keep your process alive, but the server still holds them): ' +
          'call agent.destroy() when the batch is over. (http.globalAgent keeps its sockets alive too, since Node 19.)',
      );
    }
  });
  await withServer(async (server) => {
    const bad = server.statusUrl(500, 30, 'x');
    const urls = [server.url(80, 0), bad, server.url(300, 2), server.url(80, 3), server.url(80, 4), server.url(80, 5)];
    const outcome = await fetchAll(sub, urls, 2);
    if (outcome.settled === 'resolved') return; // rejects-non-2xx reports this one
    note(`fetchAll rejected; the server has ${server.open} of its connections open: waiting up to 1.5 s for them to close`);
    const before = server.total;
    const left = await server.allClosed(1500);
    if (left > 0) {
      fail(
        `fetchAll(6 URLs, 2) rejected because ${bad} answered 500, and 1.5 s later ${left} of its ${server.total} connection(s) were still open on the server${lateText(server.total - before)}. ` +
          'Close your agent after a failure too: wait for the requests still running (Promise.allSettled) or abort them, then agent.destroy(), then reject.',
      );
    }
  });
});

// The untouched starter passes this check already: it must pass, but earns nothing.
check('total-time', 'takes about the ideal time: no socket sits idle while URLs wait', { points: 0, alone: true }, async () => {
  // One learner process per check; each round gets a server (an origin) of its own.
  const sub = await startSubmission(LAB);
  await withServer(async (server) => {
    const k = 2;
    // Slow and quick answers alternate, so every group of k holds one slow answer: waiting for
    // whole groups leaves a socket idle behind each slow answer, while sockets that take the
    // next URL at once are never idle for long.
    const [slow, quick] = [200, 10];
    const delays = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? slow : quick));
    const urls = delays.map((ms, i) => server.url(ms, i));
    const ideal = listSchedule(delays, k);
    const outcome = await fetchAll(sub, urls, k);
    bodiesOf(outcome, urls, k);
    const idle = Math.round(idleSocketMs(server.answered, urls.length, k));
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
      fail(
        `fetchAll(${urls.length} URLs, ${k}), answers taking ${slow} ms and ${quick} ms in turn: while URLs were still waiting, your ${k} sockets sat idle for ${idle} ms in all. ` +
          `Waves of ${k} would leave them idle about ${wavesIdle} ms with the answer times measured here, a pool next to nothing (allowed: ${maxIdle} ms, 45% of the waves' figure; ` +
          `this check judges idle socket time, not wall time, so a busy machine does not count against you). It took ${Math.round(outcome.ms)} ms; about ${ideal} ms would do. ` +
          'Waiting for each group of maxSockets requests (or for each request) before starting the next leaves a socket idle behind every slow answer: ' +
          'start every request at once and let the agent hand each freed socket to the next request.',
      );
    }
  });
});
