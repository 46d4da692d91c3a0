/**
 * What the agent-maxsockets demo measures and how it is drawn: the parameters and result of one
 * client batch, the ideal time, option parsing, and the terminal waterfall. Pure functions, so
 * the orchestrator (lab.ts), the client and the tests share them.
 */

import { msg } from '../../src/i18n/index.js';

/** The connection pool a client process uses. `null` means no limit (Infinity). */
export type PoolSpec =
  | { kind: 'agent'; keepAlive: boolean; maxSockets: number | null; maxFreeSockets?: number }
  | { kind: 'agent-false' }
  | { kind: 'global-agent' }
  | { kind: 'undici'; connections: number | null };

export interface ClientParams {
  port: number;
  /** Requests per burst, all sent at once. */
  n: number;
  /** Bursts of `n` requests (default 1), with `pauseMs` between them. */
  bursts?: number;
  pauseMs?: number;
  pool: PoolSpec;
}

/** One request's life, in ms since the client sent its first request. */
export interface RequestTiming {
  /** Request number (`r<i>` in the trace). */
  i: number;
  burst: number;
  /** http.request() / pool.request() was called: the pool has the request. */
  queued: number;
  /** The request got its socket (`socket` event; undici: its headers were written). */
  assigned: number;
  /** The response's last byte arrived. */
  end: number;
  /** The socket's trace id (`net.Socket#3`). */
  socket: string;
  /** The socket had carried an earlier request. */
  reused: boolean;
  status: number;
  /** The Connection header the request was sent with, as the server saw it. */
  sent: string;
}

export interface BatchResult {
  /** First burst: from the first request to the last response, measured inside the client. */
  measuredMs: number;
  /** The same, per burst. */
  burstsMs: number[];
  /** Idle sockets the pool kept after each burst. */
  idleAfterBurst: number[];
  requests: RequestTiming[];
  /** fetch-all only: the bodies came back in the order of the URLs. */
  inOrder?: boolean;
}

/** `ceil(N/k)·D`: k requests at a time, each taking D ms. k = Infinity: one round. */
export function idealMs(n: number, k: number, delay: number): number {
  return Math.ceil(n / Math.min(k, n)) * delay;
}

/** `1`, `5`, `Infinity` as a label and a JSON-safe key. */
export function kLabel(k: number): string {
  return Number.isFinite(k) ? String(k) : 'Infinity';
}

/** Parse `--set k=1,5,Infinity`: positive integers or Infinity (inf, ∞), comma-separated. */
export function parseKs(value: string): number[] {
  const parts = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) {
    throw new Error(msg({ en: `--set k=${value}: give one or more maxSockets values, e.g. k=1,5,Infinity`, 'zh-CN': `--set k=${value}：请给出一个或多个 maxSockets 值，例如 k=1,5,Infinity` }));
  }
  return parts.map((part) => {
    if (/^(infinity|inf|∞)$/i.test(part)) return Infinity;
    if (!/^\d+$/.test(part) || Number(part) < 1) {
      throw new Error(
        msg({
          en: `--set k=${value}: "${part}" is not a positive integer or Infinity (maxSockets must be at least 1)`,
          'zh-CN': `--set k=${value}："${part}" 既不是正整数也不是 Infinity（maxSockets 至少为 1）`,
        }),
      );
    }
    return Number(part);
  });
}

/** Parse an integer option within bounds, with an error that names the option. */
export function parseIntOption(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new Error(msg({ en: `--set ${name}=${value}: expected a whole number from ${min} to ${max}`, 'zh-CN': `--set ${name}=${value}：应为 ${min} 到 ${max} 之间的整数` }));
  }
  return Number(value);
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

export interface WaterfallOptions {
  /** Width of the bar area in characters. */
  width?: number;
  /** Above this many requests, draw one row per socket instead of one row per request. */
  maxRows?: number;
}

/**
 * The waterfall of one batch, grouped by socket. Each request is a bar: `░` while it waits in
 * the pool's queue, `█` from the moment it has a socket until its response ends. With many
 * requests it becomes one row per socket (requests alternate `█`/`▓`) and a row of queue depth.
 */
export function drawWaterfall(requests: RequestTiming[], options: WaterfallOptions = {}): string[] {
  const width = options.width ?? 48;
  const maxRows = options.maxRows ?? 24;
  if (requests.length === 0) return [msg({ en: '(no requests)', 'zh-CN': '（没有请求）' })];
  const span = Math.max(...requests.map((r) => r.end), 1e-9);
  const col = (t: number) => Math.min(width, Math.max(0, Math.round((t / span) * width)));
  const sockets: string[] = [];
  for (const r of [...requests].sort((a, b) => a.assigned - b.assigned)) {
    if (!sockets.includes(r.socket)) sockets.push(r.socket);
  }
  const labelWidth = Math.max(6, ...sockets.map((s) => s.length)) + 2;
  const compact = requests.length > maxRows;
  const right = `${fmt(span)} ms`;
  const prefix = labelWidth + (compact ? 0 : 12);
  const out: string[] = [`${' '.repeat(prefix)}0 ms${' '.repeat(Math.max(1, width + 1 - 4 - right.length))}${right}`];

  if (!compact) {
    for (const socket of sockets) {
      const mine = requests.filter((r) => r.socket === socket).sort((a, b) => a.assigned - b.assigned);
      mine.forEach((r, j) => {
        const q = col(r.queued);
        const a = col(r.assigned);
        const e = Math.max(col(r.end), a + 1);
        const bar = ' '.repeat(q) + '░'.repeat(Math.max(0, a - q)) + '█'.repeat(e - a);
        const label = (j === 0 ? socket : '').padEnd(labelWidth);
        out.push(`${label}${`r${r.i}`.padEnd(4)} ${(r.reused ? 'reused' : 'new').padEnd(7)}${bar}`);
      });
    }
    out.push(`${' '.repeat(labelWidth)}${msg({ en: '░ queued in the pool   █ on its socket until the response ended', 'zh-CN': '░ 在连接池中排队   █ 占用套接字直到响应结束' })}`);
    return out;
  }

  for (const socket of sockets) {
    const row = Array.from({ length: width + 1 }, () => ' ');
    const mine = requests.filter((r) => r.socket === socket).sort((a, b) => a.assigned - b.assigned);
    mine.forEach((r, j) => {
      const a = col(r.assigned);
      const e = Math.max(col(r.end), a + 1);
      for (let c = a; c < e && c <= width; c++) row[c] = j % 2 === 0 ? '█' : '▓';
    });
    out.push(`${socket.padEnd(labelWidth)}${row.join('').trimEnd()}`);
  }
  const depth = Array.from({ length: width + 1 }, (_, c) => {
    const t = (c / width) * span;
    const waiting = requests.filter((r) => r.queued <= t && r.assigned > t).length;
    return waiting === 0 ? '·' : waiting > 9 ? '+' : String(waiting);
  });
  out.push(`${'queued'.padEnd(labelWidth)}${depth.join('')}`);
  const legend = msg({
    en: 'one row per socket: █▓ successive requests on it; "queued": requests waiting for a socket',
    'zh-CN': '每个套接字一行：█▓ 是它上面先后的请求；"queued"：等待套接字的请求数',
  });
  out.push(`${' '.repeat(labelWidth)}${legend}`);
  return out;
}
