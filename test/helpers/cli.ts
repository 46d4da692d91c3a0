import { spawn, type ChildProcess } from 'node:child_process';
import { onTestFinished } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labProcessEnv } from '../../dist/src/runtime/spawn.js';

/** The built CLI as it is installed (package.json `bin`), as `npm test` builds it first (pretest). */
export const CLI = fileURLToPath(new URL(`../../${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { bin: { netlab: string } }).bin.netlab}`, import.meta.url));

/** One NDJSON line of `netlab … --json`, loosely typed for assertions. */
export type JsonLine = {
  type: string;
  seq?: number;
  actor?: string;
  object?: string;
  name?: string;
  text?: string;
  detail?: Record<string, unknown>;
  [k: string]: unknown;
};

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run `netlab ...args` to completion, with no TTY and no colour unless env says so. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = startCli(args, options);
  return collect(child, options.timeoutMs ?? 60_000);
}

/**
 * Start `netlab ...args`. Without a `cwd` it runs in a fresh empty folder, removed when it
 * ends: netlab looks for the workspace in its current folder, and a test must never see a
 * learner's (the repository's `netlab-exercises/`, or one `NETLAB_WORKSPACE` points at).
 */
export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ChildProcess {
  // Without NODE_EXTRA_CA_CERTS on Node 20, as netlab's own lab processes (see cleanEnv).
  const env: NodeJS.ProcessEnv = { ...labProcessEnv(process.env), FORCE_COLOR: undefined, NO_COLOR: undefined, NETLAB_WORKSPACE: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'netlab-cwd-'));
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (options.cwd === undefined) child.once('close', () => rmSync(cwd, { recursive: true, force: true }));
  stopWhenTestEnds(child);
  return child;
}

/**
 * A netlab still running when its test ends (an assertion failed before the test stopped it)
 * is stopped then: Ctrl-C first, which stops its own processes too, then SIGKILL after 5 s.
 * Without this a failed `--serve` test left a server running after the suite.
 */
function stopWhenTestEnds(child: ChildProcess): void {
  try {
    onTestFinished(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await closed;
      clearTimeout(timer);
    });
  } catch {
    /* started outside a test (in a hook): that hook's counterpart stops it */
  }
}

export function collect(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`netlab did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Every JSON line the child writes to stdout, kept from the start, so a test can wait for a
 * line that may already have arrived.
 */
export class JsonLines<T = Record<string, unknown>> {
  readonly all: T[] = [];
  private buffered = '';
  private waiters: Array<{ match: (line: T) => boolean; resolve: (line: T) => void }> = [];

  constructor(child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer | string) => {
      this.buffered += chunk.toString();
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const raw = this.buffered.slice(0, nl);
        this.buffered = this.buffered.slice(nl + 1);
        let line: T;
        try {
          line = JSON.parse(raw) as T;
        } catch {
          continue;
        }
        this.all.push(line);
        this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
      }
    });
  }

  /** The first line (past or future) that satisfies `match`. */
  waitFor(match: (line: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const found = this.all.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${this.all.map((l) => JSON.stringify(l)).join('\n')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
    });
  }
}

/** Direct children of `pid` (Linux /proc), to prove later that none is left. */
export async function childrenOf(pid: number): Promise<number[]> {
  const { readFileSync } = await import('node:fs');
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The command line of `pid`, its arguments joined by spaces (Linux /proc); '' once it is gone. */
export function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Every process below `pid` now, each with its parent and command line (Linux /proc). */
export async function descendantsOf(pid: number): Promise<Array<{ pid: number; parent: number; cmdline: string }>> {
  const kids = await childrenOf(pid);
  const below = await Promise.all(kids.map(descendantsOf));
  return [...kids.map((kid) => ({ pid: kid, parent: pid, cmdline: cmdlineOf(kid) })), ...below.flat()];
}

/** Pids of every process whose environment carries `marker` (Linux /proc). */
export function processesMarked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within `timeoutMs` (a SIGKILLed orphan takes a moment to be reaped). */
export async function goneWithin(pid: number, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Every process `child` starts while it runs (polled from /proc), to prove later that none survives. */
export function watchChildren(child: ChildProcess): { pids: Set<number>; stop: () => void } {
  const pids = new Set<number>();
  const timer = setInterval(async () => {
    for (const pid of await childrenOf(child.pid!)) pids.add(pid);
  }, 15);
  return { pids, stop: () => clearInterval(timer) };
}

/**
 * Run `netlab ...args` to completion while watching its children; resolves with the result, its
 * NDJSON lines (if any), the children it had, and which of them outlived it (should be none).
 */
export async function runWatched<T = Record<string, unknown>>(args: string[], timeoutMs = 60_000, env?: NodeJS.ProcessEnv) {
  const cli = startCli(args, { env });
  const watch = watchChildren(cli);
  const result = await collect(cli, timeoutMs);
  watch.stop();
  const survivors: number[] = [];
  for (const pid of watch.pids) if (!(await goneWithin(pid))) survivors.push(pid);
  const lines: T[] = [];
  for (const raw of result.stdout.split('\n')) {
    if (!raw.trim()) continue;
    try {
      lines.push(JSON.parse(raw) as T);
    } catch {
      /* human output */
    }
  }
  return { ...result, lines, children: watch.pids, survivors };
}

/** What `netlab run <lab> --serve --json` printed once it serves: its address and commands. */
export interface Serving {
  address: string;
  commands: string[];
}

/**
 * Start `netlab run <lab> --serve --json` (with `extra` arguments) and wait until it serves:
 * the process, its JSON lines, its end (collected), and the `serve` line.
 */
export async function startServing(lab: string, extra: string[] = [], options: { env?: NodeJS.ProcessEnv } = {}) {
  const cli = startCli(['run', lab, '--serve', '--json', ...extra], options);
  const out = new JsonLines<JsonLine>(cli);
  const done = collect(cli);
  const serve = (await out.waitFor((l) => l.type === 'serve')) as unknown as Serving;
  return { cli, out, done, serve };
}

/**
 * A record of every process a command starts (and those its children start): a preload, put in
 * `NODE_OPTIONS` (which children inherit), that writes each spawn's arguments to a file in `dir`.
 * `spawned()` reads what was started so far, the program first in each.
 */
export function spawnRecorder(dir: string): { env: NodeJS.ProcessEnv; spawned: () => string[][] } {
  const log = join(dir, `spawned-${Date.now().toString(36)}.ndjson`);
  const probe = join(dir, 'spawn-recorder.cjs');
  writeFileSync(
    probe,
    `const { ChildProcess } = require('node:child_process');\n` +
      `const spawn = ChildProcess.prototype.spawn;\n` +
      `ChildProcess.prototype.spawn = function (o) {\n` +
      `  require('node:fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify([o.file, ...(o.args ?? []).slice(1)]) + '\\n');\n` +
      `  return spawn.call(this, o);\n` +
      `};\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${probe}` },
    spawned: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
  };
}
